package tui

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/seqlab/seqlab/lessons"
	"github.com/seqlab/seqlab/notebook"
	"github.com/seqlab/seqlab/repl"
)

// Options configure the app.
type Options struct {
	// Path is the notebook to open (.md, created on the first save if
	// missing; .ipynb is imported). Empty opens the lesson list.
	Path string
	// Lesson opens a lesson by its slug instead.
	Lesson string
	// StateDir holds lesson progress, the learner's copies of the lessons
	// and recovery files; empty means $XDG_STATE_HOME/seqlab
	// (~/.local/state/seqlab).
	StateDir string
	// Kernel configures the kernel process.
	Kernel repl.ClientOptions
	// Autosave is how often unsaved changes are written to the recovery
	// file; 0 means every 5 s.
	Autosave time.Duration
	// CellTimeout interrupts a cell whose own run takes longer (starting
	// the kernel and replaying cells above do not count); 0 means none.
	CellTimeout time.Duration
	// Notice is shown when the app opens, e.g. that the settings file was
	// not valid and what was done about it.
	Notice string
}

type screen int

const (
	screenNotebook screen = iota
	screenLessons
	screenBench
)

// Model is the app: the root bubbletea model. Its panes are fields.
type Model struct {
	opts   Options
	keys   KeyMap
	th     *theme
	width  int
	height int

	screen  screen
	nb      *notebookPane
	nav     *lessonPane
	bench   *benchPane
	palette *palette
	help    bool
	dialog  *dialog

	client      *repl.Client
	kernelState string
	stateCh     chan string
	runID       int

	progress *lessons.Progress
	note     string // the message line: what just happened
	noteErr  bool
	noteAt   time.Time
	recovery *recovery
	quitting bool
}

// New builds the app without starting it (tests drive Update and View).
func New(opts Options) (*Model, error) {
	if opts.StateDir == "" {
		opts.StateDir = DefaultStateDir()
	}
	if opts.Autosave == 0 {
		opts.Autosave = 5 * time.Second
	}
	m := &Model{opts: opts, keys: DefaultKeyMap(), th: newTheme(true), width: 80, height: 24, kernelState: "idle"}
	m.stateCh = make(chan string, 16)
	m.client = repl.NewClient(opts.Kernel)
	m.client.OnState(func(s string) {
		select {
		case m.stateCh <- s:
		default:
		}
	})
	prog, err := lessons.LoadProgress(filepath.Join(opts.StateDir))
	m.progress = prog
	if err != nil {
		// Too long for the status line, and worth reading: with the
		// settings' notice, if any, in the dialog the app opens with.
		opts.Notice = strings.TrimSpace(opts.Notice + "\n\n" + err.Error())
	}
	m.nav = newLessonPane(m.progress)
	m.bench = newBenchPane()
	switch {
	case opts.Lesson != "":
		if err := m.openLesson(opts.Lesson); err != nil {
			return nil, err
		}
	case opts.Path != "":
		if err := m.openFile(opts.Path); err != nil {
			return nil, err
		}
	default:
		m.screen = screenLessons
		m.nav.selectSlug(m.progress.FirstUnfinished())
	}
	if opts.Notice != "" {
		if m.dialog == nil {
			m.dialog = noticeDialog(opts.Notice)
		} else {
			m.flash(opts.Notice, true)
		}
	}
	m.resize()
	return m, nil
}

// noticeDialog shows a message that needs reading before going on, such as
// a settings file that was not valid.
func noticeDialog(text string) *dialog {
	return &dialog{text: text, choices: []choice{
		{[]string{"enter", "esc"}, "continue", func(m *Model) tea.Cmd { return nil }},
	}}
}

// DefaultStateDir is $XDG_STATE_HOME/seqlab, or ~/.local/state/seqlab.
func DefaultStateDir() string {
	if d := os.Getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "seqlab")
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return filepath.Join(os.TempDir(), "seqlab-state")
	}
	return filepath.Join(home, ".local", "state", "seqlab")
}

// Run starts the app in the terminal and returns when the user quits.
func Run(ctx context.Context, opts Options) error {
	m, err := New(opts)
	if err != nil {
		return err
	}
	defer m.client.Close()
	_, err = tea.NewProgram(m, tea.WithContext(ctx)).Run()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		err = nil
	}
	// Whatever happened, unsaved work goes to the recovery file; if it
	// cannot, say so on the way out.
	if rerr := m.writeRecovery(); rerr != nil {
		return errors.Join(err, fmt.Errorf("your unsaved changes to %s could not be written to the recovery file: %w", m.nb.path, rerr))
	}
	return err
}

