package vmath

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"
)

// TestTanh checks Tanh against math.Tanh: the same bits below |x| = 0.625
// and on the special values, within 2 ulp elsewhere, over random inputs of
// every magnitude that matters, with the assembly exponential and without.
func TestTanh(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	x := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), math.NaN(), 0.625, -0.625,
		math.Nextafter(0.625, 0), 44.014845965556525, 44.0148459655565, 45, -45, 1e300, -1e300, 5e-324, -5e-324, 1e-10}
	for range 200000 {
		v := math.Ldexp(rng.Float64(), rng.IntN(12)-8) // |x| up to 16
		if rng.IntN(2) == 0 {
			v = -v
		}
		x = append(x, v)
	}
	results := map[string][]float64{}
	check := func(t *testing.T) {
		got := make([]float64, len(x))
		defer func() { results[t.Name()] = got }()
		Tanh(got, x)
		worst := uint64(0)
		for i, v := range x {
			want := math.Tanh(v)
			switch {
			case math.IsNaN(want):
				if !math.IsNaN(got[i]) {
					t.Fatalf("Tanh(%v) = %v; want NaN", v, got[i])
				}
			case (math.Abs(v) < 0.625 && runtime.GOARCH == "amd64") || math.IsInf(v, 0) || math.Abs(v) > 44.1:
				// (Elsewhere the compiler may fuse math.Tanh's products.)
				if math.Float64bits(got[i]) != math.Float64bits(want) {
					t.Fatalf("Tanh(%v) = %v; want %v bit for bit", v, got[i], want)
				}
			default:
				if d := ulpDist(got[i], want); d > 2 {
					t.Fatalf("Tanh(%v) = %v; math.Tanh %v: %d ulp apart", v, got[i], want, d)
				} else {
					worst = max(worst, d)
				}
			}
		}
		t.Logf("%d inputs, at most %d ulp from math.Tanh", len(x), worst)
		// In place, and lengths that are not whole chunks.
		in := append([]float64(nil), x[:1003]...)
		Tanh(in, in)
		for i := range in {
			if !sameSum(in[i], got[i]) {
				t.Fatalf("in place: Tanh(%v) = %v, not %v", x[i], in[i], got[i])
			}
		}
	}
	t.Run("asm", check)
	withGo(func() { t.Run("go", check) })
	asm, goRes := results["TestTanh/asm"], results["TestTanh/go"]
	if len(asm) != len(x) || len(goRes) != len(x) {
		t.Fatalf("results of %d and %d inputs; want %d", len(asm), len(goRes), len(x))
	}
	for i := range asm {
		if !sameSum(asm[i], goRes[i]) {
			t.Fatalf("Tanh(%v): %v with the assembly, %v with the Go code", x[i], asm[i], goRes[i])
		}
	}
}
