package repl

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/seqlab/seqlab/repl/prepass"
	"github.com/seqlab/seqlab/repl/symbols"
	"github.com/seqlab/seqlab/repl/symtypes"
	"github.com/traefik/yaegi/interp"
	"gonum.org/v1/gonum/mat"
)

// Preload lists the packages every cell sees without importing them, by the
// name cells use.
var Preload = map[string]string{
	"fmt":         "fmt",
	"math":        "math",
	"os":          "os",
	"log":         "log",
	"strconv":     "strconv",
	"errors":      "errors",
	"slices":      "slices",
	"maps":        "maps",
	"strings":     "strings",
	"sort":        "sort",
	"time":        "time",
	"context":     "context",
	"rand":        "math/rand/v2",
	"mat":         "gonum.org/v1/gonum/mat",
	"nn":          "github.com/seqlab/seqlab/models/nn",
	"rnn":         "github.com/seqlab/seqlab/models/rnn",
	"lstm":        "github.com/seqlab/seqlab/models/lstm",
	"transformer": "github.com/seqlab/seqlab/models/transformer",
	"tasks":       "github.com/seqlab/seqlab/tasks",
	"train":       "github.com/seqlab/seqlab/train",
	"display":     "github.com/seqlab/seqlab/display",
	"check":       "github.com/seqlab/seqlab/lessons/check",
}

// kernelPath is the package that gives cells their context: `ctx` in every
// cell is kernel.Context(), cancelled when the cell is interrupted.
const kernelPath = "github.com/seqlab/seqlab/repl/kernel"

// SessionOptions configure a Session.
type SessionOptions struct {
	// Unrestricted makes os/exec, syscall and unsafe importable.
	Unrestricted bool
	// Exit is what os.Exit does in a cell; nil makes it panic with a
	// message instead of ending the kernel.
	Exit func(code int)
}

// A Session is one interpreter with seqlab's packages, running cells one at a
// time. It lives inside the kernel process.
type Session struct {
	opts   SessionOptions
	interp *interp.Interpreter
	plan   *prepass.State
	ctx    *cellContext
	ready  bool // ctx is declared

	mu sync.Mutex // one cell at a time
}

// NewSession starts an interpreter with the symbol tables, the preloaded
// packages and the cell context.
func NewSession(opts SessionOptions) (*Session, error) {
	s := &Session{opts: opts, ctx: newCellContext()}
	s.interp = interp.New(interp.Options{Stderr: yaegiNoise{os.Stderr}})
	tables := []interp.Exports{symbols.Symbols, s.kernelSymbols()}
	if opts.Unrestricted {
		tables = append(tables, symbols.Unrestricted)
	}
	for _, t := range tables {
		if err := s.interp.Use(t); err != nil {
			return nil, fmt.Errorf("kernel: loading symbols: %w", err)
		}
	}
	var typeTables []map[string]map[string]reflect.Value
	for _, t := range tables {
		typeTables = append(typeTables, t)
	}
	preload := map[string]string{"kernel": kernelPath}
	for name, path := range Preload {
		if _, ok := symbols.Symbols[path+"/"+pathBase(path)]; ok {
			preload[name] = path
		}
	}
	s.plan = prepass.NewState(symtypes.Importer(typeTables...), preload)
	var imports []string
	for name, path := range preload {
		imports = append(imports, fmt.Sprintf("\t%s %q\n", name, path))
	}
	sort.Strings(imports)
	if _, err := s.eval(context.Background(), "import (\n"+strings.Join(imports, "")+")"); err != nil {
		return nil, fmt.Errorf("kernel: preloading packages: %w", err)
	}
	// ctx is an ordinary variable of the session, declared by a cell of our own.
	if err := s.Execute(context.Background(), "var ctx context.Context = kernel.Context()", func(Reply) {}); err != nil {
		return nil, fmt.Errorf("kernel: declaring ctx: %w", err)
	}
	return s, nil
}

