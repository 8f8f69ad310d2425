package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/seqlab/seqlab/bench"
	"github.com/seqlab/seqlab/bench/report"
)

// benchCase is one benchmark of a suite, runnable through testing.Benchmark.
type benchCase struct {
	name string // full name, e.g. "Recall/task=delayed/model=lstm/lag=64/seed=0"
	run  func(b *testing.B)
	once bool // a single iteration is the measurement (training runs, sweeps)
}

func suiteCases(suite string, short bool) ([]benchCase, error) {
	var cs []benchCase
	switch suite {
	case "speed":
		for _, w := range bench.Workloads() {
			cs = append(cs, benchCase{"Workload/" + w.Name, w.Run, false})
		}
	case "memory":
		for _, c := range bench.MemoryCases(short) {
			cs = append(cs, benchCase{"Memory/" + c.Name(), func(b *testing.B) { bench.RunMemory(b, c) }, true})
		}
	case "recall":
		for _, c := range bench.RecallCases(short) {
			cs = append(cs, benchCase{"Recall/" + c.Name(), func(b *testing.B) { bench.RunRecall(b, c, short) }, true})
		}
	default:
		return nil, fmt.Errorf("bench: unknown suite %q; choose recall, memory or speed", suite)
	}
	return cs, nil
}

// runBench is `seqlab bench`: it runs a suite's benchmark functions through
// testing.Benchmark, writes standard benchmark output (readable by
// benchstat), and prints tables with the models as columns.
func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("seqlab bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	suite := fs.String("suite", "speed", "suite to run: recall, memory or speed")
	short := fs.Bool("short", false, "a tiny version of the suite (seconds), to check that it runs")
	count := fs.Int("count", 1, "run each benchmark this many times (benchstat wants ≥ 5 to judge noise)")
	out := fs.String("o", "", "also write the results to this file (standard benchmark format)")
	compare := fs.String("compare", "", "compare with an earlier results file, like benchstat")
	filter := fs.String("run", "", "only benchmarks whose name contains this text")
	plots := fs.String("plots", "", "write plots (SVG and PNG) into this directory (default: next to -o)")
	markdown := fs.Bool("markdown", false, "print the tables as GitHub Markdown")
	reportOnly := fs.String("report", "", "print the tables (and write plots) of existing results files instead of running: one file, or several\n"+
		"separated by commas, merged (e.g. seqlab's and PyTorch's memory results); several write plots only with --plots")
	torch := fs.Bool("torch", false, "speed suite: then run PyTorch's reference (anchors/torch_ref.py, same threads) and print both side by side")
	seeds := fs.Int("seeds", len(bench.RecallSeeds), "recall suite: train each case from this many seeds (0, 1, …)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: seqlab bench [--suite recall|memory|speed] [--short] [--count N] [-o results.txt] [--compare old.txt] [--torch]\n\n"+
			"Runs a benchmark suite (the same functions as go test -bench ./bench), writes benchstat-readable\n"+
			"results and prints tables with the models as columns.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *count < 1 {
		return errors.New("bench: --count must be at least 1")
	}
	if *torch && *suite != "speed" {
		return errors.New("bench: --torch compares the speed suite with PyTorch; use it with --suite speed")
	}
	if *seeds < 1 || *seeds > 100 {
		return errors.New("bench: --seeds must be between 1 and 100")
	}
	bench.RecallSeeds = bench.RecallSeeds[:0]
	for s := range *seeds {
		bench.RecallSeeds = append(bench.RecallSeeds, uint64(s))
	}
	var old *report.Results
	if *compare != "" {
		var err error
		if old, err = report.ParseFiles(*compare); err != nil {
			return err
		}
	}
	if *reportOnly != "" {
		files := strings.Split(*reportOnly, ",")
		for i, f := range files {
			files[i] = strings.TrimSpace(f)
		}
		res, err := report.ParseFiles(files...)
		if err != nil {
			return err
		}
		// The plots go next to the results file; merged files have no one
		// place, so they are written only where --plots says.
		resultsFile := files[0]
		if len(files) > 1 {
			resultsFile = ""
		}
		if err := printReport(res, *suite, old, *plots, resultsFile, *markdown, stdout); err != nil || !*torch {
			return err
		}
		return compareTorch(ctx, res, runtime.GOMAXPROCS(0), "", *markdown, stdout, stderr)
	}
	cases, err := suiteCases(*suite, *short)
	if err != nil {
		return err
	}
	if *filter != "" {
		var kept []benchCase
		for _, c := range cases {
			if strings.Contains(c.name, *filter) {
				kept = append(kept, c)
			}
		}
		cases = kept
	}
	if len(cases) == 0 {
		return errors.New("bench: no benchmark matches")
	}

	testing.Init()
	var results bytes.Buffer
	w := io.MultiWriter(&results, stdout)
	fmt.Fprintf(w, "goos: %s\ngoarch: %s\npkg: github.com/seqlab/seqlab/bench\n", runtime.GOOS, runtime.GOARCH)
	bench.WriteUnits(w)
	procs := runtime.GOMAXPROCS(0)
	tty := isTerminal(stderr)
	start := time.Now()
	total := len(cases) * *count
	done := 0
	for rep := 0; rep < *count; rep++ {
		for _, c := range cases {
			if err := ctx.Err(); err != nil {
				return fmt.Errorf("bench: stopped after %d of %d benchmarks: %w", done, total, err)
			}
			if tty {
				fmt.Fprintf(stderr, "\r\033[K[%d/%d] %s%s", done+1, total, c.name, eta(start, done, total))
			} else {
				fmt.Fprintf(stderr, "[%d/%d] %s%s\n", done+1, total, c.name, eta(start, done, total))
			}
			benchtime := "1s"
			if c.once {
				benchtime = "1x"
			}
			if err := setBenchtime(benchtime); err != nil {
				return err
			}
			r := testing.Benchmark(c.run)
			done++
			if tty {
				fmt.Fprintf(stderr, "\r\033[K")
			}
			if r.N == 0 {
				return fmt.Errorf("bench: %s failed (run it with go test -bench to see why)", c.name)
			}
			fmt.Fprintf(w, "Benchmark%s-%d\t%s", c.name, procs, r.String())
			// The speed workloads report allocations even when there are none
			// (that zero is a target); the training runs only when they allocate.
			if *suite == "speed" || r.MemAllocs > 0 || r.MemBytes > 0 {
				fmt.Fprintf(w, "\t%s", r.MemString())
			}
			fmt.Fprintln(w)
		}
	}
	fmt.Fprintf(stderr, "%d benchmarks in %v\n", total, time.Since(start).Round(time.Second))
	if *out != "" {
		if err := os.WriteFile(*out, results.Bytes(), 0o644); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "\nwrote %s\n", *out)
	}

	res, err := report.Parse(bytes.NewReader(results.Bytes()))
	if err != nil {
		return err
	}
	if err := printReport(res, *suite, old, *plots, *out, *markdown, stdout); err != nil || !*torch {
		return err
	}
	return compareTorch(ctx, res, procs, *out, *markdown, stdout, stderr)
}

