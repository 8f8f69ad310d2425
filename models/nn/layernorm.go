package nn

import (
	"math"

	"gonum.org/v1/gonum/mat"
)

// LayerNorm normalises each row of its input to zero mean and unit variance,
// then scales and shifts it, PyTorch nn.LayerNorm over the last dimension:
//
//	y = (x − mean(x)) / √(var(x) + ε) ⊙ γ + β
//
// with the biased variance and ε = 1e-5. γ (Weight) starts at 1, β (Bias) at 0.
type LayerNorm struct {
	D      int
	Eps    float64
	Weight *Param // γ (D)
	Bias   *Param // β (D)

	xhat *mat.Dense // normalised input of the last Forward (N, D)
	rstd []float64  // 1/√(var+ε) per row
}

// NewLayerNorm returns a LayerNorm over rows of width d whose parameters are
// named name+".weight" and name+".bias".
func NewLayerNorm(name string, d int) *LayerNorm {
	ln := &LayerNorm{D: d, Eps: 1e-5, Weight: NewParam(name+".weight", d), Bias: NewParam(name+".bias", d)}
	ln.Weight.Fill(1)
	return ln
}

// Params returns γ and β.
func (ln *LayerNorm) Params() []*Param { return []*Param{ln.Weight, ln.Bias} }

// Forward normalises each row of x (N, D) into y (N, D); y may be x.
func (ln *LayerNorm) Forward(y, x *mat.Dense) {
	n, _ := x.Dims()
	checkShape("LayerNorm.Forward", "x", x, n, ln.D)
	checkShape("LayerNorm.Forward", "y", y, n, ln.D)
	if ln.xhat == nil || ln.xhat.RawMatrix().Rows != n {
		ln.xhat = mat.NewDense(n, ln.D, nil)
		ln.rstd = make([]float64, n)
	}
	xr, yr, hr := Raw(x), Raw(y), Raw(ln.xhat)
	for i := 0; i < n; i++ {
		ln.rstd[i] = ln.normRow(yr.Data[i*yr.Stride:i*yr.Stride+ln.D], hr.Data[i*hr.Stride:i*hr.Stride+ln.D], xr.Data[i*xr.Stride:i*xr.Stride+ln.D])
	}
}

// Apply normalises each row of x (N, D) into y like Forward, but keeps
// nothing for Backward: for inference, such as a streaming Step, that must
// not disturb the activations of the last Forward. y may be x.
func (ln *LayerNorm) Apply(y, x General) {
	for i := 0; i < x.Rows; i++ {
		row := y.Data[i*y.Stride : i*y.Stride+ln.D]
		ln.normRow(row, row, x.Data[i*x.Stride:i*x.Stride+ln.D])
	}
}

// normRow writes xhat = (x − mean)·rstd and y = xhat ⊙ γ + β for one row
// and returns rstd = 1/√(var + ε). xhat may be y, and y may be x.
func (ln *LayerNorm) normRow(y, xhat, x []float64) float64 {
	mean := 0.0
	for _, v := range x {
		mean += v
	}
	mean /= float64(ln.D)
	variance := 0.0
	for _, v := range x {
		variance += (v - mean) * (v - mean)
	}
	variance /= float64(ln.D)
	rstd := 1 / math.Sqrt(variance+ln.Eps)
	g, b := ln.Weight.Data(), ln.Bias.Data()
	for j, v := range x {
		h := (v - mean) * rstd
		xhat[j] = h
		y[j] = h*g[j] + b[j]
	}
	return rstd
}

// Backward accumulates dγ += Σ dy ⊙ x̂ and dβ += Σ dy, and writes
//
//	dx = rstd · (dx̂ − mean(dx̂) − x̂ · mean(dx̂ ⊙ x̂)),  dx̂ = dy ⊙ γ
//
// into dx (N, D); dx may be dy.
func (ln *LayerNorm) Backward(dx, dy *mat.Dense) {
	if ln.xhat == nil {
		panic(&ShapeError{Op: "LayerNorm.Backward", Msg: "called before Forward"})
	}
	n := len(ln.rstd)
	checkShape("LayerNorm.Backward", "dy", dy, n, ln.D)
	checkShape("LayerNorm.Backward", "dx", dx, n, ln.D)
	dyr, dxr, hr := Raw(dy), Raw(dx), Raw(ln.xhat)
	g, dg, db := ln.Weight.Data(), ln.Weight.GradData(), ln.Bias.GradData()
	d := float64(ln.D)
	for i := 0; i < n; i++ {
		gy := dyr.Data[i*dyr.Stride : i*dyr.Stride+ln.D]
		h := hr.Data[i*hr.Stride : i*hr.Stride+ln.D]
		meanD, meanDH := 0.0, 0.0
		for j, v := range gy {
			dg[j] += v * h[j]
			db[j] += v
			dh := v * g[j]
			meanD += dh
			meanDH += dh * h[j]
		}
		meanD /= d
		meanDH /= d
		out := dxr.Data[i*dxr.Stride : i*dxr.Stride+ln.D]
		for j := range out {
			dh := gy[j] * g[j]
			out[j] = ln.rstd[i] * (dh - meanD - h[j]*meanDH)
		}
	}
}
