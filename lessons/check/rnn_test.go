package check

import (
	"math"
	"testing"

	"github.com/seqlab/seqlab/display"
	"github.com/seqlab/seqlab/models/nn"
)

type rnnStepFunc = func(W, U [][]float64, b, x, h []float64) []float64

func rnnStepCaseOf(desc string, pass bool, got, where string, f rnnStepFunc) verdictCase {
	return verdictCase{desc: desc, pass: pass, got: got, where: where, checkFunc: func() *display.Check { return rnnStepCheck(f) }}
}

// rnnStepWith is a step with the given nonlinearity and terms, for tests.
func rnnStepWith(act func(float64) float64, useW, useU, useB bool) rnnStepFunc {
	return func(W, U [][]float64, b, x, h []float64) []float64 {
		out := make([]float64, len(h))
		for i := range out {
			z := 0.0
			if useB {
				z += b[i]
			}
			if useW {
				for j := range x {
					z += W[i][j] * x[j]
				}
			}
			if useU {
				for j := range h {
					z += U[i][j] * h[j]
				}
			}
			out[i] = act(z)
		}
		return out
	}
}

var rnnGoodStep = rnnStepWith(math.Tanh, true, true, true)

func TestRNNStep(t *testing.T) {
	testVerdicts(t, "rnnStep", []verdictCase{
		rnnStepCaseOf("correct", true, "", "", rnnGoodStep),
		rnnStepCaseOf("correct, in place into h after computing", true, "", "", func(W, U [][]float64, b, x, h []float64) []float64 {
			next := rnnGoodStep(W, U, b, x, h)
			copy(h, next)
			for i := range W {
				W[i][0] = 42
			}
			return h
		}),
		rnnStepCaseOf("correct, tanh from exponentials", true, "", "", rnnStepWith(func(z float64) float64 {
			return 2/(1+math.Exp(-2*z)) - 1
		}, true, true, true)),
		rnnStepCaseOf("stub", false, "[0.2 -0.4]", "returns h unchanged", func(W, U [][]float64, b, x, h []float64) []float64 { return h }),
		rnnStepCaseOf("no tanh", false, "[0.72 0.66]", "math.Tanh", rnnStepWith(func(z float64) float64 { return z }, true, true, true)),
		rnnStepCaseOf("sigmoid", false, "", "sigmoid", rnnStepWith(nn.Sigmoid, true, true, true)),
		rnnStepCaseOf("no recurrence", false, "", "previous state h is left out", rnnStepWith(math.Tanh, true, false, true)),
		rnnStepCaseOf("no input", false, "", "input x is left out", rnnStepWith(math.Tanh, false, true, true)),
		rnnStepCaseOf("no bias", false, "", "bias is missing", rnnStepWith(math.Tanh, true, true, false)),
		rnnStepCaseOf("W transposed", false, "", "W is used transposed", func(W, U [][]float64, b, x, h []float64) []float64 {
			if len(W) != len(x) { // as a learner's code would, it only runs when square
				return rnnGoodStep(W, U, b, x, h)
			}
			out := make([]float64, len(h))
			for i := range out {
				z := b[i]
				for j := range x {
					z += W[j][i] * x[j]
				}
				for j := range h {
					z += U[i][j] * h[j]
				}
				out[i] = math.Tanh(z)
			}
			return out
		}),
		rnnStepCaseOf("W transposed, panics", false, "your function panicked: runtime error: index out of range", "W[i] has 3 values", func(W, U [][]float64, b, x, h []float64) []float64 {
			out := make([]float64, len(h))
			for i := range out {
				z := b[i]
				for j := range x {
					z += W[j][i] * x[j]
				}
				out[i] = math.Tanh(z)
			}
			return out
		}),
		rnnStepCaseOf("U transposed", false, "", "U is used transposed", func(W, U [][]float64, b, x, h []float64) []float64 {
			out := make([]float64, len(h))
			for i := range out {
				z := b[i]
				for j := range x {
					z += W[i][j] * x[j]
				}
				for j := range h {
					z += U[j][i] * h[j]
				}
				out[i] = math.Tanh(z)
			}
			return out
		}),
		rnnStepCaseOf("updates h while reading it", false, "", "math.Tanh(z)", func(W, U [][]float64, b, x, h []float64) []float64 {
			for i := range h {
				z := b[i]
				for j := range x {
					z += W[i][j] * x[j]
				}
				for j := range h {
					z += U[i][j] * h[j]
				}
				h[i] = math.Tanh(z)
			}
			return h
		}),
		rnnStepCaseOf("nil", false, "nil", "returns no slice", func(W, U [][]float64, b, x, h []float64) []float64 { return nil }),
		rnnStepCaseOf("one value per input", false, "(3 values)", "one value per hidden unit", func(W, U [][]float64, b, x, h []float64) []float64 {
			return make([]float64, len(x))
		}),
		rnnStepCaseOf("NaN", false, "NaN", "0/0", func(W, U [][]float64, b, x, h []float64) []float64 {
			return []float64{math.NaN(), 0}
		}),
		rnnStepCaseOf("panic", false, "your function panicked: not yet", "math.Tanh(z)", func(W, U [][]float64, b, x, h []float64) []float64 {
			panic("not yet")
		}),
		rnnStepCaseOf("nil function", false, "nil", "check.RNNStep(rnnStep)", nil),
	})
}

