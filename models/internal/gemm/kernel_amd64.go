//go:build amd64 && !purego

package gemm

import "golang.org/x/sys/cpu"

//go:generate go run gen.go

// useAsm selects the AVX2+FMA kernels of kernel_amd64.s. Tests clear it to
// run the pure-Go kernel on the same machine.
var useAsm = cpu.X86.HasAVX2 && cpu.X86.HasFMA

// The kernels of kernel_amd64.s; see gen.go for their contract.
//
//go:noescape
func kern6x8(np, k int, a, b *float64, ldb, bps int, c *float64, ldc int, alpha, beta float64)

//go:noescape
func kern5x8(np, k int, a, b *float64, ldb, bps int, c *float64, ldc int, alpha, beta float64)

//go:noescape
func kern4x8(np, k int, a, b *float64, ldb, bps int, c *float64, ldc int, alpha, beta float64)

//go:noescape
func kern3x8(np, k int, a, b *float64, ldb, bps int, c *float64, ldc int, alpha, beta float64)

//go:noescape
func kern2x8(np, k int, a, b *float64, ldb, bps int, c *float64, ldc int, alpha, beta float64)

//go:noescape
func kern1x8(np, k int, a, b *float64, ldb, bps int, c *float64, ldc int, alpha, beta float64)

//go:noescape
func kern2x16(np, k int, a, b *float64, ldb, bps int, c *float64, ldc int, alpha, beta float64)

//go:noescape
func kern1x32(np, k int, a, b *float64, ldb, bps int, c *float64, ldc int, alpha, beta float64)

// kernels computes np rows×(8·groups) tiles of C side by side (rows 1..6
// with 1 group, 2 with 2, 1 with 4; k ≥ 1) from the packed A panel a (6
// values per step of k) and the column groups of b, group g (counting across
// tiles) bps elements after b, each of row stride ldb; see kernGo.
func kernels(rows, groups, np, k int, a, b []float64, ldb, bps int, c []float64, ldc int, alpha, beta float64) {
	if !useAsm || np <= 0 {
		kernelsGo(rows, groups, np, k, a, b, ldb, bps, c, ldc, alpha, beta)
		return
	}
	// The assembly reads a[:6k], b[:(np·groups-1)·bps+(k-1)·ldb+8] and
	// c[:(rows-1)·ldc+8·groups·np]: keep it within the slices.
	_ = a[mr*k-1]
	_ = b[(np*groups-1)*bps+(k-1)*ldb+nr-1]
	_ = c[(rows-1)*ldc+np*groups*nr-1]
	pa, pb, pc := &a[0], &b[0], &c[0]
	switch {
	case groups == 4:
		kern1x32(np, k, pa, pb, ldb, bps, pc, ldc, alpha, beta)
	case groups == 2:
		kern2x16(np, k, pa, pb, ldb, bps, pc, ldc, alpha, beta)
	case rows == 6:
		kern6x8(np, k, pa, pb, ldb, bps, pc, ldc, alpha, beta)
	case rows == 5:
		kern5x8(np, k, pa, pb, ldb, bps, pc, ldc, alpha, beta)
	case rows == 4:
		kern4x8(np, k, pa, pb, ldb, bps, pc, ldc, alpha, beta)
	case rows == 3:
		kern3x8(np, k, pa, pb, ldb, bps, pc, ldc, alpha, beta)
	case rows == 2:
		kern2x8(np, k, pa, pb, ldb, bps, pc, ldc, alpha, beta)
	default:
		kern1x8(np, k, pa, pb, ldb, bps, pc, ldc, alpha, beta)
	}
}

// The packing routines of kernel_amd64.s; see gen.go (packT* move 4·k steps).
//
//go:noescape
func packN8(k int, src *float64, ld int, dst *float64)

//go:noescape
func packN6(k int, src *float64, ld int, dst *float64)

//go:noescape
func packT8(k int, src *float64, ld int, dst *float64)

//go:noescape
func packT6(k int, src *float64, ld int, dst *float64)

// copyRows8 sets d[8p+j] = s[p·ld+j] for p < k, j < 8.
func copyRows8(d, s []float64, ld, k int) {
	if !useAsm {
		copyRows8Go(d, s, ld, k)
		return
	}
	_ = s[(k-1)*ld+7]
	_ = d[8*k-1]
	packN8(k, &s[0], ld, &d[0])
}

// copyRows6 sets d[6p+j] = s[p·ld+j] for p < k, j < 6.
func copyRows6(d, s []float64, ld, k int) {
	if !useAsm {
		copyRows6Go(d, s, ld, k)
		return
	}
	_ = s[(k-1)*ld+5]
	_ = d[6*k-1]
	packN6(k, &s[0], ld, &d[0])
}

// transpose8 sets d[8p+t] = s[t·ld+p] for p < k, t < 8.
func transpose8(d, s []float64, ld, k int) {
	k4 := 0
	if useAsm {
		k4 = k / 4 * 4
	}
	if k4 > 0 {
		_ = s[7*ld+k4-1]
		_ = d[8*k4-1]
		packT8(k4/4, &s[0], ld, &d[0])
	}
	if k4 < k {
		transpose8Go(d[8*k4:], s[k4:], ld, k-k4)
	}
}

// transpose6 sets d[6p+t] = s[t·ld+p] for p < k, t < 6.
func transpose6(d, s []float64, ld, k int) {
	k4 := 0
	if useAsm {
		k4 = k / 4 * 4
	}
	if k4 > 0 {
		_ = s[5*ld+k4-1]
		_ = d[6*k4-1]
		packT6(k4/4, &s[0], ld, &d[0])
	}
	if k4 < k {
		transpose6Go(d[6*k4:], s[k4:], ld, k-k4)
	}
}

// dot4 writes to out[0..3] the dot products of x[:k] with four rows of b,
// ldb apart, in dotGo's order (dot_amd64.s).
//
//go:noescape
func dot4(k int, x, b *float64, ldb int, out *float64)
