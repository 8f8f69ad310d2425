package nn

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/seqlab/seqlab/internal/atomicfile"
)

// testParams returns a small parameter list with distinct, seeded values:
// a matrix, a vector and a single-element vector.
func testParams(seed uint64) []*Param {
	rng := newRNG(seed)
	ps := []*Param{NewParam("emb.weight", 3, 2), NewParam("rnn.bias_ih_l0", 4), NewParam("out.bias", 1)}
	for _, p := range ps {
		p.Normal(rng, 1)
	}
	return ps
}

// safetensorsFile assembles a file from a header (padded with spaces to a
// multiple of 8, as the reference writer does) and a byte buffer.
func safetensorsFile(header string, buffer []byte) []byte {
	for len(header)%8 != 0 {
		header += " "
	}
	out := binary.LittleEndian.AppendUint64(nil, uint64(len(header)))
	return append(append(out, header...), buffer...)
}

func f64Bytes(v ...float64) []byte {
	var b []byte
	for _, x := range v {
		b = binary.LittleEndian.AppendUint64(b, math.Float64bits(x))
	}
	return b
}

func f32Bytes(v ...float32) []byte {
	var b []byte
	for _, x := range v {
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(x))
	}
	return b
}

func TestSafetensorsRoundTrip(t *testing.T) {
	params := testParams(1)
	meta := map[string]string{"format": "seqlab/1", "config": `{"a":1,"b":"<&>"}`, "note": "ünïcödé \"quoted\"\n"}
	var buf bytes.Buffer
	if err := WriteSafetensors(&buf, params, meta); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()

	n := binary.LittleEndian.Uint64(data)
	if n%8 != 0 {
		t.Errorf("header length %d is not a multiple of 8", n)
	}
	header := string(data[8 : 8+n])
	if !strings.HasPrefix(header, `{"__metadata__":{`) || strings.TrimRight(header, " ")[len(strings.TrimRight(header, " "))-1] != '}' {
		t.Errorf("header = %q; want a JSON object starting with __metadata__, padded with spaces", header)
	}
	if !json.Valid([]byte(header)) {
		t.Errorf("header is not valid JSON: %q", header)
	}
	if want := int(n) + 8 + 8*CountParams(params); len(data) != want {
		t.Errorf("file is %d bytes; want %d", len(data), want)
	}
	// Tensors come in the order given, at increasing offsets.
	last := -1
	for _, p := range params {
		i := strings.Index(header, `"`+p.Name+`"`)
		if i <= last {
			t.Errorf("tensor %q is at header position %d, before the previous tensor (%d)", p.Name, i, last)
		}
		last = i
	}
	if !strings.Contains(header, `"emb.weight":{"dtype":"F64","shape":[3,2],"data_offsets":[0,48]}`) {
		t.Errorf("header %q lacks the entry of emb.weight at [0, 48]", header)
	}

	tensors, gotMeta, err := ReadSafetensors(data)
	if err != nil {
		t.Fatal(err)
	}
	if len(tensors) != len(params) {
		t.Errorf("read %d tensors; want %d", len(tensors), len(params))
	}
	for _, p := range params {
		tt, ok := tensors[p.Name]
		switch {
		case !ok:
			t.Errorf("tensor %q missing", p.Name)
		case tt.Name != p.Name || tt.DType != "F64" || !slices.Equal(tt.Shape, p.Shape):
			t.Errorf("tensor %q = %s %s %v; want %s F64 %v", p.Name, tt.Name, tt.DType, tt.Shape, p.Name, p.Shape)
		case !slices.Equal(tt.Data, p.Data()):
			t.Errorf("tensor %q data = %v; want %v", p.Name, tt.Data, p.Data())
		}
	}
	if fmt.Sprint(gotMeta) != fmt.Sprint(meta) {
		t.Errorf("metadata = %q; want %q", gotMeta, meta)
	}

	// No metadata, no tensors: still a valid file.
	buf.Reset()
	if err := WriteSafetensors(&buf, nil, nil); err != nil {
		t.Fatal(err)
	}
	if got, want := buf.String(), "\x08\x00\x00\x00\x00\x00\x00\x00{}      "; got != want {
		t.Errorf("empty file = %q; want %q", got, want)
	}
	if tensors, meta, err := ReadSafetensors(buf.Bytes()); err != nil || len(tensors) != 0 || meta != nil {
		t.Errorf("ReadSafetensors(empty file) = %v, %v, %v; want no tensors, no metadata, no error", tensors, meta, err)
	}
}

