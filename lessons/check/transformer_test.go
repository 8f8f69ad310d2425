package check

import (
	"math"
	"strings"
	"testing"

	"github.com/seqlab/seqlab/display"
	"github.com/seqlab/seqlab/models/nn"
	"github.com/seqlab/seqlab/models/transformer"
	"gonum.org/v1/gonum/mat"
)

func layerNormCaseOf(desc string, pass bool, got, where string, f func(x, gamma, beta []float64) []float64) verdictCase {
	return verdictCase{desc: desc, pass: pass, got: got, where: where, checkFunc: func() *display.Check { return layerNormCheck(f) }}
}

// lnImpl is a learner's layerNorm: denom(n) divides the squared
// deviations, eps is added inside the square root or after it, and post
// turns x̂ into the output.
func lnImpl(denom func(n int) float64, eps float64, inside bool, post func(i int, xhat, g, b float64) float64) func(x, gamma, beta []float64) []float64 {
	return func(x, gamma, beta []float64) []float64 {
		mean := 0.0
		for _, v := range x {
			mean += v
		}
		mean /= float64(len(x))
		ss := 0.0
		for _, v := range x {
			ss += (v - mean) * (v - mean)
		}
		std := math.Sqrt(ss/denom(len(x)) + eps)
		if !inside {
			std = math.Sqrt(ss/denom(len(x))) + eps
		}
		out := make([]float64, len(x))
		for i, v := range x {
			out[i] = post(i, (v-mean)/std, gamma[i], beta[i])
		}
		return out
	}
}

func lnN(n int) float64 { return float64(n) }

func lnAffine(i int, xhat, g, b float64) float64 { return xhat*g + b }

func TestLayerNorm(t *testing.T) {
	testVerdicts(t, "layerNorm", []verdictCase{
		layerNormCaseOf("correct", true, "", "", lnImpl(lnN, 1e-5, true, lnAffine)),
		layerNormCaseOf("correct, as nn.LayerNorm", true, "", "", func(x, gamma, beta []float64) []float64 {
			ln := nn.NewLayerNorm("ln", len(x))
			copy(ln.Weight.Value.RawMatrix().Data, gamma)
			copy(ln.Bias.Value.RawMatrix().Data, beta)
			out := make([]float64, len(x))
			ln.Apply(nn.View(out, 1, len(x), len(x)), nn.View(x, 1, len(x), len(x)))
			return out
		}),
		layerNormCaseOf("correct, in place", true, "", "", func(x, gamma, beta []float64) []float64 {
			out := lnImpl(lnN, 1e-5, true, lnAffine)(x, gamma, beta)
			copy(x, out)
			return x
		}),
		layerNormCaseOf("stub", false, "[1 2 3 6]", "returns x unchanged", func(x, gamma, beta []float64) []float64 {
			return append([]float64(nil), x...)
		}),
		layerNormCaseOf("no eps", false, "", "eps is missing", lnImpl(lnN, 0, true, lnAffine)),
		layerNormCaseOf("eps outside", false, "", "outside the square root", lnImpl(lnN, 1e-5, false, lnAffine)),
		layerNormCaseOf("unbiased variance", false, "", "len(x) − 1 = 3", lnImpl(func(n int) float64 { return float64(n - 1) }, 1e-5, true, lnAffine)),
		layerNormCaseOf("no gamma, no beta", false, "", "gamma and beta are missing", func(x, gamma, beta []float64) []float64 {
			return lnImpl(lnN, 1e-5, true, func(i int, xhat, g, b float64) float64 { return xhat })(x, gamma, beta)
		}),
		layerNormCaseOf("no beta", false, "", "beta is missing", lnImpl(lnN, 1e-5, true, func(i int, xhat, g, b float64) float64 { return xhat * g })),
		layerNormCaseOf("no gamma", false, "", "gamma is missing", lnImpl(lnN, 1e-5, true, func(i int, xhat, g, b float64) float64 { return xhat + b })),
		layerNormCaseOf("beta before gamma", false, "", "added before the scaling", lnImpl(lnN, 1e-5, true, func(i int, xhat, g, b float64) float64 { return (xhat + b) * g })),
		layerNormCaseOf("swapped", false, "", "swapped", lnImpl(lnN, 1e-5, true, func(i int, xhat, g, b float64) float64 { return xhat*b + g })),
		layerNormCaseOf("no mean", false, "", "mean was not subtracted", func(x, gamma, beta []float64) []float64 {
			mean := 0.0
			for _, v := range x {
				mean += v
			}
			mean /= float64(len(x))
			ss := 0.0
			for _, v := range x {
				ss += (v - mean) * (v - mean)
			}
			out := make([]float64, len(x))
			for i, v := range x {
				out[i] = v/math.Sqrt(ss/float64(len(x))+1e-5)*gamma[i] + beta[i]
			}
			return out
		}),
		layerNormCaseOf("divided by the variance", false, "", "divides by the variance", func(x, gamma, beta []float64) []float64 {
			mean := 0.0
			for _, v := range x {
				mean += v
			}
			mean /= float64(len(x))
			ss := 0.0
			for _, v := range x {
				ss += (v - mean) * (v - mean)
			}
			out := make([]float64, len(x))
			for i, v := range x {
				out[i] = (v-mean)/(ss/float64(len(x))+1e-5)*gamma[i] + beta[i]
			}
			return out
		}),
		layerNormCaseOf("nil", false, "nil", "returns no slice", func(x, gamma, beta []float64) []float64 { return nil }),
		layerNormCaseOf("too short", false, "(3 values)", "must return 4 values", func(x, gamma, beta []float64) []float64 {
			return lnImpl(lnN, 1e-5, true, lnAffine)(x[:len(x)-1], gamma, beta)
		}),
		layerNormCaseOf("index out of range", false, "your function panicked: runtime error: index out of range", "loop over i", func(x, gamma, beta []float64) []float64 {
			out := make([]float64, 5)
			for i := range out {
				out[i] = x[i] * gamma[i]
			}
			return out
		}),
		layerNormCaseOf("NaN", false, "NaN", "0/0", func(x, gamma, beta []float64) []float64 {
			out := make([]float64, len(x))
			for i := range out {
				out[i] = math.NaN()
			}
			return out
		}),
		layerNormCaseOf("nil function", false, "nil", "check.LayerNorm(layerNorm)", nil),
	})
}

