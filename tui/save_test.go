package tui

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/seqlab/seqlab/internal/atomicfile"
)

// A save that fails must lose nothing: the file on disk stays as it was,
// the changes stay in memory and go to the recovery file, and the message
// says what happened and what to do. The failures a test cannot cause for
// real (a full disk; a read-only folder when running as root) are injected
// into internal/atomicfile, which every save goes through.

const myEdit = "// my edit"

// editedDemo opens a copy of demo.md (alone in its folder, the state
// directory elsewhere) and edits its first code cell.
func editedDemo(t *testing.T) (h *harness, path, state string, before []byte) {
	t.Helper()
	path = demoPath(t)
	state = t.TempDir()
	h = newHarness(t, Options{Path: path, StateDir: state}, 100, 30)
	h.keys("j", "enter", "type:"+myEdit+"\n", "esc")
	if !h.m.nb.dirty {
		t.Fatal("the edit did not make the notebook unsaved")
	}
	before, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return h, path, state, before
}

// recoveryText is the recovery file of the notebook at path ("" if none).
func recoveryText(state, path string) string {
	data, _ := os.ReadFile(recoveryBase(state, path) + ".md")
	return string(data)
}

// lostNothing checks the state after a failed save of editedDemo's
// notebook: the file as it was and alone in its folder, the edit in memory,
// the notebook unsaved, and (with inRecovery) the edit in the recovery file.
func lostNothing(t *testing.T, h *harness, path, state string, before []byte, inRecovery bool) {
	t.Helper()
	if got, err := os.ReadFile(path); err != nil || !bytes.Equal(got, before) {
		t.Errorf("the failed save changed %s (%v):\n%s", path, err, got)
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("the failed save left %d files in the notebook's folder; want only demo.md", len(entries))
	}
	if !h.m.nb.dirty {
		t.Error("the notebook is marked saved after a failed save")
	}
	if src := h.m.nb.nb.Cells[1].Source; !strings.Contains(src, myEdit) {
		t.Errorf("the edit is gone from memory: %q", src)
	}
	if rec := recoveryText(state, path); inRecovery != strings.Contains(rec, myEdit) {
		t.Errorf("the recovery file holds the edit: %v; want %v:\n%s", !inRecovery, inRecovery, rec)
	}
}

func TestSaveReadOnlyFolder(t *testing.T) {
	for _, how := range []string{"chmod", "injected"} {
		t.Run(how, func(t *testing.T) {
			if how == "chmod" && os.Geteuid() == 0 {
				t.Skip("running as root, for whom a read-only folder does not stop a save; the injected case covers it")
			}
			h, path, state, before := editedDemo(t)
			dir := filepath.Dir(path)
			if how == "chmod" {
				if err := os.Chmod(dir, 0o555); err != nil {
					t.Fatal(err)
				}
				defer os.Chmod(dir, 0o755)
			} else {
				defer atomicfile.Inject(atomicfile.Fault{Dir: dir, Create: syscall.EACCES})()
			}
			h.keys("ctrl+s")
			lostNothing(t, h, path, state, before, true)
			want := "Could not save demo.md.\n\n" +
				"save " + path + ": cannot create a file in " + dir + ": permission denied (the folder is read-only, or not yours); " +
				"the file on disk is as it was and the notebook is still in memory, so nothing was lost.\n\n" +
				"Your changes are still here, and in the recovery file. Save elsewhere with Save as… (s), for example in your home folder."
			if h.m.dialog == nil || h.m.dialog.text != want {
				t.Fatalf("the dialog after the failed save:\n%+v\nwant the text\n%s", h.m.dialog, want)
			}
			if screen := h.screen(); !strings.Contains(screen, "Could not save demo.md.") || !strings.Contains(screen, "save elsewhere (Save as…)") {
				t.Errorf("the dialog is not on the screen:\n%s", screen)
			}
			if want := "not saved (folder read-only); changes kept; save elsewhere: ctrl+p → Save as…"; h.m.note != want || !h.m.noteErr {
				t.Errorf("the note is %q; want the error %q", h.m.note, want)
			}

			// s: Save as…, somewhere writable.
			other := filepath.Join(t.TempDir(), "mine.md")
			h.keys("s")
			if h.m.dialog == nil || !h.m.dialog.asks {
				t.Fatalf("s did not open Save as…:\n%s", h.screen())
			}
			h.keys("ctrl+u", "type:"+other, "enter")
			if h.m.nb.dirty || h.m.nb.path != other || h.m.nb.title != "mine.md" {
				t.Fatalf("after Save as: dirty %v, path %q, title %q; note %q", h.m.nb.dirty, h.m.nb.path, h.m.nb.title, h.m.note)
			}
			if data, _ := os.ReadFile(other); !strings.Contains(string(data), myEdit) {
				t.Errorf("Save as wrote %q", data)
			}
			if got, _ := os.ReadFile(path); !bytes.Equal(got, before) {
				t.Error("Save as changed the original file")
			}
			if rec := recoveryText(state, path); rec != "" {
				t.Error("the recovery file stayed after the changes were saved elsewhere")
			}
		})
	}
}

