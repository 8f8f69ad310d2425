package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// overlay draws box centred over the screen's content.
func overlay(content, box string, width, height int) string {
	lines := strings.Split(fitScreen(content, width, height), "\n")
	bl := strings.Split(box, "\n")
	bw := 0
	for _, l := range bl {
		bw = max(bw, lipgloss.Width(l))
	}
	bw = min(bw, width)
	top := max(0, (height-len(bl))/2)
	left := max(0, (width-bw)/2)
	for i, l := range bl {
		y := top + i
		if y >= len(lines) {
			break
		}
		l = ansi.Truncate(l, width-left, "")
		under := lines[y]
		right := ansi.TruncateLeft(under, left+lipgloss.Width(l), "")
		lines[y] = ansi.Truncate(under, left, "") + strings.Repeat(" ", max(0, left-lipgloss.Width(ansi.Truncate(under, left, "")))) + l + right
	}
	return strings.Join(lines, "\n")
}

// ---- dialogs ----

// dialog is a question the user answers with a key.
type dialog struct {
	text    string
	choices []choice
	input   string // the text typed, for a dialog that asks for one
	asks    bool
}

type choice struct {
	keys  []string
	label string
	do    func(m *Model) tea.Cmd
}

func (d *dialog) key(msg tea.KeyPressMsg, m *Model) tea.Cmd {
	if d.asks {
		switch msg.String() {
		case "backspace":
			if r := []rune(d.input); len(r) > 0 {
				d.input = string(r[:len(r)-1])
			}
			return nil
		case "ctrl+u":
			d.input = ""
			return nil
		case "enter", "esc":
		default:
			d.input += msg.Key().Text
			return nil
		}
	}
	for _, c := range d.choices {
		for _, k := range c.keys {
			if msg.String() == k {
				m.dialog = nil
				return c.do(m)
			}
		}
	}
	return nil
}

func (d *dialog) view(width int, th *theme) string {
	w := min(width-4, 64)
	var opts []string
	keyWidth := 3
	for _, c := range d.choices {
		keyWidth = max(keyWidth, len(c.keys[0]))
	}
	for _, c := range d.choices {
		opts = append(opts, lipgloss.NewStyle().Width(w-6).Render(th.Accent.Render(fmt.Sprintf("%-*s", keyWidth+1, c.keys[0]))+c.label))
	}
	body := lipgloss.NewStyle().Width(w-6).Render(d.text) + "\n\n"
	if d.asks {
		body += th.Popup.Width(w-6).Render(ansi.TruncateLeft(d.input, max(0, lipgloss.Width(d.input)-(w-8)), "…")+"▏") + "\n\n"
	}
	body += strings.Join(opts, "\n")
	return th.Dialog.Render(body)
}

func quitDialog(p *notebookPane) *dialog {
	name := filepath.Base(p.path)
	if p.lesson != "" {
		name = "your copy of this lesson"
	}
	return &dialog{
		text: fmt.Sprintf("Save changes to %s before quitting?", name),
		choices: []choice{
			{[]string{"y", "s"}, "save and quit", func(m *Model) tea.Cmd {
				if m.save() {
					return m.quit()
				}
				return nil
			}},
			{[]string{"n"}, "quit without saving (kept in the recovery file)", func(m *Model) tea.Cmd {
				if err := m.writeRecovery(); err != nil {
					m.dialog = quitUnkeptDialog(p, err)
					return nil
				}
				m.quitting = true
				return tea.Quit
			}},
			{[]string{"esc", "c"}, "cancel", func(m *Model) tea.Cmd { return nil }},
		},
	}
}

// quitUnkeptDialog asks again before quitting when the changes could not
// be written to the recovery file: quitting would lose them.
func quitUnkeptDialog(p *notebookPane, err error) *dialog {
	return &dialog{
		text: fmt.Sprintf("Your changes could not be written to the recovery file (%v). If you quit now, they are lost.", err),
		choices: []choice{
			{[]string{"s"}, "save them elsewhere (Save as…)", func(m *Model) tea.Cmd {
				m.dialog = saveAsDialog(p)
				return nil
			}},
			{[]string{"Q"}, "quit and lose them", func(m *Model) tea.Cmd {
				m.quitting = true
				return tea.Quit
			}},
			{[]string{"esc", "c"}, "cancel", func(m *Model) tea.Cmd { return nil }},
		},
	}
}

