package nn

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/seqlab/seqlab/internal/atomicfile"
)

// A seqlab checkpoint is a safetensors file holding a model's parameters
// under their PyTorch names, in PyTorch's layouts, as F64, with this metadata:
//
//	"format": "seqlab/1"
//	"model":  the model kind, e.g. "rnn", "lstm", "transformer"
//	"config": the model's Config as JSON, e.g. {"Vocab":17,"Embed":16,"Hidden":32,...}
//
// PyTorch can read it (models/testdata/load_checkpoint.py), and a file
// written from PyTorch with the same names and this metadata loads in seqlab.

// CheckpointFormat is the "format" a checkpoint written by this seqlab has.
const CheckpointFormat = "seqlab/1"

// checkpointVersion is the newest "seqlab/N" format this seqlab reads.
const checkpointVersion = 1

// SaveCheckpoint writes params to path as safetensors, with metadata
// {"format": "seqlab/1", "model": model, "config": <config as JSON>}. It
// writes to a temporary file in the same directory and renames it over path,
// so a failed save never destroys an existing file. It refuses parameters
// holding NaN or ±Inf, since such a checkpoint could not be loaded. Errors
// name the file.
func SaveCheckpoint(path, model string, config any, params []*Param) error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("checkpoint %s: "+format, append([]any{path}, args...)...)
	}
	var cfg strings.Builder
	enc := json.NewEncoder(&cfg)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(config); err != nil {
		return fail("cannot encode the config as JSON: %w", err)
	}
	for _, p := range params {
		if p == nil || p.Value == nil {
			continue // WriteSafetensors reports it
		}
		if i := firstNonFinite(p.Data()); i >= 0 {
			return fail("parameter %q holds %v at index %d; a checkpoint with NaN or Inf values could not be loaded (did training diverge? try a lower learning rate or gradient clipping)", p.Name, p.Data()[i], i)
		}
	}
	meta := map[string]string{"format": CheckpointFormat, "model": model, "config": strings.TrimSuffix(cfg.String(), "\n")}
	if _, err := safetensorsHeader(params, meta); err != nil {
		return fail("%w", err) // check before creating any file
	}
	err := atomicfile.Write(path, func(w io.Writer) error { return WriteSafetensors(w, params, meta) })
	if err != nil {
		return fail("%w", err)
	}
	return nil
}

// ReadCheckpoint reads the checkpoint at path, checks that it is a seqlab
// checkpoint of the given model kind and of a format version this seqlab
// understands, decodes its config JSON into config (a pointer; unknown
// fields are an error) and returns its tensors by name. Errors name the file.
func ReadCheckpoint(path, model string, config any) (map[string]Tensor, error) {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("checkpoint %s: "+format, append([]any{path}, args...)...)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path is already in the message
		}
		return nil, fail("%w", err)
	}
	tensors, meta, err := ReadSafetensors(data)
	if err != nil {
		return nil, fail("%w", err)
	}

	format, ok := meta["format"]
	if !ok {
		return nil, fail(`not a seqlab checkpoint: its metadata has no "format", so it has no format version; this seqlab reads %s (a seqlab checkpoint has __metadata__ {"format": %q, "model": %q, "config": "<Config as JSON>"})`, readableFormats(), CheckpointFormat, model)
	}
	digits, ok := strings.CutPrefix(format, "seqlab/")
	if !ok {
		return nil, fail("not a seqlab checkpoint: its format is %q; this seqlab reads %s", format, readableFormats())
	}
	if !isVersion(digits) {
		return nil, fail(`its format is %q, which is not a version of seqlab's checkpoint format (they are "seqlab/1", "seqlab/2", ...); this seqlab reads %s`, format, readableFormats())
	}
	if version, err := strconv.Atoi(digits); err != nil || version > checkpointVersion {
		return nil, fail("its format %q is newer than this seqlab understands (%q); upgrade seqlab to read it", format, CheckpointFormat)
	}

	switch got, ok := meta["model"]; {
	case !ok:
		return nil, fail("its metadata names no model; want \"model\": %q", model)
	case got != model:
		hint := ""
		if isIdent(got) {
			hint = fmt.Sprintf("; load it with %s.Load", got)
		}
		return nil, fail("it is a checkpoint of model kind %q, not %q%s", got, model, hint)
	}

	cfg, ok := meta["config"]
	if !ok {
		return nil, fail("its metadata has no \"config\" (the model's Config as JSON)")
	}
	dec := json.NewDecoder(strings.NewReader(cfg))
	dec.DisallowUnknownFields()
	if err := dec.Decode(config); err != nil {
		return nil, fail("cannot read its config %s: %w", snippet([]byte(cfg)), err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fail("its config %s has more after the JSON object", snippet([]byte(cfg)))
	}
	return tensors, nil
}

