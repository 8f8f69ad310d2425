// Package transformer is a decoder-only transformer, the architecture of
// today's language models at toy scale, in PyTorch's layout (an
// nn.TransformerEncoder of norm_first nn.TransformerEncoderLayer blocks with a
// causal mask, GELU, dropout 0):
//
//	x₀ = E[token] + P[position]               token and learned position embeddings
//	for each block l:
//	    x = x + SelfAttention(LayerNorm₁(x))    causal multi-head attention, residual
//	    x = x + MLP(LayerNorm₂(x))              W₂·GELU(W₁·x + b₁) + b₂, residual
//	y = W_out·LayerNorm(x) + b_out
//
// Multi-head self-attention projects each position to a query, a key and a
// value (one fused in_proj), splits them into Heads heads of width D/Heads,
// runs Attention in each head over the positions up to its own, and mixes the
// concatenated heads with out_proj. Every position is computed at once during
// training; generation goes one token at a time with Step and a KV cache.
//
// Costs, per layer: the attention weights of a sequence take O(T²) memory
// and time per head (they are kept for Backward and for AttentionWeights);
// the KV cache of streaming inference takes O(T·D), against the O(D) state
// of an RNN.
//
// Dimension letters: B batch, T time, D model width, NH heads, Hd = D/NH
// head width, F MLP width, V vocabulary, Out outputs, L layers.
package transformer

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/seqlab/seqlab/models/internal/par"
	"github.com/seqlab/seqlab/models/nn"
	"gonum.org/v1/gonum/mat"
)

// Config sets the sizes of a transformer. Give either Vocab (token input)
// or Features (real-valued input, projected to D by a linear layer).
type Config struct {
	Vocab    int // token vocabulary, e.g. 17; 0 for real-valued input
	Features int // real values per step when Vocab is 0, e.g. 2
	D        int // model width, e.g. 64
	Heads    int // attention heads, e.g. 4; D must be a multiple of Heads
	Layers   int // blocks, e.g. 2
	FF       int // width of the MLP's hidden layer, e.g. 128
	MaxT     int // longest context: the number of learned positions, e.g. 512
	Outputs  int // output width, e.g. 17; 0 means Vocab
}

// Tiny is a small configuration for the delayed-recall task, quick to train.
func Tiny() Config {
	return Config{Vocab: 17, D: 32, Heads: 2, Layers: 2, FF: 64, MaxT: 128, Outputs: 17}
}

// Standard is the recall benchmark's configuration (BENCHMARKS.md): D 64,
// 4 heads, 2 layers, MLP 128, for a vocabulary of vocab tokens and contexts
// up to maxT.
func Standard(vocab, maxT int) Config {
	return Config{Vocab: vocab, D: 64, Heads: 4, Layers: 2, FF: 128, MaxT: maxT, Outputs: vocab}
}

func (c Config) withDefaults() Config {
	if c.Outputs == 0 {
		c.Outputs = c.Vocab
	}
	return c
}

// Validate reports what is wrong with the configuration, if anything.
func (c Config) Validate() error {
	c = c.withDefaults()
	if err := nn.CheckInputSizes("transformer", c.Vocab, c.D, c.Features, c.Outputs); err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		v    int
		eg   string
	}{{"D", c.D, "64"}, {"Heads", c.Heads, "4"}, {"Layers", c.Layers, "2"}, {"FF", c.FF, "128"}, {"MaxT", c.MaxT, "512"}} {
		if err := nn.CheckDim("transformer", f.name, f.v, f.eg); err != nil {
			return err
		}
	}
	if c.D%c.Heads != 0 {
		return fmt.Errorf("transformer: D=%d is not a multiple of Heads=%d; each head gets D/Heads values (e.g. D 64 with 4 heads)", c.D, c.Heads)
	}
	if c.Layers > 1024 {
		return fmt.Errorf("transformer: Layers is %d; at most 1024 is supported (e.g. 2)", c.Layers)
	}
	return nn.CheckParamCount("transformer", c.ParamCount())
}

// ParamCount is the number of learnable scalars of a model with this configuration.
func (c Config) ParamCount() int {
	c = c.withDefaults()
	d := c.D
	in := c.Vocab * d
	if c.Vocab == 0 {
		in = c.Features*d + d
	}
	block := 3*d*d + 3*d + d*d + d + c.FF*d + c.FF + d*c.FF + d + 4*d
	return in + c.MaxT*d + c.Layers*block + 2*d + c.Outputs*d + c.Outputs
}

