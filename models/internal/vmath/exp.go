package vmath

import "math"

//go:generate go run gen.go

// Exp sets dst[i] = e^x[i] for i < len(dst). It panics if len(x) < len(dst).
// dst may be x itself, but must not otherwise overlap it.
//
// Special cases are as for math.Exp:
//
//	Exp(±0) = 1
//	Exp(+Inf) = +Inf
//	Exp(-Inf) = 0
//	Exp(NaN) = NaN (x[i] itself)
//
// Results above math.MaxFloat64 (x > 709.78…) are +Inf, and results below
// the smallest subnormal (x < -745.13…) are 0. The error is below 1 ulp.
func Exp(dst, x []float64) {
	x = x[:len(dst)]
	i := expBlocks(dst, x)
	for ; i < len(dst); i++ {
		dst[i] = exp(x[i])
	}
}

// ExpShiftSum sets dst[i] = e^(x[i]-shift) for i < len(dst), and returns the
// sum of those values. It panics if len(x) < len(dst). dst may be x itself,
// but must not otherwise overlap it. It is the exponential and denominator
// of a softmax, with shift the maximum of x.
//
// Each dst[i] is exactly Exp of the float64 x[i]-shift. The sum is computed
// in a fixed order, the same on every architecture: four partial sums
// s0..s3, each starting at 0, with dst[i] added to s[i%4] in ascending i for
// the first len(dst)&^3 elements; then (s0+s1)+(s2+s3); then the remaining
// len(dst)%4 elements added one by one in ascending order.
func ExpShiftSum(dst, x []float64, shift float64) float64 {
	x = x[:len(dst)]
	var s [4]float64
	i := expShiftBlocks(dst, x, shift, &s)
	s0, s1, s2, s3 := s[0], s[1], s[2], s[3]
	for n4 := len(dst) &^ 3; i < n4; i += 4 {
		d, x := dst[i:i+4], x[i:i+4]
		y0, y1, y2, y3 := exp(x[0]-shift), exp(x[1]-shift), exp(x[2]-shift), exp(x[3]-shift)
		d[0], d[1], d[2], d[3] = y0, y1, y2, y3
		s0 += y0
		s1 += y1
		s2 += y2
		s3 += y3
	}
	sum := (s0 + s1) + (s2 + s3)
	for ; i < len(dst); i++ {
		y := exp(x[i] - shift)
		dst[i] = y
		sum += y
	}
	return sum
}

// The algorithm of exp, which vmath_amd64.s performs operation for
// operation. With N = 128, x = (k/N)·ln 2 + r, |r| ≤ ln 2/(2N), and
//
//	e^x = 2^(k/N)·e^r = 2^floor(k/N)·T·(1 + tail)·e^r
//	    ≈ scale·(1 + tail + (e^r - 1)) = scale + scale·t
//
// where T·(1 + tail) = 2^(j/N), j = k mod N, comes from expTable, scale is T
// with floor(k/N) added to its exponent, and e^r - 1 is its Taylor
// polynomial of degree 5 (the truncation error is below 2^-60). k is found by
// adding 1.5·2^52 to x·N/ln 2, which rounds it to an integer held in the low
// bits of the sum; r = x - k·(ln 2/N) is computed with ln 2/N split in two,
// the high part with 17 trailing zero bits. The bound of the error is
// 0.5 + 1.11/N + 2^-7 ulp (the last for the truncation and the rounding of
// r); Exp's tests measure it.
//
// Every multiply-add is an explicit math.FMA, and every product that is
// added is converted with float64() so that the compiler does not fuse it
// (as it may on arm64 or with GOAMD64=v3): the results are then the same on
// every architecture, and the same as the assembly's.
const (
	expN       = 128                        // table entries
	expShift   = 0x1.8p52                   // 1.5·2^52
	expInvLn2N = 0x1.71547652b82fep0 * expN // N/ln 2
	expLn2HiN  = 0x1.62e42fefa0000p-8       // ln 2/N, high part
	expLn2LoN  = 0x1.cf79abc9e3b3ap-47      // ln 2/N - expLn2HiN
	expC2      = 1.0 / 2                    // Taylor coefficients of e^r
	expC3      = 1.0 / 6
	expC4      = 1.0 / 24
	expC5      = 1.0 / 120
	expFast    = 708    // |x| ≤ expFast: no special case (the assembly's fast path)
	expOver    = 709.79 // e^x overflows above (ln MaxFloat64 ≈ 709.7827)
	expUnder   = -745.2 // e^x rounds to 0 below (ln 2^-1075 ≈ -745.1332)
	expTopBits = 52 - 7 // shift of k that puts floor(k/N) in the exponent field
)

// exp returns e^x: the scalar Exp.
func exp(x float64) float64 {
	ordinary := math.Abs(x) <= expFast
	if !ordinary {
		switch {
		case x != x:
			return x
		case x > expOver:
			return math.Inf(1)
		case x < expUnder:
			return 0
		}
	}
	z := math.FMA(x, expInvLn2N, expShift)
	kd := z - expShift
	r := math.FMA(kd, -expLn2HiN, x)
	r = math.FMA(kd, -expLn2LoN, r)
	ki := math.Float64bits(z)
	e := &expTable[ki%expN]
	sbits := e[1] + ki<<expTopBits
	r2 := float64(r * r)
	p := math.FMA(r, expC3, expC2)
	q := math.FMA(r, expC5, expC4)
	t := math.Float64frombits(e[0]) + r
	t = math.FMA(r2, p, t)
	t = math.FMA(float64(r2*r2), q, t)
	if !ordinary {
		return expScaled(x, sbits, t)
	}
	scale := math.Float64frombits(sbits)
	return math.FMA(scale, t, scale)
}

// expScaled returns scale + scale·t for expFast < |x| ≤ 745.2, where the
// exponent field of sbits, 1023+floor(k/N), has wrapped around: floor(k/N)
// is up to 1024, or down to -1076.
func expScaled(x float64, sbits uint64, t float64) float64 {
	if x > 0 {
		// Halve scale, and double the result.
		scale := math.Float64frombits(sbits - 1<<52)
		return 2 * math.FMA(scale, t, scale)
	}
	// Multiply scale by 2^1022, and the result, rounded once more (into a
	// subnormal), by 2^-1022.
	scale := math.Float64frombits(sbits + 1022<<52)
	return math.FMA(scale, t, scale) * 0x1p-1022
}