// readableFormats names the checkpoint formats this seqlab reads.
func readableFormats() string {
	if checkpointVersion == 1 {
		return fmt.Sprintf("%q", CheckpointFormat)
	}
	return fmt.Sprintf("%q to %q", "seqlab/1", CheckpointFormat)
}

// isVersion reports whether s is a format version: a number from 1 without
// leading zeros.
func isVersion(s string) bool {
	if s == "" || s[0] == '0' {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// isIdent reports whether s is a lower-case Go package name such as "rnn".
func isIdent(s string) bool {
	if s == "" {
		return false
	}
	for i, r := range s {
		if !(r >= 'a' && r <= 'z' || i > 0 && r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// AssignParams copies tensors into params by name. It checks everything
// first: every param has a tensor of exactly its shape, no tensor is left
// unused, and no value is NaN or ±Inf. It copies nothing unless all is
// well, so a model is never half-loaded. The error lists the problems
// (the first few of them); callers add the file name.
func AssignParams(params []*Param, tensors map[string]Tensor) error {
	var problems []string
	needed := make(map[string]bool, len(params))
	for _, p := range params {
		if needed[p.Name] {
			problems = append(problems, fmt.Sprintf("the model has two parameters named %q", p.Name))
			continue
		}
		needed[p.Name] = true
		t, ok := tensors[p.Name]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("no tensor %q (this model needs one of shape %v)", p.Name, p.Shape))
		case !slices.Equal(t.Shape, p.Shape):
			problems = append(problems, fmt.Sprintf("tensor %q has shape %v, this model needs %v", p.Name, fmtShape(t.Shape), p.Shape))
		case len(t.Data) != p.Size():
			problems = append(problems, fmt.Sprintf("tensor %q has %d values, this model needs %d", p.Name, len(t.Data), p.Size()))
		default:
			if i := firstNonFinite(t.Data); i >= 0 {
				problems = append(problems, fmt.Sprintf("tensor %q holds %v at index %d", p.Name, t.Data[i], i))
			}
		}
	}
	var unused []string
	for name := range tensors {
		if !needed[name] {
			unused = append(unused, name)
		}
	}
	sort.Strings(unused)
	for _, name := range unused {
		problems = append(problems, fmt.Sprintf("tensor %q is not a parameter of this model", name))
	}
	if len(problems) > 0 {
		const show = 4
		msg := strings.Join(problems[:min(show, len(problems))], "; ")
		switch more := len(problems) - show; {
		case more == 1:
			msg += "; and 1 more problem"
		case more > 1:
			msg += fmt.Sprintf("; and %d more problems", more)
		}
		return errors.New(msg)
	}
	for _, p := range params {
		copy(p.Data(), tensors[p.Name].Data)
	}
	return nil
}

// firstNonFinite is the index of the first NaN or ±Inf in v, or -1.
func firstNonFinite(v []float64) int {
	for i, x := range v {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return i
		}
	}
	return -1
}

// ModelConfig is what SaveModel needs of a model's Config.
type ModelConfig interface {
	Validate() error
	ParamCount() int
}

// SaveModel saves a model of the given kind with SaveCheckpoint, after
// checking that cfg still describes params (a Config changed after New would
// make a checkpoint that cannot be loaded).
func SaveModel(path, kind string, cfg ModelConfig, params []*Param) error {
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	if want, got := cfg.ParamCount(), CountParams(params); want != got {
		return fmt.Errorf("checkpoint %s: %s: the model's Config describes %d parameters, but the model has %d; was Config changed after New?", path, kind, want, got)
	}
	return SaveCheckpoint(path, kind, cfg, params)
}

// LoadModel reads a checkpoint of the given kind: it decodes the file's
// config into cfg (a pointer to the model's Config), calls build to make
// the model from it, and copies the tensors into the parameters build
// returns, checking every name, shape and value first. So a model is either
// complete or not made at all; errors name the file and the problem.
func LoadModel(path, kind string, cfg any, build func() ([]*Param, error)) error {
	tensors, err := ReadCheckpoint(path, kind, cfg)
	if err != nil {
		return err
	}
	params, err := build()
	if err != nil {
		return fmt.Errorf("checkpoint %s: invalid config: %w", path, err)
	}
	if err := AssignParams(params, tensors); err != nil {
		return fmt.Errorf("checkpoint %s: %w", path, err)
	}
	return nil
}
