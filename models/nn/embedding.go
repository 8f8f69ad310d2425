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
	e.lookup(Raw(y), tokens, nil)
	e.tokens = tokens
}

// Backward accumulates row i of dy into the gradient of tokens[i]'s vector.
func (e *Embedding) Backward(dy *mat.Dense) {
	if e.tokens == nil {
		panic(&ShapeError{Op: "Embedding.Backward", Msg: "called before Forward"})
	}
	checkShape("Embedding.Backward", "dy", dy, len(e.tokens), e.D)
	e.accumulate(Raw(dy), e.tokens, nil)
}

// lookup copies the vector of tokens[i] into row row(i) of y (row i when row is nil).
func (e *Embedding) lookup(y General, tokens []int, row func(int) int) {
	w := e.Weight.Data()
	for i, tok := range tokens {
		r := i
		if row != nil {
			r = row(i)
		}
		copy(y.Data[r*y.Stride:r*y.Stride+e.D], w[tok*e.D:(tok+1)*e.D])
	}
}

// accumulate adds row row(i) of dy (row i when row is nil) to the gradient of
// tokens[i]'s vector.
func (e *Embedding) accumulate(dy General, tokens []int, row func(int) int) {
	g := e.Weight.GradData()
	for i, tok := range tokens {
		r := i
		if row != nil {
			r = row(i)
		}
		dst := g[tok*e.D : (tok+1)*e.D]
		for j, v := range dy.Data[r*dy.Stride : r*dy.Stride+e.D] {
			dst[j] += v
		}
	}
}
