package repl

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/seqlab/seqlab/internal/bytesize"
)

// limitClient starts a test kernel with a memory limit.
func limitClient(t *testing.T, limit int64) *Client {
	t.Helper()
	c := NewClient(ClientOptions{Command: []string{os.Args[0]}, Env: []string{"SEQLAB_TEST_KERNEL=1"}, Grace: time.Second, MemoryLimit: limit})
	t.Cleanup(func() { c.Close() })
	if err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return c
}

// wantDied checks that err is a *KernelDiedError whose message is one of
// wants, and that the next cell runs in a fresh kernel.
func wantDied(t *testing.T, c *Client, err error, wants ...string) {
	t.Helper()
	var died *KernelDiedError
	if !errors.As(err, &died) {
		t.Fatalf("err = %v (%T); want *KernelDiedError", err, err)
	}
	ok := false
	for _, w := range wants {
		ok = ok || err.Error() == w
	}
	if !ok {
		t.Errorf("err = %q (reason %q)\nwant one of %q", err, died.Reason, wants)
	}
	if got, err := run(t, c, `6 * 7`); err != nil || got != "42\n" {
		t.Errorf("the next cell: %q, %v; want a fresh kernel", got, err)
	}
}

const (
	overLimit300 = "the cell used more than 300.0 MiB of memory, the kernel's limit (--memory-limit); the kernel stopped and restarts for the next cell, so its variables are lost"
	outOfMemory  = "the cell ran out of memory: it asked for more memory than the machine could give (Go's fatal error: runtime: out of memory); the kernel stopped and restarts for the next cell, so its variables are lost"
)

func TestMemoryLimitEndlessAppend(t *testing.T) {
	c := limitClient(t, 300<<20)
	run(t, c, `kept := 1`)
	start := time.Now()
	_, err := run(t, c, "var keep [][]float64\nfor {\n\tkeep = append(keep, make([]float64, 1<<20))\n}")
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("the cell was stopped after %v; want well within a few seconds", d)
	}
	wantDied(t, c, err, overLimit300)
	if _, err := run(t, c, `kept`); err == nil || !strings.Contains(err.Error(), "undefined: kept") {
		t.Errorf("after the restart, kept: %v; want it gone", err)
	}
}

func TestMemoryHugeAllocations(t *testing.T) {
	c := limitClient(t, 300<<20)
	for _, src := range []string{
		"x := make([]byte, 1<<40)\nx[0] = 1",                              // a terabyte: the system refuses it
		"m := mat.NewDense(1<<20, 1<<20, nil)\nm.Set(0, 0, 1)",            // 8 TiB
		"m := mat.NewDense(20000, 20000, nil)\nm.Set(0, 0, 1)",            // 3.2 GB: the system may give it lazily
		"w := make([]float64, 50_000_000)\nfor i := range w { w[i] = 1 }", // 400 MB, touched
	} {
		start := time.Now()
		_, err := run(t, c, src)
		t.Logf("%q: %v after %v", src, err, time.Since(start))
		wantDied(t, c, err, overLimit300, outOfMemory)
	}
}

func TestDefaultMemoryLimit(t *testing.T) {
	for total, want := range map[int64]int64{
		0:         4 << 30, // unknown
		16 << 30:  4 << 30, // capped
		24 << 30:  4 << 30,
		6 << 30:   3 << 30, // half
		1 << 30:   512 << 20,
		256 << 20: 512 << 20, // at least 512 MiB
	} {
		if got := defaultLimitFor(total); got != want {
			t.Errorf("defaultLimitFor(%s) = %s; want %s", bytesize.Format(total), bytesize.Format(got), bytesize.Format(want))
		}
	}
	if got := memTotal([]byte("MemTotal:       24683656 kB\nMemFree:        18940984 kB\n")); got != 24683656<<10 {
		t.Errorf("memTotal = %d", got)
	}
	if got := memTotal([]byte("garbage")); got != 0 {
		t.Errorf("memTotal(garbage) = %d", got)
	}
	if l := DefaultMemoryLimit(); l < 512<<20 || l > 4<<30 {
		t.Errorf("DefaultMemoryLimit() = %s", bytesize.Format(l))
	}
}

// TestKernelMemoryFootprint: a kernel that has trained the lessons' kind
// of models stays far below the smallest default limit (512 MiB).
func TestKernelMemoryFootprint(t *testing.T) {
	c := testClient(t)
	_, err := run(t, c, `
rng := rand.New(rand.NewPCG(1, 1))
m, _ := lstm.New(lstm.Standard(17), rng)
task, _ := tasks.Delayed(8)
o := train.Defaults()
o.Steps = 40
if _, err := train.Train(ctx, m, task, o); err != nil { panic(err) }
tm, _ := transformer.New(transformer.Tiny(), rng)
if _, err := train.Train(ctx, tm, task, o); err != nil { panic(err) }`)
	if err != nil {
		t.Fatal(err)
	}
	c.mu.Lock()
	pid := c.proc.cmd.Process.Pid
	c.mu.Unlock()
	status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Skip("no /proc here")
	}
	for line := range strings.Lines(string(status)) {
		if f := strings.Fields(line); len(f) == 3 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			t.Logf("the kernel's peak resident memory: %s", bytesize.Format(kb<<10))
			if kb<<10 > 256<<20 {
				t.Errorf("the kernel's peak resident memory is %s; want far below the smallest default limit, 512 MiB", bytesize.Format(kb<<10))
			}
		}
	}
}

