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
//
// # Suites
//
//   - Workload (speed): the standard workloads, tokens/s beside sec/op.
//   - Recall: every model trained on delayed (lags 2…256), adding (T 25…400),
//     mqar (N 2…16) and induction (T 32…128, with a one-layer transformer as
//     the control), with the standard budget, one sub-benchmark per seed
//     (seed=0, seed=1: seqlab bench --seeds N runs more); it reports recall
//     (or mse), loss and steps. Run it with -benchtime 1x.
//   - Memory: per model and T (64…8192), streaming inference and a training
//     step: ns/token, peak-B (the most heap a pass takes, sampled with
//     runtime/metrics; resolution about 8 KiB) and state-B (the recurrent
//     state or the KV cache).
//
// With -short every suite runs a tiny version in seconds; make test does.
//
// # The standard budget
//
// The same for every model and as anchors/torch_recall.py: batch 32, Adam
// (β 0.9/0.999, ε 1e-8), learning-rate warm-up over 50 steps, gradient-norm
// clipping at 1.0, 400 steps (2000 for adding, mqar and induction: SolveSteps), 1024
// held-out sequences; the model from seed s,
// the batches from 1000+s, the held-out set from 99. Delayed recall runs
// its steps to the end, as PyTorch's reference does; adding, mqar and
// induction stop once solved (recall 0.99, MSE 0.01, checked every 100
// steps) and report the steps they took.
//
//	model        sizes                                   learning rate
//	rnn          embedding 32, hidden 64                 1e-3
//	lstm         embedding 32, hidden 64, forget bias 1  3e-3
//	lstm-fb5     the same, forget-gate bias 5            3e-3
//	transformer  d 64, 4 heads, 2 layers, MLP 128        1e-3
//
// These are PyTorch's rates: with them PyTorch's recall curve shows where
// each architecture stops recalling (RNN after lag 4, LSTM around lag 16,
// LSTM with forget bias 5 around lag 128, the transformer never), and
// seqlab's training loop takes exactly PyTorch's steps from the same
// weights and batches (train's TestTrainingMatchesPyTorch), so the budget is
// kept as it is rather than tuned.
package bench
