package tui

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	tea "charm.land/bubbletea/v2"
	"github.com/seqlab/seqlab/lessons"
	"github.com/seqlab/seqlab/notebook"
)

// ---- actions ----

// action carries out a named action (keys and the palette both use these).
func (m *Model) action(name string) tea.Cmd {
	p := m.nb
	switch name {
	case "quit":
		if p != nil && p.dirty {
			m.dialog = quitDialog(p)
			return nil
		}
		return m.quit()
	case "save":
		m.save()
		return nil
	case "save-as":
		if p != nil {
			p.stopEdit()
			m.dialog = saveAsDialog(p)
		}
		return nil
	case "lessons":
		if p != nil {
			p.stopEdit()
		}
		if p != nil && p.lesson != "" {
			m.nav.selectSlug(p.lesson)
		}
		m.screen = screenLessons
		return nil
	case "bench":
		m.screen = screenBench
		return nil
	case "help":
		m.help = true
		return nil
	case "next-lesson", "prev-lesson":
		return m.stepLesson(map[string]int{"next-lesson": 1, "prev-lesson": -1}[name])
	}
	if p == nil || m.screen != screenNotebook {
		return nil
	}
	switch name {
	case "run", "run-next":
		c := p.cell()
		if c == nil {
			return nil
		}
		if c.Kind == notebook.Code {
			p.enqueue(c)
		}
		if name == "run-next" {
			if p.sel == len(p.nb.Cells)-1 {
				p.insert(true, notebook.Code)
			} else {
				p.selectCell(p.sel + 1)
			}
		}
		return p.startNext(m)
	case "run-all":
		p.stopEdit()
		p.enqueue(p.nb.Cells...)
		return p.startNext(m)
	case "run-above":
		p.stopEdit()
		p.enqueue(p.nb.Cells[:p.sel]...)
		return p.startNext(m)
	case "run-below":
		p.stopEdit()
		p.enqueue(p.nb.Cells[p.sel:]...)
		return p.startNext(m)
	case "interrupt":
		if p.run == nil {
			m.flash("nothing is running", false)
			return nil
		}
		p.clearQueue()
		p.run.cancel()
		m.flash("interrupting… (the kernel is restarted if the cell does not stop within 2 s)", false)
		return nil
	case "restart", "restart-run-all":
		p.clearQueue()
		if p.run != nil {
			p.run.cancel()
		}
		if name == "restart-run-all" {
			p.enqueue(p.nb.Cells...)
		}
		client := m.client
		m.flash("restarting the kernel…", false)
		return func() tea.Msg { return restartedMsg{client.Restart(context.Background())} }
	case "clear-outputs":
		for _, c := range p.nb.Cells {
			if p.run != nil && p.run.cell == c {
				continue
			}
			if len(c.Outputs) > 0 {
				c.Outputs = nil
				p.markDirty()
			}
		}
		p.invalidateAll()
		return nil
	case "hint":
		c := p.cell()
		ex, ok := p.ex[c]
		if !ok {
			m.flash("hints are for exercises: select an exercise cell", false)
			return nil
		}
		st := p.st(c)
		if st.hints >= len(ex.Hints) {
			m.flash("no more hints; S shows the solution", false)
			return nil
		}
		st.hints++
		p.invalidate(c)
		return nil
	case "solution":
		c := p.cell()
		if _, ok := p.ex[c]; !ok {
			m.flash("solutions are for exercises: select an exercise cell", false)
			return nil
		}
		st := p.st(c)
		st.solution = !st.solution
		p.invalidate(c)
		return nil
	case "reset-lesson":
		if p.lesson == "" {
			m.flash("this is not a lesson", false)
			return nil
		}
		m.dialog = resetDialog(p.lesson)
		return nil
	}
	return nil
}

func (m *Model) quit() tea.Cmd {
	m.quitting = true
	if m.nb != nil && m.nb.run != nil {
		m.nb.run.cancel()
	}
	if m.nb != nil && !m.nb.dirty {
		removeRecovery(m.opts.StateDir, m.nb.path)
	}
	return tea.Quit
}

// save writes the notebook (with outputs) to its path.
func (m *Model) save() bool {
	return m.saveChecked(true)
}

// saveChecked saves; with check, a file changed on disk since it was opened
// or last saved (by an editor, or another seqlab) is not overwritten
// without asking.
func (m *Model) saveChecked(check bool) bool {
	p := m.nb
	if p == nil {
		return false
	}
	p.stopEdit()
	if p.path == "" {
		m.flash("this notebook has no file name; start seqlab with one: seqlab notes.md", true)
		return false
	}
	if check && p.changedOnDisk() {
		m.dialog = changedDialog(p, m.writeRecovery())
		return false
	}
	if err := writeNotebook(p.nb, p.path); err != nil {
		m.saveFailed(p.path, err)
		return false
	}
	p.dirty = false
	p.stampDisk()
	removeRecovery(m.opts.StateDir, p.path)
	m.flash("saved "+p.path, false)
	return true
}