// TestReadSafetensorsDTypes reads F32 tensors (converted exactly to float64),
// a zero-sized tensor and a scalar, and rejects every other dtype by name.
func TestReadSafetensorsDTypes(t *testing.T) {
	f32 := []float32{0.1, -2.5, 3e38, 1e-45}
	header := `{"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},` +
		`"b":{"dtype":"F64","shape":[1],"data_offsets":[16,24]},` +
		`"empty":{"dtype":"F32","shape":[0,5],"data_offsets":[24,24]},` +
		`"scalar":{"dtype":"F64","shape":[],"data_offsets":[24,32]}}`
	data := safetensorsFile(header, append(append(f32Bytes(f32...), f64Bytes(0.1)...), f64Bytes(7)...))
	tensors, _, err := ReadSafetensors(data)
	if err != nil {
		t.Fatal(err)
	}
	a := tensors["a"]
	if a.DType != "F32" || !slices.Equal(a.Shape, []int{2, 2}) {
		t.Errorf("a = %s %v; want F32 [2 2]", a.DType, a.Shape)
	}
	for i, v := range f32 {
		if a.Data[i] != float64(v) {
			t.Errorf("a[%d] = %v; want float64(float32 %v) = %v", i, a.Data[i], v, float64(v))
		}
	}
	if b := tensors["b"]; !slices.Equal(b.Data, []float64{0.1}) {
		t.Errorf("b = %v; want [0.1]", b.Data)
	}
	if e := tensors["empty"]; len(e.Data) != 0 || !slices.Equal(e.Shape, []int{0, 5}) {
		t.Errorf("empty = %v %v; want [0 5] and no data", e.Shape, e.Data)
	}
	if s := tensors["scalar"]; len(s.Shape) != 0 || !slices.Equal(s.Data, []float64{7}) {
		t.Errorf("scalar = %v %v; want [] [7]", s.Shape, s.Data)
	}

	for _, dt := range []struct {
		name string
		size int
	}{{"F16", 2}, {"BF16", 2}, {"I64", 8}, {"I32", 4}, {"U8", 1}, {"BOOL", 1}, {"F8_E4M3", 1}, {"f64", 8}} {
		h := fmt.Sprintf(`{"w":{"dtype":%q,"shape":[2],"data_offsets":[0,%d]}}`, dt.name, 2*dt.size)
		_, _, err := ReadSafetensors(safetensorsFile(h, make([]byte, 2*dt.size)))
		if err == nil || !strings.Contains(err.Error(), `tensor "w"`) || !strings.Contains(err.Error(), `"`+dt.name+`"`) || !strings.Contains(err.Error(), "F64 and F32") {
			t.Errorf("ReadSafetensors(%s tensor) error = %v; want one naming tensor \"w\", dtype %s and the supported F64 and F32", dt.name, err, dt.name)
		}
	}
}

