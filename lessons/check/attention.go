package check

// Checks of lesson 6, "Attention by hand".

import (
	"fmt"
	"math"
	"strings"

	"github.com/seqlab/seqlab/display"
)

// AttentionRow checks the exercise "attentionRow": f(q, K, V, pos) must
// return one row of causal scaled dot-product attention, for the query q at
// position pos over the keys K and values V (one row per position):
//
//	scores[j]  = q·K[j] / √len(q)          for j ≤ pos
//	weights    = softmax(scores)           keys after pos get weight 0
//	out        = Σⱼ weights[j]·V[j]
//
// weights has one entry per key (len(K)), out one per value column
// (len(V[0])). When a result is wrong, the verdict names the stage that
// differs: the scaling, the mask, the softmax or the weighted sum. It shows
// the verdict as a *display.Check.
func AttentionRow(f func(q []float64, K, V [][]float64, pos int) ([]float64, []float64)) {
	display.Show(attentionRowCheck(f))
}

type attentionCase struct {
	q    []float64
	K, V [][]float64
	pos  int
}

var attentionCases = []attentionCase{
	{
		q:   []float64{1, 0, 2, -1},
		K:   [][]float64{{1, 2, 0, 1}, {0, 1, 1, 0}, {2, 0, 1, -1}, {-1, 1, 0, 2}},
		V:   [][]float64{{1, 0, 2}, {0, 3, -1}, {2, 1, 0}, {-2, 0, 1}},
		pos: 2,
	},
	{
		q:   []float64{0.5, -1},
		K:   [][]float64{{1, 0}, {0, -2}, {1, 1}},
		V:   [][]float64{{4, -1}, {0, 2}, {1, 1}},
		pos: 0,
	},
	{
		q:   []float64{2, -1, 0.5},
		K:   [][]float64{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}, {1, 1, 1}, {-1, 0, 2}},
		V:   [][]float64{{1, 2}, {3, 0}, {-1, 1}, {0, 0}, {2, -2}},
		pos: 4,
	},
	{ // large scores: e^score overflows unless the maximum is subtracted
		q:   []float64{30, 20},
		K:   [][]float64{{20, 30}, {30, 20}, {10, 10}},
		V:   [][]float64{{1, 0}, {0, 1}, {5, 5}},
		pos: 2,
	},
}

func attentionRowCheck(f func(q []float64, K, V [][]float64, pos int) ([]float64, []float64)) *display.Check {
	const name = "attentionRow"
	const where = "attentionRow: scores[j] = q·K[j]/√len(q) for j ≤ pos, softmax over them (later keys get weight 0), then out = Σ weights[j]·V[j]"
	if f == nil {
		return fail(name, "a function func(q []float64, K, V [][]float64, pos int) ([]float64, []float64)", "nil", "pass your function: check.AttentionRow(attentionRow)")
	}
	for i, c := range attentionCases {
		wantW, wantOut := attentionRef(c)
		call := fmt.Sprintf("attentionRow(q=%s, K=%s, V=%s, pos=%d)", nums(c.q), attnMatrix(c.K), attnMatrix(c.V), c.pos)
		expected := fmt.Sprintf("%s: weights %s, out %s%s", call, nums(wantW), nums(wantOut), caseOf(i, len(attentionCases)))
		var gotW, gotOut []float64
		if msg := protect(func() { gotW, gotOut = f(clone(c.q), attnCloneRows(c.K), attnCloneRows(c.V), c.pos) }); msg != "" {
			return panicked(name, expected, msg, panicWhere(msg,
				fmt.Sprintf("case with %d keys of width %d, values of width %d, pos %d: j runs over the keys 0 … pos, the value columns over 0 … len(V[0])−1", len(c.K), len(c.q), len(c.V[0]), c.pos),
				where))
		}
		got := fmt.Sprintf("weights %s, out %s", nums(gotW), nums(gotOut))
		switch {
		case gotW == nil && gotOut == nil:
			return fail(name, expected, "nil, nil", "attentionRow returns no slices: return the weights (one per key) and the output (one per value column)")
		case len(gotW) != len(wantW):
			return fail(name, expected, fmt.Sprintf("%s (%d weights)", got, len(gotW)),
				fmt.Sprintf("weights needs one entry per key, len(K) = %d, with 0 for the keys after pos; yours has %d", len(wantW), len(gotW)))
		case len(gotOut) != len(wantOut):
			return fail(name, expected, fmt.Sprintf("%s (%d output values)", got, len(gotOut)),
				fmt.Sprintf("out needs one entry per value column, len(V[0]) = %d; yours has %d", len(wantOut), len(gotOut)))
		case closeAll(gotW, wantW) && closeAll(gotOut, wantOut):
			continue
		}
		if !closeAll(gotW, wantW) {
			w, g := numsPair(wantW, gotW)
			scaled := attnScores(c, 1/math.Sqrt(float64(len(c.q))))
			expected := fmt.Sprintf("%s: weights %s (from the scaled scores q·K[j]/√%d = %s)%s", call, w, len(c.q), nums(scaled), caseOf(i, len(attentionCases)))
			msg := attnWeightsMistake(c, gotW, gotOut, where)
			if !strings.HasPrefix(msg, "your function still") {
				msg = "the weights are wrong: " + msg
			}
			return fail(name, expected, fmt.Sprintf("weights %s", g), msg)
		}
		w, g := numsPair(wantOut, gotOut)
		return fail(name, fmt.Sprintf("%s: weights %s (right), out %s%s", call, nums(wantW), w, caseOf(i, len(attentionCases))),
			fmt.Sprintf("out %s", g), "the weights are right, the output is not: "+attnOutMistake(c, wantW, gotOut))
	}
	return pass(name)
}

