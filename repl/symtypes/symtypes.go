// Package symtypes type-checks notebook cells against exactly what the
// interpreter offers: it builds go/types packages from yaegi symbol tables
// (package symbols), by reflection, so that the cell pre-pass needs neither
// Go sources nor export data at run time.
//
//	conf := types.Config{Importer: symtypes.Importer(symbols.Symbols), GoVersion: "go1.26"}
//	pkg, err := conf.Check("cell", fset, files, info)
//
// A table maps "import/path/name" to the package's symbols; a symbol is a
// function, an addressable variable, a typed constant, an untyped constant
// stored as a constant.Value, or a type stored as a nil *T (the layout `yaegi
// extract` writes). Types keep their identity across packages: the
// *mat.Dense in a seqlab signature is the type `import "gonum.org/v1/gonum/mat"`
// gives, so assignments and interface satisfaction check as in Go.
//
// When the tables include the standard library (they have "fmt/fmt"), yaegi's
// Use also compiles its source copies of cmp, maps and slices (Go 1.22, part
// of slices only); the importer type-checks the same sources, so generic
// calls like slices.Contains check, and slices.Sort, which yaegi lacks, does
// not.
//
// What reflection cannot see, the importer cannot offer: parameter names,
// unexported struct fields (only exported and embedded fields are kept),
// generic functions and types of compiled packages, and whether an untyped
// integer constant was a rune. A generic type instantiated in a signature,
// such as the iter.Seq[string] of strings.Lines, becomes a named type of its
// own called "Seq[string]" with the right underlying func type; it cannot be
// written in a cell, as in the interpreter.
package symtypes

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/parser"
	"go/token"
	"go/types"
	"path"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"sync"

	"github.com/traefik/yaegi/stdlib/generic"
)

// Importer returns a types.Importer that resolves import paths to
// *types.Package built, via reflection, from the yaegi symbol tables (keys
// "import/path/pkgname", values map symbol name → reflect.Value). A later
// table overrides an earlier one symbol by symbol, as interp.Use does.
// Packages are built lazily and cached; it is safe for concurrent use.
//
// Importing a path that no table has fails with "package X is not available
// in seqlab notebooks". A symbol that cannot be converted is left out.
func Importer(tables ...map[string]map[string]reflect.Value) types.Importer {
	imp := &importer{
		syms:    map[string]map[string]reflect.Value{},
		names:   map[string]string{},
		generic: map[string][]string{},
		pkgs:    map[string]*types.Package{},
		state:   map[string]pkgState{},
		fakes:   map[string]*types.Package{},
		types:   map[reflect.Type]types.Type{},
		fset:    token.NewFileSet(),
	}
	for _, table := range tables {
		for key, syms := range table {
			dir, name := path.Dir(key), path.Base(key)
			if dir == "." || dir == yaegiHooks {
				continue // interface-wrapper and interpreter hook tables
			}
			if imp.syms[dir] == nil {
				imp.syms[dir] = map[string]reflect.Value{}
				imp.names[dir] = name
			}
			for s, v := range syms {
				imp.syms[dir][s] = v
			}
		}
	}
	if _, ok := imp.syms["fmt"]; ok {
		// interp.Use compiles yaegi's generic sources along with the stdlib.
		for _, src := range generic.Sources {
			if f, err := parser.ParseFile(token.NewFileSet(), "", src, parser.PackageClauseOnly); err == nil {
				imp.generic[f.Name.Name] = append(imp.generic[f.Name.Name], src)
			}
		}
	}
	return imp
}

// yaegiHooks is the table path interp.Use reads interpreter hooks from
// (unsafe's pointer conversions), not a package.
const yaegiHooks = "github.com/traefik/yaegi"

type pkgState int

const (
	declared pkgState = iota + 1 // package and its types exist
	complete                     // every symbol is in the scope
)

type importer struct {
	mu sync.Mutex

	syms    map[string]map[string]reflect.Value // import path → symbols, all tables merged
	names   map[string]string                   // import path → package name
	generic map[string][]string                 // import path → yaegi's generic sources

	pkgs  map[string]*types.Package // the packages of the tables, by path
	state map[string]pkgState
	fakes map[string]*types.Package // packages of types the tables only refer to
	types map[reflect.Type]types.Type
	fset  *token.FileSet

	// Work left before a package may be handed out: packages to complete,
	// named types to give an underlying type and methods.
	queue   []string
	pending []pendingNamed
}