// Block is one transformer block: pre-LayerNorm causal self-attention and a
// pre-LayerNorm GELU MLP, each around a residual connection.
type Block struct {
	Norm1   *nn.LayerNorm // "enc.layers.l.norm1"
	InProj  *nn.Linear    // (3D, D): queries, keys, values; "self_attn.in_proj_weight", "self_attn.in_proj_bias"
	OutProj *nn.Linear    // (D, D): mixes the heads; "self_attn.out_proj"
	Norm2   *nn.LayerNorm // "enc.layers.l.norm2"
	Linear1 *nn.Linear    // (F, D)
	Linear2 *nn.Linear    // (D, F)
}

// Params returns the block's parameters in PyTorch's order.
func (blk *Block) Params() []*nn.Param {
	return []*nn.Param{
		blk.InProj.Weight, blk.InProj.Bias, blk.OutProj.Weight, blk.OutProj.Bias,
		blk.Linear1.Weight, blk.Linear1.Bias, blk.Linear2.Weight, blk.Linear2.Bias,
		blk.Norm1.Weight, blk.Norm1.Bias, blk.Norm2.Weight, blk.Norm2.Bias,
	}
}

// Model is a decoder-only transformer.
type Model struct {
	Config
	Emb    *nn.Embedding // (V, D) "emb", token input; nil for real-valued input
	Inp    *nn.Linear    // (D, Features) "inp", real-valued input; nil for token input
	Pos    *nn.Param     // (MaxT, D) "pos.weight", learned positions
	Blocks []*Block
	Norm   *nn.LayerNorm // final LayerNorm "ln"
	Out    *nn.Linear    // (Out, D) "out"

	acts       *activations // buffers of the last Forward
	forwarded  bool
	backwarded bool
}

// New returns a transformer with PyTorch's initialisation: embeddings
// N(0, 1), in_proj Xavier-uniform with zero bias, out_proj with zero bias,
// linear layers as nn.Linear, LayerNorms γ = 1, β = 0. (PyTorch copies one
// initialised layer into every block; here each block draws its own.)
func New(cfg Config, rng *rand.Rand) (*Model, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	d := cfg.D
	m := &Model{Config: cfg, Pos: nn.NewParam("pos.weight", cfg.MaxT, d)}
	if cfg.Vocab > 0 {
		m.Emb = nn.NewEmbedding("emb", cfg.Vocab, d, rng)
	} else {
		m.Inp = nn.NewLinear("inp", cfg.Features, d, rng)
	}
	m.Pos.Normal(rng, 1)
	for l := range cfg.Layers {
		p := fmt.Sprintf("enc.layers.%d.", l)
		blk := &Block{
			Norm1:   nn.NewLayerNorm(p+"norm1", d),
			InProj:  nn.NewLinear(p+"self_attn.in_proj", d, 3*d, rng),
			OutProj: nn.NewLinear(p+"self_attn.out_proj", d, d, rng),
			Norm2:   nn.NewLayerNorm(p+"norm2", d),
			Linear1: nn.NewLinear(p+"linear1", d, cfg.FF, rng),
			Linear2: nn.NewLinear(p+"linear2", cfg.FF, d, rng),
		}
		blk.InProj.Weight.Name = p + "self_attn.in_proj_weight"
		blk.InProj.Bias.Name = p + "self_attn.in_proj_bias"
		blk.InProj.Weight.Uniform(rng, math.Sqrt(6/float64(d+3*d)))
		blk.InProj.Bias.Fill(0)
		blk.OutProj.Bias.Fill(0)
		m.Blocks = append(m.Blocks, blk)
	}
	m.Norm = nn.NewLayerNorm("ln", d)
	m.Out = nn.NewLinear("out", d, cfg.Outputs, rng)
	return m, nil
}

// Params returns every learnable parameter, named and ordered as in PyTorch.
func (m *Model) Params() []*nn.Param {
	var ps []*nn.Param
	if m.Emb != nil {
		ps = append(ps, m.Emb.Params()...)
	} else {
		ps = append(ps, m.Inp.Params()...)
	}
	ps = append(ps, m.Pos)
	for _, blk := range m.Blocks {
		ps = append(ps, blk.Params()...)
	}
	ps = append(ps, m.Norm.Params()...)
	return append(ps, m.Out.Params()...)
}

