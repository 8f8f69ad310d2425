package vmath

import "math"

// Tanh sets dst[i] = tanh(x[i]) for i < len(dst). It panics if len(x) <
// len(dst). dst may be x itself, but must not otherwise overlap it.
//
// It is math.Tanh's algorithm (Cephes), four at a time on amd64 with AVX2
// and FMA: for |x| < 0.625, the same rational function as math.Tanh; above,
// 1 − 2/(e^(2|x|) + 1) with the sign of x, the exponential computed as Exp
// computes it (of min(2|x|, 100): the result is exactly ±1 from |x| =
// 44.01… on, as math.Tanh's). It is within 2 ulp of math.Tanh, and the
// assembly and the Go code agree bit for bit. Special cases are as for
// math.Tanh:
//
//	Tanh(±0) = ±0
//	Tanh(±Inf) = ±1
//	Tanh(NaN) = NaN (x[i] itself)
func Tanh(dst, x []float64) {
	x = x[:len(dst)]
	i := tanhBlocks(dst, x)
	if !useAsm {
		// Exponentials a chunk at a time, then the rest.
		var e [tanhChunk]float64
		for ; i < len(dst); i += tanhChunk {
			xs, ds := x[i:min(i+tanhChunk, len(x))], dst[i:min(i+tanhChunk, len(dst))]
			for j, v := range xs {
				e[j] = min(2*math.Abs(v), tanhClamp)
			}
			Exp(e[:len(xs)], e[:len(xs)])
			for j, v := range xs {
				ds[j] = tanhFrom(v, e[j])
			}
		}
		return
	}
	for ; i < len(dst); i++ {
		dst[i] = tanhFrom(x[i], exp(min(2*math.Abs(x[i]), tanhClamp)))
	}
}

const (
	// tanhChunk is how many exponentials the Go code takes at a time, in a
	// buffer on the stack.
	tanhChunk = 256
	// tanhClamp bounds the argument of the exponential: beyond it (and
	// from 2|x| = 88.03… on) 1 − 2/(e + 1) rounds to 1.
	tanhClamp = 100
)

// tanhFrom is tanh(x) given e = e^min(2|x|, 100). With z = |x|, s = z²:
//
//	z < 0.625:  z + z·s·P(s)/Q(s)   (math.Tanh's rational function)
//	z ≥ 0.625:  1 − 2/(e + 1)
//
// given the sign of x (each form is odd). Products are converted with
// float64() so that no compiler fuses them into multiply-adds: the result
// is then the same on every architecture, and the same as the assembly's.
func tanhFrom(x, e float64) float64 {
	if x != x {
		return x
	}
	z := math.Abs(x)
	var r float64
	if z < 0.625 {
		s := float64(z * z)
		p := float64(float64(float64(tanhP0*s)+tanhP1)*s) + tanhP2
		q := float64(float64(float64(s+tanhQ0)*s)+tanhQ1)*s + tanhQ2
		r = z + float64(float64(z*s)*p)/q
	} else {
		r = 1 - 2/(e+1)
	}
	return math.Copysign(r, x)
}

// The coefficients of math.Tanh's rational function for |x| < 0.625.
const (
	tanhP0 = -9.64399179425052238628e-1
	tanhP1 = -9.92877231001918586564e1
	tanhP2 = -1.61468768441708447952e3
	tanhQ0 = 1.12811678491632931402e2
	tanhQ1 = 2.23548839060100448583e3
	tanhQ2 = 4.84406305325125486048e3
)
