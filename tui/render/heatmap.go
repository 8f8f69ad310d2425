package render

import (
	"fmt"
	"image/color"
	"math"
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/seqlab/seqlab/display"
)

// shades go from the lowest value to the highest, as in display.Heatmap's
// Text; in colour they are drawn in the cell's own colour, so they only show
// where colour does not.
var shades = []string{" ", "░", "▒", "▓", "█"}

// nanCell marks a NaN cell, as display.Heatmap's Text does.
const nanCell = "?"

// drawHeatmap draws h as a grid of cells coloured on th.Scale between
// h.Bounds(), with the value written in each cell when the cells are wide
// enough, row labels on the left, column labels on top (cut, or written
// downwards over narrow cells), a legend of the scale and the notes on bad
// data.
func drawHeatmap(h *display.Heatmap, width int, th Theme) string {
	var lines []string
	if h.Title != "" {
		lines = append(lines, th.Title.Render(cut(cleanLine(h.Title), width)))
	}
	problems := append([]string(nil), h.Errors...)
	nrow, ncol := len(h.Values), 0
	for _, r := range h.Values {
		ncol = max(ncol, len(r))
	}
	if nrow == 0 || ncol == 0 {
		lines = append(lines, th.Muted.Render("(empty heatmap)"))
		return strings.Join(append(lines, notes(problems, width, th)...), "\n")
	}
	rowLabel := func(i int) string {
		if i < len(h.RowLabels) {
			return strings.TrimSpace(cleanLine(h.RowLabels[i]))
		}
		return strconv.Itoa(i)
	}
	colLabel := func(j int) string {
		if j < len(h.ColLabels) {
			return strings.TrimSpace(cleanLine(h.ColLabels[j]))
		}
		return strconv.Itoa(j)
	}
	lw := 0
	for i := range nrow {
		lw = max(lw, ansi.StringWidth(rowLabel(i)))
	}
	lw = min(lw, max(width/4, 4))
	avail := max(width-lw-1, 1)

	// Cells show their value (one shade, the number, a gap) when all of
	// them fit, else they are blocks of shades 1 to 4 cells wide.
	lo, hi := h.Bounds()
	format := cellFormat(h.Values)
	nw := 0
	for _, r := range h.Values {
		for _, v := range r {
			if finite(v) {
				nw = max(nw, len(format(v)))
			}
		}
	}
	numbers := nw > 0 && nw <= 6 && ncol*(nw+2) <= avail
	cw, gap := min(max(avail/ncol, 1), 4), 0
	if numbers {
		cw, gap = nw+1, 1
	}
	shown := min(ncol, (avail+gap)/(cw+gap))
	if shown < ncol {
		problems = append(problems, fmt.Sprintf("showing columns 0–%d of %d; the rest do not fit in %d columns", shown-1, ncol, width))
	}
	indent := strings.Repeat(" ", lw+1)

	// Column labels: across when each fits its cell with a space to spare,
	// else written downwards (over the last column of a cell with a number,
	// the first of a block), so that words such as the tokens of a sentence
	// stay readable.
	across := true
	longest := 0
	for j := range shown {
		longest = max(longest, ansi.StringWidth(colLabel(j)))
		if ansi.StringWidth(colLabel(j)) > max(cw+gap-1, 1) {
			across = false
		}
	}
	if across {
		var b strings.Builder
		for j := range shown {
			if j > 0 {
				b.WriteString(strings.Repeat(" ", gap))
			}
			b.WriteString(padLeft(cut(colLabel(j), cw), cw))
		}
		lines = append(lines, indent+th.Muted.Render(strings.TrimRight(b.String(), " ")))
	} else {
		depth := min(longest, 6)
		for k := range depth {
			var b strings.Builder
			for j := range shown {
				l := []rune(colLabel(j))
				if len(l) > depth {
					l = append(l[:depth-1], '…')
				}
				// Written downwards, ending just above the grid.
				c := " "
				if at := k - (depth - len(l)); at >= 0 {
					c = string(l[at])
				}
				if numbers {
					if j > 0 {
						b.WriteString(strings.Repeat(" ", gap))
					}
					b.WriteString(padLeft(c, cw))
				} else {
					b.WriteString(padRight(c, cw))
				}
			}
			lines = append(lines, indent+th.Muted.Render(strings.TrimRight(b.String(), " ")))
		}
	}

	ragged, hasNaN := false, false
	for i, r := range h.Values {
		var b runs
		b.add(padLeft(cut(rowLabel(i), lw), lw)+" ", "muted", th.Muted)
		for j := range shown {
			if j > 0 && gap > 0 {
				b.add(strings.Repeat(" ", gap), plain, th.Text)
			}
			switch {
			case j >= len(r):
				ragged = true
				b.add(strings.Repeat(" ", cw), plain, th.Text)
			case math.IsNaN(r[j]):
				hasNaN = true
				b.add(padLeft(nanCell, cw), "nan", th.Error)
			default:
				f := level(r[j], lo, hi)
				bg := th.scaleColor(f)
				shade := shades[min(int(f*float64(len(shades))), len(shades)-1)]
				text := ""
				if numbers {
					text = format(r[j])
				}
				if len(text) >= cw { // ±Inf, left out of nw: the shade tells
					text = ""
				}
				fill := strings.Repeat(shade, cw-len(text))
				b.add(fill, colorKey(bg, bg), cellStyle(bg, bg))
				if text != "" {
					b.add(text, colorKey(bg, contrast(bg)), cellStyle(bg, contrast(bg)))
				}
			}
		}
		lines = append(lines, b.String())
	}
	if ragged {
		problems = append(problems, fmt.Sprintf("rows have different lengths; missing cells are blank (widest row: %d)", ncol))
	}

	// The legend: the scale from its lowest value to its highest, shorter
	// when the width is short.
	legend := func(prefix string, steps int) (string, int) {
		var b runs
		b.add(prefix, "muted", th.Muted)
		w := ansi.StringWidth(prefix)
		text := func(s string) {
			b.add(s, "muted", th.Muted)
			w += ansi.StringWidth(s)
		}
		if !(hi > lo) {
			bg := th.scaleColor(0.5)
			text("every value " + formatTick(lo) + " ")
			b.add(shades[len(shades)/2], colorKey(bg, bg), cellStyle(bg, bg))
			w++
		} else {
			text(formatTick(lo) + " ")
			for k := range steps {
				f := (float64(k) + 0.5) / float64(steps)
				bg := th.scaleColor(f)
				b.add(shades[int(f*float64(len(shades)))], colorKey(bg, bg), cellStyle(bg, bg))
			}
			w += steps
			text(" " + formatTick(hi))
		}
		if h.Fixed {
			text("  (fixed)")
		}
		if hasNaN {
			text("   ")
			b.add(nanCell, "nan", th.Error)
			w++
			text(" NaN")
		}
		return b.String(), w
	}
	legendLine, lw2 := legend("scale  ", 10)
	if lw2 > width {
		legendLine, _ = legend("", 5)
	}
	lines = append(lines, legendLine)
	lines = append(lines, notes(problems, width, th)...)
	return strings.Join(lines, "\n")
}

