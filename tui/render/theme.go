package render

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// Theme holds the styles every rendering draws with. Dark picks colours for
// a dark background (true) or a light one. The zero Theme draws without
// colour; use NewTheme.
//
// Colours are written as 24-bit; bubbletea downsamples them to what the
// terminal supports (and drops them under NO_COLOR), so no rendering relies
// on colour alone: plots mark series with glyphs, heatmaps shade their cells.
type Theme struct {
	Dark bool

	Text   lipgloss.Style // body text (the terminal's own foreground)
	Muted  lipgloss.Style // axes labels, gutters, secondary numbers
	Accent lipgloss.Style // progress bars, emphasis
	Title  lipgloss.Style // titles of tables, plots and heatmaps
	Header lipgloss.Style // table headers
	Border lipgloss.Style // table borders and plot axes
	Error  lipgloss.Style // errors and notes about bad data
	Pass   lipgloss.Style // a passed check
	Fail   lipgloss.Style // a failed check

	// Series are the line colours of plots, used in turn.
	Series []color.Color
	// Scale is the heatmap colour scale from the lowest value to the
	// highest, evenly spaced; the more ink (on this background), the higher.
	Scale []color.Color
	// CodeStyle names the chroma style for Code, e.g. "catppuccin-mocha".
	CodeStyle string
}

// scaleSteps is how many colours NewTheme blends the heatmap scale into.
const scaleSteps = 32

// NewTheme returns the theme for a dark (dark = true) or light background.
// Its series colours are the Okabe–Ito palette, told apart by colour-blind
// readers; its heatmap scale is viridis on dark backgrounds and
// yellow–green–blue on light ones.
func NewTheme(dark bool) Theme {
	pick := func(light, darkc string) color.Color {
		if dark {
			return lipgloss.Color(darkc)
		}
		return lipgloss.Color(light)
	}
	fg := func(light, darkc string) lipgloss.Style {
		return lipgloss.NewStyle().Foreground(pick(light, darkc))
	}
	th := Theme{
		Dark:   dark,
		Text:   lipgloss.NewStyle(),
		Muted:  fg("#7C7F93", "#7F849C"),
		Accent: fg("#1E66F5", "#89B4FA"),
		Title:  fg("#1E66F5", "#89B4FA").Bold(true),
		Header: fg("#8839EF", "#CBA6F7").Bold(true),
		Border: fg("#9CA0B0", "#585B70"),
		Error:  fg("#D20F39", "#F38BA8"),
		Pass:   fg("#40A02B", "#A6E3A1").Bold(true),
		Fail:   fg("#D20F39", "#F38BA8").Bold(true),
	}
	var series, stops []string
	if dark {
		th.CodeStyle = "catppuccin-mocha"
		series = []string{"#56B4E9", "#E69F00", "#009E73", "#CC79A7", "#F0E442", "#D55E00", "#0072B2"}
		stops = []string{"#440154", "#482878", "#3E4A89", "#31688E", "#26828E", "#1F9E89", "#35B779", "#6DCD59", "#B4DE2C", "#FDE725"}
	} else {
		th.CodeStyle = "catppuccin-latte"
		series = []string{"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"}
		stops = []string{"#FFFFD9", "#EDF8B1", "#C7E9B4", "#7FCDBB", "#41B6C4", "#1D91C0", "#225EA8", "#253494", "#081D58"}
	}
	for _, s := range series {
		th.Series = append(th.Series, lipgloss.Color(s))
	}
	var cs []color.Color
	for _, s := range stops {
		cs = append(cs, lipgloss.Color(s))
	}
	th.Scale = lipgloss.Blend1D(scaleSteps, cs...)
	return th
}

// seriesColor is the colour of series i.
func (th Theme) seriesColor(i int) color.Color {
	if len(th.Series) == 0 {
		return nil
	}
	return th.Series[i%len(th.Series)]
}

// scaleColor is the colour for f in [0, 1] on the heatmap scale (nil without
// a scale).
func (th Theme) scaleColor(f float64) color.Color {
	n := len(th.Scale)
	if n == 0 {
		return nil
	}
	k := int(f*float64(n-1) + 0.5)
	return th.Scale[min(max(k, 0), n-1)]
}

// contrast is black or white, whichever reads better on c.
func contrast(c color.Color) color.Color {
	if c == nil {
		return nil
	}
	r, g, b, _ := c.RGBA()
	// Relative luminance with the Rec. 709 weights, on 16-bit channels.
	if 0.2126*float64(r)+0.7152*float64(g)+0.0722*float64(b) > 0.5*0xffff {
		return lipgloss.Color("#000000")
	}
	return lipgloss.Color("#FFFFFF")
}
