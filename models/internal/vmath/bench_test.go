package vmath

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

// The benchmarks report ns per element ("ns/elem"); "go" runs the pure-Go
// code, "math" a loop calling the math package.

var sink float64

func benchInputs(n int, scale float64) []float64 {
	rng := rand.New(rand.NewPCG(1, uint64(n)))
	x := make([]float64, n)
	for i := range x {
		x[i] = rng.NormFloat64() * scale
	}
	return x
}

func benchElems(b *testing.B, n int, f func()) {
	b.Helper()
	for b.Loop() {
		f()
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(n), "ns/elem")
}

func runBench(b *testing.B, name string, scale float64, vmath func(dst, x []float64), ref func(float64) float64) {
	for _, n := range []int{256, 4096} {
		x := benchInputs(n, scale)
		dst := make([]float64, n)
		b.Run(fmt.Sprintf("%s/n=%d", name, n), func(b *testing.B) {
			benchElems(b, n, func() { vmath(dst, x) })
		})
		b.Run(fmt.Sprintf("%s/go/n=%d", name, n), func(b *testing.B) {
			saved := useAsm
			useAsm = false
			defer func() { useAsm = saved }()
			benchElems(b, n, func() { vmath(dst, x) })
		})
		b.Run(fmt.Sprintf("%s/math/n=%d", name, n), func(b *testing.B) {
			benchElems(b, n, func() {
				for i, v := range x {
					dst[i] = ref(v)
				}
			})
		})
	}
}

func BenchmarkExp(b *testing.B) {
	runBench(b, "Exp", 5, Exp, math.Exp)
}

func BenchmarkExpShiftSum(b *testing.B) {
	// Softmax over attention scores: the math loop subtracts, exponentiates
	// and sums as the code it replaces would.
	runBench(b, "ExpShiftSum", 3,
		func(dst, x []float64) { sink = ExpShiftSum(dst, x, 9) },
		func(v float64) float64 { e := math.Exp(v - 9); sink += e; return e })
}

func BenchmarkErf(b *testing.B) {
	// GELU: erf(x/√2) for activations of unit scale.
	runBench(b, "Erf", 1/math.Sqrt2, Erf, math.Erf)
}

func BenchmarkTanh(b *testing.B) {
	// Recurrent pre-activations of a scale around 1.
	runBench(b, "Tanh", 1, Tanh, math.Tanh)
}
