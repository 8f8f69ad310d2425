package prepass

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/token"
	"go/types"
	"strconv"
	"strings"
)

// cellCtx is the work on one cell.
type cellCtx struct {
	s        *State
	cell     string
	runs     []*run
	info     *types.Info
	pkg      *types.Package
	imports  []*cellImport
	pkgNames map[string]string // import path → name the cell sees it by
	pending  pending

	edits    []edit
	warnings []string
	err      *Error   // the first construct that cannot be translated
	helpers  []string // helper function names, in order of first use
	typeErrs []Error  // go/types' errors inside the cell
	counter  int
}

// edit replaces cell[start:end] with text.
type edit struct {
	start, end int
	text       string
}

func (c *cellCtx) rewrite() {
	for _, r := range c.runs {
		switch r.kind {
		case declKind:
			for _, d := range r.file.Decls {
				c.walk(d)
			}
		case stmtKind:
			for _, st := range r.body.List {
				c.walk(st)
			}
		}
	}
}

// walk visits a top-level declaration or statement, parents first.
func (c *cellCtx) walk(root ast.Node) {
	var stack []ast.Node
	ast.Inspect(root, func(n ast.Node) bool {
		if n == nil {
			stack = stack[:len(stack)-1]
			return true
		}
		var parent ast.Node
		if len(stack) > 0 {
			parent = stack[len(stack)-1]
		}
		descend := true
		switch n := n.(type) {
		case *ast.RangeStmt:
			c.rangeStmt(n, parent)
		case *ast.ForStmt:
			c.forStmt(n)
		case *ast.CallExpr:
			descend = c.call(n, stack)
		case *ast.AssignStmt:
			c.multiDefine(n, stack)
		case *ast.ReturnStmt:
			c.returnAppend(n, stack)
		}
		if descend {
			stack = append(stack, n)
		}
		return descend
	})
}

// multiDefine rewrites a define of several variables from one multi-valued
// expression (a, b := f(), v, ok := m[k], v, ok := x.(T)) inside a block of
// a top-level statement, which yaegi v0.16 rejects ("undefined: a"), into
// declarations and an assignment, which it runs:
//
//	for … { a, b := f(i); … }           ⇒ for … { var a A; var b B; a, b = f(i); … }
//	for … { if v, ok := m[k]; ok { … } } ⇒ for … { { var v V; var ok bool; v, ok = m[k]; if ok { … } } }
//
// Function bodies are left alone: yaegi handles these there.
func (c *cellCtx) multiDefine(n *ast.AssignStmt, stack []ast.Node) {
	if n.Tok != token.DEFINE || len(n.Lhs) < 2 || len(n.Rhs) != 1 || len(stack) == 0 {
		return
	}
	for _, a := range stack {
		switch a.(type) {
		case *ast.FuncLit, *ast.FuncDecl, *ast.GenDecl:
			return
		}
	}
	var decls strings.Builder
	for _, l := range n.Lhs {
		id, ok := l.(*ast.Ident)
		if !ok {
			return
		}
		obj := c.info.Defs[id]
		if obj == nil || isBlank(id) {
			continue // blank, or an existing variable assigned to
		}
		ts, ok := c.typeString(obj.Type())
		if !ok {
			c.warnf(id.Pos(), "cannot name the type of %s here; %s runs as written", id.Name, c.text(n))
			return
		}
		fmt.Fprintf(&decls, "var %s %s; ", id.Name, ts)
	}
	if decls.Len() == 0 {
		return
	}
	assign := edit{c.off(n.TokPos), c.off(n.TokPos) + 2, "= "}
	switch parent := stack[len(stack)-1].(type) {
	case *ast.BlockStmt, *ast.CaseClause, *ast.CommClause:
		at := c.off(n.Pos())
		c.add(edit{at, at, decls.String()}, assign)
	case *ast.IfStmt:
		if parent.Init == n {
			c.hoistInit(parent, parent.Init, "if ", decls.String(), assign)
		}
	case *ast.SwitchStmt:
		if parent.Init == n {
			c.hoistInit(parent, parent.Init, "switch ", decls.String(), assign)
		}
	case *ast.TypeSwitchStmt:
		if parent.Init == n {
			c.hoistInit(parent, parent.Init, "switch ", decls.String(), assign)
		}
	}
}