// TestReadSafetensorsErrors checks that malformed files are rejected with a
// message that says what is wrong.
func TestReadSafetensorsErrors(t *testing.T) {
	entry := func(name, dtype, shape, offsets string) string {
		return fmt.Sprintf(`%q:{"dtype":%q,"shape":%s,"data_offsets":%s}`, name, dtype, shape, offsets)
	}
	one := func(shape, offsets string) string { return "{" + entry("w", "F64", shape, offsets) + "}" }
	lengthOnly := func(n uint64) []byte { return binary.LittleEndian.AppendUint64(nil, n) }
	d16 := make([]byte, 16)

	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "the file is 0 bytes, shorter than the 8-byte header length"},
		{"7 bytes", make([]byte, 7), "the file is 7 bytes"},
		{"header beyond file", append(lengthOnly(100), "{}"...), "header length 100 is beyond the end of the file (2 bytes"},
		{"absurd header length", lengthOnly(1 << 40), "header length 1099511627776 is over the limit"},
		{"max uint64 header length", lengthOnly(math.MaxUint64), "is over the limit"},
		{"header not UTF-8", safetensorsFile("{\"\xff\":1}", nil), "not valid UTF-8"},
		{"bad JSON", safetensorsFile(`{"w":`, nil), "not a valid JSON object"},
		{"header is a list", safetensorsFile(`[1,2]`, nil), "want an object, got a list"},
		{"header is empty", safetensorsFile(``, nil), "not a valid JSON object"},
		{"data after the header object", safetensorsFile(`{} {}`, nil), "after the closing brace"},
		{"null byte padding", safetensorsFile("{}\x00\x00\x00\x00\x00\x00", nil), "not a valid JSON object"},
		{"duplicate tensor", safetensorsFile("{"+entry("w", "F64", "[1]", "[0,8]")+","+entry("w", "F64", "[1]", "[8,16]")+"}", d16), `the key "w" appears twice`},
		{"entry is a number", safetensorsFile(`{"w":5}`, nil), `tensor "w": its entry is not a JSON object (a number)`},
		{"entry is null", safetensorsFile(`{"w":null}`, nil), `tensor "w": its entry is not a JSON object (null)`},
		{"no dtype", safetensorsFile(`{"w":{"shape":[1],"data_offsets":[0,8]}}`, d16[:8]), `tensor "w": its entry has no "dtype"`},
		{"no shape", safetensorsFile(`{"w":{"dtype":"F64","data_offsets":[0,8]}}`, d16[:8]), `its entry has no "shape"`},
		{"no data_offsets", safetensorsFile(`{"w":{"dtype":"F64","shape":[1]}}`, d16[:8]), `its entry has no "data_offsets"`},
		{"dtype null", safetensorsFile(`{"w":{"dtype":null,"shape":[1],"data_offsets":[0,8]}}`, d16[:8]), "dtype must be a string such as \"F64\", got null"},
		{"dtype not a string", safetensorsFile(`{"w":{"dtype":64,"shape":[1],"data_offsets":[0,8]}}`, d16[:8]), "dtype must be a string"},
		{"F16", safetensorsFile("{"+entry("w", "F16", "[1]", "[0,2]")+"}", d16[:2]), `tensor "w": dtype "F16" is not supported`},
		{"shape null", safetensorsFile(one("null", "[0,8]"), d16[:8]), "shape must be a list of sizes"},
		{"shape string", safetensorsFile(one(`"2x2"`, "[0,8]"), d16[:8]), "shape must be a list of sizes"},
		{"shape fraction", safetensorsFile(one("[1.5]", "[0,8]"), d16[:8]), "shape must be a list of sizes"},
		{"shape quoted number", safetensorsFile(one(`["1"]`, "[0,8]"), d16[:8]), "shape must be a list of sizes"},
		{"shape exponent", safetensorsFile(one(`[1e0]`, "[0,8]"), d16[:8]), "shape must be a list of sizes"},
		{"shape too big for int64", safetensorsFile(one(`[99999999999999999999]`, "[0,8]"), d16[:8]), "shape must be a list of sizes"},
		{"negative size", safetensorsFile(one("[-1]", "[0,8]"), d16[:8]), "shape [-1] has a negative size"},
		{"negative size with a zero", safetensorsFile(one("[0,-1]", "[0,0]"), nil), "shape [0 -1] has a negative size"},
		{"shape product overflows", safetensorsFile(one("[4294967296,4294967296,16]", "[0,16]"), d16), "needs more than the 16 bytes of data"},
		{"shape larger than data", safetensorsFile(one("[3]", "[0,16]"), d16), "shape [3] of F64 needs more than the 16 bytes"},
		{"offsets not a pair", safetensorsFile(one("[1]", "[0,8,16]"), d16), "data_offsets must be a list [begin, end]"},
		{"offsets null", safetensorsFile(one("[1]", "null"), d16), "data_offsets must be a list [begin, end]"},
		{"negative offset", safetensorsFile(one("[1]", "[-8,0]"), d16), "must not be negative"},
		{"end before begin", safetensorsFile(one("[0]", "[8,0]"), d16), "data_offsets [8, 0] end before they begin"},
		{"offsets beyond data", safetensorsFile(one("[2]", "[8,24]"), d16), "data_offsets [8, 24] go beyond the 16 bytes"},
		{"size not shape", safetensorsFile(one("[1]", "[0,16]"), d16), "data_offsets [0, 16] hold 16 bytes, but shape [1] of F64 needs 8"},
		{"overlap", safetensorsFile("{"+entry("a", "F64", "[2]", "[0,16]")+","+entry("b", "F64", "[1]", "[8,16]")+"}", d16), `tensor "b" (bytes 8 to 16) overlaps tensor "a"`},
		{"hole", safetensorsFile("{"+entry("a", "F64", "[1]", "[8,16]")+"}", d16), "bytes 0 to 8 of the data belong to no tensor"},
		{"bytes after the last tensor", safetensorsFile(one("[1]", "[0,8]"), d16), "the tensors take 8 bytes of data, but the file has 16"},
		{"truncated data", safetensorsFile(one("[2]", "[0,16]"), d16[:9]), "needs more than the 9 bytes of data in the file; the file is truncated"},
		{"metadata value not a string", safetensorsFile(`{"__metadata__":{"format":1}}`, nil), `__metadata__ value "format" must be a string, got a number`},
		{"metadata value null", safetensorsFile(`{"__metadata__":{"format":null}}`, nil), `value "format" must be a string, got null`},
		{"metadata not an object", safetensorsFile(`{"__metadata__":["seqlab/1"]}`, nil), "__metadata__ must be an object of strings, got a list"},
		{"metadata duplicate key", safetensorsFile(`{"__metadata__":{"a":"1","a":"2"}}`, nil), "__metadata__ must be an object"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tensors, meta, err := ReadSafetensors(tc.data)
			if err == nil {
				t.Fatalf("ReadSafetensors(%q) = %v, %v, nil; want an error containing %q", tc.data, tensors, meta, tc.want)
			}
			if !strings.HasPrefix(err.Error(), "safetensors: ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ReadSafetensors(%q) error = %q; want one starting \"safetensors: \" and containing %q", tc.data, err, tc.want)
			}
			if tensors != nil || meta != nil {
				t.Errorf("ReadSafetensors returned data along with error %q", err)
			}
		})
	}
}

