package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seqlab/seqlab/models/rnn"
)

// TestMain lets the test binary stand in for seqlab itself when the
// notebook runner starts a kernel (os.Executable() kernel).
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "kernel" {
		if err := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	// Keep the tests from the settings of whoever runs them.
	dir, err := os.MkdirTemp("", "seqlab-config-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Setenv("XDG_CONFIG_HOME", dir)
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// TestRunSettings checks that `seqlab run` takes its limits from the
// settings file, that a flag wins over it, and that a settings file that is
// not valid is reported, kept aside and replaced while the run goes on.
func TestRunSettings(t *testing.T) {
	config := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", config)
	dir := filepath.Join(config, "seqlab")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	nb := filepath.Join(t.TempDir(), "loop.md")
	os.WriteFile(nb, []byte("# loop\n\n```go\nfor {\n}\n```\n\n```go\nfmt.Println(\"after the loop\")\n```\n"), 0o644)
	settingsFile := filepath.Join(dir, "settings.json")
	os.WriteFile(settingsFile, []byte(`{"cell_timeout": "1s"}`), 0o644)
	out, err := runNotebook(t, "--keep-going", nb)
	if err == nil {
		t.Errorf("the endless loop did not fail")
	}
	wantAll(t, out, "interrupted after the cell timeout of 1s", "after the loop")
	out, _ = runNotebook(t, "--keep-going", "--cell-timeout", "2s", nb)
	wantAll(t, out, "interrupted after the cell timeout of 2s")

	os.WriteFile(settingsFile, []byte(`{"cell_timeout": "soon"}`), 0o644)
	var stdout, stderr bytes.Buffer
	err = run(context.Background(), []string{"run", "--cell-timeout", "1s", "--keep-going", nb}, &stdout, &stderr)
	if err == nil || !strings.Contains(stdout.String(), "after the loop") {
		t.Errorf("with a corrupt settings file: err %v, output:\n%s", err, stdout.String())
	}
	wantAll(t, stderr.String(), "settings.json is not valid", `cell_timeout "soon"`, "settings.json.corrupt-")
	if data, err := os.ReadFile(settingsFile); err != nil || strings.Contains(string(data), "soon") {
		t.Errorf("the corrupt settings file was not replaced: %q, %v", data, err)
	}
	moved, _ := filepath.Glob(settingsFile + ".corrupt-*")
	if len(moved) != 1 {
		t.Errorf("the corrupt settings file was not kept aside: %v", moved)
	}

	// A valid size, but too small for a kernel: said before any kernel starts.
	os.WriteFile(settingsFile, []byte(`{"memory_limit": "64MiB"}`), 0o644)
	if _, err := runNotebook(t, nb); err == nil || !strings.Contains(err.Error(), "memory_limit in "+settingsFile+" is 64.0 MiB, less than the 128.0 MiB a kernel needs") {
		t.Errorf("a memory limit of 64 MiB in the settings: %v", err)
	}
}

func TestRun(t *testing.T) {
	for _, tc := range []struct {
		args    []string
		want    []string // substrings of stdout
		wantErr string   // substring of the error, "" for none
	}{
		{nil, []string{"seqlab — a terminal lab", "seqlab train"}, "needs a terminal"},
		{[]string{"notes.md"}, []string{"seqlab lessons"}, "needs a terminal"},
		{[]string{"lessons"}, []string{"1. Neurons and learning"}, ""},
		{[]string{"help"}, []string{"seqlab tasks"}, ""},
		{[]string{"tasks"}, []string{"delayed lag=8 (T=10, V=17, chance 0.125)", "adding T=25", "mqar N=4", "induction T=32"}, ""},
		{[]string{"models"}, []string{"rnn ", "lstm ", "lstm-fb5 "}, ""},
		{[]string{"train", "-model", "rnn", "-size", "2", "-steps", "60", "-lr", "1e-2", "-eval-every", "30"},
			[]string{"training rnn on delayed lag=2", "    30  ", "    60  ", "held-out recall 1.000"}, ""},
		{[]string{"train", "-model", "lstm", "-task", "adding", "-size", "5", "-steps", "10", "-eval-every", "5"},
			[]string{"held-out MSE"}, ""},
		{[]string{"train", "-model", "transformer", "-size", "8", "-steps", "40", "-lr", "3e-3", "-eval-every", "40"},
			[]string{"training transformer on delayed lag=8", "held-out recall"}, ""},
		{[]string{"nonsense"}, nil, `unknown command "nonsense"`},
		{[]string{"train", "-model", "gru"}, nil, `unknown model "gru"; choose one of rnn, lstm, lstm-fb5, transformer`},
		{[]string{"train", "-steps", "1", "-save", "/nonexistent-dir/m.safetensors"}, nil, "/nonexistent-dir/m.safetensors"},
		{[]string{"train", "-task", "sorting"}, nil, `unknown task "sorting"`},
		{[]string{"train", "-size", "-3"}, nil, "negative"},
		{[]string{"train", "-lr", "NaN"}, nil, "learning rate"},
		{[]string{"train", "-model", "rnn", "-lr", "1e9", "-steps", "50"}, nil, "diverged at step"},
		{[]string{"train", "extra"}, nil, `unexpected argument "extra"`},
	} {
		var out, errOut bytes.Buffer
		err := run(context.Background(), tc.args, &out, &errOut)
		switch {
		case tc.wantErr == "" && err != nil:
			t.Errorf("run(%q) error: %v", tc.args, err)
		case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
			t.Errorf("run(%q) error = %v; want it to contain %q", tc.args, err, tc.wantErr)
		}
		for _, w := range tc.want {
			if !strings.Contains(out.String(), w) {
				t.Errorf("run(%q) output lacks %q:\n%s", tc.args, w, out.String())
			}
		}
	}
}

func TestTrainCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out bytes.Buffer
	err := run(ctx, []string{"train", "-steps", "5"}, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "stopped after 0 of 5 steps") {
		t.Errorf("cancelled train error = %v", err)
	}
}

func TestTrainSave(t *testing.T) {
	path := t.TempDir() + "/m.safetensors"
	var out bytes.Buffer
	if err := run(context.Background(), []string{"train", "-model", "rnn", "-steps", "5", "-save", path}, &out, &out); err != nil {
		t.Fatal(err)
	}
	if _, err := rnn.Load(path); err != nil {
		t.Errorf("the saved model does not load: %v", err)
	}
}

// runNotebook runs `seqlab run args...` and returns what it printed.
func runNotebook(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), append([]string{"run"}, args...), &out, &out)
	return out.String(), err
}

