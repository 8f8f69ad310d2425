package bench_test

import (
	"strings"
	"testing"

	"github.com/seqlab/seqlab/bench"
)

// BenchmarkWorkload runs the standard speed workloads of BENCHMARKS.md.
func BenchmarkWorkload(b *testing.B) {
	for _, w := range bench.Workloads() {
		b.Run(w.Name, w.Run)
	}
}

// TestWorkloadsRun runs every workload once so that the suite cannot rot
// between benchmark runs, and checks that streaming steps allocate nothing.
func TestWorkloadsRun(t *testing.T) {
	for _, w := range bench.Workloads() {
		t.Run(w.Name, func(t *testing.T) {
			if testing.Short() && !isStep(w.Name) {
				t.Skip("training workloads run without -short")
			}
			r := testing.Benchmark(w.Run)
			if r.N == 0 {
				t.Fatalf("%s did not run", w.Name)
			}
			if isStep(w.Name) && r.AllocsPerOp() != 0 {
				t.Errorf("%s allocates %d times per step; want 0", w.Name, r.AllocsPerOp())
			}
			if r.Extra["tokens/s"] <= 0 {
				t.Errorf("%s reported no tokens/s", w.Name)
			}
		})
	}
}

func isStep(name string) bool { return strings.HasPrefix(name, "name=infer-step") }
