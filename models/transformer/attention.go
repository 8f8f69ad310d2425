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

// attend computes one head's attention: p (Tq, Tk) receives the weights and
// o (Tq, d_v) the output. offset < 0 means no mask; otherwise query i sees
// keys 0 … i+offset and the weights of later keys are 0.
func attend(q, k, v, p, o nn.General, offset int) {
	scale := 1 / math.Sqrt(float64(q.Cols))
	nn.GemmSerial(false, true, scale, q, k, 0, p) // scores = Q·Kᵀ/√d_k
	for i := 0; i < p.Rows; i++ {
		row := p.Data[i*p.Stride : i*p.Stride+p.Cols]
		seen := len(row)
		if offset >= 0 {
			seen = min(len(row), i+offset+1)
		}
		nn.Softmax(row[:seen], row[:seen]) // masked keys take no part ...
		clear(row[seen:])                  // ... and get weight 0
	}
	nn.GemmSerial(false, false, 1, p, v, 0, o) // out = weights·V
}

// attendBackward is attend backwards. Given the forward inputs and weights p
// and the gradient dO of the output, it writes dQ, dK and dV (overwriting
// them), using dp (Tq, Tk) as scratch:
//
//	dV = Pᵀ·dO
//	dP = dO·Vᵀ
//	dS = P ⊙ (dP − rowsum(P ⊙ dP))     softmax backwards; masked entries have P = 0
//	dQ = dS·K/√d_k,  dK = dSᵀ·Q/√d_k
func attendBackward(q, k, v, p, dO, dq, dk, dv, dp nn.General) {
	scale := 1 / math.Sqrt(float64(q.Cols))
	nn.GemmSerial(true, false, 1, p, dO, 0, dv)
	nn.GemmSerial(false, true, 1, dO, v, 0, dp)
	for i := 0; i < p.Rows; i++ {
		pr := p.Data[i*p.Stride : i*p.Stride+p.Cols]
		dr := dp.Data[i*dp.Stride : i*dp.Stride+dp.Cols]
		dot := 0.0
		for j, pv := range pr {
			dot += pv * dr[j]
		}
		for j, pv := range pr {
			dr[j] = pv * (dr[j] - dot)
		}
	}
	nn.GemmSerial(false, false, scale, dp, k, 0, dq)
	nn.GemmSerial(true, false, scale, dp, q, 0, dk)
}