// returnAppend rewrites a return of several results in which a result after
// the first is an append call, which yaegi v0.16 gets wrong (return p,
// append(q, x) returns p twice), into assignments to the result types
// first:
//
//	return p, append(q, x)  ⇒  { var __r1 []int = p; var __r2 []int = append(q, x); return __r1, __r2 }
func (c *cellCtx) returnAppend(n *ast.ReturnStmt, stack []ast.Node) {
	if len(n.Results) < 2 {
		return
	}
	found := false
	for _, r := range n.Results[1:] {
		call, ok := ast.Unparen(r).(*ast.CallExpr)
		if !ok {
			continue
		}
		if id, ok := ast.Unparen(call.Fun).(*ast.Ident); ok {
			if b, ok := c.info.Uses[id].(*types.Builtin); ok && b.Name() == "append" {
				found = true
			}
		}
	}
	if !found {
		return
	}
	// The function the return belongs to: the innermost one around it.
	var sig *types.Signature
find:
	for i := len(stack) - 1; i >= 0; i-- {
		switch f := stack[i].(type) {
		case *ast.FuncLit:
			sig, _ = c.typeOf(f).(*types.Signature)
			break find
		case *ast.FuncDecl:
			if obj := c.info.Defs[f.Name]; obj != nil {
				sig, _ = obj.Type().(*types.Signature)
			}
			break find
		}
	}
	if sig == nil || sig.Results().Len() != len(n.Results) {
		return
	}
	var b strings.Builder
	var names []string
	b.WriteString("{ ")
	for i, r := range n.Results {
		ts, ok := c.typeString(sig.Results().At(i).Type())
		if !ok {
			return
		}
		name := c.fresh("r")
		names = append(names, name)
		fmt.Fprintf(&b, "var %s %s = %s; ", name, ts, c.src(r))
	}
	b.WriteString("return " + strings.Join(names, ", ") + " }")
	c.add(edit{c.off(n.Pos()), c.off(n.End()), b.String()})
}

// hoistInit moves the init statement of an if or switch in front of it,
// inside a new block that keeps the init's variables scoped to the
// statement: `if a, b := f(); c {…}` ⇒ `{ var a A; var b B; a, b = f(); if c {…} }`.
func (c *cellCtx) hoistInit(stmt ast.Stmt, init ast.Stmt, keyword, decls string, assign edit) {
	start, initStart, initEnd := c.off(stmt.Pos()), c.off(init.Pos()), c.off(init.End())
	// The init is followed by its semicolon, then the condition or tag.
	semi := strings.IndexByte(c.cell[initEnd:], ';')
	if semi < 0 {
		return
	}
	semi += initEnd
	end := c.off(stmt.End())
	c.add(
		edit{start, initStart, "{ " + decls},
		assign,
		edit{semi, semi + 1, "; " + keyword},
		edit{end, end, " }"},
	)
}

// rangeStmt dispatches on the type of the range expression.
func (c *cellCtx) rangeStmt(n *ast.RangeStmt, parent ast.Node) {
	t := c.typeOf(n.X)
	if t == nil {
		c.warnf(n.X.Pos(), "cannot tell the type of %s; range over it as written", c.text(n.X))
		return
	}
	switch u := t.Underlying().(type) {
	case *types.Basic:
		if u.Info()&types.IsInteger != 0 {
			c.rangeInt(n, t)
			return
		}
	case *types.Signature:
		c.rangeFunc(n, u, parent)
		return
	}
	c.rangeLoopVars(n)
}

