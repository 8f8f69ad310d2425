//go:build unix

package repl

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"sync"
	"time"

	"github.com/seqlab/seqlab/display"
	"github.com/seqlab/seqlab/internal/bytesize"
)

// KernelOptions configure ServeKernel.
type KernelOptions struct {
	Unrestricted bool
	// MaxOutput caps the bytes of stream output one request forwards; the
	// rest is counted and reported. 0 means 8 MiB.
	MaxOutput int
	// MemoryLimit is the most memory, in bytes, the kernel may use (the Go
	// heap and stacks, or the resident set if larger). The Go garbage
	// collector works to stay under 90% of it; a cell that goes over it
	// anyway ends the kernel with a message saying so (see watchdog).
	// 0 means DefaultMemoryLimit().
	MemoryLimit int64
}

// maxStack is the most stack one goroutine may use: a runaway recursion
// fails within a second or two instead of after eating 1 GiB.
const maxStack = 256 << 20

// kernel is the state of a running `seqlab kernel` process.
type kernel struct {
	opts    KernelOptions
	cap     *capture
	session *Session
	dog     *watchdog // for the executor's look at the end of each cell

	outMu sync.Mutex
	enc   *json.Encoder

	mu        sync.Mutex
	current   string             // id of the executing request
	cancel    context.CancelFunc // cancels it
	sent      int                // stream bytes forwarded for it
	dropped   int                // stream bytes dropped for it
	execQueue chan Request
}

// ServeKernel turns this process into a kernel: it rearranges the standard
// streams (see capture), reads requests from the original stdin, runs them,
// and writes replies to the original stdout until shutdown or end of input.
// It is what `seqlab kernel` runs.
func ServeKernel(opts KernelOptions) error {
	if opts.MaxOutput == 0 {
		opts.MaxOutput = 8 << 20
	}
	if opts.MemoryLimit == 0 {
		opts.MemoryLimit = DefaultMemoryLimit()
	}
	if err := checkMemoryLimit(opts.MemoryLimit); err != nil {
		return err
	}
	k := &kernel{opts: opts, execQueue: make(chan Request, 64)}
	c, err := startCapture(k.stream)
	if err != nil {
		return err
	}
	k.cap = c
	k.enc = json.NewEncoder(c.Out)
	debug.SetMaxStack(maxStack)
	debug.SetMemoryLimit(opts.MemoryLimit / 10 * 9)
	k.dog = newWatchdog(opts.MemoryLimit, maxStack/2)
	go k.watch(newWatchdog(opts.MemoryLimit, maxStack/2), watchEvery) // its own: a watchdog is not safe for concurrent use
	k.send(Reply{Type: TypeStatus, State: "starting"})
	k.session, err = NewSession(SessionOptions{Unrestricted: opts.Unrestricted})
	if err != nil {
		k.send(Reply{Type: TypeStatus, State: "dead", Text: err.Error()})
		return err
	}
	display.SetSink(k.show)
	k.send(Reply{Type: TypeStatus, State: "idle"})

	done := make(chan struct{})
	go k.executor(done)
	in := bufio.NewScanner(c.In)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	for in.Scan() {
		req, err := decodeRequest(in.Bytes())
		if err != nil {
			// The id, when the line has one, lets the client's request end.
			k.send(Reply{ID: req.ID, Type: TypeError, Text: err.Error()})
			if req.ID != "" {
				k.send(Reply{ID: req.ID, Type: TypeDone})
			}
			continue
		}
		switch req.Op {
		case OpExecute, OpRestart:
			// Never block here: this loop must stay free to take an
			// interrupt for the running cell.
			select {
			case k.execQueue <- req:
			default:
				k.send(Reply{ID: req.ID, Type: TypeError, Text: fmt.Sprintf("kernel: %d requests are already waiting to run; wait for them or interrupt", cap(k.execQueue))})
				k.send(Reply{ID: req.ID, Type: TypeDone})
			}
		case OpInterrupt:
			k.mu.Lock()
			if k.cancel != nil {
				k.cancel()
			}
			k.mu.Unlock()
			k.send(Reply{ID: req.ID, Type: TypeDone, OK: true})
		case OpComplete, OpInspect:
			k.lookup(req)
		case OpShutdown:
			k.send(Reply{ID: req.ID, Type: TypeDone, OK: true})
			return nil
		}
	}
	close(k.execQueue)
	<-done
	if err := in.Err(); err != nil && !errors.Is(err, io.EOF) {
		return err
	}
	return nil
}

