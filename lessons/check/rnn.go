package check

// Checks of lesson 3, "Sequences and the RNN".

import (
	"fmt"
	"math"
	"strings"

	"github.com/seqlab/seqlab/display"
	"github.com/seqlab/seqlab/models/nn"
)

// RNNStep checks the exercise "rnnStep": f(W, U, b, x, h) must return the
// next hidden state of an RNN, h'ᵢ = tanh(Σⱼ W[i][j]·x[j] + Σⱼ U[i][j]·h[j]
// + b[i]) for every i, as a slice of len(h) values. W has one row per hidden
// unit and one column per input value, U is square (H×H), and b is the sum
// of PyTorch's two biases b_ih + b_hh. It shows the verdict as a
// *display.Check.
func RNNStep(f func(W, U [][]float64, b, x, h []float64) []float64) {
	display.Show(rnnStepCheck(f))
}

type rnnStepCase struct {
	W, U [][]float64
	b, x []float64
	h    []float64
}

var rnnStepCases = []rnnStepCase{
	{ // H = 2, In = 3
		W: [][]float64{{0.5, -0.2, 0.1}, {0.3, 0.8, -0.5}},
		U: [][]float64{{0.4, -0.6}, {0.2, 0.7}},
		b: []float64{0.1, -0.3}, x: []float64{1, 0.5, -1}, h: []float64{0.2, -0.4},
	},
	{ // H = 3, In = 2, from h₀ = 0
		W: [][]float64{{1, -1}, {0.5, 0.25}, {-0.3, 0.6}},
		U: [][]float64{{0.1, 0.2, 0.3}, {-0.2, 0.1, 0}, {0.4, -0.1, 0.2}},
		b: []float64{0, 0.2, -0.1}, x: []float64{0.6, -0.4}, h: []float64{0, 0, 0},
	},
	{ // H = 2, In = 2: square W, so a transposed W shows
		W: [][]float64{{0.9, -0.3}, {0.6, 0.2}},
		U: [][]float64{{0.5, 0.8}, {-0.7, 0.1}},
		b: []float64{-0.2, 0.3}, x: []float64{0.7, -1.2}, h: []float64{0.6, 0.3},
	},
	{ // H = 2, In = 1: a large input saturates tanh
		W: [][]float64{{3}, {-2}},
		U: [][]float64{{0.5, -0.5}, {0.25, 1}},
		b: []float64{0.5, 0.1}, x: []float64{2}, h: []float64{-0.9, 0.8},
	},
}

// rnnStepRef is the reference step; act is the nonlinearity, and the
// switches leave out a term or transpose a matrix, to name mistakes.
func rnnStepRef(c rnnStepCase, act func(float64) float64, useW, useU, useB, transW, transU bool) []float64 {
	H := len(c.h)
	out := make([]float64, H)
	for i := 0; i < H; i++ {
		z := 0.0
		if useW {
			for j := range c.x {
				if transW {
					if j >= len(c.W) || i >= len(c.W[j]) {
						return nil
					}
					z += c.W[j][i] * c.x[j]
				} else {
					z += c.W[i][j] * c.x[j]
				}
			}
		}
		if useU {
			for j := range c.h {
				if transU {
					z += c.U[j][i] * c.h[j]
				} else {
					z += c.U[i][j] * c.h[j]
				}
			}
		}
		if useB {
			z += c.b[i]
		}
		out[i] = act(z)
	}
	return out
}

func rnnIdentity(z float64) float64 { return z }

func (c rnnStepCase) want() []float64 {
	return rnnStepRef(c, math.Tanh, true, true, true, false, false)
}

// rnnMatrixText formats a matrix as [[a b] [c d]].
func rnnMatrixText(m [][]float64) string {
	rows := make([]string, len(m))
	for i, r := range m {
		rows[i] = nums(r)
	}
	return "[" + strings.Join(rows, " ") + "]"
}

// rnnCloneMatrix copies m so that the learner's function cannot change a case.
func rnnCloneMatrix(m [][]float64) [][]float64 {
	out := make([][]float64, len(m))
	for i, r := range m {
		out[i] = clone(r)
	}
	return out
}

