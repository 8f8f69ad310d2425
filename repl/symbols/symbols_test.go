package symbols_test

import (
	"bytes"
	"fmt"
	"os"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/seqlab/seqlab/repl/symbols"
	"github.com/traefik/yaegi/interp"
)

func newInterp(t *testing.T, out *bytes.Buffer, tables ...interp.Exports) *interp.Interpreter {
	t.Helper()
	i := interp.New(interp.Options{Stdout: out, Stderr: out})
	for _, table := range tables {
		if err := i.Use(table); err != nil {
			t.Fatalf("Use: %v", err)
		}
	}
	return i
}

// TestEval runs cells against Symbols, as a notebook does.
func TestEval(t *testing.T) {
	var out bytes.Buffer
	i := newInterp(t, &out, symbols.Symbols)
	tests := []struct {
		desc, src string
		want      string // fmt.Sprint of the value; "" to ignore it
	}{
		{"stdlib", `import "strings"`, ""},
		{"stdlib call", `strings.Fields("a b")`, "[a b]"},
		{"go1.24 symbol", `strings.SplitSeq != nil`, "true"},
		{"lstm", `import "github.com/seqlab/seqlab/models/lstm"`, ""},
		{"lstm preset", `lstm.Tiny().Hidden > 0`, "true"},
		{"gonum", `import "gonum.org/v1/gonum/mat"`, ""},
		{"gonum call", `mat.NewDense(2, 2, nil).At(1, 1)`, "0"},
		{"math/rand/v2", `import "math/rand/v2"`, ""},
		{"seeded rand", `rand.New(rand.NewPCG(1, 2)).IntN(10) < 10`, "true"},
		{"platform constant", `import "os"`, ""},
		{"os.DevNull", `os.DevNull != ""`, "true"},
		{"runtime.GOOS", `import "runtime"`, ""},
		{"runtime.GOOS value", `runtime.GOOS`, runtime.GOOS},
		{"generic slices from yaegi's source", `import "slices"`, ""},
		{"slices.Contains", `slices.Contains([]int{1, 2}, 2)`, "true"},
		{"Stringer through fmt", "import \"fmt\"\ntype celsius float64\nfunc (c celsius) String() string { return fmt.Sprintf(\"%.1f°C\", float64(c)) }", ""},
		{"Sprint calls String", `fmt.Sprint(celsius(21.5))`, "21.5°C"},
	}
	for _, tt := range tests {
		v, err := i.Eval(tt.src)
		if err != nil {
			t.Fatalf("%s: Eval(%q): %v", tt.desc, tt.src, err)
		}
		if tt.want != "" {
			if got := fmt.Sprint(v); got != tt.want {
				t.Errorf("%s: Eval(%q) = %s; want %s", tt.desc, tt.src, got, tt.want)
			}
		}
	}
}

func TestLSTMTiny(t *testing.T) {
	var out bytes.Buffer
	i := newInterp(t, &out, symbols.Symbols)
	if _, err := i.Eval(`import "github.com/seqlab/seqlab/models/lstm"`); err != nil {
		t.Fatal(err)
	}
	v, err := i.Eval(`lstm.Tiny()`)
	if err != nil {
		t.Fatal(err)
	}
	if got := v.Type().String(); got != "lstm.Config" {
		t.Errorf("lstm.Tiny() has type %s; want lstm.Config", got)
	}
}

// TestRestricted checks what a cell cannot do without --unrestricted, and can
// with it.
func TestRestricted(t *testing.T) {
	for _, path := range []string{"os/exec", "syscall", "unsafe"} {
		if _, ok := symbols.Symbols[path+"/"+path[strings.LastIndexByte(path, '/')+1:]]; ok {
			t.Errorf("Symbols has %s", path)
		}
	}
	if _, ok := symbols.Symbols["os/os"]["StartProcess"]; ok {
		t.Error("Symbols has os.StartProcess")
	}

	var out bytes.Buffer
	i := newInterp(t, &out, symbols.Symbols)
	if _, err := i.Eval(`import "os/exec"`); err == nil {
		t.Error(`import "os/exec" works without Unrestricted`)
	}
	if _, err := i.Eval(`import "os"`); err != nil {
		t.Fatal(err)
	}
	if _, err := i.Eval(`os.Exit(3)`); err == nil || !strings.Contains(err.Error(), "os.Exit(3)") {
		t.Errorf("os.Exit(3) in a cell: err = %v; want a panic naming os.Exit(3)", err)
	}

	i = newInterp(t, &out, symbols.Symbols, symbols.Unrestricted)
	for _, src := range []string{`import "os/exec"`, `exec.Command("true").Args[0]`, `import "syscall"`, `syscall.Getpid() > 0`, `import "unsafe"`, `unsafe.Sizeof(int64(0))`} {
		if _, err := i.Eval(src); err != nil {
			t.Errorf("with Unrestricted, Eval(%q): %v", src, err)
		}
	}
	if got, want := symbols.Unrestricted["os/os"]["Exit"].Pointer(), reflect.ValueOf(os.Exit).Pointer(); got != want {
		t.Error("Unrestricted os.Exit is not os.Exit")
	}
}
