package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/seqlab/seqlab/display"
	"github.com/seqlab/seqlab/notebook"
	"github.com/seqlab/seqlab/repl"
)

// errCellsFailed makes `seqlab run` exit 1 after it has said which cells failed.
var errCellsFailed = errors.New("")

func runNotebooks(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("seqlab run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	save := fs.Bool("save", false, "write the outputs into the notebook")
	keepGoing := fs.Bool("keep-going", false, "run every cell even after one fails (exit 1 at the end)")
	unrestricted := fs.Bool("unrestricted", false, "let cells import os/exec, syscall and unsafe")
	lim := limitFlags(fs)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: seqlab run [flags] FILE.md...\n\nRuns every Go cell of each notebook in order in a fresh kernel and prints the outputs.\nExits 1 at the first failing cell (after all cells with -keep-going).\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(interleaved(fs, args)); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errors.New("run: name at least one notebook (.md)")
	}
	o := runOptions{save: *save, keepGoing: *keepGoing, unrestricted: *unrestricted}
	if err := lim.apply(fs, &o.memoryLimit, &o.timeout, nil); err != nil {
		return fmt.Errorf("run: %w", err)
	}
	if lim.notice != nil {
		fmt.Fprintf(stderr, "seqlab: %v\n", lim.notice)
	}
	failed := 0
	for _, path := range fs.Args() {
		n, err := runOne(ctx, path, o, stdout)
		if err != nil {
			return err
		}
		failed += n
		if n > 0 && !*keepGoing {
			break
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d cell(s) failed", failed)
	}
	return nil
}

// interleaved moves flags after the file names to the front, so that
// `seqlab run a.md --save` works like `seqlab run --save a.md`.
func interleaved(fs *flag.FlagSet, args []string) []string {
	var flags, files []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			files = append(files, args[i+1:]...)
			break
		}
		if strings.HasPrefix(a, "-") && len(a) > 1 {
			flags = append(flags, a)
			name := strings.TrimLeft(a, "-")
			if f := fs.Lookup(name); f != nil && !strings.Contains(name, "=") {
				if _, isBool := f.Value.(interface{ IsBoolFlag() bool }); !isBool && i+1 < len(args) {
					flags = append(flags, args[i+1])
					i++
				}
			}
			continue
		}
		files = append(files, a)
	}
	return append(flags, files...)
}

type runOptions struct {
	save, keepGoing, unrestricted bool
	timeout                       time.Duration // of each cell's own run
	memoryLimit                   int64         // bytes; 0 = the kernel's default
}

// runOne runs one notebook and returns the number of cells that failed.
func runOne(ctx context.Context, path string, o runOptions, stdout io.Writer) (int, error) {
	nb, err := notebook.Load(path)
	if err != nil {
		return 0, err
	}
	client := repl.NewClient(repl.ClientOptions{Unrestricted: o.unrestricted, MemoryLimit: o.memoryLimit})
	defer client.Close()
	if err := client.Start(ctx); err != nil {
		return 0, err
	}
	code := nb.CodeCells()
	fmt.Fprintf(stdout, "%s: %d code cells\n", path, len(code))
	failed := 0
	var ran []*notebook.Cell // cells that ran, for replays after a restart
	for i, cell := range code {
		fmt.Fprintf(stdout, "\n── [%d] %s\n", i+1, firstLine(cell.Source))
		cell.Outputs = nil
		start := time.Now()
		var above []repl.Cell
		for _, c := range ran {
			above = append(above, repl.Cell{ID: c.ID, Code: c.Source})
		}
		err := execute(ctx, client, cell, o.timeout, stdout, above)
		var cerr *repl.CellError
		if err != nil {
			failed++
			msg := describeFailure(err)
			fmt.Fprintf(stdout, "✗ cell %d failed after %v: %s\n", i+1, time.Since(start).Round(time.Millisecond), msg)
			if !errors.As(err, &cerr) {
				cell.Outputs = append(cell.Outputs, notebook.Output{Kind: "error", Text: msg})
			}
			if !o.keepGoing {
				break
			}
			continue
		}
		ran = append(ran, cell)
	}
	if o.save {
		if err := nb.Save(path, true); err != nil {
			return failed, err
		}
		fmt.Fprintf(stdout, "\nsaved the outputs into %s\n", path)
	}
	return failed, ctx.Err()
}

func describeFailure(err error) string {
	var cerr *repl.CellError
	if errors.As(err, &cerr) {
		return cerr.Error()
	}
	return err.Error()
}

// execute runs one cell, printing its outputs and recording them in the
// cell; above are the cells to replay if the kernel must restart. The
// timeout bounds the cell's own run only, not starting the kernel or
// replaying the cells above (repl.ExecOptions.Timeout); when it expires the
// error says "interrupted after the cell timeout of …" (a *repl.TimeoutError,
// or a *repl.StuckError that also says the kernel was restarted).
func execute(ctx context.Context, client *repl.Client, cell *notebook.Cell, timeout time.Duration, stdout io.Writer, above []repl.Cell) error {
	var streamed strings.Builder
	flush := func() {
		if streamed.Len() > 0 {
			cell.Outputs = append(cell.Outputs, notebook.Output{Kind: "stream", Text: streamed.String()})
			streamed.Reset()
		}
	}
	lastNL := true
	restarted := func(msg string) {
		fmt.Fprintf(stdout, "[kernel restarting] %s\n", msg)
		cell.Outputs = nil
		streamed.Reset()
	}
	opts := repl.ExecOptions{Above: above, OnRestart: restarted, Timeout: timeout}
	err := client.ExecuteWith(ctx, cell.ID, cell.Source, opts, func(ev repl.Event) {
		switch ev.Type {
		case repl.TypeStream:
			fmt.Fprint(stdout, ev.Text)
			lastNL = strings.HasSuffix(ev.Text, "\n")
			streamed.WriteString(ev.Text)
		case repl.TypeDisplay, repl.TypeResult:
			flush()
			text := ev.Text
			kind := "result"
			if len(ev.Value) > 0 {
				kind = "display"
				v, derr := display.Unmarshal(ev.Value)
				if derr != nil {
					text = "[display: " + derr.Error() + "]"
				} else if p, ok := v.(*display.Progress); ok && p.Done < p.Total {
					return // only a progress bar's final state is printed
				} else {
					text = v.Text(80)
				}
			}
			if !lastNL {
				fmt.Fprintln(stdout)
			}
			fmt.Fprintln(stdout, strings.TrimRight(text, "\n"))
			lastNL = true
			out := notebook.Output{Kind: kind, Text: text}
			if kind == "display" {
				out = notebook.DisplayOutput(ev.Value)
			}
			cell.Outputs = append(cell.Outputs, out)
		case repl.TypeError:
			flush()
			if !lastNL {
				fmt.Fprintln(stdout)
			}
			e := &repl.CellError{Msg: ev.Text, Line: ev.Line, Col: ev.Col}
			cell.Outputs = append(cell.Outputs, notebook.Output{Kind: "error", Text: e.Error()})
			lastNL = true
		}
	})
	flush()
	return err
}

func firstLine(src string) string {
	for _, l := range strings.Split(src, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			if len(l) > 70 {
				l = l[:67] + "..."
			}
			return l
		}
	}
	return "(empty)"
}
