// Package par runs the loops of seqlab's models on several cores with
// long-lived helper goroutines, so that a training step that splits its work
// allocates nothing and starts no goroutine.
//
// For cuts a range of items into contiguous chunks and runs a Body on each,
// the calling goroutine taking its share. A chunk is handed to a helper only
// if one is idle at that moment; otherwise the caller runs it itself. So For
// never waits for a busy helper, calls may nest (a Body may call For) and run
// from many goroutines at once without deadlock, and a busy machine degrades
// to running on the caller.
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
	wg := waitGroups.Get()
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
	for c := chunks - 1; c >= 1; c-- {
		lo, hi := bounds(c)
		wg.Add(1)
		select {
		case jobs <- job{body, c, lo, hi, wg}:
			continue
		default:
			wg.Done()
		}
		last = c
		break
	}
	for c := 0; c <= last; c++ {
		lo, hi := bounds(c)
		body.Range(c, lo, hi)
	}
	wg.Wait()
	waitGroups.Put(wg)
}

type job struct {
	body          Body
	chunk, lo, hi int
	wg            *sync.WaitGroup
}

// jobs is unbuffered: a send succeeds only when a helper is waiting for work.
var jobs = make(chan job)

var helpers atomic.Int32

// ensureHelpers starts helper goroutines until there are at least n. They
// live as long as the process and wait, costing nothing, when idle.
func ensureHelpers(n int) {
	for {
		have := helpers.Load()
		if int(have) >= n {
			return
		}
		if helpers.CompareAndSwap(have, have+1) {
			go helper()
		}
	}
}

func helper() {
	for j := range jobs {
		j.body.Range(j.chunk, j.lo, j.hi)
		j.wg.Done()
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

var waitGroups FreeList[sync.WaitGroup]
