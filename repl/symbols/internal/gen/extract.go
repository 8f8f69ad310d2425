package main

// The content of a table file, after github.com/traefik/yaegi/extract
// (v0.16.1, Apache-2.0), whose genContent is not exported: the same template
// and the same rules, so that the interpreter sees what `yaegi extract` would
// give it. Changes: the header and build line, the table name, generic
// aliases skipped, platform constants as expressions.

import (
	"bytes"
	"fmt"
	"go/constant"
	"go/format"
	"go/types"
	"math/big"
	"path"
	"regexp"
	"strings"
	"text/template"
)

const model = `{{.Header}} (yaegi extract {{.ImportPath}}). DO NOT EDIT.

{{if .BuildTags}}//go:build {{.BuildTags}}{{end}}

package symbols

import (
{{- range $key, $value := .Imports }}
	{{- if $value}}
	"{{$key}}"
	{{- end}}
{{- end}}
{{- if or .Val .Typ }}
	"{{.ImportPath}}"
{{- end}}
	"reflect"
)

func init() {
	{{.Table}}["{{.PkgName}}"] = map[string]reflect.Value{
		{{- if .Val}}
		// function, constant and variable definitions
		{{range $key, $value := .Val -}}
			{{- if $value.Addr -}}
				"{{$key}}": reflect.ValueOf(&{{$value.Name}}).Elem(),
			{{else -}}
				"{{$key}}": reflect.ValueOf({{$value.Name}}),
			{{end -}}
		{{end}}

		{{- end}}
		{{- if .Typ}}
		// type definitions
		{{range $key, $value := .Typ -}}
			"{{$key}}": reflect.ValueOf((*{{$value}})(nil)),
		{{end}}

		{{- end}}
		{{- if .Wrap}}
		// interface wrapper definitions
		{{range $key, $value := .Wrap -}}
			"_{{$key}}": reflect.ValueOf((*{{$value.Name}})(nil)),
		{{end}}
		{{- end}}
	}
}
{{range $key, $value := .Wrap -}}
	// {{$value.Name}} is an interface wrapper for {{$key}} type
	type {{$value.Name}} struct {
		IValue interface{}
		{{range $m := $value.Method -}}
		W{{$m.Name}} func{{$m.Param}} {{$m.Result}}
		{{end}}
	}
	{{range $m := $value.Method -}}
		func (W {{$value.Name}}) {{$m.Name}}{{$m.Param}} {{$m.Result}} {
			{{- if eq $m.Name "String"}}
			if W.WString == nil {
				return ""
			}
			{{end -}}
			{{$m.Ret}} W.W{{$m.Name}}{{$m.Arg}}
		}
	{{end}}
{{end}}
`

var modelTemplate = template.Must(template.New("extract").Parse(model))

// val is a value symbol: "pkg.Name" or an expression, and whether it is a
// variable (stored addressable).
type val struct {
	Name string
	Addr bool
}

// method is one method of an interface wrapper.
type method struct {
	Name, Param, Result, Arg, Ret string
}

// wrap is an interface wrapper: a struct with a func field per method, which
// the interpreter fills to pass an interpreted value as that interface.
type wrap struct {
	Name   string
	Method []method
}

// restricted symbols have a stand-in in package symbols (restricted.go).
var restricted = map[string]bool{
	"osExit":        true,
	"osFindProcess": true,
	"logFatal":      true,
	"logFatalf":     true,
	"logFatalln":    true,
	"logLogger":     true,
	"logNew":        true,
}

type generator struct {
	Table   string           // Symbols or Unrestricted
	Exclude []*regexp.Regexp // symbols to leave out
	GoTag   string           // go1.N, the build tag of standard-library files
}

// file returns the table file of p, formatted.
func (g *generator) file(p *types.Package) ([]byte, error) {
	src, err := g.content(p)
	if err != nil {
		return nil, err
	}
	return rewritePortable(src, p.Path())
}

