package gemm

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestDgemmFewRows checks C = alpha·A·Bᵀ + beta·C against a plain triple loop
// over shapes with every remainder of n and k modulo 4, strided operands and
// the special betas, with the assembly and with the Go path, which must agree
// bit for bit.
func TestDgemmFewRows(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	fill := func(n int) []float64 {
		x := make([]float64, n)
		for i := range x {
			x[i] = rng.NormFloat64()
		}
		return x
	}
	for _, m := range []int{1, 2, 4} {
		for _, n := range []int{1, 3, 4, 5, 8, 17, 512} {
			for _, k := range []int{1, 2, 4, 7, 16, 33, 160} {
				for _, beta := range []float64{0, 1, -0.5} {
					lda, ldb, ldc := k+3, k+1, n+2
					a, b, c0 := fill(m*lda), fill(n*ldb), fill(m*ldc)
					alpha := 0.75
					want := append([]float64(nil), c0...)
					for i := range m {
						for j := range n {
							s := 0.0
							for p := range k {
								s += a[i*lda+p] * b[j*ldb+p]
							}
							if beta == 0 {
								want[i*ldc+j] = alpha * s
							} else {
								want[i*ldc+j] = alpha*s + beta*c0[i*ldc+j]
							}
						}
					}
					run := func(asm bool) []float64 {
						defer func(saved bool) { useAsm = saved }(useAsm)
						useAsm = useAsm && asm
						c := append([]float64(nil), c0...)
						if beta == 0 {
							for i := range m { // C is not read when beta is 0
								for j := range n {
									c[i*ldc+j] = math.NaN()
								}
							}
						}
						DgemmFewRows(m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
						return c
					}
					got, goPath := run(true), run(false)
					for i := range want {
						if math.Abs(got[i]-want[i]) > 1e-12*(1+math.Abs(want[i])) {
							t.Fatalf("m %d n %d k %d beta %v: c[%d] = %v, want %v", m, n, k, beta, i, got[i], want[i])
						}
						if math.Float64bits(got[i]) != math.Float64bits(goPath[i]) {
							t.Fatalf("m %d n %d k %d beta %v: c[%d] = %v with the assembly, %v in Go", m, n, k, beta, i, got[i], goPath[i])
						}
					}
				}
			}
		}
	}
}

func BenchmarkDgemmFewRows(b *testing.B) {
	const n, k = 512, 160
	rng := rand.New(rand.NewPCG(1, 1))
	x, w, c := make([]float64, k), make([]float64, n*k), make([]float64, n)
	for i := range w {
		w[i] = rng.Float64()
	}
	for b.Loop() {
		DgemmFewRows(1, n, k, 1, x, k, w, k, 0, c, n)
	}
	b.ReportMetric(float64(2*n*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}
