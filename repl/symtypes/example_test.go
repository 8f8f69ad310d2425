package symtypes_test

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"

	"github.com/seqlab/seqlab/repl/symbols"
	"github.com/seqlab/seqlab/repl/symtypes"
)

// A cell is type-checked against the packages a notebook offers: types of
// seqlab, gonum and the standard library, without their sources.
func ExampleImporter() {
	const cell = `package cell

import (
	"strings"

	"github.com/seqlab/seqlab/models/lstm"
)

var m, err = lstm.New(lstm.Tiny(), nil)
var forward = m.Forward

func words(s string) (n int) {
	for line := range strings.Lines(s) {
		n += len(strings.Fields(line))
	}
	return n
}
`
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "cell.go", cell, 0)
	if err != nil {
		panic(err)
	}
	conf := types.Config{Importer: symtypes.Importer(symbols.Symbols), GoVersion: "go1.26"}
	pkg, err := conf.Check("cell", fset, []*ast.File{f}, nil)
	if err != nil {
		panic(err)
	}
	qualify := func(p *types.Package) string { return p.Name() }
	for _, name := range []string{"m", "forward"} {
		fmt.Println(name, types.TypeString(pkg.Scope().Lookup(name).Type(), qualify))
	}

	_, err = symtypes.Importer(symbols.Symbols).Import("net/http")
	fmt.Println(err)
	// Output:
	// m *lstm.Model
	// forward func(nn.Input) (*mat.Dense, error)
	// package net/http is not available in seqlab notebooks
}
