package lessons

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/seqlab/seqlab/internal/atomicfile"
	"github.com/seqlab/seqlab/notebook"
)

// lessonOne returns the code cells and exercises of lesson 1.
func lessonOne(t *testing.T) (code []int, exercises []string) {
	t.Helper()
	nb, err := Load("neurons")
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range nb.Cells {
		if c.Kind == notebook.Code {
			code = append(code, i)
		}
	}
	for _, e := range Exercises(nb) {
		exercises = append(exercises, e.Name)
	}
	return code, exercises
}

func TestProgressMissingFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "not", "yet")
	p, err := LoadProgress(dir)
	if err != nil || p == nil {
		t.Fatalf("LoadProgress of a missing file = %v, %v; want empty progress", p, err)
	}
	if p.Path() != filepath.Join(dir, "progress.json") {
		t.Errorf("Path() = %q", p.Path())
	}
	if p.Fraction("neurons") != 0 || p.Finished("neurons") || p.FirstUnfinished() != "neurons" {
		t.Error("empty progress is not empty")
	}
	if err := p.Save(); err != nil {
		t.Fatalf("Save into a directory that does not exist yet: %v", err)
	}
	if _, err := os.Stat(p.Path()); err != nil {
		t.Error(err)
	}
}

func TestProgressRoundTrip(t *testing.T) {
	dir := t.TempDir()
	p, _ := LoadProgress(dir)
	code, exercises := lessonOne(t)
	p.MarkRun("neurons", code[0])
	p.MarkRun("01-neurons", code[1]) // other names of the lesson count too
	p.MarkRun("1", code[1])
	p.MarkPassed("neurons", exercises[0])
	p.MarkRun("some-future-lesson", 4)
	p.MarkPassed("some-future-lesson", "x")
	if err := p.Save(); err != nil {
		t.Fatal(err)
	}
	data, _ := os.ReadFile(p.Path())
	for _, want := range []string{`"version": 1`, `"neurons"`, `"passed": [` + "\n" + `        "neuron"`, `"some-future-lesson"`} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("progress.json lacks %s:\n%s", want, data)
		}
	}
	if bytes.Contains(data, []byte(`"finished"`)) {
		t.Errorf("an unfinished lesson has a finished time:\n%s", data)
	}

	q, err := LoadProgress(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range code {
		want := c == code[0] || c == code[1]
		if q.Ran("neurons", c) != want {
			t.Errorf("after a round trip, Ran(neurons, %d) = %v; want %v", c, !want, want)
		}
	}
	if !q.Passed("neurons", exercises[0]) || q.Passed("neurons", exercises[1]) {
		t.Error("after a round trip, the passed exercises differ")
	}
	if !q.Ran("some-future-lesson", 4) || !q.Passed("some-future-lesson", "x") {
		t.Error("progress in a lesson this seqlab does not know was lost")
	}
	wantFrac := 3.0 / float64(len(code)+len(exercises))
	if got := q.Fraction("neurons"); got != wantFrac {
		t.Errorf("Fraction = %v; want %v", got, wantFrac)
	}
	if got := q.Fraction("some-future-lesson"); got != 0 {
		t.Errorf("Fraction of an unknown lesson = %v; want 0", got)
	}
}

