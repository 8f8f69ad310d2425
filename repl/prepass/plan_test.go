package prepass

import (
	"errors"
	"go/parser"
	"go/token"
	"reflect"
	"strings"
	"testing"
)

// Tests of plans that need no interpreter: errors, Show, warnings, the
// state between cells, and rewrites of code yaegi's stdlib cannot run.

func prepare(t *testing.T, st *State, cell string) *Plan {
	t.Helper()
	p, err := st.Prepare(cell)
	if err != nil {
		t.Fatalf("Prepare(%q): %v", cell, err)
	}
	return p
}

func segments(p *Plan) string {
	var b strings.Builder
	for _, s := range p.Segments {
		b.WriteString(s.Src)
	}
	return b.String()
}

func TestPrepareErrors(t *testing.T) {
	tests := []struct {
		src       string
		line, col int
		msg       string
	}{
		{"x := ", 1, 6, "expected operand"},
		{"x := 1\n}", 2, 1, "unexpected }"},
		{"func f() {", 1, 11, "expected '}', found 'EOF'"},
		{"a := 1\nb := (a", 2, 8, "expected ')'"},
		{"x := 1\n\n  y := [3]int{1, 2,, 3}", 3, 20, "expected operand"},
		{"s := `abc", 1, 6, "raw string literal not terminated"},
		{"r := 'x", 1, 6, "rune literal not terminated"},
		{"x := 1 /* open", 1, 8, "comment not terminated"},
		{"type T struct {\n\tA int\n\tB\n", 4, 1, "expected"},
		{"import \"fmt\"\nfunc f() {}\nimport \"strings\"", 0, 0, ""}, // imports after declarations are fine in a cell
		{countIter + "\nfor v := range count(3) {\n\tgoto end\n}\nend:", 11, 2, "goto end is not supported inside a range-over-func loop"},
		{countIter + "\nouter:\nfor {\n\tfor v := range count(3) {\n\t\tcontinue outer\n\t}\n}", 13, 3, "continue outer is not supported"},
	}
	for _, tt := range tests {
		st := NewState(testImporter, testPreload)
		_, err := st.Prepare(tt.src)
		if tt.line == 0 {
			if err != nil {
				t.Errorf("Prepare(%q) = %v; want no error", tt.src, err)
			}
			continue
		}
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("Prepare(%q) error = %v; want *Error", tt.src, err)
			continue
		}
		if e.Line != tt.line || e.Col != tt.col || !strings.HasPrefix(e.Msg, tt.msg) {
			t.Errorf("Prepare(%q) = %d:%d: %s; want %d:%d: %s…", tt.src, e.Line, e.Col, e.Msg, tt.line, tt.col, tt.msg)
		}
	}
}

func TestShow(t *testing.T) {
	tests := []struct {
		src  string
		want bool
	}{
		{"x := 1\nx", true},
		{"x := 1\nx + 1", true},
		{"x := []int{1}\nx[0]", true},
		{"len(\"abc\")", true},
		{"int64(3)", true},
		{"strings.Fields(\"a b\")", true},
		{"fmt.Println(1)", false},
		{"fmt.Sprint(1)", true},
		{"func() {}()", false},
		{"ch := make(chan int, 1)\nch <- 1\n<-ch", false},
		{"ch := make(chan int, 1)\nch <- 1", false},
		{"notDeclared", true},     // not a call: shown even with unknown types
		{"notDeclared + 1", true}, // likewise
		{"notDeclared()", false},  // a call of unknown type is not
		{"x := 1", false},         // a statement
		{"x := 1\nfunc f() {}", false},
		{"// just a comment", false},
		{"(strings.ToUpper(\"a\"))", true},
		{"func two() (int, error) { return 1, nil }\ntwo()", false},
	}
	for _, tt := range tests {
		st := NewState(testImporter, testPreload)
		if got := prepare(t, st, tt.src).Show; got != tt.want {
			t.Errorf("Prepare(%q).Show = %v; want %v", tt.src, got, tt.want)
		}
	}
}

