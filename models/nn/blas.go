package nn

import (
	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"
)

// General is a row-major matrix view on a float64 slice: the form the hot paths
// hand to blas64. Models use it to address, for example, the rows of one time
// step inside a (T·B, H) buffer without copying.
type General = blas64.General

// View returns the Rows×Cols General starting at data[0] with the given stride.
func View(data []float64, rows, cols, stride int) General {
	return General{Rows: rows, Cols: cols, Stride: stride, Data: data}
}

// Raw returns m's storage as a General (shared, not copied).
func Raw(m *mat.Dense) General { return m.RawMatrix() }

// Gemm computes c = alpha·op(a)·op(b) + beta·c, where op transposes when the
// corresponding flag is set. It is blas64.Gemm with booleans instead of
// blas.Transpose values, to keep call sites short.
func Gemm(transA, transB bool, alpha float64, a, b General, beta float64, c General) {
	ta, tb := blas.NoTrans, blas.NoTrans
	if transA {
		ta = blas.Trans
	}
	if transB {
		tb = blas.Trans
	}
	blas64.Gemm(ta, tb, alpha, a, b, beta, c)
}

// GemmSerial is Gemm on the calling goroutine. gonum's Gemm hands a product
// whose c spans 4 or more 64×64 blocks to new goroutines, which allocates on
// every call and, for the few rows of a streaming step (1×H times H×4H is
// already 4 blocks at H = 64), costs more than it saves. GemmSerial calls
// Gemm on tiles of c of at most 64×192, each below that threshold. (The
// parallel path also splits the inner dimension into blocks of 64, so the
// two can differ in the last bits when it exceeds 64.)
func GemmSerial(transA, transB bool, alpha float64, a, b General, beta float64, c General) {
	const tileRows, tileCols = 64, 3 * 64
	for i := 0; i < c.Rows; i += tileRows {
		mi := min(tileRows, c.Rows-i)
		var ai General
		if transA {
			ai = View(a.Data[i:], a.Rows, mi, a.Stride)
		} else {
			ai = View(a.Data[i*a.Stride:], mi, a.Cols, a.Stride)
		}
		for j := 0; j < c.Cols; j += tileCols {
			nj := min(tileCols, c.Cols-j)
			var bj General
			if transB {
				bj = View(b.Data[j*b.Stride:], nj, b.Cols, b.Stride)
			} else {
				bj = View(b.Data[j:], b.Rows, nj, b.Stride)
			}
			Gemm(transA, transB, alpha, ai, bj, beta, View(c.Data[i*c.Stride+j:], mi, nj, c.Stride))
		}
	}
}

// AddRowVector adds v (length Cols) to every row of m.
func AddRowVector(m General, v []float64) {
	for i := 0; i < m.Rows; i++ {
		row := m.Data[i*m.Stride : i*m.Stride+m.Cols]
		for j, x := range v {
			row[j] += x
		}
	}
}

// SumRowsInto adds the column sums of m to dst: dst[j] += Σᵢ m[i][j].
func SumRowsInto(dst []float64, m General) {
	for i := 0; i < m.Rows; i++ {
		row := m.Data[i*m.Stride : i*m.Stride+m.Cols]
		for j, x := range row {
			dst[j] += x
		}
	}
}
