package tui

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/seqlab/seqlab/lessons"
	"github.com/seqlab/seqlab/notebook"
)

var update = flag.Bool("update", false, "rewrite the golden screens in testdata/screens")

func demoPath(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("testdata/demo.md")
	if err != nil {
		t.Fatal(err)
	}
	return writeFile(t, t.TempDir(), "demo.md", string(data))
}

// The main screens at 80×24 and 120×40, compared with golden files.
func TestGoldenScreens(t *testing.T) {
	screens := []struct {
		name string
		path bool // open demo.md (else the lesson list)
		keys []string
	}{
		{"lesson_exercise_hint", false, []string{"enter", "exercise", "h"}},
		{"lessons", false, nil},
		{"notebook", true, nil},
		{"notebook_code_selected", true, []string{"j"}},
		{"notebook_table_selected", true, []string{"j", "j"}},
		{"edit", true, []string{"j", "enter"}},
		{"help", true, []string{"?"}},
		{"palette", true, []string{"ctrl+p"}},
		{"palette_filtered", true, []string{"ctrl+p", "type:rest"}},
		{"quit_unsaved", true, []string{"b", "ctrl+q"}},
		{"bench", true, []string{"B"}},
	}
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, sc := range screens {
			name := fmt.Sprintf("%s.%dx%d", sc.name, size[0], size[1])
			t.Run(name, func(t *testing.T) {
				opts := Options{}
				if sc.path {
					opts.Path = demoPath(t)
				}
				h := newHarness(t, opts, size[0], size[1])
				for _, k := range sc.keys {
					if k == "exercise" { // select the lesson's first exercise
						h.m.nb.selectCell(lessons.Exercises(h.m.nb.nb)[0].Cell)
						continue
					}
					h.keys(k)
				}
				got := h.screen()
				checkScreenSize(t, got, size[0], size[1])
				golden := filepath.Join("testdata", "screens", name+".golden")
				if *update {
					os.MkdirAll(filepath.Dir(golden), 0o755)
					if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
						t.Fatal(err)
					}
					return
				}
				want, err := os.ReadFile(golden)
				if err != nil {
					t.Fatalf("%v (run go test ./tui -run Golden -update)", err)
				}
				if got != string(want) {
					t.Errorf("screen differs from %s (go test ./tui -run Golden -update rewrites it)\ngot:\n%s\nwant:\n%s", golden, got, want)
				}
			})
		}
	}
}

func checkScreenSize(t *testing.T, screen string, w, h int) {
	t.Helper()
	lines := strings.Split(screen, "\n")
	if len(lines) != h {
		t.Errorf("screen has %d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if n := len([]rune(l)); n > w {
			t.Errorf("line %d is %d wide (> %d): %q", i, n, w, l)
		}
	}
}

// Every key of command mode does what the help says.
func TestCommandKeys(t *testing.T) {
	h := newHarness(t, Options{Path: demoPath(t)}, 80, 24)
	nb := h.m.nb
	n := len(nb.nb.Cells)
	kinds := func() string {
		var b strings.Builder
		for _, c := range nb.nb.Cells {
			b.WriteString(map[notebook.CellKind]string{notebook.Markdown: "M", notebook.Code: "C"}[c.Kind])
		}
		return b.String()
	}
	if got := kinds(); got != "MCCC" {
		t.Fatalf("demo cells %q", got)
	}
	steps := []struct {
		keys  []string
		kinds string
		sel   int
		dirty bool
	}{
		{[]string{"j"}, "MCCC", 1, false},
		{[]string{"down", "k"}, "MCCC", 1, false},
		{[]string{"G"}, "MCCC", 3, false},
		{[]string{"g"}, "MCCC", 0, false},
		{[]string{"b"}, "MCCCC", 1, true},
		{[]string{"m"}, "MMCCC", 1, true},
		{[]string{"y"}, "MCCCC", 1, true},
		{[]string{"a"}, "MCCCCC", 1, true},
		{[]string{"d"}, "MCCCCC", 1, true}, // one d only arms
		{[]string{"d"}, "MCCCC", 1, true},
		{[]string{"d", "d"}, "MCCC", 1, true},
		{[]string{"z", "z"}, "MCCCCC", 1, true},
		{[]string{"d", "j", "d"}, "MCCCCC", 2, true}, // d then another key disarms
		{[]string{"J"}, "MCCCCC", 3, true},
		{[]string{"K", "K", "K"}, "CMCCCC", 0, true},
	}
	for i, s := range steps {
		h.keys(s.keys...)
		if got := kinds(); got != s.kinds || nb.sel != s.sel || nb.dirty != s.dirty {
			t.Fatalf("step %d %v: cells %q sel %d dirty %v; want %q %d %v", i, s.keys, got, nb.sel, nb.dirty, s.kinds, s.sel, s.dirty)
		}
	}
	_ = n
}

