package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/seqlab/seqlab/internal/bytesize"
	"github.com/seqlab/seqlab/notebook"
	"github.com/seqlab/seqlab/repl"
)

// runKernel is `seqlab kernel`: the interpreter process the notebook talks
// to over its standard input and output (see package repl).
func runKernel(args []string, stderr io.Writer) error {
	fs := flag.NewFlagSet("seqlab kernel", flag.ContinueOnError)
	fs.SetOutput(stderr)
	unrestricted := fs.Bool("unrestricted", false, "let cells import os/exec, syscall and unsafe")
	memoryLimit := fs.String("memory-limit", "", "the most memory the kernel may use, e.g. 2GiB, 512MiB or 1.5GB (default: half the machine's memory, 512 MiB to 4 GiB)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: seqlab kernel [--unrestricted] [--memory-limit SIZE]\n\nRuns the Go interpreter behind a notebook, speaking line-delimited JSON on stdin and stdout.\nYou do not need to start it yourself: seqlab does.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("kernel: unexpected argument %q", fs.Arg(0))
	}
	var limit int64
	if *memoryLimit != "" {
		n, err := bytesize.Parse(*memoryLimit)
		if err != nil {
			return fmt.Errorf("kernel: --memory-limit: %w", err)
		}
		limit = n
	}
	return repl.ServeKernel(repl.KernelOptions{Unrestricted: *unrestricted, MemoryLimit: limit})
}

// exportNotebook is `seqlab export FILE.md --to ipynb`.
func exportNotebook(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("seqlab export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	to := fs.String("to", "ipynb", "format to export to (ipynb)")
	out := fs.String("o", "", "output file (default: the notebook's name with the new extension)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: seqlab export FILE.md [--to ipynb] [-o OUT]\n\nWrites a Jupyter notebook (nbformat 4) with the cells and stored outputs of FILE.md.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(interleaved(fs, args)); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("export: name one notebook")
	}
	if *to != "ipynb" {
		return fmt.Errorf("export: cannot export to %q; the format is ipynb", *to)
	}
	src := fs.Arg(0)
	nb, err := notebook.Load(src)
	if err != nil {
		return err
	}
	dst := *out
	if dst == "" {
		dst = strings.TrimSuffix(src, filepath.Ext(src)) + ".ipynb"
	}
	if err := nb.Save(dst, true); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (%d cells)\n", dst, len(nb.Cells))
	return nil
}

// importNotebook is `seqlab import FILE.ipynb`.
func importNotebook(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("seqlab import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("o", "", "output file (default: the notebook's name with .md)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: seqlab import FILE.ipynb [-o OUT.md]\n\nWrites a seqlab Markdown notebook with the cells and outputs of a Jupyter notebook.\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(interleaved(fs, args)); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errors.New("import: name one .ipynb file")
	}
	src := fs.Arg(0)
	nb, err := notebook.Load(src)
	if err != nil {
		return err
	}
	dst := *out
	if dst == "" {
		dst = strings.TrimSuffix(src, filepath.Ext(src)) + ".md"
	}
	if filepath.Ext(dst) == ".ipynb" {
		return errors.New("import: the output should be a .md file")
	}
	if err := nb.Save(dst, true); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote %s (%d cells)\n", dst, len(nb.Cells))
	return nil
}
