package lstm

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/seqlab/seqlab/models/nn"
	"gonum.org/v1/gonum/mat"
)

// TestSameOnAnyCores checks that the logits, every gradient and the
// per-step gradient norms are the same bit for bit whatever the number of
// cores: the recurrence splits the batch's sequences over them, and a
// sequence's rows come out the same whoever computes them.
func TestSameOnAnyCores(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	run := func(procs int) []float64 {
		runtime.GOMAXPROCS(procs)
		m, err := New(Config{Vocab: 11, Embed: 16, Hidden: 64}, rand.New(rand.NewPCG(3, 3)))
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(4, 4))
		B, T := 33, 24
		tokens := make([]int, B*T)
		for i := range tokens {
			tokens[i] = rng.IntN(11)
		}
		out, err := m.Forward(nn.TokenInput(B, T, tokens))
		if err != nil {
			t.Fatal(err)
		}
		res := append([]float64(nil), out.RawMatrix().Data...)
		dOut := mat.NewDense(B*T, 11, nil)
		nn.CrossEntropy(out, nil, tokens, dOut)
		m.Backward(dOut)
		for _, p := range m.Params() {
			res = append(res, p.GradData()...)
		}
		res = append(res, m.StepGradNorms()...)
		res = append(res, m.CellGradNorms()...)
		return res
	}
	want := run(1)
	for _, procs := range []int{2, 3, 8} {
		got := run(procs)
		for i := range want {
			if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
				t.Fatalf("GOMAXPROCS=%d: value %d is %v, with one core %v", procs, i, got[i], want[i])
			}
		}
	}
}
