package repl

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// ClientOptions configure a Client.
type ClientOptions struct {
	// Command starts a kernel; nil means this executable with the argument
	// "kernel" (seqlab's own `seqlab kernel`).
	Command []string
	// Unrestricted passes --unrestricted to the kernel.
	Unrestricted bool
	// Grace is how long an interrupted cell may take to stop before the
	// kernel is killed and restarted; 0 means 2 s.
	Grace time.Duration
	// Env is added to the kernel's environment.
	Env []string
	// MemoryLimit is passed to the kernel as --memory-limit (bytes); 0
	// leaves the kernel's default (DefaultMemoryLimit). Less than 128 MiB
	// is refused.
	MemoryLimit int64
}

// Event is something a running cell produced: a Reply of type stream,
// display, result or error.
type Event = Reply

// Client talks to one kernel process at a time, restarting it when it dies.
// Its methods are safe for concurrent use, but cells run one at a time.
type Client struct {
	opts ClientOptions

	mu      sync.Mutex
	proc    *kernelProc
	seq     int
	runMu   sync.Mutex // one Execute at a time
	onState func(string)
	// lost describes a kernel that died between cells (a goroutine a cell
	// started panicked after it returned, say); the next cell says so.
	lost *KernelDiedError
}

// lostNote tells the learner, before a cell's own output, that the kernel
// died after the previous cell had finished, and so the cells above must
// run again.
func lostNote(e *KernelDiedError) string {
	why := e.Reason
	if first, _, _ := strings.Cut(e.Detail, "\n"); first != "" {
		why += ": " + first
	}
	return "[the kernel died after the last cell had finished (" + why + "); this cell runs in a new kernel, so the variables of the cells above are gone: run them again]\n"
}

// kernelProc is one running kernel process.
type kernelProc struct {
	reported atomic.Bool // a cell has reported its death
	cmd      *exec.Cmd
	stdin    io.WriteCloser
	stderr   *tailBuffer
	mu       sync.Mutex
	wait     map[string]chan Reply // request id → replies
	dead     chan struct{}         // closed when the process has exited
	err      error                 // why it exited
}

// KernelDiedError reports that the kernel process ended while a request was
// running: a panic in a goroutine, a stack overflow, running out of memory,
// or a kill. Its Detail holds the last lines the kernel wrote about it.
type KernelDiedError struct {
	Reason string // "exit status 2", "signal: killed", "memory limit", "stack overflow", "out of memory", "panic"
	Detail string // the panic or fatal error, as the Go runtime wrote it
	// Msg, when set, says what happened in words a learner can use, and
	// replaces the generic sentence.
	Msg string
}

func (e *KernelDiedError) Error() string {
	msg := e.Msg
	if msg == "" {
		msg = "the kernel died (" + e.Reason + "); its state is lost and it restarts for the next cell"
	}
	if e.Detail != "" {
		msg += "\n" + e.Detail
	}
	return msg
}

// TimeoutError reports that a cell ran longer than its timeout
// (ExecOptions.Timeout), was interrupted and stopped.
type TimeoutError struct {
	Timeout time.Duration
}

func (e *TimeoutError) Error() string {
	return fmt.Sprintf("interrupted after the cell timeout of %v", e.Timeout)
}

// StuckError reports that an interrupted cell did not stop within the grace
// period, so the kernel was killed; the next request starts a fresh one,
// without the cell's variables.
type StuckError struct {
	Grace   time.Duration
	Timeout time.Duration // the cell timeout that interrupted it; 0 when the caller's context did
}

func (e *StuckError) Error() string {
	if e.Timeout > 0 {
		return fmt.Sprintf("interrupted after the cell timeout of %v, and the cell did not stop within %v of the interrupt, so the kernel was restarted: its variables are lost; run the cells above again", e.Timeout, e.Grace)
	}
	return fmt.Sprintf("the cell did not stop within %v of the interrupt, so the kernel was restarted: its variables are lost; run the cells above again", e.Grace)
}

// CellError is a cell's failure reported by the kernel.
type CellError struct {
	Msg       string
	Line, Col int
	Restart   bool // the kernel must restart and replay the cells above
}

func (e *CellError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg)
	}
	return e.Msg
}

// ErrInterrupted is returned by Execute when its context was cancelled and
// the cell stopped.
var ErrInterrupted = errors.New("interrupted")

// NewClient returns a client; the kernel starts with the first request.
func NewClient(opts ClientOptions) *Client {
	if opts.Grace == 0 {
		opts.Grace = 2 * time.Second
	}
	return &Client{opts: opts}
}

