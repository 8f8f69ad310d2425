package transformer

import (
	"testing"

	"github.com/seqlab/seqlab/models/internal/torchfix"
)

// TestPyTorchParity loads the parameters of the TinyGPT of
// shared/anchors/torch_ref.py (testdata/torch_transformer.json, made by
// models/testdata/torch_parity.py with PyTorch 1.13: nn.TransformerEncoder of
// norm_first GELU layers, causal mask) and checks logits, loss and every
// gradient against PyTorch's.
func TestPyTorchParity(t *testing.T) {
	m, err := New(Config{Vocab: 7, D: 8, Heads: 2, Layers: 2, FF: 12, MaxT: 10}, newRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	torchfix.Check(t, "testdata/torch_transformer.json", m, 1e-12)
}
