package display

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// lossCurves are made-up but typical loss curves over 400 steps.
func lossCurves() (lstm, rnn, tf []float64) {
	for i := range 400 {
		x := float64(i)
		lstm = append(lstm, 2.1*math.Exp(-x/40)+0.003)
		rnn = append(rnn, 2.3-0.25*(1-math.Exp(-x/100)))
		tf = append(tf, 2.2*math.Exp(-x/15)+0.05)
	}
	return lstm, rnn, tf
}

// attention is a causal attention map over tokens: weights decay with
// distance, and every query looks hard at "Tom".
func attention(tokens []string) [][]float64 {
	a := make([][]float64, len(tokens))
	for i := range a {
		a[i] = make([]float64, len(tokens))
		sum := 0.0
		for j := 0; j <= i; j++ {
			v := math.Exp(-float64(i-j) / 2)
			if tokens[j] == "Tom" {
				v *= 4
			}
			a[i][j] = v
			sum += v
		}
		for j := 0; j <= i; j++ {
			a[i][j] /= sum
		}
	}
	return a
}

func wave(rows, cols int) [][]float64 {
	v := make([][]float64, rows)
	for i := range v {
		v[i] = make([]float64, cols)
		for j := range v[i] {
			v[i][j] = math.Sin(float64(i*j) / 20)
		}
	}
	return v
}

// goldenValues are the values whose renderings are kept in testdata.
func goldenValues() []struct {
	name string
	v    Value
} {
	lstm, rnn, tf := lossCurves()
	lags := []float64{2, 4, 8, 16, 32, 64, 128}
	tokens := []string{"Tom", "is", "a", "cat", ".", "Tom", "likes", "?"}
	return []struct {
		name string
		v    Value
	}{
		{"table", NewTable("model", "lag", "recall", "note").SetTitle("held-out recall").
			Row("rnn", 16, 0.118, "at chance").
			Row("lstm", 16, 0.99951, nil).
			Row("transformer", 64, 1.0, "looks straight back at the key, however far it is")},
		{"table_empty", NewTable()},
		{"table_no_rows", NewTable("model", "recall")},
		{"table_ragged", NewTable("a", "b").Row(1).Row(1, 2, 3, "four")},
		{"lineplot_loss", NewLinePlot("training loss, delayed lag=8").
			Add("lstm", nil, lstm).Add("rnn", nil, rnn).Add("transformer", nil, tf).
			XLabel("step").YLabel("cross-entropy")},
		{"lineplot_recall_logx", NewLinePlot("recall against lag").
			Add("rnn", lags, []float64{1, 1, 0.9, 0.3, 0.13, 0.12, 0.125}).
			Add("lstm", lags, []float64{1, 1, 1, 1, 0.95, 0.6, 0.2}).
			Add("transformer", lags, []float64{1, 1, 1, 1, 1, 1, 1}).
			LogX().XLabel("lag").YLabel("held-out recall")},
		{"lineplot_logy", NewLinePlot("loss, log scale").Add("lstm", nil, lstm).Add("zeros", nil, []float64{0, 1, 0.1, 0}).LogY()},
		{"lineplot_empty", NewLinePlot("nothing yet")},
		{"lineplot_one_point", NewLinePlot("one point").Add("p", []float64{3}, []float64{0.5})},
		{"lineplot_constant", NewLinePlot("constant").Add("flat", nil, []float64{1, 1, 1, 1, 1})},
		{"lineplot_nan_mismatch", NewLinePlot("gaps").
			Add("gappy", nil, []float64{0, 1, math.NaN(), 3, math.Inf(1), 5, 6}).
			Add("short", []float64{0, 2, 4, 6}, []float64{6, 4})},
		{"lineplot_all_nan", NewLinePlot("diverged").Add("lstm", nil, []float64{math.NaN(), math.Inf(1)})},
		{"heatmap_attention", NewHeatmap("attention, layer 0 head 1", attention(tokens)).
			Rows(tokens...).Cols(tokens...).Range(0, 1)},
		{"heatmap_wide", NewHeatmap("sin(i·j/20)", wave(10, 66))},
		{"heatmap_empty", NewHeatmap("empty", nil)},
		{"heatmap_ragged_nan", NewHeatmap("ragged", [][]float64{{1, 2, 3}, {math.NaN()}, {math.Inf(-1), 0, math.Inf(1), 7}}).
			Rows("first", "second").Range(3, 0)},
		{"heatmap_constant", NewHeatmap("constant", [][]float64{{0.5, 0.5}, {0.5, 0.5}}).Cols("a", "b")},
		{"progress_running", &Progress{ID: "p-1", Label: "lstm", Done: 120, Total: 400, Note: "loss 0.412", Elapsed: 2.3, Rate: 52.1, ETA: 5.37}},
		{"progress_done", &Progress{ID: "p-2", Label: "lstm", Done: 400, Total: 400, Note: "loss 0.0028  recall 1.000", Elapsed: 6.669, Rate: 59.98}},
		{"progress_unknown_total", &Progress{ID: "p-3", Label: "reading", Done: 17, Elapsed: 3, Rate: 5.67}},
		{"progress_long_note", &Progress{ID: "p-4", Label: "transformer lag=64", Done: 7, Total: 400, Note: "loss 2.2056  recall 0.157  (still at chance: give it time)", Elapsed: 700, Rate: 0.01, ETA: 39300}},
		{"markdown", Markdown("# Results\n\nThe **LSTM** remembers; the RNN forgets.\n")},
		{"check_pass", &Check{Exercise: "softmax", Pass: true}},
		{"check_fail", &Check{Exercise: "softmax", Expected: "weights that sum to 1", Got: "[0 0 0] (sum 0)", Where: "divide each exp(x) by the sum of all of them"}},
	}
}

