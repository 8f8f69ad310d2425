package nn

import (
	"math/rand/v2"

	"gonum.org/v1/gonum/mat"
)

// Embedding is a learned lookup table from token ids to vectors, PyTorch
// nn.Embedding: Weight is (V, D), initialised from N(0, 1), and row v is the
// vector of token v.
type Embedding struct {
	V, D   int
	Weight *Param // (V, D)

	tokens []int // ids of the last Forward, kept for Backward
}

// NewEmbedding returns an Embedding whose weight is named name+".weight".
func NewEmbedding(name string, v, d int, rng *rand.Rand) *Embedding {
	e := &Embedding{V: v, D: d, Weight: NewParam(name+".weight", v, d)}
	e.Weight.Normal(rng, 1)
	return e
}

// Params returns the table.
func (e *Embedding) Params() []*Param { return []*Param{e.Weight} }

// Forward writes the vector of tokens[i] into row i of y (N, D). Token ids must
// be in [0, V); callers validate user input first (Input.CheckTokens).
func (e *Embedding) Forward(y *mat.Dense, tokens []int) {
	checkShape("Embedding.Forward", "y", y, len(tokens), e.D)
	e.ForwardRows(Raw(y), tokens, nil)
	e.tokens = tokens
}

// ForwardRows writes the vector of tokens[i] into row rows[i] of y, or row i
// when rows is nil. Models use it to lay a batch out in time-major order.
func (e *Embedding) ForwardRows(y General, tokens, rows []int) {
	w := e.Weight.Data()
	for i, tok := range tokens {
		r := i
		if rows != nil {
			r = rows[i]
		}
		copy(y.Data[r*y.Stride:r*y.Stride+e.D], w[tok*e.D:(tok+1)*e.D])
	}
}

// Backward accumulates row i of dy into the gradient of tokens[i]'s vector.
func (e *Embedding) Backward(dy *mat.Dense) {
	if e.tokens == nil {
		panic(&ShapeError{Op: "Embedding.Backward", Msg: "called before Forward"})
	}
	checkShape("Embedding.Backward", "dy", dy, len(e.tokens), e.D)
	e.BackwardRows(Raw(dy), e.tokens, nil)
}

// BackwardRows accumulates row rows[i] of dy (row i when rows is nil) into
// the gradient of tokens[i]'s vector.
func (e *Embedding) BackwardRows(dy General, tokens, rows []int) {
	g := e.Weight.GradData()
	for i, tok := range tokens {
		r := i
		if rows != nil {
			r = rows[i]
		}
		src := dy.Data[r*dy.Stride : r*dy.Stride+e.D]
		dst := g[tok*e.D : (tok+1)*e.D]
		for j, v := range src {
			dst[j] += v
		}
	}
}
