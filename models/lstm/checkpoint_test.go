package lstm

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/seqlab/seqlab/models/nn"
	"gonum.org/v1/gonum/mat"
)

// checkpointInput is a seeded batch for cfg: tokens or real values.
func checkpointInput(cfg Config, seed uint64) nn.Input {
	rng := newRNG(seed)
	const B, T = 2, 5
	if cfg.Vocab > 0 {
		return nn.TokenInput(B, T, randomTokens(rng, B*T, cfg.Vocab))
	}
	return nn.RealInput(B, T, cfg.Features, randomReal(rng, B*T*cfg.Features, 1))
}

func TestSaveLoad(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
	}{
		{"tokens", Config{Vocab: 7, Embed: 5, Hidden: 6, ForgetBias: 1}},
		{"real", Config{Features: 3, Hidden: 4, Outputs: 2, ForgetBias: 0.5}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := New(tc.cfg, newRNG(5))
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "model.safetensors")
			if err := m.Save(path); err != nil {
				t.Fatal(err)
			}

			data, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			n := binary.LittleEndian.Uint64(data)
			if n%8 != 0 || !bytes.HasPrefix(data[8:], []byte(`{"__metadata__":{"config":`)) {
				t.Errorf("file starts %q (header length %d); want a header length that is a multiple of 8, then {\"__metadata__\":{\"config\":...", data[:min(len(data), 40)], n)
			}
			_, meta, err := nn.ReadSafetensors(data)
			if err != nil {
				t.Fatal(err)
			}
			wantCfg, _ := json.Marshal(m.Config)
			if meta["format"] != "seqlab/1" || meta["model"] != "lstm" || meta["config"] != string(wantCfg) {
				t.Errorf("metadata = %q; want format seqlab/1, model lstm, config %s", meta, wantCfg)
			}

			got, err := Load(path)
			if err != nil {
				t.Fatal(err)
			}
			if got.Config != m.Config {
				t.Errorf("Load: Config = %+v; want %+v", got.Config, m.Config)
			}
			gp, wp := got.Params(), m.Params()
			if len(gp) != len(wp) {
				t.Fatalf("Load: %d params; want %d", len(gp), len(wp))
			}
			for i := range wp {
				if gp[i].Name != wp[i].Name || !slices.Equal(gp[i].Shape, wp[i].Shape) || !slices.Equal(gp[i].Data(), wp[i].Data()) {
					t.Errorf("Load: param %v differs from the saved %v", gp[i], wp[i])
				}
			}
			in := checkpointInput(tc.cfg, 6)
			want, err := m.Forward(in)
			if err != nil {
				t.Fatal(err)
			}
			out, err := got.Forward(in)
			if err != nil {
				t.Fatal(err)
			}
			if !mat.Equal(out, want) {
				t.Errorf("Forward after Load = %v; want %v", mat.Formatted(out), mat.Formatted(want))
			}
		})
	}
}

