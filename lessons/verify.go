package lessons

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/seqlab/seqlab/display"
	"github.com/seqlab/seqlab/notebook"
	"github.com/seqlab/seqlab/repl"
)

// A Runner runs one cell's code in a kernel and reports what it produced,
// as (*repl.Client).Execute does: Check runs lessons through one.
type Runner func(ctx context.Context, cellID, code string, on func(repl.Event)) error

// A Report is what Check found in one run of a lesson.
type Report struct {
	Lesson        Lesson
	WithSolutions bool // the exercise cells held their solutions
	Cells         []CellResult
	Exercises     []ExerciseResult
	// Problems lists, one sentence each, what is wrong with the lesson;
	// none means it passed.
	Problems []string
	Elapsed  time.Duration // the whole run, kernel start included
}

// A CellResult is one code cell's run.
type CellResult struct {
	Cell     int    // index in the notebook's Cells
	Code     int    // 1-based number among the code cells, as `seqlab run` counts
	Exercise string // the exercise's name, for an exercise cell
	Output   string // what it printed (streams), the first 64 KiB
	Err      string // its error, "" if it ran
	Elapsed  time.Duration
}

// An ExerciseResult is an exercise and the verdicts its cell showed.
type ExerciseResult struct {
	Exercise
	Checks []display.Check
}

// OK reports whether the lesson passed: no problems.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

// String summarises the report: a line of verdict, then the problems.
func (r *Report) String() string {
	var b strings.Builder
	mode := "as written"
	if r.WithSolutions {
		mode = "with solutions"
	}
	verdict := "ok"
	if !r.OK() {
		verdict = fmt.Sprintf("%d problem(s)", len(r.Problems))
	}
	fmt.Fprintf(&b, "lesson %d %s (%s): %d code cells, %d exercises in %v: %s\n",
		r.Lesson.Number, r.Lesson.Slug, mode, len(r.Cells), len(r.Exercises), r.Elapsed.Round(time.Millisecond), verdict)
	for _, p := range r.Problems {
		fmt.Fprintf(&b, "  - %s\n", p)
	}
	return b.String()
}

func (r *Report) problemf(format string, args ...any) {
	r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
}

// maxCellOutput caps CellResult.Output.
const maxCellOutput = 64 << 10

// Check runs a lesson's code cells in order in a fresh kernel and reports
// whether the lesson works, as CI and `seqlab lessons check` need to know:
//
//   - withSolutions false (the lesson as a learner first sees it): every
//     exercise's cell must show its check's verdict, FAIL, with what was
//     expected and what the code gave, and no cell may fail;
//   - withSolutions true (each exercise cell replaced by its solution, see
//     WithSolutions): every check must PASS and no cell may fail.
//
// Both ways, every exercise must have a solution and a hint, its cell must
// end with its check call, and a check shown for another exercise (or
// outside an exercise cell) is a problem. The lesson is named as for
// Source. run executes the cells; nil starts a kernel with
// repl.NewClient(repl.ClientOptions{}) — this executable run as `kernel` —
// and closes it at the end. A given run should be a fresh kernel.
//
// The error is for what stops the check (an unknown lesson, a kernel that
// does not start, missing solutions, ctx cancelled); what is wrong with
// the lesson goes into the report's Problems.
func Check(ctx context.Context, slug string, withSolutions bool, run Runner) (*Report, error) {
	start := time.Now()
	l, err := find(slug)
	if err != nil {
		return nil, err
	}
	nb, err := Load(l.Slug)
	if err != nil {
		return nil, err
	}
	report := &Report{Lesson: l, WithSolutions: withSolutions}
	lint(report, nb, l)
	if withSolutions {
		if err := WithSolutions(nb, l.Slug); err != nil {
			return report, err
		}
	}
	if run == nil {
		client := repl.NewClient(repl.ClientOptions{})
		defer client.Close()
		if err := client.Start(ctx); err != nil {
			return report, fmt.Errorf("starting a kernel: %w", err)
		}
		run = client.Execute
	}
	err = checkNotebook(ctx, report, nb, run)
	report.Elapsed = time.Since(start)
	return report, err
}

