package lstm

import (
	"testing"

	"github.com/seqlab/seqlab/models/internal/torchfix"
)

// TestPyTorchParity loads the parameters of a PyTorch nn.LSTM model
// (testdata/torch_lstm.json, made by models/testdata/torch_parity.py with
// PyTorch 1.13) and checks logits, loss and every gradient against PyTorch's.
func TestPyTorchParity(t *testing.T) {
	m, err := New(Config{Vocab: 7, Embed: 5, Hidden: 6, ForgetBias: 1}, newRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	torchfix.Check(t, "testdata/torch_lstm.json", m, 1e-12)
}