type unrollFunc = func(W, U [][]float64, b []float64, xs [][]float64) [][]float64

func unrollCaseOf(desc string, pass bool, got, where string, f unrollFunc, step rnnStepFunc) verdictCase {
	return verdictCase{desc: desc, pass: pass, got: got, where: where, checkFunc: func() *display.Check { return unrollCheck(f, step) }}
}

// unrollWith unrolls step from h₀ = 0, the way the exercise asks.
func unrollWith(step rnnStepFunc) unrollFunc {
	return func(W, U [][]float64, b []float64, xs [][]float64) [][]float64 {
		h := make([]float64, len(b))
		var states [][]float64
		for _, x := range xs {
			h = step(W, U, b, x, h)
			states = append(states, h)
		}
		return states
	}
}

func TestUnroll(t *testing.T) {
	// inPlaceStep writes the new state into h and returns h: correct as a
	// step, but unroll must then copy it.
	inPlaceStep := func(W, U [][]float64, b, x, h []float64) []float64 {
		copy(h, rnnGoodStep(W, U, b, x, h))
		return h
	}
	testVerdicts(t, "unroll", []verdictCase{
		unrollCaseOf("correct", true, "", "", unrollWith(rnnGoodStep), rnnGoodStep),
		unrollCaseOf("correct, copies each state", true, "", "", func(W, U [][]float64, b []float64, xs [][]float64) [][]float64 {
			h := make([]float64, len(b))
			states := make([][]float64, 0, len(xs))
			for _, x := range xs {
				h = inPlaceStep(W, U, b, x, h)
				states = append(states, append([]float64(nil), h...))
			}
			return states
		}, inPlaceStep),
		unrollCaseOf("stub", false, "nil", "returns no states", func(W, U [][]float64, b []float64, xs [][]float64) [][]float64 {
			return nil
		}, rnnGoodStep),
		unrollCaseOf("stub, and rnnStep not solved", false, "nil", "fix rnnStep", func(W, U [][]float64, b []float64, xs [][]float64) [][]float64 {
			return nil
		}, func(W, U [][]float64, b, x, h []float64) []float64 { return h }),
		unrollCaseOf("right loop, wrong step", false, "(3 states)", "fix rnnStep first", unrollWith(rnnStepWith(math.Tanh, true, false, true)), rnnStepWith(math.Tanh, true, false, true)),
		unrollCaseOf("right states, but rnnStep is not used and wrong", false, "does not pass its check", "fix rnnStep", unrollWith(rnnGoodStep), nil),
		unrollCaseOf("includes h0", false, "(4 states)", "h₀ = 0", func(W, U [][]float64, b []float64, xs [][]float64) [][]float64 {
			return append([][]float64{make([]float64, len(b))}, unrollWith(rnnGoodStep)(W, U, b, xs)...)
		}, rnnGoodStep),
		unrollCaseOf("last state only", false, "(1 state)", "only the last state", func(W, U [][]float64, b []float64, xs [][]float64) [][]float64 {
			all := unrollWith(rnnGoodStep)(W, U, b, xs)
			return all[len(all)-1:]
		}, rnnGoodStep),
		unrollCaseOf("state not carried", false, "(3 states)", "starts again from h₀ = 0", func(W, U [][]float64, b []float64, xs [][]float64) [][]float64 {
			var states [][]float64
			for _, x := range xs {
				states = append(states, rnnGoodStep(W, U, b, x, make([]float64, len(b))))
			}
			return states
		}, rnnGoodStep),
		unrollCaseOf("aliased states", false, "(3 states)", "share one slice", unrollWith(inPlaceStep), inPlaceStep),
		unrollCaseOf("backwards", false, "(3 states)", "backwards", func(W, U [][]float64, b []float64, xs [][]float64) [][]float64 {
			rev := make([][]float64, len(xs))
			for t := range xs {
				rev[t] = xs[len(xs)-1-t]
			}
			return unrollWith(rnnGoodStep)(W, U, b, rev)
		}, rnnGoodStep),
		unrollCaseOf("one state short", false, "(2 states)", "one state per input", func(W, U [][]float64, b []float64, xs [][]float64) [][]float64 {
			all := unrollWith(rnnGoodStep)(W, U, b, xs)
			return all[:len(all)-1]
		}, rnnGoodStep),
		unrollCaseOf("index out of range", false, "your function panicked: runtime error: index out of range", "one rnnStep per input", func(W, U [][]float64, b []float64, xs [][]float64) [][]float64 {
			h := make([]float64, len(b))
			var states [][]float64
			for t := 0; t <= len(xs); t++ {
				h = rnnGoodStep(W, U, b, xs[t], h)
				states = append(states, h)
			}
			return states
		}, rnnGoodStep),
		unrollCaseOf("panics, and rnnStep not solved", false, "your function panicked: boom", "fix rnnStep first", func(W, U [][]float64, b []float64, xs [][]float64) [][]float64 {
			panic("boom")
		}, nil),
		unrollCaseOf("nil function", false, "nil", "check.Unroll(unroll, rnnStep)", nil, rnnGoodStep),
	})
}