func TestWriteSafetensorsErrors(t *testing.T) {
	bad := NewParam("w", 2, 3)
	bad.Shape = []int{5}
	for _, tc := range []struct {
		name   string
		params []*Param
		meta   map[string]string
		want   string
	}{
		{"duplicate names", []*Param{NewParam("w", 2), NewParam("w", 3)}, nil, `two parameters are named "w"`},
		{"reserved name", []*Param{NewParam("__metadata__", 2)}, nil, `has the name "__metadata__"`},
		{"empty name", []*Param{NewParam("", 2)}, nil, `has the name ""`},
		{"nil parameter", []*Param{NewParam("a", 1), nil}, nil, "parameter 1 is nil"},
		{"shape and values disagree", []*Param{bad}, nil, `parameter "w" has shape [5] but holds 2×3 values`},
		{"metadata not UTF-8", nil, map[string]string{"k": "\xff"}, `metadata "k" is not valid UTF-8`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var buf bytes.Buffer
			err := WriteSafetensors(&buf, tc.params, tc.meta)
			if err == nil || !strings.HasPrefix(err.Error(), "safetensors: ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("WriteSafetensors error = %v; want one containing %q", err, tc.want)
			}
			if buf.Len() != 0 {
				t.Errorf("WriteSafetensors wrote %d bytes before failing; want none", buf.Len())
			}
		})
	}
}

type testConfig struct {
	Hidden int // e.g. 4
	Name   string
}

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestCheckpointRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "model.safetensors")
	params := testParams(2)
	cfg := testConfig{Hidden: 4, Name: "a <b> & c"}
	if err := SaveCheckpoint(path, "toy", cfg, params); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, meta, err := ReadSafetensors(data)
	if err != nil {
		t.Fatal(err)
	}
	if meta["format"] != "seqlab/1" || meta["model"] != "toy" || meta["config"] != `{"Hidden":4,"Name":"a <b> & c"}` {
		t.Errorf("metadata = %q; want format seqlab/1, model toy and the config as JSON", meta)
	}

	var got testConfig
	tensors, err := ReadCheckpoint(path, "toy", &got)
	if err != nil {
		t.Fatal(err)
	}
	if got != cfg {
		t.Errorf("config = %+v; want %+v", got, cfg)
	}
	fresh := testParams(3)
	if err := AssignParams(fresh, tensors); err != nil {
		t.Fatal(err)
	}
	for i, p := range fresh {
		if !slices.Equal(p.Data(), params[i].Data()) {
			t.Errorf("%s = %v after loading; want %v", p.Name, p.Data(), params[i].Data())
		}
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o644 {
		t.Errorf("new checkpoint's mode = %v, %v; want 0644", fi.Mode(), err)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("directory holds %d entries after a save; want only the checkpoint", len(entries))
	}
}

