package check

import (
	"math"
	"strings"
	"testing"

	"github.com/seqlab/seqlab/display"
	"github.com/seqlab/seqlab/models/nn"
)

// verdictCase is one implementation given to a check and what the verdict
// must say: PASS, or FAIL with Got and Where containing the given texts.
type verdictCase struct {
	desc      string
	pass      bool
	got       string // substring of Got
	where     string // substring of Where
	expected  string // substring of Expected ("" for any)
	checkFunc func() *display.Check
}

// testVerdicts is the shared runner: every FAIL must carry Expected, Got and
// Where, and name the exercise.
func testVerdicts(t *testing.T, exercise string, cases []verdictCase) {
	t.Helper()
	for _, tc := range cases {
		c := tc.checkFunc()
		if c == nil {
			t.Errorf("%s: nil verdict", tc.desc)
			continue
		}
		if c.Exercise != exercise {
			t.Errorf("%s: Exercise = %q; want %q", tc.desc, c.Exercise, exercise)
		}
		if c.Pass != tc.pass {
			t.Errorf("%s: Pass = %v; want %v (%+v)", tc.desc, c.Pass, tc.pass, *c)
			continue
		}
		if c.Pass {
			if c.Expected != "" || c.Got != "" || c.Where != "" {
				t.Errorf("%s: a PASS carries a message: %+v", tc.desc, *c)
			}
			continue
		}
		if c.Expected == "" || c.Got == "" || c.Where == "" {
			t.Errorf("%s: a FAIL must say what was expected, what was got and where to look: %+v", tc.desc, *c)
		}
		if !strings.Contains(c.Got, tc.got) {
			t.Errorf("%s: Got = %q; want it to contain %q", tc.desc, c.Got, tc.got)
		}
		if !strings.Contains(c.Where, tc.where) {
			t.Errorf("%s: Where = %q; want it to contain %q", tc.desc, c.Where, tc.where)
		}
		if !strings.Contains(c.Expected, tc.expected) {
			t.Errorf("%s: Expected = %q; want it to contain %q", tc.desc, c.Expected, tc.expected)
		}
	}
}

func neuronCaseOf(desc string, pass bool, got, where string, f func(x, w []float64, b float64) float64) verdictCase {
	return verdictCase{desc: desc, pass: pass, got: got, where: where, checkFunc: func() *display.Check { return neuronCheck(f) }}
}

func weighted(x, w []float64, b float64) float64 {
	z := b
	for i := range x {
		z += w[i] * x[i]
	}
	return z
}

func TestNeuron(t *testing.T) {
	testVerdicts(t, "neuron", []verdictCase{
		neuronCaseOf("correct", true, "", "", func(x, w []float64, b float64) float64 {
			return nn.Sigmoid(weighted(x, w, b))
		}),
		neuronCaseOf("correct, summed backwards with a naive sigmoid", true, "", "", func(x, w []float64, b float64) float64 {
			z := 0.0
			for i := len(x) - 1; i >= 0; i-- {
				z += x[i] * w[i]
			}
			return 1 / (1 + math.Exp(-(z + b)))
		}),
		neuronCaseOf("correct, and it scribbles on its inputs", true, "", "", func(x, w []float64, b float64) float64 {
			z := nn.Sigmoid(weighted(x, w, b))
			for i := range x {
				x[i], w[i] = 99, 99
			}
			return z
		}),
		neuronCaseOf("stub", false, "0", "still returns 0", func(x, w []float64, b float64) float64 { return 0 }),
		neuronCaseOf("no sigmoid", false, "0.1", "nn.Sigmoid(z)", weighted),
		neuronCaseOf("no bias", false, "0.5", "bias is missing", func(x, w []float64, b float64) float64 {
			return nn.Sigmoid(weighted(x, w, 0))
		}),
		neuronCaseOf("tanh", false, "0.0996", "tanh", func(x, w []float64, b float64) float64 {
			return math.Tanh(weighted(x, w, b))
		}),
		neuronCaseOf("sign", false, "0.475", "σ(−z)", func(x, w []float64, b float64) float64 {
			return nn.Sigmoid(-weighted(x, w, b))
		}),
		neuronCaseOf("off by one", false, "", "last input was left out", func(x, w []float64, b float64) float64 {
			return nn.Sigmoid(weighted(x[:len(x)-1], w, b))
		}),
		neuronCaseOf("index out of range", false, "your function panicked: runtime error: index out of range", "index x and w", func(x, w []float64, b float64) float64 {
			z := b
			for i := 0; i <= len(x); i++ {
				z += w[i] * x[i]
			}
			return nn.Sigmoid(z)
		}),
		neuronCaseOf("panic", false, "your function panicked: not yet", "nn.Sigmoid(z)", func(x, w []float64, b float64) float64 {
			panic("not yet")
		}),
		neuronCaseOf("panic with an error value", false, "your function panicked: ", "", func(x, w []float64, b float64) float64 {
			var m map[string]int
			m["a"] = 1
			return 0
		}),
		neuronCaseOf("NaN", false, "NaN", "0/0", func(x, w []float64, b float64) float64 { return math.NaN() }),
		neuronCaseOf("Inf", false, "+Inf", "infinity", func(x, w []float64, b float64) float64 { return math.Inf(1) }),
		neuronCaseOf("nil function", false, "nil", "check.Neuron(neuron)", nil),
		neuronCaseOf("close but not right", false, "0.524979", "nn.Sigmoid(z)", func(x, w []float64, b float64) float64 {
			return nn.Sigmoid(weighted(x, w, b)) + 1e-7
		}),
	})
}

