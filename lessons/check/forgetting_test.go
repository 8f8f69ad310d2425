package check

import (
	"math"
	"testing"

	"github.com/seqlab/seqlab/display"
	"github.com/seqlab/seqlab/models/nn"
	"github.com/seqlab/seqlab/models/rnn"
	"github.com/seqlab/seqlab/tasks"
	"gonum.org/v1/gonum/mat"
)

func backStepCaseOf(desc string, pass bool, got, where string, f func(delta, h []float64, U [][]float64) []float64) verdictCase {
	return verdictCase{desc: desc, pass: pass, got: got, where: where, checkFunc: func() *display.Check { return backStepCheck(f) }}
}

// backStepWith is the learner's function with switches for the usual
// mistakes.
func backStepWith(transpose bool, slope func(float64) float64) func(delta, h []float64, U [][]float64) []float64 {
	return func(delta, h []float64, U [][]float64) []float64 {
		out := make([]float64, len(delta))
		for j := range out {
			for i := range delta {
				a := delta[i]
				if slope != nil {
					a *= slope(h[i])
				}
				if transpose {
					out[j] += U[i][j] * a
				} else {
					out[j] += U[j][i] * a
				}
			}
		}
		return out
	}
}

func TestBackStep(t *testing.T) {
	testVerdicts(t, "backStep", []verdictCase{
		backStepCaseOf("correct", true, "", "", backStepWith(true, func(h float64) float64 { return 1 - h*h })),
		backStepCaseOf("correct, in place on delta", true, "", "", func(delta, h []float64, U [][]float64) []float64 {
			a := make([]float64, len(delta))
			for i := range delta {
				a[i] = delta[i] * (1 - h[i]) * (1 + h[i])
			}
			for j := range delta {
				delta[j] = 0
				for i := range a {
					delta[j] += U[i][j] * a[i]
				}
			}
			return delta
		}),
		backStepCaseOf("stub", false, "[1 0.5]", "still returns delta unchanged", func(delta, h []float64, U [][]float64) []float64 { return delta }),
		backStepCaseOf("zeros", false, "[0 0]", "returns zeros", func(delta, h []float64, U [][]float64) []float64 { return make([]float64, len(delta)) }),
		backStepCaseOf("not transposed", false, "", "not by its transpose", backStepWith(false, func(h float64) float64 { return 1 - h*h })),
		backStepCaseOf("no slope", false, "", "tanh slope is missing: multiply", backStepWith(true, nil)),
		backStepCaseOf("no slope, not transposed", false, "", "missing and U is not transposed", backStepWith(false, nil)),
		backStepCaseOf("1 − h", false, "", "not 1 − h", backStepWith(true, func(h float64) float64 { return 1 - h })),
		backStepCaseOf("sigmoid slope", false, "", "slope of the sigmoid", backStepWith(true, func(h float64) float64 { return h * (1 - h) })),
		backStepCaseOf("slope after", false, "", "applied after the product", func(delta, h []float64, U [][]float64) []float64 {
			out := backStepWith(true, nil)(delta, h, U)
			for j := range out {
				out[j] *= 1 - h[j]*h[j]
			}
			return out
		}),
		backStepCaseOf("nil", false, "nil", "returns no slice", func(delta, h []float64, U [][]float64) []float64 { return nil }),
		backStepCaseOf("short", false, "(1 values)", "must return 2 values", func(delta, h []float64, U [][]float64) []float64 { return delta[:1] }),
		backStepCaseOf("index out of range", false, "your function panicked: runtime error: index out of range", "i and j run from 0", func(delta, h []float64, U [][]float64) []float64 {
			out := make([]float64, 3)
			for j := range out {
				out[j] = U[j][0] * delta[j]
			}
			return out
		}),
		backStepCaseOf("NaN", false, "NaN", "0/0", func(delta, h []float64, U [][]float64) []float64 {
			return []float64{math.NaN(), 0}
		}),
		backStepCaseOf("nil function", false, "nil", "check.BackStep(backStep)", nil),
	})
}