func switchDialog(p *notebookPane, slug string) *dialog {
	return &dialog{
		text: fmt.Sprintf("%s has unsaved changes. Save them before opening the lesson?", filepath.Base(p.path)),
		choices: []choice{
			{[]string{"y", "s"}, "save", func(m *Model) tea.Cmd {
				if m.save() {
					return m.switchToLesson(slug)
				}
				return nil
			}},
			{[]string{"esc", "n", "c"}, "stay here", func(m *Model) tea.Cmd { return nil }},
		},
	}
}

func resetDialog(slug string) *dialog {
	return &dialog{
		text: "Reset this lesson to the original? Your edits and outputs in it are replaced (your progress is kept).",
		choices: []choice{
			{[]string{"y"}, "reset", func(m *Model) tea.Cmd {
				m.nb.dirty = false
				if err := removeFile(m.lessonPath(slug)); err != nil {
					m.flash(err.Error(), true)
					return nil
				}
				removeRecovery(m.opts.StateDir, m.lessonPath(slug))
				if err := m.openLesson(slug); err != nil {
					m.flash(err.Error(), true)
				}
				return nil
			}},
			{[]string{"esc", "n"}, "keep my version", func(m *Model) tea.Cmd { return nil }},
		},
	}
}

// ---- help ----

func (m *Model) helpView() string {
	th := m.th
	section := func(title string, ls []helpLine) []string {
		out := []string{th.Accent.Render(title)}
		for _, l := range ls {
			out = append(out, fmt.Sprintf("%-10s %s", l.keys, l.desc))
		}
		return out
	}
	left := section("Command mode", m.keys.commandHelp())
	right := section("Edit mode", m.keys.editHelp())
	right = append(right, "", th.Accent.Render("Lesson list"),
		"enter      open the lesson", "esc        back to the notebook",
		"", th.Accent.Render("Benchmarks (B)"), "r / m / s  run recall / memory / speed",
		"f          short or full suite", "x          stop",
		"", th.Muted.Render("any key closes this help"))
	colW := (min(m.width, 120) - 9) / 2
	cut := func(ls []string) string {
		for i := range ls {
			ls[i] = padTo(ansi.Truncate(ls[i], colW, "…"), colW)
		}
		return strings.Join(ls, "\n")
	}
	body := lipgloss.JoinHorizontal(lipgloss.Top, cut(left), "  ", cut(right))
	return th.Dialog.Padding(0, 1).Render(body)
}

// ---- command palette ----

// paletteAction is one line of the palette: what it does and its key.
type paletteAction struct {
	name, key, id string
}

var paletteActions = []paletteAction{
	{"Run the cell and select the next", "shift+enter / ctrl+r", "run-next"},
	{"Run the cell", "ctrl+enter", "run"},
	{"Run all cells", "", "run-all"},
	{"Run the cells above", "", "run-above"},
	{"Run this cell and the ones below", "", "run-below"},
	{"Interrupt the running cell", "i i", "interrupt"},
	{"Restart the kernel", "0 0", "restart"},
	{"Restart the kernel and run all cells", "", "restart-run-all"},
	{"Clear all outputs", "", "clear-outputs"},
	{"Save", "ctrl+s", "save"},
	{"Save as…", "", "save-as"},
	{"Show the next hint", "h", "hint"},
	{"Show or hide the solution", "S", "solution"},
	{"Reset this lesson to the original", "", "reset-lesson"},
	{"Lesson list", "l", "lessons"},
	{"Next lesson", "]", "next-lesson"},
	{"Previous lesson", "[", "prev-lesson"},
	{"Benchmarks", "B", "bench"},
	{"Help: all keys", "?", "help"},
	{"Quit", "ctrl+q", "quit"},
}

type palette struct {
	query string
	sel   int
}

func (p *palette) matches() []paletteAction {
	var out []paletteAction
	q := strings.ToLower(p.query)
	for _, a := range paletteActions {
		if q == "" || fuzzy(strings.ToLower(a.name), q) {
			out = append(out, a)
		}
	}
	return out
}