// rangeInt rewrites `for i := range n { … }` into
// `for __i, __n := T(0), n; __i < __n; __i++ { i := __i; … }`:
// n is evaluated once, each iteration has its own i of n's type, and
// assigning to i in the body does not change the number of iterations.
func (c *cellCtx) rangeInt(n *ast.RangeStmt, t types.Type) {
	if n.Value != nil {
		c.warnf(n.Value.Pos(), "range over an integer permits only one iteration variable")
		return
	}
	t = types.Default(t)
	ts, ok := c.typeString(t)
	if !ok {
		c.warnf(n.X.Pos(), "cannot name the type %s here; range over %s as written", t, c.text(n.X))
		return
	}
	i, m := c.fresh("i"), c.fresh("n")
	zero := "0"
	if ts != "int" {
		zero = ts + "(0)"
	}
	prefix := ""
	if n.Key != nil && !isBlank(n.Key) {
		if n.Tok == token.DEFINE {
			id, ok := n.Key.(*ast.Ident)
			if !ok {
				return
			}
			prefix = " " + id.Name + " := " + i + ";"
		} else {
			prefix = " " + c.src(n.Key) + " = " + i + ";"
		}
	}
	c.add(
		edit{c.off(n.For), c.off(n.X.Pos()), "for " + i + ", " + m + " := " + zero + ", "},
		edit{c.off(n.X.End()), c.off(n.Body.Lbrace) + 1, "; " + i + " < " + m + "; " + i + "++ {" + prefix},
	)
}

// rangeFunc rewrites `for k, v := range f { … }` into
// `(f)(func(k K, v V) bool { …; return true })`, with continue → return
// true and break → return false where they target this loop.
func (c *cellCtx) rangeFunc(n *ast.RangeStmt, sig *types.Signature, parent ast.Node) {
	if sig.Params().Len() != 1 || sig.Results().Len() != 0 {
		return // not an iterator: a type error yaegi reports
	}
	yield, ok := sig.Params().At(0).Type().Underlying().(*types.Signature)
	if !ok || yield.Results().Len() != 1 || yield.Params().Len() > 2 || yield.Variadic() {
		return
	}
	if b, ok := yield.Results().At(0).Type().Underlying().(*types.Basic); !ok || b.Kind() != types.Bool {
		return
	}
	np := yield.Params().Len()
	vars := []ast.Expr{n.Key, n.Value}
	nvars := 0
	if n.Value != nil {
		nvars = 2
	} else if n.Key != nil {
		nvars = 1
	}
	if nvars > np {
		c.warnf(n.For, "range over %s permits only %d iteration variables", c.text(n.X), np)
		return
	}
	branches, ok := c.rangeFuncBody(n.Body)
	if !ok {
		return
	}
	params := make([]string, np)
	pre := ""
	for i := 0; i < np; i++ {
		pt := yield.Params().At(i).Type()
		ts, ok := c.typeString(pt)
		if !ok {
			c.warnf(n.X.Pos(), "cannot name the type %s here; range over %s as written", pt, c.text(n.X))
			return
		}
		name := "_"
		if i < 2 && vars[i] != nil && !isBlank(vars[i]) {
			if n.Tok == token.DEFINE {
				id, ok := vars[i].(*ast.Ident)
				if !ok {
					return
				}
				name = id.Name
			} else {
				name = c.fresh("v")
				pre += " " + c.src(vars[i]) + " = " + name + ";"
			}
		}
		params[i] = name + " " + ts
	}
	var edits []edit
	if ls, ok := parent.(*ast.LabeledStmt); ok && ls.Stmt == n {
		edits = append(edits, edit{c.off(ls.Label.Pos()), c.off(n.For), ""})
	}
	// yaegi cannot call a declared function through parentheses ("call of
	// reflect.Value.Call on ptr Value"): parenthesise only what needs it.
	open, close := "(", ")"
	switch ast.Unparen(n.X).(type) {
	case *ast.Ident, *ast.SelectorExpr, *ast.CallExpr, *ast.IndexExpr, *ast.IndexListExpr,
		*ast.FuncLit, *ast.TypeAssertExpr:
		open, close = "", ""
	}
	edits = append(edits,
		edit{c.off(n.For), c.off(n.X.Pos()), open},
		edit{c.off(n.X.End()), c.off(n.Body.Lbrace) + 1, close + "(func(" + strings.Join(params, ", ") + ") bool {" + pre},
		edit{c.off(n.Body.Rbrace), c.off(n.Body.Rbrace) + 1, "; return true })"},
	)
	c.add(append(edits, branches...)...)
}

