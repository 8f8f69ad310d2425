package check

// Checks of lesson 4, "Why RNNs forget".

import (
	"fmt"
	"math"

	"github.com/seqlab/seqlab/display"
)

// BackStep checks the exercise "backStep": f(delta, h, U) must return the
// gradient that one step of backpropagation through time passes back
// through an RNN's recurrence,
//
//	δₜ₋₁[j] = Σᵢ U[i][j] · δₜ[i] · (1 − hₜ[i]²)     that is  Uᵀ·(δₜ ⊙ (1 − hₜ²)),
//
// where delta is δₜ = ∂L/∂hₜ, h is the hidden state hₜ = tanh(… + U·hₜ₋₁)
// of the later step, and U is the square (H×H) recurrent weight matrix
// (PyTorch's W_hh). It returns len(delta) values. It shows the verdict as a
// *display.Check.
func BackStep(f func(delta, h []float64, U [][]float64) []float64) {
	display.Show(backStepCheck(f))
}

type backStepCase struct {
	delta, h []float64
	U        [][]float64
}

var backStepCases = []backStepCase{
	{ // H = 2: U is not symmetric, so Uᵀ and U give different answers
		delta: []float64{1, 0.5}, h: []float64{0.5, -0.2},
		U: [][]float64{{0.3, -1}, {0.8, 0.4}},
	},
	{ // H = 3
		delta: []float64{0.2, -0.4, 0.1}, h: []float64{0.9, 0, -0.6},
		U: [][]float64{{0.5, 0.1, -0.3}, {-0.2, 0.7, 0.4}, {0.6, -0.5, 0.2}},
	},
	{ // H = 2, a saturated unit: its slope 1 − h² is almost 0
		delta: []float64{-0.3, 0.8}, h: []float64{0.999, 0.3},
		U: [][]float64{{1.5, 0.2}, {-0.4, 1.1}},
	},
}

// backStepRef computes the step and its usual wrong versions: transpose
// false multiplies by U instead of Uᵀ; slope is the derivative applied to h
// (nil: none); after applies the slope to the result instead of to delta.
func backStepRef(c backStepCase, transpose bool, slope func(h float64) float64, after bool) []float64 {
	H := len(c.delta)
	a := make([]float64, H)
	for i := range a {
		a[i] = c.delta[i]
		if slope != nil && !after {
			a[i] *= slope(c.h[i])
		}
	}
	out := make([]float64, H)
	for j := 0; j < H; j++ {
		for i := 0; i < H; i++ {
			if transpose {
				out[j] += c.U[i][j] * a[i]
			} else {
				out[j] += c.U[j][i] * a[i]
			}
		}
		if slope != nil && after {
			out[j] *= slope(c.h[j])
		}
	}
	return out
}

func forgettingTanhSlope(h float64) float64 { return 1 - h*h }

func backStepCheck(f func(delta, h []float64, U [][]float64) []float64) *display.Check {
	const name = "backStep"
	const where = "backStep: a[i] = delta[i]*(1 - h[i]*h[i]), then out[j] = Σᵢ U[i][j]*a[i] (Uᵀ: the row index i is summed)"
	if f == nil {
		return fail(name, "a function func(delta, h []float64, U [][]float64) []float64", "nil", "pass your function: check.BackStep(backStep)")
	}
	for k, c := range backStepCases {
		want := backStepRef(c, true, forgettingTanhSlope, false)
		call := fmt.Sprintf("backStep(delta=%v, h=%v, U=%s)", nums(c.delta), nums(c.h), forgettingMatrix(c.U))
		expected := fmt.Sprintf("%s = %s%s", call, nums(want), caseOf(k, len(backStepCases)))
		var got []float64
		if msg := protect(func() { got = f(clone(c.delta), clone(c.h), forgettingClone(c.U)) }); msg != "" {
			return panicked(name, expected, msg, panicWhere(msg, fmt.Sprintf("backStep with H = %d: i and j run from 0 to len(delta)−1, and U is H×H", len(c.delta)), where))
		}
		switch {
		case got == nil:
			return fail(name, expected, "nil", "backStep returns no slice: return δₜ₋₁, one value per hidden unit")
		case len(got) != len(want):
			return fail(name, expected, fmt.Sprintf("%s (%d values)", nums(got), len(got)),
				fmt.Sprintf("backStep must return %d values, one per hidden unit; yours has %d", len(want), len(got)))
		case closeAll(got, want):
			continue
		}
		w, g := numsPair(want, got)
		return fail(name, fmt.Sprintf("%s = %s%s", call, w, caseOf(k, len(backStepCases))), g, backStepMistake(c, got, where))
	}
	return pass(name)
}

