package report

import (
	"bytes"
	"flag"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// The fixtures in testdata/*.txt are written by hand in the format of
// `go test -bench` with seqlab's Unit lines; the delayed-recall values follow
// the PyTorch reference table of BENCHMARKS.md, the others are made up with
// the shapes the suites expect (several seeds, -count repeats, missing cells,
// a model present for some sizes only).

// golden compares got with testdata/name, or rewrites it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
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
	if got != string(want) {
		t.Errorf("%s differs from the golden file (go test -update rewrites it)\ngot:\n%s\nwant:\n%s", name, got, want)
	}
}

func parseFixture(t *testing.T, names ...string) *Results {
	t.Helper()
	var paths []string
	for _, n := range names {
		paths = append(paths, filepath.Join("testdata", n))
	}
	r, err := ParseFiles(paths...)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// render joins tables as String and as Markdown, a blank line apart.
func render(tables []Table) (text, markdown string) {
	var tb, mb strings.Builder
	for i, t := range tables {
		if i > 0 {
			tb.WriteString("\n")
			mb.WriteString("\n")
		}
		tb.WriteString(t.String())
		mb.WriteString(t.Markdown())
	}
	return tb.String(), mb.String()
}

func TestTablesGolden(t *testing.T) {
	recall := parseFixture(t, "recall.txt")
	memory := parseFixture(t, "memory.txt")
	speed := parseFixture(t, "speed.txt")
	tests := []struct {
		name   string
		tables []Table
	}{
		{"recall", recall.RecallTables()},
		{"memory", memory.MemoryTables()},
		{"speed", []Table{speed.SpeedTable()}},
		{"torch", []Table{speed.TorchTable(parseTorchFixture(t, "torch.txt"))}},
		{"compare", []Table{Compare(parseFixture(t, "old.txt"), parseFixture(t, "new.txt"))}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if len(tt.tables) == 0 {
				t.Fatalf("no %s tables", tt.name)
			}
			text, markdown := render(tt.tables)
			golden(t, tt.name+".golden", text)
			golden(t, tt.name+".md.golden", markdown)
		})
	}
}

// TestSuitesApart checks that each table reads only its own suite, so that
// one file holding every suite gives the same tables.
func TestSuitesApart(t *testing.T) {
	all := parseFixture(t, "recall.txt", "memory.txt", "speed.txt")
	for _, tt := range []struct {
		name      string
		alone, in []Table
	}{
		{"recall", parseFixture(t, "recall.txt").RecallTables(), all.RecallTables()},
		{"memory", parseFixture(t, "memory.txt").MemoryTables(), all.MemoryTables()},
		{"speed", []Table{parseFixture(t, "speed.txt").SpeedTable()}, []Table{all.SpeedTable()}},
	} {
		a, _ := render(tt.alone)
		b, _ := render(tt.in)
		if a != b {
			t.Errorf("%s tables change when the file holds other suites:\n%s\nwant:\n%s", tt.name, b, a)
		}
	}
	if got := parseFixture(t, "speed.txt").RecallTables(); len(got) != 0 {
		t.Errorf("RecallTables of the speed suite = %d tables; want none", len(got))
	}
}

