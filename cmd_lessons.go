package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"

	"github.com/seqlab/seqlab/lessons"
)

// runLessons lists the course with the learner's progress, or with
// `check` runs every lesson headless both ways: with the solutions filled
// in every check must pass; as written every check must fail with its
// message, and no other cell may fail.
func runLessons(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("seqlab lessons", flag.ContinueOnError)
	fs.SetOutput(stderr)
	state := fs.String("state", "", "directory of the progress file (default $XDG_STATE_HOME/seqlab)")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: seqlab lessons [--state DIR]\n       seqlab lessons check [LESSON...]\n\n"+
			"Lists the course and your progress; `seqlab` opens the lessons in the app.\n"+
			"`check` runs every lesson (or those named) headless, with the solutions (every\n"+
			"check must pass) and as written (every check must fail with its message).\n\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 && fs.Arg(0) == "check" {
		return checkLessons(ctx, fs.Args()[1:], stdout)
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("lessons: unknown argument %q; use `seqlab lessons` or `seqlab lessons check`", fs.Arg(0))
	}
	p, err := lessons.LoadProgress(*state)
	var corrupt *lessons.CorruptProgressError
	var newer *lessons.NewerProgressError
	if errors.As(err, &corrupt) || errors.As(err, &newer) {
		fmt.Fprintln(stderr, err)
	} else if err != nil {
		return err
	}
	lessons.WriteList(stdout, p)
	fmt.Fprintln(stdout, "\nOpen them with `seqlab` (the app starts at your first unfinished lesson).")
	return nil
}

func checkLessons(ctx context.Context, slugs []string, stdout io.Writer) error {
	if len(slugs) == 0 {
		for _, l := range lessons.List() {
			slugs = append(slugs, l.Slug)
		}
	}
	failed := 0
	for _, slug := range slugs {
		for _, withSolutions := range []bool{true, false} {
			r, err := lessons.Check(ctx, slug, withSolutions, nil)
			if r != nil {
				fmt.Fprintln(stdout, r.String())
			}
			if err != nil {
				return err
			}
			if !r.OK() {
				failed++
			}
		}
	}
	if failed > 0 {
		return fmt.Errorf("lessons check: %d of %d runs had problems (listed above)", failed, 2*len(slugs))
	}
	return nil
}