// TestSaveCheckpointFailures checks that a failed save reports the file and
// leaves an existing checkpoint as it was, with no temporary file behind.
func TestSaveCheckpointFailures(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "model.safetensors")
	old := []byte("the old checkpoint")
	intact := func(t *testing.T) {
		t.Helper()
		if got, err := os.ReadFile(path); err != nil || !bytes.Equal(got, old) {
			t.Errorf("after the failed save, %s holds %q (%v); want the old %q", path, got, err, old)
		}
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if e.Name() != filepath.Base(path) {
				t.Errorf("a failed save left %s behind", e.Name())
			}
		}
	}
	reset := func(t *testing.T) {
		writeFile(t, path, old)
	}

	t.Run("missing directory", func(t *testing.T) {
		p := filepath.Join(dir, "no", "such", "dir", "m.safetensors")
		err := SaveCheckpoint(p, "toy", testConfig{}, testParams(1))
		if err == nil || !strings.Contains(err.Error(), "checkpoint "+p+": ") || !errors.Is(err, os.ErrNotExist) {
			t.Errorf("SaveCheckpoint into a missing directory: error = %v; want one naming %s and wrapping ErrNotExist", err, p)
		}
	})
	t.Run("disk full half-way", func(t *testing.T) {
		// writeFileAtomic is what SaveCheckpoint writes through; make the
		// write fail after part of the new file is out, as a full disk would.
		reset(t)
		errFull := errors.New("no space left on device")
		err := atomicfile.Write(path, func(w io.Writer) error {
			w.Write(bytes.Repeat([]byte("x"), 100_000)) // more than the bufio buffer: reaches the file
			return errFull
		})
		if !errors.Is(err, errFull) {
			t.Errorf("atomicfile.Write error = %v; want %v", err, errFull)
		}
		intact(t)
	})
	t.Run("NaN parameter", func(t *testing.T) {
		reset(t)
		ps := testParams(1)
		ps[1].Data()[2] = math.NaN()
		err := SaveCheckpoint(path, "toy", testConfig{}, ps)
		if err == nil || !strings.Contains(err.Error(), "checkpoint "+path+": ") || !strings.Contains(err.Error(), `parameter "rnn.bias_ih_l0" holds NaN at index 2`) {
			t.Errorf("SaveCheckpoint with a NaN: error = %v; want one naming the file and the parameter", err)
		}
		intact(t)
	})
	t.Run("duplicate parameter names", func(t *testing.T) {
		reset(t)
		err := SaveCheckpoint(path, "toy", testConfig{}, []*Param{NewParam("w", 1), NewParam("w", 1)})
		if err == nil || !strings.Contains(err.Error(), "checkpoint "+path+": safetensors: two parameters") {
			t.Errorf("SaveCheckpoint with duplicate names: error = %v", err)
		}
		intact(t)
	})
	t.Run("config not JSON", func(t *testing.T) {
		reset(t)
		err := SaveCheckpoint(path, "toy", map[string]float64{"x": math.Inf(1)}, testParams(1))
		if err == nil || !strings.Contains(err.Error(), "checkpoint "+path+": cannot encode the config") {
			t.Errorf("SaveCheckpoint with an unencodable config: error = %v", err)
		}
		intact(t)
	})
	t.Run("path is a directory", func(t *testing.T) {
		d := filepath.Join(dir, "sub")
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
		defer os.Remove(d)
		err := SaveCheckpoint(d, "toy", testConfig{}, testParams(1))
		if err == nil || !strings.Contains(err.Error(), "checkpoint "+d+": it is a directory") {
			t.Errorf("SaveCheckpoint over a directory: error = %v", err)
		}
	})
	t.Run("read-only directory", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("running as root, which may write into a read-only directory; the disk-full case covers a failed write")
		}
		reset(t)
		if err := os.Chmod(dir, 0o555); err != nil {
			t.Fatal(err)
		}
		defer os.Chmod(dir, 0o755)
		err := SaveCheckpoint(path, "toy", testConfig{}, testParams(1))
		if err == nil || !strings.Contains(err.Error(), "checkpoint "+path+": ") {
			t.Errorf("SaveCheckpoint into a read-only directory: error = %v; want one naming the file", err)
		}
		intact(t)
	})
	t.Run("keeps the mode of the file it replaces", func(t *testing.T) {
		reset(t)
		if err := os.Chmod(path, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := SaveCheckpoint(path, "toy", testConfig{}, testParams(1)); err != nil {
			t.Fatal(err)
		}
		if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("mode after replacing a 0600 file = %v, %v; want 0600", fi.Mode(), err)
		}
	})
}

