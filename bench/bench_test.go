package bench_test

import (
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/seqlab/seqlab/bench"
)

var unitsOnce sync.Once

// units prints the Unit metadata lines once, before the first result.
func units() { unitsOnce.Do(func() { bench.WriteUnits(os.Stdout) }) }

// BenchmarkWorkload runs the standard speed workloads of BENCHMARKS.md.
func BenchmarkWorkload(b *testing.B) {
	units()
	for _, w := range bench.Workloads() {
		b.Run(w.Name, w.Run)
	}
}

// BenchmarkRecall trains every model of the recall suite over every task's
// sweep, one sub-benchmark per seed; run it with -benchtime 1x (make
// bench-recall). With -short it runs a tiny version.
func BenchmarkRecall(b *testing.B) {
	units()
	for _, c := range bench.RecallCases(testing.Short()) {
		b.Run(c.Name(), func(b *testing.B) { bench.RunRecall(b, c, testing.Short()) })
	}
}

// BenchmarkMemory is the memory and cost scaling sweep (make bench-memory).
func BenchmarkMemory(b *testing.B) {
	units()
	for _, c := range bench.MemoryCases(testing.Short()) {
		b.Run(c.Name(), func(b *testing.B) { bench.RunMemory(b, c) })
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