// writeNotebook saves nb to path, creating its folder if needed. On error
// the file at path is as it was.
func writeNotebook(nb *notebook.Notebook, path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("save %s: cannot create its folder: %w; no file was written and the notebook is still in memory, so nothing was lost", path, err)
	}
	return nb.Save(path, true) // its errors say what was kept
}

// saveAs saves the notebook to another file, which becomes the notebook's
// file from then on (a lesson saved elsewhere is a notebook of its own). An
// existing file there is replaced only with replace; otherwise the user is
// asked first.
func (m *Model) saveAs(path string, replace bool) bool {
	p := m.nb
	if p == nil {
		return false
	}
	p.stopEdit()
	if abs(path) == abs(p.path) {
		return m.save()
	}
	if _, err := os.Stat(path); err == nil && !replace {
		m.dialog = replaceDialog(p, path)
		return false
	}
	if err := writeNotebook(p.nb, path); err != nil {
		m.saveFailed(path, err) // the notebook keeps its file name, and its recovery file
		return false
	}
	removeRecovery(m.opts.StateDir, p.path) // the changes are saved, elsewhere
	p.path, p.lesson, p.title = path, "", filepath.Base(path)
	p.dirty = false
	p.stampDisk()
	m.indexExercises()
	m.flash("saved "+path, false)
	return true
}

func abs(path string) string {
	if a, err := filepath.Abs(path); err == nil {
		return a
	}
	return path
}

// replaceDialog asks before Save as… replaces an existing file.
func replaceDialog(p *notebookPane, path string) *dialog {
	return &dialog{
		text: fmt.Sprintf("%s already exists. Replace it with this notebook?", path),
		choices: []choice{
			{[]string{"y"}, "replace it", func(m *Model) tea.Cmd {
				m.saveAs(path, true)
				return nil
			}},
			{[]string{"n", "esc"}, "choose another name…", func(m *Model) tea.Cmd {
				d := saveAsDialog(p)
				d.input = path
				m.dialog = d
				return nil
			}},
		},
	}
}

// saveFailed tells the user that saving to path failed: why, that nothing
// was lost and where the changes are, and what to do. It writes the
// recovery file first, so that the message can say whether the changes are
// in it. The notebook stays unsaved.
func (m *Model) saveFailed(path string, err error) {
	recErr := m.writeRecovery()
	name := filepath.Base(path)

	// why is short: the note line is one line of the terminal's width.
	why, advice := "", "Save elsewhere with Save as… (s), or fix the problem and try again (r)."
	switch {
	case errors.Is(err, syscall.ENOSPC):
		why = "disk full"
		advice = "Free some space and try again (r), or save elsewhere with Save as… (s)."
	case errors.Is(err, syscall.EDQUOT):
		why = "disk quota used up"
		advice = "Free some space and try again (r), or save elsewhere with Save as… (s)."
	case errors.Is(err, syscall.EROFS):
		why = "read-only disk"
		advice = "Save elsewhere with Save as… (s)."
	case errors.Is(err, fs.ErrPermission):
		why = "folder read-only"
		advice = "Save elsewhere with Save as… (s), for example in your home folder."
	}
	kept := "Your changes are still here, and in the recovery file."
	if recErr != nil {
		kept = fmt.Sprintf("Your changes are still here, but only here: the recovery file could not be written either (%v). Do not quit before they are saved.", recErr)
	}

	note := "not saved"
	if why != "" {
		note += " (" + why + ")"
	}
	m.flash(note+"; changes kept; save elsewhere: ctrl+p → Save as…", true)
	m.dialog = &dialog{
		text: fmt.Sprintf("Could not save %s.\n\n%v.\n\n%s %s", name, err, kept, advice),
		choices: []choice{
			{[]string{"s"}, "save elsewhere (Save as…)", func(m *Model) tea.Cmd {
				m.dialog = saveAsDialog(m.nb)
				return nil
			}},
			{[]string{"r"}, "try again", func(m *Model) tea.Cmd {
				m.save()
				return nil
			}},
			{[]string{"esc"}, "close (the notebook stays unsaved)", func(m *Model) tea.Cmd { return nil }},
		},
	}
}

func (m *Model) stepLesson(delta int) tea.Cmd {
	list := lessons.List()
	if len(list) == 0 {
		return nil
	}
	cur := -1
	if m.nb != nil {
		for i, l := range list {
			if l.Slug == m.nb.lesson {
				cur = i
			}
		}
	}
	next := cur + delta
	if cur < 0 {
		next = 0
	}
	if next < 0 || next >= len(list) {
		m.flash("no more lessons that way", false)
		return nil
	}
	return m.switchToLesson(list[next].Slug)
}

// switchToLesson opens a lesson, saving the learner's copy of the one open.
func (m *Model) switchToLesson(slug string) tea.Cmd {
	if m.nb != nil && m.nb.dirty {
		if m.nb.lesson != "" {
			if !m.save() {
				return nil // the save said why; the lesson stays open, changes and all
			}
		} else {
			m.dialog = switchDialog(m.nb, slug)
			return nil
		}
	}
	if err := m.openLesson(slug); err != nil {
		m.flash(err.Error(), true)
	}
	return nil
}
