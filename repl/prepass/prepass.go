package prepass

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"regexp"
	"sort"
	"strings"
)

// FileName is the file name in the //line directives of every Segment
// source, so yaegi's positions (and error messages) carry the cell's own
// line:column. It must be yaegi's DefaultSourceName: yaegi v0.16.1 files an
// import under the name of the file that imports it but looks a package up
// under the (line-directive adjusted) name of the file that uses it, so with
// any other name `s := fmt.Sprint(1)` fails with "constant definition loop".
// yaegi trims this name from type errors ("3:7: invalid operation: …") but
// not from parse errors ("_.go:3:1: expected …"); CellMessage normalises both.
const FileName = "_.go"

// State carries what earlier cells declared, so that each cell is
// type-checked in context. A State belongs to one interpreter: when the
// kernel restarts its interpreter it starts a new State and replays the cells.
// A State is not safe for concurrent use.
type State struct {
	imp     types.Importer
	preload []importEntry // sorted by name
	fset    *token.FileSet

	imports []importEntry     // imports handed out by earlier cells
	hist    []histEntry       // declarations of earlier cells, latest last
	types   map[string]string // type name → normalised TypeSpec of the latest declaration handed out
	helpers map[string]bool   // helper functions handed out
}

type importEntry struct {
	name, path string
}

// histEntry is one top-level declaration of a committed cell (or a top-level
// := turned into a var declaration). keys are the names it declares ("T.M"
// for methods); a var or const group whose names were all redeclared later
// stays in the history with those names blanked.
type histEntry struct {
	decl ast.Decl
	keys []string
}

// NewState returns the state for a fresh interpreter. imp resolves import
// paths for type checking (nil: every import fails, and rewrites that need
// the types of imported names are skipped with a Warning). preload maps
// package name → import path for the packages every cell sees without
// importing them ("fmt" → "fmt", "mat" → "gonum.org/v1/gonum/mat"); the
// kernel imports those into yaegi itself.
func NewState(imp types.Importer, preload map[string]string) *State {
	s := &State{
		imp:     imp,
		fset:    token.NewFileSet(),
		types:   map[string]string{},
		helpers: map[string]bool{},
	}
	for name, path := range preload {
		s.preload = append(s.preload, importEntry{name, path})
	}
	sort.Slice(s.preload, func(i, j int) bool { return s.preload[i].name < s.preload[j].name })
	return s
}

// Plan is how to run one cell in yaegi: evaluate the Helpers, then each
// Segment in order, stopping at the first error.
type Plan struct {
	// Helpers are declarations yaegi must evaluate before the segments (for
	// example a concrete min helper). Each helper is handed out once per
	// State: Prepare records it, so evaluate the helpers of every plan you
	// prepare, or start a new State.
	Helpers []string
	// Segments are the sources to evaluate, in order.
	Segments []Segment
	// Show reports that the cell ends in a bare expression whose value the
	// kernel should display: the value yaegi's Eval returns for the last
	// segment.
	Show bool
	// Redefines lists the type names this cell declares that an earlier
	// cell declared differently. yaegi silently keeps the old type, so the
	// kernel must restart and replay the cells above before running this one.
	Redefines []string
	// Warnings says what could not be rewritten, each as "line:col: text".
	Warnings []string
	// TypeErrors are go/types' errors inside the cell. They are not fatal
	// (the interpreter judges), but they often say more clearly what is
	// wrong than yaegi's message does.
	TypeErrors []Error

	state   *State
	pending pending
}

// pending is what Commit adds to the State.
type pending struct {
	decls []histEntry
}

// Segment is one source for yaegi's Eval.
type Segment struct {
	// Src begins with "\n//line _.go:L:C\n" (see FileName) so that yaegi's
	// positions are the cell's own; rewritten code is followed by a
	// /*line _.go:L:C*/ directive where the learner's text resumes. A
	// source of statements begins with ";\n//line …": yaegi decides by the
	// first token, and the statements may begin with var.
	Src string
	// Decl reports a group of declarations (yaegi evaluates it as a file)
	// rather than a list of statements.
	Decl bool
}