func rnnStepCheck(f func(W, U [][]float64, b, x, h []float64) []float64) *display.Check {
	const name = "rnnStep"
	const where = "rnnStep: for each unit i, z := b[i] + Σⱼ W[i][j]·x[j] + Σⱼ U[i][j]·h[j], then the new h[i] is math.Tanh(z)"
	if f == nil {
		return fail(name, "a function func(W, U [][]float64, b, x, h []float64) []float64", "nil", "pass your function: check.RNNStep(rnnStep)")
	}
	for i, c := range rnnStepCases {
		want := c.want()
		call := fmt.Sprintf("rnnStep(W=%s, U=%s, b=%s, x=%s, h=%s)", rnnMatrixText(c.W), rnnMatrixText(c.U), nums(c.b), nums(c.x), nums(c.h))
		expected := fmt.Sprintf("%s = %s%s", call, nums(want), caseOf(i, len(rnnStepCases)))
		var got []float64
		if msg := protect(func() { got = f(rnnCloneMatrix(c.W), rnnCloneMatrix(c.U), clone(c.b), clone(c.x), clone(c.h)) }); msg != "" {
			return panicked(name, expected, msg, panicWhere(msg,
				fmt.Sprintf("here H = %d and the input has %d values: W[i] has %d values (one per input), U[i] has %d (one per hidden unit), for i from 0 to %d", len(c.h), len(c.x), len(c.x), len(c.h), len(c.h)-1),
				where))
		}
		switch {
		case got == nil:
			return fail(name, expected, "nil", "rnnStep returns no slice: return the new hidden state, one value per hidden unit")
		case len(got) != len(want):
			return fail(name, expected, fmt.Sprintf("%s (%d values)", nums(got), len(got)),
				fmt.Sprintf("the new state has one value per hidden unit, len(h) = %d; yours has %d (W has one row per hidden unit)", len(want), len(got)))
		case closeAll(got, want):
			continue
		}
		w, g := numsPair(want, got)
		return fail(name, fmt.Sprintf("%s = %s%s", call, w, caseOf(i, len(rnnStepCases))), g, rnnStepMistake(c, got, where))
	}
	return pass(name)
}

// rnnStepMistake names the usual mistake that gives got for case c, if one
// does; got has the right length.
func rnnStepMistake(c rnnStepCase, got []float64, where string) string {
	ref := func(act func(float64) float64, useW, useU, useB, transW, transU bool) []float64 {
		return rnnStepRef(c, act, useW, useU, useB, transW, transU)
	}
	hIsZero := true
	for _, v := range c.h {
		hIsZero = hIsZero && v == 0
	}
	for _, v := range got {
		if s := notFinite(v); s != "" {
			return s + "; " + where
		}
	}
	switch {
	case closeAll(got, c.h):
		return "your function returns h unchanged: the state never moves; replace the // TODO in rnnStep"
	case closeAll(got, ref(rnnIdentity, true, true, true, false, false)):
		return "that is the sum before the nonlinearity: pass each z through math.Tanh"
	case closeAll(got, ref(nn.Sigmoid, true, true, true, false, false)):
		return "that is the sigmoid of the sum; an RNN's hidden state uses tanh: math.Tanh(z)"
	case !hIsZero && closeAll(got, ref(math.Tanh, true, false, true, false, false)):
		return "the previous state h is left out: add Σⱼ U[i][j]·h[j], which is how the RNN remembers"
	case closeAll(got, ref(math.Tanh, false, true, true, false, false)):
		return "the input x is left out: add Σⱼ W[i][j]·x[j]"
	case closeAll(got, ref(math.Tanh, true, true, false, false, false)):
		return "the bias is missing: add b[i] to unit i's sum before math.Tanh"
	case len(c.W) == len(c.x) && closeAll(got, ref(math.Tanh, true, true, true, true, false)):
		return "W is used transposed: unit i's input weights are row W[i], so the term is W[i][j]·x[j]"
	case !hIsZero && closeAll(got, ref(math.Tanh, true, true, true, false, true)):
		return "U is used transposed: unit i's recurrent weights are row U[i], so the term is U[i][j]·h[j]"
	}
	return where
}