// TestLayerNormConstantNaN: without eps, a constant x gives 0/0; the check
// says where it comes from. The first three cases are not constant, so the
// implementation is made to fail only on the fourth.
func TestLayerNormConstantNaN(t *testing.T) {
	c := layerNormCheck(func(x, gamma, beta []float64) []float64 {
		if !lnConstant(x) {
			return lnImpl(lnN, 1e-5, true, lnAffine)(x, gamma, beta)
		}
		return lnImpl(lnN, 0, true, lnAffine)(x, gamma, beta)
	})
	if c.Pass || c.Got != "[NaN NaN NaN]" || !strings.Contains(c.Where, "x is constant here") {
		t.Errorf("verdict %+v; want a FAIL about a constant x", *c)
	}
}

// TestLayerNormRef: the reference is nn.LayerNorm.
func TestLayerNormRef(t *testing.T) {
	for _, c := range layerNormCases {
		n := len(c.x)
		ln := nn.NewLayerNorm("ln", n)
		copy(ln.Weight.Value.RawMatrix().Data, c.gamma)
		copy(ln.Bias.Value.RawMatrix().Data, c.beta)
		out := make([]float64, n)
		ln.Apply(nn.View(out, 1, n, n), nn.View(clone(c.x), 1, n, n))
		if want := layerNormRef(c); !closeAll(out, want) {
			t.Errorf("nn.LayerNorm(%v) = %v; the reference says %v", c.x, out, want)
		}
	}
}

func countParamsCaseOf(desc string, pass bool, got, where string, f func(c transformer.Config) int) verdictCase {
	return verdictCase{desc: desc, pass: pass, got: got, where: where, checkFunc: func() *display.Check { return countParamsCheck(f) }}
}

// cpParts is a learner's count with some parts left out (named by the
// keys set to false).
func cpParts(skip map[string]bool) func(c transformer.Config) int {
	return func(c transformer.Config) int {
		D, F := c.D, c.FF
		n := 0
		add := func(part string, k int) {
			if !skip[part] {
				n += k
			}
		}
		add("emb", c.Vocab*D)
		add("pos", c.MaxT*D)
		for l := 0; l < c.Layers; l++ {
			if l > 0 && skip["oneBlock"] {
				break
			}
			add("ln", 4*D)
			add("inproj", 3*D*D+3*D)
			add("outproj", D*D+D)
			add("mlp", 2*D*F+F+D)
		}
		add("finalln", 2*D)
		add("outw", c.Outputs*D)
		add("outb", c.Outputs)
		return n
	}
}

