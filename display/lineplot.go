package display

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
)

// LinePlot is a plot of named series of (x, y) points sharing two axes, such
// as the loss curves of several models or recall against lag.
//
// Mistakes in the data never panic: Add records them in Errors, which Text
// prints under the plot, and plots what it can.
type LinePlot struct {
	Title  string   `json:"title"`
	X      Axis     `json:"x"`
	Y      Axis     `json:"y"`
	Series []Series `json:"series"`
	// Errors lists problems found while the plot was built, e.g. a series
	// whose x and y have different lengths.
	Errors []string `json:"errors,omitempty"`
}

// Axis describes one axis of a LinePlot.
type Axis struct {
	Label string `json:"label"` // e.g. "step"
	Log   bool   `json:"log"`   // logarithmic scale (points ≤ 0 are not shown)
}

// Series is one named line of a LinePlot. X and Y have the same length.
// Non-finite points (NaN, ±Inf) are kept but not drawn; the line breaks
// there.
type Series struct {
	Name string    `json:"name"`
	X    []float64 `json:"x"`
	Y    []float64 `json:"y"`
}

// markers tell the series of a plot apart in its text rendering; the legend
// maps them to names.
const markers = "*+o#x@%&=~ABCDEFGHIJKLMNOPQRSTUVWXYZ"

// NewLinePlot returns an empty plot with a title.
func NewLinePlot(title string) *LinePlot {
	return &LinePlot{Title: title}
}

// Add adds a series and returns p. A nil x means 0, 1, 2, …. Add copies x
// and y. If x and y have different lengths, Add keeps the points they have in
// common and records the mismatch in p.Errors, which Text shows.
func (p *LinePlot) Add(name string, x, y []float64) *LinePlot {
	n := len(y)
	if x != nil && len(x) != len(y) {
		n = min(len(x), len(y))
		p.Errors = append(p.Errors, fmt.Sprintf("series %q: x has %d points but y has %d; plotted the first %d", name, len(x), len(y), n))
	}
	s := Series{Name: name, X: make([]float64, n), Y: make([]float64, n)}
	for i := range n {
		if x == nil {
			s.X[i] = float64(i)
		} else {
			s.X[i] = x[i]
		}
		s.Y[i] = y[i]
	}
	p.Series = append(p.Series, s)
	return p
}

// XLabel sets the label of the x axis and returns p.
func (p *LinePlot) XLabel(label string) *LinePlot { p.X.Label = label; return p }

// YLabel sets the label of the y axis and returns p.
func (p *LinePlot) YLabel(label string) *LinePlot { p.Y.Label = label; return p }

// LogX puts the x axis on a logarithmic scale and returns p.
func (p *LinePlot) LogX() *LinePlot { p.X.Log = true; return p }

// LogY puts the y axis on a logarithmic scale and returns p.
func (p *LinePlot) LogY() *LinePlot { p.Y.Log = true; return p }

// Kind returns "lineplot".
func (p *LinePlot) Kind() string { return KindLinePlot }

// plotHeight is the number of character rows of the plot area at a width;
// (h-1) is a multiple of 4 so that five y ticks fall on rows exactly.
func plotHeight(width int) int {
	switch {
	case width >= 60:
		return 13
	case width >= 30:
		return 9
	}
	return 5
}

