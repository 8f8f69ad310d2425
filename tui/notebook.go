package tui

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/seqlab/seqlab/lessons"
	"github.com/seqlab/seqlab/notebook"
	"github.com/seqlab/seqlab/tui/render"
)

type mode int

const (
	commandMode mode = iota
	editMode
)

// gutter is the width of the column left of the cells that holds the
// execution counter ("[12]") and the selection bar.
const gutter = 5

// notebookPane is the notebook: its cells, the selection, the editor, the
// run queue and the scroll position.
type notebookPane struct {
	nb     *notebook.Notebook
	path   string // where ctrl+s writes
	title  string
	lesson string // the lesson's slug, if this notebook is a lesson
	ex     map[*notebook.Cell]lessons.Exercise

	state   map[*notebook.Cell]*cellState
	sel     int
	mode    mode
	editor  textarea.Model
	offset  int    // first line of the cell area shown
	pending string // first key of a two-key command (d d, i i, 0 0)
	deleted []deletedCell
	dirty   bool
	counter int // execution counter

	run   *runState
	queue []*notebook.Cell

	complete *completion

	width, height int // the cell area
	follow        bool

	disk diskStamp // the file as it was opened or last saved
}

// diskStamp identifies a version of a file on disk.
type diskStamp struct {
	exists  bool
	size    int64
	modTime time.Time
}

func statStamp(path string) diskStamp {
	fi, err := os.Stat(path)
	if err != nil {
		return diskStamp{}
	}
	return diskStamp{true, fi.Size(), fi.ModTime()}
}

// stampDisk records the file as it is now (after opening or saving).
func (p *notebookPane) stampDisk() { p.disk = statStamp(p.path) }

// changedOnDisk reports whether the file was changed, created or removed
// by someone else since it was opened or last saved.
func (p *notebookPane) changedOnDisk() bool {
	now := statStamp(p.path)
	if !p.disk.exists {
		return now.exists
	}
	return now != p.disk && now.exists
}

type deletedCell struct {
	cell  *notebook.Cell
	index int
}

// runState is the cell that runs now. Its events come through ch, which
// the goroutine running the cell closes after the done message.
type runState struct {
	id      int
	cell    *notebook.Cell
	cancel  context.CancelFunc
	start   time.Time
	ch      chan any
	pending any // a message read ahead by listen, delivered by the next listen
}

func (r *runState) pushBack(msg any) { r.pending = msg }

// abandon stops the cell and drains its events, so that the kernel client,
// which waits for each event to be taken, is never blocked by a run nobody
// listens to any more.
func (r *runState) abandon() {
	r.cancel()
	go func() {
		for range r.ch {
		}
	}()
}

// completion is an open completion list in the editor.
type completion struct {
	items []string
	sel   int
	start int // byte offset in the cell where the completed word starts
	pos   int // the cursor's byte offset when it was asked
}

func newNotebookPane(nb *notebook.Notebook, path string) *notebookPane {
	p := &notebookPane{nb: nb, path: path, state: map[*notebook.Cell]*cellState{}, follow: true}
	p.title = filepath.Base(path)
	p.stampDisk()
	if len(nb.Cells) == 0 {
		nb.Cells = append(nb.Cells, nb.NewCell(notebook.Code, ""))
	}
	return p
}

func (p *notebookPane) st(c *notebook.Cell) *cellState {
	s := p.state[c]
	if s == nil {
		s = &cellState{}
		p.state[c] = s
	}
	return s
}

func (p *notebookPane) cell() *notebook.Cell {
	if p.sel < 0 || p.sel >= len(p.nb.Cells) {
		return nil
	}
	return p.nb.Cells[p.sel]
}

func (p *notebookPane) index(c *notebook.Cell) int {
	for i, x := range p.nb.Cells {
		if x == c {
			return i
		}
	}
	return -1
}

func (p *notebookPane) invalidate(c *notebook.Cell) {
	if s := p.state[c]; s != nil {
		s.cacheKey = ""
	}
}

