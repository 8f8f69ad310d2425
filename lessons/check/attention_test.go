package check

import (
	"math"
	"testing"

	"github.com/seqlab/seqlab/display"
	"github.com/seqlab/seqlab/models/nn"
)

type attnFunc = func(q []float64, K, V [][]float64, pos int) ([]float64, []float64)

func attentionRowCaseOf(desc string, pass bool, got, where string, f attnFunc) verdictCase {
	return verdictCase{desc: desc, pass: pass, got: got, where: where, checkFunc: func() *display.Check { return attentionRowCheck(f) }}
}

// attnOpts are the knobs of attnImpl, each one a usual mistake.
type attnOpts struct {
	scale       func(dk, dv int) float64 // nil: 1/√d_k
	visible     func(pos, T int) int     // keys 0 … visible−1 take part; nil: pos+1
	maskZero    bool                     // masked keys get score 0 instead of leaving the softmax
	naiveExp    bool                     // no max subtraction
	noNorm      bool                     // e^score without dividing by the sum
	noSoftmax   bool                     // weights = the scores
	outOfValues func(K, V [][]float64) [][]float64
	uniformOut  bool // out = Σ V[j] over the visible keys
}

// attnImpl is a learner's attentionRow with the given mistakes.
func attnImpl(o attnOpts) attnFunc {
	return func(q []float64, K, V [][]float64, pos int) ([]float64, []float64) {
		T, dk, dv := len(K), len(q), len(V[0])
		scale := 1 / math.Sqrt(float64(dk))
		if o.scale != nil {
			scale = o.scale(dk, dv)
		}
		n := pos + 1
		if o.visible != nil {
			n = o.visible(pos, T)
		}
		s := make([]float64, T)
		for j := 0; j < T; j++ {
			for c := range q {
				s[j] += q[c] * K[j][c]
			}
			s[j] *= scale
		}
		w := make([]float64, T)
		switch {
		case o.noSoftmax:
			copy(w[:n], s[:n])
		case o.maskZero:
			for j := n; j < T; j++ {
				s[j] = 0
			}
			nn.Softmax(w, s)
		case o.naiveExp || o.noNorm:
			sum := 0.0
			for j := 0; j < n; j++ {
				w[j] = math.Exp(s[j])
				sum += w[j]
			}
			if !o.noNorm {
				for j := 0; j < n; j++ {
					w[j] /= sum
				}
			}
		default:
			nn.Softmax(w[:n], s[:n])
		}
		rows := V
		if o.outOfValues != nil {
			rows = o.outOfValues(K, V)
		}
		out := make([]float64, dv)
		for j := 0; j < T; j++ {
			wj := w[j]
			if o.uniformOut {
				wj = 0
				if j < n {
					wj = 1
				}
			}
			for c := 0; c < dv && c < len(rows[j]); c++ {
				out[c] += wj * rows[j][c]
			}
		}
		return w, out
	}
}

