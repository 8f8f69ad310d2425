package bench

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/seqlab/seqlab/models/lstm"
	"github.com/seqlab/seqlab/models/rnn"
	"github.com/seqlab/seqlab/models/transformer"
	"github.com/seqlab/seqlab/tasks"
	"github.com/seqlab/seqlab/train"
)

// A standard model of the recall protocol (BENCHMARKS.md): its sizes and the
// learning rate of the standard budget.
type standardModel struct {
	name  string
	about string
	lr    float64
	build func(spec tasks.Spec, rng *rand.Rand) (train.Model, error)
}

// standardModels: learning rates are the PyTorch reference's starting point
// (anchors/torch_recall.py); the recall suite recalibrates them.
var standardModels = []standardModel{
	{"rnn", "Elman RNN (tanh), embedding 32, hidden 64", 1e-3, func(spec tasks.Spec, rng *rand.Rand) (train.Model, error) {
		cfg := rnn.Config{Hidden: 64, Outputs: spec.Outputs}
		if spec.Vocab > 0 {
			cfg.Vocab, cfg.Embed = spec.Vocab, 32
		} else {
			cfg.Features = spec.Features
		}
		return rnn.New(cfg, rng)
	}},
	{"lstm", "LSTM, embedding 32, hidden 64, forget-gate bias 1", 3e-3, lstmBuilder(1)},
	{"lstm-fb5", "LSTM, embedding 32, hidden 64, forget-gate bias 5", 3e-3, lstmBuilder(5)},
	{"transformer", "transformer, d 64, 4 heads, 2 layers, MLP 128, pre-LayerNorm, GELU", 1e-3, transformerBuilder(2)},
	{"transformer-1layer", "the same transformer with one layer (the induction control)", 1e-3, transformerBuilder(1)},
}

func transformerBuilder(layers int) func(tasks.Spec, *rand.Rand) (train.Model, error) {
	return func(spec tasks.Spec, rng *rand.Rand) (train.Model, error) {
		cfg := transformer.Config{D: 64, Heads: 4, Layers: layers, FF: 128, MaxT: spec.T, Outputs: spec.Outputs}
		if spec.Vocab > 0 {
			cfg.Vocab = spec.Vocab
		} else {
			cfg.Features = spec.Features
		}
		return transformer.New(cfg, rng)
	}
}

func lstmBuilder(forgetBias float64) func(tasks.Spec, *rand.Rand) (train.Model, error) {
	return func(spec tasks.Spec, rng *rand.Rand) (train.Model, error) {
		cfg := lstm.Config{Hidden: 64, Outputs: spec.Outputs, ForgetBias: forgetBias}
		if spec.Vocab > 0 {
			cfg.Vocab, cfg.Embed = spec.Vocab, 32
		} else {
			cfg.Features = spec.Features
		}
		return lstm.New(cfg, rng)
	}
}

// Models lists the names of the standard models with a line about each.
func Models() []string {
	var out []string
	for _, m := range standardModels {
		out = append(out, fmt.Sprintf("%-10s %s, learning rate %g", m.name, m.about, m.lr))
	}
	return out
}

func lookup(name string) (standardModel, error) {
	for _, m := range standardModels {
		if m.name == name {
			return m, nil
		}
	}
	var names []string
	for _, m := range standardModels {
		names = append(names, m.name)
	}
	return standardModel{}, fmt.Errorf("bench: unknown model %q; choose one of %s", name, strings.Join(names, ", "))
}

// NewModel builds the standard model called name, sized for task spec.
func NewModel(name string, spec tasks.Spec, rng *rand.Rand) (train.Model, error) {
	m, err := lookup(name)
	if err != nil {
		return nil, err
	}
	return m.build(spec, rng)
}

// StandardOptions is the standard training budget for model name: train.Defaults
// with the model's learning rate.
func StandardOptions(name string) (train.Options, error) {
	m, err := lookup(name)
	if err != nil {
		return train.Options{}, err
	}
	o := train.Defaults()
	o.LR = m.lr
	return o, nil
}
