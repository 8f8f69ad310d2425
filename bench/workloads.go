package bench

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/seqlab/seqlab/models/lstm"
	"github.com/seqlab/seqlab/models/nn"
	"github.com/seqlab/seqlab/models/rnn"
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

// Recurrent is a model that trains with Forward/Backward and streams with
// Step: what the train and infer-step workloads need.
type Recurrent interface {
	Forward(in nn.Input) (*mat.Dense, error)
	Backward(dOut *mat.Dense)
	Params() []*nn.Param
}

// recurrentModels are the recurrent models of the workloads, built at the
// standard sizes with hidden width H.
var recurrentModels = []struct {
	name  string
	train func(H int, rng *rand.Rand) (Recurrent, error)
	step  func(H int, rng *rand.Rand) (stepper, error)
}{
	{"rnn",
		func(H int, rng *rand.Rand) (Recurrent, error) { return rnn.New(rnnConfig(H), rng) },
		func(H int, rng *rand.Rand) (stepper, error) {
			m, err := rnn.New(rnnConfig(H), rng)
			if err != nil {
				return nil, err
			}
			s := m.NewState(1)
			return func(in nn.Input) (*mat.Dense, error) { return m.Step(s, in) }, nil
		}},
	{"lstm",
		func(H int, rng *rand.Rand) (Recurrent, error) { return lstm.New(lstmConfig(H), rng) },
		func(H int, rng *rand.Rand) (stepper, error) {
			m, err := lstm.New(lstmConfig(H), rng)
			if err != nil {
				return nil, err
			}
			s := m.NewState(1)
			return func(in nn.Input) (*mat.Dense, error) { return m.Step(s, in) }, nil
		}},
}

func lstmConfig(H int) lstm.Config {
	return lstm.Config{Vocab: Vocab, Embed: Embed, Hidden: H, Outputs: Vocab, ForgetBias: 1}
}

func rnnConfig(H int) rnn.Config {
	return rnn.Config{Vocab: Vocab, Embed: Embed, Hidden: H, Outputs: Vocab}
}

// stepper advances a streaming state by one step.
type stepper func(in nn.Input) (*mat.Dense, error)

// Workloads lists the standard speed workloads.
func Workloads() []Workload {
	var ws []Workload
	for _, m := range recurrentModels {
		ws = append(ws, Workload{
			Name: fmt.Sprintf("name=train/model=%s/B=32/T=64/H=128", m.name),
			Run:  func(b *testing.B) { trainStep(b, m.train, 32, 64, 128) },
		})
	}
	for _, m := range recurrentModels {
		ws = append(ws, Workload{
			Name: fmt.Sprintf("name=infer-step/model=%s/B=1/H=128", m.name),
			Run:  func(b *testing.B) { inferStep(b, m.step, 128) },
		})
	}
	return ws
}

// trainStep measures one Adam training step with cross-entropy on every
// position: Forward, loss, Backward, update (as torch_ref.py's train_step).
func trainStep(b *testing.B, build func(int, *rand.Rand) (Recurrent, error), B, T, H int) {
	rng := rand.New(rand.NewPCG(1, 1))
	m, err := build(H, rng)
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

// inferStep measures one streaming step of batch 1 with output logits.
func inferStep(b *testing.B, build func(int, *rand.Rand) (stepper, error), H int) {
	rng := rand.New(rand.NewPCG(1, 1))
	step, err := build(H, rng)
	if err != nil {
		b.Fatal(err)
	}
	tokens := randomTokens(rng, 1024)
	in := nn.TokenInput(1, 1, tokens[:1])
	for i := range 8 { // warm up
		in.Tokens = tokens[i : i+1]
		step(in)
	}
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		in.Tokens = tokens[i%len(tokens) : i%len(tokens)+1]
		if _, err := step(in); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
}

func randomTokens(rng *rand.Rand, n int) []int {
	t := make([]int, n)
	for i := range t {
		t[i] = rng.IntN(Vocab)
	}
	return t
}