func TestCountParams(t *testing.T) {
	testVerdicts(t, "countParams", []verdictCase{
		countParamsCaseOf("correct", true, "", "", cpParts(nil)),
		countParamsCaseOf("correct, ParamCount", true, "", "", func(c transformer.Config) int { return c.ParamCount() }),
		countParamsCaseOf("stub", false, "0", "still returns 0", func(c transformer.Config) int { return 0 }),
		countParamsCaseOf("no positions", false, "18257", "position embeddings", cpParts(map[string]bool{"pos": true})),
		countParamsCaseOf("no token embeddings", false, "", "token embeddings", cpParts(map[string]bool{"emb": true})),
		countParamsCaseOf("one block", false, "", "all blocks but one", cpParts(map[string]bool{"oneBlock": true})),
		countParamsCaseOf("no layer norms", false, "", "every LayerNorm", cpParts(map[string]bool{"ln": true, "finalln": true})),
		countParamsCaseOf("no block layer norms", false, "", "the blocks' two LayerNorms", cpParts(map[string]bool{"ln": true})),
		countParamsCaseOf("no final norm", false, "", "final LayerNorm", cpParts(map[string]bool{"finalln": true})),
		countParamsCaseOf("no output bias", false, "", "output layer's biases", cpParts(map[string]bool{"outb": true})),
		countParamsCaseOf("no output layer", false, "", "the output layer (", cpParts(map[string]bool{"outb": true, "outw": true})),
		countParamsCaseOf("no out_proj", false, "", "out_proj", cpParts(map[string]bool{"outproj": true})),
		countParamsCaseOf("no MLP", false, "", "the MLP", cpParts(map[string]bool{"mlp": true})),
		countParamsCaseOf("in_proj D×D", false, "", "two thirds of in_proj", func(c transformer.Config) int {
			return cpParts(nil)(c) - c.Layers*(2*c.D*c.D+2*c.D)
		}),
		countParamsCaseOf("no biases", false, "", "biases of the linear layers", func(c transformer.Config) int {
			D, F := c.D, c.FF
			return cpParts(nil)(c) - c.Layers*(3*D+D+F+D) - c.Outputs
		}),
		countParamsCaseOf("in_proj per head", false, "", "once per head", func(c transformer.Config) int {
			return cpParts(nil)(c) + c.Layers*(c.Heads-1)*(3*c.D*c.D+3*c.D)
		}),
		countParamsCaseOf("Vocab for Outputs", false, "", "c.Outputs rows, not c.Vocab", func(c transformer.Config) int {
			c.Outputs = c.Vocab
			return cpParts(nil)(c)
		}),
		countParamsCaseOf("positions twice", false, "", "counted twice", func(c transformer.Config) int {
			return cpParts(nil)(c) + c.MaxT*c.D
		}),
		countParamsCaseOf("off by one", false, "22352", "1 parameters short", func(c transformer.Config) int { return cpParts(nil)(c) - 1 }),
		countParamsCaseOf("panic", false, "your function panicked: not yet", "table of parameters", func(c transformer.Config) int { panic("not yet") }),
		countParamsCaseOf("nil function", false, "nil", "check.CountParams(countParams)", nil),
	})
}

// TestCountParamsCases: the cases are valid, and Tiny's count is the one
// the lesson quotes.
func TestCountParamsCases(t *testing.T) {
	for _, c := range countParamsCases {
		want, err := countParamsWant(c)
		if err != nil {
			t.Fatalf("%+v: %v", c, err)
		}
		if want != c.ParamCount() {
			t.Errorf("%+v: %d params, ParamCount %d", c, want, c.ParamCount())
		}
	}
	if n, _ := countParamsWant(transformer.Tiny()); n != 22353 {
		t.Errorf("Tiny has %d parameters; the lesson says 22353", n)
	}
}

func TestTransformerShow(t *testing.T) {
	var shown []*display.Check
	restore := display.SetSink(func(v display.Value) { shown = append(shown, v.(*display.Check)) })
	defer restore()
	LayerNorm(lnImpl(lnN, 1e-5, true, lnAffine))
	CountParams(func(c transformer.Config) int { panic(mat.ErrShape) })
	if len(shown) != 2 || !shown[0].Pass || shown[1].Pass {
		t.Errorf("shown %+v; want a PASS then a FAIL", shown)
	}
}