func wantAll(t *testing.T, out string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(out, w) {
			t.Errorf("output lacks %q:\n%s", w, out)
		}
	}
}

func TestRunTrainingNotebook(t *testing.T) {
	out, err := runNotebook(t, "testdata/notebooks/train_lstm.md")
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	wantAll(t, out, "parameters: 7233 error: <nil>", "step  1  loss ", "step 30  loss ", "30 steps, error: <nil>",
		"training loss", "cross-entropy", "* lstm", "── [4] len(losses)\n30\n")
}

func TestRunPrepassNotebook(t *testing.T) {
	out, err := runNotebook(t, "--keep-going", "testdata/notebooks/prepass.md")
	if err == nil || !strings.Contains(err.Error(), "2 cell(s) failed") {
		t.Errorf("err = %v; want the two cells that are meant to fail", err)
	}
	wantAll(t, out,
		"twice base: 20\n{1 2}\n",              // declarations and statements mixed
		"0 1 2 \nsum: 6\n5 4 3 \n",             // range over int and over a function, with break
		"── [3] var fs []func() int\n0 1 2 \n", // per-iteration loop variables
		"1 7.5 a\n0\n",                         // min, max, clear
		"3:8: invalid operation: mismatched types int and untyped string", // the cell's own line:col
		"2×3\n⎡1  2  3⎤\n⎣4  5  6⎦\n",                                     // a bare final expression
		"[kernel restarting] type point is declared differently than before",
		"type point is also declared in a cell above",
	)
}

func TestRunFailingNotebook(t *testing.T) {
	out, err := runNotebook(t, "--keep-going", "--cell-timeout", "2s", "testdata/notebooks/failing.md")
	if err == nil || !strings.Contains(err.Error(), "4 cell(s) failed") {
		t.Errorf("err = %v; want 4 failed cells", err)
	}
	wantAll(t, out,
		"state before the failures",
		"✗ cell 2 failed", "a panic in the cell",
		"✗ cell 3 failed", "the kernel died", "panic: a panic in a goroutine",
		"✗ cell 4 failed", "interrupted after the cell timeout of 2s",
		"✗ cell 5 failed", "os.Exit(3) called",
		"still running after the failures",
	)
	// Without --keep-going the run stops at the first failure.
	out, err = runNotebook(t, "testdata/notebooks/failing.md")
	if err == nil || strings.Contains(out, "still running after") || strings.Contains(out, "── [3]") {
		t.Errorf("without --keep-going: err %v, output:\n%s", err, out)
	}
}

