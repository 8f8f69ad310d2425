package nn

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

// The safetensors format (https://github.com/huggingface/safetensors), the
// checkpoint format of seqlab and of the Hugging Face ecosystem:
//
//	8 bytes   N, the header length, a little-endian uint64
//	N bytes   the header, a UTF-8 JSON object, padded with spaces to a multiple of 8 bytes:
//	          {"__metadata__": {"format": "seqlab/1", ...},
//	           "rnn.weight_ih_l0": {"dtype": "F64", "shape": [64, 32], "data_offsets": [0, 16384]}, ...}
//	the rest  the byte buffer: each tensor's values, little-endian, row-major (C order),
//	          at data_offsets [begin, end) counted from the start of the buffer
//
// seqlab writes F64 only and reads F64 and F32. The reader checks what the
// reference implementation checks: the tensors tile the byte buffer exactly
// (no overlaps, no holes, nothing after the last one) and each one's byte
// size is the product of its shape times the size of its dtype.

// maxHeaderBytes bounds the header length a reader accepts, as the
// reference implementation does (100 MB).
const maxHeaderBytes = 100_000_000

// metadataKey is the header key of the file's free-form string metadata.
const metadataKey = "__metadata__"

// Tensor is one tensor read from a safetensors file, converted to float64.
type Tensor struct {
	Name  string
	DType string    // as stored in the file: "F64" or "F32"
	Shape []int     // PyTorch shape, e.g. [64 32]; [] for a scalar
	Data  []float64 // product(Shape) values, row-major
}

// dtypeSizes are the dtypes ReadSafetensors converts to float64, with their
// size in bytes.
var dtypeSizes = map[string]int{"F64": 8, "F32": 4}

// WriteSafetensors writes params to w in the safetensors format: every
// tensor as F64 with its Param.Shape, in the order given, and metadata
// (which may be nil) under "__metadata__". Names must be unique, valid UTF-8
// and not "__metadata__"; each Param's Value must hold product(Shape) values.
// Nothing is written unless all of that holds.
func WriteSafetensors(w io.Writer, params []*Param, metadata map[string]string) error {
	header, err := safetensorsHeader(params, metadata)
	if err != nil {
		return err
	}
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(header)))
	if _, err := w.Write(n[:]); err != nil {
		return fmt.Errorf("safetensors: %w", err)
	}
	if _, err := w.Write(header); err != nil {
		return fmt.Errorf("safetensors: %w", err)
	}
	var buf []byte
	for _, p := range params {
		raw := p.Value.RawMatrix()
		buf = buf[:0]
		for r := 0; r < raw.Rows; r++ {
			for _, v := range raw.Data[r*raw.Stride : r*raw.Stride+raw.Cols] {
				buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(v))
			}
		}
		if _, err := w.Write(buf); err != nil {
			return fmt.Errorf("safetensors: writing %q: %w", p.Name, err)
		}
	}
	return nil
}