// OnState registers a function told of kernel state changes: starting,
// idle, busy, restarting, dead.
func (c *Client) OnState(f func(string)) {
	c.mu.Lock()
	c.onState = f
	c.mu.Unlock()
}

func (c *Client) state(s string) {
	c.mu.Lock()
	f := c.onState
	c.mu.Unlock()
	if f != nil {
		f(s)
	}
}

// Start makes sure a kernel is running and ready.
func (c *Client) Start(ctx context.Context) error {
	_, err := c.kernel(ctx)
	return err
}

func (c *Client) kernel(ctx context.Context) (*kernelProc, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.proc != nil {
		select {
		case <-c.proc.dead:
			if p := c.proc; !p.reported.Load() {
				var died *KernelDiedError
				if errors.As(c.died(p), &died) {
					c.lost = died
				}
			}
			c.proc = nil
		default:
			return c.proc, nil
		}
	}
	p, err := c.spawn(ctx)
	if err != nil {
		return nil, err
	}
	c.proc = p
	return p, nil
}

func (c *Client) spawn(ctx context.Context) (*kernelProc, error) {
	go c.state("starting")
	args := c.opts.Command
	if len(args) == 0 {
		exe, err := os.Executable()
		if err != nil {
			return nil, fmt.Errorf("kernel: cannot find seqlab's executable: %w", err)
		}
		args = []string{exe, "kernel"}
	}
	args = append([]string(nil), args...)
	if c.opts.Unrestricted {
		args = append(args, "--unrestricted")
	}
	if c.opts.MemoryLimit != 0 {
		if err := checkMemoryLimit(c.opts.MemoryLimit); err != nil {
			return nil, err
		}
		args = append(args, "--memory-limit="+strconv.FormatInt(c.opts.MemoryLimit, 10))
	}
	cmd := exec.Command(args[0], args[1:]...)
	cmd.Env = append(os.Environ(), c.opts.Env...)
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	p := &kernelProc{cmd: cmd, stdin: stdin, stderr: newTailBuffer(16 << 10), wait: map[string]chan Reply{}, dead: make(chan struct{})}
	cmd.Stderr = p.stderr
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("kernel: starting %s: %w", strings.Join(args, " "), err)
	}
	ready := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<20), 64<<20)
		announced := false
		for sc.Scan() {
			r, err := decodeReply(sc.Bytes())
			if err != nil {
				continue // not a reply: nothing waits for it
			}
			if r.Type == TypeStatus {
				if !announced && (r.State == "idle" || r.State == "dead") {
					announced = true
					if r.State == "dead" {
						ready <- fmt.Errorf("kernel: %s", r.Text)
					} else {
						ready <- nil
					}
				}
				go c.state(r.State)
				if r.ID == "" {
					continue
				}
			}
			p.mu.Lock()
			ch := p.wait[r.ID]
			p.mu.Unlock()
			if ch != nil {
				ch <- r
			}
		}
		err := cmd.Wait()
		p.mu.Lock()
		p.err = err
		p.mu.Unlock()
		close(p.dead)
		if !announced {
			ready <- &KernelDiedError{Reason: exitReason(err), Detail: crashDetail(p.stderr.String())}
		}
		go c.state("dead")
	}()
	select {
	case err := <-ready:
		if err != nil {
			cmd.Process.Kill()
			return nil, err
		}
		return p, nil
	case <-ctx.Done():
		cmd.Process.Kill()
		return nil, ctx.Err()
	case <-time.After(60 * time.Second):
		cmd.Process.Kill()
		return nil, errors.New("kernel: did not start within 60 s")
	}
}

func exitReason(err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ee.ProcessState != nil && !ee.ProcessState.Exited() {
			return ee.ProcessState.String() // "signal: killed"
		}
		return "exit status " + strconv.Itoa(ee.ExitCode())
	}
	if err == nil {
		return "it exited"
	}
	return err.Error()
}

// request sends req and returns the channel its replies arrive on.
func (c *Client) request(p *kernelProc, req Request) (chan Reply, error) {
	c.mu.Lock()
	c.seq++
	req.ID = "r" + strconv.Itoa(c.seq)
	c.mu.Unlock()
	ch := make(chan Reply, 256)
	p.mu.Lock()
	p.wait[req.ID] = ch
	p.mu.Unlock()
	line, _ := json.Marshal(req)
	if _, err := p.stdin.Write(append(line, '\n')); err != nil {
		return nil, c.died(p)
	}
	return ch, nil
}

func (c *Client) forget(p *kernelProc, id string) {
	p.mu.Lock()
	delete(p.wait, id)
	p.mu.Unlock()
}