func (p *notebookPane) invalidateAll() {
	for _, s := range p.state {
		s.cacheKey = ""
	}
}

func (p *notebookPane) setSize(w, h int) {
	p.width, p.height = w, h
	if p.mode == editMode {
		p.editor.SetWidth(max(w-gutter-1, 10))
	}
}

func (p *notebookPane) markDirty() { p.dirty = true }

func (p *notebookPane) selectCell(i int) {
	p.sel = max(0, min(i, len(p.nb.Cells)-1))
	p.pending = ""
	p.follow = true
}

// startEdit opens the editor on the selected cell.
func (p *notebookPane) startEdit() tea.Cmd {
	c := p.cell()
	if c == nil {
		return nil
	}
	ta := textarea.New()
	ta.ShowLineNumbers = true
	ta.Prompt = ""
	ta.CharLimit = 0
	ta.MaxHeight = 0
	ta.DynamicHeight = true
	ta.MinHeight = 1
	ta.SetVirtualCursor(true)
	ta.SetWidth(max(p.width-gutter-1, 10))
	ta.SetValue(c.Source)
	ta.MoveToBegin()
	p.editor = ta
	p.mode = editMode
	p.complete = nil
	p.follow = true
	return p.editor.Focus()
}

// stopEdit writes the editor back into the cell and returns to command mode.
func (p *notebookPane) stopEdit() {
	if p.mode != editMode {
		return
	}
	if c := p.cell(); c != nil {
		if v := p.editor.Value(); v != c.Source {
			c.Source = v
			p.markDirty()
			p.invalidate(c)
			if st := p.state[c]; st != nil {
				st.errLine = 0
			}
		}
	}
	p.editor.Blur()
	p.mode = commandMode
	p.complete = nil
}

// cursorOffset is the editor cursor's byte offset in its text.
func (p *notebookPane) cursorOffset() int {
	lines := strings.Split(p.editor.Value(), "\n")
	row := min(p.editor.Line(), len(lines)-1)
	off := 0
	for i := range row {
		off += len(lines[i]) + 1
	}
	r := []rune(lines[row])
	col := min(p.editor.Column(), len(r))
	return off + len(string(r[:col]))
}

func (p *notebookPane) insert(below bool, kind notebook.CellKind) {
	c := p.nb.NewCell(kind, "")
	i := p.sel
	if below {
		i++
	}
	i = max(0, min(i, len(p.nb.Cells)))
	p.nb.Cells = append(p.nb.Cells[:i], append([]*notebook.Cell{c}, p.nb.Cells[i:]...)...)
	p.selectCell(i)
	p.markDirty()
}

func (p *notebookPane) deleteCell() string {
	c := p.cell()
	if c == nil {
		return ""
	}
	if p.run != nil && p.run.cell == c {
		return "the cell is running; interrupt it (i i) before deleting it"
	}
	p.deleted = append(p.deleted, deletedCell{c, p.sel})
	p.nb.Cells = append(p.nb.Cells[:p.sel], p.nb.Cells[p.sel+1:]...)
	p.dequeue(c)
	if len(p.nb.Cells) == 0 {
		p.nb.Cells = append(p.nb.Cells, p.nb.NewCell(notebook.Code, ""))
	}
	p.selectCell(p.sel)
	p.markDirty()
	return "deleted the cell; z brings it back"
}

func (p *notebookPane) undoDelete() string {
	n := len(p.deleted)
	if n == 0 {
		return "nothing to undo"
	}
	d := p.deleted[n-1]
	p.deleted = p.deleted[:n-1]
	i := max(0, min(d.index, len(p.nb.Cells)))
	p.nb.Cells = append(p.nb.Cells[:i], append([]*notebook.Cell{d.cell}, p.nb.Cells[i:]...)...)
	p.selectCell(i)
	p.markDirty()
	return "restored the deleted cell"
}

