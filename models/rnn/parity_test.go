package rnn

import (
	"testing"

	"github.com/seqlab/seqlab/models/internal/torchfix"
)

// TestPyTorchParity loads the parameters of a PyTorch nn.RNN model
// (testdata/torch_rnn.json, made by models/testdata/torch_parity.py with
// PyTorch 1.13) and checks logits, loss and every gradient against PyTorch's.
func TestPyTorchParity(t *testing.T) {
	m, err := New(Config{Vocab: 7, Embed: 5, Hidden: 6}, newRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	torchfix.Check(t, "testdata/torch_rnn.json", m, 1e-12)
}
