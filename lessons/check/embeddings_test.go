package check

import (
	"math"
	"testing"

	"github.com/seqlab/seqlab/display"
)

func cosineCaseOf(desc string, pass bool, got, where string, f func(a, b []float64) float64) verdictCase {
	return verdictCase{desc: desc, pass: pass, got: got, where: where, checkFunc: func() *display.Check { return cosineCheck(f) }}
}

func embDot(a, b []float64) float64 {
	s := 0.0
	for i := range a {
		s += a[i] * b[i]
	}
	return s
}

func embCosine(a, b []float64) float64 {
	return embDot(a, b) / (math.Sqrt(embDot(a, a)) * math.Sqrt(embDot(b, b)))
}

func TestCosine(t *testing.T) {
	testVerdicts(t, "cosine", []verdictCase{
		cosineCaseOf("correct", true, "", "", embCosine),
		cosineCaseOf("correct, one square root", true, "", "", func(a, b []float64) float64 {
			return embDot(a, b) / math.Sqrt(embDot(a, a)*embDot(b, b))
		}),
		cosineCaseOf("correct, and it scribbles on its inputs", true, "", "", func(a, b []float64) float64 {
			c := embCosine(a, b)
			for i := range a {
				a[i], b[i] = 7, -7
			}
			return c
		}),
		cosineCaseOf("stub", false, "0", "still returns 0", func(a, b []float64) float64 { return 0 }),
		cosineCaseOf("dot only", false, "24", "dot product a·b itself", embDot),
		cosineCaseOf("one length", false, "4.8", "one length only", func(a, b []float64) float64 {
			return embDot(a, b) / math.Sqrt(embDot(a, a))
		}),
		cosineCaseOf("no square roots", false, "0.0384", "squared lengths", func(a, b []float64) float64 {
			return embDot(a, b) / (embDot(a, a) * embDot(b, b))
		}),
		cosineCaseOf("lengths added", false, "2.4", "added", func(a, b []float64) float64 {
			return embDot(a, b) / (math.Sqrt(embDot(a, a)) + math.Sqrt(embDot(b, b)))
		}),
		cosineCaseOf("distance", false, "0.04", "cosine distance", func(a, b []float64) float64 {
			return 1 - embCosine(a, b)
		}),
		cosineCaseOf("angle", false, "0.283794", "angle θ", func(a, b []float64) float64 {
			return math.Acos(embCosine(a, b))
		}),
		cosineCaseOf("negated", false, "-0.96", "sign", func(a, b []float64) float64 {
			return -embCosine(a, b)
		}),
		cosineCaseOf("first two values only", false, "", "dot(a, b) / (|a|·|b|)", func(a, b []float64) float64 {
			return embCosine(a[:min(2, len(a))], b[:min(2, len(b))])
		}),
		cosineCaseOf("index out of range", false, "your function panicked: runtime error: index out of range", "loop over i", func(a, b []float64) float64 {
			s := 0.0
			for i := 0; i <= len(a); i++ {
				s += a[i] * b[i]
			}
			return s
		}),
		cosineCaseOf("NaN", false, "NaN", "0/0", func(a, b []float64) float64 { return math.NaN() }),
		cosineCaseOf("nil function", false, "nil", "check.Cosine(cosine)", nil),
	})
}

func softmaxCaseOf(desc string, pass bool, got, where string, f func(x []float64) []float64) verdictCase {
	return verdictCase{desc: desc, pass: pass, got: got, where: where, checkFunc: func() *display.Check { return softmaxCheck(f) }}
}

// embExp returns e^x elementwise, after subtracting sub from every x.
func embExp(x []float64, sub float64) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = math.Exp(v - sub)
	}
	return out
}

func embNormalised(v []float64) []float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	out := make([]float64, len(v))
	for i, x := range v {
		out[i] = x / s
	}
	return out
}

