package prepass

import (
	"fmt"
	"go/ast"
	"go/scanner"
	"go/token"
	"sort"
	"strings"
)

// Prepare plans one cell. A syntax error, or a construct the pre-pass cannot
// translate (a return inside a range-over-func loop), returns an *Error at
// the cell's own line and column. Type errors are not reported: yaegi
// reports them when the plan runs.
//
// Prepare records the helpers, imports and types it hands out (yaegi
// refuses to import a package twice, and keeps the first declaration of a
// type), so run every plan you prepare, or start a new State.
func (s *State) Prepare(cell string) (p *Plan, err error) {
	defer func() {
		if r := recover(); r != nil {
			p, err = s.fallback(cell, r)
		}
	}()
	return s.prepare(cell)
}

func (s *State) prepare(cell string) (*Plan, error) {
	runs, pkg, serr := s.split(cell)
	if serr != nil {
		return nil, serr
	}
	c := &cellCtx{s: s, cell: cell, runs: runs}
	if pkg {
		c.warnings = append(c.warnings, "1:1: the package clause is ignored: every cell is part of one package")
	}
	c.checkCell()
	c.rewrite()
	if c.err != nil {
		return nil, c.err
	}
	p := &Plan{state: s, Show: c.show()}
	p.Redefines = c.typeDefs()
	dropped := c.dropImports()

	// Imports go first: they depend on nothing, and a cell that fails
	// half-way has still imported what Prepare recorded as imported.
	var imports strings.Builder
	for _, r := range runs {
		if r.kind == importKind && !dropped[r] {
			imports.WriteString(c.render(r))
		}
	}
	if imports.Len() > 0 {
		p.Segments = append(p.Segments, Segment{Src: imports.String(), Decl: true})
	}
	for _, r := range runs {
		if r.kind != importKind {
			p.Segments = append(p.Segments, Segment{Src: c.render(r), Decl: r.kind == declKind})
		}
	}

	for _, h := range c.helpers {
		if !s.helpers[h] {
			s.helpers[h] = true
			p.Helpers = append(p.Helpers, helperSource(h))
		}
	}
	p.Warnings = c.warnings
	p.TypeErrors = c.typeErrs
	p.pending = c.pending
	return p, nil
}

// render applies the edits inside a run and adds the line directives that
// keep yaegi's positions the cell's own.
func (c *cellCtx) render(r *run) string {
	var edits []edit
	for _, e := range c.edits {
		if e.start >= r.start && e.end <= r.end {
			edits = append(edits, e)
		}
	}
	sort.SliceStable(edits, func(i, j int) bool {
		if edits[i].start != edits[j].start {
			return edits[i].start < edits[j].start
		}
		return edits[i].end-edits[i].start == 0 && edits[j].end-edits[j].start != 0
	})
	var b strings.Builder
	if r.kind == stmtKind {
		// yaegi decides by the first token whether a source is statements;
		// a run of statements may begin with var.
		b.WriteString(";")
	}
	l, col := lineCol(c.cell, r.start)
	fmt.Fprintf(&b, "\n//line %s:%d:%d\n", FileName, l, col)
	pos := r.start
	shifted := false // an edit moved the columns of the text after it
	for i, e := range edits {
		b.WriteString(c.cell[pos:e.start])
		b.WriteString(e.text)
		shift := len(e.text) != e.end-e.start || strings.Contains(c.cell[e.start:e.end]+e.text, "\n")
		pos = e.end
		if next := i + 1; next < len(edits) && edits[next].start == pos {
			// The next edit follows at once; its directive will do.
			shifted = shifted || shift
			continue
		}
		if (shift || shifted) && pos < r.end {
			l, col := lineCol(c.cell, pos)
			fmt.Fprintf(&b, "/*line %s:%d:%d*/", FileName, l, col)
		}
		shifted = false
	}
	b.WriteString(c.cell[pos:r.end])
	return b.String()
}

