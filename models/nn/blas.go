package nn

import (
	"fmt"
	"runtime"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"github.com/seqlab/seqlab/models/internal/gemm"
	"github.com/seqlab/seqlab/models/internal/par"
	"github.com/seqlab/seqlab/models/internal/vmath"
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
// corresponding flag is set, on up to GOMAXPROCS goroutines when the product
// is large enough to pay for them. It runs seqlab's own kernel
// (models/internal/gemm: AVX2+FMA on amd64, several times gonum's pure-Go
// dgemm), whose results do not depend on the number of goroutines: each
// element of c is always computed by the same chain of fused multiply-adds.
// A product of a few rows (a streaming step of batch 1) runs on the calling
// goroutine and reads the weights in place instead (fewRowsSerial): packing
// them, as the blocked kernel does, would cost as much as the product. Mismatched dimensions panic, as blas64.Gemm's do.
func Gemm(transA, transB bool, alpha float64, a, b General, beta float64, c General) {
	m, n, k := gemmDims(transA, transB, a, b, c)
	if m <= fewRows {
		fewRowsSerial(transA, transB, alpha, a, b, beta, c)
		return
	}
	gemm.DgemmParallel(runtime.GOMAXPROCS(0), transA, transB, m, n, k, alpha, a.Data, a.Stride, b.Data, b.Stride, beta, c.Data, c.Stride)
}

// GemmSerial is Gemm on the calling goroutine.
func GemmSerial(transA, transB bool, alpha float64, a, b General, beta float64, c General) {
	m, n, k := gemmDims(transA, transB, a, b, c)
	if m <= fewRows {
		fewRowsSerial(transA, transB, alpha, a, b, beta, c)
		return
	}
	gemm.Dgemm(transA, transB, m, n, k, alpha, a.Data, a.Stride, b.Data, b.Stride, beta, c.Data, c.Stride)
}

// fewRows is the most rows of c that go to fewRowsSerial.
const fewRows = 4

// fewRowsSerial is the product of a streaming step, a few rows of c: with
// Bᵀ (a Linear layer's x·Wᵀ, the common case), dot products that read W in
// place (gemm.DgemmFewRows); otherwise gonum's dgemm.
func fewRowsSerial(transA, transB bool, alpha float64, a, b General, beta float64, c General) {
	if !transA && transB {
		gemm.DgemmFewRows(c.Rows, c.Cols, a.Cols, alpha, a.Data, a.Stride, b.Data, b.Stride, beta, c.Data, c.Stride)
		return
	}
	gonumSerial(transA, transB, alpha, a, b, beta, c)
}

// gonumSerial is gonum's dgemm on the calling goroutine. gonum hands a
// product whose c spans 4 or more 64×64 blocks to new goroutines, which
// allocates on every call and, for the few rows of a streaming step, costs
// more than it saves; so it is called on tiles of c of at most 64×192, each
// below that threshold.
func gonumSerial(transA, transB bool, alpha float64, a, b General, beta float64, c General) {
	ta, tb := blas.NoTrans, blas.NoTrans
	if transA {
		ta = blas.Trans
	}
	if transB {
		tb = blas.Trans
	}
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
			blas64.Gemm(ta, tb, alpha, ai, bj, beta, View(c.Data[i*c.Stride+j:], mi, nj, c.Stride))
		}
	}
}

// gemmDims checks that op(a) is m×k, op(b) k×n and c m×n, and returns them.
func gemmDims(transA, transB bool, a, b, c General) (m, n, k int) {
	am, ak := a.Rows, a.Cols
	if transA {
		am, ak = ak, am
	}
	bk, bn := b.Rows, b.Cols
	if transB {
		bk, bn = bn, bk
	}
	if am != c.Rows || bn != c.Cols || ak != bk {
		panic(fmt.Sprintf("nn: Gemm: bad dimensions: op(a) is %d×%d, op(b) %d×%d, c %d×%d", am, ak, bk, bn, c.Rows, c.Cols))
	}
	return c.Rows, c.Cols, ak
}

// AddRowVector adds v (length Cols) to every row of m.
func AddRowVector(m General, v []float64) {
	v = v[:m.Cols]
	for i := 0; i < m.Rows; i++ {
		vmath.Add(m.Data[i*m.Stride:i*m.Stride+m.Cols], v)
	}
}

// SumRowsInto adds the column sums of m to dst: dst[j] += Σᵢ m[i][j], the
// rows added one after the other (four columns at a time: each column's sum
// is still in row order).
func SumRowsInto(dst []float64, m General) {
	dst = dst[:m.Cols]
	for i := 0; i < m.Rows; i++ {
		vmath.Add(dst, m.Data[i*m.Stride:i*m.Stride+m.Cols])
	}
}

// Packed is a matrix op(W) prepared once for many products c = a·op(W): a
// recurrent weight, multiplied at every step of a sequence, is packed into
// the kernel's panels once per sequence rather than once per step. Its
// products are bit for bit those of Gemm and GemmSerial with op(W), and a
// product may cover any subset of the rows Pack was told of, so goroutines
// can share one Packed, each taking some rows of the batch.
type Packed struct {
	w     General
	trans bool
	few   bool // products of a few rows: fewRowsSerial, reading w in place
	p     gemm.PackedB
}

// Pack prepares op(w) (wᵀ if trans) for products with matrices of rows rows
// in all: the batch that calls of Gemm split between them. It keeps a
// reference to w, which must not change while the Packed is in use.
func (p *Packed) Pack(trans bool, w General, rows int) {
	p.w, p.trans, p.few = w, trans, rows <= fewRows
	if p.few {
		return
	}
	k, n := w.Rows, w.Cols
	if trans {
		k, n = n, k
	}
	p.p.Pack(trans, k, n, w.Data, w.Stride)
}

// Gemm computes c = alpha·a·op(W) + beta·c on the calling goroutine.
func (p *Packed) Gemm(alpha float64, a General, beta float64, c General) {
	gemmDims(false, p.trans, a, p.w, c)
	if p.few {
		fewRowsSerial(false, p.trans, alpha, a, p.w, beta, c)
		return
	}
	gemm.DgemmPacked(false, a.Rows, alpha, a.Data, a.Stride, &p.p, beta, c.Data, c.Stride)
}

// minChunkWork is the least work (multiply-adds) worth a chunk of its own in
// RowChunks: about 10 µs, several times the cost of handing it to a helper.
const minChunkWork = 1 << 17

// RowChunks returns how many chunks a loop over rows items, each costing
// about rowWork multiply-adds, should be cut into for par.For: one per core,
// fewer when a chunk would get too little work to pay for the hand-off.
func RowChunks(rows int, rowWork float64) int {
	return max(1, min(par.Workers(), rows, int(float64(rows)*rowWork/minChunkWork)))
}
