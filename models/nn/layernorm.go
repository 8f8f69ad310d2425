package nn

import (
	"math"

	"github.com/seqlab/seqlab/models/internal/par"

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
	job  layerNormJob
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
	if n*ln.D < parallelMin || par.Workers() == 1 {
		ln.normRows(Raw(y), Raw(ln.xhat), Raw(x), ln.rstd)
		return
	}
	ln.job = layerNormJob{ln, Raw(y), Raw(ln.xhat), Raw(x)}
	par.For(0, n, &ln.job)
	ln.job = layerNormJob{}
}

// layerNormJob is Forward over rows on the cores: each row is normalised
// on its own, so the result does not depend on how the rows are cut.
type layerNormJob struct {
	ln         *LayerNorm
	y, xhat, x General
}

func (j *layerNormJob) Range(_, lo, hi int) {
	rows := func(g General) General { return View(g.Data[lo*g.Stride:], hi-lo, g.Cols, g.Stride) }
	j.ln.normRows(rows(j.y), rows(j.xhat), rows(j.x), j.ln.rstd[lo:hi])
}

// Apply normalises each row of x (N, D) into y like Forward, but keeps
// nothing for Backward: for inference, such as a streaming Step, that must
// not disturb the activations of the last Forward. y may be x.
func (ln *LayerNorm) Apply(y, x General) {
	ln.normRows(y, y, x, nil)
}

// normRows writes xhat = (x − mean)·rstd and y = xhat ⊙ γ + β for every row
// of x, and rstd = 1/√(var + ε) of each row into rstd unless it is nil.
// xhat may be y, and y may be x. Rows go four at a time: each row's sums
// are still added in order, one chain per row, so that the four chains
// overlap without changing a result.
func (ln *LayerNorm) normRows(y, xhat, x General, rstd []float64) {
	i := 0
	for ; i+4 <= x.Rows; i += 4 {
		var r [4][]float64
		for k := range r {
			r[k] = x.Data[(i+k)*x.Stride:][:ln.D]
		}
		var mean, variance [4]float64
		for j := range r[0] {
			mean[0] += r[0][j]
			mean[1] += r[1][j]
			mean[2] += r[2][j]
			mean[3] += r[3][j]
		}
		for k := range mean {
			mean[k] /= float64(ln.D)
		}
		for j := range r[0] {
			d0, d1, d2, d3 := r[0][j]-mean[0], r[1][j]-mean[1], r[2][j]-mean[2], r[3][j]-mean[3]
			variance[0] += float64(d0 * d0)
			variance[1] += float64(d1 * d1)
			variance[2] += float64(d2 * d2)
			variance[3] += float64(d3 * d3)
		}
		for k := range r {
			rs := ln.scaleRow(y, xhat, i+k, r[k], mean[k], variance[k])
			if rstd != nil {
				rstd[i+k] = rs
			}
		}
	}
	for ; i < x.Rows; i++ {
		row := x.Data[i*x.Stride:][:ln.D]
		mean := 0.0
		for _, v := range row {
			mean += v
		}
		mean /= float64(ln.D)
		variance := 0.0
		for _, v := range row {
			variance += float64((v - mean) * (v - mean))
		}
		rs := ln.scaleRow(y, xhat, i, row, mean, variance)
		if rstd != nil {
			rstd[i] = rs
		}
	}
}

// scaleRow finishes row i of normRows given its mean and the sum of its
// squared deviations, and returns rstd.
func (ln *LayerNorm) scaleRow(y, xhat General, i int, x []float64, mean, sumSq float64) float64 {
	variance := sumSq / float64(ln.D)
	rstd := 1 / math.Sqrt(variance+ln.Eps)
	g, b := ln.Weight.Data(), ln.Bias.Data()
	yr, hr := y.Data[i*y.Stride:][:len(x)], xhat.Data[i*xhat.Stride:][:len(x)]
	for j, v := range x {
		h := (v - mean) * rstd
		hr[j] = h
		yr[j] = float64(h*g[j]) + b[j]
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
