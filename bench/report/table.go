package report

import (
	"strings"
	"unicode/utf8"
)

// Table is a rendered table: the first column labels the rows and the other
// columns hold formatted values. An empty cell means "not measured". Notes
// are printed under the table (slopes, footnotes, what the cells mean).
type Table struct {
	Title  string
	Header []string
	Rows   [][]string
	Notes  []string
}

// String renders t as aligned plain text, like benchstat: the title, the
// header, the rows (the label column left-aligned, values right-aligned)
// and the notes.
func (t Table) String() string {
	widths := make([]int, t.columns())
	measure := func(row []string) {
		for i, cell := range row {
			widths[i] = max(widths[i], utf8.RuneCountInString(cell))
		}
	}
	measure(t.Header)
	for _, row := range t.Rows {
		measure(row)
	}

	var b strings.Builder
	if t.Title != "" {
		b.WriteString(t.Title)
		b.WriteByte('\n')
	}
	line := func(row []string) {
		var l strings.Builder
		for i := range widths {
			cell := ""
			if i < len(row) {
				cell = row[i]
			}
			pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(cell))
			if i == 0 {
				l.WriteString(cell + pad)
			} else {
				l.WriteString("  " + pad + cell)
			}
		}
		b.WriteString(strings.TrimRight(l.String(), " "))
		b.WriteByte('\n')
	}
	if len(t.Header) > 0 {
		line(t.Header)
	}
	for _, row := range t.Rows {
		line(row)
	}
	for _, note := range t.Notes {
		b.WriteString(note)
		b.WriteByte('\n')
	}
	return b.String()
}

// Markdown renders t as a GitHub Markdown table: the title in bold above it
// and the notes as a list below it.
func (t Table) Markdown() string {
	n := t.columns()
	var b strings.Builder
	if t.Title != "" {
		b.WriteString("**" + escapeMarkdown(t.Title) + "**\n\n")
	}
	row := func(cells []string) {
		b.WriteString("|")
		for i := range n {
			cell := ""
			if i < len(cells) {
				cell = escapeMarkdown(cells[i])
			}
			b.WriteString(" " + cell + " |")
		}
		b.WriteByte('\n')
	}
	row(t.Header)
	b.WriteString("|")
	for i := range n {
		if i == 0 {
			b.WriteString(" :--- |")
		} else {
			b.WriteString(" ---: |")
		}
	}
	b.WriteByte('\n')
	for _, r := range t.Rows {
		row(r)
	}
	if len(t.Notes) > 0 {
		b.WriteByte('\n')
		for _, note := range t.Notes {
			// An indented note belongs to the one above it (the slopes
			// under their heading); padding that aligns plain text means
			// nothing here.
			item := "- "
			if strings.HasPrefix(note, " ") {
				item = "  - "
			}
			b.WriteString(item + escapeMarkdown(strings.Join(strings.Fields(note), " ")) + "\n")
		}
	}
	return b.String()
}

// columns is the number of columns: the widest of the header and the rows.
func (t Table) columns() int {
	n := len(t.Header)
	for _, row := range t.Rows {
		n = max(n, len(row))
	}
	return n
}

// escapeMarkdown escapes the characters that would break a table cell or
// turn into emphasis.
var escapeMarkdown = strings.NewReplacer(`|`, `\|`, `*`, `\*`, `_`, `\_`).Replace