func TestGoldenText(t *testing.T) {
	for _, tc := range goldenValues() {
		for _, width := range []int{80, 40} {
			t.Run(fmt.Sprintf("%s/w%d", tc.name, width), func(t *testing.T) {
				got := tc.v.Text(width)
				path := filepath.Join("testdata", fmt.Sprintf("%s.w%d.golden", tc.name, width))
				if *update {
					if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test ./display -update to create it)", err)
				}
				if got != string(want) {
					t.Errorf("%s.Text(%d) =\n%s\nwant (%s)\n%s", tc.name, width, got, path, want)
				}
			})
		}
	}
}

// Every rendering but Markdown's fits its width, at any width.
func TestTextFitsWidth(t *testing.T) {
	for _, tc := range goldenValues() {
		if tc.v.Kind() == KindMarkdown {
			continue
		}
		for width := -1; width <= 120; width++ {
			want := normWidth(width)
			for i, line := range strings.Split(tc.v.Text(width), "\n") {
				if n := runeLen(line); n > want {
					t.Errorf("%s.Text(%d) line %d has %d runes: %q", tc.name, width, i, n, line)
				}
				if strings.ContainsAny(line, "\x1b\t\r") {
					t.Errorf("%s.Text(%d) line %d has control characters: %q", tc.name, width, i, line)
				}
			}
		}
	}
}

func TestMarkdownTextIsSource(t *testing.T) {
	src := "| a | b |\n|---|---|\n| a very long cell that is wider than forty columns, on purpose | 2 |"
	if got := Markdown(src).Text(40); got != src {
		t.Errorf("Markdown(src).Text(40) = %q; want the source %q", got, src)
	}
}

func TestTableRowFormatting(t *testing.T) {
	tb := NewTable("x").Row(0.41237, float32(2.5), 3, "s", nil, true, 1e-7, math.NaN())
	want := []string{"0.4124", "2.5", "3", "s", "", "true", "1e-07", "NaN"}
	if !reflect.DeepEqual(tb.Rows[0], want) {
		t.Errorf("Row(...) cells = %q; want %q", tb.Rows[0], want)
	}
}

// The heatmap text has one shade per cell, from blank (lowest) to full
// (highest).
func TestHeatmapShades(t *testing.T) {
	tests := []struct {
		v, lo, hi float64
		want      rune
	}{
		{0, 0, 1, ' '},
		{0.19, 0, 1, ' '},
		{0.2, 0, 1, '░'},
		{0.5, 0, 1, '▒'},
		{0.7, 0, 1, '▓'},
		{0.99, 0, 1, '█'},
		{1, 0, 1, '█'},
		{7, 0, 1, '█'},
		{-3, 0, 1, ' '},
		{math.Inf(1), 0, 1, '█'},
		{math.Inf(-1), 0, 1, ' '},
		{math.NaN(), 0, 1, '?'},
		{2, 2, 2, '▒'},
		{1, math.Inf(-1), math.Inf(1), '▒'},
		{-math.MaxFloat64, -math.MaxFloat64, math.MaxFloat64, ' '},
		{math.MaxFloat64, -math.MaxFloat64, math.MaxFloat64, '█'},
	}
	for _, tc := range tests {
		if got := shade(tc.v, tc.lo, tc.hi); got != tc.want {
			t.Errorf("shade(%v, %v, %v) = %q; want %q", tc.v, tc.lo, tc.hi, got, tc.want)
		}
	}
}

