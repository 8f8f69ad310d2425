// Package par runs the loops of seqlab's models on several cores with
// long-lived helper goroutines, so that a training step that splits its work
// allocates nothing and starts no goroutine.
//
// For cuts a range of items into contiguous chunks and runs a Body on each,
// the calling goroutine taking its share. A chunk is handed to a helper only
// if one is idle at that moment; otherwise the caller runs it itself. So For
// never waits for a busy helper, calls may nest (a Body may call For) and run
// from many goroutines at once without deadlock, and a busy machine degrades
// to running on the caller. An idle helper polls for work for a short while
// (spinTime) before it goes to sleep, and For polls for its helpers to
// finish before it sleeps: waking a sleeping thread takes 30–400 µs on the
// virtual machines seqlab was measured on, as long as the chunks of a small
// model's layers, so a forward pass that went to sleep between its parallel
// sections ran barely faster on two cores than on one.
//
// A chunk that panics on a helper makes For panic with the same value on
// the caller's goroutine, after the other chunks are done, where a deferred
// recover can catch it (a panic left on a helper's goroutine would end the
// program: in seqlab's kernel, a learner's whole session).
//
// Determinism is the Body's contract: each item must write only its own
// outputs, so that the result does not depend on how the items were cut or
// who ran them. Chunk indexes (0 … chunks−1) are unique within a call, which
// lets a Body keep one scratch buffer per chunk.
package par

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Body computes the items lo … hi−1 of a loop; chunk is the index of this
// chunk within the call (0 for the first), for per-chunk scratch space.
type Body interface {
	Range(chunk, lo, hi int)
}

// Workers is the number of goroutines loops use by default: GOMAXPROCS.
func Workers() int { return runtime.GOMAXPROCS(0) }

// For runs body over the items 0 … n−1, cut into at most chunks contiguous
// chunks of as equal a size as possible (chunks ≤ 0 means Workers()), and
// returns when all are done. The first chunk runs on the calling goroutine.
func For(chunks, n int, body Body) {
	if n <= 0 {
		return
	}
	if chunks <= 0 {
		chunks = Workers()
	}
	chunks = min(chunks, n)
	if chunks == 1 {
		body.Range(0, 0, n)
		return
	}
	ensureHelpers(chunks - 1)
	c := calls.Get()
	size, extra := n/chunks, n%chunks
	bounds := func(c int) (lo, hi int) {
		lo = c*size + min(c, extra)
		hi = lo + size
		if c < extra {
			hi++
		}
		return lo, hi
	}
	// Offer chunks chunks−1, …, 1 to idle helpers, until one is not taken:
	// the caller then runs it and the ones below it, after its own.
	last := 0 // the caller runs chunks 0 … last
	for k := chunks - 1; k >= 1; k-- {
		lo, hi := bounds(k)
		c.pending.Add(1)
		c.wg.Add(1)
		if offer(job{body, k, lo, hi, c}) {
			continue
		}
		c.pending.Add(-1)
		c.wg.Done()
		last = k
		break
	}
	for k := 0; k <= last; k++ {
		lo, hi := bounds(k)
		body.Range(k, lo, hi)
	}
	c.wait()
	p := c.panicked
	c.panicked = nil
	calls.Put(c)
	if p != nil {
		// A chunk panicked on a helper: panic here, on the caller's
		// goroutine, where the caller can recover it (a panic on a helper's
		// own goroutine would end the program).
		panic(p)
	}
}

// call tracks the chunks of one For handed to helpers.
type call struct {
	pending atomic.Int32 // chunks not yet done
	wg      sync.WaitGroup

	mu       sync.Mutex
	panicked any // what a chunk run by a helper panicked with, if one did
}

var calls FreeList[call]

// wait returns when every chunk handed out is done. It polls for a while
// first: the helpers are running, usually finish about when the caller does,
// and waking a goroutine that has gone to sleep can take a few hundred
// microseconds on a virtual machine, as long as the chunks themselves.
func (c *call) wait() {
	spin(func() bool { return c.pending.Load() == 0 })
	c.wg.Wait()
}