func sigmoidGradCaseOf(desc string, pass bool, got, where string, f func(z float64) float64) verdictCase {
	return verdictCase{desc: desc, pass: pass, got: got, where: where, checkFunc: func() *display.Check { return sigmoidGradCheck(f) }}
}

func TestSigmoidGrad(t *testing.T) {
	testVerdicts(t, "sigmoidGrad", []verdictCase{
		sigmoidGradCaseOf("correct", true, "", "", func(z float64) float64 {
			s := nn.Sigmoid(z)
			return s * (1 - s)
		}),
		sigmoidGradCaseOf("correct, from e^−z", true, "", "", func(z float64) float64 {
			e := math.Exp(-z)
			return e / ((1 + e) * (1 + e))
		}),
		sigmoidGradCaseOf("stub", false, "0", "still returns 0", func(z float64) float64 { return 0 }),
		sigmoidGradCaseOf("sigmoid itself", false, "0.880797", "not its slope", nn.Sigmoid),
		sigmoidGradCaseOf("formula on z", false, "-2", "instead of to σ(z)", func(z float64) float64 { return z * (1 - z) }),
		sigmoidGradCaseOf("negated", false, "-0.104994", "sign", func(z float64) float64 {
			s := nn.Sigmoid(z)
			return -s * (1 - s)
		}),
		sigmoidGradCaseOf("tanh's slope", false, "0.224197", "slope of tanh", func(z float64) float64 {
			s := nn.Sigmoid(z)
			return 1 - s*s
		}),
		sigmoidGradCaseOf("panic", false, "your function panicked: runtime error: integer divide by zero", "s * (1 - s)", func(z float64) float64 {
			zero := 0
			return float64(1 / zero)
		}),
		sigmoidGradCaseOf("NaN", false, "NaN", "0/0", func(z float64) float64 { return math.NaN() }),
		sigmoidGradCaseOf("nil function", false, "nil", "check.SigmoidGrad", nil),
	})
}

func stepCaseOf(desc string, pass bool, got, where string, f func(params, grads []float64, lr float64) []float64) verdictCase {
	return verdictCase{desc: desc, pass: pass, got: got, where: where, checkFunc: func() *display.Check { return stepCheck(f) }}
}

