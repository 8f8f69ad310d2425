package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/seqlab/seqlab/tui"
)

// runTUI opens the notebook app: the lesson list with the first unfinished
// lesson selected, or the notebook named on the command line.
func runTUI(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var opts tui.Options
	fs, o := tuiFlags(stderr, &opts)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: seqlab [flags] [FILE.md | FILE.ipynb]\n\n"+
			"Opens the notebook app: with no file, the lesson list with your first unfinished\n"+
			"lesson selected; with a .md file, that notebook (created on the first save if it\n"+
			"does not exist); with a .ipynb file, an import of it (saved as .md beside it).\n"+
			"Opening a notebook never runs its code. Press ? in the app for the keys.\n\n"+
			"Other commands: seqlab help\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := o.apply(fs, &opts.Kernel.MemoryLimit, &opts.CellTimeout, &opts.Autosave); err != nil {
		return err
	}
	if o.notice != nil {
		opts.Notice = o.notice.Error()
	}
	if fs.NArg() > 1 {
		return fmt.Errorf("open one notebook at a time (got %d files)", fs.NArg())
	}
	if !isTerminal(stdout) || !isTerminalIn() {
		fmt.Fprint(stdout, overview)
		return errors.New("the notebook app needs a terminal; the commands above work anywhere")
	}
	if fs.NArg() == 1 {
		opts.Path = fs.Arg(0)
		if !strings.HasSuffix(opts.Path, ".md") && !strings.HasSuffix(opts.Path, ".ipynb") {
			return fmt.Errorf("%s: a notebook is a .md (or .ipynb) file", opts.Path)
		}
	}
	return tui.Run(ctx, opts)
}

// tuiFlags are the app's flags, parsed into opts, and the limits, which
// limits.apply then reads (with the settings file).
func tuiFlags(stderr io.Writer, opts *tui.Options) (*flag.FlagSet, *limits) {
	fs := flag.NewFlagSet("seqlab", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&opts.Lesson, "lesson", "", "open this lesson, e.g. 1 or neurons (see seqlab lessons)")
	fs.BoolVar(&opts.Kernel.Unrestricted, "unrestricted", false, "let cells import os/exec, syscall and unsafe (only for code you trust)")
	fs.StringVar(&opts.StateDir, "state", "", "directory for lesson progress and recovery files (default $XDG_STATE_HOME/seqlab)")
	return fs, limitFlags(fs)
}

func isTerminalIn() bool {
	fi, err := os.Stdin.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
