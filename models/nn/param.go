package nn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Param is a learnable tensor: its value, the gradient of the loss with respect
// to it, and its name and shape as PyTorch would give them (for example
// "rnn.weight_ih_l0" with shape [H, In], or "out.bias" with shape [Out]).
//
// Value and Grad are stored as matrices of Rows×Cols; a one-dimensional
// parameter (a bias) is a 1×n matrix whose Shape is [n].
type Param struct {
	Name  string
	Shape []int
	Value *mat.Dense
	Grad  *mat.Dense
}

// NewParam returns a zero parameter of the given PyTorch shape (one or two
// dimensions).
func NewParam(name string, shape ...int) *Param {
	var r, c int
	switch len(shape) {
	case 1:
		r, c = 1, shape[0]
	case 2:
		r, c = shape[0], shape[1]
	default:
		panic(&ShapeError{Op: "NewParam " + name, Msg: fmt.Sprintf("want 1 or 2 dimensions, got %v", shape)})
	}
	if r <= 0 || c <= 0 {
		panic(&ShapeError{Op: "NewParam " + name, Msg: fmt.Sprintf("sizes must be positive, got %v", shape)})
	}
	return &Param{
		Name:  name,
		Shape: append([]int(nil), shape...),
		Value: mat.NewDense(r, c, nil),
		Grad:  mat.NewDense(r, c, nil),
	}
}

// Data returns the parameter's values as one row-major slice (shared, not copied).
func (p *Param) Data() []float64 { return p.Value.RawMatrix().Data }

// GradData returns the gradient as one row-major slice (shared, not copied).
func (p *Param) GradData() []float64 { return p.Grad.RawMatrix().Data }

// Size is the number of scalars in the parameter.
func (p *Param) Size() int { return len(p.Data()) }

// String describes the parameter as "name [shape]".
func (p *Param) String() string { return fmt.Sprintf("%s %v", p.Name, p.Shape) }

// Uniform fills the parameter with values drawn uniformly from [-bound, bound).
func (p *Param) Uniform(rng *rand.Rand, bound float64) {
	for i, d := 0, p.Data(); i < len(d); i++ {
		d[i] = (2*rng.Float64() - 1) * bound
	}
}

// Normal fills the parameter with values drawn from N(0, std²).
func (p *Param) Normal(rng *rand.Rand, std float64) {
	for i, d := 0, p.Data(); i < len(d); i++ {
		d[i] = rng.NormFloat64() * std
	}
}

// Fill sets every value of the parameter to v.
func (p *Param) Fill(v float64) {
	for i, d := 0, p.Data(); i < len(d); i++ {
		d[i] = v
	}
}

// ZeroGrad sets the gradients of all params to zero. Call it before each
// Backward, since layers accumulate into gradients.
func ZeroGrad(params []*Param) {
	for _, p := range params {
		clear(p.GradData())
	}
}

// CountParams is the total number of scalars in params.
func CountParams(params []*Param) int {
	n := 0
	for _, p := range params {
		n += p.Size()
	}
	return n
}

// GradNorm is the global L2 norm of the gradients of params, as
// torch.nn.utils.clip_grad_norm_ computes it.
func GradNorm(params []*Param) float64 {
	s := 0.0
	for _, p := range params {
		n := Norm(p.GradData())
		s += n * n
	}
	return math.Sqrt(s)
}

// Norm is the Euclidean norm √(Σ vᵢ²).
func Norm(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x * x
	}
	return math.Sqrt(s)
}

// ClipGradNorm scales all gradients by maxNorm/norm when their global L2 norm
// exceeds maxNorm, and returns the norm before clipping. A maxNorm ≤ 0 only
// measures. The scale is maxNorm/(norm+1e-6), as in PyTorch.
func ClipGradNorm(params []*Param, maxNorm float64) float64 {
	norm := GradNorm(params)
	if maxNorm > 0 && norm > maxNorm {
		scale := maxNorm / (norm + 1e-6)
		for _, p := range params {
			g := p.GradData()
			for i := range g {
				g[i] *= scale
			}
		}
	}
	return norm
}

// ShapeError reports a programming error: matrices of the wrong shape were
// passed between layers. Engine code panics with it; it names the operation.
type ShapeError struct {
	Op  string
	Msg string
}

func (e *ShapeError) Error() string { return "seqlab/nn: " + e.Op + ": " + e.Msg }

// checkShape panics with a *ShapeError unless m is r×c.
func checkShape(op, what string, m *mat.Dense, r, c int) {
	if m == nil {
		panic(&ShapeError{Op: op, Msg: what + " is nil"})
	}
	if mr, mc := m.Dims(); mr != r || mc != c {
		panic(&ShapeError{Op: op, Msg: fmt.Sprintf("%s is %d×%d, want %d×%d", what, mr, mc, r, c)})
	}
}
