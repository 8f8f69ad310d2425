package render

import (
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/seqlab/seqlab/display"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// checkGolden compares got with testdata/name.golden, or rewrites the file
// with -update. Trailing spaces are not significant: they are trimmed from
// every line on both sides.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	got = trimTrailing(got) + "\n"
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if w := trimTrailing(string(want)) + "\n"; got != w {
		t.Errorf("%s differs from %s (run go test -update to accept):\n--- got\n%s--- want\n%s", name, path, got, w)
	}
}

func trimTrailing(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n")
}

// A renderCase is one rendering under test, at any width.
type renderCase struct {
	name   string
	render func(width int, th Theme) string
}

func valueCase(name string, v display.Value) renderCase {
	return renderCase{name, func(width int, th Theme) string { return Value(v, width, th) }}
}

// lossCurves are two made-up training runs: smooth exponential decays with a
// deterministic wiggle, the LSTM's lower and faster.
func lossCurves() *display.LinePlot {
	const n = 400
	rnn, lstm := make([]float64, n), make([]float64, n)
	for i := range n {
		s := float64(i)
		rnn[i] = 0.9 + 1.4*math.Exp(-s/120) + 0.04*math.Sin(s/7)
		lstm[i] = 0.05 + 2.25*math.Exp(-s/45) + 0.03*math.Sin(s/5)
	}
	return display.NewLinePlot("training loss").
		Add("rnn", nil, rnn).Add("lstm", nil, lstm).
		XLabel("step").YLabel("cross-entropy")
}

// recallVsLag is recall against the lag of a copy task on a log x axis.
func recallVsLag() *display.LinePlot {
	lags := []float64{1, 2, 4, 8, 16, 32, 64, 128, 256}
	rnn := []float64{1, 0.99, 0.93, 0.61, 0.118, 0.05, 0.031, 0.03, 0.03}
	lstm := []float64{1, 1, 1, 1, 0.9995, 0.998, 0.97, 0.74, 0.31}
	return display.NewLinePlot("recall vs lag").
		Add("rnn", lags, rnn).Add("lstm", lags, lstm).
		XLabel("lag").YLabel("recall").LogX()
}

// brokenPlot has a gap (NaN), a point ≤ 0 on its log y axis and a series
// whose x and y differ in length.
func brokenPlot() *display.LinePlot {
	y := []float64{3, 2.5, 2, math.NaN(), 1.2, 1, 0.8, 0, 0.5, 0.45}
	return display.NewLinePlot("with gaps").
		Add("loss", nil, y).
		Add("short", []float64{0, 1, 2, 3}, []float64{0.3, 0.4}).
		LogY()
}

// attention is a causal attention pattern over 8 tokens: each query (row)
// spreads a softmax over the keys at or before it, favouring itself and the
// previous "the".
func attention() *display.Heatmap {
	tokens := []string{"the", "cat", "sat", "on", "the", "mat", ".", "<eos>"}
	rows := make([][]float64, len(tokens))
	for i := range tokens {
		rows[i] = make([]float64, len(tokens))
		sum := 0.0
		for j := 0; j <= i; j++ {
			score := -0.3 * float64(i-j)
			if j == i {
				score += 1.5
			}
			if tokens[j] == "the" {
				score += 0.8
			}
			rows[i][j] = math.Exp(score)
			sum += rows[i][j]
		}
		for j := 0; j <= i; j++ {
			rows[i][j] /= sum
		}
	}
	return display.NewHeatmap("layer 0, head 0", rows).
		Rows(tokens...).Cols(tokens...).Range(0, 1)
}

func gates() *display.Heatmap {
	return display.NewHeatmap("forget gate", [][]float64{
		{0.91, 0.85, math.NaN(), 0.12},
		{0.5, -0.25, 0.33, 0.7},
		{1.5, 0.02, 0.4},
	}).Rows("unit 0", "unit 1", "unit 2")
}

func cases() []renderCase {
	return []renderCase{
		valueCase("table", display.NewTable("model", "lag", "recall", "params").
			SetTitle("copy task, 2000 steps").
			Row("rnn", 16, 0.118, 4356).
			Row("lstm", 16, 0.9995, 17028).
			Row("transformer (2 layers, 4 heads)", 16, 1.0, 50212)),
		valueCase("plot-loss", lossCurves()),
		valueCase("plot-recall", recallVsLag()),
		valueCase("plot-broken", brokenPlot()),
		valueCase("heatmap-attention", attention()),
		valueCase("heatmap-long-labels", attention().Cols("tom", "is", "a", "cat", "and", "he", "likes", "fish")),
		valueCase("heatmap-nan", gates()),
		valueCase("progress-running", &display.Progress{Label: "lstm", Done: 120, Total: 400,
			Note: "loss 0.412  recall 0.98", Elapsed: 2.3, Rate: 52.1, ETA: 5.37}),
		valueCase("progress-done", &display.Progress{Label: "lstm", Done: 400, Total: 400,
			Note: "loss 0.131  recall 1.000", Elapsed: 7.68, Rate: 52.1}),
		valueCase("progress-unknown", &display.Progress{Label: "search", Done: 1234,
			Note: "best 0.97", Elapsed: 23.7, Rate: 52.1}),
		valueCase("check-pass", &display.Check{Exercise: "softmax", Pass: true}),
		valueCase("check-fail", &display.Check{Exercise: "softmax",
			Expected: "rows that sum to 1, e.g. [0.090 0.245 0.665] for [1 2 3]",
			Got:      "[1 2 3] (the input, unchanged)",
			Where:    "the loop that divides by the sum: it never runs"}),
		valueCase("markdown", display.Markdown(markdownSource)),
		{"code", func(width int, th Theme) string { return Code(goSource, width, th) }},
		{"error", func(width int, th Theme) string {
			return Error("3:5: undefined: softmx\n(did you mean softmax?)", width, th)
		}},
	}
}

