//go:build !amd64 || purego

package gemm

// useAsm is false: this build has only the pure-Go kernel.
var useAsm = false

// kernels computes np tiles of C side by side; see kernelsGo.
func kernels(rows, groups, np, k int, a, b []float64, ldb, bps int, c []float64, ldc int, alpha, beta float64) {
	kernelsGo(rows, groups, np, k, a, b, ldb, bps, c, ldc, alpha, beta)
}

func copyRows8(d, s []float64, ld, k int)  { copyRows8Go(d, s, ld, k) }
func copyRows6(d, s []float64, ld, k int)  { copyRows6Go(d, s, ld, k) }
func transpose8(d, s []float64, ld, k int) { transpose8Go(d, s, ld, k) }
func transpose6(d, s []float64, ld, k int) { transpose6Go(d, s, ld, k) }

// dot4 is never called without the assembly (DgemmFewRows checks useAsm).
func dot4(k int, x, b *float64, ldb int, out *float64) { panic("gemm: dot4 without assembly") }
