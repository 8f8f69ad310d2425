package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/seqlab/seqlab/lessons"
	"github.com/seqlab/seqlab/notebook"
	"github.com/seqlab/seqlab/repl"
)

// TestAppendEvents checks that a batch of events lands in a cell's outputs
// as appendEvent would put them one by one: streams joined with the stream
// before them, other outputs in order between them.
func TestAppendEvents(t *testing.T) {
	evs := []repl.Event{
		{Type: repl.TypeStream, Text: "a"},
		{Type: repl.TypeStream, Name: "stderr", Text: "b\n"},
		{Type: repl.TypeResult, Text: "42"},
		{Type: repl.TypeStream, Text: "c"},
		{Type: repl.TypeError, Text: "boom", Line: 2, Col: 1},
		{Type: repl.TypeStream, Text: "d"},
		{Type: repl.TypeStream, Text: "e"},
	}
	for _, split := range []int{0, 1, 2, 4, 6, 7} {
		one, batch := &notebook.Cell{}, &notebook.Cell{}
		one.Outputs = []notebook.Output{{Kind: notebook.Stream, Text: "before "}}
		batch.Outputs = []notebook.Output{{Kind: notebook.Stream, Text: "before "}}
		for _, ev := range evs {
			appendEvent(one, ev)
		}
		appendEvents(batch, evs[:split])
		appendEvents(batch, evs[split:])
		if len(one.Outputs) != len(batch.Outputs) {
			t.Fatalf("split %d: %d outputs, want %d: %+v", split, len(batch.Outputs), len(one.Outputs), batch.Outputs)
		}
		for i := range one.Outputs {
			if one.Outputs[i] != batch.Outputs[i] {
				t.Errorf("split %d: output %d is %+v, want %+v", split, i, batch.Outputs[i], one.Outputs[i])
			}
		}
	}
}

// TestAppendEventsMegabytes checks that 8 MiB of output in 32 KiB chunks,
// as the kernel sends a cell that prints without end, is joined into one
// output without copying it once per chunk (which took seconds).
func TestAppendEventsMegabytes(t *testing.T) {
	chunk := strings.Repeat("x", 32<<10-1) + "\n"
	evs := make([]repl.Event, 256)
	for i := range evs {
		evs[i] = repl.Event{Type: repl.TypeStream, Text: chunk}
	}
	c := &notebook.Cell{}
	allocs := testing.AllocsPerRun(1, func() {
		c.Outputs = nil
		appendEvents(c, evs)
	})
	if len(c.Outputs) != 1 || len(c.Outputs[0].Text) != 8<<20 {
		t.Fatalf("%d outputs of %d bytes; want one of 8 MiB", len(c.Outputs), len(c.Outputs[0].Text))
	}
	if allocs > 3 {
		t.Errorf("%v allocations for one batch; want the text built once", allocs)
	}
}

// TestOpensWithNotices: a damaged progress file and a settings notice are
// shown in a dialog when the app opens (too long for the status line), and
// the app goes on after enter.
func TestOpensWithNotices(t *testing.T) {
	state := t.TempDir()
	if err := os.WriteFile(filepath.Join(state, lessons.ProgressFile), []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	h := newHarness(t, Options{StateDir: state, Notice: "your settings file is not valid: a test"}, 100, 40)
	screen := h.screen()
	for _, want := range []string{"your settings file is not valid", "your progress file", "damaged", "continue"} {
		if !strings.Contains(strings.Join(strings.Fields(screen), " "), want) {
			t.Errorf("the opening screen lacks %q:\n%s", want, screen)
		}
	}
	h.keys("enter")
	if strings.Contains(h.screen(), "your progress file") {
		t.Errorf("the dialog is still there after enter:\n%s", h.screen())
	}
}