// activations holds the buffers of one Forward over B sequences of T steps
// (N = B·T rows, batch-major), and the scratch Backward needs.
type activations struct {
	B, T  int
	xs    []*mat.Dense // L+1 residual streams (N, D): xs[l] enters block l, xs[L] leaves the last
	mids  []*mat.Dense // (N, D) after each block's attention residual
	a1s   []*mat.Dense // (N, D) LayerNorm₁ outputs
	a2s   []*mat.Dense // (N, D) LayerNorm₂ outputs
	qkvs  []*mat.Dense // (N, 3D) queries, keys, values
	atts  []*mat.Dense // (N, D) concatenated head outputs
	h1s   []*mat.Dense // (N, F) MLP pre-activations
	g1s   []*mat.Dense // (N, F) GELU outputs
	ps    [][]float64  // (B·NH·T·T) attention weights per layer
	lnF   *mat.Dense   // (N, D) final LayerNorm output
	out   *mat.Dense   // (N, Out) logits
	realX *mat.Dense   // (N, Features) real-valued input

	// Backward scratch.
	dx, dtmp, datt *mat.Dense // (N, D)
	dqkv           *mat.Dense // (N, 3D)
	dh             *mat.Dense // (N, F)
	dp             []float64  // (T, T) per core

	job attentionJob // kept here so that handing it to par.For allocates nothing
}

func (m *Model) resize(B, T int) *activations {
	if a := m.acts; a != nil && a.B == B && a.T == T {
		return a
	}
	n, d, L := B*T, m.D, m.Layers
	dense := func(c int) *mat.Dense { return mat.NewDense(n, c, nil) }
	a := &activations{B: B, T: T, lnF: dense(d), out: dense(m.Outputs),
		dx: dense(d), dtmp: dense(d), datt: dense(d), dqkv: dense(3 * d), dh: dense(m.FF)}
	for l := 0; l <= L; l++ {
		a.xs = append(a.xs, dense(d))
		if l == L {
			break
		}
		a.mids = append(a.mids, dense(d))
		a.a1s = append(a.a1s, dense(d))
		a.a2s = append(a.a2s, dense(d))
		a.qkvs = append(a.qkvs, dense(3*d))
		a.atts = append(a.atts, dense(d))
		a.h1s = append(a.h1s, dense(m.FF))
		a.g1s = append(a.g1s, dense(m.FF))
		a.ps = append(a.ps, make([]float64, B*m.Heads*T*T))
	}
	m.acts = a
	return a
}

// activationsPerRow estimates the float64 values Forward and Backward keep per
// position, for the memory check.
func (m *Model) activationsPerRow(T int) int {
	return m.Layers*(11*m.D+2*m.FF+m.Heads*T) + 8*m.D + 3*m.FF + T + m.Outputs + m.Features
}

// checkInput validates in against the configuration.
func (m *Model) checkInput(in nn.Input) error {
	var err error
	if m.Emb != nil {
		err = in.CheckTokens(m.Vocab)
	} else {
		err = in.CheckReal(m.Features)
	}
	if err != nil {
		return fmt.Errorf("transformer: %w", err)
	}
	if in.T > m.MaxT {
		return fmt.Errorf("transformer: a context of T=%d is longer than this model's maximum MaxT=%d (it has learned positions for %d steps); use shorter sequences or build the model with MaxT ≥ %d", in.T, m.MaxT, m.MaxT, in.T)
	}
	return nil
}

