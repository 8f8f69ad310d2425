//go:build unix

package repl

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strconv"
	"sync"
	"syscall"
	"time"
)

// capture owns the kernel process's standard streams. Everything a cell
// writes to file descriptors 1 and 2 — fmt and println from interpreted code,
// os.Stdout writes, log, and output of compiled seqlab code alike — goes into
// pipes that the kernel reads and forwards as stream replies. The protocol
// itself runs on duplicates of the original descriptors, and standard input
// is /dev/null, so a cell can neither read nor corrupt the protocol.
type capture struct {
	In, Out *os.File // the protocol: the original stdin and stdout
	Crash   *os.File // the original stderr: the Go runtime writes fatal errors here

	forward func(stream, text string)

	mu      sync.Mutex
	waiters map[string]chan struct{} // sync marker → closed when seen
	seq     int

	lastHold time.Time // when stderr output was last held back (emit), by the stderr reader
}

// startCapture rearranges the descriptors of this process as described above
// and starts forwarding what cells write to forward.
func startCapture(forward func(stream, text string)) (*capture, error) {
	c := &capture{forward: forward, waiters: map[string]chan struct{}{}}
	var err error
	if c.In, err = dupFile(0, "protocol-in"); err != nil {
		return nil, err
	}
	if c.Out, err = dupFile(1, "protocol-out"); err != nil {
		return nil, err
	}
	if c.Crash, err = dupFile(2, "crash-out"); err != nil {
		return nil, err
	}
	debug.SetCrashOutput(c.Crash, debug.CrashOptions{})

	null, err := os.Open(os.DevNull)
	if err != nil {
		return nil, err
	}
	if err := dup2(int(null.Fd()), 0); err != nil {
		return nil, err
	}
	null.Close()
	for _, s := range []struct {
		fd   int
		name string
	}{{1, "stdout"}, {2, "stderr"}} {
		r, w, err := os.Pipe()
		if err != nil {
			return nil, err
		}
		if err := dup2(int(w.Fd()), s.fd); err != nil {
			return nil, err
		}
		w.Close()
		go c.read(r, s.name)
	}
	return c, nil
}

func dupFile(fd int, name string) (*os.File, error) {
	nfd, err := syscall.Dup(fd)
	if err != nil {
		return nil, fmt.Errorf("kernel: duplicating descriptor %d: %w", fd, err)
	}
	syscall.CloseOnExec(nfd)
	return os.NewFile(uintptr(nfd), name), nil
}

const markerPrefix = "\x00\x01seqlab-sync-"

// read forwards what arrives on r, cutting out sync markers and waking the
// Sync calls waiting for them.
func (c *capture) read(r *os.File, stream string) {
	buf := make([]byte, 0, 64<<10)
	chunk := make([]byte, 32<<10)
	for {
		n, err := r.Read(chunk)
		buf = append(buf, chunk[:n]...)
		for {
			i := bytes.Index(buf, []byte(markerPrefix))
			if i < 0 {
				break
			}
			end := bytes.IndexByte(buf[i+len(markerPrefix):], '\x01')
			if end < 0 {
				break // the rest of the marker is still on its way
			}
			c.emit(stream, buf[:i])
			c.seen(stream + ":" + string(buf[i+len(markerPrefix):i+len(markerPrefix)+end]))
			buf = append(buf[:0], buf[i+len(markerPrefix)+end+1:]...)
		}
		// Forward everything except what may be the start of a marker.
		keep := 0
		if j := bytes.LastIndexByte(buf, '\x00'); j >= 0 && bytes.HasPrefix([]byte(markerPrefix), buf[j:]) {
			keep = len(buf) - j
		}
		c.emit(stream, buf[:len(buf)-keep])
		buf = append(buf[:0], buf[len(buf)-keep:]...)
		if err != nil {
			if err != io.EOF {
				c.emit(stream, []byte(fmt.Sprintf("\n[kernel: reading %s: %v]\n", stream, err)))
			}
			return
		}
	}
}

func (c *capture) emit(stream string, b []byte) {
	if len(b) == 0 {
		return
	}
	if stream == "stderr" && time.Since(c.lastHold) > crashHold*4 {
		if crash, fatal := looksLikeCrash(b); crash {
			// The Go runtime writes a fatal error ("fatal error: stack
			// overflow") to standard error only, and the goroutine
			// stacks that follow (and a panic's message) to the crash
			// output as well. Copy the message there, where the client
			// reads why the kernel died, and hold it back for a moment:
			// if the process is dying, the learner gets the client's
			// explanation instead of the runtime's dump.
			c.lastHold = time.Now()
			if fatal {
				c.Crash.Write(b[:min(len(b), 4<<10)])
			}
			time.Sleep(crashHold)
		}
	}
	c.forward(stream, string(b))
}

// crashHold is how long stderr output that looks like the start of a Go
// crash report is held back; the process dies within it when it is one.
const crashHold = 250 * time.Millisecond

// crashStarts begin the lines the Go runtime writes when the process dies;
// the first two only to standard error.
var crashStarts = [][]byte{
	[]byte("fatal error: "),
	[]byte("runtime: "),
	[]byte("panic: "),
	[]byte("[signal "),
	[]byte("unexpected fault address"),
}

// looksLikeCrash says whether b has a line that starts like a Go crash
// report, and whether it is one the runtime writes to standard error only.
func looksLikeCrash(b []byte) (crash, stderrOnly bool) {
	for line := range bytes.Lines(b) {
		for i, s := range crashStarts {
			if bytes.HasPrefix(line, s) {
				crash = true
				stderrOnly = stderrOnly || i < 2
			}
		}
	}
	return crash, stderrOnly
}

func (c *capture) seen(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ch, ok := c.waiters[key]; ok {
		close(ch)
		delete(c.waiters, key)
	}
}

// Sync returns once everything written to stdout and stderr before the call
// has been forwarded, so that replies that follow keep their order.
func (c *capture) Sync() {
	c.mu.Lock()
	c.seq++
	id := strconv.Itoa(c.seq)
	out, errc := make(chan struct{}), make(chan struct{})
	c.waiters["stdout:"+id] = out
	c.waiters["stderr:"+id] = errc
	c.mu.Unlock()
	marker := markerPrefix + id + "\x01"
	if _, err := os.Stdout.WriteString(marker); err != nil {
		close(out) // a cell closed stdout: nothing more can arrive on it
	}
	if _, err := os.Stderr.WriteString(marker); err != nil {
		close(errc)
	}
	timeout := time.After(2 * time.Second)
	for _, ch := range []chan struct{}{out, errc} {
		select {
		case <-ch:
		case <-timeout:
			return
		}
	}
}