// Text draws the plot as characters: each series with its own marker,
// consecutive points joined, y tick labels on the left, the x range below,
// and a legend. Points that are not finite (or ≤ 0 on a log axis) are left
// out; a single point or a constant series is drawn in the middle of a
// range around it.
func (p *LinePlot) Text(width int) string {
	width = normWidth(width)
	if p == nil {
		return ""
	}
	var lines []string
	if p.Title != "" {
		lines = append(lines, cleanLine(p.Title))
	}
	sp := p.AxisSpace()
	pts, notes := sp.Points, sp.Notes
	xlo, xhi, ylo, yhi := sp.XLo, sp.XHi, sp.YLo, sp.YHi
	if sp.Drawn == 0 {
		if len(p.Series) == 0 {
			lines = append(lines, "(no data: add a series with Add)")
		} else {
			lines = append(lines, "(no finite points to plot)")
		}
		lines = append(lines, p.legend(width)...)
		lines = append(lines, noteLines(notes, width)...)
		return finish(lines, width)
	}
	// The y tick labels decide how much room the plot area gets.
	h := plotHeight(width)
	tickRows := make([]bool, h)
	for k := range 5 {
		tickRows[k*(h-1)/4] = true
	}
	rowValue := func(r int) float64 { return lerp(yhi, ylo, float64(r)/float64(h-1)) }
	labels := tickLabels(h, tickRows, rowValue, p.Y.Log)
	lw := 0
	for _, l := range labels {
		lw = max(lw, runeLen(l))
	}
	w := max(width-lw-2, 9) // plot columns
	if w%2 == 0 {
		w-- // an odd width puts the middle tick on the middle of the x range
	}

	if label := axisTitle(p.Y); label != "" {
		lines = append(lines, padLeft("", max(lw-2, 0))+label)
	}
	grid := make([][]rune, h)
	for r := range grid {
		grid[r] = []rune(strings.Repeat(" ", w))
	}
	toCell := func(q AxisPoint) (int, int) {
		c := int(math.Round(frac(q.X, xlo, xhi) * float64(w-1)))
		r := int(math.Round(frac(q.Y, yhi, ylo) * float64(h-1)))
		return min(max(c, 0), w-1), min(max(r, 0), h-1)
	}
	for i, s := range pts {
		mark := rune(markers[i%len(markers)])
		havePrev := false
		var pc, pr int
		for _, q := range s {
			if !q.OK {
				havePrev = false
				continue
			}
			c, r := toCell(q)
			if havePrev {
				// Join the previous point to this one, one cell per step
				// along the longer direction.
				dc, dr := c-pc, r-pr
				steps := max(abs(dc), abs(dr))
				for k := 1; k < steps; k++ {
					cc := pc + int(math.Round(float64(k*dc)/float64(steps)))
					rr := pr + int(math.Round(float64(k*dr)/float64(steps)))
					grid[rr][cc] = mark
				}
			}
			grid[r][c] = mark
			pc, pr, havePrev = c, r, true
		}
	}
	for r := range h {
		axis := " │"
		if tickRows[r] {
			axis = " ┤"
		}
		lines = append(lines, padLeft(labels[r], lw)+axis+string(grid[r]))
	}

	// The x axis: ticks at both ends and in the middle, with their values.
	indent := strings.Repeat(" ", lw+1)
	axis := []rune(strings.Repeat("─", w))
	mid := (w - 1) / 2
	axis[0], axis[mid], axis[w-1] = '┬', '┬', '┬'
	lines = append(lines, indent+"└"+string(axis))
	colValue := func(c int) float64 {
		v := lerp(xlo, xhi, float64(c)/float64(w-1))
		if p.X.Log {
			v = math.Pow(10, v)
		}
		return v
	}
	xl := tickLabels(3, []bool{true, true, true}, func(k int) float64 { return colValue([]int{0, mid, w - 1}[k]) }, false)
	lab := []rune(strings.Repeat(" ", w))
	put := func(at int, s string) {
		for k, r := range []rune(s) {
			if at+k >= 0 && at+k < len(lab) {
				lab[at+k] = r
			}
		}
	}
	left, right := xl[0], xl[2]
	put(0, left)
	put(w-runeLen(right), right)
	midAt := mid - runeLen(xl[1])/2
	if midAt > runeLen(left)+1 && midAt+runeLen(xl[1]) < w-runeLen(right)-1 {
		put(midAt, xl[1])
	}
	lines = append(lines, indent+" "+string(lab))
	if label := axisTitle(p.X); label != "" {
		label = truncate(label, w)
		lines = append(lines, indent+" "+strings.Repeat(" ", (w-runeLen(label))/2)+label)
	}
	lines = append(lines, p.legend(width)...)
	lines = append(lines, noteLines(notes, width)...)
	return finish(lines, width)
}

func axisTitle(a Axis) string {
	l := cleanLine(a.Label)
	if a.Log {
		if l == "" {
			return "(log scale)"
		}
		return l + " (log scale)"
	}
	return l
}

// legend maps each series' marker to its name, wrapped to width.
func (p *LinePlot) legend(width int) []string {
	if len(p.Series) == 0 {
		return nil
	}
	var lines []string
	line := ""
	for i, s := range p.Series {
		name := cleanLine(s.Name)
		if name == "" {
			name = fmt.Sprintf("series %d", i+1)
		}
		item := string(markers[i%len(markers)]) + " " + truncate(name, max(width-4, 1))
		switch {
		case line == "":
			line = "  " + item
		case runeLen(line)+3+runeLen(item) <= width:
			line += "   " + item
		default:
			lines = append(lines, line)
			line = "  " + item
		}
	}
	return append(lines, line)
}

// widen gives a degenerate range (one x value, a constant series) some room,
// so that its points land in the middle of the axis.
func widen(lo, hi float64, log bool) (float64, float64) {
	if hi > lo {
		return lo, hi
	}
	d := math.Abs(lo) / 2
	if log || d == 0 {
		d = 1 // one decade each way on a log axis
	}
	return math.Max(lo-d, -math.MaxFloat64), math.Min(hi+d, math.MaxFloat64)
}

// lerp is a + t·(b − a), computed so that it does not overflow for any
// finite a and b.
func lerp(a, b, t float64) float64 { return a*(1-t) + b*t }

// frac is where v lies between a (0) and b (1), computed so that it does not
// overflow for any finite a, b and v.
func frac(v, a, b float64) float64 { return (v/2 - a/2) / (b/2 - a/2) }

