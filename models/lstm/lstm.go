// Package lstm is the long short-term memory network, trained by
// backpropagation through time, with PyTorch nn.LSTM's formula, gate order
// and parameter shapes:
//
//	Gₜ = W_ih·xₜ + b_ih + W_hh·hₜ₋₁ + b_hh   (4H wide: the four gates, fused)
//	i  = σ(G_i)      input gate:  how much of the candidate to write
//	f  = σ(G_f)      forget gate: how much of the old cell to keep
//	g  = tanh(G_g)   candidate value
//	o  = σ(G_o)      output gate: how much of the cell to show
//	cₜ = f ⊙ cₜ₋₁ + i ⊙ g
//	hₜ = o ⊙ tanh(cₜ),   h₀ = c₀ = 0
//	yₜ = W_out·hₜ + b_out
//
// xₜ is the embedding of token t (or the real-valued input at step t), cₜ the
// cell state, hₜ the hidden state, yₜ the output logits. The rows of W_ih,
// W_hh, b_ih and b_hh come in PyTorch's order i, f, g, o: rows [0, H) feed the
// input gate, [H, 2H) the forget gate, [2H, 3H) the candidate, [3H, 4H) the
// output gate.
//
// The constant error carousel: the cell is updated additively, so along the
// cell path the gradient from cₜ back to cₜ₋₁ is only multiplied by f
// (element-wise), with no squashing nonlinearity and no weight matrix in
// between. While the forget gate stays near 1 the error flows back through
// many steps nearly unchanged, where an Elman RNN multiplies it by
// W_hhᵀ·diag(1 − h²) at every step and it vanishes. CellGradNorms shows
// this. The forget gate's bias sets how long an untrained LSTM keeps its
// cell: Config.ForgetBias.
//
// History: Hochreiter & Schmidhuber's 1997 LSTM had input and output gates
// and a cell with a fixed self-connection of 1 (cₜ = cₜ₋₁ + i ⊙ g). The
// forget gate was added by Gers, Schmidhuber & Cummins (2000), so that a cell
// can also let go of what it holds; every modern LSTM, PyTorch's included,
// has it.
//
// Dimension letters: B batch, T time, In input width (Embed or Features),
// H hidden, Out outputs.
//
// Training:
//
//	m, _ := lstm.New(lstm.Standard(17), rng)
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
package lstm

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/seqlab/seqlab/models/internal/par"
	"github.com/seqlab/seqlab/models/nn"
	"gonum.org/v1/gonum/mat"
)

// Config sets the sizes of an LSTM. Give either Vocab (token input) or
// Features (real-valued input).
//
// ForgetBias is written into the forget-gate slice of b_ih (entries H … 2H−1)
// after the random initialisation; b_hh keeps its random values, as in
// anchors/torch_recall.py. Its zero value means a bias of 0, not "unset": the
// presets Tiny and Standard set 1.0, the usual choice (Gers et al. 2000;
// Jozefowicz et al. 2015), so start from a preset or set it yourself.
type Config struct {
	Vocab      int     // token vocabulary, e.g. 17; 0 for real-valued input
	Embed      int     // embedding width for token input, e.g. 32
	Features   int     // real values per step when Vocab is 0, e.g. 2
	Hidden     int     // hidden and cell state width H, e.g. 64
	Outputs    int     // output width, e.g. 17; 0 means Vocab
	ForgetBias float64 // initial forget-gate bias in b_ih, e.g. 1.0 (the zero value is a bias of 0)
}

// Tiny is a small configuration for the delayed-recall task, quick to train.
func Tiny() Config { return Config{Vocab: 17, Embed: 16, Hidden: 32, Outputs: 17, ForgetBias: 1} }

// Standard is the recall benchmark's configuration (BENCHMARKS.md): embedding
// 32, hidden 64, forget-gate bias 1.0, for a vocabulary of vocab tokens.
func Standard(vocab int) Config {
	return Config{Vocab: vocab, Embed: 32, Hidden: 64, Outputs: vocab, ForgetBias: 1}
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
	if err := nn.CheckInputSizes("lstm", c.Vocab, c.Embed, c.Features, c.Outputs); err != nil {
		return err
	}
	if err := nn.CheckDim("lstm", "Hidden", c.Hidden, "64"); err != nil {
		return err
	}
	if math.IsNaN(c.ForgetBias) || math.IsInf(c.ForgetBias, 0) {
		return fmt.Errorf("lstm: ForgetBias is %v; use a finite value such as 1.0", c.ForgetBias)
	}
	return nn.CheckParamCount("lstm", c.ParamCount())
}