// rangeFuncBody finds the break and continue statements of a
// range-over-func body that target its loop and turns them into returns of
// the yield closure. A return, a goto or a labelled branch that leaves the
// body cannot be expressed in the closure: it is an error.
func (c *cellCtx) rangeFuncBody(body *ast.BlockStmt) ([]edit, bool) {
	inner := map[string]bool{} // labels declared inside the body
	ast.Inspect(body, func(x ast.Node) bool {
		switch x := x.(type) {
		case *ast.FuncLit:
			return false
		case *ast.LabeledStmt:
			inner[x.Label.Name] = true
		}
		return true
	})
	var edits []edit
	ok := true
	unsupported := func(pos token.Pos, what, instead string) {
		c.fail(pos, what+" is not supported inside a range-over-func loop in seqlab cells; "+instead)
		ok = false
	}
	var walk func(n ast.Node, inLoop, inBreakable bool)
	walk = func(n ast.Node, inLoop, inBreakable bool) {
		ast.Inspect(n, func(x ast.Node) bool {
			if x == n {
				return true
			}
			switch x := x.(type) {
			case *ast.FuncLit:
				return false
			case *ast.ForStmt:
				walk(x.Body, true, true)
				return false
			case *ast.RangeStmt:
				walk(x.Body, true, true)
				return false
			case *ast.SwitchStmt:
				walk(x.Body, inLoop, true)
				return false
			case *ast.TypeSwitchStmt:
				walk(x.Body, inLoop, true)
				return false
			case *ast.SelectStmt:
				walk(x.Body, inLoop, true)
				return false
			case *ast.ReturnStmt:
				unsupported(x.Pos(), "return", "set a variable and break out of the loop instead")
			case *ast.DeferStmt:
				c.warnf(x.Pos(), "a defer inside a range-over-func loop runs at the end of each iteration in seqlab cells")
			case *ast.BranchStmt:
				label := ""
				if x.Label != nil {
					label = x.Label.Name
				}
				switch {
				case x.Tok == token.GOTO && !inner[label]:
					unsupported(x.Pos(), "goto "+label, "use a flag variable and break instead")
				case x.Tok != token.BREAK && x.Tok != token.CONTINUE:
				case label != "":
					if !inner[label] {
						unsupported(x.Pos(), x.Tok.String()+" "+label, "use a flag variable and an unlabelled break instead")
					}
				case x.Tok == token.CONTINUE && !inLoop:
					edits = append(edits, edit{c.off(x.Pos()), c.off(x.End()), "return true"})
				case x.Tok == token.BREAK && !inBreakable:
					edits = append(edits, edit{c.off(x.Pos()), c.off(x.End()), "return false"})
				}
			}
			return true
		})
	}
	walk(body, false, false)
	return edits, ok
}

// rangeLoopVars gives `for k, v := range x` per-iteration variables when a
// closure or an address in the body refers to them: yaegi shares one
// variable across iterations (Go before 1.22). The header variables are
// renamed and copied at the top of the body (`k := k` hangs yaegi).
func (c *cellCtx) rangeLoopVars(n *ast.RangeStmt) {
	if n.Tok != token.DEFINE {
		return
	}
	var ids []*ast.Ident
	for _, e := range []ast.Expr{n.Key, n.Value} {
		if id, ok := e.(*ast.Ident); ok && id.Name != "_" {
			ids = append(ids, id)
		}
	}
	c.loopVars(ids, nil, n.Body, false)
}