// Unroll checks the exercise "unroll": f(W, U, b, xs) must run the RNN step
// over the inputs xs[0], xs[1], … from the zero state h₀ and return every
// state h₁ … h_T, one slice per input, each its own slice. step is the
// learner's rnnStep, which unroll is meant to call: if it does not pass its
// own check, the verdict says to fix it first. It shows the verdict as a
// *display.Check.
func Unroll(f func(W, U [][]float64, b []float64, xs [][]float64) [][]float64, step func(W, U [][]float64, b, x, h []float64) []float64) {
	display.Show(unrollCheck(f, step))
}

type unrollCase struct {
	W, U [][]float64
	b    []float64
	xs   [][]float64
}

var unrollCases = []unrollCase{
	{ // H = 2, In = 2, T = 3
		W:  [][]float64{{0.8, -0.4}, {0.3, 0.9}},
		U:  [][]float64{{0.5, -0.6}, {0.7, 0.2}},
		b:  []float64{0.1, -0.2},
		xs: [][]float64{{1, 0}, {0, 1}, {-0.5, 0.5}},
	},
	{ // H = 3, In = 1, T = 5
		W:  [][]float64{{1}, {-0.5}, {0.25}},
		U:  [][]float64{{0.3, -0.2, 0.5}, {0.6, 0.1, -0.4}, {-0.3, 0.8, 0.2}},
		b:  []float64{0, 0.1, -0.1},
		xs: [][]float64{{1}, {0}, {0}, {-1}, {0.5}},
	},
	{ // H = 2, In = 3, T = 1
		W:  [][]float64{{0.2, 0.4, -0.6}, {-0.1, 0.3, 0.5}},
		U:  [][]float64{{1, 0}, {0, 1}},
		b:  []float64{0.05, 0},
		xs: [][]float64{{1, 2, 3}},
	},
}

func (c unrollCase) step(x, h []float64) []float64 {
	return rnnStepCase{W: c.W, U: c.U, b: c.b, x: x, h: h}.want()
}

// states unrolls the reference step over xs from h0.
func (c unrollCase) states(xs [][]float64) [][]float64 {
	h := make([]float64, len(c.b))
	var out [][]float64
	for _, x := range xs {
		h = c.step(x, h)
		out = append(out, h)
	}
	return out
}

func rnnMatrixClose(got, want [][]float64) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if !closeAll(got[i], want[i]) {
			return false
		}
	}
	return true
}

func unrollCheck(f func(W, U [][]float64, b []float64, xs [][]float64) [][]float64, step func(W, U [][]float64, b, x, h []float64) []float64) *display.Check {
	const name = "unroll"
	const where = "unroll: start from h := make([]float64, len(b)), then for each x in xs: h = rnnStep(W, U, b, x, h) and append h to the states"
	if f == nil {
		return fail(name, "a function func(W, U [][]float64, b []float64, xs [][]float64) [][]float64", "nil", "pass your functions: check.Unroll(unroll, rnnStep)")
	}
	stepOK := step != nil && rnnStepCheck(step).Pass
	for i, c := range unrollCases {
		want := c.states(c.xs)
		call := fmt.Sprintf("unroll(W=%s, U=%s, b=%s, xs=%s)", rnnMatrixText(c.W), rnnMatrixText(c.U), nums(c.b), rnnMatrixText(c.xs))
		expected := fmt.Sprintf("%s = %s (h₁ … %s)%s", call, rnnMatrixText(want), rnnState(len(want)), caseOf(i, len(unrollCases)))
		var got [][]float64
		if msg := protect(func() { got = f(rnnCloneMatrix(c.W), rnnCloneMatrix(c.U), clone(c.b), rnnCloneMatrix(c.xs)) }); msg != "" {
			w := where
			if !stepOK {
				w = "unroll calls rnnStep, which does not pass its check yet: fix rnnStep first (the exercise above), run its cell, then this one"
			}
			return panicked(name, expected, msg, panicWhere(msg,
				fmt.Sprintf("here there are %d inputs and H = %d: one rnnStep per input, and the state h has len(b) = %d values", len(c.xs), len(c.b), len(c.b)),
				w))
		}
		if rnnMatrixClose(got, want) {
			continue
		}
		if got == nil {
			w := "unroll returns no states: return one state per input, h₁ … h_T"
			if !stepOK {
				w += "; and fix rnnStep (the exercise above) first: it does not pass its check yet"
			}
			return fail(name, expected, "nil", w)
		}
		return fail(name, expected, unrollGot(got), unrollMistake(c, got, stepOK, where))
	}
	if !stepOK {
		// unroll is right with the reference step, yet the learner's
		// rnnStep is wrong: unroll does not use it.
		return fail(name, "unroll to run your rnnStep, which must pass its own check",
			"your unroll gives the right states, but rnnStep does not pass its check",
			"fix rnnStep (the exercise above) and run its cell, then this one")
	}
	return pass(name)
}