// writeRawCheckpoint writes params with the given metadata, bypassing
// SaveCheckpoint's checks, to make broken checkpoints.
func writeRawCheckpoint(t *testing.T, path string, params []*nn.Param, meta map[string]string) {
	t.Helper()
	var buf bytes.Buffer
	if err := nn.WriteSafetensors(&buf, params, meta); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestLoadErrors checks that Load rejects broken checkpoints, without
// panicking, with an error naming the file and the problem.
func TestLoadErrors(t *testing.T) {
	m, err := New(Config{Vocab: 5, Embed: 3, Hidden: 4, ForgetBias: 1}, newRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	good := filepath.Join(dir, "good.safetensors")
	if err := m.Save(good); err != nil {
		t.Fatal(err)
	}
	goodBytes, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	cfgJSON, _ := json.Marshal(m.Config)
	meta := func(kv ...string) map[string]string {
		mm := map[string]string{"format": "seqlab/1", "model": "lstm", "config": string(cfgJSON)}
		for i := 0; i < len(kv); i += 2 {
			mm[kv[i]] = kv[i+1]
		}
		return mm
	}
	// replace returns m's params with the one named name replaced by p.
	replace := func(name string, p *nn.Param) []*nn.Param {
		var ps []*nn.Param
		for _, q := range m.Params() {
			switch {
			case q.Name != name:
				ps = append(ps, q)
			case p != nil:
				ps = append(ps, p)
			}
		}
		return ps
	}
	withNaN := func() []*nn.Param {
		p := nn.NewParam("rnn.weight_hh_l0", 16, 4)
		copy(p.Data(), m.WeightHH.Data())
		p.Data()[5] = math.NaN()
		return replace(p.Name, p)
	}

	for _, tc := range []struct {
		name  string
		write func(path string) // nil: no file
		want  string
	}{
		{"no file", nil, "no such file or directory"},
		{"empty file", func(p string) { os.WriteFile(p, nil, 0o644) }, "the file is 0 bytes"},
		{"7 bytes", func(p string) { os.WriteFile(p, goodBytes[:7], 0o644) }, "the file is 7 bytes"},
		{"header length beyond file", func(p string) { os.WriteFile(p, goodBytes[:100], 0o644) }, "beyond the end of the file"},
		{"bad JSON", func(p string) {
			b := slices.Clone(goodBytes)
			b[9] = '#' // {#__metadata__"...
			os.WriteFile(p, b, 0o644)
		}, "the header is not a valid JSON object: invalid character '#'"},
		{"truncated data", func(p string) { os.WriteFile(p, goodBytes[:len(goodBytes)-10], 0o644) }, "truncated"},
		{"no metadata (plain PyTorch file)", func(p string) { writeRawCheckpoint(t, p, m.Params(), nil) }, "not a seqlab checkpoint"},
		{"wrong shape for one tensor", func(p string) {
			writeRawCheckpoint(t, p, replace("rnn.weight_hh_l0", nn.NewParam("rnn.weight_hh_l0", 4, 4)), meta())
		}, `tensor "rnn.weight_hh_l0" has shape [4 4], this model needs [16 4]`},
		{"missing tensor", func(p string) { writeRawCheckpoint(t, p, replace("out.bias", nil), meta()) }, `no tensor "out.bias" (this model needs one of shape [5])`},
		{"extra tensor", func(p string) {
			writeRawCheckpoint(t, p, append(m.Params(), nn.NewParam("rnn.weight_ih_l1", 4, 4)), meta())
		}, `tensor "rnn.weight_ih_l1" is not a parameter of this model`},
		// The model kind in the metadata is checked before any tensor.
		{"rnn file", func(p string) { writeRawCheckpoint(t, p, m.Params(), meta("model", "rnn")) }, `it is a checkpoint of model kind "rnn", not "lstm"; load it with rnn.Load`},
		{"newer format", func(p string) { writeRawCheckpoint(t, p, m.Params(), meta("format", "seqlab/2")) }, `format "seqlab/2" is newer than this seqlab understands ("seqlab/1"); upgrade seqlab`},
		{"NaN inside data", func(p string) { writeRawCheckpoint(t, p, withNaN(), meta()) }, `tensor "rnn.weight_hh_l0" holds NaN at index 5`},
		{"invalid config", func(p string) {
			writeRawCheckpoint(t, p, m.Params(), meta("config", `{"Vocab":5,"Embed":3,"Hidden":-1,"Outputs":5}`))
		}, "invalid config: lstm: Hidden is -1; it must be positive"},
		{"config for other sizes", func(p string) {
			writeRawCheckpoint(t, p, m.Params(), meta("config", `{"Vocab":5,"Embed":3,"Hidden":2,"Outputs":5}`))
		}, `tensor "rnn.weight_hh_l0" has shape [16 4], this model needs [8 2]`},
		{"config unknown field", func(p string) {
			writeRawCheckpoint(t, p, m.Params(), meta("config", `{"Vocab":5,"Embed":3,"Hidden":4,"Layers":2}`))
		}, `unknown field "Layers"`},
		{"config NaN forget bias", func(p string) {
			writeRawCheckpoint(t, p, m.Params(), meta("config", `{"Vocab":5,"Embed":3,"Hidden":4,"ForgetBias":NaN}`))
		}, `cannot read its config`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".safetensors")
			if tc.write != nil {
				tc.write(path)
			}
			got, err := Load(path)
			if err == nil || got != nil {
				t.Fatalf("Load = %v, %v; want an error containing %q", got, err, tc.want)
			}
			if !strings.HasPrefix(err.Error(), "checkpoint "+path+": ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Load error = %q; want one starting \"checkpoint %s: \" and containing %q", err, path, tc.want)
			}
			t.Log(err)
		})
	}

	// Every proper prefix of a (very small) checkpoint is an error that names the file.
	tiny, err := New(Config{Features: 1, Hidden: 1, Outputs: 1}, newRNG(2))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "prefix.safetensors")
	if err := tiny.Save(path); err != nil {
		t.Fatal(err)
	}
	whole, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for n := range len(whole) {
		if err := os.WriteFile(path, whole[:n], 0o644); err != nil {
			t.Fatal(err)
		}
		if got, err := Load(path); err == nil || got != nil || !strings.HasPrefix(err.Error(), "checkpoint "+path+": ") {
			t.Fatalf("Load(first %d of %d bytes) = %v, %v; want an error naming the file", n, len(whole), got, err)
		}
	}
}

// TestSaveErrors checks that Save refuses a model it could not load back,
// and that the refusal leaves an existing checkpoint as it was.
func TestSaveErrors(t *testing.T) {
	m, err := New(Config{Vocab: 5, Embed: 3, Hidden: 4, ForgetBias: 1}, newRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "model.safetensors")
	if err := m.Save(path); err != nil {
		t.Fatal(err)
	}
	old, _ := os.ReadFile(path)

	m.Out.Bias.Data()[0] = math.Inf(1)
	if err := m.Save(path); err == nil || !strings.Contains(err.Error(), "checkpoint "+path+": ") || !strings.Contains(err.Error(), `"out.bias" holds +Inf`) {
		t.Errorf("Save of a model holding +Inf: error = %v", err)
	}
	m.Out.Bias.Data()[0] = 0

	m.Hidden = 5 // the Config no longer describes the parameters
	if err := m.Save(path); err == nil || !strings.Contains(err.Error(), "was Config changed after New?") {
		t.Errorf("Save with a changed Config: error = %v", err)
	}
	m.Hidden = 4

	if err := m.Save(filepath.Join(dir, "missing", "model.safetensors")); err == nil || !strings.Contains(err.Error(), "no such file or directory") {
		t.Errorf("Save into a missing directory: error = %v", err)
	}
	if now, _ := os.ReadFile(path); !bytes.Equal(now, old) {
		t.Errorf("failed saves changed %s", path)
	}
}
