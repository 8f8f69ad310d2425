package tui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/seqlab/seqlab/repl"
)

// TestMain lets the test binary be the kernel: the app's client starts
// os.Args[0] with SEQLAB_TEST_KERNEL=1.
func TestMain(m *testing.M) {
	if os.Getenv("SEQLAB_TEST_KERNEL") == "1" {
		if err := repl.ServeKernel(repl.KernelOptions{}); err != nil {
			os.Stderr.WriteString(err.Error() + "\n")
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// harness drives the app as bubbletea would: commands run in goroutines,
// their messages go back through Update, in order of arrival.
type harness struct {
	t    *testing.T
	m    *Model
	msgs chan tea.Msg
}

func newHarness(t *testing.T, opts Options, w, h int) *harness {
	t.Helper()
	if opts.StateDir == "" {
		opts.StateDir = t.TempDir()
	}
	opts.Kernel = repl.ClientOptions{Command: []string{os.Args[0]}, Env: []string{"SEQLAB_TEST_KERNEL=1"}, Grace: time.Second}
	if opts.Autosave == 0 {
		opts.Autosave = time.Hour
	}
	m, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.client.Close() })
	hs := &harness{t: t, m: m, msgs: make(chan tea.Msg, 1024)}
	hs.send(tea.WindowSizeMsg{Width: w, Height: h})
	return hs
}

// exec runs a command in the background, posting what it returns.
func (h *harness) exec(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	go func() {
		msg := cmd()
		if msg != nil {
			h.msgs <- msg
		}
	}()
}

// send gives a message to Update at once and starts the commands it returns.
func (h *harness) send(msg tea.Msg) {
	switch msg := msg.(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			h.exec(c)
		}
		return
	}
	if msg == nil {
		return
	}
	_, cmd := h.m.Update(msg)
	h.exec(cmd)
}

// keys types keys: "j", "enter", "ctrl+r", "shift+enter", "esc", "tab", or
// any text (typed rune by rune) prefixed with "type:".
func (h *harness) keys(keys ...string) {
	for _, k := range keys {
		if t, ok := strings.CutPrefix(k, "type:"); ok {
			for _, r := range t {
				if r == '\n' {
					h.send(tea.KeyPressMsg{Code: tea.KeyEnter})
					continue
				}
				h.send(tea.KeyPressMsg{Code: r, Text: string(r)})
			}
			continue
		}
		h.send(keyMsg(k))
	}
}

func keyMsg(k string) tea.KeyPressMsg {
	var mod tea.KeyMod
	for {
		switch {
		case strings.HasPrefix(k, "ctrl+"):
			mod |= tea.ModCtrl
			k = k[5:]
			continue
		case strings.HasPrefix(k, "shift+"):
			mod |= tea.ModShift
			k = k[6:]
			continue
		}
		break
	}
	codes := map[string]rune{"enter": tea.KeyEnter, "esc": tea.KeyEscape, "tab": tea.KeyTab,
		"up": tea.KeyUp, "down": tea.KeyDown, "backspace": tea.KeyBackspace, "pgdown": tea.KeyPgDown, "pgup": tea.KeyPgUp}
	if c, ok := codes[k]; ok {
		return tea.KeyPressMsg{Code: c, Mod: mod}
	}
	r := []rune(k)[0]
	if mod == 0 {
		return tea.KeyPressMsg{Code: r, Text: k}
	}
	return tea.KeyPressMsg{Code: r, Mod: mod}
}

// until processes messages until cond holds, failing after timeout.
func (h *harness) until(what string, timeout time.Duration, cond func() bool) {
	h.t.Helper()
	deadline := time.After(timeout)
	for !cond() {
		select {
		case msg := <-h.msgs:
			h.send(msg)
		case <-deadline:
			h.t.Fatalf("timed out waiting for %s; screen:\n%s", what, h.screen())
		}
	}
}

// settle processes the messages that arrive within d.
func (h *harness) settle(d time.Duration) {
	end := time.After(d)
	for {
		select {
		case msg := <-h.msgs:
			h.send(msg)
		case <-end:
			return
		}
	}
}

// screen is the view without styling.
func (h *harness) screen() string {
	return ansi.Strip(h.m.View().Content)
}

func (h *harness) idle() bool {
	return h.m.nb == nil || (h.m.nb.run == nil && len(h.m.nb.queue) == 0)
}

func writeFile(t *testing.T, dir, name, content string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

var _ = context.Background
