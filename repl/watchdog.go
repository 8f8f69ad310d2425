//go:build unix

package repl

import (
	"bytes"
	"fmt"
	"os"
	"runtime/metrics"
	"strconv"
	"time"

	"github.com/seqlab/seqlab/internal/bytesize"
)

// watchEvery is how often the watchdog looks at the kernel's memory: a cell
// that allocates as fast as it can gets some 20–100 MiB past the limit in
// that time.
const watchEvery = 10 * time.Millisecond

// watchdog measures the kernel's memory for ServeKernel. Neither a runaway
// allocation nor a runaway recursion can be stopped from inside the process
// (compiled code does not look at the cell's context, and the runtime's own
// "out of memory" and "stack overflow" are fatal errors that print goroutine
// stacks and no word a learner can use), so the watchdog ends the kernel
// before the runtime does, saying why; the client starts a new kernel for
// the next cell.
type watchdog struct {
	limit      int64 // bytes of memory
	stackLimit int64 // bytes of goroutine stacks that only a runaway recursion reaches

	samples []metrics.Sample
	statm   *os.File // /proc/self/statm, nil where there is none
	page    int64
	buf     []byte
}

func newWatchdog(limit, stackLimit int64) *watchdog {
	w := &watchdog{
		limit:      limit,
		stackLimit: stackLimit,
		samples: []metrics.Sample{
			{Name: "/memory/classes/total:bytes"},
			{Name: "/memory/classes/heap/released:bytes"},
			{Name: "/memory/classes/heap/stacks:bytes"},
		},
		page: int64(os.Getpagesize()),
		buf:  make([]byte, 128),
	}
	if f, err := os.Open("/proc/self/statm"); err == nil {
		w.statm = f
	}
	return w
}

// usage returns the memory the kernel uses — what the Go runtime holds from
// the system (the measure of debug.SetMemoryLimit), or the resident set when
// larger — and the bytes of goroutine stacks.
func (w *watchdog) usage() (mem, stacks int64) {
	metrics.Read(w.samples)
	val := func(i int) int64 {
		if w.samples[i].Value.Kind() != metrics.KindUint64 {
			return 0
		}
		return int64(w.samples[i].Value.Uint64())
	}
	mem = val(0) - val(1)
	stacks = val(2)
	if rss := w.rss(); rss > mem {
		mem = rss
	}
	return mem, stacks
}

// rss reads the resident set from /proc/self/statm ("size resident shared
// …" in pages); 0 where it cannot.
func (w *watchdog) rss() int64 {
	if w.statm == nil {
		return 0
	}
	n, err := w.statm.ReadAt(w.buf, 0)
	if n == 0 && err != nil {
		return 0
	}
	f := bytes.Fields(w.buf[:n])
	if len(f) < 2 {
		return 0
	}
	pages, err := strconv.ParseInt(string(f[1]), 10, 64)
	if err != nil {
		return 0
	}
	return pages * w.page
}

// check says why the kernel must stop, or returns 0.
func (w *watchdog) check(cellRunning bool) (code int, msg string) {
	mem, stacks := w.usage()
	who := "the cell"
	if !cellRunning {
		who = "a goroutine started by an earlier cell"
	}
	switch {
	case stacks >= w.stackLimit:
		return exitStackOverflow, fmt.Sprintf("%s recursed too deeply (stack overflow): a function kept calling itself, probably without a case that ends the recursion; the kernel stopped and restarts for the next cell, so its variables are lost", who)
	case mem > w.limit:
		return exitMemoryLimit, fmt.Sprintf("%s used more than %s of memory, the kernel's limit (--memory-limit); the kernel stopped and restarts for the next cell, so its variables are lost", who, bytesize.Format(w.limit))
	}
	return 0, ""
}

// watch runs the watchdog every period and ends the kernel when it must.
func (k *kernel) watch(w *watchdog, every time.Duration) {
	t := time.NewTicker(every)
	defer t.Stop()
	for range t.C {
		k.mu.Lock()
		running := k.current != ""
		k.mu.Unlock()
		if code, msg := w.check(running); code != 0 {
			k.stop(code, msg)
		}
	}
}

// stop ends the kernel at once with code, writing msg where the client
// reads why a kernel died (its standard error). It does not wait for the
// cell's output to be forwarded: the memory is still growing.
func (k *kernel) stop(code int, msg string) {
	fmt.Fprintf(k.cap.Crash, "\n%s%s\n", stoppedPrefix, msg)
	os.Exit(code)
}
