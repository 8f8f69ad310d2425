package prepass

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"strings"
)

// A cell is split at top-level statement boundaries into units, and runs of
// units of the same kind become one segment each.
type kind int

const (
	stmtKind kind = iota
	declKind
	importKind
)

type lexeme struct {
	off, end int
	tok      token.Token
	lit      string
}

type unit struct {
	start, end int // byte offsets in the cell: first token, end of last token
	kind       kind
}

// run is a maximal sequence of units of one kind, parsed with positions
// that are the cell's own.
type run struct {
	start, end int // cell offsets of the run's text
	kind       kind

	tf     *token.File // parsed source: header + cell[start:end] + trailer
	header int         // length of the header before the run's text
	file   *ast.File
	body   *ast.BlockStmt // stmtKind: the body of the wrapper func _()
}

// lex scans the cell with automatic semicolons. The first scanner error (an
// unterminated comment or string, an illegal character) is a syntax error.
func lex(cell string) ([]lexeme, *Error) {
	fset := token.NewFileSet()
	f := fset.AddFile("cell", -1, len(cell))
	var first *Error
	var s scanner.Scanner
	s.Init(f, []byte(cell), func(pos token.Position, msg string) {
		if first == nil {
			first = &Error{Line: pos.Line, Col: pos.Column, Msg: msg}
		}
	}, 0)
	var toks []lexeme
	for {
		pos, tok, lit := s.Scan()
		if tok == token.EOF {
			break
		}
		off := f.Offset(pos)
		n := len(lit)
		if tok == token.STRING && lit != "" && lit[0] == '`' {
			// The scanner drops carriage returns from raw strings.
			if i := strings.IndexByte(cell[off+1:], '`'); i >= 0 {
				n = i + 2
			} else {
				n = len(cell) - off
			}
		}
		if lit == "" || tok == token.SEMICOLON {
			n = len(tok.String())
			if tok == token.SEMICOLON && lit != ";" {
				n = 0 // automatic
			}
		}
		toks = append(toks, lexeme{off, off + n, tok, lit})
	}
	if first != nil {
		return nil, first
	}
	return toks, nil
}

// startKind tells what a top-level unit starting at toks[i] is. A var
// declaration is a statement: yaegi rejects a var declaration that refers
// to a global of an earlier Eval ("variable definition loop") in
// declaration mode, but declares the global as expected in statement mode.
func startKind(toks []lexeme, i int) kind {
	switch toks[i].tok {
	case token.IMPORT:
		return importKind
	case token.TYPE, token.CONST:
		return declKind
	case token.FUNC:
		if i+1 >= len(toks) {
			return stmtKind
		}
		switch toks[i+1].tok {
		case token.IDENT:
			return declKind // func name(...)
		case token.LPAREN:
			// func (r T) Name(...) is a method; func(...) T {...} a literal.
			depth := 0
			for j := i + 1; j < len(toks); j++ {
				switch toks[j].tok {
				case token.LPAREN:
					depth++
				case token.RPAREN:
					depth--
				}
				if depth == 0 {
					if j+2 < len(toks) && toks[j+1].tok == token.IDENT &&
						(toks[j+2].tok == token.LPAREN || toks[j+2].tok == token.LBRACK) {
						return declKind
					}
					return stmtKind
				}
			}
		}
	}
	return stmtKind
}

