package nn

import "fmt"

// Input is a batch of B sequences of T steps, the input of every seqlab model.
// Either Tokens holds B·T token ids (row-major: sequence b, step t at b·T+t),
// or X holds B·T·F real values (step (b, t) at X[(b·T+t)·F : (b·T+t+1)·F]).
type Input struct {
	B, T   int
	Tokens []int     // len B·T, for models with an embedding
	X      []float64 // len B·T·F, for models with real-valued input
	F      int       // features per step when X is used
}

// TokenInput wraps token ids as an Input of B sequences of T steps.
func TokenInput(B, T int, tokens []int) Input { return Input{B: B, T: T, Tokens: tokens} }

// RealInput wraps real values as an Input of B sequences of T steps with F features each.
func RealInput(B, T, F int, x []float64) Input { return Input{B: B, T: T, X: x, F: F} }

// CheckTokens reports whether in is a well-formed token batch over a vocabulary of v ids.
func (in Input) CheckTokens(v int) error {
	if in.B <= 0 || in.T <= 0 {
		return fmt.Errorf("input has B=%d, T=%d; both must be positive", in.B, in.T)
	}
	if in.Tokens == nil {
		return fmt.Errorf("this model reads token ids, but the input has none (Tokens is nil)")
	}
	if len(in.Tokens) != in.B*in.T {
		return fmt.Errorf("input has %d token ids; want B·T = %d·%d = %d", len(in.Tokens), in.B, in.T, in.B*in.T)
	}
	for i, tok := range in.Tokens {
		if tok < 0 || tok >= v {
			return fmt.Errorf("token id %d at sequence %d, step %d is outside the vocabulary [0, %d)", tok, i/in.T, i%in.T, v)
		}
	}
	return nil
}

// CheckReal reports whether in is a well-formed real-valued batch with f features per step.
func (in Input) CheckReal(f int) error {
	if in.B <= 0 || in.T <= 0 {
		return fmt.Errorf("input has B=%d, T=%d; both must be positive", in.B, in.T)
	}
	if in.X == nil {
		return fmt.Errorf("this model reads %d real values per step, but the input has none (X is nil)", f)
	}
	if in.F != f {
		return fmt.Errorf("input has %d features per step; this model wants %d", in.F, f)
	}
	if len(in.X) != in.B*in.T*f {
		return fmt.Errorf("input has %d values; want B·T·F = %d·%d·%d = %d", len(in.X), in.B, in.T, f, in.B*in.T*f)
	}
	return nil
}
