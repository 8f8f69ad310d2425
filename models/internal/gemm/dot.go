package gemm

import "math"

// DgemmFewRows computes C = alpha·A·Bᵀ + beta·C for an m×k A with few rows
// (a streaming step: m is the batch, often 1), B n×k and C m×n, all
// row-major with leading dimensions lda, ldb and ldc. Each element of C is a
// dot product of a row of A and a row of B, four rows of B at a time (AVX2
// and FMA where available), read in place: packing B, as Dgemm does, would
// cost as much as the product. Element (i, j) is always computed in the same
// order (see dotGo), so the assembly and the Go path agree bit for bit.
// With beta == 0, C is not read.
func DgemmFewRows(m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	check(false, true, m, n, k, a, lda, b, ldb, c, ldc)
	if trivial(m, n, k, alpha, beta, c, ldc) {
		return
	}
	var d [4]float64
	for i := range m {
		x := a[i*lda : i*lda+k]
		row := c[i*ldc : i*ldc+n]
		j := 0
		if useAsm {
			for ; j+4 <= n; j += 4 {
				_ = b[(j+3)*ldb+k-1]
				dot4(k, &x[0], &b[j*ldb], ldb, &d[0])
				for r, v := range d {
					row[j+r] = scale(alpha, v, beta, row[j+r])
				}
			}
		}
		for ; j < n; j++ {
			row[j] = scale(alpha, dotGo(x, b[j*ldb:j*ldb+k]), beta, row[j])
		}
	}
}

// scale returns alpha·v + beta·c, without reading c when beta is 0.
func scale(alpha, v, beta, c float64) float64 {
	if beta == 0 {
		return alpha * v
	}
	return alpha*v + beta*c
}

// dotGo is Σ x[p]·y[p] in dot4's order: four lanes over p < len&^3, lane l
// taking p ≡ l (mod 4) by fused multiply-adds, combined as (s0+s2)+(s1+s3),
// then the remaining terms fused in order.
func dotGo(x, y []float64) float64 {
	y = y[:len(x)]
	var s0, s1, s2, s3 float64
	k4 := len(x) &^ 3
	for p := 0; p < k4; p += 4 {
		s0 = math.FMA(x[p], y[p], s0)
		s1 = math.FMA(x[p+1], y[p+1], s1)
		s2 = math.FMA(x[p+2], y[p+2], s2)
		s3 = math.FMA(x[p+3], y[p+3], s3)
	}
	s := (s0 + s2) + (s1 + s3)
	for p := k4; p < len(x); p++ {
		s = math.FMA(x[p], y[p], s)
	}
	return s
}
