package tui

import (
	"fmt"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// ---- view ----

// View draws the screen.
func (m *Model) View() tea.View {
	var body string
	switch m.screen {
	case screenLessons:
		body = m.nav.view(m.width, m.height-2, m.th)
	case screenBench:
		body = m.bench.view(m.width, m.height-2, m.th)
	default:
		body = m.nb.view(m.th)
	}
	lines := []string{m.titleBar(), body, m.noteLine(), m.statusBar()}
	if m.screen != screenNotebook {
		lines = []string{m.titleBar(), body, m.statusBar()}
	}
	content := strings.Join(lines, "\n")
	switch {
	case m.dialog != nil:
		content = overlay(content, m.dialog.view(m.width, m.th), m.width, m.height)
	case m.palette != nil:
		content = overlay(content, m.palette.view(m.width, m.height, m.th), m.width, m.height)
	case m.help:
		content = overlay(content, m.helpView(), m.width, m.height)
	}
	v := tea.NewView(fitScreen(content, m.width, m.height))
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "seqlab"
	return v
}

// fitScreen makes content exactly height lines of at most width cells.
func fitScreen(s string, width, height int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > height {
		lines = lines[:height]
	}
	for i, l := range lines {
		if lipgloss.Width(l) > width {
			lines[i] = ansi.Truncate(l, width, "")
		}
	}
	for len(lines) < height {
		lines = append(lines, "")
	}
	return strings.Join(lines, "\n")
}

func (m *Model) titleBar() string {
	title := "seqlab"
	switch m.screen {
	case screenLessons:
		title += " · lessons"
	case screenBench:
		title += " · benchmarks"
	default:
		title += " · " + m.nb.title
		if m.nb.dirty {
			title += " ●"
		}
	}
	return m.th.Title.Width(m.width).Render(ansi.Truncate(title, m.width-2, "…"))
}

func (m *Model) noteLine() string {
	if m.note == "" {
		return ""
	}
	style := m.th.Muted
	if m.noteErr {
		style = m.th.Error
	}
	return style.Render(ansi.Truncate(m.note, m.width, "…"))
}

func (m *Model) statusBar() string {
	var left []string
	if m.screen == screenNotebook {
		mode := "COMMAND"
		if m.nb.mode == editMode {
			mode = "EDIT"
		}
		left = append(left, m.th.Mode.Render(" "+mode+" "))
		if m.nb.dirty {
			left = append(left, "unsaved")
		}
		if m.nb.lesson != "" {
			left = append(left, fmt.Sprintf("lesson %.0f%%", 100*m.progress.Fraction(m.nb.lesson)))
		}
		left = append(left, fmt.Sprintf("cell %d/%d", m.nb.sel+1, len(m.nb.nb.Cells)))
	}
	ks := m.kernelState
	if m.nb != nil && m.nb.run != nil {
		ks = fmt.Sprintf("busy %s", time.Since(m.nb.run.start).Round(time.Second))
		if n := len(m.nb.queue); n > 0 {
			ks += fmt.Sprintf(", %d queued", n)
		}
	}
	kstyle := m.th.Muted
	switch m.kernelState {
	case "dead":
		kstyle = m.th.Error
	case "busy", "restarting", "starting":
		kstyle = m.th.Accent
	}
	left = append(left, kstyle.Render("kernel "+ks))
	right := "? help · ctrl+p commands"
	if m.screen == screenNotebook && m.nb.mode == editMode {
		right = "esc command mode · ctrl+r run · tab complete"
	}
	l := strings.Join(left, m.th.Muted.Render(" │ "))
	gap := m.width - lipgloss.Width(l) - lipgloss.Width(right)
	if gap < 1 {
		return ansi.Truncate(l, m.width, "…")
	}
	return l + strings.Repeat(" ", gap) + m.th.Muted.Render(right)
}