// TestRunCellTimeout: --cell-timeout bounds each cell's own run — not the
// kernel's start, not the replay of the cells above after a type
// redefinition — and an expired timeout says so, and says when the kernel
// had to be restarted.
func TestRunCellTimeout(t *testing.T) {
	path := filepath.Join(t.TempDir(), "timeout.md")
	cells := []string{
		"type point struct{ X int }\ntime.Sleep(400 * time.Millisecond)",
		"time.Sleep(400 * time.Millisecond)",
		"time.Sleep(400 * time.Millisecond)",
		"type point struct{ X, Y int }", // replays the 1.2 s above, then fails: point is declared above
		"kept := \"kept\"",
		"for {\n}",
		"fmt.Println(kept)",
		"time.Sleep(time.Hour)",
		"time.Sleep(300 * time.Millisecond)\nfmt.Println(\"a fresh kernel\")", // in a new kernel, whose start does not count
	}
	src := "# timeouts\n"
	for _, c := range cells {
		src += "\n```go\n" + c + "\n```\n"
	}
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := runNotebook(t, "--keep-going", "--cell-timeout", "1s", path)
	if err == nil || err.Error() != "3 cell(s) failed" {
		t.Errorf("err = %v; want 3 failed cells", err)
	}
	wantAll(t, out,
		"[kernel restarting] type point is declared differently than before",
		"✗ cell 4 failed after",
		"type point is also declared in a cell above",
		"── [6] for {\n✗ cell 6 failed after 1.",
		"s: interrupted after the cell timeout of 1s\n",
		"── [7] fmt.Println(kept)\nkept\n",
		"s: interrupted after the cell timeout of 1s, and the cell did not stop within 2s of the interrupt, so the kernel was restarted: its variables are lost; run the cells above again\n",
		"a fresh kernel\n",
	)
	if strings.Contains(out, "context deadline exceeded") || strings.Count(out, "cell timeout") != 2 {
		t.Errorf("only cells 6 and 8 should time out:\n%s", out)
	}
	for _, bad := range []string{"-1s", "x"} {
		if _, err := runNotebook(t, "--cell-timeout", bad, path); err == nil {
			t.Errorf("--cell-timeout %s accepted", bad)
		}
	}
	if _, err := runNotebook(t, "--memory-limit", "lots", path); err == nil || !strings.Contains(err.Error(), `run: --memory-limit: invalid size "lots"`) {
		t.Errorf("--memory-limit lots: %v", err)
	}
}

// TestRunMemoryLimit: a cell that allocates without end is stopped at the
// limit given to `seqlab run`, says so, and the next cell runs in a fresh
// kernel.
func TestRunMemoryLimit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "memory.md")
	src := "# memory\n\n```go\nvar keep [][]float64\nfor {\n\tkeep = append(keep, make([]float64, 1<<20))\n}\n```\n\n```go\nfmt.Println(\"alive\")\n```\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := runNotebook(t, "--keep-going", "--memory-limit", "300MiB", path)
	if err == nil || err.Error() != "1 cell(s) failed" {
		t.Errorf("err = %v; want 1 failed cell", err)
	}
	wantAll(t, out, "the cell used more than 300.0 MiB of memory, the kernel's limit (--memory-limit); the kernel stopped and restarts for the next cell, so its variables are lost\n",
		"── [2] fmt.Println(\"alive\")\nalive\n")
}

func TestKernelFlags(t *testing.T) {
	var out bytes.Buffer
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"kernel", "--memory-limit", "lots"}, `kernel: --memory-limit: invalid size "lots"`},
		{[]string{"kernel", "--memory-limit=-2GiB"}, `invalid size "-2GiB": a size cannot be negative`},
		{[]string{"kernel", "extra"}, `kernel: unexpected argument "extra"`},
	} {
		if err := run(context.Background(), tc.args, &out, &out); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v; want %q", tc.args, err, tc.want)
		}
	}
}

