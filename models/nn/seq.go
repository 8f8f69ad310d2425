package nn

import (
	"fmt"
	"math/rand/v2"
)

// Sequence models in seqlab keep their activations in time-major order: the B
// rows of step t are rows t·B … t·B+B−1 of a (T·B, width) buffer, so one step
// is one contiguous block and the matrix products over all steps are single
// GEMMs. Inputs and outputs face the user in batch-major order (row b·T+t).
// The helpers below move between the two and read an Input into time-major rows.

// TimeMajorRow is the time-major row of batch-major row i = b·T+t: t·B+b.
func TimeMajorRow(i, B, T int) int { return (i%T)*B + i/T }

// ToTimeMajor copies batch-major rows of src (B·T, C) into time-major rows of dst.
func ToTimeMajor(dst, src General, B, T int) {
	for b := 0; b < B; b++ {
		for t := 0; t < T; t++ {
			s, d := b*T+t, t*B+b
			copy(dst.Data[d*dst.Stride:d*dst.Stride+src.Cols], src.Data[s*src.Stride:s*src.Stride+src.Cols])
		}
	}
}

// ToBatchMajor copies time-major rows of src (T·B, C) into batch-major rows of dst.
func ToBatchMajor(dst, src General, B, T int) {
	for b := 0; b < B; b++ {
		for t := 0; t < T; t++ {
			s, d := t*B+b, b*T+t
			copy(dst.Data[d*dst.Stride:d*dst.Stride+src.Cols], src.Data[s*src.Stride:s*src.Stride+src.Cols])
		}
	}
}

// SeqInput is the first layer of a sequence model: token ids through an
// Embedding, or real-valued vectors passed through unchanged (the model's
// first weight matrix is then their linear projection).
type SeqInput struct {
	Vocab    int        // token vocabulary; 0 for real-valued input
	Features int        // real values per step when Vocab is 0
	Emb      *Embedding // nil for real-valued input
}

// NewSeqInput returns a token input with an embedding named name of width
// embed when vocab > 0, and a real-valued input of features values otherwise.
func NewSeqInput(name string, vocab, embed, features int, rng *rand.Rand) *SeqInput {
	if vocab > 0 {
		return &SeqInput{Vocab: vocab, Emb: NewEmbedding(name, vocab, embed, rng)}
	}
	return &SeqInput{Features: features}
}

// Width is the number of values per step the layer produces.
func (s *SeqInput) Width() int {
	if s.Emb != nil {
		return s.Emb.D
	}
	return s.Features
}

// Params returns the embedding table, or nothing for real-valued input.
func (s *SeqInput) Params() []*Param {
	if s.Emb != nil {
		return s.Emb.Params()
	}
	return nil
}

// Check reports whether in suits this layer: token ids inside the vocabulary,
// or real values of the right width.
func (s *SeqInput) Check(in Input) error {
	if s.Emb != nil {
		return in.CheckTokens(s.Vocab)
	}
	return in.CheckReal(s.Features)
}

// Forward writes the input vectors of in into dst (T·B, Width) in time-major
// order. in must have passed Check.
func (s *SeqInput) Forward(dst General, in Input) {
	if s.Emb != nil {
		s.Emb.lookup(dst, in.Tokens, func(i int) int { return TimeMajorRow(i, in.B, in.T) })
		return
	}
	ToTimeMajor(dst, View(in.X, in.B*in.T, in.F, in.F), in.B, in.T)
}

// Backward accumulates the gradient dx (T·B, Width, time-major) of the
// vectors Forward produced for in into the embedding. Real-valued input has
// no parameters, so it does nothing then.
func (s *SeqInput) Backward(dx General, in Input) {
	if s.Emb == nil {
		return
	}
	s.Emb.accumulate(dx, in.Tokens, func(i int) int { return TimeMajorRow(i, in.B, in.T) })
}

// Size limits shared by the models' Config.Validate.
const (
	// MaxDim bounds any single size in a model configuration.
	MaxDim = 1 << 20
	// MaxParamBytes bounds the memory of a model's parameters (values only;
	// gradients and Adam's moments take three times as much again).
	MaxParamBytes = 2 << 30
	// MaxActivationBytes bounds the activation buffers one forward pass may ask for.
	MaxActivationBytes = 8 << 30
)

// CheckDim returns an error unless 0 < n ≤ MaxDim. what names the field
// ("Hidden"), eg gives a sensible value ("64").
func CheckDim(model, what string, n int, eg string) error {
	switch {
	case n <= 0:
		return fmt.Errorf("%s: %s is %d; it must be positive (e.g. %s)", model, what, n, eg)
	case n > MaxDim:
		return fmt.Errorf("%s: %s is %d; at most %d is supported (e.g. %s)", model, what, n, MaxDim, eg)
	}
	return nil
}

// CheckInputSizes validates the sizes every sequence model shares: either
// token input (vocab > 0, embedded in embed values) or real-valued input
// (features > 0), and the output width. model names the package in errors.
func CheckInputSizes(model string, vocab, embed, features, outputs int) error {
	if vocab < 0 || features < 0 {
		return fmt.Errorf("%s: Vocab (%d) and Features (%d) must not be negative", model, vocab, features)
	}
	switch {
	case vocab == 0 && features == 0:
		return fmt.Errorf("%s: set Vocab (token input, e.g. 17) or Features (real-valued input, e.g. 2)", model)
	case vocab > 0 && features > 0:
		return fmt.Errorf("%s: set Vocab (token input) or Features (real-valued input), not both (Vocab=%d, Features=%d)", model, vocab, features)
	}
	if vocab > 0 {
		if err := CheckDim(model, "Vocab", vocab, "17"); err != nil {
			return err
		}
		if err := CheckDim(model, "Embed", embed, "32"); err != nil {
			return err
		}
	} else if err := CheckDim(model, "Features", features, "2"); err != nil {
		return err
	}
	return CheckDim(model, "Outputs", outputs, "17")
}

// InputWidth is the width of a sequence model's input vectors: embed for
// token input (vocab > 0), features otherwise.
func InputWidth(vocab, embed, features int) int {
	if vocab > 0 {
		return embed
	}
	return features
}

// CheckParamCount returns an error when count float64 parameters would exceed
// MaxParamBytes.
func CheckParamCount(model string, count int) error {
	if bytes := float64(count) * 8; bytes > MaxParamBytes {
		return fmt.Errorf("%s: this configuration has %d parameters (%.1f GiB, %.1f GiB more for gradients and Adam); the limit is %d GiB: make the widths smaller",
			model, count, bytes/(1<<30), 3*bytes/(1<<30), MaxParamBytes>>30)
	}
	return nil
}

// CheckActivations returns an error when a pass over B·T rows that keeps
// perRow float64 values per row would exceed MaxActivationBytes.
func CheckActivations(model string, B, T, perRow int) error {
	if bytes := float64(B) * float64(T) * float64(perRow) * 8; bytes > MaxActivationBytes {
		return fmt.Errorf("%s: a batch of B=%d sequences of T=%d steps needs %.1f GiB of activations; the limit is %d GiB: use a smaller batch or shorter sequences",
			model, B, T, bytes/(1<<30), MaxActivationBytes>>30)
	}
	return nil
}
