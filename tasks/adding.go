package tasks

import (
	"fmt"
	"math/rand/v2"
)

// AddingFeatures is the number of real values per step of the adding task:
// the value (feature 0) and the marker (feature 1).
const AddingFeatures = 2

// AddingTask is the adding problem: add the two marked values of a sequence.
//
// Each of the T steps carries two features, a value uᵗ uniform in [0, 1) and a
// marker mᵗ ∈ {0, 1}. Exactly one marker is set in the first half [0, T/2) and
// one in the second half [T/2, T), at positions p and q. The only query is the
// last step, t = T−1; its target is the real number
//
//	y = u_p + u_q
//
// The baseline that always predicts 1, the mean of y, scores
// MSE = Var(y) = 2·(1/12) = 1/6 ≈ 0.167; the task counts as solved at MSE < 0.01.
type AddingTask struct {
	spec Spec
}

// Adding returns the adding problem over T steps (T ≥ 2; the standard sweep is
// 25, 50, 100, 200, 400).
func Adding(T int) (*AddingTask, error) {
	switch {
	case T < 2:
		return nil, fmt.Errorf("tasks: adding T=%d is too short; use T ≥ 2, one marker in each half (the standard sweep is 25 … 400)", T)
	case T > MaxSize:
		return nil, fmt.Errorf("tasks: adding T=%d is too large; use T ≤ %d (the standard sweep is 25 … 400)", T, MaxSize)
	}
	return &AddingTask{spec: Spec{
		Name:       "adding",
		Size:       T,
		Features:   AddingFeatures,
		Outputs:    1,
		T:          T,
		Queries:    1,
		Regression: true,
		Chance:     1.0 / 6,
	}}, nil
}

// Spec describes the task: F = 2, one regression output, one query, baseline MSE 1/6.
func (a *AddingTask) Spec() Spec { return a.spec }

// Fill writes B fresh sequences drawn from rng into b. Step (s, t) is at
// b.X[(s·T+t)·2 : (s·T+t)·2+2] as (value, marker).
func (a *AddingTask) Fill(b *Batch, B int, rng *rand.Rand) {
	reset(b, B, a.spec)
	T := a.spec.T
	half := T / 2
	for s := range B {
		x := b.X[s*T*AddingFeatures : (s+1)*T*AddingFeatures]
		for t := range T {
			x[t*AddingFeatures] = rng.Float64()
			x[t*AddingFeatures+1] = 0
		}
		p := rng.IntN(half)
		q := half + rng.IntN(T-half)
		x[p*AddingFeatures+1] = 1
		x[q*AddingFeatures+1] = 1
		b.Pos[s] = s*T + T - 1
		b.Values[s] = x[p*AddingFeatures] + x[q*AddingFeatures]
	}
}
