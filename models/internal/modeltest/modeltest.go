// Package modeltest holds checks that every seqlab model's tests run.
package modeltest

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/seqlab/seqlab/models/nn"
)

// Model is what the checks need of a model.
type Model interface {
	Forward(nn.Input) (*mat.Dense, error)
	Backward(*mat.Dense)
	Params() []*nn.Param
}

// SameOnAnyCores builds a model with build, runs it forward and backward
// (cross-entropy on every position) on B random sequences of T tokens below
// V, with 1, 2, 3 and 8 cores, and fails t unless the logits, every gradient
// and whatever extra returns after Backward (per-step norms, say; nil for
// nothing) are the same bit for bit each time: the models split their work
// over the cores by rows, and a row must come out the same whoever
// computes it.
func SameOnAnyCores(t *testing.T, B, T, V int, build func() (Model, error), extra func(Model) []float64) {
	t.Helper()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	run := func(procs int) []float64 {
		runtime.GOMAXPROCS(procs)
		m, err := build()
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(4, 4))
		tokens := make([]int, B*T)
		for i := range tokens {
			tokens[i] = rng.IntN(V)
		}
		out, err := m.Forward(nn.TokenInput(B, T, tokens))
		if err != nil {
			t.Fatal(err)
		}
		res := append([]float64(nil), out.RawMatrix().Data...)
		dOut := mat.NewDense(B*T, V, nil)
		nn.CrossEntropy(out, nil, tokens, dOut)
		m.Backward(dOut)
		for _, p := range m.Params() {
			res = append(res, p.GradData()...)
		}
		if extra != nil {
			res = append(res, extra(m)...)
		}
		return res
	}
	want := run(1)
	for _, procs := range []int{2, 3, 8} {
		got := run(procs)
		if len(got) != len(want) {
			t.Fatalf("GOMAXPROCS=%d: %d values, with one core %d", procs, len(got), len(want))
		}
		for i := range want {
			if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
				t.Fatalf("GOMAXPROCS=%d: value %d is %v, with one core %v", procs, i, got[i], want[i])
			}
		}
	}
}
