package display

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"
)

// Value is a rich output value: it has a JSON form (Marshal) and a plain-text
// rendering.
type Value interface {
	// Kind names the value: "table", "lineplot", "heatmap", "progress",
	// "markdown" or "check". It is the "kind" field of the JSON form.
	Kind() string
	// Text renders the value as plain text whose lines fit in width columns
	// (counted in runes); width ≤ 0 means 80. Markdown is the exception: its
	// text is its source, unchanged.
	Text(width int) string
}

// The kinds of Value, as Kind returns them and as the "kind" field of the JSON
// form carries them.
const (
	KindTable    = "table"
	KindLinePlot = "lineplot"
	KindHeatmap  = "heatmap"
	KindProgress = "progress"
	KindMarkdown = "markdown"
	KindCheck    = "check"
)

// DefaultWidth is the width Text uses when it is given width ≤ 0, and the
// width the default sink renders at.
const DefaultWidth = 80

var (
	sinkMu sync.Mutex
	sink   func(Value) // nil means the default sink
)

// Show sends v to the current sink (see SetSink). The default sink writes
// v.Text(80) and a newline to os.Stdout. A nil v shows nothing. A *Progress
// is sent as a copy of its present state, so that a sink may keep what it
// was sent while the loop updates the progress.
//
// Show is safe for concurrent use: calls to the sink are serialised, so the
// sink sees one value at a time (and must not call Show or SetSink itself).
func Show(v Value) {
	if v == nil {
		return
	}
	if p, ok := v.(*Progress); ok && p != nil {
		// The loop goes on updating p; the sink gets this moment's copy.
		p.mu.Lock()
		v = p.snapshot()
		p.mu.Unlock()
	}
	sinkMu.Lock()
	defer sinkMu.Unlock()
	if sink != nil {
		sink(v)
		return
	}
	writeText(os.Stdout, v)
}

// SetSink makes f receive every value shown from now on (by Show and by
// Progress.Set) and returns a function that restores the previous sink. The
// REPL kernel installs a sink that sends Marshal(v) to the front end. A nil f
// selects the default sink, which writes v.Text(80) and a newline to
// os.Stdout.
func SetSink(f func(Value)) (restore func()) {
	sinkMu.Lock()
	defer sinkMu.Unlock()
	old := sink
	sink = f
	return func() {
		sinkMu.Lock()
		defer sinkMu.Unlock()
		sink = old
	}
}

// writeText is the default sink: the text at DefaultWidth and one newline
// (none added if the text already ends with one, as Markdown may).
func writeText(w io.Writer, v Value) {
	s := v.Text(DefaultWidth)
	if !strings.HasSuffix(s, "\n") {
		s += "\n"
	}
	io.WriteString(w, s)
}

// Marshal returns the JSON form of v: an object whose "kind" field is
// v.Kind() and whose other fields are the value's exported fields, named by
// their json tags, e.g.
//
//	{"kind":"table","title":"","header":["model","recall"],"rows":[["lstm","1"]]}
//
// JSON has no NaN or infinities, so non-finite numbers are written as the
// strings "NaN", "+Inf" and "-Inf"; finite numbers are written in the
// shortest form that reads back exactly. Unmarshal reads both back (and reads
// null as NaN), so a round trip is lossless.
func Marshal(v Value) ([]byte, error) {
	if v == nil {
		return nil, errors.New("display: Marshal of a nil Value")
	}
	switch x := v.(type) {
	case *Table:
		if x == nil {
			return nil, errors.New("display: Marshal of a nil *Table")
		}
	case *LinePlot:
		if x == nil {
			return nil, errors.New("display: Marshal of a nil *LinePlot")
		}
	case *Heatmap:
		if x == nil {
			return nil, errors.New("display: Marshal of a nil *Heatmap")
		}
	case *Progress:
		if x == nil {
			return nil, errors.New("display: Marshal of a nil *Progress")
		}
	case *MarkdownValue:
		if x == nil {
			return nil, errors.New("display: Marshal of a nil *MarkdownValue")
		}
	case *Check:
		if x == nil {
			return nil, errors.New("display: Marshal of a nil *Check")
		}
	default:
		return nil, fmt.Errorf("display: cannot marshal %T: not one of this package's values", v)
	}
	return json.Marshal(v)
}

