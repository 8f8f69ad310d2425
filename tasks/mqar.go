package tasks

import (
	"fmt"
	"math/rand/v2"
)

// The mqar task's vocabulary: padding 0, keys [1, 64), values [64, 128).
const (
	MQARPad        = 0                             // padding between the pairs and the queries
	MQARFirstKey   = 1                             // keys are MQARFirstKey … MQARFirstValue−1
	MQARFirstValue = 64                            // values are MQARFirstValue … MQARVocab−1
	MQARVocab      = 128                           // input vocabulary and output classes
	MQARKeys       = MQARFirstValue - MQARFirstKey // 63 distinct keys, the most pairs a sequence can hold
	MQARValues     = MQARVocab - MQARFirstValue    // 64 values; chance is 1/MQARValues
	MQARStandardT  = 64                            // the sequence length of the standard benchmark
)

// MQARTask is multi-query associative recall (Zoology, Arora et al. 2023):
// store N key–value pairs, then answer N queries about them.
//
// Each sequence of length T starts with N pairs of distinct keys and values
// drawn uniformly (values may repeat):
//
//	k₁ v₁ k₂ v₂ … k_N v_N
//
// then the N keys appear once more each, in random order, at N random
// distinct positions in [2N, T); every other position is MQARPad. Each of
// those N positions is queried, and its target is the value paired with the
// key found there.
//
// A model with a fixed-size state must hold N·log₂64 bits until the queries;
// attention can look the pairs up instead.
type MQARTask struct {
	spec Spec
}

// MQAR returns the associative-recall task with N pairs at the standard
// length T = 64 (1 ≤ N ≤ 21; the standard sweep is 2, 4, 8, 16).
func MQAR(pairs int) (*MQARTask, error) { return MQARLen(pairs, MQARStandardT) }

// MQARLen returns the associative-recall task with N pairs in sequences of
// length T. The pairs take 2N positions and the queries N more, so 3N ≤ T;
// there are 63 distinct keys, so N ≤ 63.
func MQARLen(pairs, T int) (*MQARTask, error) {
	fits := min(MQARKeys, T/3)
	switch {
	case T > MaxSize:
		return nil, fmt.Errorf("tasks: mqar T=%d is too large; use T ≤ %d (the standard is T=%d)", T, MaxSize, MQARStandardT)
	case pairs < 1:
		if fits < 1 {
			return nil, fmt.Errorf("tasks: mqar with %d pairs at T=%d; use N ≥ 1 and T ≥ 3N (the standard is T=%d, N = 2 … 16)", pairs, T, MQARStandardT)
		}
		return nil, fmt.Errorf("tasks: mqar with %d pairs; use 1 … %d pairs at T=%d (the standard sweep is 2 … 16)", pairs, fits, T)
	case pairs > MQARKeys:
		return nil, fmt.Errorf("tasks: mqar with %d pairs, but there are only %d distinct keys; use N ≤ %d (and T ≥ 3N)", pairs, MQARKeys, MQARKeys)
	case 3*pairs > T:
		if fits < 1 {
			return nil, fmt.Errorf("tasks: mqar with %d pairs needs T ≥ %d (2N for the pairs, N for the queries), but T=%d", pairs, 3*pairs, T)
		}
		return nil, fmt.Errorf("tasks: mqar with %d pairs needs T ≥ %d (2N for the pairs, N for the queries), but T=%d; use N ≤ %d or T ≥ %d", pairs, 3*pairs, T, fits, 3*pairs)
	}
	return &MQARTask{spec: Spec{
		Name:    "mqar",
		Size:    pairs,
		Vocab:   MQARVocab,
		Outputs: MQARVocab,
		T:       T,
		Queries: pairs,
		Chance:  1.0 / MQARValues,
	}}, nil
}

// Spec describes the task: V = Outputs = 128, N queries, chance 1/64.
func (m *MQARTask) Spec() Spec { return m.spec }

// Fill writes B fresh sequences drawn from rng into b.
func (m *MQARTask) Fill(b *Batch, B int, rng *rand.Rand) {
	reset(b, B, m.spec)
	T, N := m.spec.T, m.spec.Size
	var keys, queries [MQARKeys]int
	var value [MQARVocab]int // value[k] is the value paired with key k in this sequence
	for s := range B {
		seq := b.Tokens[s*T : (s+1)*T]

		// N distinct keys in random order: a partial Fisher–Yates shuffle.
		for i := range keys {
			keys[i] = MQARFirstKey + i
		}
		for i := range N {
			j := i + rng.IntN(MQARKeys-i)
			keys[i], keys[j] = keys[j], keys[i]
		}
		for i, k := range keys[:N] {
			v := MQARFirstValue + rng.IntN(MQARValues)
			value[k] = v
			seq[2*i], seq[2*i+1] = k, v
		}

		// The same keys in a fresh random order, for the queries.
		copy(queries[:N], keys[:N])
		rng.Shuffle(N, func(i, j int) { queries[i], queries[j] = queries[j], queries[i] })

		// N query positions out of [2N, T) by selection sampling (Knuth's
		// Algorithm S): each position is taken with probability
		// (queries left)/(positions left), which makes every N-subset
		// equally likely and yields the positions in ascending order.
		q := s * N
		left := N
		for t := 2 * N; t < T; t++ {
			if left > 0 && rng.IntN(T-t) < left {
				k := queries[N-left]
				seq[t] = k
				b.Pos[q] = s*T + t
				b.Targets[q] = value[k]
				q++
				left--
			} else {
				seq[t] = MQARPad
			}
		}
	}
}
