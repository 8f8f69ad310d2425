package tui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/seqlab/seqlab/lessons"
)

// lessonPane is the lesson navigator: the course with the learner's
// progress; enter opens a lesson.
type lessonPane struct {
	list     []lessons.Lesson
	progress *lessons.Progress
	sel      int
}

func newLessonPane(p *lessons.Progress) *lessonPane {
	return &lessonPane{list: lessons.List(), progress: p}
}

func (l *lessonPane) selectSlug(slug string) {
	for i, x := range l.list {
		if x.Slug == slug {
			l.sel = i
		}
	}
}

func (l *lessonPane) key(msg tea.KeyPressMsg, m *Model) tea.Cmd {
	switch msg.String() {
	case "up", "k":
		l.sel = max(0, l.sel-1)
	case "down", "j":
		l.sel = min(len(l.list)-1, l.sel+1)
	case "g", "home":
		l.sel = 0
	case "G", "end":
		l.sel = len(l.list) - 1
	case "enter", "right", "l":
		if l.sel < len(l.list) {
			if m.nb != nil && m.nb.lesson == l.list[l.sel].Slug {
				m.screen = screenNotebook
				return nil
			}
			return m.switchToLesson(l.list[l.sel].Slug)
		}
	case "esc", "left":
		if m.nb != nil {
			m.screen = screenNotebook
		}
	case "B":
		m.screen = screenBench
	case "?":
		m.help = true
	}
	return nil
}

func (l *lessonPane) view(width, height int, th *theme) string {
	var lines []string
	lines = append(lines, "", th.Accent.Render("  The course")+th.Muted.Render("  — from a neuron to transformers; enter opens a lesson"), "")
	if len(l.list) == 0 {
		lines = append(lines, "  No lessons are built into this seqlab.")
	}
	for i, x := range l.list {
		frac := l.progress.Fraction(x.Slug)
		mark := th.Muted.Render("○")
		switch {
		case l.progress.Finished(x.Slug):
			mark = th.Pass.Render("✓")
		case frac > 0:
			mark = th.Accent.Render("◐")
		}
		bar := progressBar(frac, 10, th)
		title := fmt.Sprintf("%d. %s", x.Number, x.Title)
		tw := max(10, width-24)
		line := fmt.Sprintf("  %s %s %s", mark, padTo(ansi.Truncate(title, tw, "…"), tw), bar)
		if i == l.sel {
			line = th.Selected.Render(padTo(ansi.Strip(line), width))
		}
		lines = append(lines, line)
		if i == l.sel && x.Goal != "" {
			goal := lipgloss.NewStyle().Width(max(20, width-8)).Render(x.Goal)
			for _, g := range strings.Split(goal, "\n") {
				lines = append(lines, "      "+th.Muted.Render(g))
			}
		}
	}
	lines = append(lines, "", th.Muted.Render("  ✓ finished  ◐ started  ○ not started · progress is saved as you go"))
	// Keep the selected lesson in view on short screens.
	start := 0
	if len(lines) > height {
		start = min(max(0, l.sel+3-height/2), len(lines)-height)
	}
	lines = lines[start:]
	for len(lines) < height {
		lines = append(lines, "")
	}
	return strings.Join(lines[:height], "\n")
}

func progressBar(frac float64, width int, th *theme) string {
	n := int(frac*float64(width) + 0.5)
	n = max(0, min(width, n))
	return th.Pass.Render(strings.Repeat("█", n)) + th.Muted.Render(strings.Repeat("░", width-n)) +
		fmt.Sprintf(" %3.0f%%", 100*frac)
}

func padTo(s string, w int) string {
	if k := lipgloss.Width(s); k < w {
		return s + strings.Repeat(" ", w-k)
	}
	return s
}