// forStmt gives a three-clause loop per-iteration variables (see
// rangeLoopVars). A loop whose body assigns to the variable is left alone
// with a warning: the copy would have to flow back before the post
// statement, which break, continue and closures make impractical.
func (c *cellCtx) forStmt(n *ast.ForStmt) {
	init, ok := n.Init.(*ast.AssignStmt)
	if !ok || init.Tok != token.DEFINE {
		return
	}
	var ids []*ast.Ident
	for _, e := range init.Lhs {
		if id, ok := e.(*ast.Ident); ok && id.Name != "_" {
			ids = append(ids, id)
		}
	}
	var header []ast.Node
	if n.Cond != nil {
		header = append(header, n.Cond)
	}
	if n.Post != nil {
		header = append(header, n.Post)
	}
	c.loopVars(ids, header, n.Body, true)
}

func (c *cellCtx) loopVars(ids []*ast.Ident, header []ast.Node, body *ast.BlockStmt, checkAssign bool) {
	vars := map[types.Object]bool{}
	for _, id := range ids {
		if obj := c.info.Defs[id]; obj != nil {
			vars[obj] = true
		}
	}
	if len(vars) == 0 || !c.captured(vars, body) {
		return
	}
	if checkAssign {
		if id := c.assigned(vars, body); id != nil {
			c.warnf(id.Pos(), "%s is assigned in the loop body, so closures in this loop share one %s as before Go 1.22; copy it into a variable declared in the body", id.Name, id.Name)
			return
		}
	}
	fresh := map[types.Object]string{}
	var edits []edit
	var names, copies []string
	for _, id := range ids {
		obj := c.info.Defs[id]
		if !vars[obj] {
			continue
		}
		f := c.fresh(id.Name)
		fresh[obj] = f
		edits = append(edits, edit{c.off(id.Pos()), c.off(id.End()), f})
		names = append(names, id.Name)
		copies = append(copies, f)
	}
	for _, h := range header {
		ast.Inspect(h, func(x ast.Node) bool {
			if id, ok := x.(*ast.Ident); ok {
				if f, ok := fresh[c.info.Uses[id]]; ok {
					edits = append(edits, edit{c.off(id.Pos()), c.off(id.End()), f})
				}
			}
			return true
		})
	}
	at := c.off(body.Lbrace) + 1
	edits = append(edits, edit{at, at, " " + strings.Join(names, ", ") + " := " + strings.Join(copies, ", ") + ";"})
	c.add(edits...)
}

// captured reports whether a function literal in body refers to one of
// vars, or body takes the address of one.
func (c *cellCtx) captured(vars map[types.Object]bool, body ast.Node) bool {
	found := false
	uses := func(n ast.Node) {
		ast.Inspect(n, func(x ast.Node) bool {
			if id, ok := x.(*ast.Ident); ok && vars[c.info.Uses[id]] {
				found = true
			}
			return !found
		})
	}
	ast.Inspect(body, func(x ast.Node) bool {
		if found {
			return false
		}
		switch x := x.(type) {
		case *ast.FuncLit:
			uses(x.Body)
			return false
		case *ast.UnaryExpr:
			if x.Op == token.AND {
				if id, ok := ast.Unparen(x.X).(*ast.Ident); ok && vars[c.info.Uses[id]] {
					found = true
				}
			}
		}
		return true
	})
	return found
}

// assigned returns an identifier through which body assigns to one of vars.
func (c *cellCtx) assigned(vars map[types.Object]bool, body ast.Node) *ast.Ident {
	var hit *ast.Ident
	check := func(e ast.Expr) {
		if id, ok := ast.Unparen(e).(*ast.Ident); ok && hit == nil && vars[c.info.Uses[id]] {
			hit = id
		}
	}
	ast.Inspect(body, func(x ast.Node) bool {
		switch x := x.(type) {
		case *ast.AssignStmt:
			if x.Tok != token.DEFINE {
				for _, e := range x.Lhs {
					check(e)
				}
			}
		case *ast.IncDecStmt:
			check(x.X)
		case *ast.RangeStmt:
			if x.Tok == token.ASSIGN {
				check(x.Key)
				check(x.Value)
			}
		}
		return hit == nil
	})
	return hit
}