func TestProgressFinished(t *testing.T) {
	p, _ := LoadProgress(t.TempDir())
	code, exercises := lessonOne(t)
	for _, c := range code {
		p.MarkRun("neurons", c)
	}
	for _, e := range exercises[:len(exercises)-1] {
		p.MarkPassed("neurons", e)
	}
	if p.Finished("neurons") {
		t.Fatal("finished with an exercise left")
	}
	if f := p.Fraction("neurons"); f >= 1 || f <= 0.8 {
		t.Errorf("Fraction with one exercise left = %v", f)
	}
	p.MarkPassed("neurons", exercises[len(exercises)-1])
	if !p.Finished("neurons") || p.Fraction("neurons") != 1 || p.FinishedAt("neurons").IsZero() {
		t.Fatal("not finished with every cell run and every exercise passed")
	}
	if got := p.FirstUnfinished(); len(List()) == 1 && got != "" {
		t.Errorf("FirstUnfinished = %q with the only lesson finished", got)
	}
	if err := p.Save(); err != nil {
		t.Fatal(err)
	}
	q, _ := LoadProgress(filepath.Dir(p.Path()))
	if !q.Finished("neurons") || !q.FinishedAt("neurons").Equal(p.FinishedAt("neurons")) {
		t.Error("the finished time did not survive a round trip")
	}
	// Once finished, a lesson stays finished even if its cells are not all
	// recorded (say the lesson grew a cell since).
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "progress.json"), []byte(`{"version": 1, "lessons": {"neurons": {"ran": [`+strconv.Itoa(code[0])+`], "finished": "2026-01-02T03:04:05Z"}}}`), 0o644)
	r, err := LoadProgress(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !r.Ran("neurons", code[0]) || r.Ran("neurons", code[1]) || !r.Finished("neurons") || r.FinishedAt("neurons").Year() != 2026 {
		t.Error("a lesson recorded as finished is not finished")
	}
	r.Reset("neurons")
	if r.Finished("neurons") || r.Fraction("neurons") != 0 {
		t.Error("Reset left progress behind")
	}
}