// dropImports removes the imports yaegi already has (it refuses a second
// import of a name) and records the new ones as handed out. It returns the
// import runs left empty.
func (c *cellCtx) dropImports() map[*run]bool {
	s := c.s
	have := map[string]string{}
	for _, e := range s.preloadAndImports() {
		have[e.name] = e.path
	}
	drop := map[*ast.ImportSpec]bool{}
	for _, ci := range c.imports {
		if !ci.ok || ci.name == "_" || ci.name == "." {
			continue
		}
		if p, ok := have[ci.name]; ok {
			if p == ci.path {
				drop[ci.spec] = true
			}
			continue
		}
		have[ci.name] = ci.path
		s.imports = append(s.imports, importEntry{ci.name, ci.path})
	}
	empty := map[*run]bool{}
	for _, r := range c.runs {
		if r.kind != importKind {
			continue
		}
		kept := 0
		for _, d := range r.file.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok {
				kept++
				continue
			}
			n := 0
			for _, sp := range gd.Specs {
				if !drop[sp.(*ast.ImportSpec)] {
					n++
				}
			}
			switch {
			case n == 0:
				c.edits = append(c.edits, edit{c.off(gd.Pos()), c.off(gd.End()), ""})
			case n < len(gd.Specs):
				for _, sp := range gd.Specs {
					if drop[sp.(*ast.ImportSpec)] {
						c.edits = append(c.edits, edit{c.off(sp.Pos()), c.off(sp.End()), ""})
					}
				}
			}
			kept += n
		}
		if kept == 0 {
			empty[r] = true
		}
	}
	return empty
}

// typeDefs normalises the cell's type declarations and lists those an
// earlier cell declared differently. Without a redefinition it records
// them at once rather than at Commit: a cell that fails after its
// declarations ran has declared its types in yaegi all the same, and the
// next edit of the cell must still be seen as a redefinition.
func (c *cellCtx) typeDefs() []string {
	var redef []string
	defs := map[string]string{}
	for _, r := range c.runs {
		if r.kind != declKind {
			continue
		}
		for _, d := range r.file.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.TYPE {
				continue
			}
			for _, sp := range gd.Specs {
				ts := sp.(*ast.TypeSpec)
				name := ts.Name.Name
				if name == "_" {
					continue
				}
				norm := normalise(c.cell[c.off(ts.Pos()):c.off(ts.End())])
				if old, ok := c.s.types[name]; ok && old != norm {
					redef = append(redef, name)
				}
				defs[name] = norm
			}
		}
	}
	if len(redef) == 0 {
		for name, norm := range defs {
			c.s.types[name] = norm
		}
	}
	return redef
}

// normalise joins the tokens of a declaration with single spaces, writing
// every statement separator as one ";" and dropping those before a closing
// bracket, so that layout and comments do not count.
func normalise(src string) string {
	fset := token.NewFileSet()
	f := fset.AddFile("", -1, len(src))
	var sc scanner.Scanner
	sc.Init(f, []byte(src), nil, 0)
	var out []string
	semi := false
	for {
		_, tok, lit := sc.Scan()
		if tok == token.EOF {
			break
		}
		if tok == token.SEMICOLON {
			semi = len(out) > 0
			continue
		}
		if semi && tok != token.RBRACE && tok != token.RPAREN {
			if last := out[len(out)-1]; last != "{" && last != "(" {
				out = append(out, ";")
			}
		}
		semi = false
		if lit == "" {
			lit = tok.String()
		}
		out = append(out, lit)
	}
	return strings.Join(out, " ")
}

// fallback is the plan when the pre-pass itself fails: the cell split as
// written, without rewrites.
func (s *State) fallback(cell string, cause any) (p *Plan, err error) {
	defer func() {
		if r := recover(); r != nil {
			p, err = nil, &Error{Line: 1, Col: 1, Msg: fmt.Sprintf("internal error in the cell pre-pass: %v", r)}
		}
	}()
	runs, _, serr := s.split(cell)
	if serr != nil {
		return nil, serr
	}
	c := &cellCtx{s: s, cell: cell, runs: runs}
	p = &Plan{state: s, Warnings: []string{fmt.Sprintf("internal error in the cell pre-pass (%v); the cell runs as written", cause)}}
	for _, r := range runs {
		p.Segments = append(p.Segments, Segment{Src: c.render(r), Decl: r.kind != stmtKind})
	}
	return p, nil
}