// call rewrites the builtins yaegi lacks. It reports whether the walk
// should descend into the call.
func (c *cellCtx) call(n *ast.CallExpr, stack []ast.Node) bool {
	id, ok := n.Fun.(*ast.Ident)
	if !ok || (id.Name != "min" && id.Name != "max" && id.Name != "clear") {
		return true
	}
	obj := c.info.Uses[id]
	if obj == nil {
		c.warnf(n.Pos(), "cannot tell the type of %s; calling %s as written", c.text(n), id.Name)
		return true
	}
	if _, ok := obj.(*types.Builtin); !ok {
		return true // the learner's own min
	}
	if id.Name == "clear" {
		c.clear(n, stack)
		return true
	}
	return c.minMax(n, id)
}

// helperTypes are the types min and max helpers exist for.
var helperTypes = map[types.BasicKind]string{
	types.Int: "int", types.Int8: "int8", types.Int16: "int16", types.Int32: "int32", types.Int64: "int64",
	types.Uint: "uint", types.Uint8: "uint8", types.Uint16: "uint16", types.Uint32: "uint32", types.Uint64: "uint64",
	types.Uintptr: "uintptr", types.Float32: "float32", types.Float64: "float64", types.String: "string",
}

// minMax turns min(…) and max(…) into a call of a concrete helper for the
// type of the call, or into the constant when the call is constant.
func (c *cellCtx) minMax(n *ast.CallExpr, id *ast.Ident) bool {
	tv, ok := c.info.Types[n]
	if !ok || !valid(tv.Type) {
		c.warnf(n.Pos(), "cannot tell the type of %s; calling %s as written", c.text(n), id.Name)
		return true
	}
	if tv.Value != nil {
		if text, ok := c.constText(tv); ok {
			c.add(edit{c.off(n.Pos()), c.off(n.End()), text})
			return false
		}
	}
	b, ok := tv.Type.Underlying().(*types.Basic)
	name := ""
	if ok {
		name = helperTypes[b.Kind()]
	}
	if name == "" {
		c.warnf(n.Pos(), "%s of %s values cannot be rewritten; calling %s as written", id.Name, tv.Type, id.Name)
		return true
	}
	helper := "__seqlab_" + id.Name + "_" + name
	if types.Identical(tv.Type, types.Typ[b.Kind()]) {
		c.add(edit{c.off(id.Pos()), c.off(id.End()), helper})
	} else {
		ts, ok := c.typeString(tv.Type)
		if !ok {
			c.warnf(n.Pos(), "cannot name the type %s here; calling %s as written", tv.Type, id.Name)
			return true
		}
		edits := []edit{{c.off(n.Pos()), c.off(n.Lparen) + 1, ts + "(" + helper + "("}}
		for _, a := range n.Args {
			edits = append(edits, edit{c.off(a.Pos()), c.off(a.Pos()), name + "("}, edit{c.off(a.End()), c.off(a.End()), ")"})
		}
		edits = append(edits, edit{c.off(n.Rparen), c.off(n.Rparen) + 1, "))"})
		c.add(edits...)
	}
	c.needHelper(helper)
	return true
}