type pendingNamed struct {
	named *types.Named
	rtype reflect.Type
}

func (imp *importer) Import(path string) (*types.Package, error) {
	imp.mu.Lock()
	defer imp.mu.Unlock()
	return imp.importLocked(path)
}

func (imp *importer) importLocked(path string) (*types.Package, error) {
	_, inTables := imp.syms[path]
	if !inTables && imp.generic[path] == nil {
		return nil, fmt.Errorf("package %s is not available in seqlab notebooks", path)
	}
	if path == "unsafe" {
		return types.Unsafe, nil // go/types does not even ask
	}
	imp.declare(path)
	imp.finish()
	return imp.pkgs[path], nil
}

// finish completes every declared package and named type. A package is only
// handed out finished, and a finished package never changes again.
func (imp *importer) finish() {
	for len(imp.queue) > 0 || len(imp.pending) > 0 {
		if n := len(imp.pending); n > 0 {
			p := imp.pending[n-1]
			imp.pending = imp.pending[:n-1]
			imp.completeNamed(p.named, p.rtype)
			continue
		}
		path := imp.queue[0]
		imp.queue = imp.queue[1:]
		imp.complete(path)
	}
}

// declare creates the package of path with its defined types (their
// underlying types and methods come later, in finish), so that references to
// them from other packages resolve to the same *types.Named.
func (imp *importer) declare(path string) {
	if imp.state[path] != 0 {
		return
	}
	imp.state[path] = declared
	name := imp.names[path]
	if name == "" {
		name = guessName(path)
	}
	pkg := types.NewPackage(path, name)
	imp.pkgs[path] = pkg
	if srcs := imp.generic[path]; srcs != nil {
		imp.checkSources(pkg, srcs)
	}
	for _, name := range sortedNames(imp.syms[path]) {
		v := imp.syms[path][name]
		if !ast.IsExported(name) || !isType(v) {
			continue // interface wrappers (_Name) and values
		}
		t := v.Type().Elem()
		switch {
		case t.Kind() == reflect.UnsafePointer:
			continue // unsafe.Pointer is go/types' own
		case t.Name() == name && t.PkgPath() == path:
			// A type defined here.
		case t.Name() != "" && !ast.IsExported(t.Name()) && t.PkgPath() != path:
			// A stand-in from elsewhere, as the restricted log.Logger: it is
			// this package's type for the interpreter.
		default:
			continue // an alias, made in complete
		}
		if _, done := imp.types[t]; done || pkg.Scope().Lookup(name) != nil {
			continue
		}
		n := imp.newNamed(t, pkg, name)
		pkg.Scope().Insert(n.Obj())
	}
	imp.queue = append(imp.queue, path)
}

// complete adds the functions, variables, constants and aliases of path.
func (imp *importer) complete(path string) {
	if imp.state[path] == complete {
		return
	}
	imp.state[path] = complete
	pkg := imp.pkgs[path]
	for _, name := range sortedNames(imp.syms[path]) {
		if !ast.IsExported(name) || pkg.Scope().Lookup(name) != nil {
			continue // interface wrappers (_Name), defined types, generic sources
		}
		if obj := imp.object(pkg, name, imp.syms[path][name]); obj != nil {
			pkg.Scope().Insert(obj)
		}
	}
	pkg.MarkComplete()
}

