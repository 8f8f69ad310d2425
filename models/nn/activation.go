package nn

import (
	"math"

	"github.com/seqlab/seqlab/models/internal/par"
	"github.com/seqlab/seqlab/models/internal/vmath"
)

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

// SigmoidForward writes y = σ(x) = 1 / (1 + e^(−x)), with the exponentials
// computed four at a time (vmath.Exp); e^(−x) overflowing to +Inf gives 0.
func SigmoidForward(y, x []float64) {
	x = x[:len(y)]
	for i, v := range x {
		y[i] = -v
	}
	vmath.Exp(y, y)
	for i, e := range y {
		y[i] = 1 / (1 + e)
	}
}

// SigmoidBackward writes dx = dy ⊙ y ⊙ (1 − y), given y = σ(x).
func SigmoidBackward(dx, dy, y []float64) {
	for i, v := range y[:len(dx)] {
		dx[i] = dy[i] * v * (1 - v)
	}
}

// TanhForward writes y = tanh(x), with the exponentials computed four at a
// time (vmath.Tanh: within 2 ulp of math.Tanh).
func TanhForward(y, x []float64) { vmath.Tanh(y, x[:len(y)]) }

// TanhBackward writes dx = dy ⊙ (1 − y²), given y = tanh(x).
func TanhBackward(dx, dy, y []float64) {
	for i, v := range y[:len(dx)] {
		dx[i] = dy[i] * (1 - v*v)
	}
}

// GELU is the exact Gaussian error linear unit, x·Φ(x) = x/2·(1 + erf(x/√2)),
// PyTorch's default (approximate="none").
func GELU(x float64) float64 { return 0.5 * x * (1 + math.Erf(x*(math.Sqrt2/2))) }

// GELUForward writes y = GELU(x), over the cores when x is long.
func GELUForward(y, x []float64) {
	elementwise(geluForward, y, x[:len(y)], nil)
}

// geluChunk is how many elements the GELU functions work on at a time, in
// buffers on the stack.
const geluChunk = 256

func geluForward(y, x, _ []float64) {
	var t [geluChunk]float64
	for len(y) > 0 {
		n := min(len(y), geluChunk)
		for i, v := range x[:n] {
			t[i] = v * (math.Sqrt2 / 2)
		}
		vmath.Erf(t[:n], t[:n])
		for i, v := range x[:n] {
			y[i] = 0.5 * v * (1 + t[i])
		}
		y, x = y[n:], x[n:]
	}
}

// GELUBackward writes dx = dy ⊙ GELU'(x), where GELU'(x) = Φ(x) + x·φ(x),
// over the cores when x is long. It needs the forward pass's input x, not its
// output.
func GELUBackward(dx, dy, x []float64) {
	elementwise(geluBackward, dx, dy[:len(dx)], x[:len(dx)])
}

func geluBackward(dx, dy, x []float64) {
	const invSqrt2Pi = 0.3989422804014327 // 1/√(2π)
	var erf, exp [geluChunk]float64
	for len(dx) > 0 {
		n := min(len(dx), geluChunk)
		for i, v := range x[:n] {
			erf[i] = v * (math.Sqrt2 / 2)
			exp[i] = -0.5 * v * v
		}
		vmath.Erf(erf[:n], erf[:n])
		vmath.Exp(exp[:n], exp[:n])
		for i, v := range x[:n] {
			cdf := 0.5 * (1 + erf[i])
			pdf := invSqrt2Pi * exp[i]
			dx[i] = dy[i] * (cdf + v*pdf)
		}
		dx, dy, x = dx[n:], dy[n:], x[n:]
	}
}

// parallelMin is the shortest slice an element-wise function splits over
// the cores: below it, handing out the pieces costs more than it saves.
const parallelMin = 1 << 13

// elementwise runs f(dst, a, b) on the calling goroutine for short slices,
// else on pieces of them over the cores. f must compute each element from
// the same elements of a and b (b may be nil), so the result is the same
// however the slices are cut.
func elementwise(f func(dst, a, b []float64), dst, a, b []float64) {
	if len(dst) < parallelMin || par.Workers() == 1 {
		f(dst, a, b)
		return
	}
	j := elementwiseJobs.Get()
	*j = elementwiseJob{f, dst, a, b}
	par.For(0, len(dst), j)
	*j = elementwiseJob{}
	elementwiseJobs.Put(j)
}

type elementwiseJob struct {
	f         func(dst, a, b []float64)
	dst, a, b []float64
}

func (j *elementwiseJob) Range(_, lo, hi int) {
	var b []float64
	if j.b != nil {
		b = j.b[lo:hi]
	}
	j.f(j.dst[lo:hi], j.a[lo:hi], b)
}

var elementwiseJobs par.FreeList[elementwiseJob]

// AddTo sets dst[i] += x[i], over the cores when dst is long (a residual
// connection).
func AddTo(dst, x []float64) {
	elementwise(addTo, dst, x[:len(dst)], nil)
}

func addTo(dst, x, _ []float64) { vmath.Add(dst, x) }