// Client is the kernel client (tests close it).
func (m *Model) Client() *repl.Client { return m.client }

// openFile opens a notebook file; a missing .md file is a new notebook that
// the first save creates.
func (m *Model) openFile(path string) error {
	var nb *notebook.Notebook
	_, statErr := os.Stat(path)
	switch {
	case errors.Is(statErr, os.ErrNotExist) && !strings.HasSuffix(path, ".ipynb"):
		nb = notebook.New()
		m.flash("new notebook "+path+": ctrl+s creates it", false)
	default:
		var err error
		if nb, err = notebook.Load(path); err != nil {
			return fmt.Errorf("%w\n(the file was not changed; fix it in an editor, or open another file)", err)
		}
	}
	savePath := path
	if strings.HasSuffix(path, ".ipynb") {
		savePath = strings.TrimSuffix(path, ".ipynb") + ".md"
		m.flash(fmt.Sprintf("imported %s; ctrl+s saves it as %s (the .ipynb is not changed)", path, savePath), false)
	}
	m.setNotebook(newNotebookPane(nb, savePath))
	m.checkRecovery()
	return nil
}

// lessonPath is where the learner's own copy of a lesson lives.
func (m *Model) lessonPath(slug string) string {
	return filepath.Join(m.opts.StateDir, "lessons", slug+".md")
}

// openLesson opens the learner's copy of a lesson (the original if there is
// none yet).
func (m *Model) openLesson(name string) error {
	slug := ""
	for _, l := range lessons.List() {
		if name == l.Slug || name == fmt.Sprint(l.Number) || name == fmt.Sprintf("%02d-%s", l.Number, l.Slug) {
			slug = l.Slug
		}
	}
	if slug == "" {
		return fmt.Errorf("there is no lesson %q; seqlab lessons lists them", name)
	}
	var nb *notebook.Notebook
	path := m.lessonPath(slug)
	if _, err := os.Stat(path); err == nil {
		nb, err = notebook.Load(path)
		if err != nil {
			m.flash(fmt.Sprintf("your copy of this lesson is unreadable (%v); opened the original, your copy is kept at %s", err, path), true)
			nb = nil
		}
	}
	if nb == nil {
		var err error
		if nb, err = lessons.Load(slug); err != nil {
			return err
		}
	}
	p := newNotebookPane(nb, path)
	p.lesson = slug
	for _, l := range lessons.List() {
		if l.Slug == slug {
			p.title = fmt.Sprintf("Lesson %d · %s", l.Number, l.Title)
		}
	}
	m.setNotebook(p)
	m.checkRecovery()
	return nil
}

func (m *Model) setNotebook(p *notebookPane) {
	if m.nb != nil && m.nb.run != nil {
		m.nb.run.abandon()
	}
	m.nb = p
	m.indexExercises()
	m.screen = screenNotebook
	m.resize()
}

func (m *Model) indexExercises() {
	p := m.nb
	p.ex = map[*notebook.Cell]lessons.Exercise{}
	if p.lesson == "" {
		return
	}
	for _, e := range lessons.Exercises(p.nb) {
		if e.Cell >= 0 && e.Cell < len(p.nb.Cells) {
			p.ex[p.nb.Cells[e.Cell]] = e
		}
	}
}

// ---- messages ----

type (
	// cellEventsMsg carries the events a running cell produced since the
	// last one (several are coalesced when the screen is slower than the
	// kernel).
	cellEventsMsg struct {
		run int
		evs []repl.Event
	}
	cellDoneMsg struct {
		run     int
		err     error
		elapsed time.Duration
	}
	restartNoteMsg struct {
		run  int
		text string
	}
	kernelStateMsg string
	autosaveMsg    struct{}
	completeMsg    struct {
		pos, start int
		items      []string
		err        error
	}
	inspectMsg struct {
		doc string
		err error
	}
	restartedMsg struct{ err error }
	clearNoteMsg struct{ at time.Time }
)

// Init starts the kernel in the background, asks the terminal for its
// background colour, and arms the autosave timer and the kernel-state
// listener.
func (m *Model) Init() tea.Cmd {
	return tea.Batch(
		tea.RequestBackgroundColor,
		m.listenState(),
		m.autosaveTick(),
		func() tea.Msg { _ = m.client.Start(context.Background()); return nil },
	)
}