// Editing: enter opens the editor, typed text lands in the cell when esc
// leaves it, and ctrl+s writes the file.
func TestEditAndSave(t *testing.T) {
	path := demoPath(t)
	h := newHarness(t, Options{Path: path}, 80, 24)
	h.keys("j", "enter")
	if h.m.nb.mode != editMode {
		t.Fatal("enter did not open the editor")
	}
	h.keys("ctrl+e") // end of line? the textarea moves; we type at the start
	h.keys("type:// edited\n", "esc")
	if h.m.nb.mode != commandMode {
		t.Fatal("esc did not leave the editor")
	}
	src := h.m.nb.nb.Cells[1].Source
	if !strings.Contains(src, "// edited") {
		t.Fatalf("cell source %q lacks the typed text", src)
	}
	if !strings.Contains(h.screen(), "unsaved") {
		t.Errorf("status bar does not say unsaved:\n%s", h.screen())
	}
	h.keys("ctrl+s")
	data, err := os.ReadFile(path)
	if err != nil || !strings.Contains(string(data), "// edited") {
		t.Fatalf("file after save: %q, %v", data, err)
	}
	if h.m.nb.dirty {
		t.Error("still dirty after saving")
	}
	// Outputs are saved with the notebook.
	if !strings.Contains(string(data), "```output result\n42\n```") {
		t.Errorf("saved file lost the outputs:\n%s", data)
	}
}

// Cells run in the real kernel: streams, results and display values show
// up, the counter counts, and an endless cell can be interrupted without
// losing the kernel.
func TestRunCellsInKernel(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a kernel")
	}
	dir := t.TempDir()
	path := writeFile(t, dir, "run.md", "```go\nfmt.Println(\"hello from the kernel\")\n```\n\n"+
		"```go\np := display.NewLinePlot(\"loss\")\np.Add(\"lstm\", nil, []float64{3, 2, 1.5, 1})\ndisplay.Show(p)\n```\n\n"+
		"```go\nfor {\n}\n```\n\n```go\n1 + 1\n```\n")
	h := newHarness(t, Options{Path: path}, 100, 40)
	h.keys("ctrl+r")
	h.until("the first cell's output", 60*time.Second, func() bool { return h.idle() && strings.Contains(h.screen(), "hello from the kernel") })
	if !strings.Contains(h.screen(), "[1]") {
		t.Errorf("no execution counter [1]:\n%s", h.screen())
	}
	h.keys("ctrl+r")
	h.until("the plot", 30*time.Second, func() bool {
		return h.idle() && strings.Contains(h.screen(), "loss") && strings.Contains(h.screen(), "lstm")
	})
	h.keys("ctrl+r") // the endless loop
	h.until("the loop to start", 10*time.Second, func() bool { return h.m.nb.run != nil })
	h.settle(300 * time.Millisecond)
	if !strings.Contains(h.screen(), "[*]") {
		t.Errorf("running cell not marked [*]:\n%s", h.screen())
	}
	// The UI stays responsive: move around while it runs.
	h.keys("k", "j")
	h.keys("i", "i")
	h.until("the interrupt", 30*time.Second, func() bool { return h.idle() })
	if !strings.Contains(h.screen(), "interrupted") {
		t.Errorf("no interrupted note:\n%s", h.screen())
	}
	h.keys("j", "ctrl+r")
	h.until("1 + 1", 60*time.Second, func() bool {
		return h.idle() && strings.Contains(h.screen(), "2") && h.m.nb.st(h.m.nb.nb.Cells[3]).count > 0
	})
	if got := h.m.nb.nb.Cells[3].Outputs; len(got) != 1 || got[0].Text != "2" {
		t.Errorf("1 + 1 gave %+v", got)
	}
}