// splitUnits cuts the cell at top-level semicolons. An automatic semicolon
// (a line end) always ends a unit; an explicit one ends it only when it ends
// a declaration or starts one, so the semicolons in `for i := 0; i < n; i++`
// and `if x := f(); x > 0` stay inside their statement.
func splitUnits(cell string, toks []lexeme) ([]unit, *Error) {
	var units []unit
	var stack []token.Token
	cur := -1
	closeUnit := func(last int) {
		if cur >= 0 {
			units = append(units, unit{toks[cur].off, toks[last].end, startKind(toks, cur)})
		}
		cur = -1
	}
	for i, t := range toks {
		if len(stack) == 0 && t.tok == token.SEMICOLON {
			if cur < 0 {
				continue
			}
			auto := t.lit != ";"
			next := i+1 < len(toks) && toks[i+1].tok != token.SEMICOLON && startKind(toks, i+1) != stmtKind
			if auto || next || startKind(toks, cur) != stmtKind {
				closeUnit(i - 1)
			}
			continue
		}
		if cur < 0 {
			cur = i
		}
		switch t.tok {
		case token.LPAREN, token.LBRACK, token.LBRACE:
			stack = append(stack, t.tok)
		case token.RPAREN, token.RBRACK, token.RBRACE:
			if len(stack) == 0 {
				l, c := lineCol(cell, t.off)
				return nil, &Error{Line: l, Col: c, Msg: fmt.Sprintf("unexpected %s: nothing to close", t.tok)}
			}
			stack = stack[:len(stack)-1]
		}
	}
	if cur >= 0 {
		closeUnit(len(toks) - 1)
	}
	return units, nil
}

// groupRuns merges consecutive units of the same kind.
func groupRuns(units []unit) []*run {
	var runs []*run
	for _, u := range units {
		if n := len(runs); n > 0 && runs[n-1].kind == u.kind {
			runs[n-1].end = u.end
			continue
		}
		runs = append(runs, &run{start: u.start, end: u.end, kind: u.kind})
	}
	return runs
}

// parseRun parses one run with positions that are the cell's own: a //line
// directive maps the run's text to its line and column in the cell, and a
// second one puts the closing brace of the statement wrapper at end (the
// end of the run, or of the cell for the last run) so that "x := " reports
// "expected operand" where the cell ends.
func (s *State) parseRun(cell string, r *run, end int) *Error {
	l, c := lineCol(cell, r.start)
	el, ec := lineCol(cell, end)
	var head string
	switch r.kind {
	case stmtKind:
		head = "package p; func _() {"
	default:
		head = "package p;"
	}
	head += fmt.Sprintf("\n//line cell:%d:%d\n", l, c)
	src := head + cell[r.start:r.end] + fmt.Sprintf("\n//line cell:%d:%d\n", el, ec)
	if r.kind == stmtKind {
		src += "}"
	}
	f, err := parser.ParseFile(s.fset, "cell", src, parser.SkipObjectResolution)
	if err != nil {
		if list, ok := err.(scanner.ErrorList); ok && len(list) > 0 {
			e := list[0]
			if e.Pos.Offset >= len(head)+r.end-r.start {
				// At the wrapper's closing brace or at the end of the
				// source: the error is where the run (or the cell) ends.
				return &Error{Line: el, Col: ec, Msg: e.Msg}
			}
			return &Error{Line: e.Pos.Line, Col: e.Pos.Column, Msg: e.Msg}
		}
		return &Error{Line: l, Col: c, Msg: err.Error()}
	}
	r.file = f
	r.tf = s.fset.File(f.Pos())
	r.header = len(head)
	if r.kind == stmtKind {
		fd, ok := f.Decls[0].(*ast.FuncDecl)
		if !ok || len(f.Decls) != 1 || fd.Body == nil {
			return &Error{Line: l, Col: c, Msg: "unexpected }"}
		}
		r.body = fd.Body
	}
	return nil
}

// split lexes, cuts and parses a cell. A leading package clause (a program
// pasted whole) is skipped; pkg reports it.
func (s *State) split(cell string) (runs []*run, pkg bool, _ *Error) {
	toks, err := lex(cell)
	if err != nil {
		return nil, false, err
	}
	if len(toks) >= 2 && toks[0].tok == token.PACKAGE && toks[1].tok == token.IDENT {
		toks, pkg = toks[2:], true
	}
	units, err := splitUnits(cell, toks)
	if err != nil {
		return nil, false, err
	}
	runs = groupRuns(units)
	for i, r := range runs {
		end := r.end
		if i == len(runs)-1 {
			end = len(cell)
		}
		if err := s.parseRun(cell, r, end); err != nil {
			return nil, false, err
		}
	}
	return runs, pkg, nil
}