func TestWarnings(t *testing.T) {
	tests := []struct {
		src, warn string
	}{
		{"for v := range notDeclared {\n\t_ = v\n}", "1:16: cannot tell the type of notDeclared; range over it as written"},
		{"x := min(notDeclared, 1)", "1:6: cannot tell the type of min(notDeclared, 1)"},
		{"clear(notDeclared)", "cannot tell the type of notDeclared"},
		{"m := map[int]int{}\ndefer clear(m)", "2:7: clear can only be rewritten as a statement of its own"},
		// f.Decls are go/ast.Decl, a package the cell has not imported.
		{"import (\n\t\"go/parser\"\n\t\"slices\"\n)\nf, _ := parser.ParseFile(nil, \"\", \"package p\", 0)\nfor d := range slices.Values(f.Decls) {\n\t_ = d\n}",
			"6:16: cannot name the type go/ast.Decl here"},
		{"func all(yield func(int) bool) {}\nfor v := range all {\n\tdefer fmt.Println(v)\n}", "3:2: a defer inside a range-over-func loop runs at the end of each iteration"},
	}
	for _, tt := range tests {
		st := NewState(testImporter, testPreload)
		p := prepare(t, st, tt.src)
		if !strings.Contains(strings.Join(p.Warnings, "\n"), tt.warn) {
			t.Errorf("Prepare(%q).Warnings = %q; want %q", tt.src, p.Warnings, tt.warn)
		}
	}
}

// Rewrites of range-over-func loops over types from packages yaegi's
// stdlib symbols lack (iter, strings.Lines): the plan is checked, not run.
func TestRangeOverFuncTypes(t *testing.T) {
	tests := []struct {
		src, want string
	}{
		{"for line := range strings.Lines(\"a\\nb\") {\n\tfmt.Print(line)\n}",
			`strings.Lines("a\nb")(func(line string) bool {`},
		{"import \"iter\"\nfunc words() iter.Seq[string] {\n\treturn func(yield func(string) bool) {}\n}\nfor w := range words() {\n}",
			"words()(func(w string) bool {"},
		{"import it \"iter\"\nvar seq it.Seq2[int, *strings.Builder]\nfor i, b := range seq {\n\t_, _ = i, b\n}",
			"seq(func(i int, b *strings.Builder) bool {"},
		{"import \"maps\"\nm := map[string]float64{}\nfor k, v := range maps.All(m) {\n\t_, _ = k, v\n}",
			"maps.All(m)(func(k string, v float64) bool {"},
		{"type Seq func(yield func(int) bool)\nvar s Seq\nvar n int\nfor n = range s {\n}",
			"s(func(__seqlab_v1 int) bool { /*line _.go:4:5*/n = __seqlab_v1;"},
	}
	for _, tt := range tests {
		st := NewState(testImporter, testPreload)
		p := prepare(t, st, tt.src)
		if got := segments(p); !strings.Contains(got, tt.want) {
			t.Errorf("Prepare(%q) =\n%s\nwant it to contain %q", tt.src, got, tt.want)
		}
		if len(p.Warnings) > 0 {
			t.Errorf("Prepare(%q).Warnings = %q; want none", tt.src, p.Warnings)
		}
	}
}

// The cells' context: the latest definition of a name wins across cells,
// the first within a cell.
func TestStateContext(t *testing.T) {
	st := NewState(testImporter, testPreload)
	st.Commit(prepare(t, st, "x := 1"))
	st.Commit(prepare(t, st, "x := \"s\""))
	if got := segments(prepare(t, st, "for i := range x {\n\t_ = i\n}")); !strings.Contains(got, "for i := range x") {
		t.Errorf("x redefined as a string by a later cell, but the range over it was rewritten:\n%s", got)
	}
	if got := segments(prepare(t, st, "y := 1\ny := \"s\"\nfor i := range y {\n}")); strings.Contains(got, "for i := range y") {
		t.Errorf("the first declaration of y in a cell wins, but the range over it was not rewritten:\n%s", got)
	}
	// A cell that was not committed leaves no trace.
	prepare(t, st, "z := 3")
	if got := segments(prepare(t, st, "for i := range z {\n}")); !strings.Contains(got, "for i := range z") {
		t.Errorf("z of an uncommitted cell is known:\n%s", got)
	}
	// Commit ignores plans of another State.
	other := NewState(testImporter, testPreload)
	st.Commit(prepare(t, other, "w := 3"))
	if got := segments(prepare(t, st, "for i := range w {\n}")); !strings.Contains(got, "for i := range w") {
		t.Errorf("w of another State is known:\n%s", got)
	}
}

// A cell that fails after its declarations ran has declared its types in
// yaegi: editing the type and running the cell again is a redefinition.
func TestRedefinitionAfterFailure(t *testing.T) {
	st := NewState(testImporter, testPreload)
	prepare(t, st, "type T struct{ A int }\nnotDeclared()") // runs, fails, is not committed
	if p := prepare(t, st, "type T struct{ A, B int }\nnotDeclared()"); !reflect.DeepEqual(p.Redefines, []string{"T"}) {
		t.Errorf("Redefines = %q; want [T]", p.Redefines)
	}
	if p := prepare(t, st, "type T struct{ A int }"); len(p.Redefines) != 0 {
		t.Errorf("re-running the first declaration: Redefines = %q; want none", p.Redefines)
	}
}

