package tui

import (
	"charm.land/lipgloss/v2"

	"github.com/seqlab/seqlab/tui/render"
)

// theme is the app's styles on top of the renderers' theme. Colours follow
// the terminal's background (dark or light, asked at start); bubbletea
// lowers them to what the terminal supports and drops them under NO_COLOR.
type theme struct {
	render.Theme
	Title, Mode, Muted, Accent, Pass, Fail, Error lipgloss.Style
	Output, Result, Selected, Popup, Hint, Dialog lipgloss.Style
}

func newTheme(dark bool) *theme {
	pick := func(light, dk string) lipgloss.Style {
		if dark {
			return lipgloss.NewStyle().Foreground(lipgloss.Color(dk))
		}
		return lipgloss.NewStyle().Foreground(lipgloss.Color(light))
	}
	col := func(light, dk string) string {
		if dark {
			return dk
		}
		return light
	}
	t := &theme{Theme: render.NewTheme(dark)}
	t.Title = lipgloss.NewStyle().Bold(true).Padding(0, 1).
		Foreground(lipgloss.Color(col("#ffffff", "#1a1a1a"))).
		Background(lipgloss.Color(col("#5a3fc0", "#b7a4ff")))
	t.Mode = lipgloss.NewStyle().Bold(true).
		Foreground(lipgloss.Color(col("#ffffff", "#1a1a1a"))).
		Background(lipgloss.Color(col("#2f7d4f", "#8fd3a8")))
	t.Muted = pick("#6b6b6b", "#8a8a8a")
	t.Accent = pick("#5a3fc0", "#b7a4ff").Bold(true)
	t.Pass = pick("#1f7a3a", "#6fdc8c").Bold(true)
	t.Fail = pick("#b3261e", "#ff7b72").Bold(true)
	t.Error = pick("#b3261e", "#ff7b72")
	t.Output = lipgloss.NewStyle()
	t.Result = pick("#0b5fa5", "#79c0ff")
	t.Selected = lipgloss.NewStyle().Bold(true).
		Foreground(lipgloss.Color(col("#ffffff", "#1a1a1a"))).
		Background(lipgloss.Color(col("#5a3fc0", "#b7a4ff")))
	t.Popup = lipgloss.NewStyle().
		Foreground(lipgloss.Color(col("#1a1a1a", "#e6e6e6"))).
		Background(lipgloss.Color(col("#e8e4f7", "#2d2a3e")))
	t.Hint = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).Padding(0, 1).
		BorderForeground(lipgloss.Color(col("#b08800", "#e3b341")))
	t.Dialog = lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).Padding(1, 2).
		BorderForeground(lipgloss.Color(col("#5a3fc0", "#b7a4ff")))
	return t
}