func TestHeatmapBounds(t *testing.T) {
	tests := []struct {
		name   string
		h      *Heatmap
		lo, hi float64
	}{
		{"data", NewHeatmap("", [][]float64{{1, -2}, {math.NaN(), math.Inf(1), 5}}), -2, 5},
		{"fixed", NewHeatmap("", [][]float64{{1, -2}}).Range(0, 1), 0, 1},
		{"swapped", NewHeatmap("", [][]float64{{1}}).Range(1, 0), 0, 1},
		{"empty", NewHeatmap("", nil), 0, 0},
		{"all NaN", NewHeatmap("", [][]float64{{math.NaN()}}), 0, 0},
		{"NaN range ignored", NewHeatmap("", [][]float64{{3, 4}}).Range(math.NaN(), 1), 3, 4},
	}
	for _, tc := range tests {
		if lo, hi := tc.h.Bounds(); lo != tc.lo || hi != tc.hi {
			t.Errorf("%s: Bounds() = %v, %v; want %v, %v", tc.name, lo, hi, tc.lo, tc.hi)
		}
	}
}

// Mistakes a learner can type are recorded and shown, never panics.
func TestDegenerateInputs(t *testing.T) {
	tests := []struct {
		name       string
		v          Value
		wantErrors int      // len(Errors) of a LinePlot or Heatmap
		wantText   []string // substrings of Text(80)
	}{
		{"empty table", NewTable(), 0, []string{"(empty table)"}},
		{"header only", NewTable("a", "b"), 0, []string{"a  b", "(no rows)"}},
		{"no series", NewLinePlot("p"), 0, []string{"(no data: add a series with Add)"}},
		{"empty series", NewLinePlot("p").Add("s", nil, nil), 0, []string{"(no finite points to plot)", "* s"}},
		{"x longer than y", NewLinePlot("p").Add("s", []float64{1, 2, 3}, []float64{1, 2}), 1,
			[]string{`! series "s": x has 3 points but y has 2; plotted the first 2`}},
		{"y longer than x", NewLinePlot("p").Add("s", []float64{1}, []float64{1, 2}), 1,
			[]string{`x has 1 points but y has 2; plotted the first 1`}},
		{"log of zeros", NewLinePlot("p").Add("s", []float64{0, 1, 2}, []float64{-1, 0, 1}).LogX().LogY(), 0,
			[]string{"1 points with x ≤ 0 not shown on the log x axis", "1 points with y ≤ 0 not shown on the log y axis"}},
		{"unnamed series", NewLinePlot("p").Add("", nil, []float64{1, 2}), 0, []string{"* series 1"}},
		{"empty heatmap", NewHeatmap("h", nil), 0, []string{"(empty heatmap)"}},
		{"heatmap of empty rows", NewHeatmap("h", [][]float64{{}, {}}), 0, []string{"(empty heatmap)"}},
		{"too few row labels", NewHeatmap("h", [][]float64{{2}, {1}}).Rows("a"), 1, []string{"! Rows: 1 labels for 2 rows", "\na ██\n", "\n1\n"}},
		{"too many col labels", NewHeatmap("h", [][]float64{{1, 2}}).Cols("a", "b", "c"), 1, []string{"! Cols: 3 labels for 2 columns"}},
		{"reversed range", NewHeatmap("h", [][]float64{{1}}).Range(2, -2), 1, []string{"min is larger than max; swapped", "scale  -2 [ ░▒▓█] 2  (fixed)"}},
		{"infinite range", NewHeatmap("h", [][]float64{{1}}).Range(0, math.Inf(1)), 1, []string{"the range must be finite; ignored"}},
		{"ragged heatmap", NewHeatmap("h", [][]float64{{1, 2, 3}, {1}}), 0, []string{"rows have different lengths"}},
		{"NaN cell", NewHeatmap("h", [][]float64{{1, math.NaN()}}), 0, []string{"? NaN"}},
		{"progress with no total", NewProgress("p", 0), 0, []string{"p  0"}},
		{"progress past total", &Progress{Label: "p", Done: 5, Total: 4}, 0, []string{"[████", "5/4  125%"}},
		{"progress negative", &Progress{Label: "p", Done: -5, Total: 4}, 0, []string{"[░░░░", "-5/4"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var errs []string
			switch v := tc.v.(type) {
			case *LinePlot:
				errs = v.Errors
			case *Heatmap:
				errs = v.Errors
			}
			if len(errs) != tc.wantErrors {
				t.Errorf("Errors = %q; want %d of them", errs, tc.wantErrors)
			}
			text := tc.v.Text(80)
			for _, want := range tc.wantText {
				if !strings.Contains(text, want) {
					t.Errorf("Text(80) =\n%s\nwant it to contain %q", text, want)
				}
			}
		})
	}
}

