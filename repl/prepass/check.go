package prepass

import (
	"errors"
	"go/ast"
	"go/token"
	"go/types"
	"path"
	"strconv"
	"strings"
)

// checkPath is the import path of the package the cells are checked in.
const checkPath = "seqlab/cell"

// goVersion is the language version cells are checked with.
const goVersion = "go1.26"

// cellImport is an import spec of the current cell.
type cellImport struct {
	spec *ast.ImportSpec
	name string // local name, "" if unknown (the import failed)
	path string
	ok   bool // imported by the type checker
}

// checkCell type-checks the cell in the context of the earlier cells and
// fills c.info, c.pkg, c.imports, c.pkgNames and c.pending.decls. Type
// errors are not reported: yaegi reports them when the cell runs.
func (c *cellCtx) checkCell() {
	s := c.s

	// The cell's own declarations, in order, with the keys they declare.
	cellKeys := map[string]bool{}
	var cellDecls []ast.Decl       // declarations from decl runs, for checking
	var importDecls []*ast.GenDecl // import declarations, for checking
	var stmtFuncs []ast.Decl       // one func _() per statement run
	var defineVars []ast.Decl      // top-level var and := as package-level vars
	for _, r := range c.runs {
		switch r.kind {
		case importKind:
			for _, d := range r.file.Decls {
				if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.IMPORT {
					importDecls = append(importDecls, gd)
					for _, sp := range gd.Specs {
						is := sp.(*ast.ImportSpec)
						p, err := strconv.Unquote(is.Path.Value)
						if err != nil {
							continue
						}
						ci := &cellImport{spec: is, path: p}
						if is.Name != nil {
							ci.name = is.Name.Name
						}
						c.imports = append(c.imports, ci)
					}
				}
			}
		case declKind:
			for _, d := range r.file.Decls {
				keys := declKeys(d)
				for _, k := range keys {
					cellKeys[k] = true
				}
				cellDecls = append(cellDecls, d)
				c.pending.decls = append(c.pending.decls, histEntry{decl: d, keys: keys})
			}
		case stmtKind:
			var body []ast.Stmt
			for _, st := range r.body.List {
				if ds, ok := st.(*ast.DeclStmt); ok {
					if gd, ok := ds.Decl.(*ast.GenDecl); ok && gd.Tok == token.VAR {
						keys := declKeys(gd)
						for _, k := range keys {
							cellKeys[k] = true
						}
						defineVars = append(defineVars, gd)
						c.pending.decls = append(c.pending.decls, histEntry{decl: gd, keys: keys})
						continue
					}
				}
				vd := c.defineAsVar(st, cellKeys)
				if vd == nil {
					body = append(body, st)
					continue
				}
				defineVars = append(defineVars, vd)
				c.pending.decls = append(c.pending.decls, histEntry{decl: vd, keys: declKeys(vd)})
			}
			stmtFuncs = append(stmtFuncs, &ast.FuncDecl{
				Name: ast.NewIdent("_"),
				Type: &ast.FuncType{Func: r.body.Lbrace, Params: &ast.FieldList{}},
				Body: &ast.BlockStmt{Lbrace: r.body.Lbrace, List: body, Rbrace: r.body.Rbrace},
			})
		}
	}

	seen := c.inherited()
	hist := &ast.File{Name: ast.NewIdent("cell")}
	if d := importDecl(s.preloadAndImports()); d != nil {
		hist.Decls = append(hist.Decls, d)
	}
	var keys []string
	for k := range cellKeys {
		keys = append(keys, k)
	}
	for _, e := range shadow(s.hist, keys) {
		d := e.decl
		if fd, ok := d.(*ast.FuncDecl); ok && fd.Body != nil {
			nfd := *fd
			nfd.Body = nil // earlier bodies add nothing to the types a cell sees
			d = &nfd
		}
		hist.Decls = append(hist.Decls, d)
	}

	cur := &ast.File{Name: ast.NewIdent("cell")}
	if d := importDecl(seen); d != nil {
		cur.Decls = append(cur.Decls, d)
	}
	for _, d := range importDecls {
		cur.Decls = append(cur.Decls, d)
	}
	cur.Decls = append(cur.Decls, cellDecls...)
	cur.Decls = append(cur.Decls, defineVars...)
	cur.Decls = append(cur.Decls, stmtFuncs...)

	c.info = &types.Info{
		Types:      map[ast.Expr]types.TypeAndValue{},
		Defs:       map[*ast.Ident]types.Object{},
		Uses:       map[*ast.Ident]types.Object{},
		Implicits:  map[ast.Node]types.Object{},
		Selections: map[*ast.SelectorExpr]*types.Selection{},
	}
	imp := s.imp
	if imp == nil {
		imp = noImporter{}
	}
	conf := types.Config{
		GoVersion:   goVersion,
		Importer:    imp,
		FakeImportC: true,
		Error: func(err error) {
			// Keep the errors inside the cell (the history was fine when it
			// ran): the kernel uses them to explain yaegi's vaguer messages.
			te, ok := err.(types.Error)
			if !ok || te.Soft {
				return
			}
			if pos := te.Fset.Position(te.Pos); pos.Filename == "cell" && pos.Line > 0 {
				c.typeErrs = append(c.typeErrs, Error{Line: pos.Line, Col: pos.Column, Msg: te.Msg})
			}
		},
	}
	c.pkg = c.runChecker(conf, []*ast.File{hist, cur})

	c.pkgNames = map[string]string{}
	for _, e := range seen {
		c.pkgNames[e.path] = e.name
	}
	for _, ci := range c.imports {
		var obj types.Object
		if ci.spec.Name != nil {
			obj = c.info.Defs[ci.spec.Name]
		} else {
			obj = c.info.Implicits[ci.spec]
		}
		if pn, ok := obj.(*types.PkgName); ok && pn.Imported().Complete() {
			ci.ok = true
			ci.name = pn.Name()
		}
		if ci.ok && ci.name != "_" && ci.name != "." {
			c.pkgNames[ci.path] = ci.name
		}
	}
}