func TestReadCheckpointErrors(t *testing.T) {
	dir := t.TempDir()
	params := testParams(1)
	file := func(meta map[string]string) []byte {
		var buf bytes.Buffer
		if err := WriteSafetensors(&buf, params, meta); err != nil {
			t.Fatal(err)
		}
		return buf.Bytes()
	}
	meta := func(kv ...string) map[string]string {
		m := map[string]string{"format": "seqlab/1", "model": "toy", "config": `{"Hidden":4}`}
		for i := 0; i < len(kv); i += 2 {
			if kv[i+1] == "" {
				delete(m, kv[i])
			} else {
				m[kv[i]] = kv[i+1]
			}
		}
		return m
	}
	for _, tc := range []struct {
		name string
		data []byte // nil: no file
		want string
	}{
		{"no file", nil, "no such file or directory"},
		{"not safetensors", []byte("PK\x03\x04 a zip archive"), "safetensors: header length"},
		{"no metadata", file(nil), `not a seqlab checkpoint: its metadata has no "format"`},
		{"foreign format", file(meta("format", "pt")), `not a seqlab checkpoint: its format is "pt"`},
		{"bad version", file(meta("format", "seqlab/x")), `its format is "seqlab/x"`},
		{"newer version", file(meta("format", "seqlab/2")), `its format "seqlab/2" is newer than this seqlab understands ("seqlab/1"); upgrade seqlab`},
		{"other model", file(meta("model", "rnn")), `it is a checkpoint of model kind "rnn", not "toy"; load it with rnn.Load`},
		{"no model", file(meta("model", "")), `its metadata names no model`},
		{"no config", file(meta("config", "")), `its metadata has no "config"`},
		{"config not JSON", file(meta("config", "{Hidden:4}")), "cannot read its config {Hidden:4}"},
		{"config unknown field", file(meta("config", `{"Hidden":4,"Layers":2}`)), `unknown field "Layers"`},
		{"config wrong type", file(meta("config", `{"Hidden":"four"}`)), `cannot read its config`},
		{"config trailing data", file(meta("config", `{"Hidden":4} {}`)), "has more after the JSON object"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".safetensors")
			if tc.data != nil {
				writeFile(t, path, tc.data)
			}
			var cfg testConfig
			_, err := ReadCheckpoint(path, "toy", &cfg)
			if err == nil || !strings.HasPrefix(err.Error(), "checkpoint "+path+": ") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ReadCheckpoint error = %v; want one starting \"checkpoint %s: \" and containing %q", err, path, tc.want)
			}
		})
	}
}

