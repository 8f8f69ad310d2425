package tui

import (
	"context"
	"errors"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/seqlab/seqlab/notebook"
	"github.com/seqlab/seqlab/repl"
)

// ---- running cells ----

func (r *runState) listen() tea.Cmd {
	if r == nil {
		return nil
	}
	ch := r.ch
	id := r.id
	return func() tea.Msg {
		if msg := r.pending; msg != nil {
			r.pending = nil
			return msg
		}
		first, ok := <-ch
		if !ok {
			return nil
		}
		if _, isEv := first.(repl.Event); !isEv {
			return first
		}
		evs := []repl.Event{first.(repl.Event)}
		for len(evs) < 512 {
			select {
			case next, ok := <-ch:
				if !ok {
					return cellEventsMsg{id, evs}
				}
				ev, isEv := next.(repl.Event)
				if !isEv {
					// Deliver the events first; the done message is
					// pushed back for the next listen.
					r.pushBack(next)
					return cellEventsMsg{id, evs}
				}
				evs = append(evs, ev)
			default:
				return cellEventsMsg{id, evs}
			}
		}
		return cellEventsMsg{id, evs}
	}
}

// startNext runs the next queued cell if none is running.
func (p *notebookPane) startNext(m *Model) tea.Cmd {
	if p.run != nil || len(p.queue) == 0 {
		return nil
	}
	c := p.queue[0]
	p.queue = p.queue[1:]
	st := p.st(c)
	st.queued, st.busy, st.errLine = false, true, 0
	c.Outputs = nil
	p.invalidate(c)
	m.runID++
	ctx, cancel := context.WithCancel(context.Background())
	r := &runState{id: m.runID, cell: c, cancel: cancel, start: time.Now(), ch: make(chan any, 256)}
	p.run = r
	var above []repl.Cell
	for _, x := range p.nb.Cells {
		if x == c {
			break
		}
		if x.Kind == notebook.Code {
			above = append(above, repl.Cell{ID: x.ID, Code: x.Source})
		}
	}
	client, id, code := m.client, c.ID, c.Source
	go func() {
		err := client.ExecuteWith(ctx, id, code, repl.ExecOptions{
			Above:     above,
			OnRestart: func(msg string) { r.ch <- restartNoteMsg{r.id, msg} },
			Timeout:   m.opts.CellTimeout,
		}, func(ev repl.Event) { r.ch <- ev })
		r.ch <- cellDoneMsg{r.id, err, time.Since(r.start)}
		close(r.ch)
	}()
	return r.listen()
}

func (m *Model) onCellEvents(msg cellEventsMsg) tea.Cmd {
	r := m.nb.run
	if r == nil || r.id != msg.run {
		return nil
	}
	appendEvents(r.cell, msg.evs)
	for _, ev := range msg.evs {
		if ev.Type == repl.TypeError && ev.Line > 0 {
			m.nb.st(r.cell).errLine = ev.Line
		}
	}
	m.nb.invalidate(r.cell)
	m.nb.markDirty()
	return r.listen()
}

func (m *Model) onCellDone(msg cellDoneMsg) tea.Cmd {
	p := m.nb
	r := p.run
	if r == nil || r.id != msg.run {
		return nil
	}
	r.cancel()
	p.run = nil
	c := r.cell
	st := p.st(c)
	st.busy = false
	p.counter++
	st.count = p.counter
	var died *repl.KernelDiedError
	switch {
	case msg.err == nil:
		if p.lesson != "" {
			m.progress.MarkRun(p.lesson, p.index(c))
		}
	case errors.Is(msg.err, repl.ErrInterrupted):
		c.Outputs = append(c.Outputs, notebook.Output{Kind: notebook.Error, Text: "interrupted"})
		p.clearQueue()
	case errors.As(msg.err, &died):
		c.Outputs = append(c.Outputs, notebook.Output{Kind: notebook.Error,
			Text: died.Error() + "\nYour notebook is untouched."})
		p.clearQueue()
	default:
		var ce *repl.CellError
		if !errors.As(msg.err, &ce) {
			c.Outputs = append(c.Outputs, notebook.Output{Kind: notebook.Error, Text: msg.err.Error()})
		}
		p.clearQueue()
	}
	if p.lesson != "" {
		if ex, ok := p.ex[c]; ok {
			if v := checkOf(c); v != nil && v.Pass {
				m.progress.MarkPassed(p.lesson, ex.Name)
				if p.lesson != "" && m.progress.Finished(p.lesson) {
					m.flash("✓ lesson finished! ] opens the next one", false)
				}
			}
		}
		if err := m.progress.Save(); err != nil {
			m.flash("could not save your progress: "+err.Error(), true)
		}
	}
	p.invalidate(c)
	p.markDirty()
	return p.startNext(m)
}