func TestSaveDiskFull(t *testing.T) {
	h, path, state, before := editedDemo(t)
	restore := atomicfile.Inject(atomicfile.Fault{Dir: filepath.Dir(path), Write: syscall.ENOSPC, After: 100})
	defer restore()
	h.keys("ctrl+s")
	lostNothing(t, h, path, state, before, true)
	want := "Could not save demo.md.\n\n" +
		"save " + path + ": writing the new contents failed: the disk is full (no space left on device); " +
		"the file on disk is as it was and the notebook is still in memory, so nothing was lost.\n\n" +
		"Your changes are still here, and in the recovery file. Free some space and try again (r), or save elsewhere with Save as… (s)."
	if h.m.dialog == nil || h.m.dialog.text != want {
		t.Fatalf("the dialog after the failed save:\n%+v\nwant the text\n%s", h.m.dialog, want)
	}
	h.keys("esc")
	if h.m.dialog != nil {
		t.Fatal("esc did not close the dialog")
	}
	if screen := h.screen(); !strings.Contains(screen, "not saved (disk full); changes kept; save elsewhere: ctrl+p → Save as…") ||
		!strings.Contains(screen, "unsaved") || !strings.Contains(screen, "●") {
		t.Errorf("the screen does not show the failed save and the unsaved notebook:\n%s", screen)
	}

	// Still full: r tries again and fails again, the same way.
	h.keys("ctrl+s", "r")
	lostNothing(t, h, path, state, before, true)
	if h.m.dialog == nil || h.m.dialog.text != want {
		t.Fatalf("trying again on a full disk: %+v", h.m.dialog)
	}
	// Space freed: r saves.
	restore()
	h.keys("r")
	if h.m.nb.dirty || h.m.dialog != nil || h.m.note != "saved "+path {
		t.Fatalf("after freeing space, r: dirty %v, dialog %v, note %q", h.m.nb.dirty, h.m.dialog != nil, h.m.note)
	}
	if data, _ := os.ReadFile(path); !strings.Contains(string(data), myEdit) {
		t.Errorf("the saved file lacks the edit:\n%s", data)
	}
	if recoveryText(state, path) != "" {
		t.Error("the recovery file stayed after the save")
	}
}