func pathBase(path string) string {
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		path = path[i+1:]
	}
	if path == "v2" { // math/rand/v2's package is rand
		return "rand"
	}
	return path
}

// kernelSymbols is the symbol table of the kernel package cells see, and the
// override of os.Exit.
func (s *Session) kernelSymbols() interp.Exports {
	exit := s.opts.Exit
	if exit == nil {
		exit = func(code int) { panic(exitCalled(code)) }
	}
	osTable := map[string]reflect.Value{}
	for k, v := range symbols.Symbols["os/os"] {
		osTable[k] = v
	}
	osTable["Exit"] = reflect.ValueOf(exit)
	return interp.Exports{
		kernelPath + "/kernel": {
			"Context": reflect.ValueOf(func() context.Context { return s.ctx.get() }),
		},
		"os/os": osTable,
	}
}

// exitCalled is what os.Exit panics with in a cell.
type exitCalled int

func (e exitCalled) Error() string {
	return fmt.Sprintf("os.Exit(%d) called: a cell cannot end the kernel; return from the cell instead", int(e))
}

// ExecError is a cell's failure: a compile or run-time error, a panic, or an
// interruption.
type ExecError struct {
	Msg       string
	Line, Col int  // in the cell, when known
	Restart   bool // a type was redefined: restart the kernel and replay the cells above
}

func (e *ExecError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg)
	}
	return e.Msg
}

// Execute runs one cell under ctx. Output goes to the process's stdout and
// stderr; the value of a bare final expression, if any, is passed to emit as
// a result reply. It returns an *ExecError when the cell fails.
func (s *Session) Execute(ctx context.Context, code string, emit func(Reply)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	plan, err := s.plan.Prepare(code)
	if err != nil {
		var pe *prepass.Error
		if errors.As(err, &pe) {
			return &ExecError{Msg: pe.Msg, Line: pe.Line, Col: pe.Col}
		}
		return &ExecError{Msg: err.Error()}
	}
	if len(plan.Redefines) > 0 {
		return &ExecError{Restart: true, Msg: fmt.Sprintf(
			"type %s is declared differently than before; Go cannot change a type in a running program, so the kernel restarts and runs the cells above again",
			strings.Join(plan.Redefines, ", "))}
	}
	s.ctx.set(ctx)
	if _, err := s.eval(ctx, ";ctx = kernel.Context()"); err != nil && s.ready {
		return toExecError(err)
	}
	for _, h := range plan.Helpers {
		if _, err := s.eval(ctx, h); err != nil {
			return toExecError(err)
		}
	}
	var last reflect.Value
	for _, seg := range plan.Segments {
		v, err := s.eval(ctx, seg.Src)
		if err != nil {
			e := toExecError(err)
			explain(e, plan.TypeErrors)
			s.advise(e)
			return e
		}
		last = v
	}
	s.plan.Commit(plan)
	s.ready = true
	if plan.Show && last.IsValid() {
		emit(resultReply(last))
	}
	return nil
}

// eval evaluates src and returns when it has really finished. When ctx is
// cancelled first it stops the interpreter, which ends interpreted code at
// once and compiled calls when they return (train.Train returns within a
// step when the ctx it was given is cancelled); it keeps waiting for that,
// and the client restarts the kernel if the wait is too long. Panics are
// turned into errors.
func (s *Session) eval(ctx context.Context, src string) (reflect.Value, error) {
	type result struct {
		v   reflect.Value
		err error
	}
	done := make(chan result, 1)
	go func() {
		var r result
		defer func() {
			if p := recover(); p != nil {
				r.err = fmt.Errorf("%v", p)
				if msg := fmt.Sprint(p); msg == "nil type" || msg == "nil reflect type" {
					r.err = fmt.Errorf("the interpreter cannot compile this cell (%s): it uses a construct yaegi does not support, such as a generic call whose types it cannot infer; spell the types out", msg)
				}
			}
			done <- r
		}()
		r.v, r.err = s.interp.EvalWithContext(context.Background(), src)
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		yaegiStop(s.interp)
		r := <-done
		if r.err == nil {
			r.err = ctx.Err()
		}
		return reflect.Value{}, r.err
	}
}

