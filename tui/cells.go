package tui

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/seqlab/seqlab/display"
	"github.com/seqlab/seqlab/notebook"
	"github.com/seqlab/seqlab/repl"
	"github.com/seqlab/seqlab/tui/render"
)

// cellState is what the app knows of a cell beyond the document: its
// execution counter, whether it runs, how its output is folded, the hints
// shown, and the cache of its rendering.
type cellState struct {
	count    int  // execution counter; 0 = not run in this session
	busy     bool // running now
	queued   bool // waiting to run
	expanded bool // long output unfolded
	errLine  int  // the line of the cell an error points at (1-based), 0 if none
	hints    int  // hints shown (exercises)
	solution bool // solution shown (exercises)
	doc      string

	cacheKey string
	cache    []string
}

// foldLines is the number of output lines above which an output is folded:
// the first foldHead and the last foldTail lines are shown.
const (
	foldLines = 24
	foldHead  = 12
	foldTail  = 6
)

// appendEvent adds a kernel event to a cell's outputs: streams merge with
// the stream before them, and a progress bar replaces the earlier state of
// the same bar, so that a training loop shows one live bar.
func appendEvent(c *notebook.Cell, ev repl.Event) {
	switch ev.Type {
	case repl.TypeStream:
		if n := len(c.Outputs); n > 0 && c.Outputs[n-1].Kind == notebook.Stream {
			c.Outputs[n-1].Text += ev.Text
			return
		}
		c.Outputs = append(c.Outputs, notebook.Output{Kind: notebook.Stream, Text: ev.Text})
	case repl.TypeResult, repl.TypeDisplay:
		if len(ev.Value) == 0 {
			c.Outputs = append(c.Outputs, notebook.Output{Kind: notebook.Result, Text: ev.Text})
			return
		}
		out := notebook.DisplayOutput(ev.Value)
		if id := progressID(ev.Value); id != "" {
			for i := range c.Outputs {
				if c.Outputs[i].Kind == notebook.Display && progressID([]byte(c.Outputs[i].Text)) == id {
					c.Outputs[i] = out
					return
				}
			}
		}
		c.Outputs = append(c.Outputs, out)
	case repl.TypeError:
		e := &repl.CellError{Msg: ev.Text, Line: ev.Line, Col: ev.Col}
		c.Outputs = append(c.Outputs, notebook.Output{Kind: notebook.Error, Text: e.Error()})
	}
}

// appendEvents adds a batch of kernel events like appendEvent, but joins a
// run of stream events into the cell's last stream output with a single
// copy: a cell printing megabytes arrives as hundreds of chunks, and adding
// them one by one would copy the growing text each time.
func appendEvents(c *notebook.Cell, evs []repl.Event) {
	for i := 0; i < len(evs); {
		if evs[i].Type != repl.TypeStream {
			appendEvent(c, evs[i])
			i++
			continue
		}
		j, size := i, 0
		for ; j < len(evs) && evs[j].Type == repl.TypeStream; j++ {
			size += len(evs[j].Text)
		}
		var b strings.Builder
		last := len(c.Outputs) - 1
		if last >= 0 && c.Outputs[last].Kind == notebook.Stream {
			b.Grow(len(c.Outputs[last].Text) + size)
			b.WriteString(c.Outputs[last].Text)
		} else {
			b.Grow(size)
			c.Outputs = append(c.Outputs, notebook.Output{Kind: notebook.Stream})
			last++
		}
		for _, ev := range evs[i:j] {
			b.WriteString(ev.Text)
		}
		c.Outputs[last].Text = b.String()
		i = j
	}
}

// progressID is the ID of a progress bar's JSON form, "" for other values.
func progressID(data []byte) string {
	var head struct {
		Kind string `json:"kind"`
		ID   string `json:"id"`
	}
	if json.Unmarshal(data, &head) != nil || head.Kind != display.KindProgress {
		return ""
	}
	return head.ID
}

// checkOf returns the exercise verdict among a cell's outputs, if any.
func checkOf(c *notebook.Cell) *display.Check {
	var last *display.Check
	for _, o := range c.Outputs {
		if o.Kind != notebook.Display || !strings.Contains(o.Text, `"check"`) {
			continue
		}
		if v, err := display.Unmarshal([]byte(o.Text)); err == nil {
			if ch, ok := v.(*display.Check); ok {
				last = ch
			}
		}
	}
	return last
}

// renderOutputs renders a code cell's outputs to lines of at most width
// cells. An output longer than foldLines lines is folded to its first and
// last lines unless the cell is expanded; long streams are folded before
// they are styled, so a cell that printed megabytes costs little to draw.
func renderOutputs(c *notebook.Cell, st *cellState, width int, th *theme) []string {
	var lines []string
	for _, o := range c.Outputs {
		var part []string
		switch o.Kind {
		case notebook.Stream, notebook.Result:
			raw := strings.Split(strings.TrimRight(o.Text, "\n"), "\n")
			style := th.Output
			if o.Kind == notebook.Result {
				style = th.Result
			}
			for _, l := range fold(raw, st.expanded, th) {
				part = append(part, style.Render(ansi.Truncate(sanitize(l), width, "…")))
			}
			lines = append(lines, part...)
			continue
		case notebook.Error:
			part = strings.Split(render.Error(strings.TrimRight(o.Text, "\n"), width, th.Theme), "\n")
		case notebook.Display:
			v, err := display.Unmarshal([]byte(o.Text))
			if err != nil {
				part = strings.Split(render.Error(fmt.Sprintf("cannot show this output: %v", err), width, th.Theme), "\n")
			} else {
				part = strings.Split(render.Value(v, width, th.Theme), "\n")
			}
		}
		for _, l := range fold(part, st.expanded, th) {
			lines = append(lines, ansi.Truncate(l, width, "…"))
		}
	}
	return lines
}

// fold shortens a long output to its head and tail with a note between.
func fold(lines []string, expanded bool, th *theme) []string {
	if len(lines) <= foldLines || expanded {
		return lines
	}
	hidden := len(lines) - foldHead - foldTail
	note := th.Muted.Render(fmt.Sprintf("··· %d more lines (o unfolds) ···", hidden))
	out := append([]string{}, lines[:foldHead]...)
	out = append(out, note)
	return append(out, lines[len(lines)-foldTail:]...)
}

// sanitize makes program output safe to draw: tabs become spaces, carriage
// returns keep only what was written last on the line, and escape sequences
// and other control characters are removed (a cell must not be able to move
// the cursor or clear the screen).
func sanitize(s string) string {
	s = ansi.Strip(s)
	var b strings.Builder
	for i, line := range strings.Split(s, "\n") {
		if i > 0 {
			b.WriteByte('\n')
		}
		if k := strings.LastIndex(strings.TrimRight(line, "\r"), "\r"); k >= 0 {
			line = line[k+1:]
		}
		col := 0
		for _, r := range line {
			switch {
			case r == '\t':
				n := 4 - col%4
				b.WriteString(strings.Repeat(" ", n))
				col += n
			case r < 0x20 || r == 0x7f:
			default:
				b.WriteRune(r)
				col++
			}
		}
	}
	return b.String()
}
