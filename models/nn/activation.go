package nn

import "math"

// Activations work element-wise on slices. Forward functions may write in
// place (dst and x the same slice). Backward functions take the forward
// pass's output y (or input x for GELU) and accumulate nothing: they write
// dx = dy ⊙ f'(·).

// Sigmoid is σ(x) = 1 / (1 + e^(−x)), computed without overflow for large |x|.
func Sigmoid(x float64) float64 {
	if x >= 0 {
		return 1 / (1 + math.Exp(-x))
	}
	e := math.Exp(x)
	return e / (1 + e)
}

// SigmoidForward writes y = σ(x).
func SigmoidForward(y, x []float64) {
	for i, v := range x[:len(y)] {
		y[i] = Sigmoid(v)
	}
}

// SigmoidBackward writes dx = dy ⊙ y ⊙ (1 − y), given y = σ(x).
func SigmoidBackward(dx, dy, y []float64) {
	for i, v := range y[:len(dx)] {
		dx[i] = dy[i] * v * (1 - v)
	}
}

// TanhForward writes y = tanh(x).
func TanhForward(y, x []float64) {
	for i, v := range x[:len(y)] {
		y[i] = math.Tanh(v)
	}
}

// TanhBackward writes dx = dy ⊙ (1 − y²), given y = tanh(x).
func TanhBackward(dx, dy, y []float64) {
	for i, v := range y[:len(dx)] {
		dx[i] = dy[i] * (1 - v*v)
	}
}

// GELU is the exact Gaussian error linear unit, x·Φ(x) = x/2·(1 + erf(x/√2)),
// PyTorch's default (approximate="none").
func GELU(x float64) float64 { return 0.5 * x * (1 + math.Erf(x/math.Sqrt2)) }

// GELUForward writes y = GELU(x).
func GELUForward(y, x []float64) {
	for i, v := range x[:len(y)] {
		y[i] = GELU(v)
	}
}

// GELUBackward writes dx = dy ⊙ GELU'(x), where GELU'(x) = Φ(x) + x·φ(x).
// It needs the forward pass's input x, not its output.
func GELUBackward(dx, dy, x []float64) {
	const invSqrt2Pi = 0.3989422804014327 // 1/√(2π)
	for i, v := range x[:len(dx)] {
		cdf := 0.5 * (1 + math.Erf(v/math.Sqrt2))
		pdf := invSqrt2Pi * math.Exp(-0.5*v*v)
		dx[i] = dy[i] * (cdf + v*pdf)
	}
}
