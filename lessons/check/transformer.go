package check

// Checks of lesson 7, "The transformer".

import (
	"fmt"
	"math"

	"github.com/seqlab/seqlab/display"
	"github.com/seqlab/seqlab/models/nn"
	"github.com/seqlab/seqlab/models/transformer"
)

// LayerNorm checks the exercise "layerNorm": f(x, gamma, beta) must return
// x normalised to mean 0 and variance 1, then scaled by gamma and shifted by
// beta, element by element, as nn.LayerNorm computes it:
//
//	out[i] = (x[i] − mean(x)) / √(var(x) + 1e-5) · gamma[i] + beta[i]
//
// with the biased variance, var(x) = Σ (x[i] − mean)² / len(x). It shows the
// verdict as a *display.Check.
func LayerNorm(f func(x, gamma, beta []float64) []float64) {
	display.Show(layerNormCheck(f))
}

type layerNormCase struct{ x, gamma, beta []float64 }

var layerNormCases = []layerNormCase{
	{x: []float64{1, 2, 3, 6}, gamma: []float64{1, 1, 1, 1}, beta: []float64{0, 0, 0, 0}},
	{x: []float64{2, -1, 0.5}, gamma: []float64{0.5, 2, 1}, beta: []float64{0.1, 0, -1}},
	{x: []float64{10, 30}, gamma: []float64{1, -1}, beta: []float64{3, 3}},
	{x: []float64{4, 4, 4}, gamma: []float64{2, 2, 2}, beta: []float64{0.5, -0.5, 1}},
}

// layerNormEps is nn.LayerNorm's ε, as PyTorch's.
const layerNormEps = 1e-5

// layerNormWith is layer norm of case c with the sum of squared deviations
// divided by denom, and eps added inside the square root (epsInside) or
// after it. The right one is denom = len(x), eps = 1e-5, inside.
func layerNormWith(c layerNormCase, denom, eps float64, epsInside bool) []float64 {
	n := float64(len(c.x))
	mean := 0.0
	for _, v := range c.x {
		mean += v
	}
	mean /= n
	ss := 0.0
	for _, v := range c.x {
		ss += (v - mean) * (v - mean)
	}
	std := math.Sqrt(ss/denom + eps)
	if !epsInside {
		std = math.Sqrt(ss/denom) + eps
	}
	out := make([]float64, len(c.x))
	for i, v := range c.x {
		out[i] = (v-mean)/std*c.gamma[i] + c.beta[i]
	}
	return out
}

// layerNormRef is the reference, as nn.LayerNorm computes it.
func layerNormRef(c layerNormCase) []float64 {
	return layerNormWith(c, float64(len(c.x)), layerNormEps, true)
}

func layerNormCheck(f func(x, gamma, beta []float64) []float64) *display.Check {
	const name = "layerNorm"
	const where = "layerNorm: mean and variance (divide by len(x)) of x, then out[i] = (x[i] − mean)/√(variance + eps)·gamma[i] + beta[i]"
	if f == nil {
		return fail(name, "a function func(x, gamma, beta []float64) []float64", "nil", "pass your function: check.LayerNorm(layerNorm)")
	}
	for i, c := range layerNormCases {
		want := layerNormRef(c)
		call := fmt.Sprintf("layerNorm(x=%s, gamma=%s, beta=%s)", nums(c.x), nums(c.gamma), nums(c.beta))
		expected := fmt.Sprintf("%s = %s%s", call, nums(want), caseOf(i, len(layerNormCases)))
		var got []float64
		if msg := protect(func() { got = f(clone(c.x), clone(c.gamma), clone(c.beta)) }); msg != "" {
			return panicked(name, expected, msg, panicWhere(msg, fmt.Sprintf("layerNorm of %d values: loop over i from 0 to len(x)−1", len(c.x)), where))
		}
		switch {
		case got == nil:
			return fail(name, expected, "nil", "layerNorm returns no slice: return one value per element of x")
		case len(got) != len(want):
			return fail(name, expected, fmt.Sprintf("%s (%d values)", nums(got), len(got)),
				fmt.Sprintf("layerNorm must return %d values, one per element of x; yours has %d", len(want), len(got)))
		case closeAll(got, want):
			continue
		}
		w, g := numsPair(want, got)
		return fail(name, fmt.Sprintf("%s = %s%s", call, w, caseOf(i, len(layerNormCases))), g, layerNormMistake(c, got, where))
	}
	return pass(name)
}

