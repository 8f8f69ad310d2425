package vmath

import (
	"math"
	"math/rand/v2"
	"testing"
)

// y0 is a second operand for Add: x reversed, scaled.
func y0(x []float64) []float64 {
	y := make([]float64, len(x))
	for i, v := range x {
		y[len(x)-1-i] = v * 0.37
	}
	return y
}

// TestMaxScale checks Max, Scale and Add against plain loops for every length up
// to 40 (whole and partial groups), with NaNs, infinities and the maximum at
// every position, with the assembly and without.
func TestMaxScale(t *testing.T) {
	check := func(t *testing.T) {
		rng := rand.New(rand.NewPCG(41, 42))
		for n := 0; n <= 40; n++ {
			for trial := range 20 {
				x := make([]float64, n)
				for i := range x {
					x[i] = rng.NormFloat64() * 10
					switch rng.IntN(12) {
					case 0:
						x[i] = math.NaN()
					case 1:
						x[i] = math.Inf(-1)
					}
				}
				if n > 0 && trial%4 == 0 {
					x[trial%n] = 1e300 // the maximum anywhere
				}
				want := math.Inf(-1)
				for _, v := range x {
					if v > want {
						want = v
					}
				}
				if got := Max(x); got != want {
					t.Fatalf("Max(%v) = %v; want %v", x, got, want)
				}
				z := append([]float64(nil), x...)
				Add(z, y0(x))
				for i := range x {
					if w := x[i] + y0(x)[i]; !sameSum(z[i], w) {
						t.Fatalf("Add: x[%d] = %v + %v gave %v; want %v", i, x[i], y0(x)[i], z[i], w)
					}
				}
				s := rng.NormFloat64()
				y := append([]float64(nil), x...)
				Scale(y, s)
				for i := range x {
					if w := x[i] * s; !sameSum(y[i], w) {
						t.Fatalf("Scale: x[%d] = %v · %v gave %v; want %v", i, x[i], s, y[i], w)
					}
				}
			}
		}
		if got := Max([]float64{math.NaN(), math.NaN()}); !math.IsInf(got, -1) {
			t.Errorf("Max(NaN, NaN) = %v; want -Inf", got)
		}
	}
	t.Run("asm", check)
	withGo(func() { t.Run("go", check) })
}
