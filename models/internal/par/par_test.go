package par

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// counter records which chunk ran each item, and how often.
type counter struct {
	hits   []atomic.Int32
	chunks []atomic.Int32 // items per chunk index
}

func (c *counter) Range(chunk, lo, hi int) {
	for i := lo; i < hi; i++ {
		c.hits[i].Add(1)
	}
	c.chunks[chunk].Add(int32(hi - lo))
}

func TestForCoversEveryItemOnce(t *testing.T) {
	for _, chunks := range []int{-1, 0, 1, 2, 3, 7, 64} {
		for _, n := range []int{0, 1, 2, 5, 64, 1000} {
			c := &counter{hits: make([]atomic.Int32, n), chunks: make([]atomic.Int32, 128)}
			For(chunks, n, c)
			for i := range n {
				if got := c.hits[i].Load(); got != 1 {
					t.Fatalf("chunks %d, n %d: item %d ran %d times", chunks, n, i, got)
				}
			}
			want := chunks
			if want <= 0 {
				want = Workers()
			}
			want = min(want, n)
			sizes := map[int32]bool{}
			for k := range c.chunks {
				got := c.chunks[k].Load()
				if k >= want && got != 0 {
					t.Fatalf("chunks %d, n %d: chunk index %d used", chunks, n, k)
				}
				if k < want {
					sizes[got] = true
				}
			}
			if len(sizes) > 2 {
				t.Errorf("chunks %d, n %d: chunk sizes %v are not balanced", chunks, n, sizes)
			}
		}
	}
}

// nested calls For from inside its body.
type nested struct{ inner *counter }

func (b *nested) Range(chunk, lo, hi int) {
	for i := lo; i < hi; i++ {
		For(4, 10, rangeFunc(func(_, lo2, hi2 int) {
			for j := lo2; j < hi2; j++ {
				b.inner.hits[i*10+j].Add(1)
			}
		}))
	}
}

type rangeFunc func(chunk, lo, hi int)

func (f rangeFunc) Range(chunk, lo, hi int) { f(chunk, lo, hi) }

func TestForNestedAndConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &counter{hits: make([]atomic.Int32, 200)}
			For(4, 20, &nested{c})
			for i := range c.hits {
				if got := c.hits[i].Load(); got != 1 {
					t.Errorf("item %d ran %d times", i, got)
					return
				}
			}
		}()
	}
	wg.Wait()
}

type sum struct {
	x    []float64
	part [8]float64
}

func (s *sum) Range(chunk, lo, hi int) {
	t := 0.0
	for _, v := range s.x[lo:hi] {
		t += v
	}
	s.part[chunk] = t
}

func TestForAllocatesNothing(t *testing.T) {
	s := &sum{x: make([]float64, 4096)}
	For(2, len(s.x), s) // start the helpers
	if n := testing.AllocsPerRun(100, func() { For(2, len(s.x), s) }); n != 0 {
		t.Errorf("For allocates %v times per call, want 0", n)
	}
}

func TestFreeList(t *testing.T) {
	var f FreeList[[4]int]
	a := f.Get()
	a[0] = 7
	f.Put(a)
	if b := f.Get(); b != a || b[0] != 7 {
		t.Errorf("Get after Put returned %p %v, want %p", b, b, a)
	}
	if c := f.Get(); c == a {
		t.Error("Get on an empty list returned a value still in use")
	}
}

func BenchmarkFor(b *testing.B) {
	s := &sum{x: make([]float64, 1<<16)}
	for b.Loop() {
		For(2, len(s.x), s)
	}
}

// panicky panics in every chunk but the first, with the chunk's index.
type panicky struct{}

func (panicky) Range(chunk, lo, hi int) {
	if chunk > 0 {
		panic(chunk)
	}
	time.Sleep(time.Millisecond) // let a helper take its chunk
}

// TestForPanics checks that a chunk that panics, on a helper or on the
// caller, panics on the caller's goroutine, where it can be recovered,
// instead of ending the program; and that For works on afterwards.
func TestForPanics(t *testing.T) {
	for range 20 {
		func() {
			defer func() {
				if r := recover(); r == nil {
					t.Fatal("For did not panic")
				} else if c, ok := r.(int); !ok || c < 1 {
					t.Fatalf("For panicked with %v; want a chunk's index", r)
				}
			}()
			For(2, 10, panicky{})
		}()
	}
	c := &counter{hits: make([]atomic.Int32, 100), chunks: make([]atomic.Int32, 8)}
	For(2, 100, c)
	for i := range c.hits {
		if c.hits[i].Load() != 1 {
			t.Fatalf("after the panics, item %d ran %d times", i, c.hits[i].Load())
		}
	}
}