// died waits briefly for p to finish dying and describes why it did.
func (c *Client) died(p *kernelProc) error {
	select {
	case <-p.dead:
	case <-time.After(2 * time.Second):
		p.cmd.Process.Kill()
		<-p.dead
	}
	p.mu.Lock()
	err := p.err
	p.mu.Unlock()
	return kernelDied(err, p.stderr.String())
}

// Messages for the ways a kernel dies that a learner can do something about.
const (
	lostState          = "the kernel stopped and restarts for the next cell, so its variables are lost"
	stackOverflowMsg   = "the cell recursed too deeply (stack overflow): a function kept calling itself, probably without a case that ends the recursion; " + lostState
	outOfMemoryMsg     = "the cell ran out of memory: it asked for more memory than the machine could give (Go's fatal error: runtime: out of memory); " + lostState
	goroutinePanicMsg  = "the kernel died: a goroutine panicked, and only a panic in the cell's own code can be caught; its variables are lost and it restarts for the next cell"
	concurrentMapMsg   = "the kernel died: goroutines used the same map at the same time without a lock (Go's fatal error: concurrent map access), which ends a Go program; guard the map with a sync.Mutex; its variables are lost and it restarts for the next cell"
	killedFromOutside  = "the kernel was killed (%s) by something outside seqlab, such as the system when the machine runs out of memory; " + lostState
	crashFrameOverflow = "runtime.newstack("
)

// kernelDied describes why a kernel exited (err from its Wait) from what it
// wrote on its standard error (crash): the kernel's own message when it
// stopped itself (watchdog), else the Go runtime's crash report read for a
// stack overflow, running out of memory, or a panic in a goroutine.
func kernelDied(err error, crash string) *KernelDiedError {
	e := &KernelDiedError{Reason: exitReason(err)}
	code := -1
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	}
	if msg := stoppedMessage(crash); msg != "" && (code == exitMemoryLimit || code == exitStackOverflow) {
		e.Msg = msg
		e.Reason = "memory limit"
		if code == exitStackOverflow {
			e.Reason = "stack overflow"
		}
		return e
	}
	// The runtime writes "fatal error: …" to the kernel's captured stderr,
	// and the stacks after it to the crash output: which function threw
	// tells what happened when the message itself did not make it.
	runtimeStack := ""
	if i := strings.Index(crash, "runtime stack:\n"); i >= 0 {
		runtimeStack = crash[i:]
		if j := strings.Index(runtimeStack, "\ngoroutine "); j >= 0 {
			runtimeStack = runtimeStack[:j]
		}
	}
	switch {
	case strings.Contains(crash, "fatal error: stack overflow") || strings.Contains(crash, "runtime: goroutine stack exceeds") ||
		strings.Contains(runtimeStack, crashFrameOverflow):
		e.Reason, e.Msg = "stack overflow", stackOverflowMsg
		return e
	case strings.Contains(crash, "fatal error: runtime: out of memory") || strings.Contains(crash, "runtime: out of memory") ||
		strings.Contains(crash, "fatal error: runtime: cannot allocate memory") ||
		strings.Contains(runtimeStack, "runtime.sysMap") || strings.Contains(runtimeStack, "runtime.(*mheap).grow("):
		e.Reason, e.Msg = "out of memory", outOfMemoryMsg
		return e
	case strings.Contains(crash, "fatal error: concurrent map") || strings.Contains(crash, "maps.fatal("):
		e.Reason, e.Msg = "concurrent map access", concurrentMapMsg
		return e
	}
	e.Detail = crashDetail(crash)
	switch {
	case strings.HasPrefix(e.Detail, "panic: "):
		e.Reason, e.Msg = "panic", goroutinePanicMsg
	case e.Detail == "" && ee != nil && ee.ProcessState != nil && !ee.ProcessState.Exited():
		e.Msg = fmt.Sprintf(killedFromOutside, e.Reason)
	}
	return e
}

// stoppedMessage returns the kernel's own last word (stoppedPrefix), if any.
func stoppedMessage(crash string) string {
	i := strings.LastIndex(crash, stoppedPrefix)
	if i < 0 {
		return ""
	}
	msg := crash[i+len(stoppedPrefix):]
	if j := strings.IndexByte(msg, '\n'); j >= 0 {
		msg = msg[:j]
	}
	return strings.TrimSpace(msg)
}