const markdownSource = "# Remembering\n\n" +
	"An RNN forgets; an **LSTM** keeps a *cell* that gates let through:\n\n" +
	"- the forget gate decides what to keep\n" +
	"- the input gate decides what to write\n" +
	"- the output gate decides what to show\n\n" +
	"```go\nm, err := lstm.New(lstm.Tiny(), rng)\n```\n"

const goSource = `package main

import "fmt"

// softmax turns scores into probabilities that sum to 1.
func softmax(x []float64) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = math.Exp(v) // TODO: subtract the max first, for stability
	}
	return out
}

func main() { fmt.Println(softmax([]float64{1, 2, 3})) }
`

func TestGolden(t *testing.T) {
	th := NewTheme(true)
	for _, c := range cases() {
		for _, width := range []int{40, 80, 120} {
			t.Run(fmt.Sprintf("%s/width=%d", c.name, width), func(t *testing.T) {
				checkGolden(t, fmt.Sprintf("%s-%d", c.name, width), ansi.Strip(c.render(width, th)))
			})
		}
	}
}

// TestWidth checks the promise every rendering makes: no line wider than
// width, measured on the styled string.
func TestWidth(t *testing.T) {
	for _, dark := range []bool{true, false} {
		th := NewTheme(dark)
		for _, c := range cases() {
			for width := 20; width <= 140; width++ {
				if !dark && width%10 != 0 {
					continue // the light theme lays out alike; a sample will do
				}
				for i, l := range strings.Split(c.render(width, th), "\n") {
					if w := lipgloss.Width(l); w > width {
						t.Errorf("%s (dark=%v) at width %d: line %d is %d wide:\n%s", c.name, dark, width, i+1, w, ansi.Strip(l))
					}
				}
			}
		}
	}
}

// TestThemes checks that the themes colour their renderings and the zero
// Theme does not (it may still make text bold), with the same text either
// way.
func TestThemes(t *testing.T) {
	for _, c := range cases() {
		dark, light, none := c.render(80, NewTheme(true)), c.render(80, NewTheme(false)), c.render(80, Theme{})
		if c.name != "markdown" { // glamour styles Markdown whatever the theme
			if strings.Contains(none, "38;") || strings.Contains(none, "48;") {
				t.Errorf("%s: the zero Theme wrote colours: %q", c.name, none)
			}
		}
		if dark == ansi.Strip(dark) {
			t.Errorf("%s: the dark theme wrote no escape sequences", c.name)
		}
		if ansi.Strip(dark) != ansi.Strip(light) {
			t.Errorf("%s: the dark and light themes differ in text:\n%s\n---\n%s", c.name, ansi.Strip(dark), ansi.Strip(light))
		}
	}
}

