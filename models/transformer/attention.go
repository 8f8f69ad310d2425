package transformer

import (
	"fmt"
	"math"

	"github.com/seqlab/seqlab/models/nn"
	"gonum.org/v1/gonum/mat"
)

// Attention is scaled dot-product attention for one head, the heart of the
// transformer, written out step by step:
//
//	scores  = Q·Kᵀ / √d_k          how well each query matches each key
//	scores  = mask(scores)          causal: query i may not look at keys after i
//	weights = softmax(scores)       per row: positive, summing to 1
//	out     = weights·V             each query gets a weighted mix of the values
//
// q is (Tq, d_k), k is (Tk, d_k), v is (Tk, d_v); out is (Tq, d_v) and
// weights (Tq, Tk). The scaling by 1/√d_k keeps the scores from growing with
// d_k, which would push softmax into saturation and its gradients towards 0.
// With causal set, query i sits at position i + Tk − Tq (the queries are the
// last Tq positions) and sees keys 0 … i + Tk − Tq.
//
// The model runs exactly this on views of its buffers, for every sequence,
// layer and head (several heads at once, one per core, each on one core).
func Attention(q, k, v *mat.Dense, causal bool) (out, weights *mat.Dense) {
	tq, dk := q.Dims()
	tk, dk2 := k.Dims()
	tv, dv := v.Dims()
	if dk != dk2 || tk != tv || (causal && tq > tk) {
		panic(&nn.ShapeError{Op: "transformer.Attention", Msg: fmt.Sprintf("q %d×%d, k %d×%d, v %d×%d do not fit (causal %v)", tq, dk, tk, dk2, tv, dv, causal)})
	}
	out, weights = mat.NewDense(tq, dv, nil), mat.NewDense(tq, tk, nil)
	offset := -1
	if causal {
		offset = tk - tq
	}
	attend(nn.Raw(q), nn.Raw(k), nn.Raw(v), nn.Raw(weights), nn.Raw(out), offset)
	return out, weights
}

// causalBlock is the height of the blocks of query rows that causal
// attention works in: a block's products span only the keys its last row
// can see, which skips most of the masked upper triangle (at T = 256, 44% of
// the multiply-adds of attention).
const causalBlock = 32

// visible returns how many keys the rows of the query block [i0, i1) see
// together: all tk without a mask (offset < 0), else i1+offset, at most tk.
func visible(i1, offset, tk int) int {
	if offset < 0 {
		return tk
	}
	return min(tk, i1+offset)
}

// rows returns rows [i0, i1) of g; cols returns its columns [j0, j1).
func rows(g nn.General, i0, i1 int) nn.General {
	return nn.View(g.Data[i0*g.Stride:], i1-i0, g.Cols, g.Stride)
}

func cols(g nn.General, j0, j1 int) nn.General {
	return nn.View(g.Data[j0:], g.Rows, j1-j0, g.Stride)
}

// blockHeight is the block height for Tq query rows: one block without a mask.
func blockHeight(tq, offset int) int {
	if offset < 0 {
		return max(tq, 1)
	}
	return causalBlock
}

// attend computes one head's attention: p (Tq, Tk) receives the weights and
// o (Tq, d_v) the output. offset < 0 means no mask; otherwise query i sees
// keys 0 … i+offset and the weights of later keys are 0. It runs on the
// calling goroutine (the model runs several heads at once).
func attend(q, k, v, p, o nn.General, offset int) {
	scale := 1 / math.Sqrt(float64(q.Cols))
	bh := blockHeight(q.Rows, offset)
	for i0 := 0; i0 < q.Rows; i0 += bh {
		i1 := min(i0+bh, q.Rows)
		kn := visible(i1, offset, k.Rows)
		pb := cols(rows(p, i0, i1), 0, kn)
		nn.GemmSerial(false, true, scale, rows(q, i0, i1), rows(k, 0, kn), 0, pb) // scores = Q·Kᵀ/√d_k
		for i := i0; i < i1; i++ {
			row := p.Data[i*p.Stride : i*p.Stride+p.Cols]
			seen := len(row)
			if offset >= 0 {
				seen = min(len(row), i+offset+1)
			}
			nn.Softmax(row[:seen], row[:seen]) // masked keys take no part ...
			clear(row[seen:])                  // ... and get weight 0
		}
		nn.GemmSerial(false, false, 1, pb, rows(v, 0, kn), 0, rows(o, i0, i1)) // out = weights·V
	}
}

// attendBackward is attend backwards. Given the forward inputs and weights p
// and the gradient dO of the output, it writes dQ, dK and dV (overwriting
// them), using dp (Tq, Tk) as scratch:
//
//	dV = Pᵀ·dO
//	dP = dO·Vᵀ
//	dS = P ⊙ (dP − rowsum(P ⊙ dP))     softmax backwards; masked entries have P = 0
//	dQ = dS·K/√d_k,  dK = dSᵀ·Q/√d_k
//
// With a mask, each product skips the blocks that P's zeros make zero.
func attendBackward(q, k, v, p, dO, dq, dk, dv, dp nn.General, offset int) {
	scale := 1 / math.Sqrt(float64(q.Cols))
	tq, tk := q.Rows, k.Rows
	bh := blockHeight(tq, offset)
	for i0 := 0; i0 < tq; i0 += bh {
		i1 := min(i0+bh, tq)
		kn := visible(i1, offset, tk)
		dpb := cols(rows(dp, i0, i1), 0, kn)
		nn.GemmSerial(false, true, 1, rows(dO, i0, i1), rows(v, 0, kn), 0, dpb)
		for i := i0; i < i1; i++ {
			pr := p.Data[i*p.Stride : i*p.Stride+kn]
			dr := dp.Data[i*dp.Stride : i*dp.Stride+dp.Cols]
			dot := 0.0
			for j, pv := range pr {
				dot += pv * dr[j]
			}
			for j, pv := range pr {
				dr[j] = pv * (dr[j] - dot)
			}
			clear(dr[kn:]) // read below by dK's blocks of keys
		}
		nn.GemmSerial(false, false, scale, dpb, rows(k, 0, kn), 0, rows(dq, i0, i1))
	}
	// dV and dK by blocks of keys: key j gets gradient from the queries that
	// see it, rows first … tq−1.
	for j0 := 0; j0 < tk; j0 += bh {
		j1 := min(j0+bh, tk)
		first := 0
		if offset >= 0 {
			first = min(tq, max(0, j0-offset))
		}
		if first == tq { // no query sees these keys
			for j := j0; j < j1; j++ {
				clear(dv.Data[j*dv.Stride : j*dv.Stride+dv.Cols])
				clear(dk.Data[j*dk.Stride : j*dk.Stride+dk.Cols])
			}
			continue
		}
		nn.GemmSerial(true, false, 1, cols(rows(p, first, tq), j0, j1), rows(dO, first, tq), 0, rows(dv, j0, j1))
		nn.GemmSerial(true, false, scale, cols(rows(dp, first, tq), j0, j1), rows(q, first, tq), 0, rows(dk, j0, j1))
	}
}