// layerNormMistake names the usual mistake that gives got for case c.
func layerNormMistake(c layerNormCase, got []float64, where string) string {
	n := float64(len(c.x))
	for _, v := range got {
		if msg := notFinite(v); msg != "" {
			if math.IsNaN(v) && lnConstant(c.x) {
				return "x is constant here, so its variance is 0 and (x − mean)/√variance is 0/0: add eps to the variance inside the square root, √(variance + eps)"
			}
			return msg + "; " + where
		}
	}
	apply := func(g func(i int, xhat float64) float64) []float64 {
		xhat := layerNormWith(layerNormCase{x: c.x, gamma: lnOnes(len(c.x)), beta: make([]float64, len(c.x))}, n, layerNormEps, true)
		out := make([]float64, len(c.x))
		for i := range out {
			out[i] = g(i, xhat[i])
		}
		return out
	}
	mean := 0.0
	for _, v := range c.x {
		mean += v
	}
	mean /= n
	noMean := make([]float64, len(c.x))
	centred := make([]float64, len(c.x))
	ss := 0.0
	for _, v := range c.x {
		ss += (v - mean) * (v - mean)
	}
	for i, v := range c.x {
		noMean[i] = v/math.Sqrt(ss/n+layerNormEps)*c.gamma[i] + c.beta[i]
		centred[i] = (v-mean)*c.gamma[i] + c.beta[i]
	}
	byVar := make([]float64, len(c.x))
	for i, v := range c.x {
		byVar[i] = (v-mean)/(ss/n+layerNormEps)*c.gamma[i] + c.beta[i]
	}
	switch {
	case closeAll(got, c.x):
		return "your function returns x unchanged: replace the // TODO in layerNorm"
	case closeAll(got, layerNormWith(c, n, 0, true)):
		return "close, but eps is missing: divide by √(variance + eps), with eps = 1e-5 inside the square root (it keeps a constant x from giving 0/0)"
	case closeAll(got, layerNormWith(c, n, layerNormEps, false)):
		return "eps is outside the square root: divide by √(variance + eps), as PyTorch does, not by √variance + eps"
	case len(c.x) > 1 && closeAll(got, layerNormWith(c, n-1, layerNormEps, true)):
		return fmt.Sprintf("the variance was divided by len(x) − 1 = %d; layer norm uses the plain mean of the squared deviations, dividing by len(x) = %d", len(c.x)-1, len(c.x))
	case closeAll(got, apply(func(i int, xhat float64) float64 { return xhat })):
		return "that is x normalised, but gamma and beta are missing: multiply by gamma[i], then add beta[i]"
	case closeAll(got, apply(func(i int, xhat float64) float64 { return xhat * c.gamma[i] })):
		return "beta is missing: after scaling by gamma[i], add beta[i]"
	case closeAll(got, apply(func(i int, xhat float64) float64 { return xhat + c.beta[i] })):
		return "gamma is missing: multiply the normalised value by gamma[i] before adding beta[i]"
	case closeAll(got, apply(func(i int, xhat float64) float64 { return (xhat + c.beta[i]) * c.gamma[i] })):
		return "beta was added before the scaling: out[i] = x̂[i]·gamma[i] + beta[i]"
	case closeAll(got, apply(func(i int, xhat float64) float64 { return xhat*c.beta[i] + c.gamma[i] })):
		return "gamma and beta are swapped: gamma scales, beta shifts, out[i] = x̂[i]·gamma[i] + beta[i]"
	case closeAll(got, noMean):
		return "the mean was not subtracted: normalise x[i] − mean, not x[i]"
	case closeAll(got, centred):
		return "the mean was subtracted but nothing was divided: divide x[i] − mean by √(variance + eps)"
	case closeAll(got, byVar):
		return "that divides by the variance; divide by its square root, the standard deviation √(variance + eps)"
	}
	return where
}

// lnConstant reports whether every value of x is the same.
func lnConstant(x []float64) bool {
	for _, v := range x {
		if v != x[0] {
			return false
		}
	}
	return true
}

// lnOnes is n ones.
func lnOnes(n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = 1
	}
	return out
}

// CountParams checks the exercise "countParams": f(c) must return the
// number of learnable parameters of a transformer with the configuration c
// (token input: Vocab > 0, and Outputs > 0), which is how many numbers
// transformer.New(c, rng) makes, nn.CountParams(m.Params()). It shows the
// verdict as a *display.Check.
func CountParams(f func(c transformer.Config) int) {
	display.Show(countParamsCheck(f))
}

