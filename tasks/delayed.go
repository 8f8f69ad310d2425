package tasks

import (
	"fmt"
	"math/rand/v2"
)

// The delayed task's vocabulary: keys 0..7, distractors 8..15, query marker 16.
const (
	DelayedKeys        = 8                                // keys are 0 … DelayedKeys−1
	DelayedDistractors = 8                                // distractors are DelayedKeys … DelayedQuery−1
	DelayedQuery       = DelayedKeys + DelayedDistractors // the query marker, 16
	DelayedVocab       = DelayedQuery + 1                 // 17
)

// DelayedTask is delayed recall: remember a key across L distractors.
//
// Each sequence has length L+2:
//
//	key, d₁ … d_L, DelayedQuery
//
// with the key uniform over the DelayedKeys keys and each dᵢ uniform over the
// distractors. The only query is the last position; its target is the key.
type DelayedTask struct {
	spec Spec
}

// Delayed returns the delayed-recall task with lag L (L ≥ 0; the standard
// sweep is 2, 4, …, 256). Lag 0 is a key immediately followed by the query.
func Delayed(lag int) (*DelayedTask, error) {
	switch {
	case lag < 0:
		return nil, fmt.Errorf("tasks: delayed lag %d is negative; use a lag ≥ 0 (the standard sweep is 2 … 256)", lag)
	case lag > MaxSize:
		return nil, fmt.Errorf("tasks: delayed lag %d is too large; use a lag ≤ %d (the standard sweep is 2 … 256)", lag, MaxSize)
	}
	return &DelayedTask{spec: Spec{
		Name:    "delayed",
		Size:    lag,
		Vocab:   DelayedVocab,
		Outputs: DelayedVocab,
		T:       lag + 2,
		Queries: 1,
		Chance:  1.0 / DelayedKeys,
	}}, nil
}

// Spec describes the task: T = L+2, V = Outputs = 17, one query, chance 1/8.
func (d *DelayedTask) Spec() Spec { return d.spec }

// Fill writes B fresh sequences drawn from rng into b.
func (d *DelayedTask) Fill(b *Batch, B int, rng *rand.Rand) {
	reset(b, B, d.spec)
	T := d.spec.T
	for s := range B {
		seq := b.Tokens[s*T : (s+1)*T]
		key := rng.IntN(DelayedKeys)
		seq[0] = key
		for t := 1; t < T-1; t++ {
			seq[t] = DelayedKeys + rng.IntN(DelayedDistractors)
		}
		seq[T-1] = DelayedQuery
		b.Pos[s] = s*T + T - 1
		b.Targets[s] = key
	}
}
