package check

// Checks of lesson 8, "The showdown".

import (
	"fmt"
	"math"

	"github.com/seqlab/seqlab/display"
	"github.com/seqlab/seqlab/models/nn"
	"github.com/seqlab/seqlab/models/transformer"
)

// KVCacheBytes checks the exercise "kvCacheBytes": f(layers, T, B, D) must
// return the bytes of a transformer's KV cache after T positions of B
// sequences, a key and a value of D float64s per position, sequence and
// layer:
//
//	bytes = 2 · layers · T · B · D · 8
//
// It compares f with what transformer State.Bytes() reports after stepping
// real models of several shapes through T tokens, and with the formula for a
// long context. It shows the verdict as a *display.Check.
func KVCacheBytes(f func(layers, T, B, D int) int) {
	display.Show(kvCacheBytesCheck(f))
}

type kvCase struct{ layers, T, B, D int }

// kvCases are small enough to measure with a real model (the first three)
// and then a context as long as the memory plot's.
var kvCases = []kvCase{
	{layers: 3, T: 5, B: 1, D: 8},
	{layers: 1, T: 3, B: 3, D: 4},
	{layers: 2, T: 7, B: 2, D: 12},
	{layers: 2, T: 4096, B: 1, D: 64},
}

// kvMeasured steps a transformer of the case's shape through T tokens of B
// sequences and returns State.Bytes(), or -1 if the model cannot be built.
func kvMeasured(c kvCase) int {
	cfg := transformer.Config{Vocab: 3, D: c.D, Heads: 2, Layers: c.layers, FF: 4, MaxT: c.T}
	m, err := transformer.New(cfg, nn.NewRNG(1))
	if err != nil {
		return -1
	}
	s := m.NewState(c.B)
	tokens := make([]int, c.B)
	for t := 0; t < c.T; t++ {
		for b := range tokens {
			tokens[b] = (t + b) % 3
		}
		if _, err := m.Step(s, nn.TokenInput(c.B, 1, tokens)); err != nil {
			return -1
		}
	}
	return s.Bytes()
}

// kvFormula is 2 · layers · T · B · D · 8.
func kvFormula(c kvCase) int { return 2 * c.layers * c.T * c.B * c.D * 8 }

func kvCacheBytesCheck(f func(layers, T, B, D int) int) *display.Check {
	const name = "kvCacheBytes"
	const where = "kvCacheBytes: every layer keeps a key and a value (2·) of D float64s (8 bytes each) per position and sequence: 2 · layers · T · B · D · 8"
	if f == nil {
		return fail(name, "a function func(layers, T, B, D int) int", "nil", "pass your function: check.KVCacheBytes(kvCacheBytes)")
	}
	for i, c := range kvCases {
		want, how := kvFormula(c), "2 · layers · T · B · D · 8"
		if c.T <= 64 {
			want, how = kvMeasured(c), "what State.Bytes() reports after stepping such a model"
		}
		call := fmt.Sprintf("kvCacheBytes(layers=%d, T=%d, B=%d, D=%d)", c.layers, c.T, c.B, c.D)
		expected := fmt.Sprintf("%s = %d bytes (%s)%s", call, want, how, caseOf(i, len(kvCases)))
		var got int
		if msg := protect(func() { got = f(c.layers, c.T, c.B, c.D) }); msg != "" {
			return panicked(name, expected, msg, where)
		}
		if got == want {
			continue
		}
		return fail(name, expected, fmt.Sprintf("%d", got), kvMistake(c, got, where))
	}
	return pass(name)
}

// kvMistake names the usual mistake that gives got for case c.
func kvMistake(c kvCase, got int, where string) string {
	want := kvFormula(c)
	switch {
	case got == 0:
		return "your function still returns 0: replace the // TODO in kvCacheBytes with the formula"
	case got == want/16:
		return "that counts only the keys, and in float64 values rather than bytes: there is a value for every key (2·), and each float64 takes 8 bytes"
	case got == want/8:
		return "that is the number of float64 values, not bytes: each takes 8 bytes"
	case got == want/2:
		return "half the cache: a layer keeps a key AND a value per position (2·), each of D float64s of 8 bytes"
	case got == want/4:
		return "a quarter of the cache: count 2 (key and value) and 8 bytes per float64"
	case c.layers > 1 && got == want/c.layers:
		return "one layer's worth: every layer has its own keys and values, so multiply by layers"
	case c.B > 1 && got == want/c.B:
		return "one sequence's worth: each of the B sequences has its own cache, so multiply by B"
	case got == want*c.T:
		return "that grows as T²: the cache holds one key and one value per position, so it grows as T, not T² (T² is the attention weights of a whole-sequence Forward)"
	case got == want*c.D:
		return "D appears twice: a key is D numbers, so the cache is 2 · layers · T · B · D · 8, with D once"
	case got == 2*c.layers*(c.T+1)*c.B*c.D*8 || got == 2*c.layers*(c.T-1)*c.B*c.D*8:
		return "off by one position: after T positions the cache holds exactly T keys and T values per layer and sequence"
	case got < 0:
		return "a size is never negative: " + where
	}
	return where
}