func TestAddCopies(t *testing.T) {
	x, y := []float64{1, 2}, []float64{3, 4}
	p := NewLinePlot("").Add("s", x, y)
	x[0], y[0] = 100, 100
	if p.Series[0].X[0] != 1 || p.Series[0].Y[0] != 3 {
		t.Errorf("Add kept the caller's slices: series = %v", p.Series[0])
	}
	if got := NewLinePlot("").Add("s", nil, y).Series[0].X; !reflect.DeepEqual(got, []float64{0, 1}) {
		t.Errorf("Add with nil x: X = %v; want [0 1]", got)
	}
	rows := [][]float64{{1, 2}}
	h := NewHeatmap("", rows)
	rows[0][0] = 100
	if h.Values[0][0] != 1 {
		t.Errorf("NewHeatmap kept the caller's rows: %v", h.Values)
	}
}

// One point and a constant series land in the middle of the plot.
func TestLinePlotDegenerateRangeIsCentred(t *testing.T) {
	for _, p := range []*LinePlot{
		NewLinePlot("").Add("s", []float64{3}, []float64{0.5}),
		NewLinePlot("").Add("s", []float64{-1e308, -1e308}, []float64{-1e308, -1e308}),
		NewLinePlot("").Add("s", []float64{7}, []float64{7}).LogX().LogY(),
	} {
		lines := strings.Split(p.Text(80), "\n")
		top := 0
		for !strings.Contains(lines[top], "┤") {
			top++
		}
		// 13 plot rows; the middle one is the 7th.
		if mid := lines[top+6]; !strings.Contains(mid, "*") {
			t.Errorf("Text(80) =\n%s\nwant the point on the middle row", strings.Join(lines, "\n"))
		}
	}
}

// sameValue reports whether two values are equal field by field, counting
// NaN equal to NaN and ignoring unexported fields.
func sameValue(a, b reflect.Value) bool {
	if a.Kind() != b.Kind() {
		return false
	}
	switch a.Kind() {
	case reflect.Pointer:
		if a.IsNil() || b.IsNil() {
			return a.IsNil() == b.IsNil()
		}
		return sameValue(a.Elem(), b.Elem())
	case reflect.Struct:
		for i := range a.NumField() {
			if a.Type().Field(i).IsExported() && !sameValue(a.Field(i), b.Field(i)) {
				return false
			}
		}
		return true
	case reflect.Slice:
		if a.IsNil() != b.IsNil() || a.Len() != b.Len() {
			return false
		}
		for i := range a.Len() {
			if !sameValue(a.Index(i), b.Index(i)) {
				return false
			}
		}
		return true
	case reflect.Float64:
		x, y := a.Float(), b.Float()
		return math.Float64bits(x) == math.Float64bits(y) || math.IsNaN(x) && math.IsNaN(y)
	}
	return a.Interface() == b.Interface()
}

