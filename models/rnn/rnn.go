// Package rnn is the Elman recurrent network (tanh), trained by
// backpropagation through time, with PyTorch nn.RNN's formula and parameter
// shapes:
//
//	hₜ = tanh(W_ih·xₜ + b_ih + W_hh·hₜ₋₁ + b_hh),   h₀ = 0
//	yₜ = W_out·hₜ + b_out
//
// xₜ is the embedding of token t (or the real-valued input at step t), hₜ the
// hidden state, yₜ the output logits. Everything the network knows about the
// past has to fit in hₜ, a vector of fixed size H: this is why it forgets
// (see StepGradNorms).
//
// Dimension letters: B batch, T time, In input width (Embed or Features),
// H hidden, Out outputs.
//
// Training:
//
//	m, _ := rnn.New(rnn.Config{Vocab: 17, Embed: 32, Hidden: 64}, rng)
//	logits, err := m.Forward(nn.TokenInput(B, T, tokens)) // (B·T, 17)
//	loss := nn.CrossEntropy(logits, positions, targets, dlogits)
//	m.Backward(dlogits)
//
// Streaming inference, one token at a time in O(H) memory:
//
//	s := m.NewState(1)
//	for _, tok := range tokens {
//		logits, _ := m.Step(s, nn.TokenInput(1, 1, []int{tok}))
//	}
package rnn

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/seqlab/seqlab/models/internal/par"
	"github.com/seqlab/seqlab/models/nn"
	"gonum.org/v1/gonum/mat"
)

// Config sets the sizes of an RNN. Give either Vocab (token input) or
// Features (real-valued input).
type Config struct {
	Vocab    int // token vocabulary, e.g. 17; 0 for real-valued input
	Embed    int // embedding width for token input, e.g. 32
	Features int // real values per step when Vocab is 0, e.g. 2
	Hidden   int // hidden state width H, e.g. 64
	Outputs  int // output width, e.g. 17; 0 means Vocab
}

// Tiny is a small configuration for the delayed-recall task, quick to train.
func Tiny() Config { return Config{Vocab: 17, Embed: 16, Hidden: 32, Outputs: 17} }

// Standard is the recall benchmark's configuration (BENCHMARKS.md): embedding
// 32, hidden 64, for a vocabulary of vocab tokens.
func Standard(vocab int) Config {
	return Config{Vocab: vocab, Embed: 32, Hidden: 64, Outputs: vocab}
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
	if err := nn.CheckInputSizes("rnn", c.Vocab, c.Embed, c.Features, c.Outputs); err != nil {
		return err
	}
	if err := nn.CheckDim("rnn", "Hidden", c.Hidden, "64"); err != nil {
		return err
	}
	return nn.CheckParamCount("rnn", c.ParamCount())
}

func (c Config) inputWidth() int { return nn.InputWidth(c.Vocab, c.Embed, c.Features) }

// ParamCount is the number of learnable scalars of a model with this configuration.
func (c Config) ParamCount() int {
	c = c.withDefaults()
	in, h := c.inputWidth(), c.Hidden
	return c.Vocab*c.Embed + h*in + h*h + 2*h + c.Outputs*h + c.Outputs
}

// Model is an Elman RNN with an input layer and a linear output layer.
type Model struct {
	Config
	Input    *nn.SeqInput
	WeightIH *nn.Param  // W_ih (H, In), "rnn.weight_ih_l0"
	WeightHH *nn.Param  // W_hh (H, H), "rnn.weight_hh_l0"
	BiasIH   *nn.Param  // b_ih (H), "rnn.bias_ih_l0"
	BiasHH   *nn.Param  // b_hh (H), "rnn.bias_hh_l0"
	Out      *nn.Linear // W_out (Out, H), b_out (Out), "out.weight", "out.bias"

	// Buffers of the last Forward, time-major, reused while B and T stay the same.
	in         nn.Input
	B, T       int
	x          []float64 // (T·B, In) input vectors
	hs         []float64 // ((T+1)·B, H): block 0 is h₀, block t+1 is hₜ
	outTM      []float64 // (T·B, Out) logits, time-major
	logits     *mat.Dense
	dOutTM     []float64  // (T·B, Out)
	dH         []float64  // (T·B, H) gradient reaching each hₜ from the outputs
	dA         []float64  // (T·B, H) gradient of the pre-activations
	dHNext     []float64  // (B, H)
	dX         []float64  // (T·B, In)
	gradNorms  []float64  // (T)
	whh        nn.Packed  // W_hh packed for the steps of Forward or Backward
	job        recurrence // kept here so that handing it to par.For allocates nothing
	forwarded  bool
	backwarded bool // a Backward followed the last Forward
}

