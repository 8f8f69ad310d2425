package repl

import (
	"context"
	"fmt"
	"go/token"
	"reflect"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/seqlab/seqlab/repl/docs"
	"github.com/seqlab/seqlab/repl/symbols"
)

// builtins cells can use, for completion.
var builtins = []string{
	"append", "cap", "clear", "close", "complex", "copy", "delete", "imag", "len", "make",
	"max", "min", "new", "panic", "print", "println", "real", "recover",
	"bool", "byte", "error", "float32", "float64", "int", "int64", "rune", "string", "uint8", "any",
	"true", "false", "nil", "iota",
}

// clampPos brings a cursor position from a request within code and back to
// the start of the character it falls in: a client may send any number.
func clampPos(code string, pos int) int {
	pos = max(0, min(pos, len(code)))
	for pos > 0 && pos < len(code) && !utf8.RuneStart(code[pos]) {
		pos--
	}
	return pos
}

func isIdentRune(r rune) bool { return r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) }

// isSelector says whether x is an identifier or a selector of identifiers
// (a.b.c): something Inspect and Complete may evaluate without effects.
func isSelector(x string) bool {
	for part := range strings.SplitSeq(x, ".") {
		if !token.IsIdentifier(part) {
			return false
		}
	}
	return true
}

// wordAt returns the start of the identifier or selector (a.b.c) that ends
// at pos in code.
func wordAt(code string, pos int) (start int, word string) {
	pos = clampPos(code, pos)
	start = pos
	for start > 0 {
		r, size := utf8.DecodeLastRuneInString(code[:start])
		if r == '.' || isIdentRune(r) {
			start -= size
			continue
		}
		break
	}
	return start, code[start:pos]
}

// Complete returns completions for the word before pos: members of a
// package or of a variable after a dot, otherwise names in scope, packages,
// keywords and builtins. start is where the completed word begins.
func (s *Session) Complete(code string, pos int) (start int, items []string) {
	start, word := wordAt(code, pos)
	if i := strings.LastIndexByte(word, '.'); i >= 0 {
		prefix := word[i+1:]
		members := s.members(word[:i])
		for _, m := range members {
			if strings.HasPrefix(m, prefix) {
				items = append(items, word[:i+1]+m)
			}
		}
		return start, items
	}
	seen := map[string]bool{}
	var cands []string
	add := func(names ...string) {
		for _, n := range names {
			if !seen[n] {
				seen[n] = true
				cands = append(cands, n)
			}
		}
	}
	add(s.Names()...)
	add("ctx")
	for name := range s.packages() {
		add(name)
	}
	for _, kw := range []string{"break", "case", "chan", "const", "continue", "default", "defer", "else", "fallthrough",
		"for", "func", "go", "goto", "if", "import", "interface", "map", "package", "range", "return", "select",
		"struct", "switch", "type", "var"} {
		add(kw)
	}
	add(builtins...)
	for _, c := range cands {
		if strings.HasPrefix(c, word) && c != word {
			items = append(items, c)
		}
	}
	sort.Strings(items)
	return start, items
}

// packages maps the package names cells see to their import paths.
func (s *Session) packages() map[string]string {
	m := map[string]string{}
	for name, path := range Preload {
		m[name] = path
	}
	return m
}

// members lists the exported members of a package name, or the fields and
// methods of a variable's value.
func (s *Session) members(x string) []string {
	if path, ok := s.packages()[x]; ok {
		var out []string
		for name := range symbols.Symbols[path+"/"+pathBase(path)] {
			if token.IsExported(name) {
				out = append(out, name)
			}
		}
		sort.Strings(out)
		return out
	}
	if !isSelector(x) || !s.mu.TryLock() {
		return nil // not a plain name, or a cell is running: don't touch the interpreter
	}
	v, err := s.eval(context.Background(), x)
	s.mu.Unlock()
	if err != nil || !v.IsValid() {
		return nil
	}
	return valueMembers(v)
}

func valueMembers(v reflect.Value) []string {
	seen := map[string]bool{}
	var out []string
	t := v.Type()
	for _, tt := range []reflect.Type{t, reflect.PointerTo(t)} {
		for i := range tt.NumMethod() {
			if n := tt.Method(i).Name; !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	st := t
	if st.Kind() == reflect.Pointer {
		st = st.Elem()
	}
	if st.Kind() == reflect.Struct {
		for i := range st.NumField() {
			if f := st.Field(i); f.IsExported() && !seen[f.Name] {
				seen[f.Name] = true
				out = append(out, f.Name)
			}
		}
	}
	sort.Strings(out)
	return out
}

// Inspect describes the identifier at pos: for package members their
// documentation and signature, for variables their type and value.
func (s *Session) Inspect(code string, pos int) string {
	// Extend to the end of the identifier under the cursor.
	end := clampPos(code, pos)
	for end < len(code) {
		r, size := utf8.DecodeRuneInString(code[end:])
		if !isIdentRune(r) {
			break
		}
		end += size
	}
	_, word := wordAt(code, end)
	word = strings.Trim(word, ".")
	if word == "" {
		return ""
	}
	if i := strings.LastIndexByte(word, '.'); i >= 0 {
		if path, ok := s.packages()[word[:i]]; ok {
			name := word[i+1:]
			var b strings.Builder
			if v, ok := symbols.Symbols[path+"/"+pathBase(path)][name]; ok {
				fmt.Fprintf(&b, "%s.%s: %s\n", word[:i], name, describe(v))
			}
			if doc := docs.Lookup(path, name); doc != "" {
				b.WriteString("\n" + doc)
			}
			return strings.TrimSpace(b.String())
		}
	}
	if !isSelector(word) || !s.mu.TryLock() {
		return ""
	}
	v, err := s.eval(context.Background(), word)
	s.mu.Unlock()
	if err != nil || !v.IsValid() {
		return ""
	}
	return fmt.Sprintf("%s %s = %s", word, v.Type(), FormatValue(v))
}

// describe says what a symbol-table entry is.
func describe(v reflect.Value) string {
	t := v.Type()
	switch {
	case t.Kind() == reflect.Pointer && v.IsNil():
		return "type " + t.Elem().String()
	case t.Kind() == reflect.Func:
		return t.String()
	case v.CanAddr():
		return "var of type " + t.String()
	}
	return fmt.Sprintf("%v (%s)", v, t)
}
