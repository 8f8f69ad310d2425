package display

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Table is a table of text cells under a header. Cells are stored as the text
// they show, so its JSON form is the table as a reader sees it.
type Table struct {
	Title  string     `json:"title"`  // shown above the table; may be empty
	Header []string   `json:"header"` // column names
	Rows   [][]string `json:"rows"`   // the cells, row by row
}

// NewTable returns an empty table with the given column names.
func NewTable(header ...string) *Table {
	return &Table{Header: append([]string(nil), header...)}
}

// SetTitle sets the title shown above the table and returns t.
func (t *Table) SetTitle(title string) *Table {
	t.Title = title
	return t
}

// Row appends a row and returns t. Floating-point cells are formatted with
// %.4g (0.41237 shows as 0.4124), nil as an empty cell, everything else with
// %v. A row may have fewer cells than the header (the rest stay empty) or more
// (the extra columns get no name).
func (t *Table) Row(cells ...any) *Table {
	row := make([]string, len(cells))
	for i, c := range cells {
		row[i] = formatCell(c)
	}
	t.Rows = append(t.Rows, row)
	return t
}

func formatCell(c any) string {
	switch x := c.(type) {
	case nil:
		return ""
	case float64:
		return fmt.Sprintf("%.4g", x)
	case float32:
		return fmt.Sprintf("%.4g", x)
	case string:
		return x
	}
	return fmt.Sprintf("%v", c)
}

// Kind returns "table".
func (t *Table) Kind() string { return KindTable }

// Text renders the table with aligned columns (numbers right-aligned) and a
// rule under the header. Columns too wide for width are cut with "…".
func (t *Table) Text(width int) string {
	width = normWidth(width)
	if t == nil {
		return ""
	}
	var lines []string
	if t.Title != "" {
		lines = append(lines, cleanLine(t.Title))
	}
	ncol := len(t.Header)
	for _, r := range t.Rows {
		ncol = max(ncol, len(r))
	}
	if ncol == 0 {
		lines = append(lines, "(empty table)")
		return finish(lines, width)
	}
	cell := func(row []string, j int) string {
		if j < len(row) {
			return cleanLine(row[j])
		}
		return ""
	}
	// Column widths and alignment: a column whose cells are all numbers is
	// right-aligned.
	widths := make([]int, ncol)
	numeric := make([]bool, ncol)
	for j := range ncol {
		widths[j] = runeLen(cell(t.Header, j))
		seen, allNum := false, true
		for _, r := range t.Rows {
			c := cell(r, j)
			widths[j] = max(widths[j], runeLen(c))
			if c == "" {
				continue
			}
			seen = true
			if _, err := strconv.ParseFloat(strings.TrimSuffix(c, "%"), 64); err != nil {
				allNum = false
			}
		}
		numeric[j] = seen && allNum
		widths[j] = min(max(widths[j], 1), width)
	}
	const gap = 2
	total := gap * (ncol - 1)
	for _, w := range widths {
		total += w
	}
	// Too wide: take one column at a time from the widest until it fits (or
	// every column is down to one character).
	for total > width {
		widest := 0
		for j, w := range widths {
			if w > widths[widest] {
				widest = j
			}
		}
		if widths[widest] <= 1 {
			break
		}
		widths[widest]--
		total--
	}
	format := func(row []string) string {
		var b strings.Builder
		for j := range ncol {
			if j > 0 {
				b.WriteString(strings.Repeat(" ", gap))
			}
			c := truncate(cell(row, j), widths[j])
			if numeric[j] {
				b.WriteString(padLeft(c, widths[j]))
			} else {
				b.WriteString(padRight(c, widths[j]))
			}
		}
		return b.String()
	}
	if len(t.Header) > 0 {
		lines = append(lines, format(t.Header))
		var rule strings.Builder
		for j, w := range widths {
			if j > 0 {
				rule.WriteString(strings.Repeat(" ", gap))
			}
			rule.WriteString(strings.Repeat("─", w))
		}
		lines = append(lines, rule.String())
	}
	for _, r := range t.Rows {
		lines = append(lines, format(r))
	}
	if len(t.Rows) == 0 {
		lines = append(lines, "(no rows)")
	}
	return finish(lines, width)
}

// MarshalJSON writes the JSON form described at Marshal.
func (t *Table) MarshalJSON() ([]byte, error) {
	type plain Table
	return json.Marshal(struct {
		Kind string `json:"kind"`
		*plain
	}{KindTable, (*plain)(t)})
}

// UnmarshalJSON reads the JSON form written by MarshalJSON.
func (t *Table) UnmarshalJSON(data []byte) error {
	type plain Table
	var w struct {
		Kind string `json:"kind"`
		plain
	}
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	if err := checkKind(w.Kind, KindTable); err != nil {
		return err
	}
	*t = Table(w.plain)
	return nil
}