// object converts one symbol, or returns nil if it cannot.
func (imp *importer) object(pkg *types.Package, name string, v reflect.Value) (obj types.Object) {
	defer func() {
		if recover() != nil {
			obj = nil
		}
	}()
	if !v.IsValid() {
		return nil
	}
	switch {
	case isType(v):
		// An alias: os.FileInfo = fs.FileInfo, nn.General = blas64.General.
		tn := types.NewTypeName(token.NoPos, pkg, name, nil)
		types.NewAlias(tn, imp.typ(v.Type().Elem()))
		return tn
	case v.CanAddr():
		return types.NewVar(token.NoPos, pkg, name, imp.typ(v.Type()))
	case v.Kind() == reflect.Func:
		return types.NewFunc(token.NoPos, pkg, name, imp.signature(v.Type(), nil))
	}
	if c, ok := v.Interface().(constant.Value); ok {
		return types.NewConst(token.NoPos, pkg, name, types.Typ[untypedKind(c.Kind())], c)
	}
	if c := typedConstant(v); c != nil {
		return types.NewConst(token.NoPos, pkg, name, imp.typ(v.Type()), c)
	}
	// Some other value a table holds: a variable of its type to the checker.
	return types.NewVar(token.NoPos, pkg, name, imp.typ(v.Type()))
}

// isType reports whether v stands for a type: yaegi tables hold a type T as
// (*T)(nil).
func isType(v reflect.Value) bool {
	return v.IsValid() && v.Kind() == reflect.Pointer && v.IsNil() && !v.CanAddr()
}

func untypedKind(k constant.Kind) types.BasicKind {
	switch k {
	case constant.Bool:
		return types.UntypedBool
	case constant.String:
		return types.UntypedString
	case constant.Int:
		return types.UntypedInt
	case constant.Float:
		return types.UntypedFloat
	case constant.Complex:
		return types.UntypedComplex
	}
	return types.Invalid
}

