package display

import (
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
)

// Heatmap is a grid of numbers shown as shades, with labelled rows and
// columns: attention weights (queries down, keys across), gate activations
// over time, a confusion matrix.
//
// Mistakes never panic: rows of different lengths are drawn with the missing
// cells blank, and a bad Range or a wrong number of labels is recorded in
// Errors, which Text prints under the grid.
type Heatmap struct {
	Title     string      `json:"title"`
	Values    [][]float64 `json:"values"` // Values[i][j] is row i, column j
	RowLabels []string    `json:"rows"`   // one per row; missing ones show the row index
	ColLabels []string    `json:"cols"`   // one per column; missing ones show the column index
	// Fixed says that the shades span [Min, Max] (set by Range); otherwise
	// they span the smallest and largest finite value (see Bounds).
	Fixed  bool     `json:"fixed"`
	Min    float64  `json:"min"`
	Max    float64  `json:"max"`
	Errors []string `json:"errors,omitempty"`
}

// ramp holds the shades from lowest to highest; NaN cells show nanCell.
const (
	ramp    = " ░▒▓█"
	nanCell = '?'
)

// NewHeatmap returns a heatmap of values (copied), row by row.
func NewHeatmap(title string, values [][]float64) *Heatmap {
	h := &Heatmap{Title: title}
	if values != nil {
		h.Values = make([][]float64, len(values))
		for i, r := range values {
			h.Values[i] = append([]float64(nil), r...)
		}
	}
	return h
}

// Rows labels the rows (e.g. the query tokens) and returns h.
func (h *Heatmap) Rows(labels ...string) *Heatmap {
	h.RowLabels = append([]string(nil), labels...)
	if len(labels) != len(h.Values) {
		h.Errors = append(h.Errors, fmt.Sprintf("Rows: %d labels for %d rows", len(labels), len(h.Values)))
	}
	return h
}

// Cols labels the columns (e.g. the key tokens) and returns h.
func (h *Heatmap) Cols(labels ...string) *Heatmap {
	h.ColLabels = append([]string(nil), labels...)
	if n := h.numCols(); len(labels) != n {
		h.Errors = append(h.Errors, fmt.Sprintf("Cols: %d labels for %d columns", len(labels), n))
	}
	return h
}

// Range fixes the values the shades span, e.g. Range(0, 1) for attention
// weights, so that several heatmaps compare; values outside are drawn as the
// nearest end. It returns h. A range with min > max is swapped, and one that
// is not finite is ignored; both are recorded in Errors.
func (h *Heatmap) Range(min, max float64) *Heatmap {
	if math.IsNaN(min) || math.IsNaN(max) || math.IsInf(min, 0) || math.IsInf(max, 0) {
		h.Errors = append(h.Errors, fmt.Sprintf("Range(%v, %v): the range must be finite; ignored", min, max))
		return h
	}
	if min > max {
		h.Errors = append(h.Errors, fmt.Sprintf("Range(%v, %v): min is larger than max; swapped", min, max))
		min, max = max, min
	}
	h.Fixed, h.Min, h.Max = true, min, max
	return h
}

