package render

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/seqlab/seqlab/display"
)

// markers tell the series of a plot apart without colour; the legend maps
// each to its series' name.
var markers = []string{"●", "■", "▲", "◆", "○", "□", "△", "◇"}

// Braille characters (U+2800–U+28FF) hold 2×4 dots; brailleBit[row][col] is
// the bit of the dot at (col, row) within a character.
var brailleBit = [4][2]uint8{{0x01, 0x08}, {0x02, 0x10}, {0x04, 0x20}, {0x40, 0x80}}

// plotRows is the height of the plot area: about a third of the width,
// from 6 to 16 rows.
func plotRows(width int) int { return min(max(width/3, 6), 16) }

// drawPlot draws p as braille lines, one colour per series, with its title, y
// tick labels on the left, x tick labels below, the axis labels, a legend
// and the notes on bad data. Each series also carries its marker at some of
// its points (all of them when there are few), so that the plot still reads
// without colour.
func drawPlot(p *display.LinePlot, width int, th Theme) string {
	var lines []string
	if p.Title != "" {
		lines = append(lines, th.Title.Render(cut(cleanLine(p.Title), width)))
	}
	sp := p.AxisSpace()
	pts, problems := sp.Points, sp.Notes
	xlo, xhi, ylo, yhi := sp.XLo, sp.XHi, sp.YLo, sp.YHi
	if sp.Drawn == 0 {
		msg := "(no finite points to plot)"
		if len(p.Series) == 0 {
			msg = "(no data: add a series with Add)"
		}
		lines = append(lines, th.Muted.Render(msg))
		lines = append(lines, legend(p, 0, width, th)...)
		lines = append(lines, notes(problems, width, th)...)
		return strings.Join(lines, "\n")
	}
	// The y ticks decide how much room the plot area gets.
	h := plotRows(width)
	var yt []tick
	if p.Y.Log {
		yt = logTicks(ylo, yhi, 5)
	} else {
		ylo, yhi, yt = linearTicks(ylo, yhi, 5, true)
	}
	lw := 0
	for _, t := range yt {
		lw = max(lw, ansi.StringWidth(t.label))
	}
	w := max(width-lw-2, 4) // plot columns
	dw, dh := 2*w, 4*h      // plot dots
	dotX := func(x float64) int { return clampInt(int(math.Round(frac(x, xlo, xhi)*float64(dw-1))), 0, dw-1) }
	dotY := func(y float64) int { return clampInt(int(math.Round(frac(y, yhi, ylo)*float64(dh-1))), 0, dh-1) }

	// Draw the lines dot by dot, then the markers over them.
	type cell struct {
		bits         uint8
		owner, marks int // series index + 1; 0 for none
	}
	grid := make([][]cell, h)
	for r := range grid {
		grid[r] = make([]cell, w)
	}
	set := func(i, x, y int) {
		c := &grid[y/4][x/2]
		c.bits |= brailleBit[y%4][x%2]
		c.owner = i + 1
	}
	for i, s := range pts {
		havePrev := false
		var px, py int
		for _, q := range s {
			if !q.OK {
				havePrev = false
				continue
			}
			x, y := dotX(q.X), dotY(q.Y)
			if havePrev {
				line(px, py, x, y, func(x, y int) { set(i, x, y) })
			} else {
				set(i, x, y)
			}
			px, py, havePrev = x, y, true
		}
	}
	for i, s := range pts {
		var cells [][2]int // the cell of each drawn point
		distinct := map[[2]int]bool{}
		for _, q := range s {
			if q.OK {
				c := [2]int{dotX(q.X) / 2, dotY(q.Y) / 4}
				cells = append(cells, c)
				distinct[c] = true
			}
		}
		if len(distinct) <= w/3 {
			for _, c := range cells {
				grid[c[1]][c[0]].marks = i + 1
			}
			continue
		}
		// Many points: a few markers, staggered between the series so that
		// close lines do not hide each other's.
		k := max(2, w/14)
		off := float64(i+1) / float64(len(pts)+1)
		for j := range k {
			target := (float64(j) + off) * float64(w) / float64(k)
			best := cells[0]
			for _, c := range cells {
				if math.Abs(float64(c[0])-target) < math.Abs(float64(best[0])-target) {
					best = c
				}
			}
			grid[best[1]][best[0]].marks = i + 1
		}
	}

	if label := axisTitle(p.Y); label != "" {
		lines = append(lines, th.Muted.Render(cut(label, width)))
	}
	labels := make([]string, h)
	for _, t := range yt {
		r := dotY(t.at) / 4
		if labels[r] == "" {
			labels[r] = t.label
		}
	}
	for r := range h {
		var b runs
		b.add(padLeft(labels[r], lw), "muted", th.Muted)
		axis := " │"
		if labels[r] != "" {
			axis = " ┤"
		}
		b.add(axis, "border", th.Border)
		used := len(grid[r]) // no trailing blanks
		for used > 0 && grid[r][used-1] == (cell{}) {
			used--
		}
		for _, c := range grid[r][:used] {
			switch {
			case c.marks > 0:
				b.add(markers[(c.marks-1)%len(markers)], "m"+itoa(c.marks), seriesStyle(th, c.marks-1).Bold(true))
			case c.bits != 0:
				b.add(string(rune(0x2800+int(c.bits))), "s"+itoa(c.owner), seriesStyle(th, c.owner-1))
			default:
				b.add(" ", plain, th.Text)
			}
		}
		lines = append(lines, b.String())
	}

	// The x axis, its tick labels and its title.
	var xt []tick
	maxX := min(max(w/8, 3), 8)
	if p.X.Log {
		xt = logTicks(xlo, xhi, maxX)
	} else {
		_, _, xt = linearTicks(xlo, xhi, maxX, false)
	}
	axis := []rune(strings.Repeat("─", w))
	lab := []rune(strings.Repeat(" ", w))
	end := -2 // the last column a label takes, -2 before the first
	for _, t := range xt {
		c := dotX(t.at) / 2
		axis[c] = '┬'
		l := []rune(t.label)
		at := clampInt(c-(len(l)-1)/2, 0, max(w-len(l), 0))
		if at <= end+1 || at+len(l) > w {
			continue
		}
		copy(lab[at:], l)
		end = at + len(l) - 1
	}
	indent := strings.Repeat(" ", lw+1)
	lines = append(lines, indent+th.Border.Render("└"+string(axis)))
	lines = append(lines, indent+" "+th.Muted.Render(strings.TrimRight(string(lab), " ")))
	if label := axisTitle(p.X); label != "" {
		label = cut(label, w)
		lines = append(lines, indent+" "+strings.Repeat(" ", (w-ansi.StringWidth(label))/2)+th.Muted.Render(label))
	}
	lines = append(lines, legend(p, lw+2, width, th)...)
	lines = append(lines, notes(problems, width, th)...)
	return strings.Join(lines, "\n")
}