func TestSoftmax(t *testing.T) {
	maxOf := func(x []float64) float64 {
		m := math.Inf(-1)
		for _, v := range x {
			m = math.Max(m, v)
		}
		return m
	}
	minOf := func(x []float64) float64 {
		m := math.Inf(1)
		for _, v := range x {
			m = math.Min(m, v)
		}
		return m
	}
	testVerdicts(t, "softmax", []verdictCase{
		softmaxCaseOf("correct", true, "", "", func(x []float64) []float64 {
			return embNormalised(embExp(x, maxOf(x)))
		}),
		softmaxCaseOf("correct, in place", true, "", "", func(x []float64) []float64 {
			m := maxOf(x)
			s := 0.0
			for i := range x {
				x[i] = math.Exp(x[i] - m)
				s += x[i]
			}
			for i := range x {
				x[i] /= s
			}
			return x
		}),
		softmaxCaseOf("correct, via log-sum-exp", true, "", "", func(x []float64) []float64 {
			m := maxOf(x)
			lse := m + math.Log(embSum(embExp(x, m)))
			return embExp(x, lse)
		}),
		softmaxCaseOf("stub", false, "[1 2 3]", "scores unchanged", func(x []float64) []float64 { return x }),
		softmaxCaseOf("no normalisation", false, "[2.71828 7.38906 20.0855]", "divide each by their sum", func(x []float64) []float64 {
			return embExp(x, 0)
		}),
		softmaxCaseOf("no normalisation, max subtracted", false, "[0.135335 0.367879 1]", "add up to 1", func(x []float64) []float64 {
			return embExp(x, maxOf(x))
		}),
		softmaxCaseOf("scores embNormalised", false, "[0.166667 0.333333 0.5]", "exponentiate first", embNormalised),
		softmaxCaseOf("reversed", false, "[0.665241 0.244728 0.0900306]", "order is reversed", func(x []float64) []float64 {
			neg := make([]float64, len(x))
			for i, v := range x {
				neg[i] = -v
			}
			return embNormalised(embExp(neg, maxOf(neg)))
		}),
		softmaxCaseOf("naive: overflows", false, "NaN", "subtract the largest score", func(x []float64) []float64 {
			return embNormalised(embExp(x, 0))
		}),
		softmaxCaseOf("subtracts the minimum", false, "NaN", "overflows to +Inf", func(x []float64) []float64 {
			return embNormalised(embExp(x, minOf(x)))
		}),
		softmaxCaseOf("subtracts the first score", false, "NaN", "overflows to +Inf", func(x []float64) []float64 {
			return embNormalised(embExp(x, x[0]))
		}),
		softmaxCaseOf("clamped exponent, not shift-invariant", false, "", "must equal softmax(x)", func(x []float64) []float64 {
			c := make([]float64, len(x))
			for i, v := range x {
				c[i] = math.Min(v, 50)
			}
			return embNormalised(embExp(c, 0))
		}),
		softmaxCaseOf("sums to 2", false, "", "add up to 2", func(x []float64) []float64 {
			out := embNormalised(embExp(x, maxOf(x)))
			for i := range out {
				out[i] *= 2
			}
			return out
		}),
		softmaxCaseOf("equal weights whatever the scores", false, "[0.333333 0.333333 0.333333]", "", func(x []float64) []float64 {
			out := make([]float64, len(x))
			for i := range out {
				out[i] = 1 / float64(len(x))
			}
			return out
		}),
		softmaxCaseOf("nil", false, "nil", "returns no slice", func(x []float64) []float64 { return nil }),
		softmaxCaseOf("too long", false, "(4 values)", "must return 3 weights", func(x []float64) []float64 {
			return append(embNormalised(embExp(x, maxOf(x))), 0)
		}),
		softmaxCaseOf("index out of range", false, "your function panicked: runtime error: index out of range", "as long as x", func(x []float64) []float64 {
			out := make([]float64, len(x))
			for i := 0; i <= len(x); i++ {
				out[i] = x[i]
			}
			return embNormalised(embExp(out, maxOf(out)))
		}),
		softmaxCaseOf("Inf", false, "+Inf", "infinity", func(x []float64) []float64 {
			return []float64{math.Inf(1), 0, 0}
		}),
		softmaxCaseOf("nil function", false, "nil", "check.Softmax(softmax)", nil),
	})
}

func embSum(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s
}

// TestEmbeddingsShow checks that lesson 2's exported checks show their
// verdict and never panic, even when the learner's function does.
func TestEmbeddingsShow(t *testing.T) {
	var shown []*display.Check
	restore := display.SetSink(func(v display.Value) {
		if c, ok := v.(*display.Check); ok {
			shown = append(shown, c)
		} else {
			t.Errorf("shown a %T; want a *display.Check", v)
		}
	})
	defer restore()
	Cosine(embCosine)
	Cosine(func(a, b []float64) float64 { panic("boom") })
	Softmax(func(x []float64) []float64 { panic("boom") })
	Softmax(nil)
	want := []struct {
		exercise string
		pass     bool
	}{{"cosine", true}, {"cosine", false}, {"softmax", false}, {"softmax", false}}
	if len(shown) != len(want) {
		t.Fatalf("shown %d verdicts; want %d", len(shown), len(want))
	}
	for i, w := range want {
		if shown[i].Exercise != w.exercise || shown[i].Pass != w.pass {
			t.Errorf("verdict %d = %s pass=%v; want %s pass=%v", i, shown[i].Exercise, shown[i].Pass, w.exercise, w.pass)
		}
	}
}