func TestStep(t *testing.T) {
	testVerdicts(t, "step", []verdictCase{
		stepCaseOf("correct, new slice", true, "", "", func(p, g []float64, lr float64) []float64 {
			out := make([]float64, len(p))
			for i := range p {
				out[i] = p[i] - lr*g[i]
			}
			return out
		}),
		stepCaseOf("correct, in place", true, "", "", func(p, g []float64, lr float64) []float64 {
			for i := range p {
				p[i] -= lr * g[i]
			}
			return p
		}),
		stepCaseOf("stub", false, "[1 2 3]", "did not change", func(p, g []float64, lr float64) []float64 { return p }),
		stepCaseOf("uphill", false, "[1.05 1.9 3]", "uphill", func(p, g []float64, lr float64) []float64 {
			out := make([]float64, len(p))
			for i := range p {
				out[i] = p[i] + lr*g[i]
			}
			return out
		}),
		stepCaseOf("no learning rate", false, "[0.5 3 3]", "learning rate is missing", func(p, g []float64, lr float64) []float64 {
			out := make([]float64, len(p))
			for i := range p {
				out[i] = p[i] - g[i]
			}
			return out
		}),
		stepCaseOf("the change only", false, "[-0.05 0.1 -0]", "change alone", func(p, g []float64, lr float64) []float64 {
			out := make([]float64, len(p))
			for i := range p {
				out[i] = -lr * g[i]
			}
			return out
		}),
		stepCaseOf("only the first parameter", false, "[0.95 2 3]", "first 1 parameter(s) are right", func(p, g []float64, lr float64) []float64 {
			out := append([]float64(nil), p...)
			out[0] -= lr * g[0]
			return out
		}),
		stepCaseOf("nil", false, "nil", "returns no slice", func(p, g []float64, lr float64) []float64 { return nil }),
		stepCaseOf("empty", false, "nil", "returns no slice", func(p, g []float64, lr float64) []float64 { return nil }),
		stepCaseOf("too short", false, "(2 values)", "must return 3 values", func(p, g []float64, lr float64) []float64 {
			return []float64{p[0] - lr*g[0], p[1] - lr*g[1]}
		}),
		stepCaseOf("too long", false, "(4 values)", "must return 3 values", func(p, g []float64, lr float64) []float64 {
			return append(p, 0)
		}),
		stepCaseOf("index out of range", false, "your function panicked: runtime error: index out of range", "loop over i", func(p, g []float64, lr float64) []float64 {
			out := make([]float64, 3)
			for i := range out {
				out[i] = p[i] - lr*g[i]
			}
			return out
		}),
		stepCaseOf("NaN", false, "NaN", "0/0", func(p, g []float64, lr float64) []float64 {
			out := make([]float64, len(p))
			for i := range p {
				out[i] = math.NaN()
			}
			return out
		}),
		stepCaseOf("nil function", false, "nil", "check.Step(step)", nil),
	})
}

// TestShow checks that the exported checks show their verdict and never
// panic, even when the learner's function does.
func TestShow(t *testing.T) {
	var shown []*display.Check
	restore := display.SetSink(func(v display.Value) {
		c, ok := v.(*display.Check)
		if !ok {
			t.Errorf("shown a %T; want a *display.Check", v)
			return
		}
		shown = append(shown, c)
	})
	defer restore()
	Neuron(func(x, w []float64, b float64) float64 { return nn.Sigmoid(weighted(x, w, b)) })
	SigmoidGrad(func(z float64) float64 { panic("boom") })
	Step(nil)
	want := []struct {
		exercise string
		pass     bool
	}{{"neuron", true}, {"sigmoidGrad", false}, {"step", false}}
	if len(shown) != len(want) {
		t.Fatalf("shown %d verdicts; want %d", len(shown), len(want))
	}
	for i, w := range want {
		if shown[i].Exercise != w.exercise || shown[i].Pass != w.pass {
			t.Errorf("verdict %d = %s pass=%v; want %s pass=%v", i, shown[i].Exercise, shown[i].Pass, w.exercise, w.pass)
		}
	}
}

// TestDeterministic runs a failing check twice: the same verdict both times.
func TestDeterministic(t *testing.T) {
	wrong := func(x, w []float64, b float64) float64 { return weighted(x, w, b) }
	a, b := *neuronCheck(wrong), *neuronCheck(wrong)
	if a != b {
		t.Errorf("two runs differ:\n%+v\n%+v", a, b)
	}
}