func (p *notebookPane) setKind(k notebook.CellKind) {
	c := p.cell()
	if c == nil || c.Kind == k {
		return
	}
	if p.run != nil && p.run.cell == c {
		return
	}
	c.Kind = k
	if k == notebook.Markdown {
		c.Outputs = nil
	}
	p.invalidate(c)
	p.markDirty()
}

func (p *notebookPane) move(delta int) {
	j := p.sel + delta
	if j < 0 || j >= len(p.nb.Cells) {
		return
	}
	p.nb.Cells[p.sel], p.nb.Cells[j] = p.nb.Cells[j], p.nb.Cells[p.sel]
	p.selectCell(j)
	p.markDirty()
}

func (p *notebookPane) dequeue(c *notebook.Cell) {
	for i, q := range p.queue {
		if q == c {
			p.queue = append(p.queue[:i], p.queue[i+1:]...)
			p.st(c).queued = false
			p.invalidate(c)
			return
		}
	}
}

// enqueue adds code cells to the run queue (Markdown cells are skipped).
func (p *notebookPane) enqueue(cells ...*notebook.Cell) {
	for _, c := range cells {
		if c.Kind != notebook.Code {
			continue
		}
		if (p.run != nil && p.run.cell == c) || p.st(c).queued {
			continue
		}
		p.queue = append(p.queue, c)
		p.st(c).queued = true
		p.invalidate(c)
	}
}

func (p *notebookPane) clearQueue() {
	for _, c := range p.queue {
		p.st(c).queued = false
		p.invalidate(c)
	}
	p.queue = nil
}

// ---- rendering ----

// cellLines renders one cell (with its outputs) to lines of the pane's width.
func (p *notebookPane) cellLines(i int, th *theme) []string {
	c := p.nb.Cells[i]
	st := p.st(c)
	selected := i == p.sel
	editing := selected && p.mode == editMode
	if editing {
		return p.editLines(c, st, th)
	}
	key := fmt.Sprintf("%d|%v|%v|%d|%d|%v|%v|%d|%d|%v|%d|%d", p.width, selected, c.Kind, len(c.Source), len(c.Outputs),
		st.busy, st.queued, st.count, st.errLine, st.expanded, st.hints, outputsLen(c))
	key += "|" + c.Source
	if st.solution {
		key += "|sol"
	}
	if key == st.cacheKey {
		return st.cache
	}
	body := max(p.width-gutter, 10)
	var lines []string
	switch c.Kind {
	case notebook.Markdown:
		src := lessons.HideHints(c.Source)
		out := strings.Trim(render.Markdown(src, body, th.Theme), "\n")
		if strings.TrimSpace(c.Source) == "" {
			out = th.Muted.Render("(empty Markdown cell: enter to write)")
		}
		lines = strings.Split(out, "\n")
		lines = p.withGutter(lines, "", selected, th)
	default:
		src := c.Source
		if src == "" {
			src = ""
		}
		code := strings.Split(render.Code(src, body-1, th.Theme), "\n")
		for i := range code {
			code[i] = " " + code[i]
		}
		if st.errLine > 0 && st.errLine <= len(code) {
			code[st.errLine-1] = ansi.Truncate(code[st.errLine-1]+th.Error.Render("  ◀ error"), body, "…")
		}
		prompt := "[ ]"
		switch {
		case st.busy:
			prompt = "[*]"
		case st.queued:
			prompt = "[-]"
		case st.count > 0:
			prompt = fmt.Sprintf("[%d]", st.count)
		}
		lines = p.withGutter(code, prompt, selected, th)
		if ex, ok := p.ex[c]; ok {
			lines = append(lines, p.exerciseLines(c, st, ex, body, th)...)
		}
		for _, l := range renderOutputs(c, st, body, th) {
			lines = append(lines, strings.Repeat(" ", gutter)+l)
		}
	}
	st.cacheKey, st.cache = key, lines
	return lines
}

func outputsLen(c *notebook.Cell) int {
	n := 0
	for _, o := range c.Outputs {
		n += len(o.Text)
	}
	return n
}

