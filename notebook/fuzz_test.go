package notebook

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// addFixtures seeds a fuzz test with the files in testdata matching pattern.
func addFixtures(f *testing.F, pattern string) {
	files, err := filepath.Glob(filepath.Join("testdata", pattern))
	if err != nil || len(files) == 0 {
		f.Fatalf("no testdata/%s: %v", pattern, err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

// FuzzParse checks that Parse never panics and, for input it accepts, the
// round-trip law: Markdown(true) gives the input back, Markdown(false) gives
// it back when it stores no outputs and otherwise parses to the same cells
// without their outputs.
func FuzzParse(f *testing.F) {
	addFixtures(f, "*.md")
	for _, s := range []string{
		"", "```go", "```go\n```", "~~~go\r\nx\r\n~~~", "  ```go\n a\n  ```\n\n```output json\n{}\n```",
		"```go\n```\n\n````output\n```\n````\n\n~~~output error\n~~~\n", "~~~\n```go\n~~~", "\n\n```go\n```\n\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		nb, err := Parse(data)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "line ") {
				t.Errorf("Parse(%q) error %q does not start with a line number", data, err)
			}
			return
		}
		if got := nb.Markdown(true); string(got) != string(data) {
			t.Fatalf("Parse(%q).Markdown(true) = %q", data, got)
		}
		want := cellsOf(nb)
		hasOutputs := false
		for i := range want {
			hasOutputs = hasOutputs || len(want[i].Outputs) > 0
			want[i].Outputs = nil
		}
		noOutputs := nb.Markdown(false)
		if !hasOutputs && string(noOutputs) != string(data) {
			t.Fatalf("Parse(%q).Markdown(false) = %q", data, noOutputs)
		}
		back, err := Parse(noOutputs)
		if err != nil {
			t.Fatalf("Parse(Markdown(false)) of %q: %v", data, err)
		}
		if got := cellsOf(back); !sameCells(got, want) {
			t.Fatalf("Parse(Markdown(false)) of %q = %v; want %v", data, got, want)
		}
	})
}

// FuzzEdited checks what Markdown writes for cells changed in memory: it
// always parses again, and code sources and outputs come back unchanged
// (but for the normalisations in the package documentation, avoided here:
// the fuzzed text has no "\r", and a stream ends in "\n").
func FuzzEdited(f *testing.F) {
	f.Add([]byte("# T\n```go\nx\n```\n\n```output\n1\n```\n"), "y := 1\n````\n", "```\n", "text\n~~~go\n")
	f.Add([]byte("~~~go\r\nx\r\n~~~"), "", "\n", "")
	f.Add([]byte("  ```go\n  x\n  ```\ntext"), "  ```\n~~~~", "", "```go\n")
	f.Fuzz(func(t *testing.T, data []byte, source, text, markdown string) {
		nb, err := Parse(data)
		if err != nil {
			return
		}
		source = strings.ReplaceAll(source, "\r", "")
		text = strings.ReplaceAll(text, "\r", "")
		markdown = strings.ReplaceAll(markdown, "\r", "")
		stream := text
		if !strings.HasSuffix(stream, "\n") {
			stream += "\n"
		}
		outputs := []Output{{Stream, stream}, {Result, text}, {Error, text}, {Display, text}}
		for _, c := range nb.Cells {
			if c.Kind == Code {
				c.Source = source
				c.Outputs = outputs
			}
		}
		nb.Cells = append(nb.Cells, &Cell{Kind: Markdown, Source: markdown}, nb.NewCell(Code, source))
		nb.Cells[len(nb.Cells)-1].Outputs = outputs

		out := nb.Markdown(true)
		back, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse(Markdown(true)) after edits: %v\n%q", err, out)
		}
		// Compare only the last code cell: the Markdown cell before it may
		// hold a ```go block of its own.
		code := back.CodeCells()
		if len(code) == 0 {
			t.Fatalf("Parse(Markdown(true)) after edits has no code cell:\n%q", out)
		}
		last := code[len(code)-1]
		if last != back.Cells[len(back.Cells)-1] {
			t.Fatalf("Parse(Markdown(true)) after edits does not end with the new code cell:\n%q", out)
		}
		if last.Source != source || !outputsEqual(last.Outputs, outputs) {
			t.Fatalf("the new cell came back as %q %q; want %q %q\n%q", last.Source, last.Outputs, source, outputs, out)
		}
		// Without the Markdown cell, every code cell comes back.
		nb.Cells = append(nb.Cells[:len(nb.Cells)-2], nb.Cells[len(nb.Cells)-1])
		out = nb.Markdown(true)
		if back, err = Parse(out); err != nil {
			t.Fatalf("Parse(Markdown(true)) after edits: %v\n%q", err, out)
		}
		for i, c := range nb.CodeCells() {
			got := back.CodeCells()
			if i >= len(got) || got[i].Source != c.Source || !outputsEqual(got[i].Outputs, c.Outputs) {
				t.Fatalf("code cell %d did not come back from\n%q", i, out)
			}
		}
	})
}

// FuzzImportIpynb checks that ImportIpynb never panics and that what it
// reads survives an export and a second import.
func FuzzImportIpynb(f *testing.F) {
	addFixtures(f, "*.ipynb")
	addFixtures(f, "*.ipynb.golden")
	for _, s := range []string{
		"", "{}", "[]", `{"nbformat": 4, "cells": []}`, `{"nbformat": 3}`,
		`{"nbformat": 4, "cells": [{"cell_type": "code", "source": ["a\n", "b"], "outputs": [{"output_type": "error", "ename": "E", "evalue": "", "traceback": ["E", "x"]}]}]}`,
		`{"nbformat": 4, "cells": [{"cell_type": "code", "outputs": [{"output_type": "display_data", "data": {"application/vnd.seqlab.display+json": "<\u2028>"}}]}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		nb, err := ImportIpynb(data)
		if err != nil {
			return
		}
		out, err := nb.Ipynb()
		if err != nil {
			t.Fatalf("Ipynb() of an imported notebook: %v", err)
		}
		back, err := ImportIpynb(out)
		if err != nil {
			t.Fatalf("ImportIpynb(Ipynb()): %v\n%s", err, out)
		}
		if got, want := cellsOf(back), cellsOf(nb); !sameCells(got, want) {
			t.Fatalf("ImportIpynb(Ipynb()) = %v; want %v", got, want)
		}
		for i, c := range back.Cells {
			if c.ID != nb.Cells[i].ID {
				t.Fatalf("cell %d: ID %q came back as %q", i, nb.Cells[i].ID, c.ID)
			}
		}
		// And the Markdown form parses.
		if _, err := Parse(nb.Markdown(true)); err != nil {
			t.Fatalf("Parse(Markdown(true)) of an imported notebook: %v", err)
		}
	})
}
