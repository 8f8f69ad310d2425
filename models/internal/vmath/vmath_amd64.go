//go:build amd64 && !purego

package vmath

import (
	"math"

	"golang.org/x/sys/cpu"
)

// useAsm selects the AVX2+FMA code of vmath_amd64.s. Tests clear it to run
// the pure-Go code on the same machine.
var useAsm = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// expAVX2 sets dst[i] = e^x[i] for the groups of 4 elements from the start of
// dst, len(x) ≥ len(dst), up to the first group with an element that needs
// the scalar code (-745.2 ≤ x < -708 or 708 < x ≤ 709.79), and returns the
// number of elements it did.
//
//go:noescape
func expAVX2(dst, x []float64) int

// expShiftAVX2 is expAVX2 for e^(x[i]-shift), adding the results of each
// group of 4 to s element-wise.
//
//go:noescape
func expShiftAVX2(dst, x []float64, shift float64, s *[4]float64) int

// erfAVX2 sets dst[i] = erf(x[i]) for i < len(dst)&^3, len(x) ≥ len(dst).
//
//go:noescape
func erfAVX2(dst, x []float64)

// tanhAVX2 sets dst[i] = tanh(x[i]) for i < len(dst)&^3, len(x) ≥ len(dst).
//
//go:noescape
func tanhAVX2(dst, x []float64)

// maxAVX2 returns the largest of x[:len(x)&^7], NaNs skipped, or -Inf.
//
//go:noescape
func maxAVX2(x []float64) float64

// scaleAVX2 sets x[i] *= s for i < len(x)&^3.
//
//go:noescape
func scaleAVX2(x []float64, s float64)

// addAVX2 sets dst[i] += x[i] for i < len(dst)&^3, len(x) ≥ len(dst).
//
//go:noescape
func addAVX2(dst, x []float64)

// expBlocks sets dst[i] = e^x[i] for the first groups of 4 elements,
// len(x) == len(dst), and returns how many elements it did.
func expBlocks(dst, x []float64) int {
	if !useAsm {
		return 0
	}
	n4 := len(dst) &^ 3
	i := 0
	for {
		i += expAVX2(dst[i:n4], x[i:n4])
		if i == n4 {
			return i
		}
		for j := i; j < i+4; j++ {
			dst[j] = exp(x[j])
		}
		i += 4
	}
}

// expShiftBlocks sets dst[i] = e^(x[i]-shift) for the first groups of 4
// elements, len(x) == len(dst), adding them to s as ExpShiftSum documents,
// and returns how many elements it did.
func expShiftBlocks(dst, x []float64, shift float64, s *[4]float64) int {
	if !useAsm {
		return 0
	}
	n4 := len(dst) &^ 3
	i := 0
	for {
		i += expShiftAVX2(dst[i:n4], x[i:n4], shift, s)
		if i == n4 {
			return i
		}
		for l := range 4 {
			y := exp(x[i+l] - shift)
			dst[i+l] = y
			s[l] += y
		}
		i += 4
	}
}

// erfBlocks sets dst[i] = erf(x[i]) for the first groups of 4 elements,
// len(x) == len(dst), and returns how many elements it did.
func erfBlocks(dst, x []float64) int {
	if !useAsm {
		return 0
	}
	n4 := len(dst) &^ 3
	erfAVX2(dst[:n4], x[:n4])
	return n4
}

// tanhBlocks sets dst[i] = tanh(x[i]) for the first groups of 4 elements,
// len(x) == len(dst), and returns how many elements it did.
func tanhBlocks(dst, x []float64) int {
	if !useAsm {
		return 0
	}
	n4 := len(dst) &^ 3
	tanhAVX2(dst[:n4], x[:n4])
	return n4
}

// maxBlocks returns the largest of the first groups of 8 elements of x (or
// -Inf) and how many elements it looked at.
func maxBlocks(x []float64) (float64, int) {
	if !useAsm {
		return math.Inf(-1), 0
	}
	return maxAVX2(x), len(x) &^ 7
}

// scaleBlocks multiplies the first groups of 4 elements of x by s, and
// returns how many it did.
func scaleBlocks(x []float64, s float64) int {
	if !useAsm {
		return 0
	}
	scaleAVX2(x, s)
	return len(x) &^ 3
}

// addBlocks adds the first groups of 4 elements of x to dst, len(x) ==
// len(dst), and returns how many it did.
func addBlocks(dst, x []float64) int {
	if !useAsm {
		return 0
	}
	addAVX2(dst, x)
	return len(dst) &^ 3
}