// LogLogSlope checks the exercise "logLogSlope": f(xs, ys) must return the
// least-squares slope of log(ys) against log(xs), the exponent k of
// ys ≈ c·xs^k:
//
//	k = Σ (lxᵢ − mean lx)(lyᵢ − mean ly) / Σ (lxᵢ − mean lx)²,   lx = log x, ly = log y
//
// (any base of logarithm gives the same k). The cases are power laws with
// k = 1, 0 and 2 and measurements that are not on one straight line. It
// shows the verdict as a *display.Check.
func LogLogSlope(f func(xs, ys []float64) float64) {
	display.Show(logLogSlopeCheck(f))
}

type slopeCase struct{ xs, ys []float64 }

var slopeCases = []slopeCase{
	{xs: []float64{64, 128, 256, 512, 1024}, ys: []float64{192, 384, 768, 1536, 3072}}, // 3·T: k = 1
	{xs: []float64{10, 20, 40, 80}, ys: []float64{50, 200, 800, 3200}},                 // T²/2: k = 2
	{xs: []float64{64, 256, 1024, 4096}, ys: []float64{512, 512, 512, 512}},            // constant: k = 0
	{xs: []float64{1, 2, 4, 8, 16}, ys: []float64{1, 2.5, 3.5, 9, 15}},                 // not one straight line
	{xs: []float64{64, 128, 256, 512, 1024, 2048}, ys: []float64{7.1e6, 18.4e6, 52.3e6, 163e6, 599e6, 2.27e9}},
}

// slopeFit is the least-squares slope of g(ys) against h(xs).
func slopeFit(xs, ys []float64, h, g func(float64) float64) float64 {
	n := float64(len(xs))
	var mx, my float64
	for i := range xs {
		mx += h(xs[i])
		my += g(ys[i])
	}
	mx /= n
	my /= n
	var sxy, sxx float64
	for i := range xs {
		dx := h(xs[i]) - mx
		sxy += dx * (g(ys[i]) - my)
		sxx += dx * dx
	}
	return sxy / sxx
}

func slopeIdentity(v float64) float64 { return v }

// slopeRef is the reference: the least-squares slope on log-log axes.
func slopeRef(c slopeCase) float64 { return slopeFit(c.xs, c.ys, math.Log, math.Log) }

func logLogSlopeCheck(f func(xs, ys []float64) float64) *display.Check {
	const name = "logLogSlope"
	const where = "logLogSlope: take lx = log x and ly = log y of every point, then the least-squares slope Σ(lx − mean lx)(ly − mean ly) / Σ(lx − mean lx)²"
	if f == nil {
		return fail(name, "a function func(xs, ys []float64) float64", "nil", "pass your function: check.LogLogSlope(logLogSlope)")
	}
	for i, c := range slopeCases {
		want := slopeRef(c)
		call := fmt.Sprintf("logLogSlope(xs=%s, ys=%s)", nums(c.xs), nums(c.ys))
		expected := fmt.Sprintf("%s = %s%s", call, num(want), caseOf(i, len(slopeCases)))
		var got float64
		if msg := protect(func() { got = f(clone(c.xs), clone(c.ys)) }); msg != "" {
			return panicked(name, expected, msg, panicWhere(msg, fmt.Sprintf("logLogSlope of %d points: loop over i from 0 to len(xs)−1", len(c.xs)), where))
		}
		if near(got, want) {
			continue
		}
		w, g := numPair(want, got)
		return fail(name, fmt.Sprintf("%s = %s%s", call, w, caseOf(i, len(slopeCases))), g, slopeMistake(c, got, where))
	}
	return pass(name)
}

// slopeMistake names the usual mistake that gives got for case c.
func slopeMistake(c slopeCase, got float64, where string) string {
	n := len(c.xs)
	lx0, lx1 := math.Log(c.xs[0]), math.Log(c.xs[n-1])
	ly0, ly1 := math.Log(c.ys[0]), math.Log(c.ys[n-1])
	want := slopeRef(c)
	switch {
	case notFinite(got) != "":
		return notFinite(got) + "; " + where
	case got == 0:
		return "your function still returns 0: replace the // TODO in logLogSlope with the least-squares slope of log y against log x"
	case near(got, slopeFit(c.xs, c.ys, slopeIdentity, slopeIdentity)):
		return "that is the slope on linear axes: take the logarithm of every x and every y first"
	case near(got, slopeFit(c.xs, c.ys, slopeIdentity, math.Log)):
		return "only y was put on a log scale: take the logarithm of x too"
	case near(got, slopeFit(c.xs, c.ys, math.Log, slopeIdentity)):
		return "only x was put on a log scale: take the logarithm of y too"
	case near(got, (ly1-ly0)/(lx1-lx0)):
		return "that is the slope between the first and the last point; fit all the points: Σ(lx − mean lx)(ly − mean ly) / Σ(lx − mean lx)²"
	case near(got, slopeFit(c.ys, c.xs, math.Log, math.Log)):
		return "x and y are swapped: the slope is how log y changes per unit of log x, Σ(dx·dy) / Σ(dx²) with dx from x"
	case near(got, -want):
		return "the sign is wrong: a curve that rises has a positive slope"
	}
	return where
}