func TestKernelRejectsTinyLimit(t *testing.T) {
	const want = "kernel: a memory limit of 1.0 MiB is too small: the kernel needs at least 128.0 MiB"
	c := NewClient(ClientOptions{Command: []string{os.Args[0]}, Env: []string{"SEQLAB_TEST_KERNEL=1"}, MemoryLimit: 1 << 20})
	defer c.Close()
	if err := c.Start(context.Background()); err == nil || err.Error() != want {
		t.Errorf("a client with a 1 MiB limit: %v", err)
	}
	// The kernel checks before it touches this process's streams.
	if err := ServeKernel(KernelOptions{MemoryLimit: -5}); err == nil || !strings.Contains(err.Error(), "is too small") {
		t.Errorf("ServeKernel with a negative limit: %v", err)
	}
}

// TestCellFailures runs cells that fail in the ways a learner's cells do,
// through a real kernel, and checks the exact message and what became of
// the kernel: kept (a variable of an earlier cell survives) or restarted
// (and the message says the variables are lost).
func TestCellFailures(t *testing.T) {
	c := testClient(t)
	const lost = "its variables are lost"
	for _, tc := range []struct {
		desc, src string
		timeout   time.Duration
		want      string
		errType   any // the type of error wanted
		restarts  bool
	}{
		{"panic in compiled seqlab code", "l := nn.NewLinear(\"l\", 3, 2, rand.New(rand.NewPCG(1, 1)))\nl.Forward(mat.NewDense(4, 2, nil), mat.NewDense(4, 5, nil))", 0,
			"panic: seqlab/nn: Linear.Forward: x is 4×5, want 4×3", &CellError{}, false},
		{"panic in gonum", "a := mat.NewDense(2, 3, nil)\nvar p mat.Dense\np.Mul(a, a)", 0,
			"panic: mat: dimension mismatch", &CellError{}, false},
		{"nil pointer", "type pt struct{ X int }\nvar p *pt\nfmt.Println(p.X)", 0,
			"panic: runtime error: invalid memory address or nil pointer dereference (a nil pointer or nil value was used)", &CellError{}, false},
		{"nil function", "var f func()\nf()", 0,
			"panic: runtime error: invalid memory address or nil pointer dereference (a nil function was called)", &CellError{}, false},
		{"calling a number", "n := 3\nn()", 0,
			"panic: cannot call a value of kind int: it is not a function", &CellError{}, false},
		{"send on a closed channel", "ch := make(chan int)\nclose(ch)\nch <- 1", 0,
			"panic: send on closed channel", &CellError{}, false},
		{"os.Exit", "os.Exit(3)", 0,
			"os.Exit(3) called: a cell cannot end the kernel; return from the cell instead", &CellError{}, false},
		{"empty select", "select {}", 300 * time.Millisecond,
			"interrupted after the cell timeout of 300ms", &TimeoutError{}, false},
		{"receive from a nil channel", "var ch chan int\n<-ch", 300 * time.Millisecond,
			"interrupted after the cell timeout of 300ms", &TimeoutError{}, false},
		{"endless compiled call", "time.Sleep(time.Hour)", 200 * time.Millisecond,
			"interrupted after the cell timeout of 200ms, and the cell did not stop within 1s of the interrupt, so the kernel was restarted: its variables are lost; run the cells above again", &StuckError{}, true},
		{"panic in a goroutine", "go func() { panic(\"in a goroutine\") }()\ntime.Sleep(10 * time.Second)", 0,
			"the kernel died: a goroutine panicked, and only a panic in the cell's own code can be caught; its variables are lost and it restarts for the next cell\npanic: in a goroutine", &KernelDiedError{}, true},
		{"os.Exit in a goroutine", "go os.Exit(3)\ntime.Sleep(10 * time.Second)", 0,
			"the kernel died: a goroutine panicked, and only a panic in the cell's own code can be caught; its variables are lost and it restarts for the next cell\npanic: os.Exit(3) called: a cell cannot end the kernel; return from the cell instead", &KernelDiedError{}, true},
		{"deep recursion", "func down(n int) int { return down(n+1) + 1 }\ndown(0)", 0,
			"the cell recursed too deeply (stack overflow): a function kept calling itself, probably without a case that ends the recursion; the kernel stopped and restarts for the next cell, so its variables are lost", &KernelDiedError{}, true},
		{"deep recursion of a closure", "var f func(int) int\nf = func(n int) int { return f(n+1) + 1 }\nf(0)", 0,
			"the cell recursed too deeply (stack overflow): a function kept calling itself, probably without a case that ends the recursion; the kernel stopped and restarts for the next cell, so its variables are lost", &KernelDiedError{}, true},
		{"concurrent map writes", "m := map[int]int{}\nfor i := 0; i < 4; i++ {\n\tgo func() {\n\t\tfor j := 0; ; j++ {\n\t\t\tm[j%100] = j\n\t\t}\n\t}()\n}\ntime.Sleep(10 * time.Second)", 0,
			"the kernel died: goroutines used the same map at the same time without a lock (Go's fatal error: concurrent map access), which ends a Go program; guard the map with a sync.Mutex; its variables are lost and it restarts for the next cell", &KernelDiedError{}, true},
	} {
		if _, err := run(t, c, `kept := "kept"`); err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		err := c.ExecuteWith(context.Background(), "t", tc.src, ExecOptions{Timeout: tc.timeout}, nil)
		d := time.Since(start)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: err = %v\nwant %s", tc.desc, err, tc.want)
		}
		if fmt.Sprintf("%T", err) != fmt.Sprintf("%T", tc.errType) {
			t.Errorf("%s: err is a %T; want %T", tc.desc, err, tc.errType)
		}
		if d > 5*time.Second {
			t.Errorf("%s: took %v", tc.desc, d)
		}
		if tc.restarts != strings.Contains(fmt.Sprint(err), lost) {
			t.Errorf("%s: the message does not say whether the variables are lost", tc.desc)
		}
		got, err := run(t, c, `kept`)
		switch {
		case tc.restarts && (err == nil || !strings.Contains(err.Error(), "undefined: kept")):
			t.Errorf("%s: after it, kept = %q, %v; want a fresh kernel", tc.desc, got, err)
		case !tc.restarts && (err != nil || got != "\"kept\"\n"):
			t.Errorf("%s: after it, kept = %q, %v; want the kernel's state kept", tc.desc, got, err)
		}
	}
}