// TestReadCheckpointVersions checks that a checkpoint of a format version
// this seqlab does not read, or of another model kind, is refused with a
// message naming the version (or kind) it has and the one this seqlab
// reads.
func TestReadCheckpointVersions(t *testing.T) {
	dir := t.TempDir()
	params := testParams(1)
	const reads = `; this seqlab reads "seqlab/1"`
	const notVersion = `, which is not a version of seqlab's checkpoint format (they are "seqlab/1", "seqlab/2", ...)` + reads
	for _, tc := range []struct {
		name   string
		format string // "-": no "format" key
		model  string // "-": no "model" key
		want   string // the error after "checkpoint PATH: "; "" for none
	}{
		{"current", "seqlab/1", "toy", ""},
		{"newer", "seqlab/2", "toy", `its format "seqlab/2" is newer than this seqlab understands ("seqlab/1"); upgrade seqlab to read it`},
		{"much newer", "seqlab/10", "toy", `its format "seqlab/10" is newer than this seqlab understands ("seqlab/1"); upgrade seqlab to read it`},
		{"newer than an int", "seqlab/99999999999999999999", "toy", `its format "seqlab/99999999999999999999" is newer than this seqlab understands ("seqlab/1"); upgrade seqlab to read it`},
		{"version 0", "seqlab/0", "toy", `its format is "seqlab/0"` + notVersion},
		{"version x", "seqlab/x", "toy", `its format is "seqlab/x"` + notVersion},
		{"leading zero", "seqlab/01", "toy", `its format is "seqlab/01"` + notVersion},
		{"negative", "seqlab/-1", "toy", `its format is "seqlab/-1"` + notVersion},
		{"decimal", "seqlab/1.0", "toy", `its format is "seqlab/1.0"` + notVersion},
		{"no number", "seqlab/", "toy", `its format is "seqlab/"` + notVersion},
		{"pytorch", "pytorch", "toy", `not a seqlab checkpoint: its format is "pytorch"` + reads},
		{"pt", "pt", "toy", `not a seqlab checkpoint: its format is "pt"` + reads},
		{"empty format", "", "toy", `not a seqlab checkpoint: its format is ""` + reads},
		{"case", "SEQLAB/1", "toy", `not a seqlab checkpoint: its format is "SEQLAB/1"` + reads},
		{"missing format", "-", "toy", `not a seqlab checkpoint: its metadata has no "format", so it has no format version` + reads +
			` (a seqlab checkpoint has __metadata__ {"format": "seqlab/1", "model": "toy", "config": "<Config as JSON>"})`},
		{"other kind", "seqlab/1", "lstm", `it is a checkpoint of model kind "lstm", not "toy"; load it with lstm.Load`},
		{"unknown kind", "seqlab/1", "GPT-2", `it is a checkpoint of model kind "GPT-2", not "toy"`},
		{"missing kind", "seqlab/1", "-", `its metadata names no model; want "model": "toy"`},
		// The version is checked before the kind: a newer file of another
		// kind asks for an upgrade first.
		{"newer and other kind", "seqlab/3", "rnn", `its format "seqlab/3" is newer than this seqlab understands ("seqlab/1"); upgrade seqlab to read it`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			meta := map[string]string{"config": `{"Hidden":4}`}
			if tc.format != "-" {
				meta["format"] = tc.format
			}
			if tc.model != "-" {
				meta["model"] = tc.model
			}
			var buf bytes.Buffer
			if err := WriteSafetensors(&buf, params, meta); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".safetensors")
			writeFile(t, path, buf.Bytes())
			var cfg testConfig
			tensors, err := ReadCheckpoint(path, "toy", &cfg)
			if tc.want == "" {
				if err != nil || len(tensors) != len(params) || cfg.Hidden != 4 {
					t.Errorf("ReadCheckpoint = %d tensors, %+v, %v; want the checkpoint", len(tensors), cfg, err)
				}
				return
			}
			want := "checkpoint " + path + ": " + tc.want
			if err == nil || err.Error() != want {
				t.Errorf("ReadCheckpoint error =\n%v\nwant\n%s", err, want)
			}
			if tensors != nil || cfg != (testConfig{}) {
				t.Errorf("a refused checkpoint gave %d tensors and config %+v", len(tensors), cfg)
			}
			// LoadModel refuses it the same way, before building anything.
			built := false
			err = LoadModel(path, "toy", &testConfig{}, func() ([]*Param, error) { built = true; return testParams(2), nil })
			if err == nil || err.Error() != want || built {
				t.Errorf("LoadModel error = %v (built %v); want %s", err, built, want)
			}
		})
	}
}