// seriesStyle is the foreground style of series i.
func seriesStyle(th Theme, i int) lipgloss.Style {
	if c := th.seriesColor(i); c != nil {
		return lipgloss.NewStyle().Foreground(c)
	}
	return lipgloss.NewStyle()
}

// legend maps each series' marker (in its colour) to its name, indented by
// indent and wrapped to width.
func legend(p *display.LinePlot, indent, width int, th Theme) []string {
	if len(p.Series) == 0 {
		return nil
	}
	if indent+12 > width {
		indent = 0
	}
	pad := strings.Repeat(" ", indent)
	var lines []string
	line, lineW := "", 0
	for i, s := range p.Series {
		name := cleanLine(s.Name)
		if name == "" {
			name = fmt.Sprintf("series %d", i+1)
		}
		name = cut(name, width-indent-2)
		itemW := 2 + ansi.StringWidth(name)
		item := seriesStyle(th, i).Bold(true).Render(markers[i%len(markers)]) + " " + th.Text.Render(name)
		switch {
		case lineW == 0:
			line, lineW = pad+item, indent+itemW
		case lineW+3+itemW <= width:
			line, lineW = line+"   "+item, lineW+3+itemW
		default:
			lines = append(lines, line)
			line, lineW = pad+item, indent+itemW
		}
	}
	return append(lines, line)
}

func axisTitle(a display.Axis) string {
	l := strings.TrimSpace(cleanLine(a.Label))
	if a.Log {
		if l == "" {
			return "(log scale)"
		}
		return l + " (log scale)"
	}
	return l
}

// line calls set for every dot on the segment from (x0, y0) to (x1, y1)
// (Bresenham's algorithm).
func line(x0, y0, x1, y1 int, set func(x, y int)) {
	dx, dy := abs(x1-x0), -abs(y1-y0)
	sx, sy := 1, 1
	if x0 > x1 {
		sx = -1
	}
	if y0 > y1 {
		sy = -1
	}
	e := dx + dy
	for {
		set(x0, y0)
		if x0 == x1 && y0 == y1 {
			return
		}
		if e2 := 2 * e; e2 >= dy {
			e += dy
			x0 += sx
		} else {
			e += dx
			y0 += sy
		}
	}
}

// A tick is a labelled value on an axis, in axis space (log10 of the value
// on a log axis).
type tick struct {
	at    float64
	label string
}