func TestAttentionRow(t *testing.T) {
	testVerdicts(t, "attentionRow", []verdictCase{
		attentionRowCaseOf("correct", true, "", "", attnImpl(attnOpts{})),
		attentionRowCaseOf("correct, and it scribbles on its inputs", true, "", "", func(q []float64, K, V [][]float64, pos int) ([]float64, []float64) {
			w, out := attnImpl(attnOpts{})(q, K, V, pos)
			for i := range q {
				q[i] = 99
			}
			K[0][0], V[0][0] = 99, 99
			return w, out
		}),
		attentionRowCaseOf("correct, summed over the visible keys only", true, "", "", func(q []float64, K, V [][]float64, pos int) ([]float64, []float64) {
			w := make([]float64, len(K))
			s := make([]float64, pos+1)
			for j := 0; j <= pos; j++ {
				for c := range q {
					s[j] += q[c] * K[j][c]
				}
				s[j] /= math.Sqrt(float64(len(q)))
			}
			m := s[0]
			for _, v := range s {
				m = math.Max(m, v)
			}
			sum := 0.0
			for j := range s {
				w[j] = math.Exp(s[j] - m)
				sum += w[j]
			}
			out := make([]float64, len(V[0]))
			for j := range s {
				w[j] /= sum
				for c := range out {
					out[c] += w[j] * V[j][c]
				}
			}
			return w, out
		}),
		attentionRowCaseOf("stub", false, "weights [0 0 0 0]", "still returns zeros", func(q []float64, K, V [][]float64, pos int) ([]float64, []float64) {
			return make([]float64, len(K)), make([]float64, len(V[0]))
		}),
		attentionRowCaseOf("nil, nil", false, "nil, nil", "returns no slices", func(q []float64, K, V [][]float64, pos int) ([]float64, []float64) {
			return nil, nil
		}),
		attentionRowCaseOf("no scaling", false, "weights [", "not scaled", attnImpl(attnOpts{scale: func(dk, dv int) float64 { return 1 }})),
		attentionRowCaseOf("scaled by d", false, "", "divided by d_k = 4", attnImpl(attnOpts{scale: func(dk, dv int) float64 { return 1 / float64(dk) }})),
		attentionRowCaseOf("scaled by √d_v", false, "", "width of the values", attnImpl(attnOpts{scale: func(dk, dv int) float64 { return 1 / math.Sqrt(float64(dv)) }})),
		attentionRowCaseOf("no mask", false, "", "causal mask is missing", attnImpl(attnOpts{visible: func(pos, T int) int { return T }})),
		attentionRowCaseOf("no mask, no scaling", false, "", "both the scaling and the causal mask", attnImpl(attnOpts{
			visible: func(pos, T int) int { return T },
			scale:   func(dk, dv int) float64 { return 1 },
		})),
		attentionRowCaseOf("masked with score 0", false, "", "score of 0", attnImpl(attnOpts{visible: func(pos, T int) int { return pos + 1 }, maskZero: true})),
		attentionRowCaseOf("mask excludes itself", false, "", "left out its own key", attnImpl(attnOpts{visible: func(pos, T int) int { return max(pos, 1) }})),
		attentionRowCaseOf("a masked key keeps some weight", false, "", "key 3 comes after pos = 2", func(q []float64, K, V [][]float64, pos int) ([]float64, []float64) {
			w, out := attnImpl(attnOpts{})(q, K, V, pos)
			w[len(w)-1] += 0.05
			return w, out
		}),
		attentionRowCaseOf("exp, no division", false, "", "without the division", attnImpl(attnOpts{noNorm: true})),
		attentionRowCaseOf("no softmax", false, "", "scaled scores themselves", attnImpl(attnOpts{noSoftmax: true})),
		attentionRowCaseOf("naive exp overflows", false, "NaN", "subtract the largest", attnImpl(attnOpts{naiveExp: true})),
		attentionRowCaseOf("weights don't sum to 1", false, "", "sum to", func(q []float64, K, V [][]float64, pos int) ([]float64, []float64) {
			w, out := attnImpl(attnOpts{})(q, K, V, pos)
			for j := range w {
				w[j] *= 0.9
			}
			return w, out
		}),
		attentionRowCaseOf("weights of the visible keys only", false, "(3 weights)", "one entry per key, len(K) = 4", func(q []float64, K, V [][]float64, pos int) ([]float64, []float64) {
			w, out := attnImpl(attnOpts{})(q, K, V, pos)
			return w[:pos+1], out
		}),
		attentionRowCaseOf("out as long as q", false, "(4 output values)", "len(V[0]) = 3", func(q []float64, K, V [][]float64, pos int) ([]float64, []float64) {
			w, _ := attnImpl(attnOpts{})(q, K, V, pos)
			return w, make([]float64, len(q))
		}),
		attentionRowCaseOf("out zeros", false, "out [0 0 0]", "out is still zeros", func(q []float64, K, V [][]float64, pos int) ([]float64, []float64) {
			w, _ := attnImpl(attnOpts{})(q, K, V, pos)
			return w, make([]float64, len(V[0]))
		}),
		attentionRowCaseOf("out from the keys", false, "", "weighted sum of the keys", attnImpl(attnOpts{outOfValues: func(K, V [][]float64) [][]float64 { return K }})),
		attentionRowCaseOf("out unweighted", false, "", "plain sum", attnImpl(attnOpts{uniformOut: true})),
		attentionRowCaseOf("out is own value", false, "", "own value", func(q []float64, K, V [][]float64, pos int) ([]float64, []float64) {
			w, _ := attnImpl(attnOpts{})(q, K, V, pos)
			return w, append([]float64(nil), V[pos]...)
		}),
		attentionRowCaseOf("index out of range", false, "your function panicked: runtime error: index out of range", "j runs over the keys 0 … pos", func(q []float64, K, V [][]float64, pos int) ([]float64, []float64) {
			w := make([]float64, len(K))
			for j := 0; j <= len(K); j++ {
				w[j] = K[j][0]
			}
			return w, nil
		}),
		attentionRowCaseOf("panic", false, "your function panicked: not yet", "softmax over them", func(q []float64, K, V [][]float64, pos int) ([]float64, []float64) {
			panic("not yet")
		}),
		attentionRowCaseOf("NaN", false, "NaN", "0/0", func(q []float64, K, V [][]float64, pos int) ([]float64, []float64) {
			w, out := attnImpl(attnOpts{})(q, K, V, pos)
			w[0] = math.NaN()
			return w, out
		}),
		attentionRowCaseOf("nil function", false, "nil", "check.AttentionRow(attentionRow)", nil),
	})
}

// TestAttentionRowFirstCase pins the reference of the first case, worked out
// by hand: scores (0, 2, 5, −3)/2, softmax over the first three.
func TestAttentionRowFirstCase(t *testing.T) {
	w, out := attentionRef(attentionCases[0])
	e := []float64{math.Exp(0), math.Exp(1), math.Exp(2.5)}
	sum := e[0] + e[1] + e[2]
	want := []float64{e[0] / sum, e[1] / sum, e[2] / sum, 0}
	if !closeAll(w, want) {
		t.Errorf("weights = %v; want %v", w, want)
	}
	wantOut := []float64{want[0] + 2*want[2], 3*want[1] + want[2], 2*want[0] - want[1]}
	if !closeAll(out, wantOut) {
		t.Errorf("out = %v; want %v", out, wantOut)
	}
}

func TestAttentionRowShow(t *testing.T) {
	var shown []*display.Check
	restore := display.SetSink(func(v display.Value) { shown = append(shown, v.(*display.Check)) })
	defer restore()
	AttentionRow(attnImpl(attnOpts{}))
	AttentionRow(nil)
	if len(shown) != 2 || !shown[0].Pass || shown[1].Pass {
		t.Errorf("shown %+v; want a PASS then a FAIL", shown)
	}
}
