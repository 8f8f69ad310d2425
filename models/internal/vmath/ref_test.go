package vmath

import (
	"math"
	"math/big"
)

// A reference implementation of exp and erf in double-double arithmetic
// (about 100 correct bits), used to measure the error of Exp and Erf in ulps
// and to find the correctly rounded result. refExp and refErf are checked
// against math/big in TestReference.

// dd is an unevaluated sum hi + lo with |lo| ≤ ulp(hi)/2.
type dd struct{ hi, lo float64 }

func twoSum(a, b float64) dd {
	s := a + b
	bb := s - a
	return dd{s, (a - (s - bb)) + (b - bb)}
}

func quickTwoSum(a, b float64) dd {
	s := a + b
	return dd{s, b - (s - a)}
}

// twoProd returns a·b exactly. The conversion keeps the compiler from
// fusing the product into an addition after inlining (the other products
// of this file may be fused: that only makes them more accurate).
func twoProd(a, b float64) dd {
	p := float64(a * b)
	return dd{p, math.FMA(a, b, -p)}
}

func (a dd) add(b dd) dd {
	s := twoSum(a.hi, b.hi)
	t := twoSum(a.lo, b.lo)
	s = quickTwoSum(s.hi, s.lo+t.hi)
	return quickTwoSum(s.hi, s.lo+t.lo)
}

func (a dd) neg() dd { return dd{-a.hi, -a.lo} }

func (a dd) mul(b dd) dd {
	p := twoProd(a.hi, b.hi)
	p.lo += a.hi*b.lo + a.lo*b.hi
	return quickTwoSum(p.hi, p.lo)
}

func (a dd) mulf(b float64) dd {
	p := twoProd(a.hi, b)
	p.lo += a.lo * b
	return quickTwoSum(p.hi, p.lo)
}

func (a dd) divf(b float64) dd {
	q1 := a.hi / b
	r := a.add(twoProd(q1, b).neg())
	q2 := r.hi / b
	r = r.add(twoProd(q2, b).neg())
	q3 := r.hi / b
	q := quickTwoSum(q1, q2)
	return q.add(dd{q3, 0})
}

// ddFromString parses a decimal constant to double-double precision.
func ddFromString(s string) dd {
	b, _, err := big.ParseFloat(s, 10, 256, big.ToNearestEven)
	if err != nil {
		panic(err)
	}
	return ddFromBig(b)
}

func ddFromBig(b *big.Float) dd {
	hi, _ := b.Float64()
	r := new(big.Float).SetPrec(256).Sub(b, new(big.Float).SetFloat64(hi))
	lo, _ := r.Float64()
	return dd{hi, lo}
}

// Decimal expansions of ln 2 and π, to 100 places.
const (
	ln2Digits = "0.6931471805599453094172321214581765680755001343602552541206800094933936219696947156058633269964186875"
	piDigits  = "3.1415926535897932384626433832795028841971693993751058209749445923078164062862089986280348253421170679"
)

var (
	ddLn2 = ddFromString(ln2Digits)
	// ddTwoOverSqrtPi is 2/√π.
	ddTwoOverSqrtPi = func() dd {
		pi, _, _ := big.ParseFloat(piDigits, 10, 256, big.ToNearestEven)
		c := new(big.Float).SetPrec(256).Sqrt(pi)
		return ddFromBig(c.Quo(new(big.Float).SetPrec(256).SetInt64(2), c))
	}()
)

// refExpDD returns (m, k) with e^(a.hi+a.lo) ≈ m·2^k, m in [0.7, 1.5), for
// |a| ≤ 800.
func refExpDD(a dd) (dd, int) {
	k := math.RoundToEven(a.hi / math.Ln2)
	// r = a - k·ln 2, with the product exact in two parts.
	r := a.add(twoProd(k, ddLn2.hi).neg()).add(twoProd(k, ddLn2.lo).neg())
	// e^r by Horner's scheme on its Taylor series: |r| ≤ 0.35 + ε, 30 terms
	// leave an error below 2^-120.
	p := dd{1, 0}
	for n := 30; n >= 1; n-- {
		p = p.mul(r).mul(ddInv[n]).add(dd{1, 0})
	}
	return p, int(k)
}

// ddInv[n] is 1/n.
var ddInv = func() (inv [31]dd) {
	for n := 1; n < len(inv); n++ {
		inv[n] = dd{1, 0}.divf(float64(n))
	}
	return inv
}()

// refErfDD returns erf(a) for a ≥ 0 by
// erf(a) = 2/√π·e^(-a²)·Σ_{n≥0} 2^n·a^(2n+1)/(1·3·…·(2n+1)), whose terms
// are positive; for a > 6.5, erf(a) = 1 (1 - erf(6.5) < 2^-64).
func refErfDD(a float64) dd {
	if a > 6.5 {
		return dd{1, 0}
	}
	s := twoProd(a, a)
	term := dd{a, 0}
	sum := dd{}
	for n := 0; ; n++ {
		sum = sum.add(term)
		term = term.mul(s).mulf(2).divf(float64(2*n + 3))
		if float64(n) > s.hi && term.hi < sum.hi*0x1p-110 || term.hi == 0 {
			break
		}
	}
	m, k := refExpDD(s.neg())
	v := ddTwoOverSqrtPi.mul(sum).mul(m)
	return dd{math.Ldexp(v.hi, k), math.Ldexp(v.lo, k)}
}