// attentionRef is the reference: the weights and the output of case c.
func attentionRef(c attentionCase) (weights, out []float64) {
	weights = attnSoftmaxFirst(attnScores(c, 1/math.Sqrt(float64(len(c.q)))), c.pos+1)
	return weights, attnWeightedSum(weights, c.V)
}

// attnScores is q·K[j]·scale for every key j.
func attnScores(c attentionCase, scale float64) []float64 {
	s := make([]float64, len(c.K))
	for j, k := range c.K {
		s[j] = dot(c.q, k, len(c.q)) * scale
	}
	return s
}

// attnSoftmaxFirst is the softmax of s[:n] followed by len(s)−n zeros.
func attnSoftmaxFirst(s []float64, n int) []float64 {
	out := make([]float64, len(s))
	if n <= 0 {
		return out
	}
	m := math.Inf(-1)
	for _, v := range s[:n] {
		m = math.Max(m, v)
	}
	sum := 0.0
	for j := 0; j < n; j++ {
		out[j] = math.Exp(s[j] - m)
		sum += out[j]
	}
	for j := 0; j < n; j++ {
		out[j] /= sum
	}
	return out
}

// attnWeightedSum is Σⱼ w[j]·rows[j].
func attnWeightedSum(w []float64, rows [][]float64) []float64 {
	out := make([]float64, len(rows[0]))
	for j, r := range rows {
		for c := range out {
			out[c] += w[j] * r[c]
		}
	}
	return out
}