// printReport prints the suite's tables, a comparison with old if given,
// and writes plots into dir (default: next to the results file).
func printReport(res *report.Results, suite string, old *report.Results, dir, resultsFile string, markdown bool, stdout io.Writer) error {
	show := func(t report.Table) { showTable(stdout, t, markdown) }
	fmt.Fprintln(stdout)
	switch suite {
	case "recall":
		for _, t := range res.RecallTables() {
			show(t)
		}
	case "memory":
		for _, t := range res.MemoryTables() {
			show(t)
		}
	case "speed":
		show(res.SpeedTable())
	}
	if old != nil {
		show(report.Compare(old, res))
	}
	if dir == "" && resultsFile != "" && suite != "speed" {
		dir = strings.TrimSuffix(resultsFile, filepath.Ext(resultsFile)) + "-plots"
	}
	if dir != "" {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		files, err := res.WritePlots(dir)
		if err != nil {
			return err
		}
		for _, f := range files {
			fmt.Fprintf(stdout, "wrote %s\n", f)
		}
	}
	return nil
}

// showTable prints t as aligned text, or as GitHub Markdown.
func showTable(w io.Writer, t report.Table, markdown bool) {
	if markdown {
		fmt.Fprintln(w, t.Markdown())
	} else {
		fmt.Fprintln(w, t.String())
	}
}

// isTerminal reports whether w is a terminal, where progress can be
// redrawn in place.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// setBenchtime sets -test.benchtime, which testing.Benchmark reads.
func setBenchtime(v string) error {
	if err := flagSet("test.benchtime", v); err != nil {
		return fmt.Errorf("bench: %w", err)
	}
	return nil
}

func eta(start time.Time, done, total int) string {
	if done == 0 {
		return ""
	}
	per := time.Since(start) / time.Duration(done)
	left := per * time.Duration(total-done)
	return fmt.Sprintf("  (ETA %v)", left.Round(time.Second))
}