func TestRecallCells(t *testing.T) {
	r := parseFixture(t, "recall.txt")
	tables := r.RecallTables()
	cell := func(task, size, model string) string {
		for _, tb := range tables {
			if !strings.HasPrefix(tb.Title, task+":") {
				continue
			}
			col := -1
			for i, h := range tb.Header {
				if h == model {
					col = i
				}
			}
			for _, row := range tb.Rows {
				if row[0] == size && col >= 0 {
					return row[col]
				}
			}
		}
		return "<none>"
	}
	tests := []struct {
		task, size, model, want, why string
	}{
		{"delayed", "16", "lstm", "0.69 (0.38/1.00)", "mean over seeds, then each seed"},
		{"delayed", "4", "rnn", "0.98 (0.95/1.00)", "seed 0 ran twice (0.9502, 0.9522): averaged before the mean over seeds"},
		{"delayed", "64", "lstm-fb5", "1.00", "one seed: no per-seed values"},
		{"delayed", "2", "lstm", "", "not run"},
		{"adding", "100", "lstm", "0.0233 (0.0125/0.0341)", "MSE to four decimals"},
		{"mqar", "16", "rnn", "", "not run"},
		{"mqar", "2", "transformer", "1.00 (1.00/1.00) · 250 steps", "stopped early (300 and 200 steps): the mean steps"},
		{"mqar", "2", "lstm", "1.00 (1.00/1.00)", "ran the whole budget: no steps"},
	}
	for _, tt := range tests {
		if got := cell(tt.task, tt.size, tt.model); got != tt.want {
			t.Errorf("RecallTables %s %s=%s %s = %q; want %q (%s)", tt.task, "size", tt.size, tt.model, got, tt.want, tt.why)
		}
	}
	var titles []string
	for _, tb := range tables {
		titles = append(titles, tb.Title)
	}
	want := []string{
		"delayed: recall by lag (chance 0.125)",
		"adding: mse by T (baseline MSE 0.167, always predicting 1; solved < 0.01)",
		"mqar: recall by N (chance 1/64)",
		"induction: recall by T (chance 0.05)",
	}
	if fmt.Sprint(titles) != fmt.Sprint(want) {
		t.Errorf("RecallTables titles = %q; want %q", titles, want)
	}
}

func TestModelOrder(t *testing.T) {
	models := []string{"transformer", "gru", "lstm-fb5", "mamba", "rnn", "transformer-1layer", "lstm"}
	sortModels(models)
	want := "[rnn lstm lstm-fb5 transformer transformer-1layer gru mamba]"
	if got := fmt.Sprint(models); got != want {
		t.Errorf("sortModels = %s; want %s", got, want)
	}
}

// powerLaws is benchmark output in which every metric is an exact power of
// T: ns/token ∝ T^0 for rnn and T^1 for transformer, peak-B ∝ T^1 and T^2,
// state-B ∝ T^0 and T^1.
func powerLaws() string {
	var b strings.Builder
	b.WriteString("Unit peak-B better=lower\nUnit state-B better=lower assume=exact\nUnit ns/token better=lower\n")
	for _, T := range []float64{64, 128, 256, 512, 1024, 2048, 4096, 8192} {
		fmt.Fprintf(&b, "BenchmarkMemory/mode=train/model=rnn/T=%g-2 1 1 ns/op %v ns/token %v peak-B %v state-B\n",
			T, 2140.5, 3.1e3*T, 1024.0)
		fmt.Fprintf(&b, "BenchmarkMemory/mode=train/model=transformer/T=%g-2 1 1 ns/op %v ns/token %v peak-B %v state-B\n",
			T, 7.25*T, 64.0*T*T, 2048*T)
	}
	return b.String()
}

func TestSlopesExactPowerLaws(t *testing.T) {
	r, err := Parse(strings.NewReader(powerLaws()))
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]float64{
		"rnn ns/token":         0,
		"rnn peak-B":           1,
		"rnn state-B":          0,
		"transformer ns/token": 1,
		"transformer peak-B":   2,
		"transformer state-B":  1,
	}
	slopes := r.Slopes()
	if len(slopes) != len(want) {
		t.Fatalf("Slopes() = %d slopes; want %d: %+v", len(slopes), len(want), slopes)
	}
	for _, s := range slopes {
		k := s.Model + " " + s.Metric
		w, ok := want[k]
		if !ok {
			t.Errorf("Slopes() has unexpected %+v", s)
			continue
		}
		if math.Abs(s.Slope-w) > 1e-9 || s.Points != 8 || s.Mode != "train" {
			t.Errorf("Slopes() %s = %+v; want slope %v within 1e-9 over 8 points in mode train", k, s, w)
		}
	}
}