var countParamsCases = []transformer.Config{
	transformer.Tiny(),
	{Vocab: 10, D: 8, Heads: 2, Layers: 1, FF: 16, MaxT: 12, Outputs: 10},
	{Vocab: 20, D: 16, Heads: 4, Layers: 3, FF: 40, MaxT: 50, Outputs: 5},
}

// countParamsWant is the number of parameters of a model built from c.
func countParamsWant(c transformer.Config) (int, error) {
	m, err := transformer.New(c, nn.NewRNG(1))
	if err != nil {
		return 0, err
	}
	return nn.CountParams(m.Params()), nil
}

func countParamsCheck(f func(c transformer.Config) int) *display.Check {
	const name = "countParams"
	const where = "countParams: compare with the table of parameters above: every row is a product of Config fields, the embeddings, positions, final norm and output once, each block's rows c.Layers times"
	if f == nil {
		return fail(name, "a function func(c transformer.Config) int", "nil", "pass your function: check.CountParams(countParams)")
	}
	for i, c := range countParamsCases {
		want, err := countParamsWant(c)
		if err != nil {
			return fail(name, "a valid configuration", err.Error(), "this is a bug in the check, not in your code: please report it")
		}
		expected := fmt.Sprintf("countParams(%+v) = %d, the number of values in m.Params() of transformer.New(c, …)%s", c, want, caseOf(i, len(countParamsCases)))
		var got int
		if msg := protect(func() { got = f(c) }); msg != "" {
			return panicked(name, expected, msg, where)
		}
		if got == want {
			continue
		}
		return fail(name, expected, fmt.Sprint(got), countParamsMistake(c, got, want, where))
	}
	return pass(name)
}

// countParamsMistake names the part of the model that got leaves out or
// counts twice.
func countParamsMistake(c transformer.Config, got, want int, where string) string {
	if got == 0 {
		return "your function still returns 0: replace the // TODO in countParams"
	}
	D, F, L, V, O := c.D, c.FF, c.Layers, c.Vocab, c.Outputs
	block := 2*D + 3*D*D + 3*D + D*D + D + 2*D + F*D + F + D*F + D
	parts := []struct {
		what string
		n    int
	}{
		{"the token embeddings (Vocab × D)", V * D},
		{"the position embeddings (MaxT × D)", c.MaxT * D},
		{"the output layer (Outputs × D weights and Outputs biases)", O*D + O},
		{"the output layer's biases (Outputs)", O},
		{"the output layer's weights (Outputs × D)", O * D},
		{"the final LayerNorm (γ and β, D each)", 2 * D},
		{"the blocks' two LayerNorms (2 × 2·D per block)", L * 4 * D},
		{"every LayerNorm (2·D each: two per block and the final one)", L*4*D + 2*D},
		{"half of every LayerNorm: each has a scale γ and a shift β, D each", L*2*D + D},
		{"the biases of the linear layers (in_proj 3·D, out_proj D, MLP FF and D, output Outputs)", L*(3*D+D+F+D) + O},
		{"the attention's output projection out_proj (D × D weights and D biases per block)", L * (D*D + D)},
		{"the MLP (D × FF and FF × D weights, FF and D biases per block)", L * (2*D*F + F + D)},
		{"two thirds of in_proj: it makes queries, keys and values, 3·D × D weights and 3·D biases per block", L * (2*D*D + 2*D)},
		{"the attention's in_proj (3·D × D weights and 3·D biases per block)", L * (3*D*D + 3*D)},
		{"the blocks' parameters (one block's count, c.Layers times)", L * block},
	}
	if L > 1 {
		parts = append(parts, struct {
			what string
			n    int
		}{"all blocks but one: there are c.Layers blocks, each with its own parameters", (L - 1) * block})
	}
	diff := want - got
	if c.Heads > 1 && got-want == L*(c.Heads-1)*(3*D*D+3*D) {
		return "in_proj counted once per head: the heads share one in_proj of 3·D × D (each head uses D/Heads of its rows), so the number of heads does not change the count"
	}
	for _, p := range parts {
		if diff == p.n {
			return fmt.Sprintf("%d parameters short: that is %s", p.n, p.what)
		}
		if diff == -p.n {
			return fmt.Sprintf("%d parameters too many: %s counted twice", p.n, p.what)
		}
	}
	if V != O && got-want == (V-O)*(D+1) {
		return "the output layer has c.Outputs rows, not c.Vocab: it gives one score per output class"
	}
	if diff > 0 {
		return fmt.Sprintf("%d parameters short; %s", diff, where)
	}
	return fmt.Sprintf("%d parameters too many; %s", -diff, where)
}
