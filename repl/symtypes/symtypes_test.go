package symtypes_test

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"io"
	"os"
	"os/exec"
	"path"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/seqlab/seqlab/repl/symbols"
	"github.com/seqlab/seqlab/repl/symtypes"
)

// checked is a type-checked cell.
type checked struct {
	pkg  *types.Package
	info *types.Info
}

// check type-checks src (a file body; "package cell" is added) with imp.
func check(t *testing.T, imp types.Importer, src string) (*checked, error) {
	t.Helper()
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "cell.go", "package cell\n"+src, 0)
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	info := &types.Info{
		Types: map[ast.Expr]types.TypeAndValue{},
		Defs:  map[*ast.Ident]types.Object{},
		Uses:  map[*ast.Ident]types.Object{},
	}
	conf := types.Config{Importer: imp, GoVersion: "go1.26"}
	pkg, err := conf.Check("cell", fset, []*ast.File{f}, info)
	return &checked{pkg, info}, err
}

func mustCheck(t *testing.T, imp types.Importer, src string) *checked {
	t.Helper()
	c, err := check(t, imp, src)
	if err != nil {
		t.Fatalf("type-checking\n%s\n: %v", src, err)
	}
	return c
}

// def is the object a cell declares with the name, anywhere in the cell.
func (c *checked) def(t *testing.T, name string) types.Object {
	t.Helper()
	for id, obj := range c.info.Defs {
		if id.Name == name && obj != nil {
			return obj
		}
	}
	t.Fatalf("no declaration of %s", name)
	return nil
}

// expr is the type and value of the expression with this source text.
func (c *checked) expr(t *testing.T, fset *token.FileSet, text string) types.TypeAndValue {
	t.Helper()
	for e, tv := range c.info.Types {
		if types.ExprString(e) == text {
			return tv
		}
	}
	t.Fatalf("no expression %s", text)
	return types.TypeAndValue{}
}

var notebook = symtypes.Importer(symbols.Symbols)

func TestTypes(t *testing.T) {
	tests := []struct {
		desc, src, name, want string
	}{
		{"stdlib call", `import "strings"; var n = len(strings.Fields("a b"))`, "n", "int"},
		{"range over func", "import \"strings\"\nfunc f(s string) {\n\tfor line := range strings.Lines(s) {\n\t\t_ = line\n\t}\n}", "line", "string"},
		{"seq of words", "import \"strings\"\nfunc f(s string) {\n\tfor w := range strings.SplitSeq(s, \",\") {\n\t\t_ = w\n\t}\n}", "w", "string"},
		{"constructor", `import "github.com/seqlab/seqlab/models/lstm"; var m, err = lstm.New(lstm.Tiny(), nil)`, "m", "*github.com/seqlab/seqlab/models/lstm.Model"},
		{"error result", `import "github.com/seqlab/seqlab/models/lstm"; var m, err = lstm.New(lstm.Tiny(), nil)`, "err", "error"},
		{"promoted field of an embedded struct", `import "github.com/seqlab/seqlab/models/lstm"; var m, _ = lstm.New(lstm.Tiny(), nil); var h = m.Hidden`, "h", "int"},
		{"struct field", `import "github.com/seqlab/seqlab/train"; var opts = train.Defaults(); var lr = opts.LR`, "lr", "float64"},
		{"os.Stdout", `import "os"; var f = os.Stdout`, "f", "*os.File"},
		{"method of a stdlib type", `import "time"; var s = time.Now().Add(time.Second).String()`, "s", "string"},
		{"restricted log.Logger", `import ("log"; "os"); var l *log.Logger = log.New(os.Stderr, "", 0)`, "l", "*log.Logger"},
		{"alias of another module's type", `import "github.com/seqlab/seqlab/models/nn"; var g nn.General; var rows = g.Rows`, "rows", "int"},
		{"math/rand/v2", `import "math/rand/v2"; var r = rand.New(rand.NewPCG(1, 2)).Float64()`, "r", "float64"},
		{"generic source from yaegi", `import "slices"; var ok = slices.Contains([]int{1}, 1)`, "ok", "bool"},
		{"map of a package type", `import "github.com/seqlab/seqlab/models/nn"; var ts, _, _ = nn.ReadSafetensors(nil)`, "ts", "map[string]github.com/seqlab/seqlab/models/nn.Tensor"},
		{"channel direction", `import "time"; var c = time.After(time.Second)`, "c", "<-chan time.Time"},
		{"variadic", `import "fmt"; var s = fmt.Sprint(1, "a", 2.5)`, "s", "string"},
		{"display", `import "github.com/seqlab/seqlab/display"; var tb = display.NewTable("a", "b")`, "tb", "*github.com/seqlab/seqlab/display.Table"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			c := mustCheck(t, notebook, tt.src)
			if got := c.def(t, tt.name).Type().String(); got != tt.want {
				t.Errorf("type of %s = %s; want %s", tt.name, got, tt.want)
			}
		})
	}
}