// safetensorsHeader checks params and metadata and returns the padded JSON header.
func safetensorsHeader(params []*Param, metadata map[string]string) ([]byte, error) {
	var h bytes.Buffer
	h.WriteByte('{')
	if len(metadata) > 0 {
		keys := make([]string, 0, len(metadata))
		for k, v := range metadata {
			if !utf8.ValidString(k) || !utf8.ValidString(v) {
				return nil, fmt.Errorf("safetensors: metadata %q is not valid UTF-8", k)
			}
			keys = append(keys, k)
		}
		sort.Strings(keys)
		h.WriteString(jsonString(metadataKey) + ":{")
		for i, k := range keys {
			if i > 0 {
				h.WriteByte(',')
			}
			h.WriteString(jsonString(k) + ":" + jsonString(metadata[k]))
		}
		h.WriteByte('}')
	}
	seen := make(map[string]bool, len(params))
	offset := 0
	for i, p := range params {
		switch {
		case p == nil || p.Value == nil:
			return nil, fmt.Errorf("safetensors: parameter %d is nil", i)
		case p.Name == "" || p.Name == metadataKey || !utf8.ValidString(p.Name):
			return nil, fmt.Errorf("safetensors: parameter %d has the name %q; tensor names must be non-empty UTF-8 and not %q", i, p.Name, metadataKey)
		case seen[p.Name]:
			return nil, fmt.Errorf("safetensors: two parameters are named %q", p.Name)
		}
		seen[p.Name] = true
		size := 1
		for _, d := range p.Shape {
			if d < 0 {
				return nil, fmt.Errorf("safetensors: parameter %q has shape %v with a negative size", p.Name, p.Shape)
			}
			size *= d
		}
		if r, c := p.Value.Dims(); r*c != size {
			return nil, fmt.Errorf("safetensors: parameter %q has shape %v but holds %d×%d values", p.Name, p.Shape, r, c)
		}
		if h.Len() > 1 {
			h.WriteByte(',')
		}
		shape := p.Shape
		if shape == nil {
			shape = []int{} // a scalar: "shape": [], not null
		}
		sh, _ := json.Marshal(shape)
		fmt.Fprintf(&h, `%s:{"dtype":"F64","shape":%s,"data_offsets":[%d,%d]}`, jsonString(p.Name), sh, offset, offset+8*size)
		offset += 8 * size
	}
	h.WriteByte('}')
	// Pad with spaces so that the byte buffer, and with it every F64 value,
	// starts 8-byte aligned, as the reference writer does.
	for h.Len()%8 != 0 {
		h.WriteByte(' ')
	}
	return h.Bytes(), nil
}

// jsonString quotes s as a JSON string, leaving <, > and & as they are.
func jsonString(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a valid UTF-8 string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}

// ReadSafetensors parses a safetensors file held in data and returns its
// tensors by name, converted to float64, and its metadata (nil when the
// file has none). F64 and F32 tensors are read; any other dtype (F16, BF16,
// I64, ...) is an error naming the tensor. It never panics: a malformed
// file is an error that says what is wrong, starting "safetensors: ".
func ReadSafetensors(data []byte) (map[string]Tensor, map[string]string, error) {
	if len(data) < 8 {
		return nil, nil, fmt.Errorf("safetensors: the file is %d bytes, shorter than the 8-byte header length that starts every safetensors file", len(data))
	}
	n := binary.LittleEndian.Uint64(data)
	switch {
	case n > maxHeaderBytes:
		return nil, nil, fmt.Errorf("safetensors: header length %d is over the limit of %d bytes; this is not a safetensors file or it is damaged", n, maxHeaderBytes)
	case n > uint64(len(data)-8):
		return nil, nil, fmt.Errorf("safetensors: header length %d is beyond the end of the file (%d bytes after the length); the file is truncated or not a safetensors file", n, len(data)-8)
	}
	header, buffer := data[8:8+n], data[8+n:]
	if !utf8.Valid(header) {
		return nil, nil, errors.New("safetensors: the header is not valid UTF-8")
	}
	keys, values, err := jsonObject(header)
	if err != nil {
		return nil, nil, fmt.Errorf("safetensors: the header is not a valid JSON object: %w", err)
	}

	var metadata map[string]string
	type entry struct {
		Tensor
		begin, end int
	}
	var entries []entry
	for i, name := range keys {
		if name == metadataKey {
			if metadata, err = readMetadata(values[i]); err != nil {
				return nil, nil, err
			}
			continue
		}
		t, begin, end, err := readTensorInfo(name, values[i], len(buffer))
		if err != nil {
			return nil, nil, err
		}
		entries = append(entries, entry{t, begin, end})
	}

	// The tensors must tile the buffer: sorted by offset, each begins where
	// the previous one ends, and the last ends at the end of the file.
	slices.SortStableFunc(entries, func(a, b entry) int {
		if a.begin != b.begin {
			return a.begin - b.begin
		}
		return a.end - b.end
	})
	pos, prev := 0, ""
	for _, e := range entries {
		switch {
		case e.begin < pos:
			return nil, nil, fmt.Errorf("safetensors: tensor %q (bytes %d to %d) overlaps tensor %q (which ends at %d)", e.Name, e.begin, e.end, prev, pos)
		case e.begin > pos:
			return nil, nil, fmt.Errorf("safetensors: bytes %d to %d of the data belong to no tensor (tensor %q begins at %d)", pos, e.begin, e.Name, e.begin)
		}
		pos, prev = e.end, e.Name
	}
	if pos != len(buffer) {
		return nil, nil, fmt.Errorf("safetensors: the tensors take %d bytes of data, but the file has %d bytes after the header", pos, len(buffer))
	}

	tensors := make(map[string]Tensor, len(entries))
	for _, e := range entries {
		e.Data = decodeFloats(buffer[e.begin:e.end], e.DType)
		tensors[e.Name] = e.Tensor
	}
	return tensors, metadata, nil
}

