package train_test

import (
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"testing"

	"github.com/seqlab/seqlab/models/lstm"
	"github.com/seqlab/seqlab/models/nn"
	"github.com/seqlab/seqlab/models/rnn"
	"github.com/seqlab/seqlab/models/transformer"
	"github.com/seqlab/seqlab/tasks"
	"github.com/seqlab/seqlab/train"
)

// trajectory is a PyTorch training run (testdata/torch_training.py).
type trajectory struct {
	LR      float64              `json:"lr"`
	Warmup  int                  `json:"warmup"`
	Clip    float64              `json:"clip"`
	B, T    int                  `json:"-"`
	BJ      int                  `json:"B"`
	TJ      int                  `json:"T"`
	Init    map[string][]float64 `json:"init"`
	Shapes  map[string][]int     `json:"shapes"`
	Batches []struct {
		Tokens  []int `json:"tokens"`
		Targets []int `json:"targets"`
	} `json:"batches"`
	Losses []float64            `json:"losses"`
	Norms  []float64            `json:"norms"`
	Final  map[string][]float64 `json:"final"`
}

// replay is a task that hands out the recorded batches in order.
type replay struct {
	spec tasks.Spec
	tr   *trajectory
	next int
}

func (r *replay) Spec() tasks.Spec { return r.spec }

func (r *replay) Fill(b *tasks.Batch, B int, _ *rand.Rand) {
	rec := r.tr.Batches[r.next]
	r.next++
	T := r.tr.T
	b.Input = nn.TokenInput(B, T, append([]int(nil), rec.Tokens...))
	b.Pos, b.Targets = b.Pos[:0], append(b.Targets[:0], rec.Targets...)
	for s := range B {
		b.Pos = append(b.Pos, s*T+T-1)
	}
}

// TestTrainingMatchesPyTorch: from PyTorch's initial weights, on PyTorch's
// batches, train.Train takes exactly PyTorch's steps (torch.optim.Adam with
// the warm-up of anchors/torch_recall.py and clip_grad_norm_): the losses of
// all 30 steps and the final weights agree to 1e-9. Differences between
// seqlab's and PyTorch's recall curves therefore come from random numbers
// (initial weights, batches), not from the method.
func TestTrainingMatchesPyTorch(t *testing.T) {
	for _, tc := range []struct {
		name  string
		build func() (train.Model, error)
	}{
		{"rnn", func() (train.Model, error) {
			return rnn.New(rnn.Config{Vocab: 17, Embed: 6, Hidden: 12}, rand.New(rand.NewPCG(1, 1)))
		}},
		{"lstm", func() (train.Model, error) {
			return lstm.New(lstm.Config{Vocab: 17, Embed: 6, Hidden: 12, ForgetBias: 1}, rand.New(rand.NewPCG(1, 1)))
		}},
		{"transformer", func() (train.Model, error) {
			return transformer.New(transformer.Config{Vocab: 17, D: 8, Heads: 2, Layers: 2, FF: 12, MaxT: 8}, rand.New(rand.NewPCG(1, 1)))
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data, err := os.ReadFile("testdata/torch_train_" + tc.name + ".json")
			if err != nil {
				t.Fatal(err)
			}
			tr := new(trajectory)
			if err := json.Unmarshal(data, tr); err != nil {
				t.Fatal(err)
			}
			tr.B, tr.T = tr.BJ, tr.TJ
			m, err := tc.build()
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range m.Params() {
				v, ok := tr.Init[p.Name]
				if !ok || !slices.Equal(p.Shape, tr.Shapes[p.Name]) {
					t.Fatalf("parameter %s %v has no match in PyTorch's %v", p.Name, p.Shape, tr.Shapes[p.Name])
				}
				copy(p.Data(), v)
			}
			spec := (must(tasks.Delayed(tr.T - 2))).Spec()
			o := train.Defaults()
			o.Steps, o.BatchSize, o.LR, o.Warmup, o.Clip, o.EvalSize = len(tr.Losses), tr.B, tr.LR, tr.Warmup, tr.Clip, 0
			h, err := train.Train(context.Background(), m, &replay{spec: spec, tr: tr}, o)
			if err != nil {
				t.Fatal(err)
			}
			for i, want := range tr.Losses {
				if d := math.Abs(h.Loss[i] - want); d > 1e-9 {
					t.Fatalf("step %d: loss %.15g; PyTorch %.15g", i+1, h.Loss[i], want)
				}
				if d := math.Abs(h.GradNorm[i] - tr.Norms[i]); d > 1e-9 {
					t.Fatalf("step %d: gradient norm %.15g; PyTorch %.15g", i+1, h.GradNorm[i], tr.Norms[i])
				}
			}
			worst := 0.0
			for _, p := range m.Params() {
				for i, v := range p.Data() {
					worst = math.Max(worst, math.Abs(v-tr.Final[p.Name][i]))
				}
			}
			if worst > 1e-9 {
				t.Errorf("final weights differ from PyTorch's by up to %g", worst)
			}
			t.Logf("%s: %d steps, loss %.4f → %.4f, final weights within %.1e of PyTorch's", tc.name, len(tr.Losses), tr.Losses[0], h.Loss[len(h.Loss)-1], worst)
		})
	}
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