// explain replaces yaegi's vaguest messages with what go/types said about
// the cell, when it said something.
func explain(e *ExecError, typeErrs []prepass.Error) {
	vague := strings.Contains(e.Msg, "definition loop") || strings.HasPrefix(e.Msg, "the interpreter cannot compile")
	if !vague {
		return
	}
	for _, te := range typeErrs {
		if strings.Contains(te.Msg, "declared and not used") || strings.Contains(te.Msg, "imported and not used") {
			continue
		}
		e.Msg, e.Line, e.Col = te.Msg, te.Line, te.Col
		return
	}
}

var (
	missingImport  = regexp.MustCompile(`^import "([^"]+)" error: unable to find source related to.*`)
	undefinedName  = regexp.MustCompile(`^undefined: ([A-Za-z_][A-Za-z0-9_]*)$`)
	missingGeneric = regexp.MustCompile(`^undefined selector:? (slices|maps|iter)\.([A-Za-z0-9_]+)$`)
)

// restricted are the packages only --unrestricted offers.
var restricted = map[string]bool{"os/exec": true, "syscall": true, "unsafe": true}

// advise rewrites messages about packages into what to do about them.
func (s *Session) advise(e *ExecError) {
	if m := missingImport.FindStringSubmatch(e.Msg); m != nil {
		if restricted[m[1]] && !s.opts.Unrestricted {
			e.Msg = fmt.Sprintf("package %q is only available when seqlab runs with --unrestricted: it lets a cell run programs or reach past Go's safety checks", m[1])
		} else {
			e.Msg = fmt.Sprintf("package %q is not available in seqlab notebooks; they offer seqlab's packages, gonum's mat and the common parts of the standard library", m[1])
		}
		return
	}
	if m := missingGeneric.FindStringSubmatch(e.Msg); m != nil {
		e.Msg = fmt.Sprintf("%s.%s is a generic function, and the interpreter only has Go 1.22's slices and maps (Contains, Index, Insert, Delete, Equal, Clone, Compact, Reverse, …); sort with sort.Ints, sort.Float64s or sort.Slice, and range over a map directly", m[1], m[2])
		return
	}
	if m := undefinedName.FindStringSubmatch(e.Msg); m != nil {
		for key := range symbols.Symbols {
			if path, name := splitKey(key); name == m[1] {
				e.Msg += fmt.Sprintf(" (to use package %s, add: import %q)", name, path)
				return
			}
		}
	}
}

// splitKey splits a symbol-table key "path/name" into the import path and
// the package name.
func splitKey(key string) (path, name string) {
	i := strings.LastIndexByte(key, '/')
	if i < 0 {
		return key, key
	}
	return key[:i], key[i+1:]
}

// yaegiNoise drops the line yaegi prints when interpreted code panics
// ("3:1: panic: main(...)"): the kernel reports the panic itself.
type yaegiNoise struct{ w io.Writer }

var panicLine = regexp.MustCompile(`^(?:\S+:)?\d+:\d+: panic: `)

func (y yaegiNoise) Write(p []byte) (int, error) {
	if panicLine.Match(p) {
		return len(p), nil
	}
	return y.w.Write(p)
}

var posPrefix = regexp.MustCompile(`^(?:cell:)?(\d+):(\d+): `)

// toExecError turns an interpreter error into an ExecError with the cell's
// line and column when the message starts with them.
func toExecError(err error) *ExecError {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &ExecError{Msg: "interrupted"}
	}
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "_.go:")
	if m := posPrefix.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		col, _ := strconv.Atoi(m[2])
		return &ExecError{Msg: strings.TrimSpace(msg[len(m[0]):]), Line: line, Col: col}
	}
	if p, ok := err.(interp.Panic); ok {
		if e, ok := p.Value.(exitCalled); ok {
			return &ExecError{Msg: e.Error()}
		}
		return &ExecError{Msg: "panic: " + plainPanic(fmt.Sprint(p.Value))}
	}
	return &ExecError{Msg: msg}
}