// constText writes a constant min or max as a literal of the call's type.
func (c *cellCtx) constText(tv types.TypeAndValue) (string, bool) {
	b, ok := tv.Type.Underlying().(*types.Basic)
	if !ok {
		return "", false
	}
	v := tv.Value
	var lit string
	switch v.Kind() {
	case constant.Int:
		lit = v.ExactString()
		if b.Kind() == types.UntypedRune {
			if r, ok := constant.Int64Val(v); ok && r >= 0 && r <= 0x10FFFF && strconv.IsPrint(rune(r)) {
				lit = strconv.QuoteRune(rune(r))
			} else {
				lit = "rune(" + lit + ")"
			}
		}
	case constant.Float:
		f, _ := constant.Float64Val(v)
		lit = strconv.FormatFloat(f, 'g', -1, 64)
		if !strings.ContainsAny(lit, ".eE") {
			lit += ".0"
		}
	case constant.String:
		lit = v.ExactString()
	default:
		return "", false
	}
	if b.Info()&types.IsUntyped != 0 {
		return "(" + lit + ")", true
	}
	ts, ok := c.typeString(tv.Type)
	if !ok {
		return "", false
	}
	return ts + "(" + lit + ")", true
}

// clear turns the statement clear(m) into a delete loop and clear(s) into a
// zeroing loop, in a block of their own so the argument is evaluated once.
func (c *cellCtx) clear(n *ast.CallExpr, stack []ast.Node) {
	if len(n.Args) != 1 {
		return
	}
	var es *ast.ExprStmt
	if len(stack) > 0 {
		es, _ = stack[len(stack)-1].(*ast.ExprStmt)
	}
	ok := es != nil && es.X == n
	if ok && len(stack) > 1 {
		switch stack[len(stack)-2].(type) {
		case *ast.BlockStmt, *ast.CaseClause, *ast.CommClause, *ast.LabeledStmt:
		default:
			ok = false
		}
	}
	if !ok {
		c.warnf(n.Pos(), "clear can only be rewritten as a statement of its own; calling clear as written")
		return
	}
	arg := n.Args[0]
	t := c.typeOf(arg)
	if t == nil {
		c.warnf(n.Pos(), "cannot tell the type of %s; calling clear as written", c.text(arg))
		return
	}
	open := edit{c.off(es.Pos()), c.off(arg.Pos()), ""}
	close := edit{c.off(arg.End()), c.off(es.End()), ""}
	switch u := t.Underlying().(type) {
	case *types.Map:
		m, k := c.fresh("m"), c.fresh("k")
		open.text = "{ " + m + " := "
		close.text = "; for " + k + " := range " + m + " { delete(" + m + ", " + k + ") } }"
	case *types.Slice:
		ts, ok := c.typeString(u.Elem())
		if !ok {
			c.warnf(n.Pos(), "cannot name the type %s here; calling clear as written", u.Elem())
			return
		}
		s, i, z := c.fresh("s"), c.fresh("i"), c.fresh("z")
		open.text = "{ " + s + " := "
		close.text = "; for " + i + " := range " + s + " { var " + z + " " + ts + "; " + s + "[" + i + "] = " + z + " } }"
	default:
		c.warnf(n.Pos(), "clear of %s cannot be rewritten; calling clear as written", t)
		return
	}
	c.add(open, close)
}

// show reports whether the cell ends in an expression whose value the
// kernel should display.
func (c *cellCtx) show() bool {
	if len(c.runs) == 0 {
		return false
	}
	last := c.runs[len(c.runs)-1]
	if last.kind != stmtKind || len(last.body.List) == 0 {
		return false
	}
	es, ok := last.body.List[len(last.body.List)-1].(*ast.ExprStmt)
	if !ok {
		return false
	}
	switch x := ast.Unparen(es.X).(type) {
	case *ast.UnaryExpr:
		return x.Op != token.ARROW
	case *ast.CallExpr:
		tv, ok := c.info.Types[x]
		if !ok || tv.IsVoid() || !valid(tv.Type) {
			return false
		}
		_, tuple := tv.Type.(*types.Tuple)
		return !tuple
	}
	return true
}

// typeOf is the type of e, nil if unknown.
func (c *cellCtx) typeOf(e ast.Expr) types.Type {
	tv, ok := c.info.Types[e]
	if !ok || !valid(tv.Type) {
		return nil
	}
	return tv.Type
}

