package tui

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/seqlab/seqlab/bench/report"
	"github.com/seqlab/seqlab/display"
	"github.com/seqlab/seqlab/tui/render"
)

// benchPane runs a benchmark suite as `seqlab bench` in a child process
// (the app itself never computes a model), shows its progress live, then its
// tables and charts.
type benchPane struct {
	suite   string
	full    bool
	running bool
	cancel  context.CancelFunc
	ch      chan benchMsg
	done    int
	total   int
	current string
	eta     string
	start   time.Time
	log     []string
	tables  []report.Table
	plots   []*display.LinePlot
	err     error
	offset  int
	// Command starts `seqlab bench`; nil means this executable.
	command func(args ...string) *exec.Cmd
}

type benchMsg struct {
	line  string // a progress or output line
	done  bool
	err   error
	file  string // the results file, when done
	suite string
}

func newBenchPane() *benchPane { return &benchPane{suite: "recall"} }

var progressLine = regexp.MustCompile(`^\[(\d+)/(\d+)\] (\S+)(?:\s+\(ETA ([^)]*)\))?`)

func (b *benchPane) key(msg tea.KeyPressMsg, m *Model) tea.Cmd {
	switch msg.String() {
	case "r", "m", "s":
		if b.running {
			m.flash("a suite is running; x stops it", false)
			return nil
		}
		b.suite = map[string]string{"r": "recall", "m": "memory", "s": "speed"}[msg.String()]
		return b.startRun(m)
	case "f":
		b.full = !b.full
	case "x", "ctrl+c":
		if b.running && b.cancel != nil {
			b.cancel()
			m.flash("stopping the benchmark…", false)
		}
	case "up", "k":
		b.offset = max(0, b.offset-1)
	case "down", "j":
		b.offset++
	case "pgup":
		b.offset = max(0, b.offset-10)
	case "pgdown", " ":
		b.offset += 10
	case "esc":
		if m.nb != nil {
			m.screen = screenNotebook
		} else {
			m.screen = screenLessons
		}
	case "l":
		m.screen = screenLessons
	case "?":
		m.help = true
	}
	return nil
}

func (b *benchPane) startRun(m *Model) tea.Cmd {
	dir, err := os.MkdirTemp("", "seqlab-bench-")
	if err != nil {
		b.err = err
		return nil
	}
	file := filepath.Join(dir, b.suite+".txt")
	args := []string{"bench", "--suite", b.suite, "-o", file, "--plots", filepath.Join(dir, "plots")}
	if !b.full {
		args = append(args, "--short")
	}
	ctx, cancel := context.WithCancel(context.Background())
	var cmd *exec.Cmd
	if b.command != nil {
		cmd = b.command(args...)
	} else {
		exe, err := os.Executable()
		if err != nil {
			cancel()
			b.err = err
			return nil
		}
		cmd = exec.CommandContext(ctx, exe, args...)
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		cancel()
		b.err = err
		return nil
	}
	cmd.Stdout = nil
	b.running, b.cancel, b.err = true, cancel, nil
	b.done, b.total, b.current, b.eta, b.log, b.tables, b.plots, b.offset = 0, 0, "", "", nil, nil, nil, 0
	b.start = time.Now()
	b.ch = make(chan benchMsg, 64)
	ch, suite := b.ch, b.suite
	go func() {
		defer close(ch)
		if err := cmd.Start(); err != nil {
			ch <- benchMsg{done: true, err: err, suite: suite}
			return
		}
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			ch <- benchMsg{line: sc.Text(), suite: suite}
		}
		err := cmd.Wait()
		if ctx.Err() != nil {
			err = fmt.Errorf("stopped")
		}
		ch <- benchMsg{done: true, err: err, file: file, suite: suite}
	}()
	return b.listen()
}

func (b *benchPane) listen() tea.Cmd {
	ch := b.ch
	return func() tea.Msg {
		msg, ok := <-ch
		if !ok {
			return nil
		}
		return msg
	}
}

