// Package torchfix reads the PyTorch reference fixtures that the model
// packages' parity tests compare with (written by models/testdata/torch_parity.py)
// and moves their parameters into seqlab models by PyTorch name.
package torchfix

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"slices"
	"testing"

	"github.com/seqlab/seqlab/models/nn"
	"gonum.org/v1/gonum/mat"
)

// Fixture is one reference run: a model's parameters, an input batch, the
// logits, the mean cross-entropy over every position, and the gradients.
type Fixture struct {
	Torch   string               `json:"torch"`
	B, T    int                  `json:"-"`
	BJ      int                  `json:"B"`
	TJ      int                  `json:"T"`
	Tokens  []int                `json:"tokens"`
	Targets []int                `json:"targets"`
	Params  map[string][]float64 `json:"params"`
	Shapes  map[string][]int     `json:"shapes"`
	Logits  []float64            `json:"logits"`
	Loss    float64              `json:"loss"`
	Grads   map[string][]float64 `json:"grads"`
	Config  map[string]any       `json:"config"`
}

// Load reads a fixture file.
func Load(path string) (*Fixture, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	f := new(Fixture)
	if err := json.Unmarshal(data, f); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	f.B, f.T = f.BJ, f.TJ
	return f, nil
}

// SetParams copies the fixture's parameters into params by name, checking
// that names, shapes and sizes agree both ways.
func (f *Fixture) SetParams(params []*nn.Param) error {
	if len(params) != len(f.Params) {
		return fmt.Errorf("model has %d parameters, fixture %d", len(params), len(f.Params))
	}
	for _, p := range params {
		v, ok := f.Params[p.Name]
		if !ok {
			return fmt.Errorf("fixture has no parameter %q", p.Name)
		}
		if !slices.Equal(p.Shape, f.Shapes[p.Name]) {
			return fmt.Errorf("%s: shape %v, PyTorch %v", p.Name, p.Shape, f.Shapes[p.Name])
		}
		copy(p.Data(), v)
	}
	return nil
}

// MaxGradErr is the largest absolute difference between params' gradients
// and the fixture's, and the parameter where it occurs.
func (f *Fixture) MaxGradErr(params []*nn.Param) (float64, string) {
	worst, where := 0.0, ""
	for _, p := range params {
		for i, g := range p.GradData() {
			if d := math.Abs(g - f.Grads[p.Name][i]); d > worst || math.IsNaN(d) {
				worst, where = d, p.Name
			}
		}
	}
	return worst, where
}

// Model is what Check runs: any seqlab model with an embedding input.
type Model interface {
	Forward(in nn.Input) (*mat.Dense, error)
	Backward(dOut *mat.Dense)
	Params() []*nn.Param
}

// Check loads the fixture at path into m and fails t unless m's logits, the
// mean cross-entropy over every position and every gradient agree with
// PyTorch's to within tol.
func Check(t testing.TB, path string, m Model, tol float64) {
	t.Helper()
	f, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.SetParams(m.Params()); err != nil {
		t.Fatal(err)
	}
	out, err := m.Forward(nn.TokenInput(f.B, f.T, f.Tokens))
	if err != nil {
		t.Fatal(err)
	}
	n, c := out.Dims()
	if !mat.EqualApprox(out, mat.NewDense(n, c, f.Logits), tol) {
		t.Errorf("logits differ from PyTorch's by more than %g", tol)
	}
	dl := mat.NewDense(n, c, nil)
	nn.ZeroGrad(m.Params())
	loss := nn.CrossEntropy(out, nil, f.Targets, dl)
	if math.Abs(loss-f.Loss) > tol {
		t.Errorf("loss = %v; PyTorch %v", loss, f.Loss)
	}
	m.Backward(dl)
	if e, where := f.MaxGradErr(m.Params()); e > tol {
		t.Errorf("gradient of %s differs from PyTorch's by %g", where, e)
	}
}
