package nn

import (
	"fmt"
	"math"

	"github.com/seqlab/seqlab/models/internal/vmath"
	"gonum.org/v1/gonum/mat"
)

// Softmax writes softmax(x) into dst: dstᵢ = e^(xᵢ − m) / Σⱼ e^(xⱼ − m), where
// m = max(x). Subtracting the maximum changes nothing mathematically and keeps
// e^(·) from overflowing. dst may be x.
func Softmax(dst, x []float64) {
	x = x[:len(dst)]
	inv := 1 / vmath.ExpShiftSum(dst, x, vmath.Max(x))
	vmath.Scale(dst, inv)
}

// LogSumExp is log Σᵢ e^(xᵢ), computed as m + log Σᵢ e^(xᵢ − m) with m = max(x).
func LogSumExp(x []float64) float64 {
	m := math.Inf(-1)
	for _, v := range x {
		m = math.Max(m, v)
	}
	if math.IsInf(m, 0) {
		return m
	}
	sum := 0.0
	for _, v := range x {
		sum += math.Exp(v - m)
	}
	return m + math.Log(sum)
}

// CrossEntropy is the mean cross-entropy of the softmax of selected rows of
// logits (N, C) against integer targets:
//
//	loss = (1/|rows|) Σₖ [ logsumexp(logits[rows[k]]) − logits[rows[k]][targets[k]] ]
//
// rows nil means every row (and then len(targets) = N). When dlogits (N, C)
// is not nil it receives ∂loss/∂logits: (softmax − onehot)/|rows| on the
// selected rows and zero elsewhere.
func CrossEntropy(logits *mat.Dense, rows, targets []int, dlogits *mat.Dense) float64 {
	n, c := logits.Dims()
	if rows == nil && len(targets) != n {
		panic(&ShapeError{Op: "CrossEntropy", Msg: fmt.Sprintf("%d targets for %d rows", len(targets), n)})
	}
	if rows != nil && len(rows) != len(targets) {
		panic(&ShapeError{Op: "CrossEntropy", Msg: fmt.Sprintf("%d targets for %d selected rows", len(targets), len(rows))})
	}
	var dl General
	if dlogits != nil {
		checkShape("CrossEntropy", "dlogits", dlogits, n, c)
		dl = Raw(dlogits)
		for i := 0; i < n; i++ {
			clear(dl.Data[i*dl.Stride : i*dl.Stride+c])
		}
	}
	lr := Raw(logits)
	k := len(targets)
	if k == 0 {
		return 0
	}
	inv := 1 / float64(k)
	loss := 0.0
	for j, tgt := range targets {
		r := j
		if rows != nil {
			r = rows[j]
		}
		if tgt < 0 || tgt >= c {
			panic(&ShapeError{Op: "CrossEntropy", Msg: fmt.Sprintf("target %d outside [0, %d)", tgt, c)})
		}
		row := lr.Data[r*lr.Stride : r*lr.Stride+c]
		lse := LogSumExp(row)
		loss += lse - row[tgt]
		if dlogits != nil {
			d := dl.Data[r*dl.Stride : r*dl.Stride+c]
			for i, v := range row {
				d[i] += math.Exp(v-lse) * inv
			}
			d[tgt] -= inv
		}
	}
	return loss * inv
}

// MSE is the mean squared error of column 0 of selected rows of out (N, 1 or
// more) against targets:
//
//	loss = (1/|rows|) Σₖ (out[rows[k]][0] − targets[k])²
//
// rows nil means every row. When dout is not nil it receives ∂loss/∂out:
// 2(out − target)/|rows| in column 0 of the selected rows, zero elsewhere.
func MSE(out *mat.Dense, rows []int, targets []float64, dout *mat.Dense) float64 {
	n, c := out.Dims()
	if rows == nil && len(targets) != n {
		panic(&ShapeError{Op: "MSE", Msg: fmt.Sprintf("%d targets for %d rows", len(targets), n)})
	}
	if rows != nil && len(rows) != len(targets) {
		panic(&ShapeError{Op: "MSE", Msg: fmt.Sprintf("%d targets for %d selected rows", len(targets), len(rows))})
	}
	var dr General
	if dout != nil {
		checkShape("MSE", "dout", dout, n, c)
		dr = Raw(dout)
		for i := 0; i < n; i++ {
			clear(dr.Data[i*dr.Stride : i*dr.Stride+c])
		}
	}
	if len(targets) == 0 {
		return 0
	}
	or := Raw(out)
	inv := 1 / float64(len(targets))
	loss := 0.0
	for j, tgt := range targets {
		r := j
		if rows != nil {
			r = rows[j]
		}
		diff := or.Data[r*or.Stride] - tgt
		loss += diff * diff
		if dout != nil {
			dr.Data[r*dr.Stride] += 2 * diff * inv
		}
	}
	return loss * inv
}