func (m *Model) listenState() tea.Cmd {
	ch := m.stateCh
	return func() tea.Msg { return kernelStateMsg(<-ch) }
}

func (m *Model) autosaveTick() tea.Cmd {
	return tea.Tick(m.opts.Autosave, func(time.Time) tea.Msg { return autosaveMsg{} })
}

func (m *Model) flash(text string, isErr bool) {
	m.note, m.noteErr, m.noteAt = text, isErr, time.Now()
}

// Update handles a message.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		m.resize()
		return m, nil
	case tea.BackgroundColorMsg:
		m.th = newTheme(msg.IsDark())
		if m.nb != nil {
			m.nb.invalidateAll()
		}
		return m, nil
	case kernelStateMsg:
		m.kernelState = string(msg)
		return m, m.listenState()
	case autosaveMsg:
		m.writeRecovery()
		return m, m.autosaveTick()
	case cellEventsMsg:
		return m, m.onCellEvents(msg)
	case cellDoneMsg:
		return m, m.onCellDone(msg)
	case restartNoteMsg:
		if r := m.nb.run; r != nil && r.id == msg.run {
			r.cell.Outputs = nil
			m.nb.invalidate(r.cell)
			m.flash("kernel restarting: "+msg.text, false)
			return m, r.listen()
		}
		return m, nil
	case completeMsg:
		m.onComplete(msg)
		return m, nil
	case inspectMsg:
		if c := m.nb.cell(); c != nil {
			st := m.nb.st(c)
			st.doc = msg.doc
			if msg.err != nil {
				st.doc = msg.err.Error()
			}
			m.nb.invalidate(c)
		}
		return m, nil
	case restartedMsg:
		if msg.err != nil {
			m.flash("restart failed: "+msg.err.Error(), true)
		} else {
			m.flash("kernel restarted: variables are gone, outputs and code are kept", false)
			for _, st := range m.nb.state {
				st.count = 0
				st.cacheKey = ""
			}
			m.nb.counter = 0
		}
		return m, m.nb.startNext(m)
	case benchMsg:
		return m, m.bench.update(msg, m)
	case tea.MouseWheelMsg:
		if m.screen == screenNotebook && m.dialog == nil && m.palette == nil {
			switch msg.Button {
			case tea.MouseWheelUp:
				m.nb.scroll(-3)
			case tea.MouseWheelDown:
				m.nb.scroll(3)
			}
		}
		return m, nil
	case tea.PasteMsg:
		if m.screen == screenNotebook && m.nb.mode == editMode {
			var cmd tea.Cmd
			m.nb.editor, cmd = m.nb.editor.Update(msg)
			return m, cmd
		}
		return m, nil
	case tea.KeyPressMsg:
		return m, m.onKey(msg)
	}
	if m.screen == screenNotebook && m.nb.mode == editMode {
		var cmd tea.Cmd
		m.nb.editor, cmd = m.nb.editor.Update(msg)
		return m, cmd
	}
	return m, nil
}

func (m *Model) resize() {
	if m.nb != nil {
		m.nb.setSize(m.width, max(m.height-3, 3))
		m.nb.invalidateAll()
	}
}

// onKey routes a key press: dialogs first, then overlays, then the screen.
func (m *Model) onKey(msg tea.KeyPressMsg) tea.Cmd {
	if m.dialog != nil {
		return m.dialog.key(msg, m)
	}
	if m.palette != nil {
		return m.palette.key(msg, m)
	}
	if m.help {
		m.help = false
		return nil
	}
	k := m.keys
	// Keys that work everywhere.
	switch {
	case msg.String() == "ctrl+c" && m.nb != nil && m.nb.run != nil:
		return m.action("interrupt")
	case key.Matches(msg, k.Quit):
		return m.action("quit")
	case key.Matches(msg, k.Palette):
		m.palette = &palette{}
		return nil
	case key.Matches(msg, k.Save) && m.screen == screenNotebook:
		return m.action("save")
	}
	switch m.screen {
	case screenLessons:
		return m.nav.key(msg, m)
	case screenBench:
		return m.bench.key(msg, m)
	}
	p := m.nb
	if p.mode == editMode {
		return m.editKey(msg)
	}
	if msg.String() != "esc" {
		m.note = ""
	}
	switch {
	case key.Matches(msg, k.Help):
		m.help = true
		return nil
	case key.Matches(msg, k.Run):
		return m.action("run-next")
	case key.Matches(msg, k.RunStay):
		return m.action("run")
	case key.Matches(msg, k.Lessons):
		return m.action("lessons")
	case key.Matches(msg, k.NextLesson):
		return m.action("next-lesson")
	case key.Matches(msg, k.PrevLesson):
		return m.action("prev-lesson")
	case key.Matches(msg, k.Bench):
		return m.action("bench")
	}
	act, note, cmd := p.handleCommandKey(msg, k)
	if note != "" {
		m.flash(note, false)
	}
	if act != "" {
		return tea.Batch(cmd, m.action(act))
	}
	return cmd
}