func valid(t types.Type) bool {
	return t != nil && t != types.Typ[types.Invalid]
}

// typeString prints t as the cell can write it: the cell's own types
// unqualified, imported ones with the name the cell sees the package by. It
// reports false when t names a package the cell has not imported.
func (c *cellCtx) typeString(t types.Type) (string, bool) {
	ok := true
	s := types.TypeString(t, func(p *types.Package) string {
		if p == c.pkg || p.Path() == checkPath {
			return ""
		}
		if name, found := c.pkgNames[p.Path()]; found {
			return name
		}
		ok = false
		return p.Name()
	})
	if strings.Contains(s, "invalid type") {
		ok = false
	}
	return s, ok
}

func isBlank(e ast.Expr) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == "_"
}

// fresh returns a new identifier no learner would write.
func (c *cellCtx) fresh(hint string) string {
	c.counter++
	return "__seqlab_" + hint + strconv.Itoa(c.counter)
}

// off maps a position in a parsed run to a byte offset in the cell.
func (c *cellCtx) off(pos token.Pos) int {
	for _, r := range c.runs {
		if r.tf == nil || int(pos) < r.tf.Base() || int(pos) > r.tf.Base()+r.tf.Size() {
			continue
		}
		o := r.tf.Offset(pos) - r.header + r.start
		return min(max(o, r.start), r.end)
	}
	return 0
}

// text is the cell's text of n, shortened for a message.
func (c *cellCtx) text(n ast.Node) string {
	s := strings.Join(strings.Fields(c.cell[c.off(n.Pos()):c.off(n.End())]), " ")
	if len(s) > 40 {
		s = s[:37] + "..."
	}
	return s
}

// src is the cell's text of n preceded by a line directive, for copying a
// piece of the learner's code into generated code.
func (c *cellCtx) src(n ast.Node) string {
	start := c.off(n.Pos())
	l, col := lineCol(c.cell, start)
	return fmt.Sprintf("/*line %s:%d:%d*/%s", FileName, l, col, c.cell[start:c.off(n.End())])
}

// add accepts the edits of one rewrite, or none of them if one overlaps an
// edit accepted before (which would be a bug in the pre-pass).
func (c *cellCtx) add(edits ...edit) {
	for _, e := range edits {
		for _, a := range c.edits {
			if overlap(a, e) {
				l, col := lineCol(c.cell, e.start)
				c.warnings = append(c.warnings, fmt.Sprintf("%d:%d: overlapping rewrites; this part of the cell runs as written", l, col))
				return
			}
		}
	}
	c.edits = append(c.edits, edits...)
}

func overlap(a, b edit) bool {
	if max(a.start, b.start) < min(a.end, b.end) {
		return true
	}
	inside := func(p int, e edit) bool { return e.start < p && p < e.end }
	return (a.start == a.end && inside(a.start, b)) || (b.start == b.end && inside(b.start, a))
}

func (c *cellCtx) needHelper(name string) {
	for _, h := range c.helpers {
		if h == name {
			return
		}
	}
	c.helpers = append(c.helpers, name)
}

func (c *cellCtx) warnf(pos token.Pos, format string, args ...any) {
	msg := fmt.Sprintf(format, args...)
	if pos.IsValid() {
		l, col := lineCol(c.cell, c.off(pos))
		msg = fmt.Sprintf("%d:%d: %s", l, col, msg)
	}
	for _, w := range c.warnings {
		if w == msg {
			return
		}
	}
	c.warnings = append(c.warnings, msg)
}

// fail records an untranslatable construct; the earliest in the cell wins.
func (c *cellCtx) fail(pos token.Pos, msg string) {
	l, col := lineCol(c.cell, c.off(pos))
	if c.err == nil || l < c.err.Line || (l == c.err.Line && col < c.err.Col) {
		c.err = &Error{Line: l, Col: col, Msg: msg}
	}
}