// typedConstant is the value of a constant of a basic kind, or nil.
func typedConstant(v reflect.Value) constant.Value {
	switch v.Kind() {
	case reflect.Bool:
		return constant.MakeBool(v.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return constant.MakeInt64(v.Int())
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return constant.MakeUint64(v.Uint())
	case reflect.Float32, reflect.Float64:
		return constant.MakeFloat64(v.Float())
	case reflect.Complex64, reflect.Complex128:
		c := v.Complex()
		return constant.BinaryOp(constant.MakeFloat64(real(c)), token.ADD, constant.MakeImag(constant.MakeFloat64(imag(c))))
	case reflect.String:
		return constant.MakeString(v.String())
	}
	return nil
}

var errorType = reflect.TypeFor[error]()

// typ converts a reflect type. Named types are made once, so that identity
// holds across packages; a named type of a package in the tables is that
// package's.
func (imp *importer) typ(t reflect.Type) types.Type {
	if tt, ok := imp.types[t]; ok {
		return tt
	}
	var tt types.Type
	switch {
	case t == errorType:
		tt = types.Universe.Lookup("error").Type()
	case t.Kind() == reflect.UnsafePointer:
		tt = types.Typ[types.UnsafePointer]
	case t.Name() != "" && t.PkgPath() == "":
		tt = imp.structure(t) // a predeclared basic type
	case t.Name() != "":
		return imp.named(t)
	case t.Kind() == reflect.Interface && t.NumMethod() == 0:
		tt = types.Universe.Lookup("any").Type() // prints as any
	default:
		tt = imp.structure(t)
	}
	imp.types[t] = tt
	return tt
}

// named returns the *types.Named for the defined type t.
func (imp *importer) named(t reflect.Type) types.Type {
	pkgPath := t.PkgPath()
	if _, ok := imp.syms[pkgPath]; ok && imp.state[pkgPath] == 0 {
		imp.declare(pkgPath) // t may be one of its types
		if tt, ok := imp.types[t]; ok {
			return tt
		}
	}
	pkg := imp.pkgs[pkgPath]
	if pkg == nil {
		pkg = imp.fake(pkgPath)
	}
	// Not in the package's scope: an unexported type, or an instance of a
	// generic type (iter.Seq[string]), which a cell cannot name either.
	return imp.newNamed(t, pkg, typeName(t))
}

// newNamed makes a named type for t, to be completed in finish.
func (imp *importer) newNamed(t reflect.Type, pkg *types.Package, name string) *types.Named {
	n := types.NewNamed(types.NewTypeName(token.NoPos, pkg, name, nil), nil, nil)
	imp.types[t] = n
	imp.pending = append(imp.pending, pendingNamed{n, t})
	return n
}

// completeNamed sets the underlying type and the methods of n.
func (imp *importer) completeNamed(n *types.Named, t reflect.Type) {
	func() {
		defer func() {
			if recover() != nil {
				n.SetUnderlying(types.Typ[types.Invalid])
			}
		}()
		n.SetUnderlying(imp.structure(t))
	}()
	if t.Kind() == reflect.Interface {
		return // the methods are the interface's
	}
	// The value receiver's methods, then those only *T has. Reflection lists
	// exported methods only, promoted ones included.
	seen := map[string]bool{}
	for _, recv := range []reflect.Type{t, reflect.PointerTo(t)} {
		var recvType types.Type = n
		if recv.Kind() == reflect.Pointer && t.Kind() != reflect.Pointer {
			recvType = types.NewPointer(n)
		}
		for i := range recv.NumMethod() {
			m := recv.Method(i)
			if seen[m.Name] {
				continue
			}
			seen[m.Name] = true
			imp.addMethod(n, recvType, m)
		}
	}
}

func (imp *importer) addMethod(n *types.Named, recvType types.Type, m reflect.Method) {
	defer func() { _ = recover() }() // leave the method out
	recv := types.NewVar(token.NoPos, n.Obj().Pkg(), "", recvType)
	recv.SetKind(types.RecvVar)
	n.AddMethod(types.NewFunc(token.NoPos, n.Obj().Pkg(), m.Name, imp.signature(m.Type, recv)))
}

// structure converts t without its name: the underlying type of a named type.
func (imp *importer) structure(t reflect.Type) types.Type {
	switch t.Kind() {
	case reflect.Bool:
		return types.Typ[types.Bool]
	case reflect.Int:
		return types.Typ[types.Int]
	case reflect.Int8:
		return types.Typ[types.Int8]
	case reflect.Int16:
		return types.Typ[types.Int16]
	case reflect.Int32:
		return types.Typ[types.Int32]
	case reflect.Int64:
		return types.Typ[types.Int64]
	case reflect.Uint:
		return types.Typ[types.Uint]
	case reflect.Uint8:
		return types.Typ[types.Uint8]
	case reflect.Uint16:
		return types.Typ[types.Uint16]
	case reflect.Uint32:
		return types.Typ[types.Uint32]
	case reflect.Uint64:
		return types.Typ[types.Uint64]
	case reflect.Uintptr:
		return types.Typ[types.Uintptr]
	case reflect.Float32:
		return types.Typ[types.Float32]
	case reflect.Float64:
		return types.Typ[types.Float64]
	case reflect.Complex64:
		return types.Typ[types.Complex64]
	case reflect.Complex128:
		return types.Typ[types.Complex128]
	case reflect.String:
		return types.Typ[types.String]
	case reflect.UnsafePointer:
		return types.Typ[types.UnsafePointer]
	case reflect.Pointer:
		return types.NewPointer(imp.typ(t.Elem()))
	case reflect.Slice:
		return types.NewSlice(imp.typ(t.Elem()))
	case reflect.Array:
		return types.NewArray(imp.typ(t.Elem()), int64(t.Len()))
	case reflect.Map:
		return types.NewMap(imp.typ(t.Key()), imp.typ(t.Elem()))
	case reflect.Chan:
		dir := types.SendRecv
		switch t.ChanDir() {
		case reflect.SendDir:
			dir = types.SendOnly
		case reflect.RecvDir:
			dir = types.RecvOnly
		}
		return types.NewChan(dir, imp.typ(t.Elem()))
	case reflect.Func:
		return imp.signature(t, nil)
	case reflect.Struct:
		return imp.structType(t)
	case reflect.Interface:
		return imp.interfaceType(t)
	}
	panic(fmt.Sprintf("symtypes: cannot convert %v", t))
}

// signature converts a func type; a method's type from reflect.Method has its
// receiver as the first parameter, which recv replaces.
func (imp *importer) signature(t reflect.Type, recv *types.Var) *types.Signature {
	first := 0
	if recv != nil {
		first = 1
	}
	var params, results []*types.Var
	for i := first; i < t.NumIn(); i++ {
		params = append(params, types.NewParam(token.NoPos, nil, "", imp.typ(t.In(i))))
	}
	for i := range t.NumOut() {
		r := types.NewParam(token.NoPos, nil, "", imp.typ(t.Out(i)))
		r.SetKind(types.ResultVar)
		results = append(results, r)
	}
	return types.NewSignatureType(recv, nil, nil, types.NewTuple(params...), types.NewTuple(results...), t.IsVariadic())
}

// structType keeps exported and embedded fields: the ones a cell can select,
// directly or through promotion.
func (imp *importer) structType(t reflect.Type) *types.Struct {
	var fields []*types.Var
	var tags []string
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() && !f.Anonymous {
			continue
		}
		var pkg *types.Package
		if !f.IsExported() {
			pkg = imp.pkgOrFake(f.PkgPath)
		}
		fields = append(fields, types.NewField(token.NoPos, pkg, f.Name, imp.typ(f.Type), f.Anonymous))
		tags = append(tags, string(f.Tag))
	}
	return types.NewStruct(fields, tags)
}