func TestRunSave(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nb.md")
	src := "# saved\n\n```go\nfmt.Println(\"hello\")\n```\n\n```go\n6 * 7\n```\n"
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := runNotebook(t, path, "--save"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	data, _ := os.ReadFile(path)
	wantAll(t, string(data), "```output\nhello\n```", "```output result\n42\n```")
	// Running it again gives the same file: outputs are replaced, not added.
	runNotebook(t, path, "--save")
	again, _ := os.ReadFile(path)
	if !bytes.Equal(data, again) {
		t.Errorf("a second --save changed the file:\n%s\nthen\n%s", data, again)
	}
}

func TestExportImport(t *testing.T) {
	dir := t.TempDir()
	md := filepath.Join(dir, "nb.md")
	os.WriteFile(md, []byte("# title\n\n```go\nx := 1\n```\n"), 0o644)
	var out bytes.Buffer
	if err := run(context.Background(), []string{"export", md, "--to", "ipynb"}, &out, &out); err != nil {
		t.Fatal(err)
	}
	ipynb := filepath.Join(dir, "nb.ipynb")
	back := filepath.Join(dir, "back.md")
	if err := run(context.Background(), []string{"import", ipynb, "-o", back}, &out, &out); err != nil {
		t.Fatal(err)
	}
	a, _ := os.ReadFile(md)
	b, _ := os.ReadFile(back)
	if !bytes.Equal(a, b) {
		t.Errorf("export then import changed the notebook:\n%s\nthen\n%s", a, b)
	}
}

func TestBenchCommand(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "mem.txt")
	var buf bytes.Buffer
	err := run(context.Background(), []string{"bench", "--suite", "memory", "--short", "--run", "model=rnn/T=64", "-o", out}, &buf, &buf)
	if err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	wantAll(t, buf.String(), "Unit state-B better=lower assume=exact", "BenchmarkMemory/mode=infer/model=rnn/T=64-",
		"state-B", "infer: recurrent state or KV cache (state-B) by T", "wrote "+out)
	buf.Reset()
	if err := run(context.Background(), []string{"bench", "--suite", "memory", "--report", out, "--markdown"}, &buf, &buf); err != nil {
		t.Fatal(err)
	}
	wantAll(t, buf.String(), "| T | rnn |")

	// Several files, comma-separated, are merged into one set of tables (here
	// seqlab's results beside a reference's, as anchors/torch_memory.py
	// writes them); merged files write plots only with --plots.
	other := filepath.Join(dir, "mem-torch.txt")
	ref := "Unit peak-B better=lower\nUnit ns/token better=lower\n" +
		"BenchmarkMemory/mode=infer/model=torch-rnn/T=64-2\t1\t2000 ns/op\t40 ns/token\t4096 peak-B\t256 state-B\n"
	if err := os.WriteFile(other, []byte(ref), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(dir, "mem-plots")); err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	if err := run(context.Background(), []string{"bench", "--suite", "memory", "--report", out + ", " + other, "--markdown"}, &buf, &buf); err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	wantAll(t, buf.String(), "| T | rnn | torch-rnn |", "| 64 | 512.0 B | 256.0 B |")
	if strings.Contains(buf.String(), "wrote ") {
		t.Errorf("merged results wrote plots without --plots:\n%s", buf.String())
	}
	if err := run(context.Background(), []string{"bench", "--suite", "memory", "--report", out + "," + filepath.Join(dir, "missing.txt")}, &buf, &buf); err == nil || !strings.Contains(err.Error(), "missing.txt") {
		t.Errorf("a missing file among several: %v", err)
	}
	if err := run(context.Background(), []string{"bench", "--suite", "nope"}, &buf, &buf); err == nil || !strings.Contains(err.Error(), "unknown suite") {
		t.Errorf("unknown suite: %v", err)
	}
}

// TestBenchTorch: --torch runs PyTorch's reference after the speed suite and
// prints the ratios; without PyTorch it says so and how to install it.
func TestBenchTorch(t *testing.T) {
	fake, err := filepath.Abs("testdata/fakepython")
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("SEQLAB_PYTHON", fake)
	var buf bytes.Buffer
	err = run(context.Background(), []string{"bench", "--report", "bench/report/testdata/speed.txt", "--torch"}, &buf, &buf)
	if err != nil {
		t.Fatalf("%v\n%s", err, buf.String())
	}
	wantAll(t, buf.String(), "running PyTorch 1.13.0-fake", "speed: seqlab beside PyTorch",
		"train/model=rnn/B=32/T=64/H=128", "102,400", "0.30×", "infer-step/model=rnn/B=1/H=128", "5.04×", "1 of 2 targets met")
	if n := strings.Count(buf.String(), "running PyTorch"); n != torchRuns {
		t.Errorf("PyTorch ran %d times, want %d", n, torchRuns)
	}

	t.Setenv("SEQLAB_PYTHON", filepath.Join(t.TempDir(), "no-python"))
	buf.Reset()
	err = run(context.Background(), []string{"bench", "--report", "bench/report/testdata/speed.txt", "--torch"}, &buf, &buf)
	if err == nil || !strings.Contains(err.Error(), "PyTorch is not installed") || !strings.Contains(err.Error(), "apt-get install python3-torch") {
		t.Errorf("without PyTorch: %v", err)
	}
	if !strings.Contains(buf.String(), "speed: standard workloads") {
		t.Errorf("without PyTorch, seqlab's own table should still print:\n%s", buf.String())
	}
	if err := run(context.Background(), []string{"bench", "--suite", "memory", "--torch"}, &buf, &buf); err == nil || !strings.Contains(err.Error(), "--suite speed") {
		t.Errorf("--torch with the memory suite: %v", err)
	}
}
