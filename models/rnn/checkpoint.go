package rnn

import (
	"math/rand/v2"

	"github.com/seqlab/seqlab/models/nn"
)

// kind is the model kind an RNN checkpoint names in its metadata.
const kind = "rnn"

// Save writes the model to path as a safetensors checkpoint: the parameters
// under their PyTorch names and in PyTorch's layouts ("emb.weight",
// "rnn.weight_ih_l0", ..., "out.bias"), as F64, and the Config as JSON in the
// metadata (see nn.SaveCheckpoint). An existing file at path is replaced only
// once the new one is completely written.
func (m *Model) Save(path string) error {
	return nn.SaveModel(path, kind, m.Config, m.Params())
}

// Load reads a model saved by Save, or written by PyTorch with the same
// parameter names and the metadata nn.SaveCheckpoint describes. It builds
// the model from the file's Config and then copies in the tensors, checking
// every name, shape and value first, so it either returns a complete model
// or an error naming the file and the problem.
func Load(path string) (*Model, error) {
	var cfg Config
	var m *Model
	err := nn.LoadModel(path, kind, &cfg, func() (ps []*nn.Param, err error) {
		// The seed does not matter: every parameter is overwritten.
		if m, err = New(cfg, rand.New(rand.NewPCG(1, 1))); err != nil {
			return nil, err
		}
		return m.Params(), nil
	})
	if err != nil {
		return nil, err
	}
	return m, nil
}