// readTensorInfo reads one header entry, {"dtype": ..., "shape": [...],
// "data_offsets": [begin, end]}, and checks it against a byte buffer of
// bufLen bytes. Other keys are ignored, as the reference reader does.
func readTensorInfo(name string, raw json.RawMessage, bufLen int) (t Tensor, begin, end int, err error) {
	fail := func(format string, args ...any) (Tensor, int, int, error) {
		return Tensor{}, 0, 0, fmt.Errorf("safetensors: tensor %q: "+format, append([]any{name}, args...)...)
	}
	keys, values, err := jsonObject(raw)
	if err != nil {
		return fail("its entry is not a JSON object (%s)", jsonKind(raw))
	}
	fields := make(map[string]json.RawMessage, len(keys))
	for i, k := range keys {
		fields[k] = values[i]
	}
	for _, k := range []string{"dtype", "shape", "data_offsets"} {
		if _, ok := fields[k]; !ok {
			return fail("its entry has no %q", k)
		}
	}

	dtype, ok := jsonStringValue(fields["dtype"])
	if !ok {
		return fail("dtype must be a string such as \"F64\", got %s", jsonKind(fields["dtype"]))
	}
	elem, ok := dtypeSizes[dtype]
	if !ok {
		return fail("dtype %s is not supported; seqlab reads F64 and F32 tensors only (convert with tensor.double() before saving)", jsonString(dtype))
	}

	shape, ok := jsonInts(fields["shape"])
	if !ok {
		return fail("shape must be a list of sizes such as [64, 32], got %s", snippet(fields["shape"]))
	}
	if slices.ContainsFunc(shape, func(d int) bool { return d < 0 }) {
		return fail("shape %s has a negative size", fmtShape(shape))
	}
	count := 0
	if !slices.Contains(shape, 0) {
		// Multiply only while the product stays within what the buffer can
		// hold, so that it cannot overflow.
		count = 1
		for _, d := range shape {
			if d > (bufLen/elem)/count {
				return fail("shape %s of %s needs more than the %d bytes of data in the file; the file is truncated or damaged", fmtShape(shape), dtype, bufLen)
			}
			count *= d
		}
	}

	offsets, ok := jsonInts(fields["data_offsets"])
	if !ok || len(offsets) != 2 {
		return fail("data_offsets must be a list [begin, end] of two byte offsets, got %s", snippet(fields["data_offsets"]))
	}
	b, e := offsets[0], offsets[1]
	switch {
	case b < 0 || e < 0:
		return fail("data_offsets [%d, %d] must not be negative", b, e)
	case e < b:
		return fail("data_offsets [%d, %d] end before they begin", b, e)
	case e > bufLen:
		return fail("data_offsets [%d, %d] go beyond the %d bytes of data in the file; the file is truncated or damaged", b, e, bufLen)
	case e-b != count*elem:
		return fail("data_offsets [%d, %d] hold %d bytes, but shape %s of %s needs %d", b, e, e-b, fmtShape(shape), dtype, count*elem)
	}
	return Tensor{Name: name, DType: dtype, Shape: shape}, b, e, nil
}