// Unmarshal reads the JSON form written by Marshal and returns the concrete
// value: *Table, *LinePlot, *Heatmap, *Progress, *MarkdownValue or *Check. Unknown
// fields are ignored; a missing or unknown kind, or malformed JSON, is an
// error.
func Unmarshal(data []byte) (Value, error) {
	var head struct {
		Kind *string `json:"kind"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, fmt.Errorf("display: reading a value: %w", err)
	}
	if head.Kind == nil {
		return nil, errors.New(`display: reading a value: the JSON object has no "kind" field`)
	}
	var v Value
	switch *head.Kind {
	case KindTable:
		v = new(Table)
	case KindLinePlot:
		v = new(LinePlot)
	case KindHeatmap:
		v = new(Heatmap)
	case KindProgress:
		v = new(Progress)
	case KindMarkdown:
		v = new(MarkdownValue)
	case KindCheck:
		v = new(Check)
	default:
		return nil, fmt.Errorf("display: reading a value: unknown kind %q (want table, lineplot, heatmap, progress, markdown or check)", *head.Kind)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return nil, fmt.Errorf("display: reading a %s: %w", *head.Kind, err)
	}
	return v, nil
}

// checkKind is called by each UnmarshalJSON: a "kind" that is present must
// match the value being read.
func checkKind(got, want string) error {
	if got != "" && got != want {
		return fmt.Errorf("display: JSON of kind %q cannot be read into a %s", got, want)
	}
	return nil
}

// num is a float64 whose JSON form keeps NaN and the infinities (as the
// strings "NaN", "+Inf", "-Inf") and reads null as NaN.
type num float64

func (f num) MarshalJSON() ([]byte, error) {
	x := float64(f)
	switch {
	case math.IsNaN(x):
		return []byte(`"NaN"`), nil
	case math.IsInf(x, 1):
		return []byte(`"+Inf"`), nil
	case math.IsInf(x, -1):
		return []byte(`"-Inf"`), nil
	}
	return strconv.AppendFloat(nil, x, 'g', -1, 64), nil
}

func (f *num) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		*f = num(math.NaN())
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		x, err := strconv.ParseFloat(s, 64)
		if err != nil {
			return fmt.Errorf("display: %q is not a number (non-finite numbers are written \"NaN\", \"+Inf\", \"-Inf\")", s)
		}
		*f = num(x)
		return nil
	}
	x, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return fmt.Errorf("display: %s is not a number", b)
	}
	*f = num(x)
	return nil
}

func toNums(xs []float64) []num {
	if xs == nil {
		return nil
	}
	out := make([]num, len(xs))
	for i, x := range xs {
		out[i] = num(x)
	}
	return out
}

func fromNums(xs []num) []float64 {
	if xs == nil {
		return nil
	}
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = float64(x)
	}
	return out
}

// ---- text helpers shared by the renderings ----

func normWidth(width int) int {
	if width <= 0 {
		return DefaultWidth
	}
	return width
}

func runeLen(s string) int { return utf8.RuneCountInString(s) }

// cleanLine makes s safe to place on one line: newlines and tabs become
// spaces and other control characters are dropped.
func cleanLine(s string) string {
	if !strings.ContainsFunc(s, isControl) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n' || r == '\r' || r == '\t':
			b.WriteByte(' ')
		case isControl(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) }

// truncate shortens s to at most n runes, marking a cut with "…".
func truncate(s string, n int) string {
	if n <= 0 {
		return ""
	}
	if runeLen(s) <= n {
		return s
	}
	r := []rune(s)
	if n == 1 {
		return "…"
	}
	return string(r[:n-1]) + "…"
}

func padRight(s string, n int) string {
	if k := runeLen(s); k < n {
		return s + strings.Repeat(" ", n-k)
	}
	return s
}

func padLeft(s string, n int) string {
	if k := runeLen(s); k < n {
		return strings.Repeat(" ", n-k) + s
	}
	return s
}

// wrapWords breaks text into lines of at most width runes at spaces (a word
// longer than width is cut).
func wrapWords(text string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		w = truncate(w, width)
		switch {
		case line == "":
			line = w
		case runeLen(line)+1+runeLen(w) <= width:
			line += " " + w
		default:
			lines = append(lines, line)
			line = w
		}
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// noteLines formats problems and remarks under a rendering, one "! " item
// each, wrapped to width.
func noteLines(notes []string, width int) []string {
	var lines []string
	for _, n := range notes {
		for i, l := range wrapWords(cleanLine(n), max(width-2, 1)) {
			if i == 0 {
				lines = append(lines, "! "+l)
			} else {
				lines = append(lines, "  "+l)
			}
		}
	}
	return lines
}

// finish joins lines, cutting any that is still too long for width (which
// only happens at widths too small for the layout).
func finish(lines []string, width int) string {
	for i, l := range lines {
		lines[i] = truncate(strings.TrimRight(l, " "), width)
	}
	return strings.Join(lines, "\n")
}

// formatNum formats a number in at most about 10 characters with prec
// significant digits, e.g. 0.412, 1.23e+06, NaN, +Inf.
func formatNum(x float64, prec int) string {
	switch {
	case math.IsNaN(x):
		return "NaN"
	case math.IsInf(x, 1):
		return "+Inf"
	case math.IsInf(x, -1):
		return "-Inf"
	}
	return strconv.FormatFloat(x, 'g', prec, 64)
}