// lookup answers a complete or inspect request. Neither may end the
// kernel: a panic (a bug) becomes an error reply.
func (k *kernel) lookup(req Request) {
	defer func() {
		if p := recover(); p != nil {
			k.send(Reply{ID: req.ID, Type: TypeError, Text: fmt.Sprintf("kernel: %s failed: %v", req.Op, p)})
			k.send(Reply{ID: req.ID, Type: TypeDone})
		}
	}()
	var r Reply
	if req.Op == OpComplete {
		start, items := k.session.Complete(req.Code, req.Pos)
		r = Reply{ID: req.ID, Type: TypeComplete, Items: items, Start: start}
	} else {
		r = Reply{ID: req.ID, Type: TypeInspect, Text: k.session.Inspect(req.Code, req.Pos)}
	}
	k.send(r)
	k.send(Reply{ID: req.ID, Type: TypeDone, OK: true})
}

// executor runs execute and restart requests one after the other.
func (k *kernel) executor(done chan<- struct{}) {
	defer close(done)
	for req := range k.execQueue {
		start := time.Now()
		if req.Op == OpRestart {
			s, err := NewSession(SessionOptions{Unrestricted: k.opts.Unrestricted})
			if err != nil {
				k.send(Reply{ID: req.ID, Type: TypeError, Text: err.Error()})
				k.send(Reply{ID: req.ID, Type: TypeDone})
				continue
			}
			k.session = s
			k.send(Reply{ID: req.ID, Type: TypeDone, OK: true, Ms: time.Since(start).Milliseconds()})
			continue
		}
		ctx, cancel := context.WithCancel(context.Background())
		k.mu.Lock()
		k.current, k.cancel, k.sent, k.dropped = req.ID, cancel, 0, 0
		k.mu.Unlock()
		k.send(Reply{Type: TypeStatus, State: "busy", ID: req.ID})
		var results []Reply
		err := k.session.Execute(ctx, req.Code, func(r Reply) { results = append(results, r) })
		cancel()
		// A cell that ends holding more than the limit (memory the system
		// gives lazily can be taken between two looks of the watchdog) is
		// over it as surely as one stopped while it runs.
		if code, msg := k.dog.check(true); code != 0 {
			k.stop(code, msg)
		}
		k.cap.Sync()
		k.mu.Lock()
		dropped := k.dropped
		k.current, k.cancel = "", nil
		k.mu.Unlock()
		if dropped > 0 {
			k.send(Reply{ID: req.ID, Type: TypeStream, Name: "stderr",
				Text: fmt.Sprintf("\n[output truncated: %s more were not shown]\n", bytesize.Format(int64(dropped)))})
		}
		for _, r := range results {
			r.ID = req.ID
			k.send(r)
		}
		ok := err == nil
		if err != nil {
			r := Reply{ID: req.ID, Type: TypeError, Text: err.Error()}
			var ee *ExecError
			if errors.As(err, &ee) {
				r.Text, r.Line, r.Col, r.Restart = ee.Msg, ee.Line, ee.Col, ee.Restart
			}
			k.send(r)
		}
		k.send(Reply{ID: req.ID, Type: TypeDone, OK: ok, Ms: time.Since(start).Milliseconds()})
		k.send(Reply{Type: TypeStatus, State: "idle"})
	}
}

// show sends a display value shown by a cell, after the output printed
// before it.
func (k *kernel) show(v display.Value) {
	data, err := display.Marshal(v)
	if err != nil {
		fmt.Fprintf(os.Stderr, "[display: %v]\n", err)
		return
	}
	k.cap.Sync()
	k.mu.Lock()
	id := k.current
	k.mu.Unlock()
	k.send(Reply{ID: id, Type: TypeDisplay, Value: data})
}

// stream forwards output of the running cell (or, between cells, of stray
// goroutines) within the output cap.
func (k *kernel) stream(name, text string) {
	k.mu.Lock()
	id := k.current
	if k.sent+len(text) > k.opts.MaxOutput {
		room := max(0, k.opts.MaxOutput-k.sent)
		k.dropped += len(text) - room
		text = text[:room]
	}
	k.sent += len(text)
	k.mu.Unlock()
	if text != "" {
		k.send(Reply{ID: id, Type: TypeStream, Name: name, Text: text})
	}
}

func (k *kernel) send(r Reply) {
	k.outMu.Lock()
	defer k.outMu.Unlock()
	if err := k.enc.Encode(r); err != nil {
		fmt.Fprintf(k.cap.Crash, "seqlab kernel: writing a reply: %v\n", err)
		os.Exit(3)
	}
}