func (b *benchPane) update(msg benchMsg, m *Model) tea.Cmd {
	if msg.suite != b.suite {
		return nil
	}
	if !msg.done {
		if g := progressLine.FindStringSubmatch(msg.line); g != nil {
			b.done, _ = strconv.Atoi(g[1])
			b.done--
			b.total, _ = strconv.Atoi(g[2])
			b.current, b.eta = g[3], g[4]
		} else if strings.TrimSpace(msg.line) != "" {
			b.log = append(b.log, msg.line)
		}
		return b.listen()
	}
	b.running = false
	b.cancel()
	if msg.err != nil {
		b.err = fmt.Errorf("%v%s", msg.err, lastLines(b.log, 3))
		return nil
	}
	b.done = b.total
	res, err := report.ParseFiles(msg.file)
	if err != nil {
		b.err = err
		return nil
	}
	switch b.suite {
	case "recall":
		b.tables = res.RecallTables()
		for _, t := range b.tables {
			b.plots = append(b.plots, tablePlot(t))
		}
	case "memory":
		b.tables = res.MemoryTables()
	case "speed":
		b.tables = []report.Table{res.SpeedTable()}
	}
	m.flash(fmt.Sprintf("%s suite done in %v; results in %s", b.suite, time.Since(b.start).Round(time.Second), msg.file), false)
	return nil
}

func lastLines(lines []string, n int) string {
	if len(lines) == 0 {
		return ""
	}
	return "\n" + strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// tablePlot draws a recall table as a chart: the first column is x, each
// other column a model's line (the mean, the number before the brackets).
func tablePlot(t report.Table) *display.LinePlot {
	p := display.NewLinePlot(t.Title)
	if len(t.Header) > 0 {
		p.XLabel(t.Header[0])
	}
	for col := 1; col < len(t.Header); col++ {
		var xs, ys []float64
		for _, row := range t.Rows {
			if col >= len(row) {
				continue
			}
			x, err1 := strconv.ParseFloat(strings.Fields(row[0] + " ")[0], 64)
			f := strings.Fields(row[col])
			if err1 != nil || len(f) == 0 {
				continue
			}
			y, err2 := strconv.ParseFloat(f[0], 64)
			if err2 != nil {
				continue
			}
			xs, ys = append(xs, x), append(ys, y)
		}
		if len(xs) > 0 {
			p.Add(t.Header[col], xs, ys)
		}
	}
	return p
}

func (b *benchPane) view(width, height int, th *theme) string {
	var lines []string
	mode := "short (seconds: proves the suite runs; f for the full suite)"
	if b.full {
		mode = "FULL (the recall suite takes hours on 2 cores; f for short)"
	}
	lines = append(lines, "",
		"  "+th.Accent.Render("Benchmarks")+"  r recall · m memory · s speed · x stop · esc back",
		"  "+th.Muted.Render("mode: "+mode), "")
	switch {
	case b.running:
		pv := &display.Progress{Label: b.suite, Done: b.done, Total: b.total, Note: b.current,
			Elapsed: time.Since(b.start).Seconds()}
		if b.done > 0 {
			pv.Rate = float64(b.done) / pv.Elapsed
			pv.ETA = float64(b.total-b.done) / pv.Rate
		}
		lines = append(lines, indent(render.Value(pv, width-4, th.Theme), "  ")...)
	case b.err != nil:
		lines = append(lines, indent(th.Error.Render("the benchmark failed: "+b.err.Error()), "  ")...)
	case len(b.tables) == 0:
		lines = append(lines, "  Run a suite to see how far back each model recalls (r), what memory",
			"  each needs as sequences grow (m), and how fast training and inference are (s).",
			"  The same suites run with go test -bench ./bench; see the README.")
	}
	for i, t := range b.tables {
		lines = append(lines, "")
		for _, l := range strings.Split(t.String(), "\n") {
			lines = append(lines, "  "+ansi.Truncate(l, width-2, "…"))
		}
		if i < len(b.plots) && len(b.plots[i].Series) > 0 {
			lines = append(lines, "")
			lines = append(lines, indent(render.Value(b.plots[i], width-4, th.Theme), "  ")...)
		}
	}
	b.offset = max(0, min(b.offset, len(lines)-height))
	lines = lines[b.offset:]
	for len(lines) < height {
		lines = append(lines, "")
	}
	return strings.Join(lines[:height], "\n")
}

func indent(s, pre string) []string {
	ls := strings.Split(s, "\n")
	for i := range ls {
		ls[i] = pre + ls[i]
	}
	return ls
}
