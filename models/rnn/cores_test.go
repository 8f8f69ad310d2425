package rnn

import (
	"math/rand/v2"
	"testing"

	"github.com/seqlab/seqlab/models/internal/modeltest"
)

// TestSameOnAnyCores: the recurrence splits the batch's sequences over the
// cores; logits, gradients and the per-step norms must not depend on it.
func TestSameOnAnyCores(t *testing.T) {
	modeltest.SameOnAnyCores(t, 33, 24, 11,
		func() (modeltest.Model, error) {
			return New(Config{Vocab: 11, Embed: 16, Hidden: 64}, rand.New(rand.NewPCG(3, 3)))
		},
		func(m modeltest.Model) []float64 { return m.(*Model).StepGradNorms() })
}
