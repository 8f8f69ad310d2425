// Package docs holds the documentation of the packages seqlab notebooks
// preload, so that the kernel can show a symbol's doc comment (shift+tab in
// the notebook) without Go sources at run time. The table is generated from
// the sources by `go generate ./repl/docs`; a test fails when it is stale.
package docs

//go:generate go run ./internal/gendocs -o docs_gen.go

// Lookup returns the doc comment of name in the package at path: a
// function, type, variable or constant ("New"), or a method ("Model.Forward").
// It returns "" when there is none.
func Lookup(path, name string) string {
	return table[path+"."+name]
}
