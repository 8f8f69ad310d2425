package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/seqlab/seqlab/repl"
	"github.com/seqlab/seqlab/tui"
)

// runTUI opens the notebook app: the lesson list with the first unfinished
// lesson selected, or the notebook named on the command line.
func runTUI(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := tuiFlags(stderr)
	lesson := fs.Lookup("lesson").Value.(flag.Getter)
	unrestricted := fs.Lookup("unrestricted").Value.(flag.Getter)
	state := fs.Lookup("state").Value.(flag.Getter)
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
	if fs.NArg() > 1 {
		return fmt.Errorf("open one notebook at a time (got %d files)", fs.NArg())
	}
	if !isTerminal(stdout) || !isTerminalIn() {
		fmt.Fprint(stdout, overview)
		return errors.New("the notebook app needs a terminal; the commands above work anywhere")
	}
	opts := tui.Options{Lesson: lesson.String(), StateDir: state.String(),
		Kernel: repl.ClientOptions{Unrestricted: unrestricted.Get().(bool)}}
	if fs.NArg() == 1 {
		opts.Path = fs.Arg(0)
		if !strings.HasSuffix(opts.Path, ".md") && !strings.HasSuffix(opts.Path, ".ipynb") {
			return fmt.Errorf("%s: a notebook is a .md (or .ipynb) file", opts.Path)
		}
	}
	return tui.Run(ctx, opts)
}

// tuiFlags are the app's flags.
func tuiFlags(stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("seqlab", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.String("lesson", "", "open this lesson, e.g. 1 or neurons (see seqlab lessons)")
	fs.Bool("unrestricted", false, "let cells import os/exec, syscall and unsafe (only for code you trust)")
	fs.String("state", "", "directory for lesson progress and recovery files (default $XDG_STATE_HOME/seqlab)")
	return fs
}

func isTerminalIn() bool {
	fi, err := os.Stdin.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
