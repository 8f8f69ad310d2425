package lessons

import (
	"context"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/seqlab/seqlab/notebook"
	"github.com/seqlab/seqlab/repl"
)

// TestMain lets the test binary stand in for seqlab when Check starts a
// kernel (this executable with the argument "kernel"), as main_test.go does.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == "kernel" {
		if err := repl.ServeKernel(repl.KernelOptions{}); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestList(t *testing.T) {
	all := List()
	if len(all) == 0 {
		t.Fatal("List() is empty")
	}
	first := all[0]
	want := Lesson{Number: 1, Slug: "neurons", Title: "Neurons and learning",
		Goal: "train a tiny network by gradient descent and read its loss curve."}
	if first != want {
		t.Errorf("List()[0] = %+v; want %+v", first, want)
	}
	for i, l := range all {
		if i > 0 && l.Number <= all[i-1].Number {
			t.Errorf("lesson %d (%s) comes after lesson %d", l.Number, l.Slug, all[i-1].Number)
		}
		if l.Title == "" || l.Goal == "" {
			t.Errorf("lesson %d (%s) lacks a title or a goal: %+v", l.Number, l.Slug, l)
		}
	}
	all[0].Title = "changed"
	if List()[0].Title != "Neurons and learning" {
		t.Error("changing List's result changed the course")
	}
}

func TestHeader(t *testing.T) {
	for _, tc := range []struct {
		md, title, goal string
	}{
		{"# T\n\n**Goal:** do it.\n\ntext", "T", "do it."},
		{"# T\n**Goal:** one\ntwo lines\n\nmore", "T", "one two lines"},
		{"\n\n# Spaced title  \r\n\r\n**Goal:** crlf\r\n", "Spaced title", "crlf"},
		{"# T\n\nNo goal here.\n\n**Goal:** too late", "T", ""},
		{"## Not a title\n# Title\n", "Title", ""},
		{"nothing", "", ""},
	} {
		title, goal := header(tc.md)
		if title != tc.title || goal != tc.goal {
			t.Errorf("header(%q) = %q, %q; want %q, %q", tc.md, title, goal, tc.title, tc.goal)
		}
	}
}

func TestFind(t *testing.T) {
	for _, name := range []string{"neurons", "01-neurons", "1"} {
		l, err := find(name)
		if err != nil || l.Slug != "neurons" {
			t.Errorf("find(%q) = %+v, %v; want lesson neurons", name, l, err)
		}
	}
	for _, name := range []string{"", "neuron", "99", "course/01-neurons.md"} {
		if _, err := find(name); err == nil || !strings.Contains(err.Error(), "the lessons are neurons") {
			t.Errorf("find(%q) error = %v; want one that lists the lessons", name, err)
		}
	}
	if _, err := Load("nonesuch"); err == nil {
		t.Error(`Load("nonesuch") succeeded`)
	}
	if _, err := Source("nonesuch"); err == nil {
		t.Error(`Source("nonesuch") succeeded`)
	}
}

func TestLoadFreshCopy(t *testing.T) {
	a, err := Load("neurons")
	if err != nil {
		t.Fatal(err)
	}
	src, _ := Source("neurons")
	a.Cells[1].Source = "changed"
	a.Cells = a.Cells[:2]
	b, err := Load("neurons")
	if err != nil {
		t.Fatal(err)
	}
	if b.Cells[1].Source == "changed" || len(b.Cells) <= 2 {
		t.Error("a change to one loaded lesson shows in the next")
	}
	if got := b.Markdown(true); string(got) != string(src) {
		t.Error("a loaded lesson does not write back as its source")
	}
}

func TestParseExerciseLine(t *testing.T) {
	for _, tc := range []struct {
		line, name, task string
		ok               bool
	}{
		{"// Exercise: neuron — compute σ(w·x + b)", "neuron", "compute σ(w·x + b)", true},
		{"  // Exercise: step - one step", "step", "one step", true},
		{"// Exercise: a–b – en dash", "a–b", "en dash", true},
		{"// Exercise: x: colon", "x:", "colon", true},
		{"// Exercise:solo", "solo", "", true},
		{"// Exercise:", "", "", false},
		{"// exercise: lower", "", "", false},
		{"x := 1 // Exercise: no", "", "", false},
	} {
		name, task, ok := parseExerciseLine(tc.line)
		if name != tc.name || task != tc.task || ok != tc.ok {
			t.Errorf("parseExerciseLine(%q) = %q, %q, %v; want %q, %q, %v", tc.line, name, task, ok, tc.name, tc.task, tc.ok)
		}
	}
}