// TestIdentityAcrossPackages checks that a *mat.Dense from lstm's Forward is
// the *mat.Dense of gonum's own package, and that context.Context is one type.
func TestIdentityAcrossPackages(t *testing.T) {
	src := `
import (
	"context"

	"github.com/seqlab/seqlab/models/lstm"
	"github.com/seqlab/seqlab/models/nn"
	"github.com/seqlab/seqlab/tasks"
	"github.com/seqlab/seqlab/train"
	"gonum.org/v1/gonum/mat"
)

var m, _ = lstm.New(lstm.Tiny(), nil)
var forward = m.Forward
var dense *mat.Dense

func run(ctx context.Context, in nn.Input) error {
	out, err := m.Forward(in)
	dense = out
	_ = out.At(0, 0)
	task, err := tasks.New("delayed", 8)
	if err != nil {
		return err
	}
	opts := train.Defaults()
	opts.LR = 0.01
	_, err = train.Train(ctx, m, task, opts)
	return err
}
`
	c := mustCheck(t, notebook, src)
	sig, ok := c.def(t, "forward").Type().(*types.Signature)
	if !ok {
		t.Fatalf("m.Forward is %v; want a func", c.def(t, "forward").Type())
	}
	if got := sig.Results().String(); got != "(*gonum.org/v1/gonum/mat.Dense, error)" {
		t.Errorf("m.Forward results = %s; want (*mat.Dense, error)", got)
	}
	direct := c.def(t, "dense").Type()
	if !types.Identical(sig.Results().At(0).Type(), direct) {
		t.Errorf("*mat.Dense from lstm is not identical to *mat.Dense imported directly")
	}
	matPkg, err := notebook.Import("gonum.org/v1/gonum/mat")
	if err != nil {
		t.Fatal(err)
	}
	if !types.Identical(types.NewPointer(matPkg.Scope().Lookup("Dense").Type()), direct) {
		t.Errorf("*mat.Dense differs between two imports")
	}
}

func TestInterfaceSatisfaction(t *testing.T) {
	trainPkg, err := notebook.Import("github.com/seqlab/seqlab/train")
	if err != nil {
		t.Fatal(err)
	}
	model := trainPkg.Scope().Lookup("Model").Type().Underlying().(*types.Interface)
	for _, path := range []string{"rnn", "lstm", "transformer"} {
		pkg, err := notebook.Import("github.com/seqlab/seqlab/models/" + path)
		if err != nil {
			t.Fatal(err)
		}
		m := types.NewPointer(pkg.Scope().Lookup("Model").Type())
		if !types.Implements(m, model) {
			missing, wrong := types.MissingMethod(m, model, true)
			t.Errorf("%s does not implement train.Model: %v (wrong type: %v)", m, missing, wrong)
		}
		if types.Implements(pkg.Scope().Lookup("Model").Type(), model) {
			t.Errorf("%s.Model (not a pointer) implements train.Model; its methods have pointer receivers", path)
		}
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		desc, src, want string
	}{
		{"not in the tables", `import "net/http"; var _ = http.Get`, "package net/http is not available in seqlab notebooks"},
		{"not in Symbols", `import "os/exec"; var _ = exec.Command`, "package os/exec is not available in seqlab notebooks"},
		{"excluded symbol", `import "os"; var _ = os.StartProcess`, "undefined: os.StartProcess"},
		{"not a train.Model", `import ("context"; "github.com/seqlab/seqlab/train"); func f(ctx context.Context) { train.Train(ctx, 42, nil, train.Options{}) }`, "does not implement"},
		{"wrong argument type", `import "strings"; var _ = strings.Fields(1)`, "cannot use 1"},
		{"unexported field", `import "github.com/seqlab/seqlab/models/lstm"; var m, _ = lstm.New(lstm.Tiny(), nil); var _ = m.cache`, "m.cache undefined"},
		{"generic function yaegi lacks", `import "slices"; func f(x []int) { slices.Sort(x) }`, "undefined: slices.Sort"},
		{"generic type of a compiled package", `import "iter"; var _ iter.Seq[int]`, "undefined: iter.Seq"},
	}
	for _, tt := range tests {
		t.Run(tt.desc, func(t *testing.T) {
			_, err := check(t, notebook, tt.src)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v; want one containing %q", err, tt.want)
			}
		})
	}
}

