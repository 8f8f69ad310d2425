package check

import (
	"math"
	"testing"

	"github.com/seqlab/seqlab/display"
)

func kvCaseOf(desc string, pass bool, got, where string, f func(layers, T, B, D int) int) verdictCase {
	return verdictCase{desc: desc, pass: pass, got: got, where: where, checkFunc: func() *display.Check { return kvCacheBytesCheck(f) }}
}

// TestKVCacheFormula: the formula the check states is what the model
// measures, for every case small enough to measure and a few more.
func TestKVCacheFormula(t *testing.T) {
	cases := append([]kvCase{{layers: 1, T: 1, B: 1, D: 2}, {layers: 4, T: 20, B: 2, D: 16}}, kvCases...)
	for _, c := range cases {
		if c.T > 64 {
			continue
		}
		if got, want := kvMeasured(c), kvFormula(c); got != want {
			t.Errorf("%+v: State.Bytes() = %d; formula %d", c, got, want)
		}
	}
}

func TestKVCacheBytes(t *testing.T) {
	right := func(layers, T, B, D int) int { return 2 * layers * T * B * D * 8 }
	testVerdicts(t, "kvCacheBytes", []verdictCase{
		kvCaseOf("correct", true, "", "", right),
		kvCaseOf("correct, in another order", true, "", "", func(layers, T, B, D int) int { return D * 8 * B * T * layers * 2 }),
		kvCaseOf("stub", false, "0", "still returns 0", func(layers, T, B, D int) int { return 0 }),
		kvCaseOf("keys only", false, "960", "AND a value", func(layers, T, B, D int) int { return layers * T * B * D * 8 }),
		kvCaseOf("values not bytes", false, "240", "not bytes", func(layers, T, B, D int) int { return 2 * layers * T * B * D }),
		kvCaseOf("neither", false, "120", "only the keys", func(layers, T, B, D int) int { return layers * T * B * D }),
		kvCaseOf("float32", false, "960", "8 bytes", func(layers, T, B, D int) int { return 2 * layers * T * B * D * 4 }),
		kvCaseOf("no layers", false, "640", "multiply by layers", func(layers, T, B, D int) int { return 2 * T * B * D * 8 }),
		kvCaseOf("no batch", false, "192", "each of the B sequences", func(layers, T, B, D int) int { return 2 * layers * T * D * 8 }),
		kvCaseOf("T squared", false, "9600", "grows as T²", func(layers, T, B, D int) int { return 2 * layers * T * T * B * D * 8 }),
		kvCaseOf("D squared", false, "15360", "D appears twice", func(layers, T, B, D int) int { return 2 * layers * T * B * D * D * 8 }),
		kvCaseOf("off by one", false, "2304", "off by one", func(layers, T, B, D int) int { return 2 * layers * (T + 1) * B * D * 8 }),
		kvCaseOf("negative", false, "-1920", "never negative", func(layers, T, B, D int) int { return -right(layers, T, B, D) }),
		kvCaseOf("panic", false, "your function panicked: no", "2 · layers", func(layers, T, B, D int) int { panic("no") }),
		kvCaseOf("right for small T only", false, "8388607", "2 · layers · T · B · D · 8", func(layers, T, B, D int) int {
			if T > 100 {
				return right(layers, T, B, D) - 1
			}
			return right(layers, T, B, D)
		}),
		kvCaseOf("nil", false, "nil", "check.KVCacheBytes(kvCacheBytes)", nil),
	})
}

func slopeCaseOf(desc string, pass bool, got, where string, f func(xs, ys []float64) float64) verdictCase {
	return verdictCase{desc: desc, pass: pass, got: got, where: where, checkFunc: func() *display.Check { return logLogSlopeCheck(f) }}
}

// slopeWith is a learner's implementation with the given transforms, as
// the mistakes make them.
func slopeWith(h, g func(float64) float64) func(xs, ys []float64) float64 {
	return func(xs, ys []float64) float64 {
		n := float64(len(xs))
		var sx, sy, sxy, sxx float64
		for i := range xs {
			x, y := h(xs[i]), g(ys[i])
			sx += x
			sy += y
			sxy += x * y
			sxx += x * x
		}
		return (n*sxy - sx*sy) / (n*sxx - sx*sx)
	}
}

func TestLogLogSlopeRef(t *testing.T) {
	for i, want := range []float64{1, 2, 0} {
		if got := slopeRef(slopeCases[i]); math.Abs(got-want) > 1e-12 {
			t.Errorf("case %d: slope %v; want %v", i, got, want)
		}
	}
}

func TestLogLogSlope(t *testing.T) {
	testVerdicts(t, "logLogSlope", []verdictCase{
		slopeCaseOf("correct, as Σx, Σy, Σxy, Σx²", true, "", "", slopeWith(math.Log, math.Log)),
		slopeCaseOf("correct, base 2", true, "", "", slopeWith(math.Log2, math.Log2)),
		slopeCaseOf("correct, centred, and it scribbles on its inputs", true, "", "", func(xs, ys []float64) float64 {
			k := slopeFit(xs, ys, math.Log10, math.Log10)
			for i := range xs {
				xs[i], ys[i] = -1, -1
			}
			return k
		}),
		slopeCaseOf("stub", false, "0", "still returns 0", func(xs, ys []float64) float64 { return 0 }),
		slopeCaseOf("linear axes", false, "3", "linear axes", slopeWith(slopeIdentity, slopeIdentity)),
		slopeCaseOf("log y only", false, "0.00", "take the logarithm of x too", slopeWith(slopeIdentity, math.Log)),
		slopeCaseOf("log x only", false, "", "take the logarithm of y too", slopeWith(math.Log, slopeIdentity)),
		slopeCaseOf("endpoints", false, "0.976", "first and the last point", func(xs, ys []float64) float64 {
			n := len(xs)
			return math.Log(ys[n-1]/ys[0]) / math.Log(xs[n-1]/xs[0])
		}),
		slopeCaseOf("swapped", false, "", "swapped", func(xs, ys []float64) float64 { return slopeFit(ys, xs, math.Log, math.Log) }),
		slopeCaseOf("sign", false, "-1", "sign is wrong", func(xs, ys []float64) float64 { return -slopeFit(xs, ys, math.Log, math.Log) }),
		slopeCaseOf("NaN", false, "NaN", "0/0", func(xs, ys []float64) float64 { return math.NaN() }),
		slopeCaseOf("index out of range", false, "your function panicked", "loop over i from 0", func(xs, ys []float64) float64 {
			return xs[len(xs)]
		}),
		slopeCaseOf("nil", false, "nil", "check.LogLogSlope(logLogSlope)", nil),
	})
}

// TestShowdownShow: the exported checks show their verdicts.
func TestShowdownShow(t *testing.T) {
	var shown []*display.Check
	restore := display.SetSink(func(v display.Value) {
		if c, ok := v.(*display.Check); ok {
			shown = append(shown, c)
			return
		}
		t.Errorf("shown a %T; want a *display.Check", v)
	})
	defer restore()
	KVCacheBytes(func(layers, T, B, D int) int { return 2 * layers * T * B * D * 8 })
	LogLogSlope(nil)
	if len(shown) != 2 || shown[0].Exercise != "kvCacheBytes" || !shown[0].Pass || shown[1].Exercise != "logLogSlope" || shown[1].Pass {
		t.Errorf("shown %+v; want kvCacheBytes PASS, logLogSlope FAIL", shown)
	}
}