func TestFitLine(t *testing.T) {
	tests := []struct {
		name   string
		xs, ys []float64
		want   float64
		ok     bool
	}{
		{"line", []float64{0, 1, 2, 3}, []float64{1, 3, 5, 7}, 2, true},
		{"flat", []float64{1, 2, 3}, []float64{4, 4, 4}, 0, true},
		// Least squares through (0,0), (1,1), (2,1): slope 1/2.
		{"noisy", []float64{0, 1, 2}, []float64{0, 1, 1}, 0.5, true},
		{"one point", []float64{1}, []float64{1}, 0, false},
		{"no spread", []float64{2, 2}, []float64{1, 3}, 0, false},
	}
	for _, tt := range tests {
		got, ok := fitLine(tt.xs, tt.ys)
		if ok != tt.ok || math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("fitLine(%s) = %v, %v; want %v, %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
}

func TestSlopesIgnoreZeros(t *testing.T) {
	in := "BenchmarkMemory/mode=infer/model=lstm/T=64-2 1 1 ns/op 0 peak-B 2048 state-B\n" +
		"BenchmarkMemory/mode=infer/model=lstm/T=128-2 1 1 ns/op 100 peak-B 2048 state-B\n" +
		"BenchmarkMemory/mode=infer/model=lstm/T=256-2 1 1 ns/op 200 peak-B 2048 state-B\n"
	r, err := Parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range r.Slopes() {
		switch s.Metric {
		case "peak-B":
			if s.Points != 2 || math.Abs(s.Slope-1) > 1e-9 {
				t.Errorf("peak-B slope = %+v; want 1 over the 2 nonzero points", s)
			}
		case "state-B":
			if s.Points != 3 || s.Slope != 0 {
				t.Errorf("state-B slope = %+v; want 0 over 3 points", s)
			}
		}
	}
}

func TestSlopeExpected(t *testing.T) {
	tests := []struct {
		s    Slope
		want float64
		ok   bool
	}{
		{Slope{Mode: "infer", Model: "lstm-fb5", Metric: "state-B"}, 0, true},
		{Slope{Mode: "infer", Model: "transformer-1layer", Metric: "state-B"}, 1, true},
		{Slope{Mode: "train", Model: "transformer", Metric: "peak-B"}, 2, true},
		{Slope{Mode: "train", Model: "rnn", Metric: "peak-B"}, 1, true},
		{Slope{Mode: "infer", Model: "rnn", Metric: "peak-B"}, 0, false},
		{Slope{Mode: "train", Model: "rnn", Metric: "ns/token"}, 0, false},
		{Slope{Mode: "train", Model: "torch-transformer", Metric: "peak-B"}, 2, true},
		{Slope{Mode: "train", Model: "torch-lstm", Metric: "peak-B"}, 1, true},
	}
	for _, tt := range tests {
		got, why, ok := tt.s.Expected()
		if got != tt.want || ok != tt.ok || ok != (why != "") {
			t.Errorf("%+v.Expected() = %v, %q, %v; want %v, _, %v", tt.s, got, why, ok, tt.want, tt.ok)
		}
	}
}

func TestParseErrors(t *testing.T) {
	const units = "goos: linux\nUnit recall better=higher assume=exact\n"
	tests := []struct {
		name, in, want string
	}{
		{"iteration count", units + "BenchmarkRecall/task=delayed-2 x 12 ns/op\n", "line 3: parsing iteration count"},
		{"measurement", "BenchmarkWorkload-2 1 12 ns/op\nBenchmarkWorkload-2 1 twelve ns/op\n", "line 2: parsing measurement"},
		{"units", units + "\nBenchmarkWorkload-2 10 12\n", "line 4: missing units"},
		{"measurements", "BenchmarkWorkload-2 10\n", "line 1: missing measurements"},
		{"unit metadata", "Unit recall better\n", "line 1: expected key=value"},
		{"unit conflict", units + "Unit recall better=lower\n", "line 3: metadata better of unit recall already set to higher"},
		{"empty", "PASS\nok  \tgithub.com/seqlab/seqlab/bench\t0.01s\n", "no benchmark results"},
	}
	for _, tt := range tests {
		_, err := Parse(strings.NewReader(tt.in))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%s) error = %v; want one containing %q", tt.name, err, tt.want)
		}
	}
	// The error quotes the line.
	_, err := Parse(strings.NewReader("BenchmarkWorkload-2 1 twelve ns/op\r\n"))
	if err == nil || !strings.Contains(err.Error(), `"BenchmarkWorkload-2 1 twelve ns/op"`) {
		t.Errorf("Parse error = %v; want it to quote the line", err)
	}
}

func TestParseFilesErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.txt")
	if err := os.WriteFile(bad, []byte("BenchmarkWorkload-2 1 12 ns/op\nBenchmarkWorkload-2 1\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := ParseFiles(filepath.Join("testdata", "speed.txt"), bad)
	if err == nil || !strings.Contains(err.Error(), bad+":2: missing measurements") {
		t.Errorf("ParseFiles error = %v; want it to name %s:2", err, bad)
	}
	// Unit metadata must agree across files.
	other := filepath.Join(dir, "units.txt")
	if err := os.WriteFile(other, []byte("Unit peak-B better=higher\nBenchmarkMemory/mode=infer/model=rnn/T=64-2 1 1 ns/op 1 peak-B\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err = ParseFiles(filepath.Join("testdata", "memory.txt"), other)
	if err == nil || !strings.Contains(err.Error(), other+":1: metadata better of unit peak-B") {
		t.Errorf("ParseFiles error = %v; want the conflicting Unit line of %s", err, other)
	}
	if _, err := ParseFiles(filepath.Join(dir, "missing.txt")); err == nil {
		t.Error("ParseFiles(missing file) succeeded; want an error")
	}
}

func TestWritePlots(t *testing.T) {
	r := parseFixture(t, "recall.txt", "memory.txt")
	dir := filepath.Join(t.TempDir(), "plots")
	files, err := r.WritePlots(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range files {
		names = append(names, filepath.Base(f))
	}
	want := "[recall-delayed.svg recall-delayed.png recall-adding.svg recall-adding.png recall-mqar.svg recall-mqar.png " +
		"recall-induction.svg recall-induction.png memory-peak.svg memory-peak.png memory-time.svg memory-time.png " +
		"memory-state.svg memory-state.png]"
	if got := fmt.Sprint(names); got != want {
		t.Errorf("WritePlots wrote %s; want %s", got, want)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		switch filepath.Ext(f) {
		case ".svg":
			if !bytes.HasPrefix(data, []byte("<?xml")) || !bytes.Contains(data, []byte("<svg")) || len(data) < 1000 {
				t.Errorf("%s is not an SVG of some size (%d bytes)", f, len(data))
			}
		case ".png":
			if !bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")) || len(data) < 1000 {
				t.Errorf("%s is not a PNG of some size (%d bytes)", f, len(data))
			}
		}
	}
}

func TestWritePlotsSkipsSingleSizes(t *testing.T) {
	in := "BenchmarkRecall/task=delayed/model=rnn/lag=8/seed=0-2 1 1 ns/op 0.5 recall\n"
	r, err := Parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	files, err := r.WritePlots(t.TempDir())
	if err != nil || len(files) != 0 {
		t.Errorf("WritePlots(one lag) = %v, %v; want no files", files, err)
	}
}

func TestTableRendering(t *testing.T) {
	tb := Table{
		Title:  "t",
		Header: []string{"k", "value"},
		Rows:   [][]string{{"a|b", "1.5 µs"}, {"long label", ""}},
		Notes:  []string{"  padded   note"},
	}
	wantText := "t\n" +
		"k            value\n" +
		"a|b         1.5 µs\n" +
		"long label\n" +
		"  padded   note\n"
	if got := tb.String(); got != wantText {
		t.Errorf("String() =\n%s\nwant:\n%s", got, wantText)
	}
	wantMD := "**t**\n\n" +
		"| k | value |\n" +
		"| :--- | ---: |\n" +
		"| a\\|b | 1.5 µs |\n" +
		"| long label |  |\n" +
		"\n  - padded note\n"
	if got := tb.Markdown(); got != wantMD {
		t.Errorf("Markdown() =\n%s\nwant:\n%s", got, wantMD)
	}
}

// TestUnknownTask checks that a task the report does not know still gets a
// table: its sweep is the first other key of the name, even one whose name
// holds projection syntax.
func TestUnknownTask(t *testing.T) {
	in := "BenchmarkRecall/task=copy/model=gru/len@x=8/seed=0-2 1 1 ns/op 0.75 recall\n" +
		"BenchmarkRecall/task=copy/model=gru/len@x=16/seed=0-2 1 1 ns/op 0.5 recall\n" +
		"BenchmarkRecall/task=copy/model=rnn/len@x=16/seed=0-2 1 1 ns/op 0.25 recall\n"
	r, err := Parse(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := "copy: recall by len@x\n" +
		"len@x   rnn   gru\n" +
		"8            0.75\n" +
		"16     0.25  0.50\n" +
		"blank: not run\n"
	tables := r.RecallTables()
	if len(tables) != 1 || tables[0].String() != want {
		t.Errorf("RecallTables() = %q; want\n%s", tables, want)
	}
}

func TestEmptyResults(t *testing.T) {
	var r Results
	if n := len(r.RecallTables()) + len(r.MemoryTables()) + len(r.Slopes()); n != 0 {
		t.Errorf("tables of no results: %d; want 0", n)
	}
	if got := Compare(&r, parseFixture(t, "old.txt")); len(got.Rows) != 0 {
		t.Errorf("Compare(empty, old) has %d rows; want 0", len(got.Rows))
	}
}

func parseTorchFixture(t *testing.T, name string) Torch {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	torch, err := ParseTorch(f)
	if err != nil {
		t.Fatal(err)
	}
	return torch
}

func TestParseTorch(t *testing.T) {
	torch, err := ParseTorch(strings.NewReader("Warning: something from Python\ninfer-step/rnn/B=1/H=128\t0.048 ms/op\t20,833 tokens/s\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := torch["infer-step/model=rnn/B=1/H=128"]; got != 20833 {
		t.Errorf("tokens/s = %v, want 20833 (all: %v)", got, torch)
	}
	for _, bad := range []string{
		"",
		"nothing here\n",
		"train/rnn/B=32\t1 ms/op\n",
		"train/rnn/B=32\t1 ms/op\tfast tokens/s\n",
		"train/rnn/B=32\t1 ms/op\t-5 tokens/s\n",
	} {
		if _, err := ParseTorch(strings.NewReader(bad)); err == nil {
			t.Errorf("ParseTorch(%q) gave no error", bad)
		}
	}
}

func TestFormatCount(t *testing.T) {
	for v, want := range map[float64]string{0.5: "0.5", 12.25: "12.2", 999: "999", 1000: "1,000", 103600.4: "103,600", 1234567: "1,234,567"} {
		if got := formatCount(v); got != want {
			t.Errorf("formatCount(%v) = %q, want %q", v, got, want)
		}
	}
}

func TestRecallCellEarly(t *testing.T) {
	for _, tt := range []struct {
		steps []float64
		want  string
	}{
		{nil, ""},
		{[]float64{2000, 2000}, ""},
		{[]float64{900, 800}, " · 850 steps"},
		{[]float64{1300, 2000}, " · 1 of 2 runs solved, 1300 steps"},
	} {
		c := &recallCell{steps: tt.steps}
		if got := c.early(2000); got != tt.want {
			t.Errorf("steps %v: early = %q, want %q", tt.steps, got, tt.want)
		}
	}
}