func backStepMistake(c backStepCase, got []float64, where string) string {
	for _, v := range got {
		if notFinite(v) != "" {
			return notFinite(v) + "; " + where
		}
	}
	zero := make([]float64, len(got))
	sigmoidSlope := func(h float64) float64 { return h * (1 - h) }
	oneMinus := func(h float64) float64 { return 1 - h }
	switch {
	case closeAll(got, c.delta):
		return "your function still returns delta unchanged: replace the // TODO in backStep with Uᵀ·(delta ⊙ (1 − h²))"
	case closeAll(got, zero):
		return "your function returns zeros: replace the // TODO in backStep with Uᵀ·(delta ⊙ (1 − h²))"
	case closeAll(got, backStepRef(c, false, forgettingTanhSlope, false)):
		return "that multiplies by U, not by its transpose: going backwards, out[j] sums U[i][j]*a[i] over the row index i"
	case closeAll(got, backStepRef(c, true, nil, false)):
		return "the tanh slope is missing: multiply delta[i] by (1 − h[i]²) before the product with Uᵀ"
	case closeAll(got, backStepRef(c, false, nil, false)):
		return "the tanh slope is missing and U is not transposed: a[i] = delta[i]*(1 - h[i]*h[i]), then out[j] = Σᵢ U[i][j]*a[i]"
	case closeAll(got, backStepRef(c, true, forgettingTanhSlope, true)):
		return "the slope was applied after the product: (1 − h²) belongs to the later step's units i, so it multiplies delta[i] before Uᵀ"
	case closeAll(got, backStepRef(c, true, oneMinus, false)):
		return "the slope of tanh is 1 − h², not 1 − h: multiply delta[i] by (1 - h[i]*h[i])"
	case closeAll(got, backStepRef(c, true, sigmoidSlope, false)):
		return "h·(1 − h) is the slope of the sigmoid; the RNN's nonlinearity is tanh, whose slope is 1 − h²"
	case closeAll(got, backStepRef(c, true, math.Tanh, false)) || closeAll(got, backStepRef(c, true, func(h float64) float64 { return h * h }, false)):
		return "the tanh slope at the output h is 1 − h²: multiply delta[i] by (1 - h[i]*h[i])"
	}
	return where
}

// DecayRate checks the exercise "decayRate": f(norms) must return the
// average factor r by which the gradient's norm changes per step going back
// in time, the r with norms[0] = norms[n−1]·r^(n−1), that is
//
//	r = (norms[0] / norms[n−1])^(1/(n−1))      (n = len(norms) ≥ 2),
//
// the geometric mean of the per-step ratios norms[t]/norms[t+1]. Below 1 the
// gradient vanishes going back, above 1 it explodes. It shows the verdict as
// a *display.Check.
func DecayRate(f func(norms []float64) float64) {
	display.Show(decayRateCheck(f))
}

var decayRateCases = [][]float64{
	{1, 2, 4, 8},               // halves at every step back: 0.5
	{0.01, 0.05, 0.04, 0.3, 1}, // uneven steps: their geometric mean
	{27, 9, 3, 1},              // grows going back: 3, it explodes
	{0.2, 0.5},                 // one step
}

func decayRateRef(norms []float64) float64 {
	n := len(norms)
	return math.Pow(norms[0]/norms[n-1], 1/float64(n-1))
}

func decayRateCheck(f func(norms []float64) float64) *display.Check {
	const name = "decayRate"
	const where = "decayRate: with n = len(norms), return math.Pow(norms[0]/norms[n-1], 1/float64(n-1))"
	if f == nil {
		return fail(name, "a function func(norms []float64) float64", "nil", "pass your function: check.DecayRate(decayRate)")
	}
	for k, norms := range decayRateCases {
		want := decayRateRef(norms)
		call := fmt.Sprintf("decayRate(%s)", nums(norms))
		expected := fmt.Sprintf("%s = %s%s", call, num(want), caseOf(k, len(decayRateCases)))
		var got float64
		if msg := protect(func() { got = f(clone(norms)) }); msg != "" {
			return panicked(name, expected, msg, panicWhere(msg, fmt.Sprintf("decayRate with %d norms: the first is norms[0], the last norms[len(norms)-1]", len(norms)), where))
		}
		if near(got, want) {
			continue
		}
		w, g := numPair(want, got)
		return fail(name, fmt.Sprintf("%s = %s%s", call, w, caseOf(k, len(decayRateCases))), g, decayRateMistake(norms, got, where))
	}
	return pass(name)
}

func decayRateMistake(norms []float64, got float64, where string) string {
	n := len(norms)
	first, last := norms[0], norms[n-1]
	steps := float64(n - 1)
	ratioMean := 0.0 // arithmetic mean of norms[t]/norms[t+1]
	for t := 0; t+1 < n; t++ {
		ratioMean += norms[t] / norms[t+1]
	}
	ratioMean /= steps
	switch {
	case notFinite(got) != "":
		return notFinite(got) + "; " + where
	case got == 0:
		return "your function still returns 0: replace the // TODO in decayRate"
	case near(got, 1/decayRateRef(norms)):
		return "that is 1/r, the factor going forwards: going back in time the norm goes from norms[n-1] to norms[0], so r = (norms[0]/norms[n-1])^(1/(n-1))"
	case near(got, first/last) && n > 2:
		return fmt.Sprintf("that is the change over all %d steps, r^%d: take its (n−1)-th root, math.Pow(…, 1/float64(n-1))", n-1, n-1)
	case near(got, last/first):
		return "that is the inverse of the change over all the steps: divide the first norm by the last, then take the (n−1)-th root"
	case near(got, math.Pow(first/last, 1/float64(n))):
		return fmt.Sprintf("the root is one too high: %d norms span %d steps, so the exponent is 1/float64(n-1)", n, n-1)
	case near(got, ratioMean) && n > 2:
		return "that is the arithmetic mean of the per-step ratios; the factor that compounds over the steps is their geometric mean, (norms[0]/norms[n-1])^(1/(n-1))"
	case near(got, math.Pow(first/last, 1/steps)-1) || near(got, 1-math.Pow(first/last, 1/steps)):
		return "that is r − 1 or 1 − r, a rate of change; return the factor r itself"
	}
	return where
}

// forgettingMatrix formats a matrix briefly, row by row.
func forgettingMatrix(m [][]float64) string {
	s := "["
	for i, row := range m {
		if i > 0 {
			s += " "
		}
		s += nums(row)
	}
	return s + "]"
}

// forgettingClone copies a matrix so that the learner's function cannot
// change a case.
func forgettingClone(m [][]float64) [][]float64 {
	out := make([][]float64, len(m))
	for i, row := range m {
		out[i] = clone(row)
	}
	return out
}
