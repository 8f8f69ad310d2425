package gemm

import "math"

// fallbackFMA reports whether the pure-Go kernel uses fused multiply-adds
// (math.FMA), which it does where the CPU has them: math.FMA is emulated in
// software, and very slow, elsewhere.
var fallbackFMA = hasFMA()

func fma(x, y, z float64) float64 { return math.FMA(x, y, z) }

// mulAdd is x·y + z with two roundings (the conversion stops the compiler from
// fusing them).
func mulAdd(x, y, z float64) float64 { return float64(x*y) + z }

// kernelsGo is kernels (kernel_amd64.go) with kernGo: np·groups tiles of
// rows×8, group g bps elements after the previous one in b and 8 columns after
// it in c.
func kernelsGo(rows, groups, np, k int, a, b []float64, ldb, bps int, c []float64, ldc int, alpha, beta float64) {
	for g := 0; g < np*groups; g++ {
		kernGo(rows, k, a, b[g*bps:], ldb, c[g*nr:], ldc, alpha, beta)
	}
}

// kernGo is the pure-Go micro-kernel, with the contract of the assembly ones
// (see gen.go): the rows×8 tile c (row stride ldc) gets alpha·Σ_p a[6p+r]·b[p·ldb+j]
// + beta·c, or alpha·Σ when beta == 0, each sum a chain in ascending p.
func kernGo(rows, k int, a, b []float64, ldb int, c []float64, ldc int, alpha, beta float64) {
	if fallbackFMA {
		kernGoFMA(rows, k, a, b, ldb, c, ldc, alpha, beta)
	} else {
		kernGoPlain(rows, k, a, b, ldb, c, ldc, alpha, beta)
	}
}

func kernGoFMA(rows, k int, a, b []float64, ldb int, c []float64, ldc int, alpha, beta float64) {
	a = a[:mr*k]
	for r := 0; r < rows; r++ {
		var c0, c1, c2, c3, c4, c5, c6, c7 float64
		off := 0
		for p := r; p < len(a); p += mr {
			x := a[p]
			bb := b[off : off+nr : off+nr]
			c0 = math.FMA(x, bb[0], c0)
			c1 = math.FMA(x, bb[1], c1)
			c2 = math.FMA(x, bb[2], c2)
			c3 = math.FMA(x, bb[3], c3)
			c4 = math.FMA(x, bb[4], c4)
			c5 = math.FMA(x, bb[5], c5)
			c6 = math.FMA(x, bb[6], c6)
			c7 = math.FMA(x, bb[7], c7)
			off += ldb
		}
		cc := c[r*ldc : r*ldc+nr : r*ldc+nr]
		if beta == 0 {
			cc[0], cc[1], cc[2], cc[3] = alpha*c0, alpha*c1, alpha*c2, alpha*c3
			cc[4], cc[5], cc[6], cc[7] = alpha*c4, alpha*c5, alpha*c6, alpha*c7
			continue
		}
		cc[0] = math.FMA(alpha, c0, beta*cc[0])
		cc[1] = math.FMA(alpha, c1, beta*cc[1])
		cc[2] = math.FMA(alpha, c2, beta*cc[2])
		cc[3] = math.FMA(alpha, c3, beta*cc[3])
		cc[4] = math.FMA(alpha, c4, beta*cc[4])
		cc[5] = math.FMA(alpha, c5, beta*cc[5])
		cc[6] = math.FMA(alpha, c6, beta*cc[6])
		cc[7] = math.FMA(alpha, c7, beta*cc[7])
	}
}

func kernGoPlain(rows, k int, a, b []float64, ldb int, c []float64, ldc int, alpha, beta float64) {
	a = a[:mr*k]
	for r := 0; r < rows; r++ {
		var c0, c1, c2, c3, c4, c5, c6, c7 float64
		off := 0
		for p := r; p < len(a); p += mr {
			x := a[p]
			bb := b[off : off+nr : off+nr]
			c0 += float64(x * bb[0])
			c1 += float64(x * bb[1])
			c2 += float64(x * bb[2])
			c3 += float64(x * bb[3])
			c4 += float64(x * bb[4])
			c5 += float64(x * bb[5])
			c6 += float64(x * bb[6])
			c7 += float64(x * bb[7])
			off += ldb
		}
		cc := c[r*ldc : r*ldc+nr : r*ldc+nr]
		if beta == 0 {
			cc[0], cc[1], cc[2], cc[3] = alpha*c0, alpha*c1, alpha*c2, alpha*c3
			cc[4], cc[5], cc[6], cc[7] = alpha*c4, alpha*c5, alpha*c6, alpha*c7
			continue
		}
		cc[0] = mulAdd(alpha, c0, beta*cc[0])
		cc[1] = mulAdd(alpha, c1, beta*cc[1])
		cc[2] = mulAdd(alpha, c2, beta*cc[2])
		cc[3] = mulAdd(alpha, c3, beta*cc[3])
		cc[4] = mulAdd(alpha, c4, beta*cc[4])
		cc[5] = mulAdd(alpha, c5, beta*cc[5])
		cc[6] = mulAdd(alpha, c6, beta*cc[6])
		cc[7] = mulAdd(alpha, c7, beta*cc[7])
	}
}