// attnWeightsMistake names the stage at which the weights went wrong.
func attnWeightsMistake(c attentionCase, got, gotOut []float64, where string) string {
	dk := float64(len(c.q))
	n := c.pos + 1
	T := len(c.K)
	scaled := attnScores(c, 1/math.Sqrt(dk))
	allZero := true
	for _, v := range got {
		allZero = allZero && v == 0
	}
	for _, v := range gotOut {
		allZero = allZero && v == 0
	}
	if allZero {
		return "your function still returns zeros: replace the // TODO in attentionRow"
	}
	for _, v := range got {
		if msg := notFinite(v); msg != "" {
			maxScore := 0.0
			for _, s := range scaled[:n] {
				maxScore = math.Max(maxScore, s)
			}
			if maxScore > 700 {
				return fmt.Sprintf("the largest score here is %s, and math.Exp of it overflows to +Inf (then Inf/Inf = NaN): subtract the largest unmasked score from every score before math.Exp, or use nn.Softmax, which does", num(maxScore))
			}
			return msg + "; " + where
		}
	}
	masked := func(s []float64) []float64 { // masked scores set to 0, not excluded
		out := append([]float64(nil), s...)
		for j := n; j < T; j++ {
			out[j] = 0
		}
		return out
	}
	expOnly := make([]float64, T)
	rawSum := 0.0
	for j := 0; j < n; j++ {
		expOnly[j] = math.Exp(scaled[j])
		rawSum += scaled[j]
	}
	normNoExp := make([]float64, T)
	for j := 0; j < n; j++ {
		normNoExp[j] = scaled[j] / rawSum
	}
	switch {
	case closeAll(got, attnSoftmaxFirst(attnScores(c, 1), n)):
		return "the scores were not scaled: divide each q·K[j] by √d_k = √len(q) before the softmax"
	case closeAll(got, attnSoftmaxFirst(attnScores(c, 1/dk), n)):
		return fmt.Sprintf("the scores were divided by d_k = %d; divide by its square root, math.Sqrt(float64(len(q)))", len(c.q))
	case len(c.V[0]) != len(c.q) && closeAll(got, attnSoftmaxFirst(attnScores(c, 1/math.Sqrt(float64(len(c.V[0])))), n)):
		return fmt.Sprintf("the scores were divided by √%d, the width of the values; d_k is the width of q and the keys, len(q) = %d", len(c.V[0]), len(c.q))
	case n < T && closeAll(got, attnSoftmaxFirst(scaled, T)):
		return fmt.Sprintf("the causal mask is missing: the query at pos %d may only look at keys 0 … %d; the later keys get weight 0", c.pos, c.pos)
	case n < T && closeAll(got, attnSoftmaxFirst(attnScores(c, 1), T)):
		return "both the scaling and the causal mask are missing: divide the scores by √len(q), and give the keys after pos weight 0"
	case n < T && closeAll(got, attnSoftmaxFirst(masked(scaled), T)):
		return "the masked keys got a score of 0, which still gets weight e⁰ in the softmax: leave them out of the softmax (a score of −∞), so that their weight is exactly 0"
	case c.pos > 0 && closeAll(got, attnSoftmaxFirst(scaled, c.pos)):
		return fmt.Sprintf("the query left out its own key: position %d sees keys 0 … %d, itself included (j ≤ pos)", c.pos, c.pos)
	case closeAll(got, expOnly):
		return "these are e^score without the division: softmax divides each e^score by the sum of them all, so that the weights sum to 1"
	case closeAll(got, masked(scaled)):
		return "these are the scaled scores themselves: turn them into weights with a softmax"
	case closeAll(got, normNoExp):
		return "each score was divided by the sum of the scores: softmax takes e^score first, which makes every weight positive"
	}
	for j := n; j < T; j++ {
		if got[j] != 0 {
			return fmt.Sprintf("weights[%d] = %s, but key %d comes after pos = %d: the causal mask gives it weight 0", j, num(got[j]), j, c.pos)
		}
	}
	sum := 0.0
	for _, v := range got {
		sum += v
	}
	if !near(sum, 1) {
		return fmt.Sprintf("your weights sum to %s; softmax weights are positive and sum to 1", num(sum))
	}
	return where
}

// attnOutMistake names what went wrong in the weighted sum, given the right
// weights.
func attnOutMistake(c attentionCase, weights, got []float64) string {
	const where = "out[col] = Σ over the keys j of weights[j]·V[j][col], for every value column col"
	for _, v := range got {
		if msg := notFinite(v); msg != "" {
			return msg + "; " + where
		}
	}
	n := c.pos + 1
	ones := make([]float64, len(c.K))
	mean := make([]float64, len(c.K))
	for j := 0; j < n; j++ {
		ones[j] = 1
		mean[j] = 1 / float64(n)
	}
	allZero := true
	for _, v := range got {
		allZero = allZero && v == 0
	}
	switch {
	case allZero:
		return "out is still zeros: add up weights[j]·V[j] over the keys"
	case len(c.K[0]) >= len(got) && closeAll(got, attnWeightedSum(weights, c.K)[:len(got)]):
		return "that is the weighted sum of the keys: the output mixes the values, Σ weights[j]·V[j]"
	case closeAll(got, attnWeightedSum(ones, c.V)):
		return "that is the plain sum of the visible values: multiply each V[j] by weights[j]"
	case closeAll(got, attnWeightedSum(mean, c.V)):
		return "that is the average of the visible values: weight each V[j] by weights[j] instead"
	case closeAll(got, c.V[c.pos]):
		return "that is the query's own value V[pos]: the output mixes every visible value, Σ weights[j]·V[j]"
	}
	return where
}

// attnMatrix formats rows like fmt's %v does, each number with num.
func attnMatrix(rows [][]float64) string {
	parts := make([]string, len(rows))
	for i, r := range rows {
		parts[i] = nums(r)
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// attnCloneRows copies every row of m.
func attnCloneRows(m [][]float64) [][]float64 {
	if m == nil {
		return nil
	}
	out := make([][]float64, len(m))
	for i, r := range m {
		out[i] = clone(r)
	}
	return out
}