// TestRNNShow checks that lesson 3's exported checks show their verdict and
// never panic, even when the learner's function does.
func TestRNNShow(t *testing.T) {
	var shown []*display.Check
	restore := display.SetSink(func(v display.Value) {
		if c, ok := v.(*display.Check); ok {
			shown = append(shown, c)
		} else {
			t.Errorf("shown a %T; want a *display.Check", v)
		}
	})
	defer restore()
	RNNStep(rnnGoodStep)
	RNNStep(func(W, U [][]float64, b, x, h []float64) []float64 { panic("boom") })
	Unroll(unrollWith(rnnGoodStep), rnnGoodStep)
	Unroll(func(W, U [][]float64, b []float64, xs [][]float64) [][]float64 { panic("boom") }, nil)
	want := []struct {
		exercise string
		pass     bool
	}{{"rnnStep", true}, {"rnnStep", false}, {"unroll", true}, {"unroll", false}}
	if len(shown) != len(want) {
		t.Fatalf("shown %d verdicts; want %d", len(shown), len(want))
	}
	for i, w := range want {
		if shown[i].Exercise != w.exercise || shown[i].Pass != w.pass {
			t.Errorf("verdict %d = %s pass=%v; want %s pass=%v", i, shown[i].Exercise, shown[i].Pass, w.exercise, w.pass)
		}
	}
}

func TestRNNStateName(t *testing.T) {
	for n, want := range map[int]string{1: "h₁", 3: "h₃", 12: "h₁₂"} {
		if got := rnnState(n); got != want {
			t.Errorf("rnnState(%d) = %q; want %q", n, got, want)
		}
	}
}