// When the recovery file cannot be written either (the same full disk),
// the message says the changes are only in memory, and quitting without
// saving asks again.
func TestSaveDiskFullEverywhere(t *testing.T) {
	h, path, state, before := editedDemo(t)
	restore := atomicfile.Inject(atomicfile.Fault{Write: syscall.ENOSPC})
	defer restore()
	h.keys("ctrl+s")
	lostNothing(t, h, path, state, before, false)
	want := "Your changes are still here, but only here: the recovery file could not be written either " +
		"(writing the new contents failed: the disk is full (no space left on device)). Do not quit before they are saved. " +
		"Free some space and try again (r), or save elsewhere with Save as… (s)."
	if h.m.dialog == nil || !strings.HasSuffix(h.m.dialog.text, want) {
		t.Fatalf("the dialog after the failed save:\n%+v\nwant it to end\n%s", h.m.dialog, want)
	}
	h.keys("esc", "ctrl+q", "n")
	if h.m.quitting {
		t.Fatal("quit without saving, with the recovery file unwritable, quit at once and lost the changes")
	}
	want = "Your changes could not be written to the recovery file (writing the new contents failed: the disk is full (no space left on device)). If you quit now, they are lost."
	if h.m.dialog == nil || h.m.dialog.text != want {
		t.Fatalf("the dialog after quit without saving:\n%+v\nwant the text\n%s", h.m.dialog, want)
	}
	h.keys("esc")
	if h.m.quitting || h.m.dialog != nil || !h.m.nb.dirty {
		t.Fatal("esc did not cancel the quit")
	}
	// Asked again, the user may still quit.
	h.keys("ctrl+q", "n", "Q")
	if !h.m.quitting {
		t.Fatal("Q did not quit")
	}
	// With the recovery file writable, n quits at once and keeps the changes.
	restore()
	h, path, state, _ = editedDemo(t)
	h.keys("ctrl+q", "n")
	if !h.m.quitting || !strings.Contains(recoveryText(state, path), myEdit) {
		t.Errorf("quit without saving: quitting %v, recovery file %q", h.m.quitting, recoveryText(state, path))
	}
}

// A file changed on disk since it was opened is not overwritten: the
// changes stay in memory and in the recovery file, the dialog says so, and
// Save as… saves them elsewhere.
func TestSaveChangedOnDiskKeepsWork(t *testing.T) {
	h, path, state, _ := editedDemo(t)
	const theirs = "# changed elsewhere\n"
	if err := os.WriteFile(path, []byte(theirs), 0o644); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(2 * time.Second)
	os.Chtimes(path, later, later)
	if !h.m.nb.changedOnDisk() {
		t.Fatal("changedOnDisk does not see the change")
	}
	h.keys("ctrl+s")
	lostNothing(t, h, path, state, []byte(theirs), true)
	want := "demo.md changed on disk since you opened it (another editor, or another seqlab). Your version is kept in the recovery file meanwhile."
	if h.m.dialog == nil || h.m.dialog.text != want {
		t.Fatalf("the dialog:\n%+v\nwant the text\n%s", h.m.dialog, want)
	}
	h.keys("esc")
	lostNothing(t, h, path, state, []byte(theirs), true)

	// The recovery file cannot be written: the dialog says the changes are
	// only in memory.
	restore := atomicfile.Inject(atomicfile.Fault{Dir: filepath.Join(state, "recovery"), Write: syscall.ENOSPC})
	h.keys("ctrl+s")
	restore()
	want = "demo.md changed on disk since you opened it (another editor, or another seqlab). Your version is only here: the recovery file could not be written (writing the new contents failed: the disk is full (no space left on device))."
	if h.m.dialog == nil || h.m.dialog.text != want {
		t.Fatalf("the dialog with the recovery file unwritable:\n%+v\nwant the text\n%s", h.m.dialog, want)
	}

	// s: save ours elsewhere; theirs stays.
	other := filepath.Join(filepath.Dir(path), "ours.md")
	h.keys("s", "ctrl+u", "type:"+other, "enter")
	if h.m.nb.dirty || h.m.nb.path != other {
		t.Fatalf("Save as after the change on disk: dirty %v, path %q, note %q", h.m.nb.dirty, h.m.nb.path, h.m.note)
	}
	if data, _ := os.ReadFile(other); !strings.Contains(string(data), myEdit) {
		t.Errorf("%s holds %q", other, data)
	}
	if data, _ := os.ReadFile(path); string(data) != theirs {
		t.Errorf("the changed file was overwritten: %q", data)
	}
}

