package display

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Progress is a progress bar for a loop: done out of total, the rate, and
// the time left. Set updates it and shows it again; a front end replaces the
// value it showed before with the same ID.
//
// The exported fields are what its JSON form carries. A Progress is safe for
// concurrent use through its methods.
type Progress struct {
	ID      string  `json:"id"`      // unique; a random prefix tells kernel runs apart
	Label   string  `json:"label"`   // e.g. "lstm"
	Done    int     `json:"done"`    // steps done
	Total   int     `json:"total"`   // steps in all; ≤ 0 if unknown
	Note    string  `json:"note"`    // e.g. "loss 0.412"
	Elapsed float64 `json:"elapsed"` // seconds since the start
	Rate    float64 `json:"rate"`    // steps per second so far; 0 if unknown
	ETA     float64 `json:"eta"`     // seconds left at Rate; 0 when finished or unknown

	mu       sync.Mutex
	now      func() time.Time // the clock; tests replace it
	start    time.Time
	lastSent time.Time
	sent     bool
}

// minInterval spaces the updates Set sends: at most ten a second.
const minInterval = 100 * time.Millisecond

var (
	progressPrefix = fmt.Sprintf("p%08x", rand.Uint32()) // tells kernel runs apart
	progressCount  atomic.Int64
)

// NewProgress returns a progress bar counting to total (≤ 0 if the total is
// not known), started now. Creating it shows nothing; Set shows it.
func NewProgress(label string, total int) *Progress {
	p := &Progress{
		ID:    fmt.Sprintf("%s-%d", progressPrefix, progressCount.Add(1)),
		Label: label,
		Total: total,
		now:   time.Now,
	}
	p.start = p.now()
	return p
}

// Set records that done steps are finished, with a note such as
// "loss 0.412" (or ""), and shows the progress again through the sink (see
// SetSink). To keep a fast loop fast, Set shows at most about ten updates a
// second and skips the others; it always shows the first update and every
// update with done ≥ total. To show the latest state whatever the time,
// call Show(p).
func (p *Progress) Set(done int, note string) {
	p.mu.Lock()
	now := p.clock()
	if p.start.IsZero() {
		p.start = now
	}
	snap, send := p.update(done, note, now.Sub(p.start), now, false)
	p.mu.Unlock()
	if send {
		Show(snap)
	}
}

func (p *Progress) clock() time.Time {
	if p.now == nil {
		return time.Now()
	}
	return p.now()
}

// update records a step and reports whether to send it (with a snapshot to
// send): the first update, the final ones, forced ones, and others at most
// every minInterval. p.mu is held.
func (p *Progress) update(done int, note string, elapsed time.Duration, now time.Time, force bool) (*Progress, bool) {
	p.Done, p.Note = done, note
	p.Elapsed = elapsed.Seconds()
	p.Rate, p.ETA = 0, 0
	if p.Elapsed > 0 && done > 0 {
		p.Rate = float64(done) / p.Elapsed
		if p.Total > done {
			p.ETA = float64(p.Total-done) / p.Rate
		}
	}
	final := p.Total > 0 && done >= p.Total
	if !force && !final && p.sent && now.Sub(p.lastSent) < minInterval {
		return nil, false
	}
	p.sent, p.lastSent = true, now
	return p.snapshot(), true
}

// snapshot copies the exported fields, so that a sink may keep the value it
// was sent while the loop goes on updating p. p.mu is held.
func (p *Progress) snapshot() *Progress {
	return &Progress{ID: p.ID, Label: p.Label, Done: p.Done, Total: p.Total, Note: p.Note,
		Elapsed: p.Elapsed, Rate: p.Rate, ETA: p.ETA}
}

// Kind returns "progress".
func (p *Progress) Kind() string { return KindProgress }