func (c Config) inputWidth() int { return nn.InputWidth(c.Vocab, c.Embed, c.Features) }

// ParamCount is the number of learnable scalars of a model with this configuration.
func (c Config) ParamCount() int {
	c = c.withDefaults()
	in, h := c.inputWidth(), c.Hidden
	return c.Vocab*c.Embed + 4*h*in + 4*h*h + 8*h + c.Outputs*h + c.Outputs
}

// Model is an LSTM with an input layer and a linear output layer.
type Model struct {
	Config
	Input    *nn.SeqInput
	WeightIH *nn.Param  // W_ih (4H, In), "rnn.weight_ih_l0", gate blocks i, f, g, o
	WeightHH *nn.Param  // W_hh (4H, H), "rnn.weight_hh_l0"
	BiasIH   *nn.Param  // b_ih (4H), "rnn.bias_ih_l0"
	BiasHH   *nn.Param  // b_hh (4H), "rnn.bias_hh_l0"
	Out      *nn.Linear // W_out (Out, H), b_out (Out), "out.weight", "out.bias"

	// Buffers of the last Forward, time-major, reused while B and T stay the same.
	in            nn.Input
	B, T          int
	x             []float64 // (T·B, In) input vectors
	gates         []float64 // (T·B, 4H) activated gates i, f, g, o of each step
	hs            []float64 // ((T+1)·B, H): block 0 is h₀, block t+1 is hₜ
	cs            []float64 // ((T+1)·B, H): block 0 is c₀, block t+1 is cₜ
	tcs           []float64 // (T·B, H) tanh(cₜ)
	outTM         []float64 // (T·B, Out) logits, time-major
	logits        *mat.Dense
	dOutTM        []float64  // (T·B, Out)
	dH            []float64  // (T·B, H) gradient reaching each hₜ from the outputs
	dGates        []float64  // (T·B, 4H) gradient of the gate pre-activations
	dHNext        []float64  // (B, H) ∂L/∂hₜ through step t+1
	dCNext        []float64  // (B, H) ∂L/∂cₜ through step t+1
	dX            []float64  // (T·B, In)
	gradNorms     []float64  // (T) ‖∂L/∂hₜ‖
	cellGradNorms []float64  // (T) ‖∂L/∂cₜ‖
	cellSq        []float64  // (T·B) ‖∂L/∂cₜ‖² of each sequence
	whh           nn.Packed  // W_hh packed for the steps of Forward or Backward
	job           recurrence // kept here so that handing it to par.For allocates nothing
	forwarded     bool
	backwarded    bool // a Backward followed the last Forward
}

