// Package prepass turns one notebook cell — whatever modern Go a learner
// types — into a plan of sources the yaegi interpreter (v0.16) can
// evaluate: it splits declarations from statements, rewrites the constructs
// yaegi lacks or gets wrong, keeps error positions the cell's own, and says
// whether the cell ends in a value to display.
//
// The kernel drives it like this:
//
//	st := prepass.NewState(imp, map[string]string{"fmt": "fmt", "mat": "gonum.org/v1/gonum/mat"})
//	p, err := st.Prepare(cell) // a syntax error is an *Error at the cell's line:col
//	if len(p.Redefines) > 0 {
//		// new interpreter, new State, replay the cells above, Prepare again
//	}
//	for _, h := range p.Helpers {
//		i.Eval(h)
//	}
//	for _, s := range p.Segments {
//		v, err = i.EvalWithContext(ctx, s.Src) // on error: prepass.CellMessage(err.Error()) reads "cell:3:7: …"
//	}
//	if p.Show {
//		// display v
//	}
//	st.Commit(p) // only after the cell ran without error
//
// Every cell is type-checked with go/types (Go 1.26) in the context of the
// earlier cells: the preloaded packages, earlier imports, earlier
// declarations (the latest definition of a name wins) and earlier top-level
// variables (`a, b := f()` is checked as `var a, b = f()`). Type errors are
// never reported here — yaegi reports them when the plan runs — but the
// types drive the rewrites below. Where a type is unknown the code runs as
// written and Plan.Warnings says so.
//
// # Splitting
//
// yaegi decides by the first token whether a source is a file of
// declarations or a list of statements, so a cell is cut at its top-level
// statement boundaries into runs of each, evaluated in order:
//
//	x := 3                           ⇒ statements:   x := 3
//	func f() int { return x * 2 }    ⇒ declarations: func f() int { return x * 2 }
//	fmt.Println(f())                 ⇒ statements:   fmt.Println(f())
//
// Declarations are func (with a name or receiver), type and const. A
// top-level var is a statement: yaegi rejects a var declaration that refers
// to a global of an earlier evaluation ("variable definition loop") but
// evaluates the same var statement into a global. Imports move into a
// first segment of their own, without those yaegi already has (it refuses a
// second import of a name, so re-running a cell would fail). A pasted
// program's package clause is skipped with a warning.
//
// # Range over integers
//
// yaegi panics ("nil type") on range over an integer. The loop becomes a
// three-clause loop with the same meaning: n is evaluated once, i has n's
// type and is a new variable in each iteration, so assigning to it does not
// change the number of iterations.
//
//	for i := range n { body }
//	⇒ for __seqlab_i1, __seqlab_n2 := T(0), n; __seqlab_i1 < __seqlab_n2; __seqlab_i1++ { i := __seqlab_i1; body }
//
// # Range over functions
//
// yaegi panics on range over a function too. The loop becomes a call of the
// iterator with the body as its yield function; continue and break that
// target the loop (a continue inside a switch does) become return true and
// return false; those inside nested loops, switches, selects and function
// literals are left alone. The parameter types come from the iterator's
// type (iter.Seq[V] and other named types included), written with the
// package names the cell sees.
//
//	for k, v := range pairs {           ⇒ pairs(func(k string, v int) bool {
//		if v == 0 { continue }          ⇒ 	if v == 0 { return true }
//		if v > 9 { break }              ⇒ 	if v > 9 { return false }
//		fmt.Println(k, v)               ⇒ 	fmt.Println(k, v)
//	}                                   ⇒ ; return true })
//
// With `for k = range f` the closure assigns its parameter to k. A return,
// a goto or a labelled break or continue that leaves the loop cannot be
// expressed in the closure: Prepare returns an *Error "… is not supported
// inside a range-over-func loop in seqlab cells; …" at its position. A
// defer in the body runs at the end of each iteration (with a warning).
//
// # Per-iteration loop variables
//
// yaegi's loop variables are shared across iterations, as before Go 1.22.
// When a function literal in the body refers to a loop variable, or the
// body takes its address, each iteration gets its own copy. The header
// variable is renamed, because `i := i` hangs yaegi:
//
//	for i := 0; i < 3; i++ { fs = append(fs, func() { fmt.Print(i) }) }
//	⇒ for __seqlab_i1 := 0; __seqlab_i1 < 3; __seqlab_i1++ { i := __seqlab_i1; fs = append(fs, func() { fmt.Print(i) }) }
//
//	for k, v := range m { … }  ⇒ for __seqlab_k1, __seqlab_v2 := range m { k, v := __seqlab_k1, __seqlab_v2; … }
//
// A three-clause loop whose body assigns to its variable is left alone with
// a warning: the copy would have to flow back before the post statement,
// past every continue.
//
// # min, max and clear
//
// yaegi does not know these builtins. min and max call a concrete helper
// for the call's type (any integer type, float32, float64, string), whose
// declaration is in Plan.Helpers the first time a State hands it out; the
// float helpers follow Go's rules (any NaN gives NaN, min(-0.0, 0.0) is
// -0.0). A constant call becomes its value.
//
//	min(a, b)            ⇒ __seqlab_min_int(a, b)
//	max(c, 15)           ⇒ Celsius(__seqlab_max_float64(float64(c), float64(15)))   (type Celsius float64)
//	const k = min(3, 1)  ⇒ const k = (1)
//
// clear must be a statement of its own; its argument is evaluated once:
//
//	clear(m)  ⇒ { __seqlab_m1 := m; for __seqlab_k2 := range __seqlab_m1 { delete(__seqlab_m1, __seqlab_k2) } }
//	clear(s)  ⇒ { __seqlab_s1 := s; for __seqlab_i2 := range __seqlab_s1 { var __seqlab_z3 E; __seqlab_s1[__seqlab_i2] = __seqlab_z3 } }
//
// # Several results at once
//
// yaegi v0.16 rejects a define of several variables from one multi-valued
// expression inside a block of a cell's top-level statement ("undefined:
// a"), and returns the first result twice from `return p, append(q, x)`.
// Both are rewritten into forms it runs, with the variables' types:
//
//	for … { a, b := f(i) }              ⇒ for … { var a A; var b B; a, b = f(i) }
//	for … { if v, ok := m[k]; ok {…} }  ⇒ for … { { var v V; var ok bool; v, ok = m[k]; if ok {…} } }
//	return p, append(q, x)              ⇒ { var __seqlab_r1 []int = p; var __seqlab_r2 []int = append(q, x); return __seqlab_r1, __seqlab_r2 }
//
// # Showing the last expression
//
// Plan.Show is set when the cell's last top-level statement is an
// expression with a single value: `x`, `x + 1`, `m.Params()`, but not
// `fmt.Println(x)` (two results), a call without results, or a receive.
// A call of unknown type is not shown; other expressions are.
//
// # Type redefinition
//
// yaegi silently keeps the first declaration of a type. When a cell
// declares a type an earlier committed cell declared differently (tokens
// compared, so layout and comments do not count), Plan.Redefines names it
// and the kernel restarts. Re-running the same cell is not a redefinition;
// functions and variables may be redefined freely.
//
// # Positions
//
// Every segment starts with a //line directive giving its line and column
// in the cell, and rewritten code is followed by a /*line*/ directive where
// the learner's text resumes, so yaegi's errors carry the cell's own
// positions. The file name in them is FileName ("_.go"), the only name
// yaegi v0.16 resolves imported packages under; CellMessage rewrites a
// message's position to "cell:L:C". Rewrites are text edits of the cell
// rather than reprinted ASTs: go/printer's //line directives carry no
// column, which would leave yaegi's positions without one.
package prepass
