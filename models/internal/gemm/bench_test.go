package gemm

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"testing"
	"time"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// benchShapes are (m, k, n): seqlab's products and three cubes.
var benchShapes = [][3]int{
	{32, 128, 512},  // LSTM recurrent step, batch 32
	{2048, 32, 512}, // LSTM input projection
	{2048, 64, 192}, // transformer QKV
	{32, 128, 128},
	{1, 128, 512}, // streaming step
	{2048, 256, 64},
	{64, 64, 64},
	{128, 128, 128},
	{512, 512, 512},
}

// BenchmarkDgemm compares gonum's blas64.Gemm (with GOMAXPROCS 1 and 2) and
// this package (serial, 2 workers, and the pure-Go kernel serial) on each
// shape, in GFLOP/s. The variants of one shape run one after the other, and
// -count repeats the whole sequence, so that they interleave.
func BenchmarkDgemm(b *testing.B) {
	for _, s := range benchShapes {
		m, k, n := s[0], s[1], s[2]
		rng := rand.New(rand.NewPCG(1, 2))
		fill := func(l int) []float64 {
			x := make([]float64, l)
			for i := range x {
				x[i] = 2*rng.Float64() - 1
			}
			return x
		}
		a, bm, c := fill(m*k), fill(k*n), fill(m*n)
		flops := 2 * float64(m) * float64(n) * float64(k)
		// report gives GFLOP/s of wall time and per second of CPU time
		// since t0 (all threads): on a machine shared with other work, the
		// second is steadier, and tells the efficiency of parallel runs.
		var t0 time.Duration
		start := func(b *testing.B) {
			b.ResetTimer()
			t0 = cpuTime()
		}
		report := func(b *testing.B) {
			b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			if cpu := cpuTime() - t0; cpu > 0 {
				b.ReportMetric(flops*float64(b.N)/cpu.Seconds()/1e9, "GFLOP/cpu-s")
			}
		}
		name := fmt.Sprintf("m=%d,k=%d,n=%d", m, k, n)
		for _, procs := range []int{1, 2} {
			b.Run(fmt.Sprintf("%s/gonum/%d", name, procs), func(b *testing.B) {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
				ga := blas64.General{Rows: m, Cols: k, Stride: k, Data: a}
				gb := blas64.General{Rows: k, Cols: n, Stride: n, Data: bm}
				gc := blas64.General{Rows: m, Cols: n, Stride: n, Data: c}
				start(b)
				for b.Loop() {
					blas64.Gemm(blas.NoTrans, blas.NoTrans, 1, ga, gb, 0, gc)
				}
				report(b)
			})
		}
		b.Run(name+"/gemm/1", func(b *testing.B) {
			start(b)
			for b.Loop() {
				Dgemm(false, false, m, n, k, 1, a, k, bm, n, 0, c, n)
			}
			report(b)
		})
		b.Run(name+"/gemm/2", func(b *testing.B) {
			start(b)
			for b.Loop() {
				DgemmParallel(2, false, false, m, n, k, 1, a, k, bm, n, 0, c, n)
			}
			report(b)
		})
		b.Run(name+"/purego/1", func(b *testing.B) {
			defer func(saved bool) { useAsm = saved }(useAsm)
			useAsm = false
			start(b)
			for b.Loop() {
				Dgemm(false, false, m, n, k, 1, a, k, bm, n, 0, c, n)
			}
			report(b)
		})
	}
}

// BenchmarkTrans compares gonum (GOMAXPROCS 1) and this package's serial
// Dgemm with each transpose combination (seqlab's forward passes multiply by
// transposed weights: transB), on seqlab's shapes.
func BenchmarkTrans(b *testing.B) {
	for _, s := range benchShapes[:6] {
		m, k, n := s[0], s[1], s[2]
		a, bm, c := make([]float64, m*k), make([]float64, k*n), make([]float64, m*n)
		for i := range a {
			a[i] = float64(i%7) - 3
		}
		for i := range bm {
			bm[i] = float64(i%5) - 2
		}
		flops := 2 * float64(m) * float64(n) * float64(k)
		for tr := 0; tr < 4; tr++ {
			tA, tB := tr&1 != 0, tr&2 != 0
			lda, ldb := k, n
			ta, tb := blas.NoTrans, blas.NoTrans
			ga := blas64.General{Rows: m, Cols: k, Stride: k, Data: a}
			gb := blas64.General{Rows: k, Cols: n, Stride: n, Data: bm}
			if tA {
				lda, ta, ga = m, blas.Trans, blas64.General{Rows: k, Cols: m, Stride: m, Data: a}
			}
			if tB {
				ldb, tb, gb = k, blas.Trans, blas64.General{Rows: n, Cols: k, Stride: k, Data: bm}
			}
			name := fmt.Sprintf("m=%d,k=%d,n=%d/tA=%t,tB=%t", m, k, n, tA, tB)
			b.Run(name+"/gonum/1", func(b *testing.B) {
				defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
				gc := blas64.General{Rows: m, Cols: n, Stride: n, Data: c}
				for b.Loop() {
					blas64.Gemm(ta, tb, 1, ga, gb, 0, gc)
				}
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
			b.Run(name+"/gemm/1", func(b *testing.B) {
				for b.Loop() {
					Dgemm(tA, tB, m, n, k, 1, a, lda, bm, ldb, 0, c, n)
				}
				b.ReportMetric(flops*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}

// BenchmarkKernel measures the assembly micro-kernels on panels in the L1
// cache, a row of 8 tiles per call: the ceiling of the blocked product.
func BenchmarkKernel(b *testing.B) {
	if !useAsm {
		b.Skip("no assembly kernel")
	}
	const tiles = 8
	for _, k := range []int{32, 128, 256} {
		for _, rg := range [][2]int{{6, 1}, {4, 1}, {3, 1}, {2, 2}, {1, 4}, {2, 1}, {1, 1}} {
			rows, groups := rg[0], rg[1]
			a := make([]float64, mr*k)
			bb := make([]float64, tiles*nr*k)
			c := make([]float64, mr*tiles*nr)
			np := tiles / groups
			b.Run(fmt.Sprintf("%dx%d/k=%d", rows, nr*groups, k), func(b *testing.B) {
				for b.Loop() {
					kernels(rows, groups, np, k, a, bb, nr, nr*k, c, tiles*nr, 1, 1)
				}
				b.ReportMetric(2*float64(rows*tiles*nr*k)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}

// BenchmarkPack measures the packing of full panels, in ns per element.
func BenchmarkPack(b *testing.B) {
	const rows, kb = 24, 128 // source and packed copy fit in L1 and L2
	src := make([]float64, rows*kb)
	dst := make([]float64, (rows+nr)*kb)
	for _, tr := range []bool{false, true} {
		b.Run(fmt.Sprintf("A/trans=%t", tr), func(b *testing.B) {
			ld := kb
			if tr {
				ld = rows
			}
			for b.Loop() {
				packA(dst, tr, src, ld, 0, rows, 0, kb)
			}
			b.ReportMetric(b.Elapsed().Seconds()*1e9/float64(b.N*rows*kb), "ns/elem")
		})
		b.Run(fmt.Sprintf("B/trans=%t", tr), func(b *testing.B) {
			ld := rows
			if tr {
				ld = kb
			}
			for b.Loop() {
				packB(dst, tr, src, ld, 0, kb, 0, rows)
			}
			b.ReportMetric(b.Elapsed().Seconds()*1e9/float64(b.N*rows*kb), "ns/elem")
		})
	}
}