// crashDetail keeps what a learner can use from a Go crash report: the
// panic or fatal error message, without the goroutine stacks (which show
// the interpreter's frames, not the cell's).
func crashDetail(s string) string {
	var keep []string
	seen := map[string]bool{}
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		if strings.HasPrefix(l, "goroutine ") || strings.HasPrefix(l, "runtime stack:") {
			break
		}
		if strings.HasPrefix(l, stoppedPrefix) || seen[l] || strings.TrimSpace(l) == "fatal error:" {
			continue // the kernel's own word, a line copied twice (capture.emit), a message cut short
		}
		seen[l] = true
		l = strings.TrimSuffix(l, " [recovered, repanicked]")
		l = strings.TrimSuffix(l, " [recovered]")
		if strings.TrimSpace(l) != "" {
			keep = append(keep, l)
		}
	}
	if len(keep) > 6 {
		keep = append(keep[:6], "…")
	}
	return strings.Join(keep, "\n")
}

// Execute runs code in the kernel, calling on for every stream, display,
// result and error event as it arrives. It returns nil when the cell
// succeeded, a *CellError when it failed, ErrInterrupted when ctx was
// cancelled and the cell stopped, and a *KernelDiedError when the kernel
// died (it restarts on the next request). When the cell does not stop within
// the grace period after ctx is cancelled, the kernel is killed and Execute
// returns a *StuckError.
func (c *Client) Execute(ctx context.Context, cellID, code string, on func(Event)) error {
	return c.execute(ctx, cellID, code, 0, on)
}

// ExecOptions are the options of ExecuteWith.
type ExecOptions struct {
	// Above are the cells to replay when the cell redefines a type and the
	// kernel must restart; nil runs the cell like Execute.
	Above []Cell
	// OnRestart, if set, is told why the kernel restarts to replay Above.
	OnRestart func(msg string)
	// Timeout interrupts the cell when its own run takes longer, counted
	// from when the kernel starts running it: starting the kernel and
	// replaying the cells above do not count (each replayed cell has a
	// timeout of its own). An expired timeout makes the call return a
	// *TimeoutError, or a *StuckError when the cell did not stop within the
	// grace period and the kernel was restarted. 0 means no limit.
	Timeout time.Duration
}

// ExecuteWith runs a notebook cell like Execute, with a timeout. When the
// kernel answers that the cell redefines a type (Go cannot change a type in
// a running program), it tells OnRestart, restarts the kernel, runs the
// cells Above silently and runs the cell again. If the cell still redefines
// a type after that, a cell above declares it too, and the error says so.
func (c *Client) ExecuteWith(ctx context.Context, cellID, code string, o ExecOptions, on func(Event)) error {
	err := c.execute(ctx, cellID, code, o.Timeout, on)
	var cerr *CellError
	if !errors.As(err, &cerr) || !cerr.Restart {
		return err
	}
	if o.OnRestart != nil {
		o.OnRestart(cerr.Msg)
	}
	if err := c.Restart(ctx); err != nil {
		return err
	}
	for i, cell := range o.Above {
		if err := c.execute(ctx, cell.ID, cell.Code, o.Timeout, nil); err != nil {
			return fmt.Errorf("the kernel restarted, but cell %d above failed when it ran again: %w", i+1, err)
		}
	}
	err = c.execute(ctx, cellID, code, o.Timeout, on)
	if errors.As(err, &cerr) && cerr.Restart {
		return &CellError{Msg: strings.Replace(cerr.Msg,
			"is declared differently than before; Go cannot change a type in a running program, so the kernel restarts and runs the cells above again",
			"is also declared in a cell above; a type can be declared only once in a notebook: rename one of them", 1)}
	}
	return err
}

