package check

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/seqlab/seqlab/display"
)

// tolerance is how far a learner's number may be from the expected one:
// relative to the expected value, absolute below 1. Summing in a different
// order moves the last bits, a wrong formula moves far more.
const tolerance = 1e-9

// near reports whether got is within tolerance of want. NaN is never close,
// infinities only to themselves.
func near(got, want float64) bool {
	if math.IsNaN(got) || math.IsNaN(want) {
		return false
	}
	if math.IsInf(got, 0) || math.IsInf(want, 0) {
		return got == want
	}
	return math.Abs(got-want) <= tolerance*math.Max(1, math.Abs(want))
}

// closeAll reports whether got and want have the same length and are close
// element by element.
func closeAll(got, want []float64) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if !near(got[i], want[i]) {
			return false
		}
	}
	return true
}

// protect calls f and turns a panic into the text of its value; it returns
// "" when f returned normally. Panics in interpreted code arrive here like
// any other Go panic.
func protect(f func()) (panicked string) {
	defer func() {
		if r := recover(); r != nil {
			panicked = fmt.Sprint(r)
			if panicked == "" {
				panicked = fmt.Sprintf("%#v", r)
			}
		}
	}()
	f()
	return ""
}

// num formats a number briefly (6 significant digits).
func num(v float64) string {
	return strconv.FormatFloat(v, 'g', 6, 64)
}

// nums formats a slice like fmt's %v does, each number with num.
func nums(v []float64) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = num(x)
	}
	return "[" + strings.Join(parts, " ") + "]"
}

// numPair formats want and got so that they read differently whenever they
// are: briefly if that tells them apart, in full otherwise.
func numPair(want, got float64) (string, string) {
	w, g := num(want), num(got)
	if w == g && want != got {
		w, g = strconv.FormatFloat(want, 'g', -1, 64), strconv.FormatFloat(got, 'g', -1, 64)
	}
	return w, g
}

// numsPair is numPair for slices.
func numsPair(want, got []float64) (string, string) {
	w, g := nums(want), nums(got)
	if w == g {
		full := func(v []float64) string {
			parts := make([]string, len(v))
			for i, x := range v {
				parts[i] = strconv.FormatFloat(x, 'g', -1, 64)
			}
			return "[" + strings.Join(parts, " ") + "]"
		}
		w, g = full(want), full(got)
	}
	return w, g
}

// notFinite explains a NaN or an infinity, or returns "" for a finite v.
func notFinite(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN (not a number) usually comes from 0/0, Inf−Inf, or math.Sqrt or math.Log of a negative number"
	case math.IsInf(v, 0):
		return "an infinity usually comes from dividing by zero or from math.Exp of a large number"
	}
	return ""
}

func pass(exercise string) *display.Check {
	return &display.Check{Exercise: exercise, Pass: true}
}

func fail(exercise, expected, got, where string) *display.Check {
	return &display.Check{Exercise: exercise, Expected: expected, Got: got, Where: where}
}

// panicked is the verdict when the learner's function panicked.
func panicked(exercise, expected, msg, where string) *display.Check {
	return fail(exercise, expected, "your function panicked: "+msg, where)
}

// panicWhere says where to look after a panic: at the indexing for an
// index out of range, else at the exercise's formula.
func panicWhere(msg, indexing, formula string) string {
	if strings.Contains(msg, "index out of range") || strings.Contains(msg, "slice index") || strings.Contains(msg, "out of bounds") {
		return indexing
	}
	return formula
}

// clone copies v so that the learner's function cannot change a case.
func clone(v []float64) []float64 {
	if v == nil {
		return nil
	}
	return append([]float64(nil), v...)
}

// dot is Σ w[i]·x[i] over the first n elements.
func dot(w, x []float64, n int) float64 {
	s := 0.0
	for i := 0; i < n; i++ {
		s += w[i] * x[i]
	}
	return s
}

// caseOf says which of n cases failed, when there are several.
func caseOf(i, n int) string {
	if n <= 1 {
		return ""
	}
	return fmt.Sprintf(" (case %d of %d)", i+1, n)
}
