package gemm

import "fmt"

// check panics, with a message naming the offending argument, when the
// dimensions, leading dimensions or slice lengths of a Dgemm call are
// inconsistent. It follows the rules of gonum's Dgemm (and reference BLAS,
// transposed to row-major storage).
func check(transA, transB bool, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	checkDims(m, n, k)
	checkLD("A", "transA", transA, m, k, lda)
	checkLD("B", "transB", transB, k, n, ldb)
	checkLDC(n, ldc)
	if m == 0 || n == 0 {
		return
	}
	checkLen("a", transA, m, k, a, lda)
	checkLen("b", transB, k, n, b, ldb)
	checkLen("c", false, m, n, c, ldc)
}

func checkDims(m, n, k int) {
	if m < 0 {
		panic(fmt.Sprintf("gemm: m = %d < 0", m))
	}
	if n < 0 {
		panic(fmt.Sprintf("gemm: n = %d < 0", n))
	}
	if k < 0 {
		panic(fmt.Sprintf("gemm: k = %d < 0", k))
	}
}

// stored returns the rows and row length of the stored form of an r×c
// operand op(X), transposed or not.
func stored(trans bool, r, c int) (rows, cols int) {
	if trans {
		return c, r
	}
	return r, c
}

// checkLD checks the leading dimension ld of X (named x, its flag flag),
// where op(X) is r×c.
func checkLD(x, flag string, trans bool, r, c, ld int) {
	rows, cols := stored(trans, r, c)
	if ld < max(1, cols) {
		panic(fmt.Sprintf("gemm: bad leading dimension of %s: ld%s = %d < max(1, %d) (%s is stored %d×%d, %s = %t)", x, lower(x), ld, cols, x, rows, cols, flag, trans))
	}
}

func checkLDC(n, ldc int) {
	if ldc < max(1, n) {
		panic(fmt.Sprintf("gemm: bad leading dimension of C: ldc = %d < max(1, n = %d)", ldc, n))
	}
}

// checkLen checks that the slice s is long enough for op(X), r×c, stored
// with leading dimension ld.
func checkLen(name string, trans bool, r, c int, s []float64, ld int) {
	rows, cols := stored(trans, r, c)
	if rows == 0 || cols == 0 {
		return
	}
	if need := (rows-1)*ld + cols; len(s) < need {
		what := fmt.Sprintf("%s is stored %d×%d with ld%s = %d", upper(name), rows, cols, name, ld)
		if name == "c" {
			what = fmt.Sprintf("C is %d×%d with ldc = %d", rows, cols, ld)
		}
		panic(fmt.Sprintf("gemm: insufficient length of %s: len(%s) = %d < %d (%s)", name, name, len(s), need, what))
	}
}

func lower(x string) string { return string(x[0] | 0x20) }
func upper(x string) string { return string(x[0] &^ 0x20) }