// linearTicks returns up to maxTicks ticks at round values (1, 2 or 5 times
// a power of ten apart) in [lo, hi]. With expand, the range first grows to
// the round values around it, and is returned.
func linearTicks(lo, hi float64, maxTicks int, expand bool) (float64, float64, []tick) {
	span := hi - lo
	if !(span > 0) || math.IsInf(span, 0) {
		return lo, hi, []tick{{lo, formatTick(lo)}, {hi, formatTick(hi)}}
	}
	step := niceFloor(span / float64(maxTicks))
	var a, b float64
	for range 8 {
		if expand {
			a, b = math.Floor(lo/step+1e-9), math.Ceil(hi/step-1e-9)
		} else {
			a, b = math.Ceil(lo/step-1e-9), math.Floor(hi/step+1e-9)
		}
		if b-a+1 <= float64(maxTicks) {
			break
		}
		step = niceNext(step)
	}
	if expand {
		lo, hi = a*step, b*step
	}
	dec := max(0, int(-math.Floor(math.Log10(step)+1e-9)))
	var ts []tick
	for i := 0; float64(i) <= b-a && i <= maxTicks; i++ {
		v := (a + float64(i)) * step
		l := strconv.FormatFloat(v, 'f', dec, 64)
		if math.Abs(v) >= 1e6 {
			l = formatTick(v)
		}
		if strings.Trim(l, "-0.") == "" {
			l = "0"
		}
		ts = append(ts, tick{v, l})
	}
	if len(ts) < 2 && !expand {
		ts = []tick{{lo, formatTick(lo)}, {hi, formatTick(hi)}}
	}
	distinct(ts)
	return lo, hi, ts
}

// distinct gives ticks whose labels clash (1e300, 1e300) as many significant
// digits as tell them apart.
func distinct(ts []tick) {
	for prec := 4; prec <= 17; prec++ {
		clash := false
		for k := 1; k < len(ts); k++ {
			if ts[k].label == ts[k-1].label {
				clash = true
			}
		}
		if !clash {
			return
		}
		for k := range ts {
			ts[k].label = compactExp(strconv.FormatFloat(ts[k].at, 'g', prec, 64))
		}
	}
}

// logTicks returns up to maxTicks ticks in [lo, hi] (log10 space): powers of
// ten when the range spans three or more, with 2× and 5× added when it spans
// fewer, and round values when it is within a decade.
func logTicks(lo, hi float64, maxTicks int) []tick {
	d0, d1 := math.Ceil(lo-1e-9), math.Floor(hi+1e-9)
	var at []float64
	if decades := d1 - d0 + 1; decades >= 3 {
		every := math.Ceil(decades / float64(maxTicks))
		for d := d0; d <= d1; d += every {
			at = append(at, d)
		}
	} else {
		for d := d0 - 1; d <= d1; d++ {
			for _, m := range []float64{1, 2, 5} {
				if v := d + math.Log10(m); v >= lo-1e-9 && v <= hi+1e-9 {
					at = append(at, v)
				}
			}
		}
		for len(at) > maxTicks {
			var thin []float64
			for k := 0; k < len(at); k += 2 {
				thin = append(thin, at[k])
			}
			at = thin
		}
	}
	if len(at) < 2 {
		_, _, lin := linearTicks(math.Pow(10, lo), math.Pow(10, hi), maxTicks, false)
		at = at[:0]
		for _, t := range lin {
			if t.at > 0 {
				at = append(at, math.Log10(t.at))
			}
		}
	}
	ts := make([]tick, len(at))
	for k, v := range at {
		ts[k] = tick{v, formatTick(math.Pow(10, v))}
	}
	return ts
}

// niceFloor is the largest 1, 2 or 5 times a power of ten that is ≤ x.
func niceFloor(x float64) float64 {
	mag := math.Pow(10, math.Floor(math.Log10(x)))
	switch f := x / mag; {
	case f >= 5:
		return 5 * mag
	case f >= 2:
		return 2 * mag
	}
	return mag
}

// niceNext is the next 1, 2 or 5 times a power of ten after step.
func niceNext(step float64) float64 {
	mag := math.Pow(10, math.Floor(math.Log10(step)+1e-9))
	switch math.Round(step / mag) {
	case 1:
		return 2 * mag
	case 2:
		return 5 * mag
	}
	return 10 * mag
}

// formatTick writes a tick value in few characters: 0.05, 250, 1e6.
func formatTick(v float64) string {
	if v == 0 {
		return "0"
	}
	if a := math.Abs(v); a >= 1e5 || a < 1e-3 {
		return compactExp(strconv.FormatFloat(v, 'g', 3, 64))
	}
	v, _ = strconv.ParseFloat(strconv.FormatFloat(v, 'g', 4, 64), 64)
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// compactExp shortens the exponent of a formatted number: 1e+06 → 1e6.
func compactExp(s string) string {
	s = strings.Replace(s, "e+0", "e", 1)
	s = strings.Replace(s, "e+", "e", 1)
	return strings.Replace(s, "e-0", "e-", 1)
}

// frac is where v lies between a (0) and b (1), computed so that it does not
// overflow for any finite a, b and v.
func frac(v, a, b float64) float64 { return (v/2 - a/2) / (b/2 - a/2) }

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

func clampInt(v, lo, hi int) int { return min(max(v, lo), hi) }

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