func (c *Client) execute(ctx context.Context, cellID, code string, timeout time.Duration, on func(Event)) error {
	c.runMu.Lock()
	defer c.runMu.Unlock()
	p, err := c.kernel(ctx)
	if err != nil {
		return err
	}
	c.mu.Lock()
	lost := c.lost
	c.lost = nil
	c.mu.Unlock()
	if lost != nil && on != nil {
		on(Event{Type: TypeStream, Name: "stderr", Text: lostNote(lost)})
	}
	p.stderr.Reset() // what the kernel says if it dies now is about this cell
	ch, err := c.request(p, Request{Op: OpExecute, Cell: cellID, Code: code})
	if err != nil {
		return err
	}
	var id string
	var cellErr error
	interrupted, timedOut := false, false
	var graceTimer, timeoutC <-chan time.Time
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	done := ctx.Done()
	interrupt := func() {
		done, timeoutC = nil, nil
		interrupted = true
		c.request(p, Request{Op: OpInterrupt})
		graceTimer = time.After(c.opts.Grace)
	}
	for {
		select {
		case r := <-ch:
			id = r.ID
			switch r.Type {
			case TypeDone:
				c.forget(p, id)
				switch {
				case timedOut:
					return &TimeoutError{Timeout: timeout}
				case interrupted && cellErr != nil:
					return ErrInterrupted
				}
				return cellErr
			case TypeError:
				cellErr = &CellError{Msg: r.Text, Line: r.Line, Col: r.Col, Restart: r.Restart}
				if interrupted && r.Text == "interrupted" || r.Restart {
					break // reported by the return value
				}
				if on != nil {
					on(r)
				}
			case TypeStatus:
				// The cell's own run starts now: the timeout counts from here.
				if r.State == "busy" && timeout > 0 && timer == nil && !interrupted {
					timer = time.NewTimer(timeout)
					timeoutC = timer.C
				}
			default:
				if on != nil {
					on(r)
				}
			}
		case <-done:
			interrupt()
		case <-timeoutC:
			timedOut = true
			interrupt()
		case <-graceTimer:
			p.reported.Store(true)
			p.cmd.Process.Kill()
			<-p.dead
			go c.state("restarting")
			e := &StuckError{Grace: c.opts.Grace}
			if timedOut {
				e.Timeout = timeout
			}
			return e
		case <-p.dead:
		drain: // what arrived before the end
			for {
				select {
				case r := <-ch:
					if on != nil && r.Type != TypeDone && r.Type != TypeStatus {
						on(r)
					}
				default:
					break drain
				}
			}
			p.reported.Store(true)
			return c.died(p)
		}
	}
}

// Complete asks the kernel for completions of the word before pos in code.
func (c *Client) Complete(ctx context.Context, code string, pos int) (start int, items []string, err error) {
	err = c.simple(ctx, Request{Op: OpComplete, Code: code, Pos: pos}, func(r Reply) {
		if r.Type == TypeComplete {
			start, items = r.Start, r.Items
		}
	})
	return start, items, err
}

// Inspect asks the kernel for the documentation of the identifier at pos.
func (c *Client) Inspect(ctx context.Context, code string, pos int) (doc string, err error) {
	err = c.simple(ctx, Request{Op: OpInspect, Code: code, Pos: pos}, func(r Reply) {
		if r.Type == TypeInspect {
			doc = r.Text
		}
	})
	return doc, err
}

// Restart replaces the kernel with a fresh process.
func (c *Client) Restart(ctx context.Context) error {
	c.mu.Lock()
	p := c.proc
	c.proc = nil
	c.mu.Unlock()
	if p != nil {
		p.cmd.Process.Kill()
		<-p.dead
	}
	go c.state("restarting")
	return c.Start(ctx)
}

// Close shuts the kernel down.
func (c *Client) Close() error {
	c.mu.Lock()
	p := c.proc
	c.proc = nil
	c.mu.Unlock()
	if p == nil {
		return nil
	}
	if ch, err := c.request(p, Request{Op: OpShutdown}); err == nil {
		select {
		case <-ch:
		case <-p.dead:
		case <-time.After(2 * time.Second):
		}
	}
	p.stdin.Close()
	select {
	case <-p.dead:
	case <-time.After(2 * time.Second):
		p.cmd.Process.Kill()
		<-p.dead
	}
	return nil
}

func (c *Client) simple(ctx context.Context, req Request, on func(Reply)) error {
	p, err := c.kernel(ctx)
	if err != nil {
		return err
	}
	ch, err := c.request(p, req)
	if err != nil {
		return err
	}
	var failed error
	for {
		select {
		case r := <-ch:
			switch r.Type {
			case TypeDone:
				c.forget(p, r.ID)
				return failed
			case TypeError:
				failed = errors.New(r.Text)
				continue
			}
			on(r)
		case <-p.dead:
			return c.died(p)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// tailBuffer keeps the kernel's own stderr: fatal errors and crash reports
// (cells' output travels in the protocol). It keeps the first n bytes since
// the last Reset, where a crash report puts the panic message.
type tailBuffer struct {
	mu  sync.Mutex
	n   int
	buf bytes.Buffer
}

func newTailBuffer(n int) *tailBuffer { return &tailBuffer{n: n} }

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if room := t.n - t.buf.Len(); room > 0 {
		t.buf.Write(p[:min(len(p), room)])
	}
	return len(p), nil
}

// Reset forgets what was written so far.
func (t *tailBuffer) Reset() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.buf.Reset()
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.buf.String()
}

// Cell is a cell to replay after a restart.
type Cell struct {
	ID, Code string
}