const sampleLesson = "# Sample\n\n**Goal:** test.\n\n" +
	"```go\nx := 1\n```\n\n" +
	"```go\n// Exercise: double — return 2x\nfunc double(x int) int {\n\t// TODO\n\treturn 0\n}\ncheck.Double(double)\n```\n\n" +
	"Some text.\n\n```hint\nMultiply.\n```\n\n~~~~hint extra words\nx * 2\n```\nstill the hint\n~~~~\n\n```go\n// not a hint\n```\n" +
	"```go\n// Exercise: last — no hints after it\n// TODO\ncheck.Last()\n```\n"

func TestExercises(t *testing.T) {
	nb, err := notebook.Parse([]byte(sampleLesson))
	if err != nil {
		t.Fatal(err)
	}
	got := Exercises(nb)
	want := []Exercise{
		{Name: "double", Task: "return 2x", Cell: 2, Hints: []string{"Multiply.", "x * 2\n```\nstill the hint"}},
		{Name: "last", Task: "no hints after it", Cell: 5},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Exercises = %#v\nwant %#v", got, want)
	}
	if Exercises(nil) != nil {
		t.Error("Exercises(nil) is not nil")
	}
}

func TestHintsAndHideHints(t *testing.T) {
	for _, tc := range []struct {
		desc, md string
		hints    []string
		hidden   string
	}{
		{"none", "text\n\n```go\nx\n```\n", nil, "text\n\n```go\nx\n```\n"},
		{"two hints between text",
			"\n```hint\none\n```\n\n```hint\ntwo\nlines\n```\n\n## Next\n",
			[]string{"one", "two\nlines"}, "\n## Next\n"},
		{"hint between paragraphs", "before\n\n```hint\nh\n```\n\nafter\n", []string{"h"}, "before\n\nafter\n"},
		{"hint at the end", "before\n\n```hint\nh\n```\n", []string{"h"}, "before\n\n"},
		{"tilde fence holding backticks", "~~~hint\na\n```\nb\n~~~\nrest", []string{"a\n```\nb"}, "rest"},
		{"closing fence must be as long", "````hint\na\n```\n````\nrest", []string{"a\n```"}, "rest"},
		{"indented fence", "  ```hint\n  indented\n   more\n  ```\nrest", []string{"indented\n more"}, "rest"},
		{"four spaces is no fence", "    ```hint\n    code\n    ```\n", nil, "    ```hint\n    code\n    ```\n"},
		{"unclosed hint runs to the end", "text\n```hint\nopen\nto the end", []string{"open\nto the end"}, "text"},
		{"other info strings stay", "```hints\nno\n```\n```text hint\nno\n```\n", nil, "```hints\nno\n```\n```text hint\nno\n```\n"},
		{"hint after a go block", "```go\n```hint\n```\n```hint\nyes\n```\n", []string{"yes"}, "```go\n```hint\n```\n"},
		{"crlf", "a\r\n\r\n```hint\r\nh\r\n```\r\n\r\nb\r\n", []string{"h"}, "a\r\n\r\nb\r\n"},
	} {
		if got := Hints(tc.md); !reflect.DeepEqual(got, tc.hints) {
			t.Errorf("%s: Hints = %q; want %q", tc.desc, got, tc.hints)
		}
		if got := HideHints(tc.md); got != tc.hidden {
			t.Errorf("%s: HideHints = %q; want %q", tc.desc, got, tc.hidden)
		}
	}
}

func TestLessonOneExercises(t *testing.T) {
	nb, err := Load("neurons")
	if err != nil {
		t.Fatal(err)
	}
	ex := Exercises(nb)
	var names []string
	for _, e := range ex {
		names = append(names, e.Name)
		if nb.Cells[e.Cell].Kind != notebook.Code {
			t.Errorf("exercise %s: cell %d is not a code cell", e.Name, e.Cell)
		}
		if len(e.Hints) != 2 {
			t.Errorf("exercise %s has %d hints; want 2 (gentle, then nearly the answer)", e.Name, len(e.Hints))
		}
		if strings.Contains(HideHints(nb.Cells[e.Cell+1].Source), "```hint") {
			t.Errorf("exercise %s: HideHints leaves a hint", e.Name)
		}
	}
	if want := []string{"neuron", "sigmoidGrad", "step"}; !reflect.DeepEqual(names, want) {
		t.Errorf("lesson 1 exercises = %q; want %q", names, want)
	}
}

