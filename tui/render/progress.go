package render

import (
	"fmt"
	"math"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/seqlab/seqlab/display"
)

// drawProgress draws one line:
//
//	lstm  ████████░░░░░░░░  200/400  50%  61.2 steps/s  ETA 3.3s  loss 0.131
//
// A finished run shows the time it took ("done in 7.7s") instead of the
// ETA and the percentage. With an unknown total a block sweeps along the
// bar, moved by the elapsed time, and the count stands alone ("1234 steps").
// The bar takes the room the rest leaves, within limits; when even a short
// bar does not fit, the rate, the percentage, the note and the time give way
// in that order.
func drawProgress(p *display.Progress, width int, th Theme) string {
	// Read p through its JSON form: a consistent copy, taken under p's lock,
	// in case the loop that owns p is still updating it.
	s := new(display.Progress)
	if data, err := p.MarshalJSON(); err == nil {
		_ = s.UnmarshalJSON(data)
	}
	known := s.Total > 0
	var count, pct, rate, timing string
	if known {
		count = fmt.Sprintf("%d/%d", s.Done, s.Total)
		pct = fmt.Sprintf("%.0f%%", math.Floor(100*float64(s.Done)/float64(s.Total)))
	} else {
		count = fmt.Sprintf("%d steps", s.Done)
	}
	if s.Rate > 0 && finite(s.Rate) {
		rate = formatRate(s.Rate)
	}
	switch {
	case known && s.Done >= s.Total:
		timing = "done in " + display.FormatSeconds(s.Elapsed)
	case known && s.ETA > 0 && finite(s.ETA):
		timing = "ETA " + display.FormatSeconds(s.ETA)
	case !known && s.Elapsed > 0:
		timing = display.FormatSeconds(s.Elapsed) + " elapsed"
	}
	label := strings.TrimSpace(cleanLine(s.Label))
	note := strings.TrimSpace(cleanLine(s.Note))

	render := func(bar int) (string, int) {
		var parts []string
		w := 0
		add := func(text string, styled string) {
			if text == "" {
				return
			}
			if len(parts) > 0 {
				w += 2
			}
			parts = append(parts, styled)
			w += ansi.StringWidth(text)
		}
		add(label, th.Accent.Bold(true).Render(label))
		if bar > 0 {
			lead, full, trail := progressBar(s, bar)
			add(lead+full+trail, th.Muted.Render(lead)+th.Accent.Render(full)+th.Muted.Render(trail))
		}
		add(count, th.Text.Render(count))
		add(pct, th.Text.Render(pct))
		add(rate, th.Muted.Render(rate))
		add(timing, th.Muted.Render(timing))
		add(note, th.Text.Render(note))
		return strings.Join(parts, "  "), w
	}
	// The bar takes the room the rest leaves, from minBar to maxBar cells.
	// When even minBar does not fit, the rate goes, then the percentage,
	// then the note is cut (or goes, when little of it would be left), then
	// the time.
	const minBar, maxBar = 6, 30
	room := func() int { _, w := render(1); return width - w + 1 }
	if known && s.Done >= s.Total {
		pct = "" // "done in" says it
	}
	for _, drop := range []*string{&rate, &pct, &note, &timing} {
		r := room()
		if r >= minBar {
			break
		}
		if drop == &note && note != "" {
			if cut := ansi.StringWidth(note) - (minBar - r); cut >= 8 {
				note = ansi.Truncate(note, cut, "…")
				continue
			}
		}
		*drop = ""
	}
	line, _ := render(clampInt(room(), 3, maxBar)) // below minBar only when nothing else can go
	return line
}

// progressBar is a bar of n cells, split into its empty lead, its full part
// and its empty trail. With an unknown total, a block of a quarter of the bar
// sweeps back and forth, a cell every 0.1 s of elapsed time.
func progressBar(p *display.Progress, n int) (lead, full, trail string) {
	if p.Total > 0 {
		f := math.Max(0, math.Min(1, float64(p.Done)/float64(p.Total)))
		k := int(math.Round(f * float64(n)))
		return "", strings.Repeat("█", k), strings.Repeat("░", n-k)
	}
	k := max(n/4, 1)
	span := n - k
	pos := 0
	if span > 0 && finite(p.Elapsed) && p.Elapsed > 0 {
		pos = int(math.Mod(p.Elapsed*10, float64(2*span)))
		if pos > span {
			pos = 2*span - pos
		}
	}
	return strings.Repeat("░", pos), strings.Repeat("█", k), strings.Repeat("░", span-pos)
}

// formatRate writes steps per second: "52.1 steps/s", or "3 s/step" when
// slow.
func formatRate(r float64) string {
	switch {
	case r >= 100:
		return fmt.Sprintf("%.0f steps/s", r)
	case r >= 10:
		return fmt.Sprintf("%.1f steps/s", r)
	case r >= 0.1:
		return fmt.Sprintf("%.2f steps/s", r)
	}
	return fmt.Sprintf("%.0f s/step", 1/r)
}
