package check

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/seqlab/seqlab/display"
	"github.com/seqlab/seqlab/models/nn"
)

func windowCaseOf(desc string, pass bool, got, where string, f func(text []int, o, T int) ([]int, []int)) verdictCase {
	return verdictCase{desc: desc, pass: pass, got: got, where: where, checkFunc: func() *display.Check { return windowCheck(f) }}
}

func TestWindow(t *testing.T) {
	testVerdicts(t, "window", []verdictCase{
		windowCaseOf("correct", true, "", "", func(text []int, o, T int) ([]int, []int) {
			return text[o : o+T], text[o+1 : o+T+1]
		}),
		windowCaseOf("correct, copies, and it scribbles on the text", true, "", "", func(text []int, o, T int) ([]int, []int) {
			in := append([]int(nil), text[o:o+T]...)
			tg := append([]int(nil), text[o+1:o+T+1]...)
			for i := range text {
				text[i] = -1
			}
			return in, tg
		}),
		windowCaseOf("stub", false, "inputs nil, targets nil", "still returns nil", func(text []int, o, T int) ([]int, []int) {
			return nil, nil
		}),
		windowCaseOf("no shift", false, `targets "I compare"`, "NEXT token", func(text []int, o, T int) ([]int, []int) {
			return text[o : o+T], text[o : o+T]
		}),
		windowCaseOf("shifted back", false, `targets " I compar"`, "wrong way", func(text []int, o, T int) ([]int, []int) {
			return text[o : o+T], text[o-1 : o+T-1]
		}),
		windowCaseOf("swapped", false, `inputs " compare "`, "swapped", func(text []int, o, T int) ([]int, []int) {
			return text[o+1 : o+T+1], text[o : o+T]
		}),
		windowCaseOf("inputs too long", false, `inputs "I compare "`, "T = 9 tokens long", func(text []int, o, T int) ([]int, []int) {
			return text[o : o+T+1], text[o+1 : o+T+1]
		}),
		windowCaseOf("targets too short", false, `targets " compare"`, "one target per input", func(text []int, o, T int) ([]int, []int) {
			return text[o : o+T], text[o+1 : o+T]
		}),
		windowCaseOf("starts late", false, `inputs " compare "`, "one token late", func(text []int, o, T int) ([]int, []int) {
			return text[o+1 : o+T+1], text[o+2 : o+T+2]
		}),
		windowCaseOf("shift by two", false, `targets "compare t"`, "shifted by two", func(text []int, o, T int) ([]int, []int) {
			return text[o : o+T], text[o+2 : o+T+2]
		}),
		windowCaseOf("one target too many", false, `targets " compare t"`, "yours are 10", func(text []int, o, T int) ([]int, []int) {
			return text[o : o+T], text[o+1 : o+T+2]
		}),
		windowCaseOf("out of range at the end", false, "your function panicked: runtime error: index out of range", "a slice end is exclusive", func(text []int, o, T int) ([]int, []int) {
			_ = text[o+T+1]
			return text[o : o+T], text[o+1 : o+T+1]
		}),
		windowCaseOf("only the first target", false, `targets " "`, "one target per input", func(text []int, o, T int) ([]int, []int) {
			return text[o : o+T], text[o+T : o+T+1]
		}),
		windowCaseOf("nil", false, "nil", "check.Window(window)", nil),
	})
}

func sampleCaseOf(desc string, pass bool, got, where string, f func(logits []float64, temperature float64, rng *rand.Rand) int) verdictCase {
	return verdictCase{desc: desc, pass: pass, got: got, where: where, checkFunc: func() *display.Check { return sampleCheck(f) }}
}

// sampleWith is inverse-CDF sampling from softmax(scale(logits)), with or
// without subtracting the largest logit first.
func sampleWith(scale func(l, temp float64) float64, stable bool) func(logits []float64, temperature float64, rng *rand.Rand) int {
	return func(logits []float64, temperature float64, rng *rand.Rand) int {
		x := make([]float64, len(logits))
		max := math.Inf(-1)
		for i, l := range logits {
			x[i] = scale(l, temperature)
			max = math.Max(max, x[i])
		}
		if !stable {
			max = 0
		}
		sum := 0.0
		for i := range x {
			x[i] = math.Exp(x[i] - max)
			sum += x[i]
		}
		u := rng.Float64() * sum
		for i, w := range x {
			u -= w
			if u < 0 {
				return i
			}
		}
		return len(x) - 1
	}
}

func divide(l, t float64) float64   { return l / t }
func multiply(l, t float64) float64 { return l * t }
func ignore(l, t float64) float64   { return l }