// withGutter prefixes lines with the prompt column and the selection bar.
func (p *notebookPane) withGutter(lines []string, prompt string, selected bool, th *theme) []string {
	bar := th.Muted.Render("│")
	if selected {
		bar = th.Accent.Render("▌")
	}
	out := make([]string, len(lines))
	for i, l := range lines {
		pr := strings.Repeat(" ", gutter-1)
		if i == 0 && prompt != "" {
			pr = fmt.Sprintf("%*s", gutter-1, prompt)
			if selected {
				pr = th.Accent.Render(pr)
			} else {
				pr = th.Muted.Render(pr)
			}
		}
		out[i] = pr + bar + l
	}
	return out
}

func (p *notebookPane) editLines(c *notebook.Cell, st *cellState, th *theme) []string {
	lines := strings.Split(p.editor.View(), "\n")
	prompt := "[ ]"
	if st.count > 0 {
		prompt = fmt.Sprintf("[%d]", st.count)
	}
	lines = p.withGutter(lines, prompt, true, th)
	for i := range lines {
		lines[i] = strings.Replace(lines[i], th.Accent.Render("▌"), th.Pass.Render("▌"), 1)
	}
	body := max(p.width-gutter, 10)
	if p.complete != nil {
		for i, item := range p.complete.items {
			if i >= 8 {
				lines = append(lines, strings.Repeat(" ", gutter)+th.Muted.Render(fmt.Sprintf("  … %d more", len(p.complete.items)-8)))
				break
			}
			s := " " + item + " "
			if i == p.complete.sel {
				s = th.Selected.Render(s)
			} else {
				s = th.Popup.Render(s)
			}
			lines = append(lines, strings.Repeat(" ", gutter)+s)
		}
	}
	if st.doc != "" {
		box := th.Popup.Width(min(body, 78)).Render(strings.TrimRight(st.doc, "\n"))
		for _, l := range strings.Split(box, "\n") {
			lines = append(lines, strings.Repeat(" ", gutter)+ansi.Truncate(l, body, "…"))
		}
	}
	for _, l := range renderOutputs(c, st, body, th) {
		lines = append(lines, strings.Repeat(" ", gutter)+l)
	}
	return lines
}

// exerciseLines is the banner under an exercise cell: its state, and the
// hints and solution the learner asked for.
func (p *notebookPane) exerciseLines(c *notebook.Cell, st *cellState, ex lessons.Exercise, width int, th *theme) []string {
	var out []string
	ind := strings.Repeat(" ", gutter)
	verdict := checkOf(c)
	status := th.Muted.Render("exercise " + ex.Name + ": fill in the TODO and run the cell")
	if verdict != nil && verdict.Pass {
		status = th.Pass.Render("✓ exercise " + ex.Name + " passed")
	} else if verdict != nil {
		status = th.Fail.Render("✗ exercise "+ex.Name+" not yet") + th.Muted.Render("  (h: a hint)")
	} else if len(ex.Hints) > 0 {
		status += th.Muted.Render(fmt.Sprintf("  (h: hint, %d available)", len(ex.Hints)))
	}
	out = append(out, ind+ansi.Truncate(status, width, "…"))
	for i := 0; i < st.hints && i < len(ex.Hints); i++ {
		box := th.Hint.Width(min(width, 78)).Render(fmt.Sprintf("Hint %d/%d: %s", i+1, len(ex.Hints), strings.TrimSpace(ex.Hints[i])))
		for _, l := range strings.Split(box, "\n") {
			out = append(out, ind+ansi.Truncate(l, width, "…"))
		}
	}
	if st.solution {
		if sol, err := lessons.Solution(p.lesson, ex.Name); err == nil {
			out = append(out, ind+th.Muted.Render("Solution (copy what you need; your code is unchanged):"))
			for _, l := range strings.Split(render.Code(sol, width-1, th.Theme), "\n") {
				out = append(out, ind+l)
			}
		}
	}
	return out
}