// New returns an RNN with PyTorch's initialisation: recurrent weights and
// biases uniform in ±1/√H, the embedding N(0, 1), the output layer as nn.Linear.
func New(cfg Config, rng *rand.Rand) (*Model, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	h, in := cfg.Hidden, cfg.inputWidth()
	m := &Model{
		Config:   cfg,
		Input:    nn.NewSeqInput("emb", cfg.Vocab, cfg.Embed, cfg.Features, rng),
		WeightIH: nn.NewParam("rnn.weight_ih_l0", h, in),
		WeightHH: nn.NewParam("rnn.weight_hh_l0", h, h),
		BiasIH:   nn.NewParam("rnn.bias_ih_l0", h),
		BiasHH:   nn.NewParam("rnn.bias_hh_l0", h),
	}
	bound := 1 / math.Sqrt(float64(h))
	for _, p := range []*nn.Param{m.WeightIH, m.WeightHH, m.BiasIH, m.BiasHH} {
		p.Uniform(rng, bound)
	}
	m.Out = nn.NewLinear("out", h, cfg.Outputs, rng)
	return m, nil
}

// Params returns every learnable parameter, named as in PyTorch.
func (m *Model) Params() []*nn.Param {
	ps := m.Input.Params()
	ps = append(ps, m.WeightIH, m.WeightHH, m.BiasIH, m.BiasHH)
	return append(ps, m.Out.Params()...)
}

func (m *Model) resize(B, T int) {
	if m.B == B && m.T == T {
		return
	}
	m.B, m.T = B, T
	n, h, in, o := T*B, m.Hidden, m.Input.Width(), m.Outputs
	m.x = make([]float64, n*in)
	m.hs = make([]float64, (T+1)*B*h)
	m.outTM = make([]float64, n*o)
	m.logits = mat.NewDense(B*T, o, nil)
	m.dOutTM = make([]float64, n*o)
	m.dH = make([]float64, n*h)
	m.dA = make([]float64, n*h)
	m.dHNext = make([]float64, B*h)
	m.dX = make([]float64, n*in)
	m.gradNorms = make([]float64, T)
}

// Forward runs the RNN over a batch from h₀ = 0 and returns the logits
// (B·T, Out), row b·T+t for sequence b at step t. The returned matrix is
// reused by the next Forward. It returns an error for input that does not
// suit the model (token ids outside the vocabulary, wrong widths or lengths).
func (m *Model) Forward(in nn.Input) (*mat.Dense, error) {
	if err := m.Input.Check(in); err != nil {
		return nil, fmt.Errorf("rnn: %w", err)
	}
	// Per row: x and dX (In each); hs, dH, dA (H each); outTM, logits, dOutTM (Out each).
	if err := nn.CheckActivations("rnn", in.B, in.T, 2*m.Input.Width()+3*m.Hidden+3*m.Outputs); err != nil {
		return nil, err
	}
	m.resize(in.B, in.T)
	m.in = in
	B, T, H, In := in.B, in.T, m.Hidden, m.Input.Width()
	n := T * B

	// All input projections at once: A = X·W_ihᵀ + b_ih + b_hh, written into hs[1:].
	m.Input.Forward(nn.View(m.x, n, In, In), in)
	a := nn.View(m.hs[B*H:], n, H, H)
	nn.Gemm(false, true, 1, nn.View(m.x, n, In, In), nn.Raw(m.WeightIH.Value), 0, a)
	nn.AddRowVector(a, m.BiasIH.Data())
	nn.AddRowVector(a, m.BiasHH.Data())

	// The sequential part, hₜ = tanh(Aₜ + hₜ₋₁·W_hhᵀ): the sequences of the
	// batch are independent, so each core takes some of them for all T steps.
	clear(m.hs[:B*H])
	m.whh.Pack(true, nn.Raw(m.WeightHH.Value), B)
	m.job = recurrence{m: m}
	par.For(nn.RowChunks(B, float64(T*H*H)), B, &m.job)

	// Outputs for every step at once.
	outTM := nn.View(m.outTM, n, m.Outputs, m.Outputs)
	m.Out.ForwardRaw(outTM, nn.View(m.hs[B*H:], n, H, H))
	nn.ToBatchMajor(nn.Raw(m.logits), outTM, B, T)
	m.forwarded, m.backwarded = true, false
	return m.logits, nil
}