// rnnState names the state after step t: h₁, h₂, …, h₁₂.
func rnnState(t int) string {
	const digits = "₀₁₂₃₄₅₆₇₈₉"
	sub := []rune(digits)
	var b strings.Builder
	b.WriteString("h")
	for _, c := range fmt.Sprint(t) {
		if c >= '0' && c <= '9' {
			b.WriteRune(sub[c-'0'])
		} else {
			b.WriteRune(c)
		}
	}
	return b.String()
}

func unrollGot(got [][]float64) string {
	s := rnnMatrixText(got)
	if len(got) != 1 {
		return fmt.Sprintf("%s (%d states)", s, len(got))
	}
	return s + " (1 state)"
}

// unrollMistake names the usual mistake that gives got for case c.
func unrollMistake(c unrollCase, got [][]float64, stepOK bool, where string) string {
	want := c.states(c.xs)
	T := len(c.xs)
	h0 := make([]float64, len(c.b))
	for _, row := range got {
		for _, v := range row {
			if s := notFinite(v); s != "" {
				return s + "; " + where
			}
		}
	}
	fromZero := make([][]float64, T)
	for t, x := range c.xs {
		fromZero[t] = c.step(x, h0)
	}
	reversed := make([][]float64, T)
	for t := range c.xs {
		reversed[t] = c.xs[T-1-t]
	}
	lastRepeated := make([][]float64, T)
	for t := range lastRepeated {
		lastRepeated[t] = want[T-1]
	}
	switch {
	case !stepOK:
		return "unroll calls rnnStep, which does not pass its check yet: fix rnnStep first (the exercise above), run its cell, then this one"
	case len(got) == 0:
		return "unroll returns no states: return one state per input, h₁ … h_T"
	case len(got) == T+1 && rnnMatrixClose(got[1:], want):
		return "the first state is h₀ = 0, which the RNN starts from: return only the states after each input, h₁ … h_T"
	case len(got) == 1 && T > 1 && closeAll(got[0], want[T-1]):
		return fmt.Sprintf("that is only the last state %s: append the state after every input, h₁ … %s", rnnState(T), rnnState(T))
	case len(got) != T:
		return fmt.Sprintf("there must be one state per input: %d inputs, %d states", T, len(got))
	case T > 1 && rnnMatrixClose(got, fromZero):
		return "every step starts again from h₀ = 0: pass the state of the previous step to rnnStep, h = rnnStep(W, U, b, x, h)"
	case T > 1 && rnnMatrixClose(got, lastRepeated):
		return "every state is the last one: the states share one slice that each step overwrites; append a fresh slice each step (rnnStep's result, or a copy of h)"
	case T > 1 && rnnMatrixClose(got, c.states(reversed)):
		return "the inputs were read backwards: an RNN reads xs[0] first"
	}
	for t := range got {
		if !closeAll(got[t], want[t]) {
			return fmt.Sprintf("state %s is the first that differs (expected %s): %s", rnnState(t+1), nums(want[t]), where)
		}
	}
	return where
}
