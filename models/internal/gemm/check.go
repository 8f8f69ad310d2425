package gemm

import "fmt"

// check panics, with a message naming the offending argument, when the
// dimensions, leading dimensions or slice lengths of a Dgemm call are
// inconsistent. It follows the rules of gonum's Dgemm (and reference BLAS,
// transposed to row-major storage).
func check(transA, transB bool, m, n, k int, a []float64, lda int, b []float64, ldb int, c []float64, ldc int) {
	if m < 0 {
		panic(fmt.Sprintf("gemm: m = %d < 0", m))
	}
	if n < 0 {
		panic(fmt.Sprintf("gemm: n = %d < 0", n))
	}
	if k < 0 {
		panic(fmt.Sprintf("gemm: k = %d < 0", k))
	}
	// Rows, row length and required leading dimension of each stored matrix.
	aRows, aCols := m, k
	if transA {
		aRows, aCols = k, m
	}
	bRows, bCols := k, n
	if transB {
		bRows, bCols = n, k
	}
	if lda < max(1, aCols) {
		panic(fmt.Sprintf("gemm: bad leading dimension of A: lda = %d < max(1, %d) (A is stored %d×%d, transA = %t)", lda, aCols, aRows, aCols, transA))
	}
	if ldb < max(1, bCols) {
		panic(fmt.Sprintf("gemm: bad leading dimension of B: ldb = %d < max(1, %d) (B is stored %d×%d, transB = %t)", ldb, bCols, bRows, bCols, transB))
	}
	if ldc < max(1, n) {
		panic(fmt.Sprintf("gemm: bad leading dimension of C: ldc = %d < max(1, n = %d)", ldc, n))
	}
	if m == 0 || n == 0 {
		return
	}
	if aRows > 0 && len(a) < (aRows-1)*lda+aCols {
		panic(fmt.Sprintf("gemm: insufficient length of a: len(a) = %d < %d (A is stored %d×%d with lda = %d)", len(a), (aRows-1)*lda+aCols, aRows, aCols, lda))
	}
	if bRows > 0 && len(b) < (bRows-1)*ldb+bCols {
		panic(fmt.Sprintf("gemm: insufficient length of b: len(b) = %d < %d (B is stored %d×%d with ldb = %d)", len(b), (bRows-1)*ldb+bCols, bRows, bCols, ldb))
	}
	if len(c) < (m-1)*ldc+n {
		panic(fmt.Sprintf("gemm: insufficient length of c: len(c) = %d < %d (C is %d×%d with ldc = %d)", len(c), (m-1)*ldc+n, m, n, ldc))
	}
}
