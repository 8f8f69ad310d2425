package train_test

import (
	"context"
	"math/rand/v2"
	"testing"

	"github.com/seqlab/seqlab/models/lstm"
	"github.com/seqlab/seqlab/models/rnn"
	"github.com/seqlab/seqlab/models/transformer"
	"github.com/seqlab/seqlab/tasks"
	"github.com/seqlab/seqlab/train"
)

// learner builds a fresh model from a seed.
type learner struct {
	name  string
	build func(rng *rand.Rand) (train.Model, error)
	lag   int     // delayed-recall lag it must learn
	lr    float64 // learning rate
	// budget is the step budget the test allows. The steps the model needed
	// to reach 0.99 held-out recall with this seed were measured when the
	// test was written and are recorded as measured; the budget leaves room
	// for a different machine's rounding to take a few more.
	budget, measured int
}

var learners = []learner{
	{"rnn", func(rng *rand.Rand) (train.Model, error) { return rnn.New(rnn.Standard(17), rng) }, 4, 3e-3, 400, 125},
	{"lstm", func(rng *rand.Rand) (train.Model, error) { return lstm.New(lstm.Standard(17), rng) }, 8, 3e-3, 400, 100},
	{"transformer", func(rng *rand.Rand) (train.Model, error) { return transformer.New(transformer.Tiny(), rng) }, 16, 3e-3, 400, 50},
}

// TestLearnsDelayedRecall: every model goes from chance to ≥ 95 % held-out
// recall on delayed recall at a short lag, within a budget that runs in
// about a second.
func TestLearnsDelayedRecall(t *testing.T) {
	for _, l := range learners {
		t.Run(l.name, func(t *testing.T) {
			task, err := tasks.Delayed(l.lag)
			if err != nil {
				t.Fatal(err)
			}
			m, err := l.build(rand.New(rand.NewPCG(1, 1)))
			if err != nil {
				t.Fatal(err)
			}
			before, err := train.Evaluate(m, task, 1024, 32, 99)
			if err != nil {
				t.Fatal(err)
			}
			if before.Accuracy > 0.25 {
				t.Fatalf("untrained %s already recalls %.3f (chance 0.125)", l.name, before.Accuracy)
			}
			o := train.Defaults()
			o.LR, o.Steps, o.Target = l.lr, l.budget, 0.99
			h, err := train.Train(context.Background(), m, task, o)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("%s lag %d: recall %.3f → %.3f in %d steps (budget %d, measured %d), %v",
				l.name, l.lag, before.Accuracy, h.Final.Accuracy, h.Steps, l.budget, l.measured, h.Elapsed)
			if h.Final.Accuracy < 0.95 {
				t.Errorf("%s reached recall %.3f after %d steps; want ≥ 0.95", l.name, h.Final.Accuracy, h.Steps)
			}
		})
	}
}

// TestTransformerRecallsWhereRNNForgets: at lag 16, the RNN's recall stays at
// chance with the standard budget, while a small transformer reaches 100 %
// (TestLearnsDelayedRecall): attention looks straight back at the key.
func TestTransformerRecallsWhereRNNForgets(t *testing.T) {
	task, _ := tasks.Delayed(16)
	m, err := rnn.New(rnn.Standard(17), rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	o := train.Defaults() // 400 steps, learning rate 1e-3, as the PyTorch reference
	o.EvalSize = 512
	h, err := train.Train(context.Background(), m, task, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("rnn at lag 16: %v", h)
	if h.Final.Accuracy > 0.3 {
		t.Errorf("the RNN recalled %.3f at lag 16; the story (and PyTorch at this budget) says it stays near chance 0.125", h.Final.Accuracy)
	}
}

// TestTransformerLearnsInduction: a two-layer transformer learns the
// induction head (find the earlier trigger, copy the token after it); with
// this seed it needed 100 steps.
func TestTransformerLearnsInduction(t *testing.T) {
	task, _ := tasks.Induction(16)
	cfg := transformer.Tiny()
	cfg.Vocab, cfg.Outputs, cfg.MaxT = tasks.InductionVocab, tasks.InductionVocab, 16
	m, err := transformer.New(cfg, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	o := train.Defaults()
	o.LR, o.Steps, o.Target, o.EvalSize, o.EvalEvery = 1e-2, 400, 0.99, 256, 25
	h, err := train.Train(context.Background(), m, task, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("induction T=16, 2 layers: %v in %v", h, h.Elapsed)
	if h.Final.Accuracy < 0.95 {
		t.Errorf("recall %.3f after %d steps; want ≥ 0.95", h.Final.Accuracy, h.Steps)
	}
}
