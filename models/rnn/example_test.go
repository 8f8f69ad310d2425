package rnn_test

import (
	"context"
	"fmt"
	"math/rand/v2"

	"github.com/seqlab/seqlab/models/nn"
	"github.com/seqlab/seqlab/models/rnn"
	"github.com/seqlab/seqlab/tasks"
	"github.com/seqlab/seqlab/train"
)

// Train a small RNN to recall a key 3 steps back, then stream a sequence
// through it one token at a time.
func Example() {
	m, err := rnn.New(rnn.Config{Vocab: 17, Embed: 16, Hidden: 32}, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		panic(err)
	}
	task, _ := tasks.Delayed(3)
	opts := train.Defaults()
	opts.LR, opts.Steps = 1e-2, 300
	hist, err := train.Train(context.Background(), m, task, opts)
	if err != nil {
		panic(err)
	}
	fmt.Printf("parameters: %d\n", nn.CountParams(m.Params()))
	fmt.Printf("held-out recall: %.2f (chance %.3f)\n", hist.Final.Accuracy, task.Spec().Chance)

	// "key 5, three distractors, query": the answer should be 5.
	s := m.NewState(1)
	var answer int
	for _, tok := range []int{5, 9, 12, 8, tasks.DelayedQuery} {
		logits, _ := m.Step(s, nn.TokenInput(1, 1, []int{tok}))
		answer = argmax(logits.RawRowView(0))
	}
	fmt.Println("answer after the query:", answer)
	// Output:
	// parameters: 2433
	// held-out recall: 1.00 (chance 0.125)
	// answer after the query: 5
}

func argmax(v []float64) int {
	best := 0
	for i, x := range v {
		if x > v[best] {
			best = i
		}
	}
	return best
}