// jsonStringValue parses a JSON string (and not null, which json.Unmarshal
// would accept as "").
func jsonStringValue(raw json.RawMessage) (string, bool) {
	var s string
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '"' || json.Unmarshal(raw, &s) != nil {
		return "", false
	}
	return s, true
}

// jsonInts parses a JSON list of integers that fit an int. It rejects
// null, fractions, exponents and quoted numbers.
func jsonInts(raw json.RawMessage) ([]int, bool) {
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil || items == nil {
		return nil, false
	}
	out := make([]int, len(items))
	for i, item := range items {
		v, err := strconv.Atoi(string(bytes.TrimSpace(item)))
		if err != nil {
			return nil, false
		}
		out[i] = v
	}
	return out, true
}

// readMetadata reads the "__metadata__" entry: an object of strings, or null.
func readMetadata(raw json.RawMessage) (map[string]string, error) {
	if string(bytes.TrimSpace(raw)) == "null" {
		return nil, nil
	}
	keys, values, err := jsonObject(raw)
	if err != nil {
		return nil, fmt.Errorf("safetensors: %s must be an object of strings, got %s", metadataKey, jsonKind(raw))
	}
	m := make(map[string]string, len(keys))
	for i, k := range keys {
		v, ok := jsonStringValue(values[i])
		if !ok {
			return nil, fmt.Errorf("safetensors: %s value %q must be a string, got %s", metadataKey, k, jsonKind(values[i]))
		}
		m[k] = v
	}
	return m, nil
}

// jsonObject splits a JSON object into its keys and raw values, in file
// order, and rejects duplicate keys (which encoding/json would silently
// resolve to the last one) and anything after the closing brace.
func jsonObject(data []byte) (keys []string, values []json.RawMessage, err error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	tok, err := dec.Token()
	if err != nil {
		return nil, nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, nil, fmt.Errorf("want an object, got %s", jsonKind(data))
	}
	seen := make(map[string]bool)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		key, ok := tok.(string)
		if !ok {
			return nil, nil, fmt.Errorf("object key %v is not a string", tok)
		}
		if seen[key] {
			return nil, nil, fmt.Errorf("the key %q appears twice", key)
		}
		seen[key] = true
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, nil, err
		}
		keys, values = append(keys, key), append(values, v)
	}
	if _, err := dec.Token(); err != nil { // the closing '}'
		return nil, nil, err
	}
	if tok, err := dec.Token(); err != io.EOF {
		if err != nil {
			return nil, nil, err
		}
		return nil, nil, fmt.Errorf("unexpected %v after the closing brace", tok)
	}
	return keys, values, nil
}

// snippet is raw JSON for an error message, cut short if long.
func snippet(raw []byte) string {
	s := string(bytes.TrimSpace(raw))
	if len(s) <= 40 {
		return s
	}
	n := 40
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// fmtShape formats a shape as [64 32], eliding the middle of very long ones.
func fmtShape(shape []int) string {
	if len(shape) <= 8 {
		return fmt.Sprint(shape)
	}
	return fmt.Sprintf("%v … %v (%d sizes)", shape[:4], shape[len(shape)-2:], len(shape))
}

// jsonKind names the kind of a JSON value for error messages.
func jsonKind(raw []byte) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "a list"
	case '"':
		return "a string"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

// decodeFloats converts little-endian F64 or F32 values to float64.
func decodeFloats(b []byte, dtype string) []float64 {
	if dtype == "F32" {
		out := make([]float64, len(b)/4)
		for i := range out {
			out[i] = float64(math.Float32frombits(binary.LittleEndian.Uint32(b[4*i:])))
		}
		return out
	}
	out := make([]float64, len(b)/8)
	for i := range out {
		out[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
	return out
}
