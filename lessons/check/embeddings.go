package check

// Checks of lesson 2, "Vectors, embeddings and the dot product".

import (
	"fmt"
	"math"

	"github.com/seqlab/seqlab/display"
)

// Cosine checks the exercise "cosine": f(a, b) must return the cosine
// similarity of two vectors of the same length, a·b / (|a|·|b|), for
// vectors of one to four values (none of them zero). It shows the verdict as
// a *display.Check.
func Cosine(f func(a, b []float64) float64) {
	display.Show(cosineCheck(f))
}

type cosineCase struct{ a, b []float64 }

var cosineCases = []cosineCase{
	{a: []float64{3, 4}, b: []float64{4, 3}},
	{a: []float64{1, 2, 2}, b: []float64{4, 0, 3}},
	{a: []float64{1, 0}, b: []float64{0, 2}},
	{a: []float64{2, -1, 0.5, 3}, b: []float64{-4, 2, -1, -6}},
	{a: []float64{0.5, 0.5}, b: []float64{3, 3}},
	{a: []float64{-2}, b: []float64{5}},
}

// cosineParts returns a·b, |a| and |b|.
func cosineParts(c cosineCase) (d, na, nb float64) {
	n := len(c.a)
	return dot(c.a, c.b, n), math.Sqrt(dot(c.a, c.a, n)), math.Sqrt(dot(c.b, c.b, n))
}

func cosineCheck(f func(a, b []float64) float64) *display.Check {
	const name = "cosine"
	const where = "cosine: return dot(a, b) / (|a|·|b|), where |a| = math.Sqrt(dot(a, a))"
	if f == nil {
		return fail(name, "a function func(a, b []float64) float64", "nil", "pass your function: check.Cosine(cosine)")
	}
	for i, c := range cosineCases {
		d, na, nb := cosineParts(c)
		want := d / (na * nb)
		call := fmt.Sprintf("cosine(a=%v, b=%v)", nums(c.a), nums(c.b))
		detail := fmt.Sprintf("(a·b = %s, |a| = %s, |b| = %s)", num(d), num(na), num(nb))
		expected := fmt.Sprintf("%s = %s %s%s", call, num(want), detail, caseOf(i, len(cosineCases)))
		var got float64
		if msg := protect(func() { got = f(clone(c.a), clone(c.b)) }); msg != "" {
			return panicked(name, expected, msg, panicWhere(msg, fmt.Sprintf("cosine of two vectors of %d values: loop over i from 0 to len(a)−1", len(c.a)), where))
		}
		if near(got, want) {
			continue
		}
		w, g := numPair(want, got)
		expected = fmt.Sprintf("%s = %s %s%s", call, w, detail, caseOf(i, len(cosineCases)))
		return fail(name, expected, g, cosineMistake(c, got, where))
	}
	return pass(name)
}

// cosineMistake names the usual mistake that gives got for case c, if one does.
func cosineMistake(c cosineCase, got float64, where string) string {
	d, na, nb := cosineParts(c)
	cos := d / (na * nb)
	switch {
	case notFinite(got) != "":
		return notFinite(got) + "; " + where
	case got == 0:
		return "your function still returns 0: replace the // TODO in cosine"
	case near(got, d):
		return "that is the dot product a·b itself; the cosine divides it by both lengths, |a|·|b|"
	case near(got, d/na) || near(got, d/nb):
		return "that divides by one length only: the cosine divides a·b by |a| times |b|"
	case near(got, d/(na*na*nb*nb)):
		return "that divides by the squared lengths Σa²·Σb²: a length is the square root, |a| = math.Sqrt(dot(a, a))"
	case near(got, d/(na+nb)):
		return "the two lengths are added: multiply them, a·b / (|a|·|b|)"
	case near(got, 1-cos):
		return "that is 1 − cos θ (the cosine distance): return the cosine itself, a·b / (|a|·|b|)"
	case near(got, math.Acos(cos)):
		return "that is the angle θ in radians (math.Acos of the cosine): return the cosine itself"
	case near(got, -cos):
		return "the sign is wrong: a·b / (|a|·|b|) is positive when a and b point the same way"
	case near(got, cos*cos):
		return "that is the cosine squared: divide a·b by |a|·|b| once"
	}
	return where
}

// Softmax checks the exercise "softmax": f(x) must return softmax(x), the
// weights e^(xᵢ) / Σⱼ e^(xⱼ), as a new slice as long as x. The cases test
// that the weights add up to 1, that a larger score gets a larger weight,
// that adding the same number to every score changes nothing, and that
// scores near ±1000 give the right weights instead of overflowing (so the
// function must subtract the largest score before math.Exp). It shows the
// verdict as a *display.Check.
func Softmax(f func(x []float64) []float64) {
	display.Show(softmaxCheck(f))
}

// softmaxCase is a case of the softmax check; shift, when set, is the index
// of the earlier case whose scores these are plus a constant.
type softmaxCase struct {
	x     []float64
	shift int
	why   string // what the case tests, for the message
}

var softmaxCases = []softmaxCase{
	{x: []float64{1, 2, 3}, shift: -1},
	{x: []float64{0, 0, 0, 0}, shift: -1, why: "equal scores get equal weights"},
	{x: []float64{2, -1, 0.5}, shift: -1},
	{x: []float64{101, 102, 103}, shift: 0, why: "adding 100 to every score changes nothing"},
	{x: []float64{1000, 1001, 1002}, shift: 0, why: "large scores: the same weights as for 1, 2, 3"},
	{x: []float64{-1000, -999, -998}, shift: 0, why: "very negative scores: the same weights as for 1, 2, 3"},
	{x: []float64{0, 800}, shift: -1, why: "scores far apart"},
	{x: []float64{5}, shift: -1, why: "one score gets all the weight"},
}