// Backward runs backpropagation through time from dlogits (B·T, Out), the
// gradient of the loss with respect to the logits of the last Forward, and
// accumulates (+=) into every parameter's gradient. For each step t going
// backwards, with δₜ = ∂L/∂hₜ:
//
//	δₜ  = W_outᵀ·∂L/∂yₜ + W_hhᵀ·aₜ₊₁      (the second term is 0 at t = T−1)
//	aₜ  = δₜ ⊙ (1 − hₜ²)                   (through tanh)
//	∂W_hh += Σₜ aₜ·hₜ₋₁ᵀ,  ∂W_ih += Σₜ aₜ·xₜᵀ,  ∂b_ih = ∂b_hh += Σₜ aₜ
//
// ‖δₜ‖ is kept for StepGradNorms. Backward panics if no Forward preceded it.
func (m *Model) Backward(dlogits *mat.Dense) {
	if !m.forwarded {
		panic(&nn.ShapeError{Op: "rnn.Backward", Msg: "called before Forward"})
	}
	B, T, H, In, O := m.B, m.T, m.Hidden, m.Input.Width(), m.Outputs
	n := T * B
	if r, c := dlogits.Dims(); r != B*T || c != O {
		panic(&nn.ShapeError{Op: "rnn.Backward", Msg: fmt.Sprintf("dlogits is %d×%d, want %d×%d", r, c, B*T, O)})
	}
	dOut := nn.View(m.dOutTM, n, O, O)
	nn.ToTimeMajor(dOut, nn.Raw(dlogits), B, T)
	hsOut := nn.View(m.hs[B*H:], n, H, H)
	m.Out.BackwardRaw(nn.View(m.dH, n, H, H), dOut, hsOut)

	// Backwards through time, the sequences over the cores as in Forward.
	m.whh.Pack(false, nn.Raw(m.WeightHH.Value), B)
	m.job = recurrence{m: m, backward: true}
	par.For(nn.RowChunks(B, float64(T*H*H)), B, &m.job)
	for t := range T {
		m.gradNorms[t] = nn.Norm(m.dH[t*B*H : (t+1)*B*H])
	}

	dA := nn.View(m.dA, n, H, H)
	nn.Gemm(true, false, 1, dA, nn.View(m.hs, n, H, H), 1, nn.Raw(m.WeightHH.Grad))
	x := nn.View(m.x, n, In, In)
	nn.Gemm(true, false, 1, dA, x, 1, nn.Raw(m.WeightIH.Grad))
	nn.SumRowsInto(m.BiasIH.GradData(), dA)
	nn.SumRowsInto(m.BiasHH.GradData(), dA)
	if m.Input.Emb != nil {
		dX := nn.View(m.dX, n, In, In)
		nn.Gemm(false, false, 1, dA, nn.Raw(m.WeightIH.Value), 0, dX)
		m.Input.Backward(dX, m.in)
	}
	m.backwarded = true
}

// recurrence is the sequential part of Forward or Backward for par.For: item
// b is sequence b of the batch, whose rows at each step it alone writes.
type recurrence struct {
	m        *Model
	backward bool
}

func (j *recurrence) Range(_, lo, hi int) {
	m := j.m
	B, T, H := m.B, m.T, m.Hidden
	rows, n := hi-lo, (hi-lo)*H
	if !j.backward {
		for t := range T {
			prev := nn.View(m.hs[(t*B+lo)*H:], rows, H, H)
			cur := nn.View(m.hs[((t+1)*B+lo)*H:], rows, H, H)
			m.whh.Gemm(1, prev, 1, cur)
			nn.TanhForward(cur.Data[:n], cur.Data[:n])
		}
		return
	}
	// δₜ (in dH) += W_hhᵀ·aₜ₊₁ (in dHNext), then aₜ = δₜ ⊙ (1 − hₜ²).
	next := m.dHNext[lo*H : hi*H]
	for t := T - 1; t >= 0; t-- {
		off := (t*B + lo) * H
		dh := m.dH[off : off+n]
		if t < T-1 {
			nn.AddTo(dh, next)
		}
		da := m.dA[off : off+n]
		nn.TanhBackward(da, dh, m.hs[off+B*H:off+B*H+n])
		if t > 0 {
			m.whh.Gemm(1, nn.View(da, rows, H, H), 0, nn.View(next, rows, H, H))
		}
	}
}

