package prepass

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"go/importer"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib"
)

// testImporter is shared by all tests: it caches the packages it loads.
var testImporter = importer.Default()

var testPreload = map[string]string{"fmt": "fmt", "strings": "strings", "math": "math"}

// session is a yaegi interpreter with a State, run the way the kernel runs
// cells: helpers, then segments, then Commit on success.
type session struct {
	st  *State
	in  *interp.Interpreter
	out bytes.Buffer
}

func newSession(t testing.TB) *session {
	t.Helper()
	s := &session{st: NewState(testImporter, testPreload)}
	s.in = interp.New(interp.Options{Stdout: &s.out, Stderr: &s.out})
	if err := s.in.Use(stdlib.Symbols); err != nil {
		t.Fatal(err)
	}
	for _, path := range testPreload {
		if _, err := s.in.Eval(`import "` + path + `"`); err != nil {
			t.Fatal(err)
		}
	}
	return s
}

// eval evaluates one source; a panic of the interpreter is an error.
func (s *session) eval(src string) (v reflect.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return s.in.EvalWithContext(ctx, src)
}

// run runs one cell and returns what it printed, followed by "=> value"
// when the plan shows a value, and the first error with the cell's position.
func (s *session) run(cell string) (string, *Plan, error) {
	s.out.Reset()
	p, err := s.st.Prepare(cell)
	if err != nil {
		return "", nil, fmt.Errorf("cell:%w", err)
	}
	for _, h := range p.Helpers {
		if _, err := s.eval(h); err != nil {
			return s.out.String(), p, fmt.Errorf("helper %q: %v", h, err)
		}
	}
	var v reflect.Value
	for _, seg := range p.Segments {
		v, err = s.eval(seg.Src)
		if err != nil {
			return s.out.String(), p, errors.New(CellMessage(err.Error()))
		}
	}
	if p.Show && v.IsValid() {
		fmt.Fprintf(&s.out, "=> %v\n", v)
	}
	s.st.Commit(p)
	return s.out.String(), p, nil
}

const countIter = `func count(n int) func(func(int) bool) {
	return func(yield func(int) bool) {
		for i := 0; i < n; i++ {
			if !yield(i) {
				return
			}
		}
	}
}`