// tickLabels formats the values at the rows marked in ticks (untransforming
// log values) with as few significant digits as tell neighbours apart.
func tickLabels(n int, ticks []bool, value func(int) float64, log bool) []string {
	labels := make([]string, n)
	for prec := 3; prec <= 8; prec++ {
		prev, clash := "", false
		for r := range n {
			if !ticks[r] {
				labels[r] = ""
				continue
			}
			v := value(r)
			if log {
				v = math.Pow(10, v)
			}
			labels[r] = formatNum(v, prec)
			if labels[r] == prev {
				clash = true
			}
			prev = labels[r]
		}
		if !clash {
			break
		}
	}
	return labels
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// lineplotJSON is the JSON form: numbers go through num to keep NaN and ±Inf.
type lineplotJSON struct {
	Kind   string       `json:"kind"`
	Title  string       `json:"title"`
	X      Axis         `json:"x"`
	Y      Axis         `json:"y"`
	Series []seriesJSON `json:"series"`
	Errors []string     `json:"errors,omitempty"`
}

type seriesJSON struct {
	Name string `json:"name"`
	X    []num  `json:"x"`
	Y    []num  `json:"y"`
}

// MarshalJSON writes the JSON form described at Marshal.
func (p *LinePlot) MarshalJSON() ([]byte, error) {
	w := lineplotJSON{Kind: KindLinePlot, Title: p.Title, X: p.X, Y: p.Y, Errors: p.Errors}
	if p.Series != nil {
		w.Series = make([]seriesJSON, len(p.Series))
		for i, s := range p.Series {
			w.Series[i] = seriesJSON{s.Name, toNums(s.X), toNums(s.Y)}
		}
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads the JSON form written by MarshalJSON.
func (p *LinePlot) UnmarshalJSON(data []byte) error {
	var w lineplotJSON
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	if err := checkKind(w.Kind, KindLinePlot); err != nil {
		return err
	}
	*p = LinePlot{Title: w.Title, X: w.X, Y: w.Y, Errors: w.Errors}
	if w.Series != nil {
		p.Series = make([]Series, len(w.Series))
		for i, s := range w.Series {
			p.Series[i] = Series{s.Name, fromNums(s.X), fromNums(s.Y)}
		}
	}
	return nil
}

// AxisPoint is a point of a LinePlot in axis space: log10 of the value on a
// log axis. OK is false where the point cannot be drawn (not finite, or ≤ 0
// on a log axis); the series' line breaks there.
type AxisPoint struct {
	X, Y float64
	OK   bool
}

// AxisSpace is a LinePlot moved to axis space, what a rendering draws.
type AxisSpace struct {
	Points             [][]AxisPoint // per series, one per point both X and Y have
	XLo, XHi, YLo, YHi float64       // the drawn points' range, widened when it is empty
	Notes              []string      // p.Errors, then the problems found here
	Drawn              int           // the number of points with OK set
}

// AxisSpace moves every point of p to axis space, dropping (with a note)
// what cannot be drawn. Text and the TUI's rendering both draw from it.
func (p *LinePlot) AxisSpace() AxisSpace {
	sp := AxisSpace{
		Points: make([][]AxisPoint, len(p.Series)),
		Notes:  append([]string(nil), p.Errors...),
		XLo:    math.Inf(1), XHi: math.Inf(-1), YLo: math.Inf(1), YHi: math.Inf(-1),
	}
	nonPosX, nonPosY := 0, 0
	for i, s := range p.Series {
		n := min(len(s.X), len(s.Y))
		if len(s.X) != len(s.Y) {
			sp.Notes = append(sp.Notes, fmt.Sprintf("series %q: x has %d points but y has %d; plotted the first %d", s.Name, len(s.X), len(s.Y), n))
		}
		sp.Points[i] = make([]AxisPoint, n)
		for k := range n {
			x, y := s.X[k], s.Y[k]
			if math.IsNaN(x) || math.IsInf(x, 0) || math.IsNaN(y) || math.IsInf(y, 0) {
				continue
			}
			if p.X.Log {
				if x <= 0 {
					nonPosX++
					continue
				}
				x = math.Log10(x)
			}
			if p.Y.Log {
				if y <= 0 {
					nonPosY++
					continue
				}
				y = math.Log10(y)
			}
			sp.Points[i][k] = AxisPoint{x, y, true}
			sp.Drawn++
			sp.XLo, sp.XHi = math.Min(sp.XLo, x), math.Max(sp.XHi, x)
			sp.YLo, sp.YHi = math.Min(sp.YLo, y), math.Max(sp.YHi, y)
		}
	}
	if nonPosX > 0 {
		sp.Notes = append(sp.Notes, fmt.Sprintf("%d points with x ≤ 0 not shown on the log x axis", nonPosX))
	}
	if nonPosY > 0 {
		sp.Notes = append(sp.Notes, fmt.Sprintf("%d points with y ≤ 0 not shown on the log y axis", nonPosY))
	}
	if sp.Drawn > 0 {
		sp.XLo, sp.XHi = widen(sp.XLo, sp.XHi, p.X.Log)
		sp.YLo, sp.YHi = widen(sp.YLo, sp.YHi, p.Y.Log)
	}
	return sp
}
