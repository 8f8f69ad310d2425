package rnn

import (
	"fmt"
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
	if err := m.checkConfig(); err != nil {
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	return nn.SaveCheckpoint(path, kind, m.Config, m.Params())
}

// checkConfig reports a Config changed after New so that it no longer
// describes the parameters: such a checkpoint could not be loaded.
func (m *Model) checkConfig() error {
	if err := m.Config.Validate(); err != nil {
		return err
	}
	if want, got := m.Config.ParamCount(), nn.CountParams(m.Params()); want != got {
		return fmt.Errorf("rnn: the model's Config describes %d parameters, but the model has %d; was Config changed after New?", want, got)
	}
	return nil
}

// Load reads a model saved by Save, or written by PyTorch with the same
// parameter names and the metadata nn.SaveCheckpoint describes. It builds
// the model from the file's Config and then copies in the tensors, checking
// every name, shape and value first, so it either returns a complete model
// or an error naming the file and the problem.
func Load(path string) (*Model, error) {
	var cfg Config
	tensors, err := nn.ReadCheckpoint(path, kind, &cfg)
	if err != nil {
		return nil, err
	}
	// The seed does not matter: every parameter is overwritten below.
	m, err := New(cfg, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		return nil, fmt.Errorf("checkpoint %s: invalid config: %w", path, err)
	}
	if err := nn.AssignParams(m.Params(), tensors); err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", path, err)
	}
	return m, nil
}