// level is where v lies on the scale from lo (0) to hi (1), clamped; a
// constant map is in the middle.
func level(v, lo, hi float64) float64 {
	if !(hi > lo) || !finite(lo) || !finite(hi) {
		return 0.5
	}
	return math.Max(0, math.Min(1, frac(math.Max(lo, math.Min(hi, v)), lo, hi)))
}

// cellStyle is a cell's style: background bg, foreground fg (either may be
// nil, for a theme without colours).
func cellStyle(bg, fg color.Color) lipgloss.Style {
	st := lipgloss.NewStyle()
	if bg != nil {
		st = st.Background(bg)
	}
	if fg != nil {
		st = st.Foreground(fg)
	}
	return st
}

// colorKey names a cell style for runs.
func colorKey(bg, fg color.Color) string {
	return fmt.Sprintf("cell %v %v", bg, fg)
}

// cellFormat picks how cell values are written: whole numbers as they are,
// others with two decimals and no leading zero (".42", "1.00", "-.07"), and
// values of 1000 or more with three significant digits.
func cellFormat(values [][]float64) func(float64) string {
	whole := true
	for _, r := range values {
		for _, v := range r {
			if finite(v) && v != math.Trunc(v) {
				whole = false
			}
		}
	}
	return func(v float64) string {
		switch {
		case whole && math.Abs(v) < 1e6:
			return strconv.FormatFloat(v, 'f', 0, 64)
		case math.Abs(v) >= 1000:
			return formatTick(v)
		}
		s := strconv.FormatFloat(v, 'f', 2, 64)
		if s == "-0.00" {
			s = "0.00"
		}
		if strings.HasPrefix(s, "0.") {
			return s[1:]
		}
		if strings.HasPrefix(s, "-0.") {
			return "-" + s[2:]
		}
		return s
	}
}