// TestTimeoutCountsOnlyTheCell: the cell timeout starts when the kernel
// starts running the cell, so neither starting a kernel nor replaying the
// cells above after a type redefinition eats into it.
func TestTimeoutCountsOnlyTheCell(t *testing.T) {
	c := testClient(t)
	above := []Cell{
		{ID: "a", Code: "time.Sleep(400 * time.Millisecond)\nbase := 10"},
		{ID: "b", Code: "time.Sleep(400 * time.Millisecond)"},
		{ID: "c", Code: "time.Sleep(400 * time.Millisecond)"},
	}
	for _, cl := range above {
		run(t, c, cl.Code)
	}
	run(t, c, "type point struct{ X int }")
	var out strings.Builder
	restarted := false
	// The replay takes 1.2 s, the cell itself 0.3 s: within a timeout of 1 s.
	err := c.ExecuteWith(context.Background(), "d", "type point struct{ X, Y int }\ntime.Sleep(300 * time.Millisecond)\nfmt.Println(point{1, 2}, base)",
		ExecOptions{Above: above, OnRestart: func(string) { restarted = true }, Timeout: time.Second},
		func(ev Event) { out.WriteString(ev.Text) })
	if err != nil || !restarted || out.String() != "{1 2} 10\n" {
		t.Errorf("redefinition with a timeout: err %v, restarted %v, output %q", err, restarted, out.String())
	}

	// A kernel started inside ExecuteWith does not count either: this one
	// takes a second to start, twice the timeout.
	slow := NewClient(ClientOptions{Command: []string{os.Args[0]}, Env: []string{"SEQLAB_TEST_KERNEL=1", "SEQLAB_TEST_KERNEL_START_DELAY=1s"}})
	defer slow.Close()
	start := time.Now()
	err = slow.ExecuteWith(context.Background(), "e", "time.Sleep(100 * time.Millisecond)\nfmt.Println(\"slept\")", ExecOptions{Timeout: 500 * time.Millisecond}, nil)
	if err != nil || time.Since(start) < time.Second {
		t.Errorf("after a kernel start of 1 s: %v after %v", err, time.Since(start))
	}

	// A replayed cell that runs too long fails the replay with its timeout.
	run(t, c, "type point struct{ X int }")
	err = c.ExecuteWith(context.Background(), "f", "type point struct{ Z int }",
		ExecOptions{Above: []Cell{{ID: "a", Code: "for {\n}"}}, Timeout: 200 * time.Millisecond}, nil)
	if err == nil || err.Error() != "the kernel restarted, but cell 1 above failed when it ran again: interrupted after the cell timeout of 200ms" {
		t.Errorf("a replayed cell over its timeout: %v", err)
	}
}