// savedProgress is a progress file as Save writes it, with lesson 1 begun.
func savedProgress(t *testing.T) string {
	t.Helper()
	p, _ := LoadProgress(t.TempDir())
	code, exercises := lessonOne(t)
	p.MarkRun("neurons", code[0])
	p.MarkPassed("neurons", exercises[0])
	if err := p.Save(); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(p.Path())
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestProgressCorrupt(t *testing.T) {
	saved := savedProgress(t)
	for _, tc := range []struct{ desc, content string }{
		{"not JSON", "{\"version\": 1, \"lessons\": {"},
		{"empty", ""},
		{"wrong shape", `{"version": 1, "lessons": {"neurons": {"ran": "all"}}}`},
		{"no version", `{"lessons": {}}`},
		{"null", `null`},
		{"truncated", saved[:len(saved)/2]},
		{"truncated to one byte", saved[:1]},
		{"version a string", `{"version": "1", "lessons": {}}`},
		{"lessons a list", `{"version": 1, "lessons": ["neurons"]}`},
		{"cells as strings", `{"version": 1, "lessons": {"neurons": {"ran": ["1"]}}}`},
		{"exercises as numbers", `{"version": 1, "lessons": {"neurons": {"passed": [1]}}}`},
		{"finished not a time", `{"version": 1, "lessons": {"neurons": {"finished": "yesterday"}}}`},
		{"a list", `[1, 2, 3]`},
		{"binary", "\x00\x01\xff\xfe seqlab"},
		{"zeros", strings.Repeat("\x00", 4096)}, // what a crash can leave of a file
	} {
		dir := t.TempDir()
		path := filepath.Join(dir, "progress.json")
		os.WriteFile(path, []byte(tc.content), 0o644)
		p, err := LoadProgress(dir)
		if p == nil {
			t.Fatalf("%s: no progress returned", tc.desc)
		}
		var ce *CorruptProgressError
		if !errors.As(err, &ce) {
			t.Fatalf("%s: error %v; want a *CorruptProgressError", tc.desc, err)
		}
		if p.Fraction("neurons") != 0 {
			t.Errorf("%s: the progress returned is not empty", tc.desc)
		}
		if !strings.HasPrefix(ce.MovedTo, path+".corrupt-") {
			t.Errorf("%s: moved to %q", tc.desc, ce.MovedTo)
		}
		if got, _ := os.ReadFile(ce.MovedTo); string(got) != tc.content {
			t.Errorf("%s: the moved file holds %q; want the damaged content", tc.desc, got)
		}
		if _, err := os.Stat(path); !os.IsNotExist(err) {
			t.Errorf("%s: the damaged file is still at %s", tc.desc, path)
		}
		msg := err.Error()
		for _, want := range []string{path, "damaged", ce.MovedTo, "empty progress"} {
			if !strings.Contains(msg, want) {
				t.Errorf("%s: the error %q does not mention %q", tc.desc, msg, want)
			}
		}
		// The empty progress works and saves over the old place.
		p.MarkPassed("neurons", "neuron")
		if err := p.Save(); err != nil {
			t.Errorf("%s: saving after a corrupt file: %v", tc.desc, err)
		}
		if q, err := LoadProgress(dir); err != nil || !q.Passed("neurons", "neuron") {
			t.Errorf("%s: reloading after the save: %v", tc.desc, err)
		}
	}

	// A second damaged file in the same second does not overwrite the first.
	dir := t.TempDir()
	path := filepath.Join(dir, "progress.json")
	os.WriteFile(path, []byte("one"), 0o644)
	_, err1 := LoadProgress(dir)
	os.WriteFile(path, []byte("two"), 0o644)
	_, err2 := LoadProgress(dir)
	var a, b *CorruptProgressError
	if !errors.As(err1, &a) || !errors.As(err2, &b) || a.MovedTo == b.MovedTo || a.MovedTo == "" || b.MovedTo == "" {
		t.Errorf("two damaged files: %v; %v", err1, err2)
	}
}

// A file that cannot be read is moved aside like a damaged one: kept, and
// out of the way of the next save.
func TestProgressUnreadable(t *testing.T) {
	saved := savedProgress(t)
	check := func(t *testing.T, dir string, want string) *CorruptProgressError {
		t.Helper()
		p, err := LoadProgress(dir)
		var ce *CorruptProgressError
		if p == nil || !errors.As(err, &ce) || ce.MovedTo == "" {
			t.Fatalf("LoadProgress of an unreadable file = %v, %v; want empty progress and a *CorruptProgressError", p, err)
		}
		if p.Fraction("neurons") != 0 {
			t.Error("the progress returned is not empty")
		}
		path := filepath.Join(dir, "progress.json")
		msg := "your progress file " + path + " was damaged (it cannot be read: " + want + "); it was moved to " + ce.MovedTo + " and seqlab started with empty progress"
		if err.Error() != msg {
			t.Errorf("the error is\n%s\nwant\n%s", err, msg)
		}
		p.MarkPassed("neurons", "neuron")
		if err := p.Save(); err != nil {
			t.Fatalf("Save after an unreadable file: %v", err)
		}
		if q, err := LoadProgress(dir); err != nil || !q.Passed("neurons", "neuron") {
			t.Errorf("reloading after the save: %v", err)
		}
		return ce
	}

	t.Run("directory", func(t *testing.T) {
		dir := t.TempDir()
		// A directory where the file should be cannot be read as a file.
		if err := os.MkdirAll(filepath.Join(dir, "progress.json", "inside"), 0o755); err != nil {
			t.Fatal(err)
		}
		ce := check(t, dir, "is a directory")
		if fi, err := os.Stat(filepath.Join(ce.MovedTo, "inside")); err != nil || !fi.IsDir() {
			t.Errorf("the directory was not moved whole: %v", err)
		}
	})
	t.Run("no permission", func(t *testing.T) {
		if os.Geteuid() == 0 {
			t.Skip("running as root, who can read any file; the permission denied (hook) case covers it")
		}
		dir := t.TempDir()
		path := filepath.Join(dir, "progress.json")
		os.WriteFile(path, []byte(saved), 0o000)
		ce := check(t, dir, "permission denied")
		os.Chmod(ce.MovedTo, 0o644)
		if got, _ := os.ReadFile(ce.MovedTo); string(got) != saved {
			t.Errorf("the unreadable file was not kept whole: %q", got)
		}
	})
	for _, e := range []error{syscall.EACCES, syscall.EIO} {
		t.Run(e.Error()+" (hook)", func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "progress.json")
			os.WriteFile(path, []byte(saved), 0o644)
			defer func(f func(string) ([]byte, error)) { readFile = f }(readFile)
			failed := false
			readFile = func(name string) ([]byte, error) {
				if name == path && !failed { // once: the reload after the save reads
					failed = true
					return nil, &fs.PathError{Op: "read", Path: name, Err: e}
				}
				return os.ReadFile(name)
			}
			ce := check(t, dir, e.Error())
			if got, _ := os.ReadFile(ce.MovedTo); string(got) != saved {
				t.Errorf("the unreadable file was not kept whole: %q", got)
			}
		})
	}
}

