package tasks

import (
	"fmt"
	"math/rand/v2"
)

// The induction task's vocabulary: ordinary tokens 0..19 and the trigger 20.
const (
	InductionTokens  = 20                  // ordinary tokens are 0 … InductionTokens−1
	InductionTrigger = InductionTokens     // the trigger token, 20
	InductionVocab   = InductionTokens + 1 // 21
)

// InductionTask is the induction-head task (Olsson et al. 2022; H3): having
// seen "trigger a" once, answer a when the trigger comes back.
//
// Each sequence of length T is uniform random ordinary tokens except for
//
//	position p:   InductionTrigger   (p uniform in [0, T/2−1))
//	position p+1: a                  (so both lie in the first half)
//	position T−1: InductionTrigger
//
// The trigger appears nowhere else. The only query is the last position; its
// target is a. Chance is 1/20.
type InductionTask struct {
	spec Spec
}

// Induction returns the induction-head task over T steps (T ≥ 4; the standard
// sweep is 32, 64, 128).
func Induction(T int) (*InductionTask, error) {
	switch {
	case T < 4:
		return nil, fmt.Errorf("tasks: induction T=%d is too short; use T ≥ 4, room for trigger and token in the first half and the trigger at the end (the standard sweep is 32 … 128)", T)
	case T > MaxSize:
		return nil, fmt.Errorf("tasks: induction T=%d is too large; use T ≤ %d (the standard sweep is 32 … 128)", T, MaxSize)
	}
	return &InductionTask{spec: Spec{
		Name:    "induction",
		Size:    T,
		Vocab:   InductionVocab,
		Outputs: InductionVocab,
		T:       T,
		Queries: 1,
		Chance:  1.0 / InductionTokens,
	}}, nil
}

// Spec describes the task: V = Outputs = 21, one query, chance 1/20.
func (in *InductionTask) Spec() Spec { return in.spec }

// Fill writes B fresh sequences drawn from rng into b.
func (in *InductionTask) Fill(b *Batch, B int, rng *rand.Rand) {
	reset(b, B, in.spec)
	T := in.spec.T
	for s := range B {
		seq := b.Tokens[s*T : (s+1)*T]
		for t := range T - 1 {
			seq[t] = rng.IntN(InductionTokens)
		}
		p := rng.IntN(T/2 - 1)
		seq[p] = InductionTrigger
		seq[T-1] = InductionTrigger
		b.Pos[s] = s*T + T - 1
		b.Targets[s] = seq[p+1]
	}
}