// TestCourseLint checks every lesson without running it: exercises with
// hints, TODOs, check calls and solutions.
func TestCourseLint(t *testing.T) {
	for _, l := range List() {
		nb, err := Load(l.Slug)
		if err != nil {
			t.Errorf("lesson %s: %v", l.Slug, err)
			continue
		}
		r := &Report{Lesson: l}
		lint(r, nb, l)
		for _, p := range r.Problems {
			t.Errorf("lesson %s: %s", l.Slug, p)
		}
		if len(Exercises(nb)) == 0 {
			t.Errorf("lesson %s has no exercise", l.Slug)
		}
	}
}

func TestSolutions(t *testing.T) {
	sol, err := Solution("neurons", "neuron")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(sol, "// Exercise: neuron — ") || !strings.HasSuffix(sol, "check.Neuron(neuron)") || strings.Contains(sol, "TODO") {
		t.Errorf("Solution(neurons, neuron) =\n%s", sol)
	}
	if _, err := Solution("neurons", "nonesuch"); err == nil || !strings.Contains(err.Error(), `no solution for the exercise "nonesuch"`) {
		t.Errorf("Solution of an unknown exercise: error %v", err)
	}
	if _, err := Solution("nonesuch", "neuron"); err == nil {
		t.Error("Solution of an unknown lesson succeeded")
	}

	nb, _ := Load("1")
	if err := WithSolutions(nb, "1"); err != nil {
		t.Fatal(err)
	}
	for _, e := range Exercises(nb) {
		src := nb.Cells[e.Cell].Source
		want, _ := Solution("neurons", e.Name)
		if src != want {
			t.Errorf("WithSolutions: exercise %s holds\n%s\nwant\n%s", e.Name, src, want)
		}
	}

	// An exercise without a solution: nothing changes.
	nb, _ = Load("neurons")
	extra := nb.NewCell(notebook.Code, "// Exercise: extra — not in the solutions\n// TODO\ncheck.Extra()")
	nb.Cells = append(nb.Cells, extra)
	before := string(nb.Markdown(false))
	if err := WithSolutions(nb, "neurons"); err == nil || !strings.Contains(err.Error(), "no solution for extra") {
		t.Errorf("WithSolutions with an unsolved exercise: error %v", err)
	}
	if string(nb.Markdown(false)) != before {
		t.Error("a failed WithSolutions changed the notebook")
	}
}

// fakeRunner answers cells from a table: code → the events it produces and
// its error.
type fakeRunner map[string]struct {
	events []repl.Event
	err    error
}

func (f fakeRunner) run(ctx context.Context, id, code string, on func(repl.Event)) error {
	r := f[code]
	for _, ev := range r.events {
		on(ev)
	}
	return r.err
}

func checkEvent(exercise string, pass bool, expected, got string) repl.Event {
	v := fmt.Sprintf(`{"kind":"check","exercise":%q,"pass":%v,"expected":%q,"got":%q,"where":"w"}`, exercise, pass, expected, got)
	return repl.Event{Type: repl.TypeDisplay, Value: []byte(v)}
}

