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
}

// kernelProc is one running kernel process.
type kernelProc struct {
	cmd    *exec.Cmd
	stdin  io.WriteCloser
	stderr *tailBuffer
	mu     sync.Mutex
	wait   map[string]chan Reply // request id → replies
	dead   chan struct{}         // closed when the process has exited
	err    error                 // why it exited
}

// KernelDiedError reports that the kernel process ended while a request was
// running: a panic in a goroutine, a stack overflow, running out of memory,
// or a kill. Its Detail holds the last lines the kernel wrote about it.
type KernelDiedError struct {
	Reason string
	Detail string
}

func (e *KernelDiedError) Error() string {
	msg := "the kernel died (" + e.Reason + "); its state is lost and it restarts for the next cell"
	if e.Detail != "" {
		msg += "\n" + e.Detail
	}
	return msg
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
	if c.opts.Unrestricted {
		args = append(append([]string(nil), args...), "--unrestricted")
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
			var r Reply
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
				continue
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
			ready <- &KernelDiedError{Reason: exitReason(err), Detail: p.stderr.String()}
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
	return &KernelDiedError{Reason: exitReason(err), Detail: crashDetail(p.stderr.String())}
}

// crashDetail keeps what a learner can use from a Go crash report: the
// panic or fatal error message, without the goroutine stacks (which show
// the interpreter's frames, not the cell's).
func crashDetail(s string) string {
	var keep []string
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		if strings.HasPrefix(l, "goroutine ") || strings.HasPrefix(l, "runtime stack:") {
			break
		}
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
// the grace period after ctx is cancelled, the kernel is killed.
func (c *Client) Execute(ctx context.Context, cellID, code string, on func(Event)) error {
	c.runMu.Lock()
	defer c.runMu.Unlock()
	p, err := c.kernel(ctx)
	if err != nil {
		return err
	}
	ch, err := c.request(p, Request{Op: OpExecute, Cell: cellID, Code: code})
	if err != nil {
		return err
	}
	var id string
	var cellErr error
	interrupted := false
	var graceTimer <-chan time.Time
	done := ctx.Done()
	for {
		select {
		case r := <-ch:
			id = r.ID
			switch r.Type {
			case TypeDone:
				c.forget(p, id)
				if interrupted && cellErr != nil {
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
			default:
				if on != nil {
					on(r)
				}
			}
		case <-done:
			done = nil
			interrupted = true
			c.request(p, Request{Op: OpInterrupt})
			graceTimer = time.After(c.opts.Grace)
		case <-graceTimer:
			p.cmd.Process.Kill()
			<-p.dead
			go c.state("restarting")
			return fmt.Errorf("the cell did not stop within %v of the interrupt, so the kernel was restarted: its variables are lost; run the cells above again", c.opts.Grace)
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
	for {
		select {
		case r := <-ch:
			if r.Type == TypeDone {
				c.forget(p, r.ID)
				return nil
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

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.buf.String()
}

// Cell is a cell to replay after a restart.
type Cell struct {
	ID, Code string
}

// ExecuteReplaying runs a notebook cell like Execute. When the kernel
// answers that the cell redefines a type (Go cannot change a type in a
// running program), it tells onRestart, restarts the kernel, runs the cells
// above silently and runs the cell again. If the cell still redefines a
// type after that, a cell above declares it too, and the error says so.
func (c *Client) ExecuteReplaying(ctx context.Context, cellID, code string, above []Cell, on func(Event), onRestart func(msg string)) error {
	err := c.Execute(ctx, cellID, code, on)
	var cerr *CellError
	if !errors.As(err, &cerr) || !cerr.Restart {
		return err
	}
	if onRestart != nil {
		onRestart(cerr.Msg)
	}
	if err := c.Restart(ctx); err != nil {
		return err
	}
	for i, cell := range above {
		if err := c.Execute(ctx, cell.ID, cell.Code, nil); err != nil {
			return fmt.Errorf("the kernel restarted, but cell %d above failed when it ran again: %w", i+1, err)
		}
	}
	err = c.Execute(ctx, cellID, code, on)
	if errors.As(err, &cerr) && cerr.Restart {
		return &CellError{Msg: strings.Replace(cerr.Msg,
			"is declared differently than before; Go cannot change a type in a running program, so the kernel restarts and runs the cells above again",
			"is also declared in a cell above; a type can be declared only once in a notebook: rename one of them", 1)}
	}
	return err
}