// New returns an LSTM with PyTorch's initialisation: recurrent weights and
// biases uniform in ±1/√H, the embedding N(0, 1), the output layer as
// nn.Linear; then the forget-gate entries H … 2H−1 of b_ih are set to
// cfg.ForgetBias.
func New(cfg Config, rng *rand.Rand) (*Model, error) {
	cfg = cfg.withDefaults()
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	h, in := cfg.Hidden, cfg.inputWidth()
	m := &Model{
		Config:   cfg,
		Input:    nn.NewSeqInput("emb", cfg.Vocab, cfg.Embed, cfg.Features, rng),
		WeightIH: nn.NewParam("rnn.weight_ih_l0", 4*h, in),
		WeightHH: nn.NewParam("rnn.weight_hh_l0", 4*h, h),
		BiasIH:   nn.NewParam("rnn.bias_ih_l0", 4*h),
		BiasHH:   nn.NewParam("rnn.bias_hh_l0", 4*h),
	}
	bound := 1 / math.Sqrt(float64(h))
	for _, p := range []*nn.Param{m.WeightIH, m.WeightHH, m.BiasIH, m.BiasHH} {
		p.Uniform(rng, bound)
	}
	forget := m.BiasIH.Data()[h : 2*h]
	for j := range forget {
		forget[j] = cfg.ForgetBias
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

// activationsPerRow is the number of float64 values Forward and Backward keep
// per (sequence, step): x, dX (In each); gates, dGates (4H each); h, c,
// tanh(c), dH (H each); time-major logits, logits, their gradient (Out each).
func (m *Model) activationsPerRow() int {
	return 2*m.Input.Width() + 12*m.Hidden + 3*m.Outputs
}

func (m *Model) resize(B, T int) {
	if m.B == B && m.T == T {
		return
	}
	m.B, m.T = B, T
	n, h, in, o := T*B, m.Hidden, m.Input.Width(), m.Outputs
	m.x = make([]float64, n*in)
	m.gates = make([]float64, n*4*h)
	m.hs = make([]float64, (T+1)*B*h)
	m.cs = make([]float64, (T+1)*B*h)
	m.tcs = make([]float64, n*h)
	m.outTM = make([]float64, n*o)
	m.logits = mat.NewDense(B*T, o, nil)
	m.dOutTM = make([]float64, n*o)
	m.dH = make([]float64, n*h)
	m.dGates = make([]float64, n*4*h)
	m.dHNext = make([]float64, B*h)
	m.dCNext = make([]float64, B*h)
	m.dX = make([]float64, n*in)
	m.gradNorms = make([]float64, T)
	m.cellGradNorms = make([]float64, T)
	m.cellSq = make([]float64, T*B)
}

// Forward runs the LSTM over a batch from h₀ = c₀ = 0 and returns the logits
// (B·T, Out), row b·T+t for sequence b at step t. The returned matrix is
// reused by the next Forward. It returns an error for input that does not
// suit the model (token ids outside the vocabulary, wrong widths or lengths).
func (m *Model) Forward(in nn.Input) (*mat.Dense, error) {
	if err := m.Input.Check(in); err != nil {
		return nil, fmt.Errorf("lstm: %w", err)
	}
	if err := nn.CheckActivations("lstm", in.B, in.T, m.activationsPerRow()); err != nil {
		return nil, err
	}
	m.resize(in.B, in.T)
	m.in = in
	B, T, H, In := in.B, in.T, m.Hidden, m.Input.Width()
	n := T * B

	// All input projections at once: G = X·W_ihᵀ + b_ih + b_hh, (T·B, 4H).
	x := nn.View(m.x, n, In, In)
	m.Input.Forward(x, in)
	g := nn.View(m.gates, n, 4*H, 4*H)
	nn.Gemm(false, true, 1, x, nn.Raw(m.WeightIH.Value), 0, g)
	nn.AddRowVector(g, m.BiasIH.Data())
	nn.AddRowVector(g, m.BiasHH.Data())

	// The sequential part: Gₜ += hₜ₋₁·W_hhᵀ, then the gates and the cell.
	// The sequences of the batch are independent, so each core takes some of
	// them for all T steps.
	clear(m.hs[:B*H])
	clear(m.cs[:B*H])
	m.whh.Pack(true, nn.Raw(m.WeightHH.Value), B)
	m.job = recurrence{m: m}
	par.For(nn.RowChunks(B, float64(T*4*H*H)), B, &m.job)

	// Outputs for every step at once.
	outTM := nn.View(m.outTM, n, m.Outputs, m.Outputs)
	m.Out.ForwardRaw(outTM, nn.View(m.hs[B*H:], n, H, H))
	nn.ToBatchMajor(nn.Raw(m.logits), outTM, B, T)
	m.forwarded, m.backwarded = true, false
	return m.logits, nil
}

// cellForward is one step of the cell for B sequences: it turns the gate
// pre-activations gates (B, 4H) into i, f, g, o in place and writes
// c = f ⊙ cPrev + i ⊙ g, tc = tanh(c) and h = o ⊙ tc, each (B, H). c may be
// cPrev (Step updates the cell in place). Forward and Step share it so that
// they compute bit for bit the same.
func (m *Model) cellForward(B int, gates, cPrev, c, tc, h []float64) {
	H := m.Hidden
	for b := 0; b < B; b++ {
		row := gates[b*4*H : (b+1)*4*H]
		nn.SigmoidForward(row[:2*H], row[:2*H]) // i, f
		nn.TanhForward(row[2*H:3*H], row[2*H:3*H])
		nn.SigmoidForward(row[3*H:], row[3*H:]) // o
		ig, fg, gg, og := row[:H], row[H:2*H], row[2*H:3*H], row[3*H:]
		cp, cb, tb, hb := cPrev[b*H:(b+1)*H], c[b*H:(b+1)*H], tc[b*H:(b+1)*H], h[b*H:(b+1)*H]
		for j := range cb {
			cb[j] = fg[j]*cp[j] + ig[j]*gg[j]
		}
		nn.TanhForward(tb, cb)
		for j := range hb {
			hb[j] = og[j] * tb[j]
		}
	}
}

// Backward runs backpropagation through time from dlogits (B·T, Out), the
// gradient of the loss with respect to the logits of the last Forward, and
// accumulates (+=) into every parameter's gradient. For each step t going
// backwards, with δhₜ = ∂L/∂hₜ and δcₜ = ∂L/∂cₜ (both 0 beyond the last step):
//
//	δhₜ = W_outᵀ·∂L/∂yₜ + W_hhᵀ·δGₜ₊₁
//	δcₜ = δhₜ ⊙ o ⊙ (1 − tanh²(cₜ)) + δcₜ₊₁ ⊙ fₜ₊₁     (the carousel: × f only)
//	δGₜ = [δcₜ ⊙ g ⊙ i(1−i),  δcₜ ⊙ cₜ₋₁ ⊙ f(1−f),
//	       δcₜ ⊙ i ⊙ (1−g²),  δhₜ ⊙ tanh(cₜ) ⊙ o(1−o)]   (gates i, f, g, o of step t)
//	∂W_hh += Σₜ δGₜ·hₜ₋₁ᵀ,  ∂W_ih += Σₜ δGₜ·xₜᵀ,  ∂b_ih = ∂b_hh += Σₜ δGₜ
//
// Only δhₜ₋₁'s product with W_hh runs step by step; the weight gradients and
// the input gradient are single products over all steps afterwards. ‖δhₜ‖
// and ‖δcₜ‖ are kept for StepGradNorms and CellGradNorms. Backward panics if
// no Forward preceded it.
func (m *Model) Backward(dlogits *mat.Dense) {
	if !m.forwarded {
		panic(&nn.ShapeError{Op: "lstm.Backward", Msg: "called before Forward"})
	}
	B, T, H, In, O := m.B, m.T, m.Hidden, m.Input.Width(), m.Outputs
	n := T * B
	if r, c := dlogits.Dims(); r != B*T || c != O {
		panic(&nn.ShapeError{Op: "lstm.Backward", Msg: fmt.Sprintf("dlogits is %d×%d, want %d×%d", r, c, B*T, O)})
	}
	dOut := nn.View(m.dOutTM, n, O, O)
	nn.ToTimeMajor(dOut, nn.Raw(dlogits), B, T)
	m.Out.BackwardRaw(nn.View(m.dH, n, H, H), dOut, nn.View(m.hs[B*H:], n, H, H))

	// Backwards through time, the sequences over the cores as in Forward.
	m.whh.Pack(false, nn.Raw(m.WeightHH.Value), B)
	m.job = recurrence{m: m, backward: true}
	par.For(nn.RowChunks(B, float64(T*4*H*H)), B, &m.job)
	for t := range T {
		m.gradNorms[t] = nn.Norm(m.dH[t*B*H : (t+1)*B*H])
		sq := 0.0
		for _, v := range m.cellSq[t*B : (t+1)*B] {
			sq += v
		}
		m.cellGradNorms[t] = math.Sqrt(sq)
	}

	dG := nn.View(m.dGates, n, 4*H, 4*H)
	nn.Gemm(true, false, 1, dG, nn.View(m.hs, n, H, H), 1, nn.Raw(m.WeightHH.Grad))
	x := nn.View(m.x, n, In, In)
	nn.Gemm(true, false, 1, dG, x, 1, nn.Raw(m.WeightIH.Grad))
	nn.SumRowsInto(m.BiasIH.GradData(), dG)
	nn.SumRowsInto(m.BiasHH.GradData(), dG)
	if m.Input.Emb != nil {
		dX := nn.View(m.dX, n, In, In)
		nn.Gemm(false, false, 1, dG, nn.Raw(m.WeightIH.Value), 0, dX)
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
		// Gₜ += hₜ₋₁·W_hhᵀ, then the gates and the cell.
		for t := range T {
			off := (t*B + lo) * H
			gt := m.gates[4*off : 4*(off+n)]
			m.whh.Gemm(1, nn.View(m.hs[off:], rows, H, H), 1, nn.View(gt, rows, 4*H, 4*H))
			m.cellForward(rows, gt, m.cs[off:off+n], m.cs[off+B*H:off+B*H+n], m.tcs[off:off+n], m.hs[off+B*H:off+B*H+n])
		}
		return
	}
	dhNext, dcNext := m.dHNext[lo*H:hi*H], m.dCNext[lo*H:hi*H]
	clear(dcNext)
	for t := T - 1; t >= 0; t-- {
		off := (t*B + lo) * H
		dh := m.dH[off : off+n]
		if t < T-1 {
			nn.AddTo(dh, dhNext)
		}
		dg := m.dGates[4*off : 4*(off+n)]
		m.cellBackward(rows, dg, dh, m.gates[4*off:4*(off+n)], m.cs[off:off+n], m.tcs[off:off+n], dcNext, m.cellSq[t*B+lo:t*B+hi])
		if t > 0 {
			m.whh.Gemm(1, nn.View(dg, rows, 4*H, 4*H), 0, nn.View(dhNext, rows, H, H))
		}
	}
}

// cellBackward is one step of the cell backwards for B sequences: given
// δh (B, H), the step's activated gates (B, 4H), cPrev = cₜ₋₁ and tc =
// tanh(cₜ), it writes the gate pre-activation gradients into dGates (B, 4H),
// replaces dcNext (δcₜ₊₁ ⊙ fₜ₊₁ on entry) by δcₜ ⊙ fₜ, and writes each
// sequence's ‖δcₜ‖² into sq (B).
func (m *Model) cellBackward(B int, dGates, dh, gates, cPrev, tc, dcNext, sq []float64) {
	H := m.Hidden
	for b := 0; b < B; b++ {
		row, drow := gates[b*4*H:(b+1)*4*H], dGates[b*4*H:(b+1)*4*H]
		ig, fg, gg, og := row[:H], row[H:2*H], row[2*H:3*H], row[3*H:]
		dhb, cp, tb, dcn := dh[b*H:(b+1)*H], cPrev[b*H:(b+1)*H], tc[b*H:(b+1)*H], dcNext[b*H:(b+1)*H]
		s := 0.0
		// Gradients with respect to the activated gates first ...
		for j := range dhb {
			dc := dcn[j] + dhb[j]*og[j]*(1-tb[j]*tb[j])
			s += dc * dc
			drow[j] = dc * gg[j]         // ∂L/∂i
			drow[H+j] = dc * cp[j]       // ∂L/∂f
			drow[2*H+j] = dc * ig[j]     // ∂L/∂g
			drow[3*H+j] = dhb[j] * tb[j] // ∂L/∂o
			dcn[j] = dc * fg[j]
		}
		// ... then through σ and tanh, in place.
		nn.SigmoidBackward(drow[:2*H], drow[:2*H], row[:2*H])
		nn.TanhBackward(drow[2*H:3*H], drow[2*H:3*H], row[2*H:3*H])
		nn.SigmoidBackward(drow[3*H:], drow[3*H:], row[3*H:])
		sq[b] = s
	}
}

// HiddenStates returns the hidden states h₁ … h_T of sequence b of the last
// Forward as a new (T, H) matrix, row t for the state after step t.
func (m *Model) HiddenStates(b int) *mat.Dense {
	m.checkSeq("HiddenStates", b)
	return m.states(m.hs[m.B*m.Hidden:], b)
}

// CellStates returns the cell states c₁ … c_T of sequence b of the last
// Forward as a new (T, H) matrix, row t for the cell after step t.
func (m *Model) CellStates(b int) *mat.Dense {
	m.checkSeq("CellStates", b)
	return m.states(m.cs[m.B*m.Hidden:], b)
}

// states copies sequence b's rows of a time-major (T·B, H) buffer.
func (m *Model) states(buf []float64, b int) *mat.Dense {
	out := mat.NewDense(m.T, m.Hidden, nil)
	for t := 0; t < m.T; t++ {
		off := (t*m.B + b) * m.Hidden
		out.SetRow(t, buf[off:off+m.Hidden])
	}
	return out
}

// Gates returns the activated gates of sequence b of the last Forward as four
// new (T, H) matrices, row t for step t: the input gate i, the forget gate f,
// the candidate g (in [−1, 1]) and the output gate o. A forget gate near 1
// keeps the cell; near 0 it wipes it.
func (m *Model) Gates(b int) (i, f, g, o *mat.Dense) {
	m.checkSeq("Gates", b)
	T, H := m.T, m.Hidden
	out := [4]*mat.Dense{}
	for k := range out {
		out[k] = mat.NewDense(T, H, nil)
		for t := 0; t < T; t++ {
			off := (t*m.B+b)*4*H + k*H
			out[k].SetRow(t, m.gates[off:off+H])
		}
	}
	return out[0], out[1], out[2], out[3]
}

// StepGradNorms returns, for each step t of the last Backward, ‖∂L/∂hₜ‖: the
// size of the gradient that reaches the hidden state at step t, over the
// whole batch. It is nil until a Backward follows the last Forward.
func (m *Model) StepGradNorms() []float64 {
	if !m.backwarded {
		return nil
	}
	return append([]float64(nil), m.gradNorms...)
}

// CellGradNorms returns, for each step t of the last Backward, ‖∂L/∂cₜ‖ over
// the whole batch: the error riding the constant error carousel. With the
// loss at the last step only and forget gates near 1, it stays large far
// back in time, where an RNN's gradient has long vanished. It is nil until a
// Backward follows the last Forward.
func (m *Model) CellGradNorms() []float64 {
	if !m.backwarded {
		return nil
	}
	return append([]float64(nil), m.cellGradNorms...)
}

func (m *Model) checkSeq(op string, b int) {
	if !m.forwarded {
		panic(&nn.ShapeError{Op: "lstm." + op, Msg: "no Forward yet"})
	}
	if b < 0 || b >= m.B {
		panic(&nn.ShapeError{Op: "lstm." + op, Msg: fmt.Sprintf("sequence %d outside the batch [0, %d)", b, m.B)})
	}
}

// State is the streaming state of B sequences: their current hidden and cell
// states and the buffers one Step needs, so Step allocates nothing.
type State struct {
	B      int
	H      *mat.Dense // (B, H) current hidden state
	C      *mat.Dense // (B, H) current cell state
	x      []float64  // (B, In)
	logits *mat.Dense // (B, Out)
	gates  []float64  // (B, 4H)
	tc     []float64  // (B, H) tanh(c)
}

// NewState returns the state h₀ = c₀ = 0 for B > 0 sequences.
func (m *Model) NewState(B int) *State {
	if B <= 0 {
		panic(&nn.ShapeError{Op: "lstm.NewState", Msg: fmt.Sprintf("batch of %d sequences; want at least 1", B)})
	}
	return &State{
		B:      B,
		H:      mat.NewDense(B, m.Hidden, nil),
		C:      mat.NewDense(B, m.Hidden, nil),
		x:      make([]float64, B*m.Input.Width()),
		logits: mat.NewDense(B, m.Outputs, nil),
		gates:  make([]float64, B*4*m.Hidden),
		tc:     make([]float64, B*m.Hidden),
	}
}

// Reset sets the state back to h₀ = c₀ = 0.
func (s *State) Reset() {
	s.H.Zero()
	s.C.Zero()
}

// Step advances the state by one step of input in (B = s.B, T = 1) and
// returns the logits (B, Out), which the next Step overwrites. It computes
// exactly what Forward computes at that step, in O(H) memory per sequence.
func (m *Model) Step(s *State, in nn.Input) (*mat.Dense, error) {
	if in.B != s.B || in.T != 1 {
		return nil, fmt.Errorf("lstm: Step takes one step of %d sequences (B=%d, T=1), got B=%d, T=%d", s.B, s.B, in.B, in.T)
	}
	if err := m.Input.Check(in); err != nil {
		return nil, fmt.Errorf("lstm: %w", err)
	}
	B, H, In := s.B, m.Hidden, m.Input.Width()
	x := nn.View(s.x, B, In, In)
	m.Input.Forward(x, in)
	h, c := nn.Raw(s.H), nn.Raw(s.C)
	// G = x·W_ihᵀ + b_ih + b_hh, then += h·W_hhᵀ, in Forward's order, on this
	// goroutine so that Step allocates nothing.
	g := nn.View(s.gates, B, 4*H, 4*H)
	nn.GemmSerial(false, true, 1, x, nn.Raw(m.WeightIH.Value), 0, g)
	nn.AddRowVector(g, m.BiasIH.Data())
	nn.AddRowVector(g, m.BiasHH.Data())
	nn.GemmSerial(false, true, 1, h, nn.Raw(m.WeightHH.Value), 1, g)
	m.cellForward(B, s.gates, c.Data[:B*H], c.Data[:B*H], s.tc, h.Data[:B*H])
	m.Out.ForwardRaw(nn.Raw(s.logits), h)
	return s.logits, nil
}