func TestJSONRoundTrip(t *testing.T) {
	values := goldenValues()
	values = append(values, []struct {
		name string
		v    Value
	}{
		{"nan everywhere", NewHeatmap("", [][]float64{{math.NaN(), math.Inf(1), math.Inf(-1), math.Copysign(0, -1), 5e-324, math.MaxFloat64}}).Range(-1, 1)},
		{"nil and empty slices", &LinePlot{Series: []Series{{Name: "a"}, {Name: "b", X: []float64{}, Y: []float64{}}}}},
		{"empty table", &Table{Header: []string{}, Rows: [][]string{{}}}},
		{"non-finite progress", &Progress{ID: "x", Elapsed: math.NaN(), Rate: math.Inf(1), ETA: math.Inf(-1)}},
		{"unicode", Markdown("ünïcode ░▒▓█ \u2028 \"quoted\" <html>&")},
	}...)
	for _, tc := range values {
		t.Run(tc.name, func(t *testing.T) {
			data, err := Marshal(tc.v)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			if prefix := `{"kind":"` + tc.v.Kind() + `"`; !bytes.HasPrefix(data, []byte(prefix)) {
				t.Errorf("Marshal = %s; want it to start with %s", data, prefix)
			}
			got, err := Unmarshal(data)
			if err != nil {
				t.Fatalf("Unmarshal(%s): %v", data, err)
			}
			if reflect.TypeOf(got) != reflect.TypeOf(tc.v) {
				t.Fatalf("Unmarshal gave a %T; want %T", got, tc.v)
			}
			if !sameValue(reflect.ValueOf(got), reflect.ValueOf(tc.v)) {
				t.Errorf("round trip through\n%s\ngave %+v; want %+v", data, got, tc.v)
			}
			// encoding/json works on the values directly too.
			direct, err := json.Marshal(tc.v)
			if err != nil || !bytes.Equal(direct, data) {
				t.Errorf("json.Marshal = %s, %v; want %s", direct, err, data)
			}
		})
	}
}

func TestJSONForm(t *testing.T) {
	tests := []struct {
		v    Value
		want string
	}{
		{NewTable("model", "recall").Row("lstm", 1.0), `{"kind":"table","title":"","header":["model","recall"],"rows":[["lstm","1"]]}`},
		{NewLinePlot("t").Add("s", nil, []float64{0.5, math.NaN(), math.Inf(1), math.Inf(-1)}).LogY(),
			`{"kind":"lineplot","title":"t","x":{"label":"","log":false},"y":{"label":"","log":true},"series":[{"name":"s","x":[0,1,2,3],"y":[0.5,"NaN","+Inf","-Inf"]}]}`},
		{NewHeatmap("h", [][]float64{{0.1, 1e21}}).Rows("q").Range(0, 1),
			`{"kind":"heatmap","title":"h","values":[[0.1,1e+21]],"rows":["q"],"cols":null,"fixed":true,"min":0,"max":1}`},
		{&Progress{ID: "p-1", Label: "lstm", Done: 1, Total: 2, Note: "n", Elapsed: 0.5, Rate: 2, ETA: 0.5},
			`{"kind":"progress","id":"p-1","label":"lstm","done":1,"total":2,"note":"n","elapsed":0.5,"rate":2,"eta":0.5}`},
		{Markdown("*hi*"), `{"kind":"markdown","source":"*hi*"}`},
		{&Check{Exercise: "e", Pass: true}, `{"kind":"check","exercise":"e","pass":true}`},
		{&Check{Exercise: "e", Expected: "1", Got: "2", Where: "w"}, `{"kind":"check","exercise":"e","pass":false,"expected":"1","got":"2","where":"w"}`},
	}
	for _, tc := range tests {
		got, err := Marshal(tc.v)
		if err != nil || string(got) != tc.want {
			t.Errorf("Marshal(%s) = %s, %v; want %s", tc.v.Kind(), got, err, tc.want)
		}
	}
}

