package render

import (
	"fmt"
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
	"charm.land/lipgloss/v2/table"
	"github.com/charmbracelet/x/ansi"

	"github.com/seqlab/seqlab/display"
)

// drawTable draws t with a rounded border, its title above and its header in the
// header style. Columns of numbers are right-aligned. When the table is too
// wide, the widest columns shrink first and their cells are cut with "…";
// columns that still do not fit are left out, with a note.
func drawTable(t *display.Table, width int, th Theme) string {
	ncol := len(t.Header)
	for _, r := range t.Rows {
		ncol = max(ncol, len(r))
	}
	var lines []string
	if t.Title != "" {
		lines = append(lines, th.Title.Render(cut(cleanLine(t.Title), width)))
	}
	if ncol == 0 {
		return strings.Join(append(lines, th.Muted.Render("(empty table)")), "\n")
	}
	cell := func(r []string, j int) string {
		if j < len(r) {
			return cleanLine(r[j])
		}
		return ""
	}

	// Natural column widths, then shrink the widest until the table fits:
	// each column takes its width plus 2 cells of padding and 1 of border.
	widths := make([]int, ncol)
	numeric := make([]bool, ncol)
	for j := range ncol {
		widths[j] = max(ansi.StringWidth(cell(t.Header, j)), 1)
		numeric[j] = len(t.Rows) > 0
		for _, r := range t.Rows {
			c := cell(r, j)
			widths[j] = max(widths[j], ansi.StringWidth(c))
			if _, err := strconv.ParseFloat(strings.TrimSpace(c), 64); err != nil && c != "" {
				numeric[j] = false
			}
		}
	}
	const minCol = 3 // "ab…"
	shown := ncol
	for shown > 1 && 1+shown*(minCol+3) > width {
		shown--
	}
	widths = widths[:shown]
	total := func() int {
		n := 1
		for _, w := range widths {
			n += w + 3
		}
		return n
	}
	for total() > width {
		k := 0
		for j, w := range widths {
			if w > widths[k] {
				k = j
			}
		}
		if widths[k] <= minCol {
			break
		}
		widths[k]--
	}

	fitRow := func(r []string) []string {
		out := make([]string, shown)
		for j := range shown {
			out[j] = cut(cell(r, j), widths[j])
		}
		return out
	}
	tb := table.New().
		Border(lipgloss.RoundedBorder()).
		BorderStyle(th.Border).
		StyleFunc(func(row, col int) lipgloss.Style {
			var st lipgloss.Style
			if row == table.HeaderRow {
				st = th.Header
			} else {
				st = th.Text
			}
			st = st.Padding(0, 1)
			if col < len(numeric) && numeric[col] {
				st = st.Align(lipgloss.Right)
			}
			return st
		})
	if len(t.Header) > 0 {
		tb.Headers(fitRow(t.Header)...)
	}
	for _, r := range t.Rows {
		tb.Row(fitRow(r)...)
	}
	lines = append(lines, tb.Render())
	if shown < ncol {
		lines = append(lines, notes([]string{fmt.Sprintf("showing %d of %d columns; the rest do not fit in %d columns", shown, ncol, width)}, width, th)...)
	}
	return strings.Join(lines, "\n")
}
