package nn

import (
	"math"
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"

	"github.com/seqlab/seqlab/models/internal/gemm"
)

// Linear is a fully connected layer, y = x·Wᵀ + b, with PyTorch nn.Linear's
// layout and initialisation: Weight is (Out, In), Bias is (Out), both drawn
// uniformly from ±1/√In.
type Linear struct {
	In, Out int
	Weight  *Param // (Out, In)
	Bias    *Param // (Out)

	x *mat.Dense // input of the last Forward, kept for Backward
}

// NewLinear returns a Linear layer whose parameters are named name+".weight"
// and name+".bias".
func NewLinear(name string, in, out int, rng *rand.Rand) *Linear {
	l := &Linear{In: in, Out: out, Weight: NewParam(name+".weight", out, in), Bias: NewParam(name+".bias", out)}
	bound := 1 / math.Sqrt(float64(in))
	l.Weight.Uniform(rng, bound)
	l.Bias.Uniform(rng, bound)
	return l
}

// Params returns the weight and the bias.
func (l *Linear) Params() []*Param { return []*Param{l.Weight, l.Bias} }

// Forward computes y = x·Wᵀ + b for x (N, In) into y (N, Out) and keeps x for Backward.
func (l *Linear) Forward(y, x *mat.Dense) {
	n, _ := x.Dims()
	checkShape("Linear.Forward", "x", x, n, l.In)
	checkShape("Linear.Forward", "y", y, n, l.Out)
	l.ForwardRaw(Raw(y), Raw(x))
	l.x = x
}

// ForwardRaw is Forward on raw views; it keeps nothing for Backward.
func (l *Linear) ForwardRaw(y, x General) {
	if gemm.KBlock(l.In) == l.In {
		// One block of the inner dimension: start y at the bias and let the
		// product add to it, one pass over y instead of two. The kernel adds
		// its sum to y as fma(1, sum, 1·b), which rounds exactly as sum + b
		// does: the same result as below, bit for bit.
		b := l.Bias.Data()
		for i := 0; i < y.Rows; i++ {
			copy(y.Data[i*y.Stride:i*y.Stride+y.Cols], b)
		}
		Gemm(false, true, 1, x, Raw(l.Weight.Value), 1, y)
		return
	}
	Gemm(false, true, 1, x, Raw(l.Weight.Value), 0, y)
	AddRowVector(y, l.Bias.Data())
}

// Apply computes y = x·Wᵀ + b on the calling goroutine (GemmSerial) and keeps
// nothing: for inference on a few rows, such as a streaming step, where it
// allocates nothing and does not disturb the last Forward.
func (l *Linear) Apply(y, x General) {
	GemmSerial(false, true, 1, x, Raw(l.Weight.Value), 0, y)
	AddRowVector(y, l.Bias.Data())
}

// Backward accumulates dW += dyᵀ·x and db += Σ dy, and writes dx = dy·W when
// dx is not nil.
func (l *Linear) Backward(dx, dy *mat.Dense) {
	if l.x == nil {
		panic(&ShapeError{Op: "Linear.Backward", Msg: "called before Forward"})
	}
	n, _ := l.x.Dims()
	checkShape("Linear.Backward", "dy", dy, n, l.Out)
	var dxr General
	if dx != nil {
		checkShape("Linear.Backward", "dx", dx, n, l.In)
		dxr = Raw(dx)
	}
	l.BackwardRaw(dxr, Raw(dy), Raw(l.x))
}

// BackwardRaw is Backward on raw views, given the input x of the forward pass;
// dx is skipped when its Data is nil.
func (l *Linear) BackwardRaw(dx, dy, x General) {
	Gemm(true, false, 1, dy, x, 1, Raw(l.Weight.Grad))
	SumRowsInto(l.Bias.GradData(), dy)
	if dx.Data != nil {
		Gemm(false, false, 1, dy, Raw(l.Weight.Value), 0, dx)
	}
}
