package transformer

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seqlab/seqlab/models/nn"
	"gonum.org/v1/gonum/mat"
)

func TestSaveLoad(t *testing.T) {
	for _, cfg := range []Config{small(), {Features: 2, D: 6, Heads: 3, Layers: 1, FF: 5, MaxT: 8, Outputs: 1}} {
		m, err := New(cfg, newRNG(5))
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), "gpt.safetensors")
		if err := m.Save(path); err != nil {
			t.Fatal(err)
		}
		back, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		if back.Config != m.Config {
			t.Errorf("loaded config %+v; saved %+v", back.Config, m.Config)
		}
		for i, p := range back.Params() {
			if q := m.Params()[i]; p.Name != q.Name || !mat.Equal(p.Value, q.Value) {
				t.Errorf("parameter %s differs after the round trip", q.Name)
			}
		}
		rng := newRNG(6)
		in := nn.TokenInput(2, 5, randomTokens(rng, 10, max(cfg.Vocab, 1)))
		if cfg.Vocab == 0 {
			in = nn.RealInput(2, 5, cfg.Features, randomReal(rng, 10*cfg.Features))
		}
		a, _ := m.Forward(in)
		b, _ := back.Forward(in)
		if !mat.Equal(a, b) {
			t.Error("the loaded model computes something else")
		}
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	m, _ := New(small(), newRNG(5))
	good := filepath.Join(dir, "good.safetensors")
	if err := m.Save(good); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(good)
	other, _ := New(Config{Vocab: 6, D: 8, Heads: 2, Layers: 1, FF: 12, MaxT: 10}, newRNG(1))
	oneLayer := filepath.Join(dir, "one-layer.safetensors")
	other.Save(oneLayer)
	// A two-layer config over one layer's tensors: tensors missing.
	odata, _ := os.ReadFile(oneLayer)
	twoOverOne := strings.Replace(string(odata), `\"Layers\":1`, `\"Layers\":2`, 1)

	for _, tc := range []struct {
		name, content, want string
	}{
		{"truncated", string(data[:len(data)/2]), "safetensors"},
		{"empty", "", "safetensors"},
		{"missing-tensors", twoOverOne, "enc.layers.1"},
	} {
		path := filepath.Join(dir, tc.name+".safetensors")
		os.WriteFile(path, []byte(tc.content), 0o644)
		_, err := Load(path)
		if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: Load error = %v; want the file name and %q", tc.name, err, tc.want)
		}
	}
	// Every prefix of a checkpoint is an error, never a panic.
	for n := 0; n < len(data); n += 97 {
		path := filepath.Join(dir, "prefix.safetensors")
		os.WriteFile(path, data[:n], 0o644)
		if _, err := Load(path); err == nil {
			t.Fatalf("a checkpoint cut at %d of %d bytes loaded", n, len(data))
		}
	}
}