// fuzzy reports whether every word of q is in s.
func fuzzy(s, q string) bool {
	for _, w := range strings.Fields(q) {
		if !strings.Contains(s, w) {
			return false
		}
	}
	return true
}

func (p *palette) key(msg tea.KeyPressMsg, m *Model) tea.Cmd {
	ms := p.matches()
	switch msg.String() {
	case "esc", "ctrl+p":
		m.palette = nil
	case "up", "ctrl+k":
		p.sel = max(0, p.sel-1)
	case "down", "ctrl+j", "tab":
		p.sel = min(len(ms)-1, p.sel+1)
	case "enter":
		m.palette = nil
		if p.sel < len(ms) {
			if m.screen != screenNotebook && m.nb != nil {
				switch ms[p.sel].id {
				case "lessons", "bench", "help", "quit", "next-lesson", "prev-lesson":
				default:
					m.screen = screenNotebook
				}
			}
			return m.action(ms[p.sel].id)
		}
	case "backspace":
		if p.query != "" {
			r := []rune(p.query)
			p.query = string(r[:len(r)-1])
			p.sel = 0
		}
	default:
		if t := msg.Key().Text; t != "" {
			p.query += t
			p.sel = 0
		}
	}
	return nil
}

func (p *palette) view(width, height int, th *theme) string {
	w := min(width-4, 70)
	lines := []string{th.Accent.Render("> ") + p.query + th.Muted.Render("▏"), ""}
	ms := p.matches()
	maxRows := max(3, height-8)
	first := max(0, p.sel-maxRows+1)
	for i := first; i < len(ms) && i < first+maxRows; i++ {
		a := ms[i]
		gap := w - 4 - lipgloss.Width(a.name) - lipgloss.Width(a.key)
		line := a.name + strings.Repeat(" ", max(1, gap)) + th.Muted.Render(a.key)
		if i == p.sel {
			line = th.Selected.Render(a.name + strings.Repeat(" ", max(1, gap)) + a.key)
		}
		lines = append(lines, line)
	}
	if len(ms) == 0 {
		lines = append(lines, th.Muted.Render("no command matches"))
	}
	return th.Dialog.Padding(0, 1).Width(w).Render(strings.Join(lines, "\n"))
}

// ---- save as ----

// saveAsDialog asks for a file name and saves the notebook there (a save
// that failed, into a read-only folder or onto a full disk, can go
// elsewhere; nothing is lost meanwhile).
func saveAsDialog(p *notebookPane) *dialog {
	d := &dialog{text: "Save the notebook as (a .md file; ~ is your home):", input: p.path, asks: true}
	d.choices = []choice{
		{[]string{"enter"}, "save", func(m *Model) tea.Cmd {
			path := expandHome(strings.TrimSpace(d.input))
			if path == "" || !strings.HasSuffix(path, ".md") && !strings.HasSuffix(path, ".ipynb") {
				m.flash("give a file name ending in .md (or .ipynb)", true)
				m.dialog = d
				return nil
			}
			m.saveAs(path, false)
			return nil
		}},
		{[]string{"esc"}, "cancel", func(m *Model) tea.Cmd { return nil }},
	}
	return d
}

func expandHome(path string) string {
	if rest, ok := strings.CutPrefix(path, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, rest)
		}
	}
	return path
}

// changedDialog asks before overwriting a file that changed on disk;
// recErr is what writing the recovery file gave.
func changedDialog(p *notebookPane, recErr error) *dialog {
	kept := "Your version is kept in the recovery file meanwhile."
	if recErr != nil {
		kept = fmt.Sprintf("Your version is only here: the recovery file could not be written (%v).", recErr)
	}
	return &dialog{
		text: fmt.Sprintf("%s changed on disk since you opened it (another editor, or another seqlab). %s", filepath.Base(p.path), kept),
		choices: []choice{
			{[]string{"o"}, "overwrite it with your version", func(m *Model) tea.Cmd {
				m.saveChecked(false)
				return nil
			}},
			{[]string{"s"}, "save yours under another name…", func(m *Model) tea.Cmd {
				m.dialog = saveAsDialog(p)
				return nil
			}},
			{[]string{"esc"}, "cancel", func(m *Model) tea.Cmd { return nil }},
		},
	}
}
