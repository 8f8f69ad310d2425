// Package nn holds the building blocks that every seqlab model is made of:
// parameters with gradients, layers as Forward/Backward pairs, losses, the Adam
// optimiser, gradient clipping, a learning-rate warm-up and a gradient checker.
//
// Everything is float64. Matrices are gonum *mat.Dense values, row-major, so a
// REPL user can print and inspect them; the hot paths work on the raw slices
// and reuse buffers allocated once, so that a training step allocates nothing
// after the first.
//
// Speed comes from three internal packages: models/internal/gemm (seqlab's
// matrix kernel, AVX2+FMA assembly with a pure-Go fallback, behind Gemm and
// GemmSerial, and Packed for a weight used at every step of a sequence),
// models/internal/vmath (exp, erf and tanh four elements at a time, for
// Softmax, GELU, sigmoid and tanh) and models/internal/par (long-lived
// helper goroutines that split loops over the cores: matrix products,
// attention heads, the sequences of a recurrent batch, LayerNorm rows, long
// element-wise slices; see RowChunks). Every split is by output element or
// by row, so results are the same bit for bit whatever GOMAXPROCS is.
//
// Dimension letters used throughout: N rows (usually B·T), B batch, T time,
// In input width, Out output width, D model width, V vocabulary.
//
// Every layer follows the same pattern (after llm.c): Forward writes its output
// and keeps what Backward needs; Backward takes the gradient of the loss with
// respect to the output, accumulates (+=) into the parameters' gradients and
// writes the gradient with respect to the input. A layer's Backward must follow
// its Forward; calling it first is a programming error and panics.
//
// A short example, fitting y = 2x + 1 with one linear unit:
//
//	rng := nn.NewRNG(1)
//	lin := nn.NewLinear("lin", 1, 1, rng)
//	opt := nn.NewAdam(lin.Params(), nn.AdamConfig{LR: 0.1})
//	x := mat.NewDense(4, 1, []float64{-1, 0, 1, 2})
//	want := []float64{-1, 1, 3, 5}
//	y, dy := mat.NewDense(4, 1, nil), mat.NewDense(4, 1, nil)
//	for range 500 {
//		nn.ZeroGrad(lin.Params())
//		lin.Forward(y, x)
//		nn.MSE(y, nil, want, dy)
//		lin.Backward(nil, dy)
//		opt.Step()
//	}
//
// Misuse (mismatched shapes passed between layers) panics with a *ShapeError;
// problems with data a user supplies (token ids outside the vocabulary, a bad
// configuration) are returned as errors that say what to change.
package nn