var (
	nilUse     = regexp.MustCompile(`^reflect: call of reflect\.Value\.(Field|Interface|Elem|Set\w*|Int|Float|Len|Index) on zero Value$`)
	callNonFun = regexp.MustCompile(`^reflect: call of reflect\.Value\.Call on (\w+) Value$`)
)

// plainPanic says what the interpreter's own panics (from package reflect,
// which it runs cells on) mean in a Go program's words.
func plainPanic(msg string) string {
	switch {
	case nilUse.MatchString(msg):
		return "runtime error: invalid memory address or nil pointer dereference (a nil pointer or nil value was used)"
	case msg == "reflect.Value.Call: call of nil function":
		return "runtime error: invalid memory address or nil pointer dereference (a nil function was called)"
	case msg == "reflect: Method on nil interface value":
		return "runtime error: invalid memory address or nil pointer dereference (a method was called on a nil interface value)"
	case msg == "reflect: slice index out of range" || msg == "reflect: array index out of range" || msg == "reflect: string index out of range":
		what := strings.Fields(msg)[1]
		return "runtime error: index out of range (an index below 0 or not less than the length of the " + what + ")"
	case strings.HasPrefix(msg, "reflect.Value.Slice: slice index out of bounds"), strings.HasPrefix(msg, "reflect.Value.Slice3: slice index out of bounds"):
		return "runtime error: slice bounds out of range"
	}
	if m := callNonFun.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("cannot call a value of kind %s: it is not a function", m[1])
	}
	return msg
}

// resultReply formats the value of a bare final expression.
func resultReply(v reflect.Value) Reply {
	if dv, ok := asDisplay(v); ok {
		return dv
	}
	return Reply{Type: TypeResult, Text: FormatValue(v)}
}

// FormatValue is how a cell's value is shown: matrices formatted in rows,
// strings quoted, errors by their message, everything else with %v (structs
// with their field names).
func FormatValue(v reflect.Value) string {
	if !v.IsValid() {
		return "<nil>"
	}
	if v.CanInterface() {
		switch x := v.Interface().(type) {
		case nil:
			return "<nil>"
		case mat.Matrix:
			if isNilPointer(v) {
				return "<nil>"
			}
			r, c := x.Dims()
			return fmt.Sprintf("%d×%d\n%v", r, c, mat.Formatted(x, mat.Squeeze(), mat.Excerpt(8)))
		case error:
			return "error: " + x.Error()
		case string:
			return strconv.Quote(x)
		case fmt.Stringer:
			return x.String()
		}
		if v.Kind() == reflect.Struct || (v.Kind() == reflect.Pointer && v.Elem().Kind() == reflect.Struct) {
			return fmt.Sprintf("%+v", v.Interface())
		}
		return fmt.Sprintf("%v", v.Interface())
	}
	return v.String()
}

func isNilPointer(v reflect.Value) bool {
	for v.Kind() == reflect.Interface {
		v = v.Elem()
	}
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// Names lists what cells have declared so far, for completion.
func (s *Session) Names() []string {
	if !s.mu.TryLock() {
		return nil
	}
	defer s.mu.Unlock()
	return s.plan.Names()
}

// cellContext hands each cell its context: the kernel sets the running
// cell's, and the cell's first statement assigns it to the global ctx, so
// that goroutines a cell starts keep the context of the cell that started
// them.
type cellContext struct {
	mu  sync.RWMutex
	cur context.Context
}

func newCellContext() *cellContext { return &cellContext{cur: context.Background()} }

func (c *cellContext) set(ctx context.Context) {
	c.mu.Lock()
	c.cur = ctx
	c.mu.Unlock()
}

func (c *cellContext) get() context.Context {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.cur
}