// Forward runs the transformer over a batch and returns the logits (B·T, Out),
// row b·T+t for sequence b at step t; every position sees only itself and the
// positions before it. The returned matrix is reused by the next Forward. It
// returns an error for input that does not suit the model (token ids outside
// the vocabulary, wrong widths, a context longer than MaxT).
func (m *Model) Forward(in nn.Input) (*mat.Dense, error) {
	if err := m.checkInput(in); err != nil {
		return nil, err
	}
	if err := nn.CheckActivations("transformer", in.B, in.T, m.activationsPerRow(in.T)); err != nil {
		return nil, err
	}
	a := m.resize(in.B, in.T)
	B, T, D := in.B, in.T, m.D

	// x₀ = embedding + position.
	x0 := a.xs[0]
	if m.Emb != nil {
		m.Emb.Forward(x0, in.Tokens)
	} else {
		if a.realX == nil || len(a.realX.RawMatrix().Data) != len(in.X) {
			a.realX = mat.NewDense(B*T, m.Features, nil)
		}
		copy(a.realX.RawMatrix().Data, in.X)
		m.Inp.Forward(x0, a.realX)
	}
	pos := m.Pos.Data()
	xd := x0.RawMatrix().Data
	for b := range B {
		for t := range T {
			row := xd[(b*T+t)*D : (b*T+t+1)*D]
			for j, v := range pos[t*D : (t+1)*D] {
				row[j] += v
			}
		}
	}

	for l, blk := range m.Blocks {
		x, mid, next := a.xs[l], a.mids[l], a.xs[l+1]
		// Attention sub-layer: mid = x + out_proj(attention(in_proj(LN₁(x)))).
		blk.Norm1.Forward(a.a1s[l], x)
		blk.InProj.Forward(a.qkvs[l], a.a1s[l])
		m.attentionForward(a, l)
		blk.OutProj.Forward(mid, a.atts[l])
		nn.AddTo(mid.RawMatrix().Data, x.RawMatrix().Data)
		// MLP sub-layer: next = mid + linear2(GELU(linear1(LN₂(mid)))).
		blk.Norm2.Forward(a.a2s[l], mid)
		blk.Linear1.Forward(a.h1s[l], a.a2s[l])
		nn.GELUForward(a.g1s[l].RawMatrix().Data, a.h1s[l].RawMatrix().Data)
		blk.Linear2.Forward(next, a.g1s[l])
		nn.AddTo(next.RawMatrix().Data, mid.RawMatrix().Data)
	}
	m.Norm.Forward(a.lnF, a.xs[m.Layers])
	m.Out.Forward(a.out, a.lnF)
	m.forwarded, m.backwarded = true, false
	return a.out, nil
}

// headViews returns the views of sequence b, head h in layer l's buffers:
// queries, keys and values (T, Hd) inside qkv, and the head's output (T, Hd)
// inside att.
func (m *Model) headViews(qkv, att *mat.Dense, T, b, h int) (q, k, v, o nn.General) {
	D, hd := m.D, m.D/m.Heads
	qr, ar := qkv.RawMatrix(), att.RawMatrix()
	base := b * T * qr.Stride
	q = nn.View(qr.Data[base+h*hd:], T, hd, qr.Stride)
	k = nn.View(qr.Data[base+D+h*hd:], T, hd, qr.Stride)
	v = nn.View(qr.Data[base+2*D+h*hd:], T, hd, qr.Stride)
	o = nn.View(ar.Data[b*T*ar.Stride+h*hd:], T, hd, ar.Stride)
	return q, k, v, o
}

func (m *Model) probs(a *activations, l, b, h int) nn.General {
	T := a.T
	off := (b*m.Heads + h) * T * T
	return nn.View(a.ps[l][off:off+T*T], T, T, T)
}

// attentionForward runs causal attention for every sequence and head of
// layer l, the (sequence, head) pairs spread over the cores.
func (m *Model) attentionForward(a *activations, l int) {
	a.job = attentionJob{m: m, a: a, l: l}
	par.For(0, a.B*m.Heads, &a.job)
}

// attentionJob is the attention of one layer, forwards or backwards, for
// par.For: item i is sequence i / Heads, head i % Heads. Each item writes
// only its own head's outputs, so the result does not depend on the cores.
type attentionJob struct {
	m        *Model
	a        *activations
	l        int
	backward bool
}

func (j *attentionJob) Range(chunk, lo, hi int) {
	m, a, l, T := j.m, j.a, j.l, j.a.T
	for i := lo; i < hi; i++ {
		b, h := i/m.Heads, i%m.Heads
		q, k, v, o := m.headViews(a.qkvs[l], a.atts[l], T, b, h)
		if !j.backward {
			attend(q, k, v, m.probs(a, l, b, h), o, 0)
			continue
		}
		dq, dk, dv, dO := m.headViews(a.dqkv, a.datt, T, b, h)
		dp := nn.View(a.dp[chunk*T*T:(chunk+1)*T*T], T, T, T)
		attendBackward(q, k, v, m.probs(a, l, b, h), dO, dq, dk, dv, dp, 0)
	}
}