// Text renders one line:
//
//	label  [██████░░░░░░]  120/400  30%  52.1 it/s  ETA 5s  loss 0.412
//
// The bar shrinks to fit width; the note is cut last. With an unknown total
// there is no bar, percentage or ETA; when done ≥ total the ETA gives way to
// the time taken ("in 7.7s").
func (p *Progress) Text(width int) string {
	width = normWidth(width)
	if p == nil {
		return ""
	}
	p.mu.Lock()
	s := p.snapshot()
	p.mu.Unlock()

	known := s.Total > 0
	count := fmt.Sprintf("%d", s.Done)
	if known {
		count = fmt.Sprintf("%d/%d  %.0f%%", s.Done, s.Total, 100*float64(s.Done)/float64(s.Total))
	}
	var rate, timing string
	if s.Rate > 0 && !math.IsInf(s.Rate, 0) {
		rate = formatRate(s.Rate)
	}
	switch {
	case known && s.Done >= s.Total:
		timing = "in " + FormatSeconds(s.Elapsed)
	case known && s.ETA > 0:
		timing = "ETA " + FormatSeconds(s.ETA)
	}
	label := cleanLine(s.Label)
	note := cleanLine(s.Note)
	line := func(bar int) string {
		var parts []string
		add := func(part string) {
			if part != "" {
				parts = append(parts, part)
			}
		}
		add(label)
		if bar > 0 {
			add("[" + progressBar(s.Done, s.Total, bar) + "]")
		}
		add(count)
		add(rate)
		add(timing)
		add(note)
		return strings.Join(parts, "  ")
	}
	if !known {
		return finish([]string{line(0)}, width)
	}
	// The bar takes the room the rest leaves, from minBar to maxBar cells.
	// When even minBar does not fit, the note is cut, then dropped, then the
	// rate and the time go.
	const minBar, maxBar = 5, 24
	room := func() int { return width - runeLen(line(1)) + 1 }
	if r := room(); r < minBar {
		note = truncate(note, runeLen(note)-(minBar-r))
		if runeLen(note) < 8 {
			note = ""
		}
	}
	if room() < minBar {
		rate = ""
	}
	if room() < minBar {
		timing = ""
	}
	return finish([]string{line(min(max(room(), minBar), maxBar))}, width)
}

// progressBar is a bar of n cells, full in proportion to done/total.
func progressBar(done, total, n int) string {
	f := float64(done) / float64(total)
	k := int(math.Round(math.Max(0, math.Min(1, f)) * float64(n)))
	return strings.Repeat("█", k) + strings.Repeat("░", n-k)
}

func formatRate(r float64) string {
	switch {
	case r >= 100:
		return fmt.Sprintf("%.0f it/s", r)
	case r >= 10:
		return fmt.Sprintf("%.1f it/s", r)
	case r >= 0.01:
		return fmt.Sprintf("%.2f it/s", r)
	}
	return fmt.Sprintf("%.0f s/it", 1/r)
}

// formatSeconds writes a duration briefly: 0.4s, 5s, 1m05s, 2h03m.
func FormatSeconds(s float64) string {
	switch {
	case math.IsNaN(s):
		return "?"
	case s < 0:
		return "0s"
	case s < 9.95:
		return fmt.Sprintf("%.1fs", s)
	case s < 59.5:
		return fmt.Sprintf("%.0fs", s)
	case s < 3600:
		m := int(math.Round(s))
		return fmt.Sprintf("%dm%02ds", m/60, m%60)
	case s < 100*3600:
		m := int(math.Round(s / 60))
		return fmt.Sprintf("%dh%02dm", m/60, m%60)
	}
	return fmt.Sprintf("%.3gh", s/3600)
}

// progressJSON is the JSON form: numbers go through num to keep NaN and ±Inf.
type progressJSON struct {
	Kind    string `json:"kind"`
	ID      string `json:"id"`
	Label   string `json:"label"`
	Done    int    `json:"done"`
	Total   int    `json:"total"`
	Note    string `json:"note"`
	Elapsed num    `json:"elapsed"`
	Rate    num    `json:"rate"`
	ETA     num    `json:"eta"`
}

// MarshalJSON writes the JSON form described at Marshal.
func (p *Progress) MarshalJSON() ([]byte, error) {
	p.mu.Lock()
	w := progressJSON{KindProgress, p.ID, p.Label, p.Done, p.Total, p.Note, num(p.Elapsed), num(p.Rate), num(p.ETA)}
	p.mu.Unlock()
	return json.Marshal(w)
}

// UnmarshalJSON reads the JSON form written by MarshalJSON.
func (p *Progress) UnmarshalJSON(data []byte) error {
	var w progressJSON
	if err := json.Unmarshal(data, &w); err != nil {
		return err
	}
	if err := checkKind(w.Kind, KindProgress); err != nil {
		return err
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.ID, p.Label, p.Done, p.Total, p.Note = w.ID, w.Label, w.Done, w.Total, w.Note
	p.Elapsed, p.Rate, p.ETA = float64(w.Elapsed), float64(w.Rate), float64(w.ETA)
	return nil
}