func TestConstants(t *testing.T) {
	for _, tt := range []struct {
		path, name, typ string
		val             constant.Value
	}{
		{"math", "Pi", "untyped float", nil},
		{"math", "MaxInt64", "untyped int", constant.MakeInt64(1<<63 - 1)},
		{"time", "Second", "time.Duration", constant.MakeInt64(int64(time.Second))},
		{"time", "RFC3339", "untyped string", constant.MakeString(time.RFC3339)},
		{"os", "O_RDONLY", "int", nil},
		{"github.com/seqlab/seqlab/tasks", "DelayedKeys", "untyped int", nil},
	} {
		pkg, err := notebook.Import(tt.path)
		if err != nil {
			t.Fatal(err)
		}
		c, ok := pkg.Scope().Lookup(tt.name).(*types.Const)
		if !ok {
			t.Errorf("%s.%s is %v; want a constant", tt.path, tt.name, pkg.Scope().Lookup(tt.name))
			continue
		}
		if got := c.Type().String(); got != tt.typ {
			t.Errorf("%s.%s has type %s; want %s", tt.path, tt.name, got, tt.typ)
		}
		if tt.val != nil && !constant.Compare(c.Val(), token.EQL, tt.val) {
			t.Errorf("%s.%s = %v; want %v", tt.path, tt.name, c.Val(), tt.val)
		}
	}
	pi := mustCheck(t, notebook, `import "math"; const tau = 2 * math.Pi; var x float32 = tau`)
	if v, _ := constant.Float64Val(pi.def(t, "tau").(*types.Const).Val()); v != 6.283185307179586 {
		t.Errorf("2 * math.Pi = %v", v)
	}
}

func TestVariable(t *testing.T) {
	osPkg, err := notebook.Import("os")
	if err != nil {
		t.Fatal(err)
	}
	v, ok := osPkg.Scope().Lookup("Stdout").(*types.Var)
	if !ok || v.Type().String() != "*os.File" {
		t.Errorf("os.Stdout = %v; want a variable of type *os.File", osPkg.Scope().Lookup("Stdout"))
	}
	mustCheck(t, notebook, `import ("fmt"; "io"; "os"); var w io.Writer = os.Stdout; func f() { fmt.Fprintln(w, "hi"); os.Stdout = nil }`)
}

// TestEverySymbol imports every package of the tables and checks that no
// symbol was left out and every type converted.
func TestEverySymbol(t *testing.T) {
	imp := symtypes.Importer(symbols.Symbols, symbols.Unrestricted)
	n := 0
	for _, table := range []map[string]map[string]reflect.Value{symbols.Symbols, symbols.Unrestricted} {
		for key, syms := range table {
			dir := path.Dir(key)
			if dir == "." || dir == "github.com/traefik/yaegi" || dir == "unsafe" {
				continue // interpreter hooks, and unsafe, which go/types provides
			}
			pkg, err := imp.Import(dir)
			if err != nil {
				t.Errorf("Import(%q): %v", dir, err)
				continue
			}
			for name := range syms {
				if strings.HasPrefix(name, "_") {
					continue // interface wrappers
				}
				n++
				obj := pkg.Scope().Lookup(name)
				switch {
				case obj == nil:
					t.Errorf("%s.%s was left out", dir, name)
				case obj.Type().Underlying() == types.Typ[types.Invalid]:
					t.Errorf("%s.%s has an invalid type", dir, name)
				}
			}
		}
	}
	t.Logf("%d symbols", n)
}

// Tree is a recursive type for TestRecursive.
type Tree struct {
	Left, Right *Tree
	Value       int
	Labels      map[string]*Tree
	Next        func() *Tree
	Embedded
}

// Embedded is promoted into Tree.
type Embedded struct{ Depth int }

func (e Embedded) Level() int { return e.Depth }

func (t *Tree) Walk(f func(*Tree) bool) bool { return f(t) }