// Backward backpropagates dlogits (B·T, Out), the gradient of the loss with
// respect to the logits of the last Forward, through every layer, and
// accumulates (+=) into every parameter's gradient. The residual connections
// pass the gradient through unchanged and add what each sub-layer sends back;
// attention goes backwards as in attendBackward. It panics if no Forward
// preceded it.
func (m *Model) Backward(dlogits *mat.Dense) {
	if !m.forwarded {
		panic(&nn.ShapeError{Op: "transformer.Backward", Msg: "called before Forward"})
	}
	a := m.acts
	B, T, D := a.B, a.T, m.D
	if r, c := dlogits.Dims(); r != B*T || c != m.Outputs {
		panic(&nn.ShapeError{Op: "transformer.Backward", Msg: fmt.Sprintf("dlogits is %d×%d, want %d×%d", r, c, B*T, m.Outputs)})
	}
	dx, dtmp := a.dx, a.dtmp
	m.Out.Backward(dtmp, dlogits)
	m.Norm.Backward(dx, dtmp) // dx = ∂L/∂x_L
	for l := m.Layers - 1; l >= 0; l-- {
		blk := m.Blocks[l]
		// MLP sub-layer: dx already holds ∂L/∂next = ∂L/∂mid through the residual.
		blk.Linear2.Backward(a.dh, dx)
		nn.GELUBackward(a.dh.RawMatrix().Data, a.dh.RawMatrix().Data, a.h1s[l].RawMatrix().Data)
		blk.Linear1.Backward(dtmp, a.dh)
		blk.Norm2.Backward(dtmp, dtmp)
		nn.AddTo(dx.RawMatrix().Data, dtmp.RawMatrix().Data) // dx = ∂L/∂mid
		// Attention sub-layer.
		blk.OutProj.Backward(a.datt, dx)
		m.attentionBackward(a, l)
		blk.InProj.Backward(dtmp, a.dqkv)
		blk.Norm1.Backward(dtmp, dtmp)
		nn.AddTo(dx.RawMatrix().Data, dtmp.RawMatrix().Data) // dx = ∂L/∂x_l
	}
	// Positions: every sequence adds its gradient at step t to row t.
	pg, xd := m.Pos.GradData(), dx.RawMatrix().Data
	for b := range B {
		for t := range T {
			dst := pg[t*D : (t+1)*D]
			for j, v := range xd[(b*T+t)*D : (b*T+t+1)*D] {
				dst[j] += v
			}
		}
	}
	if m.Emb != nil {
		m.Emb.Backward(dx)
	} else {
		m.Inp.Backward(nil, dx)
	}
	m.backwarded = true
}

// attentionBackward turns a.datt, the gradient of layer l's head outputs,
// into a.dqkv, the gradient of its queries, keys and values, the (sequence,
// head) pairs spread over the cores, each core with its own (T, T) scratch.
func (m *Model) attentionBackward(a *activations, l int) {
	workers := par.Workers()
	if n := workers * a.T * a.T; len(a.dp) < n {
		a.dp = make([]float64, n)
	}
	a.job = attentionJob{m: m, a: a, l: l, backward: true}
	par.For(workers, a.B*m.Heads, &a.job)
}

// AttentionWeights returns the attention weights of head h in layer l for
// sequence b of the last Forward as a new (T, T) matrix: row i holds how much
// position i attended to each position j ≤ i (the row sums to 1; entries
// above the diagonal are 0).
func (m *Model) AttentionWeights(layer, head, b int) *mat.Dense {
	if !m.forwarded {
		panic(&nn.ShapeError{Op: "transformer.AttentionWeights", Msg: "no Forward yet"})
	}
	a := m.acts
	if layer < 0 || layer >= m.Layers || head < 0 || head >= m.Heads || b < 0 || b >= a.B {
		panic(&nn.ShapeError{Op: "transformer.AttentionWeights", Msg: fmt.Sprintf("layer %d, head %d, sequence %d outside %d layers, %d heads, %d sequences", layer, head, b, m.Layers, m.Heads, a.B)})
	}
	p := m.probs(a, layer, b, head)
	return mat.NewDense(a.T, a.T, append([]float64(nil), p.Data...))
}

// AttentionBytes is the memory the attention weights of the last Forward
// take: Layers·B·Heads·T² float64 values, the O(T²) cost of attention.
func (m *Model) AttentionBytes() int {
	if m.acts == nil {
		return 0
	}
	return 8 * m.Layers * m.acts.B * m.Heads * m.acts.T * m.acts.T
}