// TestAssignParams checks that AssignParams copies all or nothing.
func TestAssignParams(t *testing.T) {
	source := testParams(1)
	tensorsOf := func(edit func(map[string]Tensor)) map[string]Tensor {
		m := make(map[string]Tensor)
		for _, p := range source {
			m[p.Name] = Tensor{Name: p.Name, DType: "F64", Shape: slices.Clone(p.Shape), Data: slices.Clone(p.Data())}
		}
		if edit != nil {
			edit(m)
		}
		return m
	}
	for _, tc := range []struct {
		name string
		edit func(map[string]Tensor)
		want string // "" for success
	}{
		{"all there", nil, ""},
		{"wrong shape", func(m map[string]Tensor) {
			m["emb.weight"] = Tensor{Name: "emb.weight", Shape: []int{2, 3}, Data: make([]float64, 6)}
		}, `tensor "emb.weight" has shape [2 3], this model needs [3 2]`},
		{"flattened", func(m map[string]Tensor) {
			t := m["emb.weight"]
			t.Shape = []int{6}
			m["emb.weight"] = t
		}, `tensor "emb.weight" has shape [6], this model needs [3 2]`},
		{"missing", func(m map[string]Tensor) { delete(m, "out.bias") }, `no tensor "out.bias" (this model needs one of shape [1])`},
		{"extra", func(m map[string]Tensor) { m["rnn.weight_ih_l1"] = Tensor{Shape: []int{1}, Data: []float64{1}} }, `tensor "rnn.weight_ih_l1" is not a parameter of this model`},
		{"NaN", func(m map[string]Tensor) { m["rnn.bias_ih_l0"].Data[3] = math.NaN() }, `tensor "rnn.bias_ih_l0" holds NaN at index 3`},
		{"Inf", func(m map[string]Tensor) { m["out.bias"].Data[0] = math.Inf(-1) }, `tensor "out.bias" holds -Inf at index 0`},
		{"shape without data", func(m map[string]Tensor) {
			t := m["emb.weight"]
			t.Data = t.Data[:5]
			m["emb.weight"] = t
		}, `tensor "emb.weight" has 5 values, this model needs 6`},
		{"many problems", func(m map[string]Tensor) {
			clear(m)
			for i := range 5 {
				m[fmt.Sprint("x", i)] = Tensor{}
			}
		}, "; and 4 more problems"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dst := testParams(9)
			before := make([][]float64, len(dst))
			for i, p := range dst {
				before[i] = slices.Clone(p.Data())
			}
			err := AssignParams(dst, tensorsOf(tc.edit))
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				for i, p := range dst {
					if !slices.Equal(p.Data(), source[i].Data()) {
						t.Errorf("%s = %v; want %v", p.Name, p.Data(), source[i].Data())
					}
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("AssignParams error = %v; want one containing %q", err, tc.want)
			}
			for i, p := range dst {
				if !slices.Equal(p.Data(), before[i]) {
					t.Errorf("a failed AssignParams changed %s", p.Name)
				}
			}
		})
	}
}

// FuzzReadSafetensors checks that no input makes ReadSafetensors panic, and
// that whatever it accepts is consistent: every tensor holds the product of
// its shape in values.
func FuzzReadSafetensors(f *testing.F) {
	var valid bytes.Buffer
	if err := WriteSafetensors(&valid, testParams(1), map[string]string{"format": "seqlab/1", "model": "toy", "config": `{"Hidden":4}`}); err != nil {
		f.Fatal(err)
	}
	v := valid.Bytes()
	f.Add(v)
	f.Add(v[:len(v)/2])
	f.Add(v[:12])
	f.Add(v[:7])
	f.Add([]byte{})
	f.Add(safetensorsFile(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"s":{"dtype":"F64","shape":[],"data_offsets":[8,16]}}`, make([]byte, 16)))
	f.Add(safetensorsFile(`{"a":{"dtype":"F64","shape":[0,3],"data_offsets":[0,0]}}`, nil))
	f.Add(safetensorsFile(`{"a":{"dtype":"F16","shape":[2],"data_offsets":[0,4]}}`, make([]byte, 4)))
	f.Add(safetensorsFile(`{"a":{"dtype":"F64","shape":[4294967296,4294967296],"data_offsets":[0,8]}}`, make([]byte, 8)))
	f.Add(safetensorsFile(`{"__metadata__":{"k":1}}`, nil))
	f.Add(safetensorsFile(`{"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]},"a":{"dtype":"F64","shape":[1],"data_offsets":[8,16]}}`, make([]byte, 16)))
	f.Fuzz(func(t *testing.T, data []byte) {
		tensors, _, err := ReadSafetensors(data)
		if err != nil {
			if tensors != nil {
				t.Errorf("tensors returned along with error %v", err)
			}
			return
		}
		for name, tt := range tensors {
			n := 1
			for _, d := range tt.Shape {
				if d < 0 {
					t.Fatalf("tensor %q has negative size in shape %v", name, tt.Shape)
				}
				n *= d
			}
			if len(tt.Data) != n {
				t.Errorf("tensor %q: %d values for shape %v (product %d)", name, len(tt.Data), tt.Shape, n)
			}
			if tt.Name != name || (tt.DType != "F64" && tt.DType != "F32") {
				t.Errorf("tensor %q has name %q, dtype %q", name, tt.Name, tt.DType)
			}
		}
	})
}
