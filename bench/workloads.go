package bench

import (
	"math/rand/v2"
	"testing"

	"github.com/seqlab/seqlab/models/lstm"
	"github.com/seqlab/seqlab/models/nn"
	"github.com/seqlab/seqlab/models/rnn"
	"github.com/seqlab/seqlab/models/transformer"
	"github.com/seqlab/seqlab/train"
	"gonum.org/v1/gonum/mat"
)

// Sizes of the standard workloads (BENCHMARKS.md).
const (
	Vocab = 16
	Embed = 32
)

// Workload is one standard speed workload.
type Workload struct {
	Name string // benchstat sub-benchmark name, e.g. "name=train/model=rnn/B=32/T=64/H=128"
	Run  func(b *testing.B)
}

// stepper advances a streaming state by one step; reset empties the state.
type stepper struct {
	step  func(in nn.Input) (*mat.Dense, error)
	reset func()
}

func rnnConfig(H int) rnn.Config {
	return rnn.Config{Vocab: Vocab, Embed: Embed, Hidden: H, Outputs: Vocab}
}

func lstmConfig(H int) lstm.Config {
	return lstm.Config{Vocab: Vocab, Embed: Embed, Hidden: H, Outputs: Vocab, ForgetBias: 1}
}

// transformerConfig is torch_ref.py's TinyGPT: d 64, 4 heads, 2 layers, MLP
// 256, positions for 256 steps.
func transformerConfig() transformer.Config {
	return transformer.Config{Vocab: Vocab, D: 64, Heads: 4, Layers: 2, FF: 256, MaxT: 256, Outputs: Vocab}
}

// Workloads lists the standard speed workloads.
func Workloads() []Workload {
	rnnStep := func(rng *rand.Rand) (stepper, error) {
		m, err := rnn.New(rnnConfig(128), rng)
		if err != nil {
			return stepper{}, err
		}
		s := m.NewState(1)
		return stepper{func(in nn.Input) (*mat.Dense, error) { return m.Step(s, in) }, s.Reset}, nil
	}
	lstmStep := func(rng *rand.Rand) (stepper, error) {
		m, err := lstm.New(lstmConfig(128), rng)
		if err != nil {
			return stepper{}, err
		}
		s := m.NewState(1)
		return stepper{func(in nn.Input) (*mat.Dense, error) { return m.Step(s, in) }, s.Reset}, nil
	}
	transformerStep := func(rng *rand.Rand) (stepper, error) {
		m, err := transformer.New(transformerConfig(), rng)
		if err != nil {
			return stepper{}, err
		}
		s := m.NewState(1)
		return stepper{func(in nn.Input) (*mat.Dense, error) { return m.Step(s, in) }, s.Reset}, nil
	}
	newRNN := func(rng *rand.Rand) (train.Model, error) { return rnn.New(rnnConfig(128), rng) }
	newLSTM := func(rng *rand.Rand) (train.Model, error) { return lstm.New(lstmConfig(128), rng) }
	newTransformer := func(rng *rand.Rand) (train.Model, error) { return transformer.New(transformerConfig(), rng) }
	return []Workload{
		{"name=train/model=rnn/B=32/T=64/H=128", func(b *testing.B) { trainStep(b, newRNN, 32, 64) }},
		{"name=train/model=lstm/B=32/T=64/H=128", func(b *testing.B) { trainStep(b, newLSTM, 32, 64) }},
		{"name=train/model=transformer/B=32/T=64/d=64", func(b *testing.B) { trainStep(b, newTransformer, 32, 64) }},
		{"name=train/model=transformer/B=32/T=256/d=64", func(b *testing.B) { trainStep(b, newTransformer, 32, 256) }},
		{"name=infer-step/model=rnn/B=1/H=128", func(b *testing.B) { inferStep(b, rnnStep, 0) }},
		{"name=infer-step/model=lstm/B=1/H=128", func(b *testing.B) { inferStep(b, lstmStep, 0) }},
		{"name=infer-step/model=transformer/B=1/T=256/d=64", func(b *testing.B) { inferStep(b, transformerStep, 256) }},
		{"name=infer-seq/model=transformer/B=1/T=256/d=64", func(b *testing.B) { inferSeq(b, newTransformer, 256) }},
	}
}

// trainStep measures one Adam training step with cross-entropy on every
// position: Forward, loss, Backward, update (as torch_ref.py's train_step).
func trainStep(b *testing.B, build func(*rand.Rand) (train.Model, error), B, T int) {
	rng := rand.New(rand.NewPCG(1, 1))
	m, err := build(rng)
	if err != nil {
		b.Fatal(err)
	}
	in := nn.TokenInput(B, T, randomTokens(rng, B*T))
	targets := randomTokens(rng, B*T)
	params := m.Params()
	opt := nn.NewAdam(params, nn.AdamConfig{LR: 1e-3})
	dOut := mat.NewDense(B*T, Vocab, nil)
	step := func() {
		nn.ZeroGrad(params)
		out, err := m.Forward(in)
		if err != nil {
			b.Fatal(err)
		}
		nn.CrossEntropy(out, nil, targets, dOut)
		m.Backward(dOut)
		opt.Step()
	}
	step() // allocate the model's buffers before measuring
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		step()
	}
	b.ReportMetric(float64(B*T)*float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
}

// inferStep measures one streaming step of batch 1 with output logits. With
// context > 0 the state is reset every context steps, so the cost is the
// average over a context filling from 0 to context positions (a KV cache).
func inferStep(b *testing.B, build func(*rand.Rand) (stepper, error), context int) {
	rng := rand.New(rand.NewPCG(1, 1))
	st, err := build(rng)
	if err != nil {
		b.Fatal(err)
	}
	tokens := randomTokens(rng, 1024)
	if context <= 0 {
		context = len(tokens)
	}
	in := nn.TokenInput(1, 1, tokens[:1])
	i := 0
	step := func() {
		if i%context == 0 {
			st.reset()
		}
		in.Tokens = tokens[i%len(tokens) : i%len(tokens)+1]
		if _, err := st.step(in); err != nil {
			b.Fatal(err)
		}
		i++
	}
	for range context { // warm up: the cache reaches its full size once
		step()
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		step()
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
}

// inferSeq measures a forward pass over one whole sequence of T tokens.
func inferSeq(b *testing.B, build func(*rand.Rand) (train.Model, error), T int) {
	rng := rand.New(rand.NewPCG(1, 1))
	m, err := build(rng)
	if err != nil {
		b.Fatal(err)
	}
	in := nn.TokenInput(1, T, randomTokens(rng, T))
	if _, err := m.Forward(in); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		m.Forward(in)
	}
	b.ReportMetric(float64(T)*float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
}

func randomTokens(rng *rand.Rand, n int) []int {
	t := make([]int, n)
	for i := range t {
		t[i] = rng.IntN(Vocab)
	}
	return t
}