// Unmarshal reads null as NaN and accepts the usual spellings of infinity.
func TestUnmarshalLenientNumbers(t *testing.T) {
	v, err := Unmarshal([]byte(`{"kind":"lineplot","series":[{"name":"s","x":[null,"Inf","-inf","1.5"],"y":[1,2,3,4]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	x := v.(*LinePlot).Series[0].X
	if !math.IsNaN(x[0]) || !math.IsInf(x[1], 1) || !math.IsInf(x[2], -1) || x[3] != 1.5 {
		t.Errorf("x = %v; want [NaN +Inf -Inf 1.5]", x)
	}
}

func TestUnmarshalErrors(t *testing.T) {
	tests := []struct {
		in      string
		wantErr string
	}{
		{``, "display: reading a value"},
		{`null`, `no "kind" field`},
		{`[]`, "display: reading a value"},
		{`{}`, `no "kind" field`},
		{`{"kind":"pie"}`, `unknown kind "pie"`},
		{`{"kind":""}`, `unknown kind ""`},
		{`{"kind":3}`, "display: reading a value"},
		{`{"kind":"table"`, "display: reading a value"},
		{`{"kind":"table","rows":"x"}`, "display: reading a table"},
		{`{"kind":"table","header":[1]}`, "display: reading a table"},
		{`{"kind":"lineplot","series":[{"x":["abc"]}]}`, `"abc" is not a number`},
		{`{"kind":"lineplot","series":{}}`, "display: reading a lineplot"},
		{`{"kind":"heatmap","values":[[1e999]]}`, "1e999 is not a number"},
		{`{"kind":"heatmap","values":[1]}`, "display: reading a heatmap"},
		{`{"kind":"heatmap","min":true}`, "display: reading a heatmap"},
		{`{"kind":"progress","done":1.5}`, "display: reading a progress"},
		{`{"kind":"progress","eta":"soon"}`, `"soon" is not a number`},
		{`{"kind":"markdown","source":7}`, "display: reading a markdown"},
		{`{"kind":"markdown"} trailing`, "display: reading a value"},
	}
	for _, tc := range tests {
		v, err := Unmarshal([]byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
			t.Errorf("Unmarshal(%s) = %v, %v; want an error containing %q", tc.in, v, err, tc.wantErr)
		}
	}
}

func TestUnmarshalWrongKindIntoType(t *testing.T) {
	var h Heatmap
	err := json.Unmarshal([]byte(`{"kind":"table","title":"t"}`), &h)
	if err == nil || !strings.Contains(err.Error(), `kind "table" cannot be read into a heatmap`) {
		t.Errorf("json.Unmarshal(table JSON, *Heatmap) = %v; want a kind error", err)
	}
}

func TestMarshalErrors(t *testing.T) {
	for _, v := range []Value{nil, (*Table)(nil), (*LinePlot)(nil), (*Heatmap)(nil), (*Progress)(nil), (*MarkdownValue)(nil), otherValue{}} {
		if data, err := Marshal(v); err == nil {
			t.Errorf("Marshal(%#v) = %s; want an error", v, data)
		}
	}
}

type otherValue struct{}

func (otherValue) Kind() string    { return "other" }
func (otherValue) Text(int) string { return "other" }

func TestNilReceiversRenderNothing(t *testing.T) {
	for _, v := range []Value{(*Table)(nil), (*LinePlot)(nil), (*Heatmap)(nil), (*Progress)(nil), (*MarkdownValue)(nil)} {
		if got := v.Text(80); got != "" {
			t.Errorf("(%T)(nil).Text(80) = %q; want \"\"", v, got)
		}
	}
}

func TestSinks(t *testing.T) {
	var got []string
	restore := SetSink(func(v Value) { got = append(got, v.Kind()) })
	Show(Markdown("a"))
	Show(nil)
	inner := SetSink(func(v Value) { got = append(got, "inner "+v.Kind()) })
	Show(NewTable())
	inner()
	Show(NewLinePlot(""))
	restore()
	want := []string{"markdown", "inner table", "lineplot"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("sinks saw %q; want %q", got, want)
	}

	var buf bytes.Buffer
	writeText(&buf, Markdown("line\n"))
	writeText(&buf, NewTable("a"))
	if want := "line\na\n─\n(no rows)\n"; buf.String() != want {
		t.Errorf("default sink wrote %q; want %q", buf.String(), want)
	}
}

// Concurrent Show calls reach the sink one at a time (run with -race).
func TestShowConcurrent(t *testing.T) {
	var inside, most, calls int
	var mu sync.Mutex
	defer SetSink(func(Value) {
		mu.Lock()
		inside++
		most = max(most, inside)
		mu.Unlock()
		calls++ // unguarded on purpose: the race detector checks Show serialises
		mu.Lock()
		inside--
		mu.Unlock()
	})()
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p := NewProgress("p", 100)
			for i := range 50 {
				Show(Markdown("x"))
				p.Set(i, "")
			}
		}()
	}
	wg.Wait()
	if most != 1 {
		t.Errorf("the sink ran %d calls at once; want 1", most)
	}
	if calls < 8*50 {
		t.Errorf("the sink saw %d values; want at least %d", calls, 8*50)
	}
}