// interfaceType lists an interface's methods, embedded ones included;
// unexported methods stay, in their package, so that no cell type satisfies
// an interface it could not implement in Go.
func (imp *importer) interfaceType(t reflect.Type) types.Type {
	var methods []*types.Func
	for i := range t.NumMethod() {
		m := t.Method(i)
		var pkg *types.Package
		if !m.IsExported() {
			pkg = imp.pkgOrFake(m.PkgPath)
		}
		methods = append(methods, types.NewFunc(token.NoPos, pkg, m.Name, imp.signature(m.Type, nil)))
	}
	return types.NewInterfaceType(methods, nil).Complete()
}

// pkgOrFake is the package of an unexported field or method.
func (imp *importer) pkgOrFake(path string) *types.Package {
	if _, ok := imp.syms[path]; ok {
		imp.declare(path)
	}
	if pkg := imp.pkgs[path]; pkg != nil {
		return pkg
	}
	return imp.fake(path)
}

// fake is the package of types that the tables only refer to, such as
// gonum's blas64.General: it holds no symbols, and is not importable.
func (imp *importer) fake(path string) *types.Package {
	if pkg := imp.fakes[path]; pkg != nil {
		return pkg
	}
	pkg := types.NewPackage(path, guessName(path))
	pkg.MarkComplete()
	imp.fakes[path] = pkg
	return pkg
}

var versionElem = regexp.MustCompile(`^v[0-9]+$`)

// guessName is the usual package name for path: its last element, or the one
// before a major version (math/rand/v2 is rand).
func guessName(path string) string {
	elems := strings.Split(path, "/")
	name := elems[len(elems)-1]
	if len(elems) > 1 && versionElem.MatchString(name) {
		name = elems[len(elems)-2]
	}
	return name
}

var typeArgPath = regexp.MustCompile(`[\w.~-]+/`)

// typeName is t's name, with import paths in type arguments shortened to
// package names: reflection calls iter.Seq[*gonum.org/v1/gonum/mat.Dense]
// "Seq[*gonum.org/v1/gonum/mat.Dense]", which becomes "Seq[*mat.Dense]".
func typeName(t reflect.Type) string {
	name := t.Name()
	if i := strings.IndexByte(name, '['); i >= 0 {
		name = name[:i] + typeArgPath.ReplaceAllString(name[i:], "")
	}
	return name
}

// checkSources type-checks yaegi's generic source copies of pkg (cmp, maps,
// slices) into pkg. What fails to check is left out, silently: the
// interpreter reports its own errors.
func (imp *importer) checkSources(pkg *types.Package, srcs []string) {
	var files []*ast.File
	for _, src := range srcs {
		f, err := parser.ParseFile(imp.fset, pkg.Path()+".go", src, parser.SkipObjectResolution)
		if err != nil {
			continue
		}
		files = append(files, f)
	}
	conf := types.Config{
		Importer:  importerFunc(imp.importLocked),
		GoVersion: "go1.22",
		Error:     func(error) {},
	}
	_ = types.NewChecker(&conf, imp.fset, pkg, nil).Files(files)
}

type importerFunc func(path string) (*types.Package, error)

func (f importerFunc) Import(path string) (*types.Package, error) { return f(path) }

func sortedNames(syms map[string]reflect.Value) []string {
	names := make([]string, 0, len(syms))
	for name := range syms {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}
