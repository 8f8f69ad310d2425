package vmath

import "math"

// Max returns the largest element of x, skipping NaNs; -Inf if x is empty or
// all NaN. Where the largest value is zero and x holds both +0 and −0,
// either may be returned.
func Max(x []float64) float64 {
	m, i := maxBlocks(x)
	m0, m1, m2, m3 := m, math.Inf(-1), math.Inf(-1), math.Inf(-1)
	for ; i+4 <= len(x); i += 4 {
		m0, m1, m2, m3 = max2(m0, x[i]), max2(m1, x[i+1]), max2(m2, x[i+2]), max2(m3, x[i+3])
	}
	for ; i < len(x); i++ {
		m0 = max2(m0, x[i])
	}
	return max2(max2(m0, m1), max2(m2, m3))
}

// max2 is the larger of a and b, a when b is NaN; unlike math.Max it
// compiles to a compare and a move.
func max2(a, b float64) float64 {
	if b > a {
		return b
	}
	return a
}

// Scale sets x[i] *= s for every i.
func Scale(x []float64, s float64) {
	i := scaleBlocks(x, s)
	for ; i < len(x); i++ {
		x[i] *= s
	}
}

// Add sets dst[i] += x[i] for i < len(dst). It panics if len(x) < len(dst).
func Add(dst, x []float64) {
	x = x[:len(dst)]
	i := addBlocks(dst, x)
	for ; i < len(dst); i++ {
		dst[i] += x[i]
	}
}
