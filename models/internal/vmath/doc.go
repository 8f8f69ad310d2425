// Package vmath computes the exponential, tanh and the error function over
// float64 slices, element by element, for the hot paths of the models
// (softmax in attention, GELU, the recurrent cells): several times faster
// than calling math.Exp, math.Tanh and math.Erf per element, about as
// accurate, and with the same results, bit for bit, on every architecture.
//
// # API
//
//	Exp(dst, x)                dst[i] = e^x[i]
//	ExpShiftSum(dst, x, shift) dst[i] = e^(x[i]-shift), and returns Σ dst[i]
//	Erf(dst, x)                dst[i] = erf(x[i])
//	Tanh(dst, x)               dst[i] = tanh(x[i])
//
// each for i < len(dst), with len(x) ≥ len(dst). Max(x) returns the largest
// element (NaNs skipped) and Scale(x, s) multiplies x by s, the other two
// passes of a softmax. dst may be x itself. They
// do not allocate, and are safe for concurrent use. ExpShiftSum adds in a
// fixed order, four partial sums over groups of four elements, documented
// with it.
//
// # Exp
//
// The method of the exp in glibc and ARM's optimized-routines: with N = 128,
// x = (k/N)·ln 2 + r, |r| ≤ ln 2/256, k = round(x·N/ln 2) (by adding
// 1.5·2^52), r computed with ln 2/N in two parts (Cody and Waite); then
// e^x = 2^floor(k/N)·2^(j/N)·e^r, j = k mod N, where 2^(j/N) = T·(1 + tail)
// comes from a table of 128 pairs, and e^x ≈ scale + scale·t with scale = T
// scaled by 2^floor(k/N) (an integer addition to its exponent field) and
// t = tail + (e^r - 1), e^r - 1 a Taylor polynomial of degree 5. Results
// below the smallest normal (x < -708) and near overflow (x > 708) are
// scaled in two steps, and special values are as for math.Exp.
//
// # Erf
//
// erf is odd, and computed for a = |x|. For a < 1/8, the Taylor polynomial
// of degree 15 at 0, with 2/√π split in two parts so that the result is
// rounded essentially once. For 1/8 ≤ a ≤ 6, the Taylor expansion of degree 6
// around r = round(128·a)/128:
//
//	erf(a) = erf(r) + 2/√π·e^(-r²)·d·Σ_{n=0..5} (-1)^n·H_n(r)/(n+1)!·d^n, d = a - r
//
// (H_n the Hermite polynomials, |d| ≤ 1/256) with erf(r) as a sum of two
// float64s and 2/√π·e^(-r²) from a table of 769 entries; above 6, erf(a)
// rounds to 1. The tables are generated with math/big by gen.go.
//
// # Accuracy
//
// Measured by the tests against a double-double reference (itself checked
// against math/big), on 20 million random inputs of Exp (uniform over
// [-745.2, 709.8], log-uniform down to 2^-60, and around the boundaries of
// its special cases) and 5 million of Erf (uniform over [-6.5, 6.5], and
// around the boundaries of its intervals), plus tiny and subnormal inputs of
// Erf:
//
//	                        max error   results 1 ulp from the correctly rounded one
//	Exp, normal results     0.5111 ulp  0.07%
//	Exp, subnormal results  0.7521 ulp  3.8% (they are rounded twice)
//	Erf                     0.5538 ulp  0.04%
//	Erf, |x| < 2^-30        0.5853 ulp  0.03%
//
// Every result is within 1 ulp of the correctly rounded one (the tests check
// it, by default on 2 million inputs of Exp and half a million of Erf; the
// flag -vmath.samples sets the number). For comparison, math.Exp on amd64 is
// off by up to 1.55 ulp (and its assembly returns +Inf for x in
// (709.44, 709.78]), and math.Erf by up to 0.84 ulp.
//
// # Implementation
//
// On amd64 with AVX2 and FMA (as golang.org/x/sys/cpu reports),
// vmath_amd64.s computes 4 elements per iteration. It performs the same
// operations as the pure-Go code, which computes the last len%4 elements,
// and everything in builds with the purego tag or on other architectures:
// the same constants and tables, and a fused multiply-add (math.FMA in Go)
// exactly where the other has one, and nowhere else. The results are
// therefore identical, bit for bit, on every architecture and build (the
// tests check a hash of them; NaN inputs are returned unchanged, but the
// payload of a NaN that ExpShiftSum's sum computes is unspecified). The
// table entries of the 4 lanes are loaded with scalar loads and transposed,
// which is faster than VGATHERQPD on Zen 3. The assembly
// leaves to the Go code any group of 4 with an element of Exp in the rare
// ranges -745.2 ≤ x < -708 and 708 < x ≤ 709.79; NaN, ±Inf, and overflow and
// underflow to 0, are handled in the vector code, so masked softmax entries
// (-Inf) stay fast.
//
// Time per element, n = 4096, on an AMD EPYC (Zen 3) shared with other jobs
// (thread CPU time; the benchmarks report the same ratios):
//
//	Exp           1.55 ns   math.Exp loop         16.2 ns
//	ExpShiftSum   1.64 ns   math.Exp and sum      16.8 ns
//	Erf           2.7 ns    math.Erf loop         18 ns  (x/√2, x normal, as in GELU)
//
// The pure-Go code is little faster than the math package with the default
// GOAMD64=v1, where each math.FMA tests the CPU; with GOAMD64=v3, Exp's runs
// in about 4.5 ns.
package vmath