// cellTests is the behaviour of the pre-pass, as yaegi runs its plans.
// Each want is what the cell prints under Go 1.26's semantics (range over
// integers and functions, per-iteration loop variables, min/max/clear), so
// a passing case is one where the rewritten code behaves like modern Go.
var cellTests = []struct {
	desc    string
	before  []string // earlier cells, run and committed first
	src     string
	want    string // printed output; "=> v" when the plan shows a value
	wantErr string // substring of the error, with the cell's position
	warn    string // substring of a warning
	redef   []string
}{
	// Splitting.
	{desc: "mixed declarations and statements",
		src:  "x := 3\nfunc f() int { return x * 2 }\nfmt.Println(f())",
		want: "6\n"},
	{desc: "only declarations",
		src:  "type P struct{ X, Y int }\n\nfunc (p P) Sum() int { return p.X + p.Y }\n\nvar origin = P{1, 2}\nconst k = 3",
		want: ""},
	{desc: "declarations used by a later cell",
		before: []string{"type P struct{ X, Y int }\nfunc (p P) Sum() int { return p.X + p.Y }"},
		src:    "p := P{1, 2}\np.Sum()",
		want:   "=> 3\n"},
	{desc: "only statements",
		src:  "a := 2\nb := a * 21\nfmt.Println(b)",
		want: "42\n"},
	{desc: "empty cell", src: "", want: ""},
	{desc: "whitespace only", src: "  \n\t\n", want: ""},
	{desc: "comments only", src: "// nothing\n/* to see */\n", want: ""},
	{desc: "declaration then final expression",
		src:  "func sq(x int) int { return x * x }\nsq(7)",
		want: "=> 49\n"},
	{desc: "var declaration between statements",
		src:  "var total int\nfor _, v := range []int{1, 2, 3} {\n\ttotal += v\n}\nvar twice = 2 * total\ntwice",
		want: "=> 12\n"},
	{desc: "statements and declarations on one line",
		src:  "x := 1; var y = x + 1; fmt.Println(x, y)",
		want: "1 2\n"},
	{desc: "three-clause loop and if with init stay whole",
		src:  "for i := 0; i < 2; i++ { if j := i * 2; j > 0 { fmt.Println(j) } }",
		want: "2\n"},
	{desc: "var statement then final expression",
		src:  "var x = 1\nx",
		want: "=> 1\n"},
	{desc: "var referring to an earlier cell's variable",
		before: []string{"base := 20"},
		src:    "var (\n\ta = base + 1\n\tb = a * 2\n)\nfmt.Println(a, b)",
		want:   "21 42\n"},
	{desc: "const then final expression",
		src:  "const c = 2\nc * 3",
		want: "=> 6\n"},
	{desc: "no show for a receive",
		src:  "done := make(chan bool)\ngo func() { done <- true }()\n<-done",
		want: ""},
	{desc: "func literal call is a statement",
		src:  "func() { fmt.Println(\"lit\") }()",
		want: "lit\n"},
	{desc: "multi-line string literal",
		src:  "s := `line one\nline two`\nfmt.Println(s)\nfunc g() string {\n\treturn `a\nb`\n}\nfmt.Println(g())",
		want: "line one\nline two\na\nb\n"},
	{desc: "preloaded package in a top-level :=",
		src:  "s := strings.Repeat(\"ab\", 2)\nvar t = strings.ToUpper(s)\nfmt.Println(s, t)",
		want: "abab ABAB\n"},
	{desc: "import in a cell",
		src:  "import \"strconv\"\nn, err := strconv.Atoi(\"12\")\nfmt.Println(n+1, err)",
		want: "13 <nil>\n"},
	{desc: "re-running a cell with an import",
		before: []string{"import \"strconv\"\nfmt.Println(strconv.Itoa(1))"},
		src:    "import \"strconv\"\nfmt.Println(strconv.Itoa(1))",
		want:   "1\n"},
	{desc: "importing a preloaded package",
		src:  "import (\n\t\"fmt\"\n\t\"unicode\"\n)\nfmt.Println(unicode.IsUpper('A'))",
		want: "true\n"},

	{desc: "a pasted program",
		src:  "package main\n\nimport \"fmt\"\n\nfunc main() {\n\tfmt.Println(\"hello\")\n}",
		want: "hello\n",
		warn: "1:1: the package clause is ignored"},

	// Range over integers.
	{desc: "range over a constant",
		src:  "for i := range 3 {\n\tfmt.Print(i, \" \")\n}\nfmt.Println()",
		want: "0 1 2 \n"},
	{desc: "range over an int64 variable keeps its type",
		src:  "var n int64 = 3\nfor i := range n {\n\tfmt.Printf(\"%T:%v \", i, i)\n}\nfmt.Println()",
		want: "int64:0 int64:1 int64:2 \n"},
	{desc: "range over a named integer type",
		src:  "type Count uint8\nvar c Count = 2\nfor i := range c {\n\tvar same Count = i\n\tfmt.Print(same)\n}\nfmt.Println()",
		want: "01\n"},
	{desc: "for range n",
		src:  "n := 2\nfor range n {\n\tfmt.Println(\"hi\")\n}",
		want: "hi\nhi\n"},
	{desc: "assigning the variable does not change the iterations",
		src:  "for i := range 3 {\n\tfmt.Print(i)\n\ti += 10\n}\nfmt.Println()",
		want: "012\n"},
	{desc: "the range expression is evaluated once",
		src:  "n := 3\nfor i := range n {\n\tn = 0\n\tfmt.Print(i)\n}\nfmt.Println()",
		want: "012\n"},
	{desc: "range with assignment",
		src:  "var i int\nfor i = range 4 {\n}\nfmt.Println(i)",
		want: "3\n"},
	{desc: "nested range over int in a function declaration",
		src:  "func grid(n int) {\n\tfor i := range n {\n\t\tfor j := range i + 1 {\n\t\t\tfmt.Print(i*j, \" \")\n\t\t}\n\t}\n\tfmt.Println()\n}\ngrid(3)",
		want: "0 0 1 0 2 4 \n"},
	{desc: "labelled range over int",
		src:  "outer:\nfor i := range 3 {\n\tfor j := range 3 {\n\t\tif j > i {\n\t\t\tcontinue outer\n\t\t}\n\t\tfmt.Print(i, j, \" \")\n\t}\n}\nfmt.Println()",
		want: "0 0 1 0 1 1 2 0 2 1 2 2 \n"},
	{desc: "range over int with an earlier cell's variable",
		before: []string{"import \"strconv\"", "n, err := strconv.Atoi(\"3\")"},
		src:    "for i := range n {\n\tfmt.Print(i)\n}\nfmt.Println(err)",
		want:   "012<nil>\n"},

	// Range over functions.
	{desc: "range over func with continue and break",
		src:  countIter + "\nfor v := range count(5) {\n\tif v == 1 {\n\t\tcontinue\n\t}\n\tif v == 3 {\n\t\tbreak\n\t}\n\tfmt.Println(v)\n}",
		want: "0\n2\n"},
	{desc: "continue in a switch targets the loop, break the switch",
		before: []string{countIter},
		src:    "for v := range count(4) {\n\tswitch v {\n\tcase 1:\n\t\tcontinue\n\tcase 2:\n\t\tbreak\n\t}\n\tfmt.Print(v)\n}\nfmt.Println()",
		want:   "023\n"},
	{desc: "break in a nested loop stays",
		before: []string{countIter},
		src:    "for v := range count(3) {\n\tfor j := 0; j < 10; j++ {\n\t\tif j == v {\n\t\t\tbreak\n\t\t}\n\t\tfmt.Print(j)\n\t}\n\tfmt.Print(\"|\")\n}\nfmt.Println()",
		want:   "|0|01|\n"},
	{desc: "labelled loop inside the body",
		before: []string{countIter},
		src:    "for v := range count(2) {\ninner:\n\tfor j := 0; ; j++ {\n\t\tswitch {\n\t\tcase j > v:\n\t\t\tbreak inner\n\t\t}\n\t\tfmt.Print(j)\n\t}\n}\nfmt.Println()",
		want:   "001\n"},
	{desc: "range over a named two-value iterator",
		src:  "type Pairs func(yield func(string, int) bool)\nfunc pairs() Pairs {\n\treturn func(yield func(string, int) bool) {\n\t\t_ = yield(\"a\", 1) && yield(\"b\", 2)\n\t}\n}\nfor k, v := range pairs() {\n\tfmt.Println(k, v)\n}",
		want: "a 1\nb 2\n"},
	{desc: "range over a two-value iterator with only the key",
		src:  "func pairs(yield func(string, int) bool) {\n\t_ = yield(\"a\", 1) && yield(\"b\", 2)\n}\nfor k := range pairs {\n\tfmt.Print(k)\n}\nfmt.Println()",
		want: "ab\n"},
	{desc: "range over a zero-value iterator",
		src:  "func three(yield func() bool) {\n\tfor i := 0; i < 3; i++ {\n\t\tif !yield() {\n\t\t\treturn\n\t\t}\n\t}\n}\nn := 0\nfor range three {\n\tn++\n}\nfmt.Println(n)",
		want: "3\n"},
	{desc: "range over func with assignment",
		before: []string{countIter},
		src:    "var last int\nfor last = range count(3) {\n}\nfmt.Println(last)",
		want:   "2\n"},
	{desc: "range over func inside a function declaration",
		before: []string{countIter},
		src:    "func sum(n int) int {\n\ttotal := 0\n\tfor v := range count(n) {\n\t\ttotal += v\n\t}\n\treturn total\n}\nsum(5)",
		want:   "=> 10\n"},
	{desc: "nested range over func",
		before: []string{countIter},
		src:    "for i := range count(3) {\n\tfor j := range count(3) {\n\t\tif j > i {\n\t\t\tbreak\n\t\t}\n\t\tfmt.Print(i, j, \" \")\n\t}\n}\nfmt.Println()",
		want:   "0 0 1 0 1 1 2 0 2 1 2 2 \n"},
	{desc: "return inside range over func",
		before:  []string{countIter},
		src:     "func first() int {\n\tfor v := range count(3) {\n\t\treturn v\n\t}\n\treturn -1\n}",
		wantErr: "cell:3:3: return is not supported inside a range-over-func loop in seqlab cells"},
	{desc: "labelled break of a range over func",
		before:  []string{countIter},
		src:     "loop:\nfor v := range count(3) {\n\tfor {\n\t\tbreak loop\n\t}\n\tfmt.Println(v)\n}",
		wantErr: "cell:4:3: break loop is not supported inside a range-over-func loop"},
	{desc: "error position inside a rewritten range over func",
		before:  []string{countIter},
		src:     "for v := range count(2) {\n\tfmt.Println(v)\n\tvar s string = v\n}",
		wantErr: "cell:3:"},

	// Per-iteration loop variables.
	{desc: "closures in a three-clause loop",
		src:  "var fs []func()\nfor i := 0; i < 3; i++ {\n\tfs = append(fs, func() { fmt.Print(i, \" \") })\n}\nfor _, f := range fs {\n\tf()\n}\nfmt.Println()",
		want: "0 1 2 \n"},
	{desc: "closures in a range loop",
		src:  "var fs []func()\nfor i, s := range []string{\"a\", \"b\"} {\n\tfs = append(fs, func() { fmt.Print(i, s, \" \") })\n}\nfor _, f := range fs {\n\tf()\n}\nfmt.Println()",
		want: "0a 1b \n"},
	{desc: "closures in a range over int",
		src:  "var fs []func()\nfor i := range 3 {\n\tfs = append(fs, func() { fmt.Print(i) })\n}\nfor _, f := range fs {\n\tf()\n}\nfmt.Println()",
		want: "012\n"},
	{desc: "addresses of a loop variable",
		src:  "var ps []*int\nfor i := 0; i < 3; i++ {\n\tps = append(ps, &i)\n}\nfor _, p := range ps {\n\tfmt.Print(*p)\n}\nfmt.Println()",
		want: "012\n"},
	{desc: "closures in a loop that assigns its variable",
		src:  "var fs []func()\nfor i := 0; i < 6; i++ {\n\tfs = append(fs, func() { fmt.Print(i) })\n\ti++\n}\nfor _, f := range fs {\n\tf()\n}\nfmt.Println()",
		want: "666\n",
		warn: "4:2: i is assigned in the loop body"},

	// min, max, clear.
	{desc: "min and max of ints",
		src:  "a, b := 3, 7\nfmt.Println(min(a, b), max(a, b, 5), min(a))",
		want: "3 7 3\n"},
	{desc: "constant min and max",
		src:  "const small = min(3, 1)\nx := max(1, 2.5)\nfmt.Printf(\"%v %v %T\\n\", small, x, x)",
		want: "1 2.5 float64\n"},
	{desc: "min and max of floats follow NaN and signed zero rules",
		src:  "nan := math.NaN()\nz := 0.0\nnz := math.Copysign(0, -1)\nfmt.Println(min(1.0, nan), max(nan, 1.0), 1/min(z, nz), 1/max(nz, z), min(2.5, z, 1))",
		want: "NaN NaN -Inf +Inf 0\n"},
	{desc: "min and max of strings",
		src:  "s := \"pear\"\nfmt.Println(min(s, \"apple\"), max(s, \"zoo\"))",
		want: "apple zoo\n"},
	{desc: "min of a named float type keeps the type",
		src:  "type Celsius float64\nc := Celsius(20)\nvar low Celsius = min(c, 15)\nfmt.Println(low)",
		want: "15\n"},
	{desc: "min of uint8 and float32",
		src:  "var a, b uint8 = 200, 100\nvar f float32 = 1.5\nfmt.Println(max(a, b), min(f, 2))",
		want: "200 1.5\n"},
	{desc: "min as the final expression",
		src:  "a := 4\nmin(a, 2)",
		want: "=> 2\n"},
	{desc: "helpers are handed out once",
		before: []string{"a := 1\nfmt.Println(min(a, 0))"},
		src:    "b := 5\nfmt.Println(min(b, 9))",
		want:   "5\n"},
	{desc: "clear a map",
		src:  "m := map[string]int{\"a\": 1, \"b\": 2}\nclear(m)\nfmt.Println(len(m))",
		want: "0\n"},
	{desc: "clear a slice",
		src:  "s := []string{\"a\", \"b\"}\nclear(s)\nfmt.Printf(\"%q %d\\n\", s, len(s))",
		want: "[\"\" \"\"] 2\n"},
	{desc: "clear inside a function",
		src:  "func reset(m map[int]bool) {\n\tif len(m) > 0 {\n\t\tclear(m)\n\t}\n}\nm := map[int]bool{1: true}\nreset(m)\nfmt.Println(len(m))",
		want: "0\n"},

	// Showing the final expression.
	{desc: "show a variable", src: "x := 41\nx + 1", want: "=> 42\n"},
	{desc: "no show for Println", src: "fmt.Println(\"hi\")", want: "hi\n"},
	{desc: "show a single result", src: "strings.ToUpper(\"go\")", want: "=> GO\n"},
	{desc: "no show for two results",
		src:  "func two() (int, int) { return 1, 2 }\ntwo()",
		want: ""},
	{desc: "no show after a declaration",
		src:  "x := 1\nfunc f() {}",
		want: ""},

	// Errors.
	{desc: "type error on line 3", src: "x := 1\ny := 2\nz := x +\n\t\"s\" + y", wantErr: "cell:3:6: invalid operation"},
	{desc: "type error in a declaration", src: "x := 1\n\nfunc f() string {\n\treturn 1 + \"a\"\n}", wantErr: "cell:4:"},
	{desc: "syntax error at the end", src: "x := ", wantErr: "cell:1:6: expected operand"},
	{desc: "unclosed brace", src: "func f() {\n\tfmt.Println(1)\n", wantErr: "cell:3:1: expected '}', found 'EOF'"},
	{desc: "extra brace", src: "x := 1\n}", wantErr: "cell:2:1: unexpected }"},
	{desc: "syntax error in a later statement", src: "x := 1\nfunc f() {}\ny := (x", wantErr: "cell:3:"},
	{desc: "unterminated comment", src: "x := 1 /* no end", wantErr: "cell:1:8: comment not terminated"},

	// Type redefinition.
	{desc: "type redefinition",
		before: []string{"type T struct{ A int }"},
		src:    "type T struct{ B int }",
		redef:  []string{"T"}},
	{desc: "identical type redeclaration",
		before: []string{"type T struct{ A int }"},
		src:    "// same\ntype T struct {\n\tA int // a field\n}\nfmt.Println(T{1})",
		want:   "{1}\n"},
	{desc: "functions and variables are redefined freely",
		before: []string{"func f() int { return 1 }\nx := 1"},
		src:    "func f() string { return \"s\" }\nx := \"t\"\nfmt.Println(f() + x)",
		want:   "st\n"},
}

