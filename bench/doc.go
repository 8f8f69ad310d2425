// Package bench holds seqlab's benchmark suites as plain functions of
// *testing.B, so that `go test -bench` (bench_test.go) and the seqlab command
// run the same code.
//
// Names follow benchstat's key=value convention, for example
//
//	BenchmarkWorkload/name=train/model=lstm/B=32/T=64/H=128
//
// and every workload reports tokens/s beside sec/op, B/op and allocs/op.
// Compare two runs with
//
//	go test -run '^$' -bench Workload -count 10 ./bench > new.txt
//	go tool benchstat old.txt new.txt
//
// The workloads are the standard ones of BENCHMARKS.md, the same as
// shared/anchors/torch_ref.py runs in PyTorch: vocabulary 16, embedding 32,
// random tokens.
package bench