// A damaged file that cannot be moved aside is never replaced: Save
// refuses until it can move it.
func TestProgressCannotMoveAside(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "progress.json")
	const damaged = `{"version": 1, "lessons": {`
	os.WriteFile(path, []byte(damaged), 0o644)
	defer func(f func(string, string) error) { rename = f }(rename)
	rename = func(from, to string) error {
		return &os.LinkError{Op: "rename", Old: from, New: to, Err: syscall.EPERM}
	}
	p, err := LoadProgress(dir)
	var ce *CorruptProgressError
	if p == nil || !errors.As(err, &ce) || ce.MovedTo != "" {
		t.Fatalf("LoadProgress = %v, %v", p, err)
	}
	want := "your progress file " + path + " is damaged (unexpected end of JSON input) and could not be moved aside (operation not permitted); seqlab started with empty progress and will not save over the file until it can move it aside"
	if err.Error() != want {
		t.Errorf("the error is\n%s\nwant\n%s", err, want)
	}
	p.MarkPassed("neurons", "neuron")
	err = p.Save()
	want = "cannot save your progress: " + path + " is damaged and could not be moved aside (operation not permitted), so it is not replaced; move it away and seqlab will save your progress"
	if err == nil || err.Error() != want {
		t.Errorf("Save over the damaged file: %v; want %q", err, want)
	}
	if got, _ := os.ReadFile(path); string(got) != damaged {
		t.Fatalf("Save replaced the damaged file with %q", got)
	}
	// Once it can be moved, Save moves it and saves.
	rename = os.Rename
	if err := p.Save(); err != nil {
		t.Fatal(err)
	}
	moved, _ := filepath.Glob(path + ".corrupt-*")
	if len(moved) != 1 {
		t.Fatalf("after the save, the damaged copies are %v; want one", moved)
	}
	if got, _ := os.ReadFile(moved[0]); string(got) != damaged {
		t.Errorf("the damaged copy holds %q", got)
	}
	if q, err := LoadProgress(dir); err != nil || !q.Passed("neurons", "neuron") {
		t.Errorf("reloading after the save: %v", err)
	}
}

// A failed save (a full disk) says so and leaves the saved progress as it
// was.
func TestProgressSaveFails(t *testing.T) {
	dir := t.TempDir()
	saved := savedProgress(t)
	path := filepath.Join(dir, "progress.json")
	os.WriteFile(path, []byte(saved), 0o644)
	p, err := LoadProgress(dir)
	if err != nil {
		t.Fatal(err)
	}
	p.MarkPassed("neurons", "another")
	restore := atomicfile.Inject(atomicfile.Fault{Dir: dir, Write: syscall.ENOSPC})
	err = p.Save()
	restore()
	want := "cannot save your progress to " + path + ": writing the new contents failed: the disk is full (no space left on device); the progress saved before is as it was"
	if err == nil || err.Error() != want || !errors.Is(err, syscall.ENOSPC) {
		t.Errorf("Save onto a full disk: %v; want %q", err, want)
	}
	if got, _ := os.ReadFile(path); string(got) != saved {
		t.Errorf("the failed save changed the file to %q", got)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("the failed save left %d files; want only progress.json", len(entries))
	}
}