// embSoftmax is the reference softmax, subtracting the maximum.
func embSoftmax(x []float64) []float64 {
	m := math.Inf(-1)
	for _, v := range x {
		m = math.Max(m, v)
	}
	out := make([]float64, len(x))
	sum := 0.0
	for i, v := range x {
		out[i] = math.Exp(v - m)
		sum += out[i]
	}
	for i := range out {
		out[i] /= sum
	}
	return out
}

func softmaxCheck(f func(x []float64) []float64) *display.Check {
	const name = "softmax"
	const where = "softmax: subtract the largest score m from each, take math.Exp(x[i] - m), then divide each by the sum of them all"
	if f == nil {
		return fail(name, "a function func(x []float64) []float64", "nil", "pass your function: check.Softmax(softmax)")
	}
	for i, c := range softmaxCases {
		want := embSoftmax(c.x)
		call := fmt.Sprintf("softmax(%v)", nums(c.x))
		why := ""
		if c.why != "" {
			why = " — " + c.why
		}
		expected := fmt.Sprintf("%s = %s%s%s", call, nums(want), why, caseOf(i, len(softmaxCases)))
		var got []float64
		if msg := protect(func() { got = f(clone(c.x)) }); msg != "" {
			return panicked(name, expected, msg, panicWhere(msg, fmt.Sprintf("softmax of %d scores: make the result as long as x and loop over i from 0 to len(x)−1", len(c.x)), where))
		}
		switch {
		case got == nil:
			return fail(name, expected, "nil", "softmax returns no slice: return one weight per score")
		case len(got) != len(want):
			return fail(name, expected, fmt.Sprintf("%s (%d values)", nums(got), len(got)),
				fmt.Sprintf("softmax must return %d weights, one per score; yours has %d", len(want), len(got)))
		case closeAll(got, want):
			continue
		}
		w, g := numsPair(want, got)
		return fail(name, fmt.Sprintf("%s = %s%s%s", call, w, why, caseOf(i, len(softmaxCases))), g, softmaxMistake(c, got, where))
	}
	return pass(name)
}

// softmaxMistake names the usual mistake that gives got for case c, if one
// does; got has the right length.
func softmaxMistake(c softmaxCase, got []float64, where string) string {
	x := c.x
	exps := make([]float64, len(x))
	sumX := 0.0
	for i, v := range x {
		exps[i] = math.Exp(v)
		sumX += v
	}
	byX := make([]float64, len(x))
	for i, v := range x {
		byX[i] = v / sumX
	}
	neg := make([]float64, len(x))
	for i, v := range x {
		neg[i] = -v
	}
	sum := 0.0
	finite := true
	for _, v := range got {
		sum += v
		if notFinite(v) != "" {
			finite = false
		}
	}
	large := false
	for _, v := range x {
		if math.Abs(v) > 700 {
			large = true
		}
	}
	switch {
	case !finite && large:
		maxX, minX := math.Inf(-1), math.Inf(1)
		for _, v := range x {
			maxX, minX = math.Max(maxX, v), math.Min(minX, v)
		}
		if maxX > 700 {
			return fmt.Sprintf("math.Exp(%s) overflows to +Inf (float64 stops near e^709), and Inf/Inf is NaN: subtract the largest score from every score before math.Exp; softmax(x − max) = softmax(x), and then every exponent is ≤ 0", num(maxX))
		}
		return fmt.Sprintf("math.Exp(%s) underflows to 0, so the sum is 0 and 0/0 is NaN: subtract the largest score from every score before math.Exp; softmax(x − max) = softmax(x), and then the largest exponent is e^0 = 1", num(minX))
	case !finite:
		for _, v := range got {
			if s := notFinite(v); s != "" {
				return s + "; " + where
			}
		}
	case closeAll(got, x):
		return "your function returns the scores unchanged: replace the // TODO in softmax"
	case closeAll(got, exps):
		return fmt.Sprintf("these are the e^xᵢ themselves, which add up to %s: divide each by their sum so that the weights add up to 1", num(sum))
	case sumX != 0 && closeAll(got, byX):
		return "that divides the scores themselves by their sum: exponentiate first, e^xᵢ / Σⱼ e^xⱼ (a negative score must still get a positive weight)"
	case closeAll(got, embSoftmax(neg)):
		return "the order is reversed: a larger score must get a larger weight, e^(+xᵢ), not e^(−xᵢ)"
	case !near(sum, 1):
		return fmt.Sprintf("the weights must add up to 1, and yours add up to %s: divide each e^xᵢ by the sum of all of them", num(sum))
	case c.shift >= 0:
		return fmt.Sprintf("softmax(x + c) must equal softmax(x) for any number c, so this must give the weights of %s: %s", nums(softmaxCases[c.shift].x), where)
	}
	for i := range x {
		for j := range x {
			if x[i] > x[j] && got[i] < got[j] {
				return fmt.Sprintf("score %d (%s) is larger than score %d (%s), so its weight must be larger too: %s", i, num(x[i]), j, num(x[j]), where)
			}
		}
	}
	return where
}