// view renders the visible window of the cell area.
func (p *notebookPane) view(th *theme) string {
	var all []string
	selTop, selBottom := 0, 0
	for i := range p.nb.Cells {
		if i == p.sel {
			selTop = len(all)
		}
		all = append(all, p.cellLines(i, th)...)
		if i == p.sel {
			selBottom = len(all)
		}
		all = append(all, "")
	}
	if p.follow {
		// Keep the selected cell in view: its top if it is taller than the
		// pane, its bottom otherwise (and in edit mode the cursor line).
		if p.mode == editMode {
			cur := selTop + p.editor.Line()
			if cur < p.offset {
				p.offset = cur
			}
			if cur >= p.offset+p.height {
				p.offset = cur - p.height + 1
			}
			if selBottom-selTop <= p.height && selBottom > p.offset+p.height {
				p.offset = selBottom - p.height
			}
		} else {
			if selBottom > p.offset+p.height {
				p.offset = selBottom - p.height
			}
			if selTop < p.offset || selBottom-selTop > p.height {
				p.offset = selTop
			}
		}
	}
	p.offset = max(0, min(p.offset, len(all)-p.height/2))
	if p.offset < 0 {
		p.offset = 0
	}
	end := min(len(all), p.offset+p.height)
	vis := all[min(p.offset, len(all)):end]
	for len(vis) < p.height {
		vis = append(vis, "")
	}
	return strings.Join(vis, "\n")
}

// scroll moves the view without changing the selection (mouse wheel, pages).
func (p *notebookPane) scroll(lines int) {
	p.follow = false
	p.offset = max(0, p.offset+lines)
}

// handleCommandKey handles a key in command mode; it returns the name of an
// action for the app to carry out (run, save, ...) or "".
func (p *notebookPane) handleCommandKey(msg tea.KeyPressMsg, k KeyMap) (action string, note string, cmd tea.Cmd) {
	pending := p.pending
	p.pending = ""
	switch {
	case key.Matches(msg, k.Delete):
		if pending == "d" {
			return "", p.deleteCell(), nil
		}
		p.pending = "d"
		return "", "d again deletes the cell", nil
	case key.Matches(msg, k.Interrupt):
		if pending == "i" {
			return "interrupt", "", nil
		}
		p.pending = "i"
		return "", "i again interrupts the running cell", nil
	case key.Matches(msg, k.Restart):
		if pending == "0" {
			return "restart", "", nil
		}
		p.pending = "0"
		return "", "0 again restarts the kernel", nil
	case key.Matches(msg, k.Up):
		p.selectCell(p.sel - 1)
	case key.Matches(msg, k.Down):
		p.selectCell(p.sel + 1)
	case key.Matches(msg, k.Top):
		p.selectCell(0)
	case key.Matches(msg, k.Bottom):
		p.selectCell(len(p.nb.Cells) - 1)
	case key.Matches(msg, k.PageUp):
		p.scroll(-max(p.height-2, 1))
	case key.Matches(msg, k.PageDown):
		p.scroll(max(p.height-2, 1))
	case key.Matches(msg, k.Edit):
		return "", "", p.startEdit()
	case key.Matches(msg, k.InsertAbove):
		p.insert(false, notebook.Code)
	case key.Matches(msg, k.InsertBelow):
		p.insert(true, notebook.Code)
	case key.Matches(msg, k.Undo):
		return "", p.undoDelete(), nil
	case key.Matches(msg, k.ToMarkdown):
		p.setKind(notebook.Markdown)
	case key.Matches(msg, k.ToCode):
		p.setKind(notebook.Code)
	case key.Matches(msg, k.MoveUp):
		p.move(-1)
	case key.Matches(msg, k.MoveDown):
		p.move(1)
	case key.Matches(msg, k.Fold):
		if c := p.cell(); c != nil {
			st := p.st(c)
			st.expanded = !st.expanded
			p.invalidate(c)
		}
	case key.Matches(msg, k.Hint):
		return "hint", "", nil
	case key.Matches(msg, k.Solution):
		return "solution", "", nil
	}
	return "", "", nil
}