func TestProgressNil(t *testing.T) {
	var p *Progress
	p.MarkRun("neurons", 1)
	p.MarkPassed("neurons", "neuron")
	if p.Finished("neurons") || p.Fraction("neurons") != 0 || p.Ran("neurons", 1) || p.Passed("neurons", "neuron") {
		t.Error("nil progress is not empty")
	}
	if p.FirstUnfinished() != "neurons" {
		t.Errorf("FirstUnfinished of nil progress = %q", p.FirstUnfinished())
	}
	if p.Save() == nil {
		t.Error("saving nil progress succeeded")
	}
}

func TestDefaultProgressDir(t *testing.T) {
	t.Setenv("XDG_STATE_HOME", "/state")
	if got := DefaultProgressDir(); got != "/state/seqlab" {
		t.Errorf("with XDG_STATE_HOME, DefaultProgressDir() = %q", got)
	}
	t.Setenv("XDG_STATE_HOME", "")
	t.Setenv("HOME", "/home/learner")
	if got := DefaultProgressDir(); got != "/home/learner/.local/state/seqlab" {
		t.Errorf("without XDG_STATE_HOME, DefaultProgressDir() = %q", got)
	}
	state := t.TempDir()
	t.Setenv("XDG_STATE_HOME", state)
	p, err := LoadProgress("")
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(state, "seqlab", "progress.json"); p.Path() != want {
		t.Errorf("LoadProgress(\"\").Path() = %q; want %q", p.Path(), want)
	}
}

func TestWriteList(t *testing.T) {
	code, exercises := lessonOne(t)
	var out bytes.Buffer
	WriteList(&out, nil)
	want := "○ 1. Neurons and learning — train a tiny network by gradient descent and read its loss curve (0/3 exercises)\n"
	if !strings.HasPrefix(out.String(), want) {
		t.Errorf("WriteList(nil) =\n%s\nwant it to start\n%s", out.String(), want)
	}

	p, _ := LoadProgress(t.TempDir())
	p.MarkPassed("neurons", exercises[0])
	out.Reset()
	WriteList(&out, p)
	if !strings.HasPrefix(out.String(), "◐ 1. Neurons and learning — ") || !strings.Contains(out.String(), "(1/3 exercises)") {
		t.Errorf("WriteList after one exercise =\n%s", out.String())
	}

	for _, c := range code {
		p.MarkRun("neurons", c)
	}
	for _, e := range exercises {
		p.MarkPassed("neurons", e)
	}
	out.Reset()
	WriteList(&out, p)
	want = "✓ 1. Neurons and learning — train a tiny network by gradient descent and read its loss curve (3/3 exercises)\n"
	if !strings.HasPrefix(out.String(), want) {
		t.Errorf("WriteList of a finished lesson =\n%s\nwant it to start\n%s", out.String(), want)
	}
}

// TestProgressNewerVersion: a progress file from a newer seqlab is read as
// far as this one understands it, said so, and never written over (it may
// hold what this seqlab would drop).
func TestProgressNewerVersion(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "progress.json")
	src := `{"version": 2, "lessons": {"neurons": {"ran": [1], "stars": 3}}, "streak": 12}`
	os.WriteFile(path, []byte(src), 0o644)
	p, err := LoadProgress(dir)
	var newer *NewerProgressError
	if !errors.As(err, &newer) || newer.Version != 2 || !strings.Contains(err.Error(), "written by a newer seqlab (format 2") {
		t.Fatalf("LoadProgress: %v; want a NewerProgressError", err)
	}
	if !p.Ran("neurons", 1) {
		t.Errorf("what this seqlab understands was not read")
	}
	p.MarkRun("neurons", 2)
	if err := p.Save(); err == nil || !strings.Contains(err.Error(), "left as it is") {
		t.Errorf("Save: %v; want a refusal", err)
	}
	if data, _ := os.ReadFile(path); string(data) != src {
		t.Errorf("the newer file was changed:\n%s", data)
	}
}