// Unsaved work goes to the recovery file and is offered back next time.
func TestRecovery(t *testing.T) {
	path := demoPath(t)
	state := t.TempDir()
	h := newHarness(t, Options{Path: path, StateDir: state}, 80, 24)
	h.keys("j", "enter", "type:// not saved yet\n", "esc")
	h.m.writeRecovery()
	before, _ := os.ReadFile(path)

	h2 := newHarness(t, Options{Path: path, StateDir: state}, 80, 24)
	if h2.m.dialog == nil || !strings.Contains(h2.screen(), "recovered") {
		t.Fatalf("no recovery offer:\n%s", h2.screen())
	}
	h2.keys("r")
	if !strings.Contains(h2.m.nb.nb.Cells[1].Source, "// not saved yet") || !h2.m.nb.dirty {
		t.Fatalf("recovery not restored: %q dirty %v", h2.m.nb.nb.Cells[1].Source, h2.m.nb.dirty)
	}
	after, _ := os.ReadFile(path)
	if string(before) != string(after) {
		t.Error("restoring changed the file on disk before a save")
	}
	h2.keys("ctrl+s")
	h3 := newHarness(t, Options{Path: path, StateDir: state}, 80, 24)
	if h3.m.dialog != nil {
		t.Error("recovery offered again after the changes were saved")
	}
}

// Quitting with unsaved changes asks first.
func TestQuitAsks(t *testing.T) {
	path := demoPath(t)
	h := newHarness(t, Options{Path: path}, 80, 24)
	h.keys("ctrl+q")
	if h.m.dialog != nil || !h.m.quitting {
		t.Fatal("a clean notebook should quit at once")
	}
	h = newHarness(t, Options{Path: path}, 80, 24)
	h.keys("b", "ctrl+q")
	if h.m.dialog == nil {
		t.Fatal("no question before losing changes")
	}
	h.keys("esc")
	if h.m.dialog != nil || h.m.quitting {
		t.Fatal("esc did not cancel")
	}
	h.keys("ctrl+q", "y")
	if !h.m.quitting || h.m.nb.dirty {
		t.Fatal("y did not save and quit")
	}
}

// Opening a notebook never runs its code.
func TestOpenNeverRuns(t *testing.T) {
	dir := t.TempDir()
	marker := filepath.Join(dir, "ran")
	path := writeFile(t, dir, "danger.md", fmt.Sprintf("```go\nos.WriteFile(%q, nil, 0o644)\n```\n", marker))
	h := newHarness(t, Options{Path: path}, 80, 24)
	h.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	h.settle(500 * time.Millisecond)
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("opening the notebook ran its code")
	}
}

// A corrupt notebook is refused with the parser's message; the file is
// left alone.
func TestCorruptNotebook(t *testing.T) {
	dir := t.TempDir()
	path := writeFile(t, dir, "bad.md", "# x\n\n```go\nfmt.Println(1)\n")
	_, err := New(Options{Path: path, StateDir: t.TempDir()})
	if err == nil || !strings.Contains(err.Error(), "line") {
		t.Fatalf("error %v, want one naming the line", err)
	}
	data, _ := os.ReadFile(path)
	if string(data) != "# x\n\n```go\nfmt.Println(1)\n" {
		t.Error("the corrupt file was changed")
	}
}

// A save that fails keeps everything and says how to save elsewhere; Save
// as… then writes the notebook to another file.
func TestSaveFailsThenSaveAs(t *testing.T) {
	dir := t.TempDir()
	path := demoPath(t)
	h := newHarness(t, Options{Path: path}, 80, 24)
	h.keys("b")
	// A path under a regular file cannot be created, even as root.
	blocker := writeFile(t, dir, "blocker", "x")
	h.m.nb.path = filepath.Join(blocker, "sub", "nb.md")
	h.keys("ctrl+s")
	if !h.m.nb.dirty || !h.m.noteErr || !strings.Contains(h.m.note, "Save as") {
		t.Fatalf("failed save: dirty %v, note %q", h.m.nb.dirty, h.m.note)
	}
	// The failure is explained in a dialog; esc closes it, the note stays.
	if h.m.dialog == nil || !strings.Contains(h.screen(), "Could not save nb.md") {
		t.Fatalf("no dialog for the failed save:\n%s", h.screen())
	}
	h.keys("esc")
	if h.m.dialog != nil || !h.m.nb.dirty || !strings.Contains(h.m.note, "Save as") {
		t.Fatalf("after esc: dialog %v, dirty %v, note %q", h.m.dialog != nil, h.m.nb.dirty, h.m.note)
	}
	other := filepath.Join(dir, "elsewhere.md")
	h.keys("ctrl+p", "type:save as", "enter")
	if h.m.dialog == nil || !h.m.dialog.asks {
		t.Fatalf("no Save as… prompt:\n%s", h.screen())
	}
	h.keys("ctrl+u", "type:"+other, "enter")
	if h.m.nb.dirty {
		t.Fatalf("still unsaved after Save as: %q", h.m.note)
	}
	if _, err := os.Stat(other); err != nil {
		t.Fatal(err)
	}
	if h.m.nb.title != "elsewhere.md" {
		t.Errorf("title %q", h.m.nb.title)
	}
}

