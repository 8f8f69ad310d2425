// Package symbols holds the yaegi symbol tables of seqlab's notebooks: the
// packages a cell can import, with every exported function, variable,
// constant and type, as reflect values the interpreter calls into.
//
// Symbols has seqlab's model, task and training packages, gonum's mat and a
// learner-sized part of the standard library, extracted with this Go release
// (so strings.Lines, math/rand/v2 and friends are there). Unrestricted adds
// what can leave the sandbox: os/exec, syscall, unsafe, a real os.Exit and
// log.Fatal, os.StartProcess. The kernel loads it only with --unrestricted.
//
//	i := interp.New(interp.Options{})
//	if err := i.Use(symbols.Symbols); err != nil { ... }
//	i.Eval(`import "github.com/seqlab/seqlab/models/lstm"`)
//	i.Eval(`lstm.Tiny()`)
//
// The tables are generated: the package list is in generate.go, and
// `go generate ./repl/symbols` rewrites every stdlib_*.go, seqlab_*.go,
// gonum_*.go and unrestricted_*.go file (see internal/gen).
// TestGeneratedUpToDate fails when they are stale.
//
// Generic functions and types are not in the tables (a compiled generic has
// no single reflect value). Like yaegi's own stdlib, loading Symbols makes
// Use compile yaegi's source copies of cmp, maps and slices (Go 1.22
// versions), because Symbols has "fmt/fmt".
package symbols

import "reflect"

// Symbols is the table every notebook loads with interp.Use. Keys are
// "import/path/name", as interp.Exports.
var Symbols = map[string]map[string]reflect.Value{}

// Unrestricted is loaded after Symbols when seqlab runs with --unrestricted:
// os/exec, syscall (linux and darwin), unsafe, and the real os.Exit,
// os.FindProcess, os.StartProcess, log.Fatal* and log.New.
var Unrestricted = map[string]map[string]reflect.Value{}