// TestBackStepIsBPTT checks the exercise's formula against the RNN's own
// backward pass: with the loss at the last step only, backStep applied
// from the last step reproduces StepGradNorms, as lesson 4 shows.
func TestBackStepIsBPTT(t *testing.T) {
	m, err := rnn.New(rnn.Tiny(), nn.NewRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	task, _ := tasks.Delayed(6)
	b := tasks.NewBatch(task, 1, nn.NewRNG(3))
	logits, err := m.Forward(b.Input)
	if err != nil {
		t.Fatal(err)
	}
	r, c := logits.Dims()
	dlogits := mat.NewDense(r, c, nil)
	nn.CrossEntropy(logits, b.Pos, b.Targets, dlogits)
	m.Backward(dlogits)
	want := m.StepGradNorms()
	T := len(want)
	var delta mat.VecDense
	delta.MulVec(m.Out.Weight.Value.T(), dlogits.RowView(T-1))
	d := delta.RawVector().Data
	H := m.Hidden
	U := make([][]float64, H)
	for i := range U {
		U[i] = m.WeightHH.Value.RawRowView(i)
	}
	hs := m.HiddenStates(0)
	step := backStepWith(true, func(h float64) float64 { return 1 - h*h })
	for tt := T - 1; tt >= 0; tt-- {
		if got := mat.Norm(mat.NewVecDense(H, d), 2); math.Abs(got-want[tt]) > 1e-12*want[tt] {
			t.Errorf("step %d: ‖δ‖ by backStep = %g; StepGradNorms = %g", tt, got, want[tt])
		}
		if tt > 0 {
			d = step(d, hs.RawRowView(tt), U)
		}
	}
}

func decayRateCaseOf(desc string, pass bool, got, where string, f func(norms []float64) float64) verdictCase {
	return verdictCase{desc: desc, pass: pass, got: got, where: where, checkFunc: func() *display.Check { return decayRateCheck(f) }}
}

func TestDecayRate(t *testing.T) {
	last := func(n []float64) float64 { return n[len(n)-1] }
	testVerdicts(t, "decayRate", []verdictCase{
		decayRateCaseOf("correct", true, "", "", func(n []float64) float64 {
			return math.Pow(n[0]/last(n), 1/float64(len(n)-1))
		}),
		decayRateCaseOf("correct, geometric mean of the ratios", true, "", "", func(n []float64) float64 {
			s := 0.0
			for t := 0; t+1 < len(n); t++ {
				s += math.Log(n[t] / n[t+1])
			}
			return math.Exp(s / float64(len(n)-1))
		}),
		decayRateCaseOf("stub", false, "0", "still returns 0", func(n []float64) float64 { return 0 }),
		decayRateCaseOf("inverse", false, "2", "that is 1/r", func(n []float64) float64 {
			return math.Pow(last(n)/n[0], 1/float64(len(n)-1))
		}),
		decayRateCaseOf("no root", false, "0.125", "(n−1)-th root", func(n []float64) float64 { return n[0] / last(n) }),
		decayRateCaseOf("no root, inverted", false, "8", "inverse of the change", func(n []float64) float64 { return last(n) / n[0] }),
		decayRateCaseOf("root of n", false, "0.594604", "one too high", func(n []float64) float64 {
			return math.Pow(n[0]/last(n), 1/float64(len(n)))
		}),
		decayRateCaseOf("arithmetic mean", false, "", "arithmetic mean", func(n []float64) float64 {
			s := 0.0
			for t := 0; t+1 < len(n); t++ {
				s += n[t] / n[t+1]
			}
			return s / float64(len(n)-1)
		}),
		decayRateCaseOf("r − 1", false, "-0.5", "r − 1 or 1 − r", func(n []float64) float64 {
			return math.Pow(n[0]/last(n), 1/float64(len(n)-1)) - 1
		}),
		decayRateCaseOf("index out of range", false, "your function panicked: runtime error: index out of range", "norms[len(norms)-1]", func(n []float64) float64 {
			return n[0] / n[len(n)]
		}),
		decayRateCaseOf("NaN", false, "NaN", "0/0", func(n []float64) float64 { return math.NaN() }),
		decayRateCaseOf("nil function", false, "nil", "check.DecayRate(decayRate)", nil),
	})
}

// TestForgettingShow checks that the exported checks of lesson 4 show
// their verdicts.
func TestForgettingShow(t *testing.T) {
	var shown []*display.Check
	restore := display.SetSink(func(v display.Value) {
		if c, ok := v.(*display.Check); ok {
			shown = append(shown, c)
		}
	})
	defer restore()
	BackStep(func(delta, h []float64, U [][]float64) []float64 { panic("boom") })
	DecayRate(func(n []float64) float64 { return math.Pow(n[0]/n[len(n)-1], 1/float64(len(n)-1)) })
	if len(shown) != 2 || shown[0].Exercise != "backStep" || shown[0].Pass || shown[1].Exercise != "decayRate" || !shown[1].Pass {
		t.Errorf("shown %+v; want FAIL backStep, PASS decayRate", shown)
	}
}