// Bounds returns the values the shades span: Min and Max if the range is
// fixed, else the smallest and largest finite value (0, 0 if there is none).
func (h *Heatmap) Bounds() (lo, hi float64) {
	if h.Fixed {
		return h.Min, h.Max
	}
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, r := range h.Values {
		for _, v := range r {
			if !math.IsNaN(v) && !math.IsInf(v, 0) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	if lo > hi {
		return 0, 0
	}
	return lo, hi
}

func (h *Heatmap) numCols() int {
	n := 0
	for _, r := range h.Values {
		n = max(n, len(r))
	}
	return n
}

// shade is the character for v in [lo, hi].
func shade(v, lo, hi float64) rune {
	levels := []rune(ramp)
	n := len(levels)
	switch {
	case math.IsNaN(v):
		return nanCell
	case !(hi > lo) || math.IsInf(lo, 0) || math.IsInf(hi, 0):
		return levels[n/2] // a constant map: every cell alike, mid-shade
	}
	k := int(math.Floor(frac(math.Max(lo, math.Min(hi, v)), lo, hi) * float64(n)))
	return levels[min(max(k, 0), n-1)]
}

// Kind returns "heatmap".
func (h *Heatmap) Kind() string { return KindHeatmap }

// maxColLabelRows caps how many rows vertical column labels take.
const maxColLabelRows = 6

// Text draws one shaded character pair per cell (one character when width is
// short), the row labels on the left, the column labels underneath (written
// downwards when they do not fit across), and a scale from the lowest to the
// highest shade. Columns that do not fit in width are left out, with a note.
func (h *Heatmap) Text(width int) string {
	width = normWidth(width)
	if h == nil {
		return ""
	}
	var lines []string
	if h.Title != "" {
		lines = append(lines, cleanLine(h.Title))
	}
	notes := append([]string(nil), h.Errors...)
	nrow, ncol := len(h.Values), h.numCols()
	if nrow == 0 || ncol == 0 {
		lines = append(lines, "(empty heatmap)")
		lines = append(lines, noteLines(notes, width)...)
		return finish(lines, width)
	}

	rowLabel := func(i int) string {
		if i < len(h.RowLabels) {
			return cleanLine(h.RowLabels[i])
		}
		return strconv.Itoa(i)
	}
	colLabel := func(j int) string {
		if j < len(h.ColLabels) {
			return cleanLine(h.ColLabels[j])
		}
		return strconv.Itoa(j)
	}
	lw := 0
	for i := range nrow {
		lw = max(lw, runeLen(rowLabel(i)))
	}
	lw = min(lw, max(width/4, 4))
	avail := max(width-lw-1, 1)
	cw := 2
	if ncol*cw > avail {
		cw = 1
	}
	shown := min(ncol, avail/cw)
	if shown < ncol {
		notes = append(notes, fmt.Sprintf("showing columns 0–%d of %d; the rest do not fit in %d columns", shown-1, ncol, width))
	}

	lo, hi := h.Bounds()
	indent := strings.Repeat(" ", lw+1)
	ragged := false
	for i, r := range h.Values {
		var b strings.Builder
		b.WriteString(padLeft(truncate(rowLabel(i), lw), lw))
		b.WriteByte(' ')
		for j := range shown {
			c := ' '
			if j < len(r) {
				c = shade(r[j], lo, hi)
			} else {
				ragged = true
			}
			b.WriteString(strings.Repeat(string(c), cw))
		}
		lines = append(lines, b.String())
	}
	if ragged {
		notes = append(notes, fmt.Sprintf("rows have different lengths; missing cells are blank (widest row: %d)", ncol))
	}

	// Column labels: across when each fits in its cell with a space to
	// spare, else downwards, numbers aligned on their last digit.
	across, numeric, longest := true, true, 0
	for j := range shown {
		l := colLabel(j)
		longest = max(longest, runeLen(l))
		if runeLen(l) > cw-1 {
			across = false
		}
		if _, err := strconv.Atoi(l); err != nil {
			numeric = false
		}
	}
	if across {
		var b strings.Builder
		for j := range shown {
			b.WriteString(padRight(colLabel(j), cw))
		}
		lines = append(lines, indent+b.String())
	} else {
		depth := min(longest, maxColLabelRows)
		for k := range depth {
			var b strings.Builder
			for j := range shown {
				l := []rune(colLabel(j))
				if numeric {
					l = []rune(padLeft(string(l), longest))[longest-depth:]
				} else if len(l) > depth {
					l = []rune(truncate(string(l), depth))
				}
				c := ' '
				if k < len(l) {
					c = l[k]
				}
				b.WriteString(padRight(string(c), cw))
			}
			lines = append(lines, indent+b.String())
		}
	}

	// The scale: the ramp between the values its ends stand for.
	var scale string
	switch {
	case !(hi > lo):
		scale = fmt.Sprintf("scale  every value %s [%c]", formatNum(lo, 4), shade(lo, lo, hi))
	default:
		scale = fmt.Sprintf("scale  %s [%s] %s", formatNum(lo, 3), ramp, formatNum(hi, 3))
	}
	if h.Fixed {
		scale += "  (fixed)"
	}
	if h.hasNaN(shown) {
		scale += fmt.Sprintf("   %c NaN", nanCell)
	}
	lines = append(lines, scale)
	lines = append(lines, noteLines(notes, width)...)
	return finish(lines, width)
}

func (h *Heatmap) hasNaN(cols int) bool {
	for _, r := range h.Values {
		for _, v := range r[:min(cols, len(r))] {
			if math.IsNaN(v) {
				return true
			}
		}
	}
	return false
}

// heatmapJSON is the JSON form: numbers go through num to keep NaN and ±Inf.
type heatmapJSON struct {
	Kind      string   `json:"kind"`
	Title     string   `json:"title"`
	Values    [][]num  `json:"values"`
	RowLabels []string `json:"rows"`
	ColLabels []string `json:"cols"`
	Fixed     bool     `json:"fixed"`
	Min       num      `json:"min"`
	Max       num      `json:"max"`
	Errors    []string `json:"errors,omitempty"`
}

// MarshalJSON writes the JSON form described at Marshal.
func (h *Heatmap) MarshalJSON() ([]byte, error) {
	w := heatmapJSON{Kind: KindHeatmap, Title: h.Title, RowLabels: h.RowLabels, ColLabels: h.ColLabels,
		Fixed: h.Fixed, Min: num(h.Min), Max: num(h.Max), Errors: h.Errors}
	if h.Values != nil {
		w.Values = make([][]num, len(h.Values))
		for i, r := range h.Values {
			w.Values[i] = toNums(r)
		}
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads the JSON form written by MarshalJSON.
func (h *Heatmap) UnmarshalJSON(data []byte) error {
	var w heatmapJSON
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	if err := checkKind(w.Kind, KindHeatmap); err != nil {
		return err
	}
	*h = Heatmap{Title: w.Title, RowLabels: w.RowLabels, ColLabels: w.ColLabels,
		Fixed: w.Fixed, Min: float64(w.Min), Max: float64(w.Max), Errors: w.Errors}
	if w.Values != nil {
		h.Values = make([][]float64, len(w.Values))
		for i, r := range w.Values {
			h.Values[i] = fromNums(r)
		}
	}
	return nil
}
