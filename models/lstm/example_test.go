package lstm_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/seqlab/seqlab/models/lstm"
	"github.com/seqlab/seqlab/models/nn"
	"github.com/seqlab/seqlab/tasks"
	"github.com/seqlab/seqlab/train"
)

// Train a small LSTM to recall a key 6 steps back, then look at its forget
// gate while it reads a sequence: it stays open (near 1) to keep the key.
func Example() {
	cfg := lstm.Tiny() // vocabulary 17, embedding 16, hidden 32, forget-gate bias 1
	m, err := lstm.New(cfg, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		panic(err)
	}
	task, _ := tasks.Delayed(6)
	opts := train.Defaults()
	opts.LR, opts.Steps = 1e-2, 200
	hist, err := train.Train(context.Background(), m, task, opts)
	if err != nil {
		panic(err)
	}
	fmt.Printf("parameters: %d\n", nn.CountParams(m.Params()))
	fmt.Printf("held-out recall: %.2f (chance %.3f)\n", hist.Final.Accuracy, task.Spec().Chance)

	seq := []int{3, 9, 12, 8, 15, 10, 11, tasks.DelayedQuery}
	logits, _ := m.Forward(nn.TokenInput(1, len(seq), seq))
	last := logits.RawRowView(len(seq) - 1)
	best := 0
	for i, v := range last {
		if v > last[best] {
			best = i
		}
	}
	fmt.Println("answer after the query:", best)
	_, f, _, _ := m.Gates(0)
	fmt.Printf("forget gate, mean over the sequence: %.1f\n", meanOf(f.RawMatrix().Data))
	// Output:
	// parameters: 7233
	// held-out recall: 1.00 (chance 0.125)
	// answer after the query: 3
	// forget gate, mean over the sequence: 0.9
}

func meanOf(v []float64) float64 {
	s := 0.0
	for _, x := range v {
		s += x
	}
	return s / float64(len(v))
}
