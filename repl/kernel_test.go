package repl

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/seqlab/seqlab/internal/bytesize"
)

// The tests run real kernels: this test binary doubles as `seqlab kernel`
// when SEQLAB_TEST_KERNEL is set.
func TestMain(m *testing.M) {
	if os.Getenv("SEQLAB_TEST_KERNEL") == "1" {
		opts := KernelOptions{Unrestricted: os.Getenv("SEQLAB_TEST_UNRESTRICTED") == "1"}
		for _, a := range os.Args[1:] { // as the client passes them
			if v, ok := strings.CutPrefix(a, "--memory-limit="); ok {
				n, err := bytesize.Parse(v)
				if err != nil {
					os.Stderr.WriteString(err.Error() + "\n")
					os.Exit(1)
				}
				opts.MemoryLimit = n
			}
		}
		if d, err := time.ParseDuration(os.Getenv("SEQLAB_TEST_KERNEL_START_DELAY")); err == nil {
			time.Sleep(d) // a slow machine
		}
		if err := ServeKernel(opts); err != nil {
			os.Stderr.WriteString(err.Error() + "\n")
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func testClient(t *testing.T) *Client {
	t.Helper()
	c := NewClient(ClientOptions{Command: []string{os.Args[0]}, Env: []string{"SEQLAB_TEST_KERNEL=1"}, Grace: time.Second})
	t.Cleanup(func() { c.Close() })
	if err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	return c
}

// run executes code and returns everything it printed (streams, results,
// displays as JSON) and its error.
func run(t *testing.T, c *Client, code string) (string, error) {
	t.Helper()
	var out strings.Builder
	err := c.Execute(context.Background(), "t", code, func(ev Event) {
		switch ev.Type {
		case TypeStream, TypeResult:
			out.WriteString(ev.Text)
			if ev.Type == TypeResult {
				out.WriteString("\n")
			}
		case TypeDisplay:
			out.WriteString("display:" + string(ev.Value) + "\n")
		}
	})
	return out.String(), err
}

func TestKernelCells(t *testing.T) {
	c := testClient(t)
	for _, tc := range []struct {
		desc, src, want, wantErr string
	}{
		{"print", `fmt.Println("hello")`, "hello\n", ""},
		{"global across cells (1)", `x := 21`, "", ""},
		{"global across cells (2)", `x * 2`, "42\n", ""},
		{"println builtin goes to stderr", `println("raw")`, "raw\n", ""},
		{"os.Stdout", `os.Stdout.WriteString("direct\n")`, "direct\n", ""},
		{"compiled output", `m, _ := lstm.New(lstm.Tiny(), rand.New(rand.NewPCG(1, 1))); fmt.Println(nn.CountParams(m.Params()))`, "7233\n", ""},
		{"matrix value", `mat.NewDense(2, 2, []float64{1, 2, 3, 4})`, "2×2\n⎡1  2⎤\n⎣3  4⎦\n", ""},
		{"string value", `"hi"`, "\"hi\"\n", ""},
		{"undefined", "y := 1\nz := undefinedThing", "", "2:6: undefined: undefinedThing"},
		{"panic", `panic("boom")`, "", "boom"},
		{"os.Exit does not kill", `os.Exit(3)`, "", "os.Exit(3) called"},
		{"still alive", `x`, "21\n", ""},
		{"ctx exists", `ctx.Err() == nil`, "true\n", ""},
		{"log", `log.SetFlags(0); log.Println("via log")`, "via log\n", ""},
		{"display value", `display.Show(display.NewTable("a").Row(1))`, `display:{"kind":"table","title":"","header":["a"],"rows":[["1"]]}` + "\n", ""},
		{"restricted import", `import "os/exec"`, "", "only available when seqlab runs with --unrestricted"},
		{"missing import", `w := bufio.NewWriter(os.Stdout)`, "", `add: import "bufio"`},
		{"unknown package", `import "net/http"`, "", "not available in seqlab notebooks"},
		// yaegi v0.16 rejects these at a cell's top level; the pre-pass
		// rewrites them (prepass.multiDefine, returnAppend).
		{"two results defined in a loop", "two := func(i int) (int, int) { return i, 2 * i }\nfor i := 0; i < 2; i++ {\n\ta, b := two(i)\n\tfmt.Println(a, b)\n}", "0 0\n1 2\n", ""},
		{"comma-ok in an if init in a loop", "seen := map[string]int{\"a\": 1}\nfor _, k := range []string{\"a\", \"b\"} {\n\tif v, ok := seen[k]; ok {\n\t\tfmt.Println(k, v)\n\t} else {\n\t\tfmt.Println(k, \"missing\", v)\n\t}\n}", "a 1\nb missing 0\n", ""},
		{"error in a switch init in a block", "{\n\tswitch n, err := strconv.Atoi(\"x\"); {\n\tcase err != nil:\n\t\tfmt.Println(\"bad\", n)\n\t}\n}", "bad 0\n", ""},
		{"return with append after the first result", "func grow(p, q []int, x int) ([]int, []int) {\n\treturn p, append(q, x)\n}\np, q := grow([]int{1}, []int{2}, 3)\nfmt.Println(p, q)", "[1] [2 3]\n", ""},
		{"error position after a rewrite", "for i := 0; i < 1; i++ {\n\ta, b := strconv.Atoi(\"1\")\n\tfmt.Println(a, b, nope)\n}", "", "3:20: undefined: nope"},
	} {
		got, err := run(t, c, tc.src)
		if tc.wantErr == "" && err != nil {
			t.Errorf("%s: %q: error %v", tc.desc, tc.src, err)
			continue
		}
		if tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)) {
			t.Errorf("%s: %q: error %v; want %q", tc.desc, tc.src, err, tc.wantErr)
			continue
		}
		if got != tc.want {
			t.Errorf("%s: %q printed %q; want %q", tc.desc, tc.src, got, tc.want)
		}
	}
}

func TestStreamsWhileRunning(t *testing.T) {
	c := testClient(t)
	var times []time.Time
	err := c.Execute(context.Background(), "t", `for i := 0; i < 3; i++ { fmt.Println(i); time.Sleep(200 * time.Millisecond) }`, func(ev Event) {
		if ev.Type == TypeStream {
			times = append(times, time.Now())
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(times) < 3 || times[len(times)-1].Sub(times[0]) < 300*time.Millisecond {
		t.Errorf("output arrived in %d pieces over %v; want each line as it is printed", len(times), times[len(times)-1].Sub(times[0]))
	}
}

func TestInterruptInterpretedLoop(t *testing.T) {
	c := testClient(t)
	run(t, c, `kept := 7`)
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := c.Execute(ctx, "t", `for { }`, nil)
	if !errors.Is(err, ErrInterrupted) && err == nil {
		t.Fatalf("endless loop: err = %v", err)
	}
	t.Logf("endless loop stopped after %v: %v", time.Since(start), err)
	if time.Since(start) > 3*time.Second {
		t.Errorf("took %v to stop", time.Since(start))
	}
}

func TestInterruptTraining(t *testing.T) {
	c := testClient(t)
	run(t, c, `kept := 7`)
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	start := time.Now()
	err := c.Execute(ctx, "t", `
m, _ := lstm.New(lstm.Standard(17), rand.New(rand.NewPCG(1, 1)))
task, _ := tasks.Delayed(64)
o := train.Defaults()
o.Steps = 100000
_, err := train.Train(ctx, m, task, o)
fmt.Println("train returned:", err)`, nil)
	if !errors.Is(err, ErrInterrupted) && err != nil {
		t.Fatalf("err = %v", err)
	}
	if d := time.Since(start); d > 1500*time.Millisecond {
		t.Errorf("training stopped %v after the start (interrupt at 500 ms); want within a second", d)
	}
	// The kernel was not restarted: state survives.
	if got, err := run(t, c, `kept`); err != nil || got != "7\n" {
		t.Errorf("after the interrupt: %q, %v; want the kernel's state kept", got, err)
	}
}

func TestGoroutinePanicKillsOnlyTheKernel(t *testing.T) {
	c := testClient(t)
	_, err := run(t, c, `go func() { panic("in a goroutine") }(); time.Sleep(time.Second)`)
	var died *KernelDiedError
	if !errors.As(err, &died) {
		t.Fatalf("err = %v; want *KernelDiedError", err)
	}
	if !strings.Contains(died.Error(), "in a goroutine") {
		t.Errorf("the error does not say what happened: %v", died)
	}
	if got, err := run(t, c, `1 + 1`); err != nil || got != "2\n" {
		t.Errorf("after the crash: %q, %v; want a fresh kernel", got, err)
	}
}

func TestStackOverflow(t *testing.T) {
	c := testClient(t)
	_, err := run(t, c, "func f(n int) int { return f(n+1) + 1 }\nf(0)")
	if err == nil {
		t.Fatal("infinite recursion succeeded")
	}
	t.Log(err)
	if got, err := run(t, c, `2 + 2`); err != nil || got != "4\n" {
		t.Errorf("after the overflow: %q, %v", got, err)
	}
}

func TestEndlessCompiledCallIsKilled(t *testing.T) {
	c := testClient(t)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	// time.Sleep is compiled code that ignores the context.
	err := c.Execute(ctx, "t", `time.Sleep(time.Hour)`, nil)
	if err == nil || !strings.Contains(err.Error(), "restarted") {
		t.Fatalf("err = %v; want the kernel restarted", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %v", d)
	}
	if got, err := run(t, c, `3`); err != nil || got != "3\n" {
		t.Errorf("after the restart: %q, %v", got, err)
	}
}

func TestHugeOutputIsCapped(t *testing.T) {
	c := testClient(t)
	got, err := run(t, c, `s := strings.Repeat("x", 1<<20); for i := 0; i < 20; i++ { fmt.Print(s) }`)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) > 9<<20 || !strings.Contains(got, "output truncated") {
		t.Errorf("printed %d bytes; want at most the 8 MiB cap and a note", len(got))
	}
}

func TestComplete(t *testing.T) {
	c := testClient(t)
	run(t, c, `myVariable := 3`)
	_, items, err := c.Complete(context.Background(), "myV", 3)
	if err != nil || len(items) != 1 || items[0] != "myVariable" {
		t.Errorf("complete myV = %v, %v", items, err)
	}
	_, items, _ = c.Complete(context.Background(), "x := lstm.Ti", 12)
	if len(items) != 1 || items[0] != "lstm.Tiny" {
		t.Errorf("complete lstm.Ti = %v", items)
	}
	doc, _ := c.Inspect(context.Background(), "lstm.New(", 6)
	if !strings.Contains(doc, "func(") {
		t.Errorf("inspect lstm.New = %q", doc)
	}
}

func TestUnrestricted(t *testing.T) {
	c := NewClient(ClientOptions{Command: []string{os.Args[0]}, Env: []string{"SEQLAB_TEST_KERNEL=1", "SEQLAB_TEST_UNRESTRICTED=1"}})
	defer c.Close()
	got, err := run(t, c, "import \"os/exec\"\nout, err := exec.Command(\"echo\", \"hi\").Output()\nfmt.Print(string(out), err)")
	if err != nil || got != "hi\n<nil>" {
		t.Errorf("os/exec with --unrestricted: %q, %v", got, err)
	}
}

func TestTypeRedefinitionReplays(t *testing.T) {
	c := testClient(t)
	above := []Cell{{ID: "a", Code: "base := 10"}}
	for _, cl := range above {
		run(t, c, cl.Code)
	}
	run(t, c, "type point struct{ X int }")
	var restarted string
	var out strings.Builder
	err := c.ExecuteWith(context.Background(), "b", "type point struct{ X, Y int }\nfmt.Println(point{1, 2}, base)",
		ExecOptions{Above: above, OnRestart: func(msg string) { restarted = msg }},
		func(ev Event) { out.WriteString(ev.Text) })
	if err != nil || out.String() != "{1 2} 10\n" || !strings.Contains(restarted, "type point is declared differently") {
		t.Errorf("redefinition: err %v, output %q, restart message %q", err, out.String(), restarted)
	}
}

// TestDiedBetweenCells checks that a kernel that dies after its cell has
// returned (a goroutine the cell started panics later) is reported by the
// next cell, which runs in a new kernel, instead of its variables vanishing
// without a word.
func TestDiedBetweenCells(t *testing.T) {
	c := testClient(t)
	if out, err := run(t, c, "x := 7\ngo func() { time.Sleep(200 * time.Millisecond); panic(\"too late\") }()\nfmt.Println(x)"); err != nil || out != "7\n" {
		t.Fatalf("first cell: %q, %v", out, err)
	}
	c.mu.Lock()
	p := c.proc
	c.mu.Unlock()
	select {
	case <-p.dead:
	case <-time.After(20 * time.Second):
		t.Fatal("the kernel did not die of its goroutine's panic")
	}
	out, err := run(t, c, `fmt.Println("next")`)
	if err != nil {
		t.Fatalf("second cell: %v", err)
	}
	for _, want := range []string{"[the kernel died after the last cell had finished", "too late", "variables of the cells above are gone", "next\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("second cell's output lacks %q:\n%s", want, out)
		}
	}
	// Only once.
	if out, err := run(t, c, `fmt.Println("third")`); err != nil || out != "third\n" {
		t.Errorf("third cell: %q, %v", out, err)
	}
}

// TestKernelQueueFull: a client that floods the kernel with execute
// requests gets an error for those beyond the queue, and an interrupt still
// gets through to the running cell.
func TestKernelQueueFull(t *testing.T) {
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "SEQLAB_TEST_KERNEL=1")
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	replies := make(chan Reply, 1024)
	go func() {
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			var r Reply
			if json.Unmarshal(sc.Bytes(), &r) == nil {
				replies <- r
			}
		}
		close(replies)
	}()
	send := func(r Request) {
		line, _ := json.Marshal(r)
		stdin.Write(append(line, '\n'))
	}
	send(Request{ID: "first", Op: OpExecute, Code: "for {\n}"})
	// Flood only once the endless cell runs, so that the interrupt is for it.
	timeout := time.After(30 * time.Second)
	for busy := false; !busy; {
		select {
		case r, ok := <-replies:
			if !ok {
				t.Fatal("the kernel ended")
			}
			busy = r.Type == TypeStatus && r.State == "busy" && r.ID == "first"
		case <-timeout:
			t.Fatal("the first cell did not start")
		}
	}
	for i := range 80 {
		send(Request{ID: fmt.Sprintf("q%d", i), Op: OpExecute, Code: "1"})
	}
	send(Request{ID: "stop", Op: OpInterrupt})
	full, interrupted := 0, false
	for !interrupted {
		select {
		case r, ok := <-replies:
			if !ok {
				t.Fatal("the kernel ended")
			}
			if r.Type == TypeError && strings.Contains(r.Text, "requests are already waiting to run") {
				full++
			}
			if r.ID == "first" && r.Type == TypeDone {
				interrupted = true
			}
		case <-timeout:
			t.Fatalf("the endless cell was not interrupted (%d requests refused)", full)
		}
	}
	if full == 0 {
		t.Errorf("no request was refused for a full queue")
	}
}