// inherited lists the imports the cell sees without importing them: the
// preloads and earlier cells' imports, less the names and paths the cell
// imports itself.
func (c *cellCtx) inherited() []importEntry {
	taken := map[string]bool{}
	for _, ci := range c.imports {
		taken["path:"+ci.path] = true
		name := ci.name
		if name == "" {
			name = guessName(ci.path)
		}
		taken[name] = true
	}
	var seen []importEntry
	for _, e := range c.s.preloadAndImports() {
		if !taken[e.name] && !taken["path:"+e.path] {
			seen = append(seen, e)
			taken[e.name] = true
		}
	}
	return seen
}

// runChecker runs go/types, which must not take the pre-pass down with it.
func (c *cellCtx) runChecker(conf types.Config, files []*ast.File) (pkg *types.Package) {
	defer func() {
		if r := recover(); r != nil {
			c.warnf(token.NoPos, "the type checker failed (%v); rewrites that need types are skipped", r)
			pkg = nil
		}
	}()
	pkg, _ = conf.Check(checkPath, c.s.fset, files, c.info)
	return pkg
}

// defineAsVar turns a top-level `a, b := f()` into `var a, b = f()` for
// checking: a name the cell declared before keeps that declaration and
// becomes _ here. It returns nil for other statements.
func (c *cellCtx) defineAsVar(st ast.Stmt, cellKeys map[string]bool) *ast.GenDecl {
	as, ok := st.(*ast.AssignStmt)
	if !ok || as.Tok != token.DEFINE {
		return nil
	}
	for _, e := range as.Lhs {
		if _, ok := e.(*ast.Ident); !ok {
			return nil
		}
	}
	vs := &ast.ValueSpec{Values: as.Rhs}
	for _, e := range as.Lhs {
		id := e.(*ast.Ident)
		if id.Name != "_" && cellKeys[id.Name] {
			id = &ast.Ident{NamePos: id.NamePos, Name: "_"}
		}
		cellKeys[id.Name] = true
		vs.Names = append(vs.Names, id)
	}
	return &ast.GenDecl{TokPos: as.Pos(), Tok: token.VAR, Specs: []ast.Spec{vs}}
}

// declKeys lists the names a top-level declaration declares; methods are
// "T.M".
func declKeys(d ast.Decl) []string {
	var keys []string
	switch d := d.(type) {
	case *ast.FuncDecl:
		if d.Recv != nil {
			if len(d.Recv.List) > 0 {
				if t := recvTypeName(d.Recv.List[0].Type); t != "" {
					keys = append(keys, t+"."+d.Name.Name)
				}
			}
		} else if d.Name.Name != "init" && d.Name.Name != "_" {
			keys = append(keys, d.Name.Name)
		}
	case *ast.GenDecl:
		for _, sp := range d.Specs {
			switch sp := sp.(type) {
			case *ast.TypeSpec:
				keys = append(keys, sp.Name.Name)
			case *ast.ValueSpec:
				for _, id := range sp.Names {
					if id.Name != "_" {
						keys = append(keys, id.Name)
					}
				}
			}
		}
	}
	return keys
}

func recvTypeName(e ast.Expr) string {
	for {
		switch t := e.(type) {
		case *ast.StarExpr:
			e = t.X
		case *ast.ParenExpr:
			e = t.X
		case *ast.IndexExpr:
			e = t.X
		case *ast.IndexListExpr:
			e = t.X
		case *ast.Ident:
			return t.Name
		default:
			return ""
		}
	}
}

// importDecl builds an import declaration naming every package explicitly.
func importDecl(imports []importEntry) *ast.GenDecl {
	if len(imports) == 0 {
		return nil
	}
	gd := &ast.GenDecl{Tok: token.IMPORT, Lparen: 1}
	for _, e := range imports {
		gd.Specs = append(gd.Specs, &ast.ImportSpec{
			Name: ast.NewIdent(e.name),
			Path: &ast.BasicLit{Kind: token.STRING, Value: strconv.Quote(e.path)},
		})
	}
	return gd
}

func (s *State) preloadAndImports() []importEntry {
	out := append([]importEntry(nil), s.preload...)
	have := map[string]bool{}
	for _, e := range out {
		have[e.name] = true
	}
	for _, e := range s.imports {
		if !have[e.name] {
			out = append(out, e)
			have[e.name] = true
		}
	}
	return out
}

// guessName is the usual package name for an import path: its last
// element, skipping a major version suffix.
func guessName(p string) string {
	base := path.Base(p)
	if len(base) > 1 && base[0] == 'v' && strings.Trim(base[1:], "0123456789") == "" {
		if d := path.Dir(p); d != "." && d != "/" {
			base = path.Base(d)
		}
	}
	return strings.TrimPrefix(base, "go-")
}

type noImporter struct{}

func (noImporter) Import(path string) (*types.Package, error) {
	return nil, errors.New("no importer")
}