// HiddenStates returns the hidden states h₁ … h_T of sequence b of the last
// Forward as a new (T, H) matrix, row t for the state after step t.
func (m *Model) HiddenStates(b int) *mat.Dense {
	m.checkSeq("HiddenStates", b)
	out := mat.NewDense(m.T, m.Hidden, nil)
	for t := 0; t < m.T; t++ {
		off := ((t+1)*m.B + b) * m.Hidden
		out.SetRow(t, m.hs[off:off+m.Hidden])
	}
	return out
}

// StepGradNorms returns, for each step t of the last Backward, ‖∂L/∂hₜ‖: the
// size of the gradient that reaches the hidden state at step t, over the
// whole batch. With the loss at the last step only, it shrinks roughly
// geometrically going back in time: the vanishing gradient. It is nil until
// a Backward has followed the last Forward.
func (m *Model) StepGradNorms() []float64 {
	if !m.backwarded {
		return nil
	}
	return append([]float64(nil), m.gradNorms...)
}

func (m *Model) checkSeq(op string, b int) {
	if !m.forwarded {
		panic(&nn.ShapeError{Op: "rnn." + op, Msg: "no Forward yet"})
	}
	if b < 0 || b >= m.B {
		panic(&nn.ShapeError{Op: "rnn." + op, Msg: fmt.Sprintf("sequence %d outside the batch [0, %d)", b, m.B)})
	}
}

// State is the streaming state of B sequences: their current hidden state
// and the buffers one Step needs, so Step allocates nothing.
type State struct {
	B      int
	H      *mat.Dense // (B, H) current hidden state
	x      []float64  // (B, In)
	logits *mat.Dense // (B, Out)
	a      []float64  // (B, H) pre-activations
}

// NewState returns the state h₀ = 0 for B > 0 sequences.
func (m *Model) NewState(B int) *State {
	if B <= 0 {
		panic(&nn.ShapeError{Op: "rnn.NewState", Msg: fmt.Sprintf("batch of %d sequences; want at least 1", B)})
	}
	return &State{
		B:      B,
		H:      mat.NewDense(B, m.Hidden, nil),
		x:      make([]float64, B*m.Input.Width()),
		logits: mat.NewDense(B, m.Outputs, nil),
		a:      make([]float64, B*m.Hidden),
	}
}

// Reset sets the state back to h₀ = 0.
func (s *State) Reset() { s.H.Zero() }

// Step advances the state by one step of input in (B = s.B, T = 1) and
// returns the logits (B, Out), which the next Step overwrites. It computes
// exactly what Forward computes at that step, in O(H) memory per sequence.
func (m *Model) Step(s *State, in nn.Input) (*mat.Dense, error) {
	if in.B != s.B || in.T != 1 {
		return nil, fmt.Errorf("rnn: Step takes one step of %d sequences (B=%d, T=1), got B=%d, T=%d", s.B, s.B, in.B, in.T)
	}
	if err := m.Input.Check(in); err != nil {
		return nil, fmt.Errorf("rnn: %w", err)
	}
	B, H, In := s.B, m.Hidden, m.Input.Width()
	x := nn.View(s.x, B, In, In)
	m.Input.Forward(x, in)
	h := nn.Raw(s.H)
	// a = x·W_ihᵀ + b_ih + b_hh, then += h·W_hhᵀ, in Forward's order.
	a := nn.View(s.a, B, H, H)
	nn.GemmSerial(false, true, 1, x, nn.Raw(m.WeightIH.Value), 0, a)
	nn.AddRowVector(a, m.BiasIH.Data())
	nn.AddRowVector(a, m.BiasHH.Data())
	nn.GemmSerial(false, true, 1, h, nn.Raw(m.WeightHH.Value), 1, a)
	nn.TanhForward(h.Data[:B*H], a.Data[:B*H])
	m.Out.ForwardRaw(nn.Raw(s.logits), h)
	return s.logits, nil
}