func TestSampleWithTemperature(t *testing.T) {
	testVerdicts(t, "sampleWithTemperature", []verdictCase{
		sampleCaseOf("correct", true, "", "", sampleWith(divide, true)),
		sampleCaseOf("correct, with nn.Softmax and a cumulative sum", true, "", "", func(logits []float64, temperature float64, rng *rand.Rand) int {
			x := make([]float64, len(logits))
			for i := range logits {
				x[i] = logits[i] / temperature
			}
			p := make([]float64, len(x))
			nn.Softmax(p, x)
			u, c := rng.Float64(), 0.0
			for i := range p {
				c += p[i]
				if u < c {
					return i
				}
			}
			return len(p) - 1
		}),
		sampleCaseOf("correct, by the Gumbel-max trick", true, "", "", func(logits []float64, temperature float64, rng *rand.Rand) int {
			best, bestV := 0, math.Inf(-1)
			for i, l := range logits {
				v := l/temperature - math.Log(-math.Log(rng.Float64()))
				if v > bestV {
					best, bestV = i, v
				}
			}
			return best
		}),
		sampleCaseOf("stub", false, "frequencies [1.000 0.000 0.000 0.000]", "always returns 0", func(logits []float64, temperature float64, rng *rand.Rand) int {
			return 0
		}),
		sampleCaseOf("greedy", false, "[0.000 1.000 0.000 0.000]", "greedy", func(logits []float64, temperature float64, rng *rand.Rand) int {
			return sampleArgmax(logits)
		}),
		sampleCaseOf("uniform", false, "frequencies", "equally often", func(logits []float64, temperature float64, rng *rand.Rand) int {
			return rng.IntN(len(logits))
		}),
		sampleCaseOf("temperature ignored", false, "frequencies", "no effect", sampleWith(ignore, true)),
		sampleCaseOf("temperature multiplied", false, "frequencies", "multiplied", sampleWith(multiply, true)),
		sampleCaseOf("overflow", false, "", "overflows", sampleWith(divide, false)),
		sampleCaseOf("overflow, index -1", false, "index -1 at draw 1", "overflows", func(logits []float64, temperature float64, rng *rand.Rand) int {
			i := sampleWith(divide, false)(logits, temperature, rng)
			if logits[0] > 100 {
				return -1
			}
			return i
		}),
		sampleCaseOf("index out of range", false, "index 4 at draw", "from 0 to 3", func(logits []float64, temperature float64, rng *rand.Rand) int {
			return sampleWith(divide, true)(logits, temperature, rng) + 1
		}),
		sampleCaseOf("global random source", false, "different draws the second time", "rng you are given", func(logits []float64, temperature float64, r *rand.Rand) int {
			return sampleWith(divide, true)(logits, temperature, rand.New(rand.NewPCG(rand.Uint64(), 1)))
		}),
		sampleCaseOf("panic", false, "your function panicked: oops", "nn.Softmax", func(logits []float64, temperature float64, rng *rand.Rand) int {
			panic("oops")
		}),
		sampleCaseOf("nil", false, "nil", "check.SampleWithTemperature(sampleWithTemperature)", nil),
	})
}

// TestSampleCasesSeparate: the mistakes' distributions are far apart where
// the check tells them apart, so that a right answer never fails by chance
// (5 standard errors) and a wrong one never passes.
func TestSampleCasesSeparate(t *testing.T) {
	for _, c := range sampleCases[:3] {
		p := sampleProbs(c.logits, c.temperature)
		for _, q := range [][]float64{sampleProbs(c.logits, 1), sampleProbs(c.logits, 1/c.temperature), {0.25, 0.25, 0.25, 0.25}} {
			if c.temperature == 1 && len(q) == 4 && q[0] != 0.25 {
				continue
			}
			far := false
			for i := range p {
				if math.Abs(p[i]-q[i]) > 0.1 {
					far = true
				}
			}
			if !far {
				t.Errorf("case %v: %v and %v are too close to tell apart with %d draws", c, p, q, sampleDraws)
			}
		}
	}
}

// TestLLMsShow: the exported checks show their verdicts.
func TestLLMsShow(t *testing.T) {
	var shown []*display.Check
	restore := display.SetSink(func(v display.Value) {
		if c, ok := v.(*display.Check); ok {
			shown = append(shown, c)
			return
		}
		t.Errorf("shown a %T; want a *display.Check", v)
	})
	defer restore()
	Window(func(text []int, o, T int) ([]int, []int) { return text[o : o+T], text[o+1 : o+T+1] })
	SampleWithTemperature(func(logits []float64, temperature float64, rng *rand.Rand) int { panic("boom") })
	if len(shown) != 2 || shown[0].Exercise != "window" || !shown[0].Pass || shown[1].Exercise != "sampleWithTemperature" || shown[1].Pass {
		t.Errorf("shown %+v; want window PASS, sampleWithTemperature FAIL", shown)
	}
}

// TestSampleDeterministic: a wrong sampler gets the same verdict twice,
// frequencies included, since the check seeds its random sources.
func TestSampleDeterministic(t *testing.T) {
	wrong := sampleWith(ignore, true)
	if a, b := *sampleCheck(wrong), *sampleCheck(wrong); a != b {
		t.Errorf("two runs differ:\n%+v\n%+v", a, b)
	}
}