// Walker is satisfied by *Tree.
type Walker interface {
	Walk(func(*Tree) bool) bool
}

func TestRecursive(t *testing.T) {
	const path = "github.com/seqlab/seqlab/repl/symtypes_test"
	imp := symtypes.Importer(map[string]map[string]reflect.Value{
		path + "/tree": {
			"Tree":     reflect.ValueOf((*Tree)(nil)),
			"Embedded": reflect.ValueOf((*Embedded)(nil)),
			"Walker":   reflect.ValueOf((*Walker)(nil)),
			"Root":     reflect.ValueOf(&root).Elem(),
		},
	})
	src := `import tree "` + path + `"
var v = tree.Root.Left.Right.Labels["x"].Next().Value
var d = tree.Root.Level() + tree.Root.Depth
var w tree.Walker = tree.Root
`
	c := mustCheck(t, imp, src)
	if got := c.def(t, "v").Type().String(); got != "int" {
		t.Errorf("v has type %s; want int", got)
	}
	if _, err := check(t, imp, `import tree "`+path+`"; var w tree.Walker = *tree.Root`); err == nil {
		t.Error("Tree (not a pointer) satisfies Walker; Walk has a pointer receiver")
	}
}

var root = &Tree{}

// TestLaterTableOverrides mirrors the kernel: a second table replaces os.Exit
// and adds a package.
func TestLaterTableOverrides(t *testing.T) {
	imp := symtypes.Importer(symbols.Symbols, map[string]map[string]reflect.Value{
		"os/os": {"Exit": reflect.ValueOf(func(code int) {})},
		"github.com/seqlab/seqlab/repl/kernel/kernel": {"Context": reflect.ValueOf(func() int { return 0 })},
	}, symbols.Unrestricted)
	mustCheck(t, imp, `import ("os"; "os/exec"; "github.com/seqlab/seqlab/repl/kernel"); var n = kernel.Context(); var f = os.Stdout; var c = exec.Command("ls")`)
}

func TestConcurrent(t *testing.T) {
	imp := symtypes.Importer(symbols.Symbols)
	srcs := []string{
		`import ("github.com/seqlab/seqlab/train"; "github.com/seqlab/seqlab/models/lstm"); var m, _ = lstm.New(lstm.Tiny(), nil); var _ train.Model = m`,
		`import ("gonum.org/v1/gonum/mat"; "github.com/seqlab/seqlab/models/transformer"); var a, w = transformer.Attention(nil, nil, nil, true); var _ *mat.Dense = w`,
		`import ("context"; "time"); var ctx, cancel = context.WithTimeout(context.Background(), time.Second)`,
		`import ("strings"; "fmt"); var s = fmt.Sprint(strings.Fields("a b"))`,
	}
	var wg sync.WaitGroup
	for range 4 {
		for _, src := range srcs {
			wg.Go(func() {
				if _, err := check(t, imp, src); err != nil {
					t.Errorf("%s: %v", src, err)
				}
			})
		}
	}
	wg.Wait()
}

// TestMatchesCompiler compares the importer with the compiler's export data
// for every exported function and variable type of a few packages: the
// strings must agree (parameter names aside, which reflection lacks).
func TestMatchesCompiler(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping in -short mode: reads export data through go list")
	}
	paths := []string{"strings", "time", "bufio", "context", "os", "github.com/seqlab/seqlab/train", "github.com/seqlab/seqlab/models/lstm", "gonum.org/v1/gonum/mat"}
	gc := exportDataImporter(t, paths)
	for _, path := range paths {
		want, err := gc.Import(path)
		if err != nil {
			t.Fatal(err)
		}
		got, err := notebook.Import(path)
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range got.Scope().Names() {
			g, w := got.Scope().Lookup(name), want.Scope().Lookup(name)
			if w == nil {
				t.Errorf("%s.%s: not in the compiler's package", path, name)
				continue
			}
			if _, ok := w.(*types.TypeName); ok {
				if gs, ws := methodSet(g.Type()), methodSet(w.Type()); gs != ws {
					t.Errorf("%s.%s methods:\n got %s\nwant %s", path, name, gs, ws)
				}
				if gs, ws := typeString(g.Type().Underlying()), typeString(w.Type().Underlying()); gs != ws {
					t.Errorf("%s.%s underlying type:\n got %s\nwant %s", path, name, gs, ws)
				}
				continue
			}
			if gs, ws := typeString(g.Type()), typeString(w.Type()); gs != ws {
				t.Errorf("%s.%s: type %s; want %s", path, name, gs, ws)
			}
		}
	}
}