func TestCells(t *testing.T) {
	for _, tt := range cellTests {
		t.Run(tt.desc, func(t *testing.T) {
			s := newSession(t)
			for _, b := range tt.before {
				if out, _, err := s.run(b); err != nil {
					t.Fatalf("earlier cell %q: %v (output %q)", b, err, out)
				}
			}
			got, p, err := s.run(tt.src)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("run(%q) error = %v; want %q", tt.src, err, tt.wantErr)
				}
			} else if err != nil {
				t.Errorf("run(%q) error = %v (output %q)", tt.src, err, got)
			}
			if tt.wantErr == "" && got != tt.want {
				t.Errorf("run(%q) = %q; want %q", tt.src, got, tt.want)
			}
			if p == nil {
				return
			}
			if tt.warn != "" && !strings.Contains(strings.Join(p.Warnings, "\n"), tt.warn) {
				t.Errorf("run(%q) warnings = %q; want %q", tt.src, p.Warnings, tt.warn)
			}
			if tt.warn == "" && len(p.Warnings) > 0 {
				t.Errorf("run(%q) warnings = %q; want none", tt.src, p.Warnings)
			}
			if !reflect.DeepEqual(p.Redefines, tt.redef) {
				t.Errorf("run(%q) redefines = %q; want %q", tt.src, p.Redefines, tt.redef)
			}
			if t.Failed() {
				for _, seg := range p.Segments {
					t.Logf("segment (decl=%v):%s", seg.Decl, seg.Src)
				}
			}
		})
	}
}