type job struct {
	body          Body
	chunk, lo, hi int
	call          *call
}

func (j *job) run() {
	defer func() {
		if r := recover(); r != nil {
			j.call.mu.Lock()
			if j.call.panicked == nil {
				j.call.panicked = r
			}
			j.call.mu.Unlock()
		}
		j.call.pending.Add(-1)
		j.call.wg.Done()
	}()
	j.body.Range(j.chunk, j.lo, j.hi)
}

// A helper is a long-lived goroutine that runs chunks for For. Between
// chunks it polls for the next one for spinTime (so that a loop of short
// parallel sections, such as a model's layers, does not pay for waking it
// each time), then sleeps on its channel until For hands it a chunk there.
type helper struct {
	state  atomic.Int32 // spinning, parked or busy
	posted atomic.Bool  // job holds a chunk for a spinning helper
	job    job
	wake   chan job // unbuffered: a send succeeds only when the helper sleeps on it
}

const (
	spinning = iota
	parked
	busy
)

// spinTime is how long an idle helper polls for work before it sleeps, and
// For polls for its helpers before it waits on them.
const spinTime = 300 * time.Microsecond

var (
	helpersMu sync.Mutex
	helpers   atomic.Pointer[[]*helper] // append-only under helpersMu
)

// offer hands j to an idle helper, and reports whether one took it.
func offer(j job) bool {
	hs := helpers.Load()
	if hs == nil {
		return false
	}
	for _, h := range *hs {
		if h.state.CompareAndSwap(spinning, busy) {
			h.job = j
			h.posted.Store(true)
			return true
		}
		if h.state.Load() == parked {
			select {
			case h.wake <- j:
				return true
			default:
			}
		}
	}
	return false
}

// ensureHelpers starts helper goroutines until there are at least n. They
// live as long as the process and, when idle, poll briefly and then sleep,
// costing nothing.
func ensureHelpers(n int) {
	if hs := helpers.Load(); hs != nil && len(*hs) >= n {
		return
	}
	helpersMu.Lock()
	defer helpersMu.Unlock()
	var hs []*helper
	if p := helpers.Load(); p != nil {
		hs = *p
	}
	for len(hs) < n {
		h := &helper{wake: make(chan job)}
		h.state.Store(busy)
		hs = append(hs[:len(hs):len(hs)], h)
		go h.loop()
	}
	helpers.Store(&hs)
}

func (h *helper) loop() {
	for {
		h.state.Store(spinning)
		// Poll for a chunk; when the time is up, sleep, unless For has just
		// claimed this helper (its chunk is then on the way: keep polling).
		if spin(h.posted.Load) || !h.state.CompareAndSwap(spinning, parked) {
			for !h.posted.Load() {
			}
			h.posted.Store(false)
			h.job.run()
			h.job = job{}
			continue
		}
		j := <-h.wake
		h.state.Store(busy)
		j.run()
	}
}

// spin polls done for up to spinTime, yielding the processor now and then
// to any other goroutine that is ready to run, and reports whether done
// returned true.
func spin(done func() bool) bool {
	start := time.Now()
	for i := 1; ; i++ {
		if done() {
			return true
		}
		if i%256 == 0 {
			if time.Since(start) > spinTime {
				return false
			}
			runtime.Gosched()
		}
	}
}

// FreeList keeps values for reuse. Unlike sync.Pool it never drops them, so
// that a steady loop allocates nothing even across garbage collections; it
// holds at most as many values as were ever in use at once.
type FreeList[T any] struct {
	mu    sync.Mutex
	items []*T
}

// Get returns a value from the list, or a new zero one.
func (f *FreeList[T]) Get() *T {
	f.mu.Lock()
	defer f.mu.Unlock()
	if n := len(f.items); n > 0 {
		x := f.items[n-1]
		f.items = f.items[:n-1]
		return x
	}
	return new(T)
}

// Put returns x to the list.
func (f *FreeList[T]) Put(x *T) {
	f.mu.Lock()
	f.items = append(f.items, x)
	f.mu.Unlock()
}