// content is yaegi extract's genContent for p.
func (g *generator) content(p *types.Package) ([]byte, error) {
	importPath := p.Path()
	prefix := "_" + importPath + "_"
	prefix = strings.NewReplacer("/", "_", "-", "_", ".", "_", "~", "_").Replace(prefix)

	typ := map[string]string{}
	vals := map[string]val{}
	wraps := map[string]wrap{}
	imports := map[string]bool{}
	qualify := func(pkg *types.Package) string {
		if pkg.Path() != importPath {
			imports[pkg.Path()] = true
		}
		return pkg.Name()
	}

	sc := p.Scope()
	for _, name := range sc.Names() {
		o := sc.Lookup(name)
		if !o.Exported() || g.excluded(name) {
			continue
		}
		pname := p.Name() + "." + name
		if rname := p.Name() + name; restricted[rname] {
			pname = rname
		}

		switch o := o.(type) {
		case *types.Const:
			if b, ok := o.Type().(*types.Basic); ok && b.Info()&types.IsUntyped != 0 {
				// An untyped constant keeps its exact value.
				vals[name] = val{fixConst(pname, o.Val(), imports), false}
			} else {
				vals[name] = val{pname, false}
			}
		case *types.Func:
			if s := o.Type().(*types.Signature); s.TypeParams().Len() > 0 || s.RecvTypeParams().Len() > 0 {
				continue // generic
			}
			vals[name] = val{pname, false}
		case *types.Var:
			vals[name] = val{pname, true}
		case *types.TypeName:
			if t, ok := o.Type().(*types.Named); ok && t.TypeParams().Len() > 0 {
				continue // generic
			}
			if t, ok := o.Type().(*types.Alias); ok && t.TypeParams().Len() > 0 {
				continue // generic alias
			}
			typ[name] = pname
			t, ok := o.Type().Underlying().(*types.Interface)
			if !ok {
				continue
			}
			if t.NumMethods() == 0 && t.NumEmbeddeds() != 0 {
				delete(typ, name) // a constraint
				continue
			}
			var methods []method
			for i := range t.NumMethods() {
				f := t.Method(i)
				if !f.Exported() {
					continue
				}
				methods = append(methods, wrapperMethod(f, qualify))
			}
			wraps[name] = wrap{prefix + name, methods}
		}
	}

	var buildTags string
	if isStdlib(importPath) {
		buildTags = g.GoTag
	}
	var b bytes.Buffer
	err := modelTemplate.Execute(&b, map[string]any{
		"Header":     Header,
		"Table":      g.Table,
		"Imports":    imports,
		"ImportPath": importPath,
		"PkgName":    path.Join(importPath, p.Name()),
		"Val":        vals,
		"Typ":        typ,
		"Wrap":       wraps,
		"BuildTags":  buildTags,
	})
	if err != nil {
		return nil, fmt.Errorf("template: %w", err)
	}
	src, err := format.Source(b.Bytes())
	if err != nil {
		return nil, fmt.Errorf("formatting: %w\n%s", err, b.Bytes())
	}
	return src, nil
}

func (g *generator) excluded(name string) bool {
	for _, re := range g.Exclude {
		if re.MatchString(name) {
			return true
		}
	}
	return false
}

// wrapperMethod is the wrapper method for the interface method f.
func wrapperMethod(f *types.Func, qualify types.Qualifier) method {
	sign := f.Type().(*types.Signature)
	args := make([]string, sign.Params().Len())
	params := make([]string, len(args))
	for j := range args {
		v := sign.Params().At(j)
		if args[j] = v.Name(); args[j] == "" {
			args[j] = fmt.Sprintf("a%d", j)
		}
		if sign.Variadic() && j == len(args)-1 {
			// The variadic parameter: []T becomes ...T.
			at := types.TypeString(v.Type(), qualify)[2:]
			params[j] = args[j] + " ..." + at
			args[j] += "..."
		} else {
			params[j] = args[j] + " " + types.TypeString(v.Type(), qualify)
		}
	}
	results := make([]string, sign.Results().Len())
	for j := range results {
		v := sign.Results().At(j)
		results[j] = v.Name() + " " + types.TypeString(v.Type(), qualify)
	}
	ret := ""
	if sign.Results().Len() > 0 {
		ret = "return"
	}
	return method{
		Name:   f.Name(),
		Param:  "(" + strings.Join(params, ", ") + ")",
		Result: "(" + strings.Join(results, ", ") + ")",
		Arg:    "(" + strings.Join(args, ", ") + ")",
		Ret:    ret,
	}
}

// fixConst writes an untyped string, integer or float constant as a
// constant.Value literal, which the interpreter treats as untyped; other
// kinds take their default type, as in yaegi.
func fixConst(name string, v constant.Value, imports map[string]bool) string {
	var tok, str string
	switch v.Kind() {
	case constant.String:
		tok, str = "STRING", v.ExactString()
	case constant.Int:
		tok, str = "INT", v.ExactString()
	case constant.Float:
		f, ok := constant.Val(v).(*big.Float)
		if !ok {
			f = new(big.Float).SetRat(constant.Val(v).(*big.Rat))
		}
		tok, str = "FLOAT", f.Text('g', int(f.Prec()))
	default:
		return name
	}
	imports["go/constant"] = true
	imports["go/token"] = true
	return fmt.Sprintf("constant.MakeFromLiteral(%q, token.%s, 0)", str, tok)
}

// rewritePortable replaces the literals of importPath's platform-dependent
// constants with expressions, and drops go/token if no literal is left.
func rewritePortable(src []byte, importPath string) ([]byte, error) {
	consts := portable[importPath]
	if len(consts) == 0 {
		return src, nil
	}
	for name, expr := range consts {
		re := regexp.MustCompile(`(?m)^(\s*"` + regexp.QuoteMeta(name) + `":\s*reflect\.ValueOf\()constant\.MakeFromLiteral\(.*\)\),$`)
		if !re.Match(src) {
			return nil, fmt.Errorf("platform constant %s.%s not found", importPath, name)
		}
		src = re.ReplaceAll(src, []byte("${1}"+expr+"),"))
	}
	if !bytes.Contains(src, []byte("token.")) {
		src = bytes.Replace(src, []byte("\t\"go/token\"\n"), nil, 1)
	}
	return format.Source(src)
}