// Save as… onto an existing file asks before replacing it.
func TestSaveAsAsksBeforeReplacing(t *testing.T) {
	h, path, _, _ := editedDemo(t)
	other := writeFile(t, filepath.Dir(path), "other.md", "# someone's notes\n")
	h.keys("ctrl+p", "type:save as", "enter", "ctrl+u", "type:"+other, "enter")
	if h.m.dialog == nil || !strings.Contains(h.m.dialog.text, other+" already exists. Replace it") {
		t.Fatalf("no question before replacing %s:\n%s", other, h.screen())
	}
	h.keys("n")
	if h.m.dialog == nil || !h.m.dialog.asks || h.m.dialog.input != other {
		t.Fatalf("n did not go back to the Save as prompt: %+v", h.m.dialog)
	}
	h.keys("esc")
	if data, _ := os.ReadFile(other); string(data) != "# someone's notes\n" || !h.m.nb.dirty || h.m.nb.path != path {
		t.Fatalf("declining the replace changed something: %q, dirty %v, path %q", data, h.m.nb.dirty, h.m.nb.path)
	}
	h.keys("ctrl+p", "type:save as", "enter", "ctrl+u", "type:"+other, "enter", "y")
	if data, _ := os.ReadFile(other); !strings.Contains(string(data), myEdit) || h.m.nb.dirty || h.m.nb.path != other {
		t.Fatalf("y did not replace: %q, dirty %v, path %q", data, h.m.nb.dirty, h.m.nb.path)
	}
}

// Opening a lesson saves the open one; if that save fails, the open lesson
// stays, changes and all.
func TestSwitchLessonKeepsUnsavedWhenSaveFails(t *testing.T) {
	state := t.TempDir()
	h := newHarness(t, Options{Lesson: "neurons", StateDir: state}, 100, 30)
	h.keys("j", "enter", "type:"+myEdit+"\n", "esc")
	pane := h.m.nb
	defer atomicfile.Inject(atomicfile.Fault{Dir: filepath.Join(state, "lessons"), Create: syscall.EROFS})()
	h.keys("]") // the next lesson
	if h.m.nb != pane || !pane.dirty || !strings.Contains(pane.nb.Cells[1].Source, myEdit) {
		t.Fatal("the lesson was replaced although saving it failed")
	}
	if h.m.dialog == nil || !strings.Contains(h.m.dialog.text, "the file system is read-only") {
		t.Fatalf("no dialog for the failed save: %+v", h.m.dialog)
	}
	if !strings.Contains(recoveryText(state, pane.path), myEdit) {
		t.Error("the changes are not in the recovery file")
	}
	if _, err := os.Stat(pane.path); !os.IsNotExist(err) {
		t.Errorf("the failed save left a file at %s: %v", pane.path, err)
	}
	// From the lesson list too.
	h.keys("esc", "l", "j", "enter")
	if h.m.nb != pane || !pane.dirty || h.m.dialog == nil {
		t.Fatal("opening another lesson from the list replaced the lesson although saving it failed")
	}
}

// A Save as… that fails names the file it tried, and the notebook keeps
// its own file and recovery file.
func TestSaveAsFails(t *testing.T) {
	h, path, state, before := editedDemo(t)
	otherDir := t.TempDir()
	other := filepath.Join(otherDir, "mine.md")
	defer atomicfile.Inject(atomicfile.Fault{Dir: otherDir, Write: syscall.ENOSPC})()
	h.keys("ctrl+p", "type:save as", "enter", "ctrl+u", "type:"+other, "enter")
	lostNothing(t, h, path, state, before, true)
	if h.m.nb.path != path || h.m.nb.title != "demo.md" {
		t.Errorf("after a failed Save as, the notebook's file is %q (title %q); want %q", h.m.nb.path, h.m.nb.title, path)
	}
	if h.m.dialog == nil || !strings.HasPrefix(h.m.dialog.text, "Could not save mine.md.\n\nsave "+other+": writing the new contents failed: the disk is full") {
		t.Fatalf("the dialog after the failed Save as: %+v", h.m.dialog)
	}
	if _, err := os.Stat(other); !os.IsNotExist(err) {
		t.Errorf("the failed Save as left a file: %v", err)
	}
}