// Error is a syntax error in a cell, or a construct the pre-pass cannot
// translate, at the cell's own 1-based line and column.
type Error struct {
	Line, Col int
	Msg       string
}

func (e *Error) Error() string { return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg) }

// Commit records a planned cell's declarations and top-level variables
// (var and :=) after the kernel ran it successfully, so that later cells
// are type-checked with them; a later cell's declaration replaces an
// earlier one of the same name. (Imports, helpers and type definitions
// are recorded by Prepare, which hands them out.)
func (s *State) Commit(p *Plan) {
	if p == nil || p.state != s {
		return
	}
	for _, e := range p.pending.decls {
		s.hist = shadow(s.hist, e.keys)
		s.hist = append(s.hist, e)
	}
	p.pending = pending{} // committing twice adds nothing
}

// Names lists the top-level names committed cells declared: functions,
// types, variables and constants (methods are not listed), sorted.
func (s *State) Names() []string {
	seen := map[string]bool{}
	var out []string
	for _, e := range s.hist {
		for _, k := range e.keys {
			if k != "_" && !strings.Contains(k, ".") && !seen[k] {
				seen[k] = true
				out = append(out, k)
			}
		}
	}
	sort.Strings(out)
	return out
}

// shadow returns hist without the declarations of keys: functions, methods
// and types are dropped, names in var and const groups are blanked (the
// group stays, so iota and multi-value initialisers keep their meaning).
func shadow(hist []histEntry, keys []string) []histEntry {
	if len(keys) == 0 {
		return hist
	}
	drop := map[string]bool{}
	for _, k := range keys {
		if k != "_" {
			drop[k] = true
		}
	}
	var out []histEntry
	for _, e := range hist {
		hit := false
		for _, k := range e.keys {
			if drop[k] {
				hit = true
			}
		}
		if !hit {
			out = append(out, e)
			continue
		}
		gd, ok := e.decl.(*ast.GenDecl)
		if !ok || (gd.Tok != token.VAR && gd.Tok != token.CONST) {
			continue
		}
		ne := histEntry{decl: blankNames(gd, drop)}
		for _, k := range e.keys {
			if !drop[k] {
				ne.keys = append(ne.keys, k)
			}
		}
		out = append(out, ne)
	}
	return out
}

// blankNames copies a var or const declaration with the names in drop
// replaced by _. The original nodes are not modified.
func blankNames(gd *ast.GenDecl, drop map[string]bool) *ast.GenDecl {
	ngd := *gd
	ngd.Specs = nil
	for _, sp := range gd.Specs {
		vs, ok := sp.(*ast.ValueSpec)
		if !ok {
			ngd.Specs = append(ngd.Specs, sp)
			continue
		}
		nvs := *vs
		nvs.Names = nil
		for _, id := range vs.Names {
			if drop[id.Name] {
				id = &ast.Ident{NamePos: id.NamePos, Name: "_"}
			}
			nvs.Names = append(nvs.Names, id)
		}
		ngd.Specs = append(ngd.Specs, &nvs)
	}
	return &ngd
}

var yaegiPos = regexp.MustCompile(`^(?:` + regexp.QuoteMeta(FileName) + `:)?(\d+:\d+: )`)

// CellMessage rewrites the position at the start of a yaegi error message
// for a Segment ("_.go:3:1: …" from the parser, "3:7: …" from yaegi's
// checks) to the cell's ("cell:3:7: …"). Other messages are returned as
// they are.
func CellMessage(msg string) string {
	if m := yaegiPos.FindStringSubmatchIndex(msg); m != nil {
		return "cell:" + msg[m[2]:]
	}
	return msg
}

// lineCol converts a byte offset in src to a 1-based line and column
// (columns count bytes, as go/token's do).
func lineCol(src string, off int) (line, col int) {
	if off > len(src) {
		off = len(src)
	}
	line = 1 + strings.Count(src[:off], "\n")
	col = off - (strings.LastIndexByte(src[:off], '\n') + 1) + 1
	return line, col
}
