package main

import (
	"bytes"
	"fmt"
	"go/format"
	"regexp"
	"strings"
	"testing"

	"github.com/traefik/yaegi/extract"
)

// TestMatchesYaegiExtract checks that gen writes what `yaegi extract` writes
// (apart from the header, the build line and the platform constants), for
// packages that exercise every kind of symbol: functions, variables, typed
// and untyped constants, types, interface wrappers, restricted stand-ins.
func TestMatchesYaegiExtract(t *testing.T) {
	if testing.Short() {
		t.Skip("skipping in -short mode: yaegi extract type-checks each package from source (a few seconds)")
	}
	// math: untyped int and float constants; io: interface wrappers; context:
	// wrappers naming another package's types; log: restricted stand-ins;
	// time: typed constants.
	pkgs := []string{"strings", "math", "io", "context", "log", "time"}
	tag, err := goReleaseTag()
	if err != nil {
		t.Skip(err)
	}
	g := generator{Table: "Symbols", GoTag: tag}
	imp, err := newImporter(pkgs, defaultGOOS, defaultGOARCH)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range pkgs {
		pkg, err := imp.Import(path)
		if err != nil {
			t.Fatal(err)
		}
		got, err := g.content(pkg)
		if err != nil {
			t.Fatal(err)
		}
		t.Run(path, func(t *testing.T) {
			t.Parallel()
			ext := extract.Extractor{Dest: "symbols"}
			var buf bytes.Buffer
			if _, err := ext.Extract(path, "", &buf); err != nil {
				t.Fatal(err)
			}
			want, err := withoutHeader(buf.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			got, err := withoutHeader(got)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("gen and yaegi extract differ for %s: %s", path, firstDiff(got, want))
			}
		})
	}
}

var plusBuild = regexp.MustCompile(`(?m)^// \+build .*\n`)

// withoutHeader drops the first line (the header, which names the
// generator) and yaegi extract's // +build line.
func withoutHeader(src []byte) ([]byte, error) {
	_, rest, _ := bytes.Cut(src, []byte("\n"))
	return format.Source(plusBuild.ReplaceAll(rest, nil))
}

// firstDiff describes the first line where got and want differ.
func firstDiff(got, want []byte) string {
	g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d: gen has %q, yaegi extract has %q", i+1, gl, wl)
		}
	}
	return "same lines"
}

func TestFileName(t *testing.T) {
	tests := []struct {
		path, table, suffix, want string
	}{
		{"strings", "Symbols", "", "stdlib_strings.go"},
		{"math/rand/v2", "Symbols", "", "stdlib_math_rand_v2.go"},
		{"github.com/seqlab/seqlab/models/lstm", "Symbols", "", "seqlab_models_lstm.go"},
		{"github.com/seqlab/seqlab/display", "Symbols", "", "seqlab_display.go"},
		{"gonum.org/v1/gonum/mat", "Symbols", "", "gonum_mat.go"},
		{"github.com/x/x/sub-pkg", "Symbols", "", "x_sub_pkg.go"},
		{"os/exec", "Unrestricted", "", "unrestricted_os_exec.go"},
		{"syscall", "Unrestricted", "_linux_amd64", "unrestricted_syscall_linux_amd64.go"},
	}
	for _, tt := range tests {
		if got := fileName(tt.path, tt.table, tt.suffix); got != tt.want {
			t.Errorf("fileName(%q, %q, %q) = %q; want %q", tt.path, tt.table, tt.suffix, got, tt.want)
		}
	}
}
