package tui

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/seqlab/seqlab/internal/atomicfile"
	"github.com/seqlab/seqlab/notebook"
)

// Unsaved work is written every few seconds to a recovery file in the state
// directory, one per notebook path. Saving removes it; opening a notebook
// with a recovery file that differs from the file offers it back.

// recovery describes a recovery file.
type recovery struct {
	Path  string    `json:"path"`  // the notebook it belongs to
	Saved time.Time `json:"saved"` // when it was written
}

func recoveryBase(stateDir, path string) string {
	abs, err := filepath.Abs(path)
	if err != nil {
		abs = path
	}
	h := sha256.Sum256([]byte(abs))
	return filepath.Join(stateDir, "recovery", hex.EncodeToString(h[:8]))
}

// writeRecovery writes the open notebook's unsaved state, editor included.
// It returns an error (which it also shows) only when there were unsaved
// changes and writing them failed: nil means they are in the recovery file,
// or there were none.
func (m *Model) writeRecovery() error {
	p := m.nb
	if p == nil || p.path == "" {
		return nil
	}
	if p.mode == editMode {
		if c := p.cell(); c != nil && c.Source != p.editor.Value() {
			c.Source = p.editor.Value()
			p.dirty = true
		}
	}
	if !p.dirty {
		return nil
	}
	base := recoveryBase(m.opts.StateDir, p.path)
	if err := os.MkdirAll(filepath.Dir(base), 0o700); err != nil {
		m.flash("autosave to the recovery file failed: "+err.Error()+"; your changes are still here: save them (ctrl+s, or ctrl+p → Save as… elsewhere)", true)
		return err
	}
	data := p.nb.Markdown(true)
	err := atomicfile.Write(base+".md", func(w io.Writer) error { _, err := w.Write(data); return err })
	if err == nil {
		meta, _ := json.Marshal(recovery{Path: p.path, Saved: time.Now()})
		err = atomicfile.Write(base+".json", func(w io.Writer) error { _, err := w.Write(meta); return err })
	}
	if err != nil {
		m.flash("autosave to the recovery file failed: "+err.Error()+"; your changes are still here: save them (ctrl+s, or ctrl+p → Save as… elsewhere)", true)
	}
	return err
}

func removeRecovery(stateDir, path string) {
	base := recoveryBase(stateDir, path)
	os.Remove(base + ".md")
	os.Remove(base + ".json")
}

func removeFile(path string) error {
	if err := os.Remove(path); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	return nil
}

// checkRecovery offers the recovery file of the open notebook, if there is
// one that differs from what was opened.
func (m *Model) checkRecovery() {
	p := m.nb
	base := recoveryBase(m.opts.StateDir, p.path)
	data, err := os.ReadFile(base + ".md")
	if err != nil {
		return
	}
	if string(data) == string(p.nb.Markdown(true)) {
		removeRecovery(m.opts.StateDir, p.path)
		return
	}
	var meta recovery
	if b, err := os.ReadFile(base + ".json"); err == nil {
		_ = json.Unmarshal(b, &meta)
	}
	when := "an earlier session"
	if !meta.Saved.IsZero() {
		when = meta.Saved.Local().Format("Jan 2 15:04:05")
	}
	m.dialog = &dialog{
		text: fmt.Sprintf("Unsaved changes to %s were recovered from %s (seqlab or the terminal closed before they were saved).", filepath.Base(p.path), when),
		choices: []choice{
			{[]string{"r"}, "restore them", func(m *Model) tea.Cmd {
				nb, err := notebook.Parse(data)
				if err != nil {
					m.flash(fmt.Sprintf("the recovery file %s.md is unreadable (%v); it is kept", base, err), true)
					return nil
				}
				q := newNotebookPane(nb, p.path)
				q.lesson, q.title = p.lesson, p.title
				q.dirty = true
				m.setNotebook(q)
				m.flash("restored the unsaved changes; ctrl+s saves them", false)
				return nil
			}},
			{[]string{"d"}, "discard them", func(m *Model) tea.Cmd {
				kept := base + ".discarded.md"
				if err := os.Rename(base+".md", kept); err != nil {
					m.flash(err.Error(), true)
					return nil
				}
				os.Remove(base + ".json")
				m.flash("discarded; a copy is kept at "+kept, false)
				return nil
			}},
			{[]string{"esc"}, "decide later", func(m *Model) tea.Cmd { return nil }},
		},
	}
}
