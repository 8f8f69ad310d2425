package report_test

import (
	"fmt"
	"log"
	"strings"

	"github.com/seqlab/seqlab/bench/report"
)

// Two seeds of the delayed-recall sweep: the LSTM forgets between lag 8 and
// lag 32, one seed earlier than the other.
func Example() {
	out := `goos: linux
Unit recall better=higher assume=exact
BenchmarkRecall/task=delayed/model=lstm/lag=8/seed=0-2   1  6312345678 ns/op  1.0000 recall
BenchmarkRecall/task=delayed/model=lstm/lag=8/seed=1-2   1  6298765432 ns/op  1.0000 recall
BenchmarkRecall/task=delayed/model=lstm/lag=16/seed=0-2  1  6401234567 ns/op  0.3838 recall
BenchmarkRecall/task=delayed/model=lstm/lag=16/seed=1-2  1  6389012345 ns/op  1.0000 recall
BenchmarkRecall/task=delayed/model=lstm/lag=32/seed=0-2  1  6512345678 ns/op  0.1123 recall
BenchmarkRecall/task=delayed/model=lstm/lag=32/seed=1-2  1  6498765432 ns/op  0.1211 recall
BenchmarkRecall/task=delayed/model=transformer/lag=32/seed=0-2  1  9876543210 ns/op  1.0000 recall
`
	r, err := report.Parse(strings.NewReader(out))
	if err != nil {
		log.Fatal(err)
	}
	for _, t := range r.RecallTables() {
		fmt.Print(t)
	}
	// Output:
	// delayed: recall by lag (chance 0.125)
	// lag              lstm  transformer
	// 8    1.00 (1.00/1.00)
	// 16   0.69 (0.38/1.00)
	// 32   0.12 (0.11/0.12)         1.00
	// cell: mean over seeds (each seed's value, seeds 0/1); repeated runs of a seed are averaged first
	// blank: not run
}

// Slopes fits each memory metric against T on log-log axes: here the KV
// cache doubles with T, a slope of 1.
func ExampleResults_Slopes() {
	out := `BenchmarkMemory/mode=infer/model=transformer/T=256-2   100  1941291 ns/op  524288 state-B
BenchmarkMemory/mode=infer/model=transformer/T=512-2    40  5054968 ns/op  1048576 state-B
BenchmarkMemory/mode=infer/model=transformer/T=1024-2   13 15203214 ns/op  2097152 state-B
`
	r, err := report.Parse(strings.NewReader(out))
	if err != nil {
		log.Fatal(err)
	}
	for _, s := range r.Slopes() {
		want, why, _ := s.Expected()
		fmt.Printf("%s %s %s: %.2f over %d points (expected %g, %s)\n", s.Mode, s.Model, s.Metric, s.Slope, s.Points, want, why)
	}
	// Output:
	// infer transformer state-B: 1.00 over 3 points (expected 1, O(T): the KV cache)
}