// lint checks what can be seen without running: every exercise has a
// solution and a hint, and its cell calls its check on its last line.
func lint(r *Report, nb *notebook.Notebook, l Lesson) {
	sols, err := solutions(l)
	if err != nil {
		r.problemf("%v", err)
	}
	seen := map[string]bool{}
	for _, e := range Exercises(nb) {
		if seen[e.Name] {
			r.problemf("exercise %s appears twice", e.Name)
		}
		seen[e.Name] = true
		src := nb.Cells[e.Cell].Source
		if !strings.Contains(src, "// TODO") {
			r.problemf("exercise %s: its cell has no // TODO for the learner", e.Name)
		}
		if !strings.HasPrefix(lastLine(src), "check.") {
			r.problemf("exercise %s: its cell does not end with its check call (check.Something(...))", e.Name)
		}
		if e.Task == "" {
			r.problemf("exercise %s: the // Exercise: line has no task after the name", e.Name)
		}
		if len(e.Hints) == 0 {
			r.problemf("exercise %s: no ```hint block in the Markdown right after its cell", e.Name)
		}
		if sols != nil {
			sol, ok := sols[e.Name]
			switch {
			case !ok:
				r.problemf("exercise %s has no solution in %s", e.Name, l.solutionsFile())
			case firstLine(sol) != firstLine(src):
				r.problemf("exercise %s: the solution's first line differs from the exercise's", e.Name)
			case strings.Contains(sol, "// TODO"):
				r.problemf("exercise %s: the solution still has a // TODO", e.Name)
			}
		}
	}
	for name := range sols {
		if !seen[name] {
			r.problemf("the solution of %s matches no exercise of the lesson", name)
		}
	}
}

// lastLine returns the last line of s that is not blank, trimmed.
func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// checkNotebook runs the code cells of nb in order and fills the report.
// It returns ctx's error if the run was cut short.
func checkNotebook(ctx context.Context, r *Report, nb *notebook.Notebook, run Runner) error {
	exercises := Exercises(nb)
	byCell := map[int]int{} // cell index → index in r.Exercises
	for _, e := range exercises {
		byCell[e.Cell] = len(r.Exercises)
		r.Exercises = append(r.Exercises, ExerciseResult{Exercise: e})
	}
	code := 0
	for i, c := range nb.Cells {
		if c.Kind != notebook.Code {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		code++
		res := CellResult{Cell: i, Code: code}
		ex, isExercise := byCell[i]
		if isExercise {
			res.Exercise = r.Exercises[ex].Name
		}
		where := fmt.Sprintf("code cell %d (%s)", code, firstLine(c.Source))
		var out strings.Builder
		var cellErrs []string
		began := time.Now()
		err := run(ctx, c.ID, c.Source, func(ev repl.Event) {
			switch ev.Type {
			case repl.TypeStream:
				if out.Len() < maxCellOutput {
					out.WriteString(ev.Text[:min(len(ev.Text), maxCellOutput-out.Len())])
				}
			case repl.TypeError:
				cellErrs = append(cellErrs, (&repl.CellError{Msg: ev.Text, Line: ev.Line, Col: ev.Col}).Error())
			case repl.TypeDisplay, repl.TypeResult:
				if len(ev.Value) == 0 {
					return
				}
				v, derr := display.Unmarshal(ev.Value)
				if derr != nil {
					r.problemf("%s showed a value that does not read back: %v", where, derr)
					return
				}
				chk, ok := v.(*display.Check)
				if !ok {
					return
				}
				switch {
				case !isExercise:
					r.problemf("%s is no exercise cell but showed a check of %q", where, chk.Exercise)
				case chk.Exercise != r.Exercises[ex].Name:
					r.problemf("exercise %s: its cell showed a check of %q", r.Exercises[ex].Name, chk.Exercise)
				default:
					r.Exercises[ex].Checks = append(r.Exercises[ex].Checks, *chk)
				}
			}
		})
		res.Elapsed = time.Since(began)
		res.Output = out.String()
		if err != nil {
			if errors.Is(err, repl.ErrInterrupted) && ctx.Err() != nil {
				r.Cells = append(r.Cells, res)
				return ctx.Err()
			}
			msg := err.Error()
			var ce *repl.CellError
			if !errors.As(err, &ce) && len(cellErrs) > 0 {
				msg = strings.Join(cellErrs, "; ")
			}
			res.Err = msg
			r.problemf("%s failed: %s", where, msg)
		}
		r.Cells = append(r.Cells, res)
	}
	for _, e := range r.Exercises {
		if len(e.Checks) == 0 {
			r.problemf("exercise %s: its cell showed no check verdict", e.Name)
			continue
		}
		for _, chk := range e.Checks {
			switch {
			case r.WithSolutions && !chk.Pass:
				r.problemf("exercise %s: the solution fails its check: expected %s; got %s; look at %s", e.Name, chk.Expected, chk.Got, chk.Where)
			case !r.WithSolutions && chk.Pass:
				r.problemf("exercise %s passes before the learner has written anything", e.Name)
			case !r.WithSolutions && (chk.Expected == "" || chk.Got == ""):
				r.problemf("exercise %s fails without saying what it expected and what it got", e.Name)
			}
		}
	}
	return nil
}