func TestErrorString(t *testing.T) {
	err := error(&Error{Line: 3, Col: 7, Msg: "expected operand"})
	if got, want := err.Error(), "3:7: expected operand"; got != want {
		t.Errorf("Error() = %q; want %q", got, want)
	}
}

func TestHandedOutOnce(t *testing.T) {
	st := NewState(testImporter, testPreload)
	p := prepare(t, st, "import \"strconv\"\na := 1\n_ = min(a, 2)\n_ = strconv.Itoa(a)")
	if len(p.Helpers) != 1 || !strings.Contains(segments(p), `import "strconv"`) {
		t.Fatalf("first plan: helpers %q, segments\n%s", p.Helpers, segments(p))
	}
	p = prepare(t, st, "import \"strconv\"\na := 1\n_ = min(a, 2)\n_ = strconv.Itoa(a)")
	if len(p.Helpers) != 0 || strings.Contains(segments(p), `import "strconv"`) {
		t.Errorf("second plan: helpers %q, segments\n%s", p.Helpers, segments(p))
	}
	// A new State forgets them.
	st = NewState(testImporter, testPreload)
	if p := prepare(t, st, "a := 1\n_ = min(a, 2)"); len(p.Helpers) != 1 {
		t.Errorf("new State: helpers %q; want one", p.Helpers)
	}
}

func TestNilImporter(t *testing.T) {
	st := NewState(nil, nil)
	p := prepare(t, st, "for i := range 3 {\n\tfmt.Println(i)\n}")
	if got := segments(p); !strings.Contains(got, "for __seqlab_i1, __seqlab_n2 := 0, ") {
		t.Errorf("range over a constant without an importer:\n%s", got)
	}
}

func TestCellMessage(t *testing.T) {
	tests := []struct{ in, want string }{
		{"3:7: invalid operation", "cell:3:7: invalid operation"},
		{"_.go:4:1: expected operand, found '}'", "cell:4:1: expected operand, found '}'"},
		{"reflect: call of nil", "reflect: call of nil"},
		{"12:1: panic: main(...)", "cell:12:1: panic: main(...)"},
	}
	for _, tt := range tests {
		if got := CellMessage(tt.in); got != tt.want {
			t.Errorf("CellMessage(%q) = %q; want %q", tt.in, got, tt.want)
		}
	}
}

func TestNormalise(t *testing.T) {
	same := [][2]string{
		{"T struct{ A int }", "T struct {\n\tA int // a\n}"},
		{"T struct{ A int; B string }", "T struct {\n\tA int\n\n\tB string\n}"},
		{"T[P any] []P", "T[P any] []P"},
	}
	for _, p := range same {
		if a, b := normalise(p[0]), normalise(p[1]); a != b {
			t.Errorf("normalise(%q) = %q, normalise(%q) = %q; want equal", p[0], a, p[1], b)
		}
	}
	differ := [][2]string{
		{"T struct{ A; B }", "T struct{ A B }"},
		{"T int", "T = int"},
		{"T struct{ A int }", "T struct{ A int64 }"},
	}
	for _, p := range differ {
		if a, b := normalise(p[0]), normalise(p[1]); a == b {
			t.Errorf("normalise(%q) = normalise(%q) = %q; want different", p[0], p[1], a)
		}
	}
}

// FuzzPrepare checks that Prepare never panics, that its errors are
// *Error at a position in the cell, and that every source of a plan parses
// the way yaegi wraps it.
func FuzzPrepare(f *testing.F) {
	for _, tt := range cellTests {
		f.Add(tt.src)
		for _, b := range tt.before {
			f.Add(b)
		}
	}
	st := NewState(testImporter, testPreload)
	p, err := st.Prepare(countIter)
	if err != nil {
		f.Fatal(err)
	}
	st.Commit(p)
	f.Fuzz(func(t *testing.T, cell string) {
		p, err := st.Prepare(cell)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("Prepare(%q) error %v is not an *Error", cell, err)
			}
			if e.Line < 1 || e.Col < 1 || e.Line > strings.Count(cell, "\n")+1 {
				t.Fatalf("Prepare(%q) error %v is outside the cell", cell, err)
			}
			return
		}
		fset := token.NewFileSet()
		for _, h := range p.Helpers {
			if _, err := parser.ParseFile(fset, "", "package main;"+h, 0); err != nil {
				t.Fatalf("helper %q: %v", h, err)
			}
		}
		for _, s := range p.Segments {
			src := "package main; func main() {" + s.Src + "\n}"
			if s.Decl {
				src = "package main;" + s.Src
			}
			if _, err := parser.ParseFile(fset, "", src, 0); err != nil {
				t.Fatalf("Prepare(%q) segment %q does not parse: %v", cell, s.Src, err)
			}
		}
	})
}