// exportDataImporter imports paths from the compiler's export data.
func exportDataImporter(t *testing.T, paths []string) types.Importer {
	out, err := exec.Command("go", append([]string{"list", "-export", "-deps", "-f", "{{.ImportPath}}\t{{.Export}}"}, paths...)...).Output()
	if err != nil {
		t.Skipf("no export data: go list: %v", err)
	}
	files := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		if path, file, ok := strings.Cut(line, "\t"); ok {
			files[path] = file
		}
	}
	return importer.ForCompiler(token.NewFileSet(), "gc", func(path string) (io.ReadCloser, error) {
		return os.Open(files[path])
	})
}

func methodSet(t types.Type) string {
	var b strings.Builder
	ms := types.NewMethodSet(types.NewPointer(t))
	for i := range ms.Len() {
		if m := ms.At(i).Obj(); m.Exported() {
			b.WriteString(m.Name() + typeString(m.Type()) + "; ")
		}
	}
	return b.String()
}

// typeString prints t for comparison: without parameter names, which
// reflection lacks, and through aliases (byte, rune, os.FileMode), which it
// cannot see; an untyped rune constant is an untyped int (see the package
// doc).
func typeString(t types.Type) string {
	switch t := t.(type) {
	case *types.Alias:
		return typeString(types.Unalias(t))
	case *types.Basic:
		if t.Kind() == types.UntypedRune {
			return "untyped int"
		}
		return types.Typ[t.Kind()].Name() // uint8 for byte
	case *types.Named:
		name := t.Obj().Name()
		if args := t.TypeArgs(); args.Len() > 0 {
			var parts []string
			for i := range args.Len() {
				parts = append(parts, typeString(args.At(i)))
			}
			name += "[" + strings.Join(parts, ",") + "]"
		}
		if t.Obj().Pkg() == nil {
			return name
		}
		return t.Obj().Pkg().Name() + "." + name
	case *types.Pointer:
		return "*" + typeString(t.Elem())
	case *types.Slice:
		return "[]" + typeString(t.Elem())
	case *types.Array:
		return fmt.Sprintf("[%d]%s", t.Len(), typeString(t.Elem()))
	case *types.Map:
		return "map[" + typeString(t.Key()) + "]" + typeString(t.Elem())
	case *types.Chan:
		return []string{"chan ", "chan<- ", "<-chan "}[t.Dir()] + typeString(t.Elem())
	case *types.Signature:
		list := func(tup *types.Tuple, variadic bool) string {
			var parts []string
			for i := range tup.Len() {
				s := typeString(tup.At(i).Type())
				if variadic && i == tup.Len()-1 {
					s = "..." + s[2:]
				}
				parts = append(parts, s)
			}
			return "(" + strings.Join(parts, ", ") + ")"
		}
		return "func" + list(t.Params(), t.Variadic()) + list(t.Results(), false)
	case *types.Struct:
		var parts []string
		for i := range t.NumFields() {
			if f := t.Field(i); f.Exported() || f.Embedded() {
				parts = append(parts, f.Name()+" "+typeString(f.Type()))
			}
		}
		return "struct{" + strings.Join(parts, "; ") + "}"
	case *types.Interface:
		var parts []string
		for i := range t.NumMethods() {
			parts = append(parts, t.Method(i).Name()+typeString(t.Method(i).Type()))
		}
		return "interface{" + strings.Join(parts, "; ") + "}"
	}
	return t.String()
}

// BenchmarkImport measures a fresh importer building seqlab's packages and the
// standard packages every notebook preloads.
func BenchmarkImport(b *testing.B) {
	paths := []string{
		"fmt", "strings", "math", "context", "time", "math/rand/v2", "gonum.org/v1/gonum/mat",
		"github.com/seqlab/seqlab/models/nn", "github.com/seqlab/seqlab/models/rnn",
		"github.com/seqlab/seqlab/models/lstm", "github.com/seqlab/seqlab/models/transformer",
		"github.com/seqlab/seqlab/tasks", "github.com/seqlab/seqlab/train", "github.com/seqlab/seqlab/display",
	}
	for b.Loop() {
		imp := symtypes.Importer(symbols.Symbols)
		for _, p := range paths {
			if _, err := imp.Import(p); err != nil {
				b.Fatal(err)
			}
		}
	}
}