// editKey handles a key in edit mode.
func (m *Model) editKey(msg tea.KeyPressMsg) tea.Cmd {
	p, k := m.nb, m.keys
	if c := p.complete; c != nil {
		switch msg.String() {
		case "tab", "down", "ctrl+n":
			c.sel = (c.sel + 1) % len(c.items)
			p.invalidate(p.cell())
			return nil
		case "up", "ctrl+p", "shift+tab":
			c.sel = (c.sel + len(c.items) - 1) % len(c.items)
			return nil
		case "enter":
			m.acceptCompletion()
			return nil
		case "esc":
			p.complete = nil
			return nil
		}
		p.complete = nil
	}
	if c := p.cell(); c != nil && p.st(c).doc != "" {
		p.st(c).doc = ""
		if msg.String() == "esc" {
			return nil
		}
	}
	switch {
	case key.Matches(msg, k.Leave):
		p.stopEdit()
		return nil
	case key.Matches(msg, k.Run):
		p.stopEdit()
		return m.action("run-next")
	case key.Matches(msg, k.RunStay):
		p.stopEdit()
		return m.action("run")
	case key.Matches(msg, k.Inspect):
		return m.inspect()
	case key.Matches(msg, k.Complete):
		if cmd := m.completeCmd(); cmd != nil {
			return cmd
		}
		p.editor.InsertString("\t")
		return nil
	}
	var cmd tea.Cmd
	p.editor, cmd = p.editor.Update(msg)
	return cmd
}

// completeCmd asks the kernel for completions of the word before the
// cursor, or returns nil when there is no word there (tab indents).
func (m *Model) completeCmd() tea.Cmd {
	code := m.nb.editor.Value()
	pos := m.nb.cursorOffset()
	if pos == 0 {
		return nil
	}
	prev := code[pos-1]
	if !(prev == '.' || prev == '_' || prev >= 'a' && prev <= 'z' || prev >= 'A' && prev <= 'Z' || prev >= '0' && prev <= '9') {
		return nil
	}
	client := m.client
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		start, items, err := client.Complete(ctx, code, pos)
		return completeMsg{pos: pos, start: start, items: items, err: err}
	}
}

func (m *Model) onComplete(msg completeMsg) {
	p := m.nb
	if p.mode != editMode || p.cursorOffset() != msg.pos {
		return // the learner typed on
	}
	switch {
	case msg.err != nil:
		m.flash("completion: "+msg.err.Error(), true)
	case len(msg.items) == 0:
		m.flash("no completions", false)
	case len(msg.items) == 1:
		p.complete = &completion{items: msg.items, start: msg.start, pos: msg.pos}
		m.acceptCompletion()
	default:
		p.complete = &completion{items: msg.items, start: msg.start, pos: msg.pos}
	}
}

// acceptCompletion replaces the word being completed by the chosen item.
func (m *Model) acceptCompletion() {
	p := m.nb
	c := p.complete
	p.complete = nil
	if c == nil || c.sel >= len(c.items) {
		return
	}
	code := p.editor.Value()
	if c.start < 0 || c.start > c.pos || c.pos > len(code) {
		return
	}
	item := c.items[c.sel]
	word := code[c.start:c.pos]
	if strings.HasPrefix(item, word) {
		p.editor.InsertString(item[len(word):])
		return
	}
	// The item does not extend the word (e.g. a qualified name): rewrite.
	newCode := code[:c.start] + item + code[c.pos:]
	p.editor.SetValue(newCode)
}

func (m *Model) inspect() tea.Cmd {
	code := m.nb.editor.Value()
	pos := m.nb.cursorOffset()
	client := m.client
	return func() tea.Msg {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		doc, err := client.Inspect(ctx, code, pos)
		if err == nil && strings.TrimSpace(doc) == "" {
			doc = "no documentation for the name under the cursor"
		}
		return inspectMsg{doc: doc, err: err}
	}
}