func TestErrorLine(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"3:5: undefined: x", "✗ line 3: undefined: x"},
		{"_.go:12:1: expected ';', found 'EOF'", "✗ line 12: expected ';', found 'EOF'"},
		{"cell:2:7: x declared and not used", "✗ line 2: x declared and not used"},
		{"panic: index out of range [3] with length 3", "✗ panic: index out of range [3] with length 3"},
		{"interrupted", "✗ interrupted"},
	} {
		if got := ansi.Strip(Error(tt.in, 80, NewTheme(true))); got != tt.want {
			t.Errorf("Error(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestNil(t *testing.T) {
	th := NewTheme(true)
	for _, v := range []display.Value{nil, (*display.Table)(nil), (*display.LinePlot)(nil),
		(*display.Heatmap)(nil), (*display.Progress)(nil), (*display.MarkdownValue)(nil), (*display.Check)(nil)} {
		if got := Value(v, 80, th); got != "" {
			t.Errorf("Value(%#v) = %q; want \"\"", v, got)
		}
	}
	if got := Code("", 80, th); got != "" {
		t.Errorf("Code(\"\") = %q; want \"\"", got)
	}
}

// TestEmpty renders values with nothing to show: they say so, in width.
func TestEmpty(t *testing.T) {
	th := NewTheme(true)
	for _, tt := range []struct {
		v    display.Value
		want string
	}{
		{display.NewTable(), "(empty table)"},
		{display.NewLinePlot("p"), "(no data: add a series with Add)"},
		{display.NewLinePlot("p").Add("s", nil, []float64{math.NaN()}), "(no finite points to plot)"},
		{display.NewHeatmap("h", nil), "(empty heatmap)"},
	} {
		if got := ansi.Strip(Value(tt.v, 40, th)); !strings.Contains(got, tt.want) {
			t.Errorf("Value(%s) = %q; want it to contain %q", tt.v.Kind(), got, tt.want)
		}
	}
}

// TestConstant draws a constant series and a constant heatmap: mid-range,
// without dividing by zero.
func TestConstant(t *testing.T) {
	th := NewTheme(true)
	p := ansi.Strip(Value(display.NewLinePlot("flat").Add("c", nil, []float64{2, 2, 2}), 60, th))
	if !strings.Contains(p, "●") {
		t.Errorf("constant plot has no markers:\n%s", p)
	}
	h := ansi.Strip(Value(display.NewHeatmap("flat", [][]float64{{3, 3}, {3, 3}}), 60, th))
	if !strings.Contains(h, "every value 3") {
		t.Errorf("constant heatmap has no legend for its one value:\n%s", h)
	}
}

// TestMarkdownCache checks that renderers are built once per width and
// background.
func TestMarkdownCache(t *testing.T) {
	a, err := markdownRenderer(77, true)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := markdownRenderer(77, true)
	c, _ := markdownRenderer(77, false)
	if a != b || a == c {
		t.Errorf("markdownRenderer: got %p, %p, %p; want the first two equal and the third different", a, b, c)
	}
}

// TestExtremes draws data at the edges of float64 without hanging, panicking
// or overflowing the width.
func TestExtremes(t *testing.T) {
	th := NewTheme(true)
	inf, nan := math.Inf(1), math.NaN()
	for _, v := range []display.Value{
		display.NewLinePlot("huge").Add("s", []float64{-math.MaxFloat64, 0, math.MaxFloat64}, []float64{math.MaxFloat64, -math.MaxFloat64, 1}),
		display.NewLinePlot("narrow").Add("s", nil, []float64{1e300, 1.0000000001e300, 1.0000000002e300}),
		display.NewLinePlot("tiny").Add("s", []float64{1e-300, 1e-299}, []float64{5e-324, 1e-310}).LogX().LogY(),
		display.NewLinePlot("one point").Add("s", []float64{3}, []float64{-2}).LogX(),
		display.NewLinePlot("many series").Add("a", nil, []float64{1, 2}).Add("b", nil, []float64{2, 1}).
			Add("c", nil, []float64{1, 1}).Add("d", nil, []float64{2, 2}).Add("e", nil, []float64{1.5, 1.5}).
			Add("f", nil, []float64{0, 3}).Add("g", nil, []float64{3, 0}).Add("h", nil, []float64{0, 0}).Add("i", nil, []float64{3, 3}),
		display.NewHeatmap("inf", [][]float64{{inf, -inf, nan}, {1e300, -1e300, 0}}),
		display.NewHeatmap("whole and inf", [][]float64{{1, inf}, {-inf, 2}}),
		display.NewHeatmap("wide", [][]float64{make([]float64, 300)}),
		display.NewHeatmap("bad range", [][]float64{{1, 2}}).Range(5, 1).Rows("a", "b", "c"),
		display.NewTable().Row("only", "cells", "no", "header"),
		display.NewTable("a", "b").Row(strings.Repeat("x", 500), "\x1b[31mred\x1b[0m\ttab"),
		&display.Progress{Label: strings.Repeat("long label ", 20), Done: -5, Total: 3, Rate: inf, ETA: nan},
		&display.Progress{Done: 10, Total: 0, Elapsed: inf},
	} {
		for _, width := range []int{1, 5, 20, 33, 80} {
			out := Value(v, width, th)
			for _, l := range strings.Split(out, "\n") {
				if w := lipgloss.Width(l); w > width {
					t.Errorf("Value(%s) at width %d: line %d wide: %q", v.Kind(), width, w, ansi.Strip(l))
				}
			}
		}
	}
}

// unknown is a Value kind this package does not know.
type unknown struct{}

func (unknown) Kind() string      { return "unknown" }
func (unknown) Text(w int) string { return strings.Repeat("u", w+10) }

func TestUnknownKind(t *testing.T) {
	if got, want := Value(unknown{}, 20, NewTheme(true)), strings.Repeat("u", 19)+"…"; got != want {
		t.Errorf("Value(unknown) = %q; want %q", got, want)
	}
}

// TestMarkdownConcurrent renders with one cached renderer from several
// goroutines (run with -race).
func TestMarkdownConcurrent(t *testing.T) {
	want := Markdown(markdownSource, 64, NewTheme(true))
	done := make(chan string)
	for range 4 {
		go func() { done <- Markdown(markdownSource, 64, NewTheme(true)) }()
	}
	for range 4 {
		if got := <-done; got != want {
			t.Errorf("concurrent Markdown differs:\n%s\n---\n%s", ansi.Strip(got), ansi.Strip(want))
		}
	}
}