// measure compares y with the true value v = (m.hi+m.lo)·2^k (v > 0). It
// returns the correctly rounded v (rounded to +Inf above MaxFloat64) and the
// error |y - v| in ulps of v (the ulp of the binade of v, or of the smallest
// subnormal), when y is finite.
func measure(y float64, m dd, k int) (cr, errULP float64) {
	// Normalize m to [1, 2)·2^e.
	_, e := math.Frexp(m.hi)
	e-- // m.hi = frac·2^(e+1), frac in [0.5, 1)
	if m.lo < 0 && m.hi == math.Ldexp(1, e) {
		e-- // m.hi a power of two, and m below it
	}
	ulpExp := max(e+k-52, -1074) - k // ulp of v, divided by 2^k
	q := math.Ldexp(m.hi, -ulpExp)   // v/ulp = q + ql, exactly
	ql := math.Ldexp(m.lo, -ulpExp)
	n := math.RoundToEven(q)
	f := (q - n) + ql
	switch {
	case f > 0.5:
		n++
	case f < -0.5:
		n--
	}
	cr = math.Ldexp(n, ulpExp+k)
	if math.IsInf(y, 0) {
		return cr, math.Inf(1)
	}
	ys := math.Ldexp(y, -ulpExp-k) // y/ulp, exact
	errULP = math.Abs((ys - q) - ql)
	return cr, errULP
}

// ulpDist returns the number of float64 values from a to b (both ≥ 0 or
// both ≤ 0, not NaN), +Inf counting as the one after MaxFloat64.
func ulpDist(a, b float64) uint64 {
	ua, ub := math.Float64bits(a), math.Float64bits(b)
	if a == 0 && b == 0 {
		return 0
	}
	if ua > ub {
		return ua - ub
	}
	return ub - ua
}

// refExp returns the correctly rounded e^x and the error of y as e^x in ulps.
func refExp(x, y float64) (cr, errULP float64) {
	switch {
	case x > 710:
		return math.Inf(1), 0
	case x < -746:
		return 0, 0
	}
	m, k := refExpDD(dd{x, 0})
	return measure(y, m, k)
}

// refErf returns the correctly rounded erf(x) and the error of y as erf(x)
// in ulps.
func refErf(x, y float64) (cr, errULP float64) {
	sign := 1.0
	if x < 0 || x == 0 && math.Signbit(x) {
		x, y, sign = -x, -y, -1
	}
	if x == 0 {
		return math.Copysign(0, sign), math.Abs(y) / 0x1p-1074
	}
	var m dd
	k := 0
	if x < 0x1p-500 {
		// erf(x) = 2/√π·x·(1 - x²/3 + …), and x² < 2^-1000: scale x up, out of
		// the subnormals, to keep the product exact.
		k = -600
		m = ddTwoOverSqrtPi.mulf(math.Ldexp(x, 600))
	} else {
		m = refErfDD(x)
	}
	cr, errULP = measure(y, m, k)
	return sign * cr, errULP
}

// bigExp returns e^x to prec bits by math/big: x = k·ln 2 + r, Taylor
// series of e^r.
func bigExp(x float64, prec uint) *big.Float {
	ln2, _, _ := big.ParseFloat(ln2Digits, 10, prec, big.ToNearestEven)
	k := math.RoundToEven(x / math.Ln2)
	r := new(big.Float).SetPrec(prec).SetFloat64(x)
	r.Sub(r, new(big.Float).SetPrec(prec).Mul(ln2, new(big.Float).SetFloat64(k)))
	sum := new(big.Float).SetPrec(prec).SetInt64(1)
	term := new(big.Float).SetPrec(prec).SetInt64(1)
	for n := 1; n < 80; n++ {
		term.Mul(term, r)
		term.Quo(term, new(big.Float).SetInt64(int64(n)))
		sum.Add(sum, term)
	}
	return sum.SetMantExp(sum, int(k))
}

// bigErf returns erf(x), x ≥ 0, to prec bits by math/big, by its alternating
// Taylor series at 4·prec bits (to absorb the cancellation).
func bigErf(x float64, prec uint) *big.Float {
	wp := 4 * prec
	pi, _, _ := big.ParseFloat(piDigits, 10, wp, big.ToNearestEven)
	xb := new(big.Float).SetPrec(wp).SetFloat64(x)
	x2 := new(big.Float).SetPrec(wp).Mul(xb, xb)
	sum := new(big.Float).SetPrec(wp)
	pow := new(big.Float).SetPrec(wp).Set(xb) // x^(2n+1)/n!
	for n := 0; n < 400; n++ {
		t := new(big.Float).SetPrec(wp).Quo(pow, new(big.Float).SetInt64(int64(2*n+1)))
		if n%2 == 1 {
			t.Neg(t)
		}
		sum.Add(sum, t)
		pow.Mul(pow, x2)
		pow.Quo(pow, new(big.Float).SetInt64(int64(n+1)))
	}
	c := new(big.Float).SetPrec(wp).Sqrt(pi)
	c.Quo(new(big.Float).SetPrec(wp).SetInt64(2), c)
	return new(big.Float).SetPrec(prec).Mul(c, sum)
}