func TestCheckNotebookProblems(t *testing.T) {
	const md = "# L\n\n```go\nsetup\n```\n\n```go\n// Exercise: a — task a\n// TODO\ncheck.A(a)\n```\n\n```go\n// Exercise: b — task b\n// TODO\ncheck.B(b)\n```\n\n```go\nlater\n```\n"
	codeA := "// Exercise: a — task a\n// TODO\ncheck.A(a)"
	codeB := "// Exercise: b — task b\n// TODO\ncheck.B(b)"
	for _, tc := range []struct {
		desc          string
		withSolutions bool
		runner        fakeRunner
		want          []string // substrings of the problems, in order
	}{
		{"untouched, all well", false, fakeRunner{
			codeA: {events: []repl.Event{checkEvent("a", false, "1", "0")}},
			codeB: {events: []repl.Event{checkEvent("b", false, "2", "0")}},
		}, nil},
		{"solved, all well", true, fakeRunner{
			codeA: {events: []repl.Event{checkEvent("a", true, "", "")}},
			codeB: {events: []repl.Event{checkEvent("b", true, "", "")}},
		}, nil},
		{"untouched: a passes, b says nothing useful", false, fakeRunner{
			codeA: {events: []repl.Event{checkEvent("a", true, "", "")}},
			codeB: {events: []repl.Event{checkEvent("b", false, "", "")}},
		}, []string{"exercise a passes before the learner has written anything", "exercise b fails without saying"}},
		{"solved: b fails", true, fakeRunner{
			codeA: {events: []repl.Event{checkEvent("a", true, "", "")}},
			codeB: {events: []repl.Event{checkEvent("b", false, "2", "3")}},
		}, []string{"exercise b: the solution fails its check: expected 2; got 3"}},
		{"cell errors and missing verdicts", false, fakeRunner{
			"setup": {events: []repl.Event{{Type: repl.TypeError, Text: "undefined: x", Line: 1, Col: 2}},
				err: &repl.CellError{Msg: "undefined: x", Line: 1, Col: 2}},
			codeB:   {events: []repl.Event{checkEvent("b", false, "2", "0")}},
			"later": {err: &repl.KernelDiedError{Reason: "killed"}},
		}, []string{"code cell 1 (setup) failed: 1:2: undefined: x", "code cell 4 (later) failed", "exercise a: its cell showed no check verdict"}},
		{"checks in the wrong place", false, fakeRunner{
			"setup": {events: []repl.Event{checkEvent("a", false, "1", "0")}},
			codeA:   {events: []repl.Event{checkEvent("b", false, "1", "0")}},
			codeB:   {events: []repl.Event{checkEvent("b", false, "2", "0")}},
			"later": {events: []repl.Event{{Type: repl.TypeDisplay, Value: []byte(`{"kind":"nonsense"}`)}}},
		}, []string{"code cell 1 (setup) is no exercise cell but showed a check", "exercise a: its cell showed a check of \"b\"", "code cell 4 (later) showed a value that does not read back", "exercise a: its cell showed no check verdict"}},
	} {
		nb, err := notebook.Parse([]byte(md))
		if err != nil {
			t.Fatal(err)
		}
		r := &Report{WithSolutions: tc.withSolutions}
		if err := checkNotebook(context.Background(), r, nb, tc.runner.run); err != nil {
			t.Errorf("%s: %v", tc.desc, err)
		}
		if len(r.Problems) != len(tc.want) {
			t.Errorf("%s: problems\n%s\nwant %d:\n%s", tc.desc, strings.Join(r.Problems, "\n"), len(tc.want), strings.Join(tc.want, "\n"))
			continue
		}
		for i, w := range tc.want {
			if !strings.Contains(r.Problems[i], w) {
				t.Errorf("%s: problem %d = %q; want it to contain %q", tc.desc, i, r.Problems[i], w)
			}
		}
		if len(r.Cells) != 4 || r.Cells[1].Exercise != "a" || r.Cells[1].Code != 2 || r.Cells[1].Cell != 2 {
			t.Errorf("%s: cells %+v", tc.desc, r.Cells)
		}
	}
}

func TestCheckCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Check(ctx, "neurons", false, fakeRunner{}.run)
	if err != context.Canceled {
		t.Errorf("Check with a cancelled context: error %v; want context.Canceled", err)
	}
	if _, err := Check(context.Background(), "nonesuch", false, fakeRunner{}.run); err == nil {
		t.Error("Check of an unknown lesson succeeded")
	}
}

// TestCourse runs every lesson in a real kernel, as written (every check
// fails, with a message) and with its solutions (every check passes), and
// no cell may fail either way. It is the course's CI.
// TestCourse runs every lesson both ways, as `seqlab lessons check` does.
// make test runs that command instead and sets SEQLAB_COURSE_CHECKED=1 here,
// so the course (minutes of training) runs once per `make test`.
func TestCourse(t *testing.T) {
	if os.Getenv("SEQLAB_COURSE_CHECKED") == "1" {
		t.Skip("make test runs `seqlab lessons check` for the course")
	}
	for _, l := range List() {
		for _, withSolutions := range []bool{false, true} {
			name := fmt.Sprintf("%02d-%s/solutions=%v", l.Number, l.Slug, withSolutions)
			t.Run(name, func(t *testing.T) {
				r, err := Check(context.Background(), l.Slug, withSolutions, nil)
				if err != nil {
					t.Fatal(err)
				}
				t.Logf("%s", r)
				for _, p := range r.Problems {
					t.Error(p)
				}
				for _, c := range r.Cells {
					if c.Err != "" {
						t.Logf("code cell %d output:\n%s", c.Code, c.Output)
					}
				}
			})
		}
	}
}