// --lesson takes a number or a slug; an unknown one is a clear error.
func TestOpenLessonByName(t *testing.T) {
	for _, name := range []string{"1", "neurons", "01-neurons"} {
		h := newHarness(t, Options{Lesson: name}, 80, 24)
		if h.m.nb == nil || h.m.nb.lesson != "neurons" || !strings.Contains(h.screen(), "Lesson 1") {
			t.Errorf("--lesson %s: %v", name, h.screen())
		}
	}
	if _, err := New(Options{Lesson: "99", StateDir: t.TempDir()}); err == nil || !strings.Contains(err.Error(), "seqlab lessons") {
		t.Errorf("unknown lesson: %v", err)
	}
}

// An exercise in a lesson: hints on request, and a passing check is saved
// in the learner's progress.
func TestLessonExercise(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a kernel")
	}
	state := t.TempDir()
	h := newHarness(t, Options{StateDir: state}, 100, 40)
	if h.m.screen != screenLessons {
		t.Fatal("no lesson list at start")
	}
	h.keys("enter")
	if h.m.nb == nil || h.m.nb.lesson != "neurons" {
		t.Fatal("enter did not open lesson 1")
	}
	exs := lessons.Exercises(h.m.nb.nb)
	if len(exs) == 0 {
		t.Fatal("lesson 1 has no exercises")
	}
	ex := exs[0]
	h.m.nb.selectCell(ex.Cell)
	h.keys("h")
	if !strings.Contains(h.screen(), "Hint 1/") {
		t.Fatalf("h showed no hint:\n%s", h.screen())
	}
	h.keys("ctrl+enter")
	h.until("the failing check", 60*time.Second, func() bool { return h.idle() && h.m.nb.st(h.m.nb.cell()).count > 0 })
	if !strings.Contains(h.screen(), "FAIL "+ex.Name) || h.m.progress.Passed("neurons", ex.Name) {
		t.Fatalf("untouched exercise did not fail:\n%s", h.screen())
	}
	sol, err := lessons.Solution("neurons", ex.Name)
	if err != nil {
		t.Fatal(err)
	}
	h.m.nb.nb.Cells[ex.Cell].Source = sol
	h.keys("ctrl+enter")
	h.until("the passing check", 60*time.Second, func() bool { return h.idle() && h.m.progress.Passed("neurons", ex.Name) })
	if !strings.Contains(h.screen(), "exercise "+ex.Name+" passed") {
		t.Errorf("no passed banner:\n%s", h.screen())
	}
	p, err := lessons.LoadProgress(state)
	if err != nil || !p.Passed("neurons", ex.Name) {
		t.Fatalf("progress on disk: %v, %v", p, err)
	}
	// The lesson list shows it.
	h.keys("l")
	if !strings.Contains(h.screen(), "◐") {
		t.Errorf("lesson list does not show the started lesson:\n%s", h.screen())
	}
}

// A file changed on disk since it was opened is not overwritten without
// asking; the user can overwrite it or save elsewhere.
func TestSaveOverChangedFile(t *testing.T) {
	path := demoPath(t)
	h := newHarness(t, Options{Path: path}, 80, 24)
	h.keys("b")
	later := time.Now().Add(2 * time.Second)
	if err := os.WriteFile(path, []byte("# changed elsewhere\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chtimes(path, later, later)
	h.keys("ctrl+s")
	if h.m.dialog == nil || !strings.Contains(h.screen(), "changed on disk") {
		t.Fatalf("no question before overwriting:\n%s", h.screen())
	}
	if data, _ := os.ReadFile(path); string(data) != "# changed elsewhere\n" {
		t.Fatal("the changed file was overwritten without asking")
	}
	h.keys("o")
	if data, _ := os.ReadFile(path); !strings.Contains(string(data), "Recall in a notebook") || h.m.nb.dirty {
		t.Fatalf("overwrite did not save: %q", data)
	}
	// Saved: the next save does not ask again.
	h.keys("b", "ctrl+s")
	if h.m.dialog != nil {
		t.Fatal("asked again after our own save")
	}
}
