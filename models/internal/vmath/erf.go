package vmath

import "math"

// Erf sets dst[i] = erf(x[i]) for i < len(dst), the error function
// 2/√π·∫₀^x e^(-t²) dt. It panics if len(x) < len(dst). dst may be x itself,
// but must not otherwise overlap it.
//
// Special cases are as for math.Erf:
//
//	Erf(±0) = ±0
//	Erf(±Inf) = ±1
//	Erf(NaN) = NaN (x[i] itself)
//
// The error is below 1 ulp.
func Erf(dst, x []float64) {
	x = x[:len(dst)]
	i := erfBlocks(dst, x)
	for ; i < len(dst); i++ {
		dst[i] = erf(x[i])
	}
}

// The algorithm of erf, which vmath_amd64.s performs operation for
// operation (see exp for the use of math.FMA and float64()). erf is odd:
// it is computed for a = |x|, and given the sign of x.
//
// For a < 1/8, the Taylor polynomial at 0, with 2/√π split in two parts:
//
//	erf(a) = a·(2/√π) + a·s·Q(s), s = a², Q(s) = Σ_{k=1..7} e_k·s^(k-1)
//
// evaluated as fma(a, erfC0Hi, a·fma(s, Q(s), erfC0Lo)), so that the result
// is rounded essentially once (the truncation error is below 2^-67 relative).
//
// For a ≥ 1/8, the Taylor expansion of erf around r = round(128·a)/128, with
// d = a - r, |d| ≤ 1/256:
//
//	erf(a) = erf(r) + scale·d·(1 + Σ_{n=1..5} c_n(r)·d^n)
//
// where scale = 2/√π·e^(-r²) and c_n(r) = (-1)^n·H_n(r)/(n+1)!, H_n the
// Hermite polynomials (the truncation error is below 2^-58 relative). erf(r),
// as hi + lo, and scale come from erfTable; the c_n are evaluated from r.
// The sum is evaluated as hi + (t + lo), t = u + u·(p·d), u = scale·d, p by
// Horner's scheme in d, so that the result is rounded essentially once. a is
// first clamped to 6, where erf(a) rounds to 1 (as it does above 5.93).
const (
	erfTableLen = 769                    // r = 0, 1/128, …, 6
	erfSmall    = 0.125                  // below: the Taylor polynomial at 0
	erfMax      = 6                      // a is clamped to erfMax
	erfShift    = 0x1.8p52               // 1.5·2^52
	erfIdxMask  = 1<<10 - 1              // the bits of the index in erfShift + 128·a
	erfC0Hi     = 0x1.20dd750429b6dp+00  // 2/√π, high part
	erfC0Lo     = 0x1.1ae3a914fed80p-56  // 2/√π - erfC0Hi
	erfE1       = -0x1.812746b0379e7p-02 // e_k = 2/√π·(-1)^k/(k!·(2k+1))
	erfE2       = 0x1.ce2f21a042be2p-04
	erfE3       = -0x1.b82ce31288b51p-06
	erfE4       = 0x1.565bcd0e6a53fp-08
	erfE5       = -0x1.c02db40040b86p-11
	erfE6       = 0x1.f9a326f9b89b7p-14
	erfE7       = -0x1.f4d25c3e0c2ebp-17
)

// erf returns erf(x): the scalar Erf.
func erf(x float64) float64 {
	if x != x {
		return x
	}
	a := math.Abs(x)
	var y float64
	if a < erfSmall {
		s := float64(a * a)
		q := math.FMA(s, erfE7, erfE6)
		q = math.FMA(s, q, erfE5)
		q = math.FMA(s, q, erfE4)
		q = math.FMA(s, q, erfE3)
		q = math.FMA(s, q, erfE2)
		q = math.FMA(s, q, erfE1)
		v := math.FMA(s, q, erfC0Lo)
		y = math.FMA(a, erfC0Hi, float64(a*v))
	} else {
		a = min(a, erfMax)
		z := math.FMA(a, 128, erfShift)
		r := float64((z - erfShift) * (1.0 / 128))
		d := a - r
		e := &erfTable[math.Float64bits(z)&erfIdxMask]
		hi := math.Float64frombits(e[0])
		lo := math.Float64frombits(e[1])
		scale := math.Float64frombits(e[2])
		r2 := float64(r * r)
		// c5 = -r·(4r⁴-20r²+15)/90, c4 = (4r⁴-12r²+3)/30,
		// c3 = -r·(2r²-3)/6, c2 = (2r²-1)/3, c1 = -r.
		c5 := math.FMA(r2, -2.0/45, 2.0/9)
		c5 = math.FMA(r2, c5, -1.0/6)
		c5 = float64(c5 * r)
		c4 := math.FMA(r2, 2.0/15, -2.0/5)
		c4 = math.FMA(r2, c4, 1.0/10)
		c3 := math.FMA(r2, -1.0/3, 1.0/2)
		c3 = float64(c3 * r)
		c2 := math.FMA(r2, 2.0/3, -1.0/3)
		p := math.FMA(d, c5, c4)
		p = math.FMA(d, p, c3)
		p = math.FMA(d, p, c2)
		p = math.FMA(d, p, -r)
		u := float64(scale * d)
		t := math.FMA(u, float64(p*d), u)
		y = hi + (t + lo)
	}
	return math.Float64frombits(math.Float64bits(y) | math.Float64bits(x)&(1<<63))
}
