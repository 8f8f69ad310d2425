package notebook

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// A cellWant is the part of a cell that a test checks.
type cellWant struct {
	Kind    CellKind
	Source  string
	Outputs []Output
}

func (c cellWant) String() string {
	return fmt.Sprintf("{%v %q %q}", c.Kind, c.Source, c.Outputs)
}

func md(s string) cellWant                  { return cellWant{Kind: Markdown, Source: s} }
func code(s string, out ...Output) cellWant { return cellWant{Kind: Code, Source: s, Outputs: out} }

func cellsOf(nb *Notebook) []cellWant {
	var cs []cellWant
	for _, c := range nb.Cells {
		cs = append(cs, cellWant{c.Kind, c.Source, c.Outputs})
	}
	return cs
}

func sameCells(a, b []cellWant) bool {
	return slices.EqualFunc(a, b, func(x, y cellWant) bool {
		return x.Kind == y.Kind && x.Source == y.Source && slices.Equal(x.Outputs, y.Outputs)
	})
}

func TestParse(t *testing.T) {
	tests := []struct {
		desc string
		in   string
		want []cellWant
	}{
		{"empty file", "", nil},
		{"only Markdown", "# Title\n\ntext\n", []cellWant{md("# Title\n\ntext\n")}},
		{"only blank lines", "\n \n\t", nil},
		{"blank lines between code cells are no cell", "```go\na\n```\n\n  \n```go\nb\n```\n", []cellWant{code("a"), code("b")}},
		{"blank lines before the first and after the last code cell", "\n\n```go\na\n```\n\n\n", []cellWant{code("a")}},
		{"blank lines after outputs", "```go\na\n```\n\n```output\n1\n```\n\n```go\nb\n```\n", []cellWant{code("a", Output{Stream, "1\n"}), code("b")}},
		{"only code", "```go\nx := 1\n```\n", []cellWant{code("x := 1")}},
		{"no final newline", "```go\nx := 1\n```", []cellWant{code("x := 1")}},
		{"Markdown without final newline", "```go\n```\ntext", []cellWant{code(""), md("text")}},
		{"empty code cell", "```go\n```\n", []cellWant{code("")}},
		{"code cell of one empty line", "```go\n\n```\n", []cellWant{code("")}},
		{"code cell ending in an empty line", "```go\nx\n\n```\n", []cellWant{code("x\n")}},
		{"Markdown around code", "# T\n\n```go\nx\n```\n\nafter\n",
			[]cellWant{md("# T\n\n"), code("x"), md("\nafter\n")}},
		{"back to back", "```go\na\n```\n```go\nb\n```\n", []cellWant{code("a"), code("b")}},
		{"info string with attributes", "```go title=x\na\n```\n", []cellWant{code("a")}},
		{"Go in capitals is not a cell", "```Go\na\n```\n", []cellWant{md("```Go\na\n```\n")}},
		{"golang is not a cell", "```golang\na\n```\n", []cellWant{md("```golang\na\n```\n")}},
		{"python block", "```python\nx = 1\n```\n", []cellWant{md("```python\nx = 1\n```\n")}},
		{"```go inside a ~~~ block", "~~~\n```go\nx\n```\n~~~\n", []cellWant{md("~~~\n```go\nx\n```\n~~~\n")}},
		{"```go inside a plain ``` block", "```\n```go\n```\n", []cellWant{md("```\n```go\n```\n")}},
		{"unclosed Markdown fence runs to the end", "~~~\n```go\nx\n```\n",
			[]cellWant{md("~~~\n```go\nx\n```\n")}},
		{"a shorter fence does not close", "````go\n```\n````\n", []cellWant{code("```")}},
		{"a longer fence closes", "```go\nx\n`````\n", []cellWant{code("x")}},
		{"tildes do not close backticks", "```go\n~~~\n```\n", []cellWant{code("~~~")}},
		{"a fence with an info string does not close", "```go\n```go\n```\n", []cellWant{code("```go")}},
		{"tilde go fence", "~~~go\nx\n~~~\n", []cellWant{code("x")}},
		{"backtick in a backtick info string: not a fence", "```go`\nx\n", []cellWant{md("```go`\nx\n")}},
		{"indented fence strips its indentation", "  ```go\n  a\n    b\n c\nd\n  ```\n", []cellWant{code("a\n  b\nc\nd")}},
		{"four spaces: not a fence", "    ```go\n    x\n    ```\n", []cellWant{md("    ```go\n    x\n    ```\n")}},
		{"closing fence indented and with trailing blanks", "```go\nx\n   ```  \t\n", []cellWant{code("x")}},
		{"CRLF", "# T\r\n\r\n```go\r\na\r\nb\r\n```\r\n\r\n```output\r\n1\r\n```\r\n",
			[]cellWant{md("# T\n\n"), code("a\nb", Output{Stream, "1\n"})}},
		{"stream output", "```go\nx\n```\n\n```output\nhi\n```\n", []cellWant{code("x", Output{Stream, "hi\n"})}},
		{"result output", "```go\nx\n```\n\n```output result\n42\n```\n", []cellWant{code("x", Output{Result, "42"})}},
		{"error output", "```go\nx\n```\n\n```output error\nbad\n```\n", []cellWant{code("x", Output{Error, "bad"})}},
		{"display output", "```go\nx\n```\n\n```output json\n{\"a\":1}\n```\n",
			[]cellWant{code("x", Output{Display, `{"a":1}`})}},
		{"empty outputs", "```go\nx\n```\n\n```output\n```\n\n```output result\n```\n",
			[]cellWant{code("x", Output{Stream, ""}, Output{Result, ""})}},
		{"several outputs", "```go\nx\n```\n\n```output\na\n```\n\n~~~output error\nb\n~~~\n\nafter\n",
			[]cellWant{code("x", Output{Stream, "a\n"}, Output{Error, "b"}), md("\nafter\n")}},
		{"blank line of spaces before an output", "```go\nx\n```\n  \t\n```output\na\n```\n",
			[]cellWant{code("x", Output{Stream, "a\n"})}},
		{"no blank line: Markdown", "```go\nx\n```\n```output\na\n```\n",
			[]cellWant{code("x"), md("```output\na\n```\n")}},
		{"two blank lines: Markdown", "```go\nx\n```\n\n\n```output\na\n```\n",
			[]cellWant{code("x"), md("\n\n```output\na\n```\n")}},
		{"unknown output kind: Markdown", "```go\nx\n```\n\n```output html\na\n```\n",
			[]cellWant{code("x"), md("\n```output html\na\n```\n")}},
		{"output before any cell: Markdown", "\n```output\na\n```\n", []cellWant{md("\n```output\na\n```\n")}},
		{"output holding a fence", "```go\nx\n```\n\n````output\n```\n````\n", []cellWant{code("x", Output{Stream, "```\n"})}},
		{"a lone CR is not a line ending", "```go\rx\r```\n", []cellWant{md("```go\rx\r```\n")}},
		{"CR before CRLF stays in the source", "```go\r\na\r\r\n```\r\n", []cellWant{code("a\r")}},
	}
	for _, tt := range tests {
		nb, err := Parse([]byte(tt.in))
		if err != nil {
			t.Errorf("%s: Parse(%q) error: %v", tt.desc, tt.in, err)
			continue
		}
		if got := cellsOf(nb); !sameCells(got, tt.want) {
			t.Errorf("%s: Parse(%q) = %v; want %v", tt.desc, tt.in, got, tt.want)
		}
		if got := nb.Markdown(true); string(got) != tt.in {
			t.Errorf("%s: Parse(%q).Markdown(true) = %q; want the input", tt.desc, tt.in, got)
		}
		for i, c := range nb.Cells {
			if want := fmt.Sprintf("c%d", i+1); c.ID != want {
				t.Errorf("%s: cell %d has ID %q; want %q", tt.desc, i, c.ID, want)
			}
		}
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		desc string
		in   string
		want string
	}{
		{"unclosed go fence", "# T\n\n```go\nx := 1\n", "line 3: the ```go fence opened here is never closed"},
		{"unclosed at the end", "```go", "line 1: the ```go fence opened here is never closed"},
		{"closed only by a shorter fence", "````go\nx\n```\n", "line 1: the ````go fence opened here is never closed"},
		{"closed only by tildes", "text\n~~~go\nx\n```\n", "line 2: the ~~~go fence opened here is never closed"},
		{"second cell unclosed", "```go\n```\ntext\n```go\n", "line 4: the ```go fence opened here is never closed"},
		{"unclosed output", "```go\nx\n```\n\n```output result\n42\n", "line 5: the ```output result fence opened here is never closed"},
		{"CRLF", "```go\r\nx\r\n", "line 1: the ```go fence opened here is never closed"},
	}
	for _, tt := range tests {
		nb, err := Parse([]byte(tt.in))
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: Parse(%q) = %v, %v; want error %q", tt.desc, tt.in, nb, err, tt.want)
		}
	}
}

// TestFixtures checks the round-trip law on the notebooks in testdata and
// compares their forms without outputs and as .ipynb with golden files
// (rewrite them with go test -update).
func TestFixtures(t *testing.T) {
	files, err := filepath.Glob("testdata/*.md")
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata/*.md: %v", err)
	}
	for _, file := range files {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		nb, err := Parse(data)
		if err != nil {
			t.Errorf("Parse(%s): %v", file, err)
			continue
		}
		if got := nb.Markdown(true); !bytes.Equal(got, data) {
			t.Errorf("Parse(%s).Markdown(true) = %q; want the file", file, got)
		}
		noOutputs := nb.Markdown(false)
		hasOutputs := false
		for _, c := range nb.Cells {
			hasOutputs = hasOutputs || len(c.Outputs) > 0
		}
		if !hasOutputs && !bytes.Equal(noOutputs, data) {
			t.Errorf("Parse(%s).Markdown(false) = %q; want the file", file, noOutputs)
		}
		if hasOutputs {
			checkGolden(t, strings.TrimSuffix(file, ".md")+".nooutputs.golden", noOutputs)
		}
		ipynb, err := nb.Ipynb()
		if err != nil {
			t.Errorf("Parse(%s).Ipynb(): %v", file, err)
			continue
		}
		checkGolden(t, strings.TrimSuffix(file, ".md")+".ipynb.golden", ipynb)

		// Through Jupyter and back: the same cells, and the same file.
		back, err := ImportIpynb(ipynb)
		if err != nil {
			t.Errorf("ImportIpynb(Ipynb(%s)): %v", file, err)
			continue
		}
		if got, want := cellsOf(back), cellsOf(nb); !sameCells(got, want) {
			t.Errorf("ImportIpynb(Ipynb(%s)) = %v; want %v", file, got, want)
		}
	}
}

func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Errorf("%v (create it with go test -update)", err)
		return
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s:\n%s\nwant:\n%s", path, got, want)
	}
}

func TestMarkdownEdited(t *testing.T) {
	tests := []struct {
		desc string
		in   string
		edit func(nb *Notebook)
		want string
	}{
		{"new notebook", "", func(nb *Notebook) { nb.Cells = New().Cells }, "```go\n```\n"},
		{"changed code keeps the fence", "~~~~go title\nx\n~~~~\n", func(nb *Notebook) { nb.Cells[0].Source = "y\nz" },
			"~~~~go title\ny\nz\n~~~~\n"},
		{"changed code needing a longer fence", "```go\nx\n```\n", func(nb *Notebook) { nb.Cells[0].Source = "s := `\n````\n`" },
			"`````go\ns := `\n````\n`\n`````\n"},
		{"changed code in an indented fence", "  ```go\n  x\n  ```\n", func(nb *Notebook) { nb.Cells[0].Source = "a\n\n\tb" },
			"  ```go\n  a\n\n  \tb\n  ```\n"},
		{"changed code keeps CRLF", "```go\r\nx\r\n```\r\n\r\n```output\r\n1\r\n```\r\n", func(nb *Notebook) { nb.Cells[0].Source = "a\nb" },
			"```go\r\na\r\nb\r\n```\r\n\r\n```output\r\n1\r\n```\r\n"},
		{"changed Markdown keeps CRLF", "# T\r\n```go\r\n```\r\n", func(nb *Notebook) { nb.Cells[0].Source = "# U\n\n" },
			"# U\r\n\r\n```go\r\n```\r\n"},
		{"new outputs", "```go\nx\n```\n\ntext\n", func(nb *Notebook) {
			nb.Cells[0].Outputs = []Output{{Stream, "a\n"}, {Result, "1"}, {Error, "e\n"}, {Display, "{}"}, {Stream, "no newline"}}
		}, "```go\nx\n```\n\n```output\na\n```\n\n```output result\n1\n```\n\n```output error\ne\n\n```\n\n```output json\n{}\n```\n\n```output\nno newline\n```\n\ntext\n"},
		{"outputs after a cell at the end of the file", "```go\nx\n```", func(nb *Notebook) { nb.Cells[0].Outputs = []Output{{Result, "1"}} },
			"```go\nx\n```\n\n```output result\n1\n```\n"},
		{"outputs cleared", "```go\nx\n```\n\n```output\na\n```\n", func(nb *Notebook) { nb.Cells[0].Outputs = nil },
			"```go\nx\n```\n"},
		{"output holding fences", "```go\n```\n", func(nb *Notebook) { nb.Cells[0].Outputs = []Output{{Stream, "```\n````\n"}} },
			"```go\n```\n\n`````output\n```\n````\n`````\n"},
		{"cell appended after a code cell", "```go\nx\n```\n", func(nb *Notebook) { nb.Cells = append(nb.Cells, nb.NewCell(Code, "y")) },
			"```go\nx\n```\n\n```go\ny\n```\n"},
		{"cell appended after a code cell without a newline", "```go\nx\n```", func(nb *Notebook) { nb.Cells = append(nb.Cells, nb.NewCell(Code, "y")) },
			"```go\nx\n```\n\n```go\ny\n```\n"},
		{"cell inserted between back-to-back cells", "```go\nx\n```\n```go\nz\n```\n\n", func(nb *Notebook) {
			nb.Cells = []*Cell{nb.Cells[0], nb.NewCell(Code, "y"), nb.Cells[1]}
		}, "```go\nx\n```\n```go\ny\n```\n\n```go\nz\n```\n\n"},
		{"cells swapped", "```go\nx\n```\n\n\n```go\nz\n```\n", func(nb *Notebook) {
			nb.Cells[0], nb.Cells[1] = nb.Cells[1], nb.Cells[0]
		}, "```go\nz\n```\n\n```go\nx\n```\n"},
		{"the only cell deleted keeps the blank lines", "\n```go\nx\n```\n", func(nb *Notebook) { nb.Cells = nil }, "\n"},
		{"cell appended after text without a newline", "text", func(nb *Notebook) { nb.Cells = append(nb.Cells, nb.NewCell(Code, "x")) },
			"text\n```go\nx\n```\n"},
		{"cell appended after an open fence", "~~~\nx\n", func(nb *Notebook) { nb.Cells = append(nb.Cells, nb.NewCell(Code, "x")) },
			"~~~\nx\n~~~\n```go\nx\n```\n"},
		{"edited Markdown leaving ```go open", "", func(nb *Notebook) { nb.Cells = []*Cell{{Kind: Markdown, Source: "```go\nx"}} },
			"```go\nx\n```\n"},
		{"edited Markdown leaving a plain fence open at the end", "", func(nb *Notebook) { nb.Cells = []*Cell{{Kind: Markdown, Source: "~~~\nx"}} },
			"~~~\nx"},
		{"cell turned into Markdown", "```go\nx\n```\n", func(nb *Notebook) { nb.Cells[0].Kind = Markdown },
			"x"},
		{"cells removed", "a\n```go\nx\n```\nb\n```go\ny\n```\n", func(nb *Notebook) { nb.Cells = nb.Cells[2:] },
			"b\n```go\ny\n```\n"},
	}
	for _, tt := range tests {
		nb, err := Parse([]byte(tt.in))
		if err != nil {
			t.Fatalf("%s: Parse(%q): %v", tt.desc, tt.in, err)
		}
		tt.edit(nb)
		got := nb.Markdown(true)
		if string(got) != tt.want {
			t.Errorf("%s: Markdown(true) = %q; want %q", tt.desc, got, tt.want)
		}
		back, err := Parse(got)
		if err != nil {
			t.Errorf("%s: Parse(Markdown(true)) error: %v", tt.desc, err)
		}
		_ = back
	}
}

func TestMarkdownWithoutOutputs(t *testing.T) {
	in := "a\n```go\nx\n```\n\n```output\n1\n```\n\n```output result\n2\n```\nb\n```go\ny\n```"
	nb, err := Parse([]byte(in))
	if err != nil {
		t.Fatal(err)
	}
	want := "a\n```go\nx\n```\nb\n```go\ny\n```"
	if got := nb.Markdown(false); string(got) != want {
		t.Errorf("Markdown(false) = %q; want %q", got, want)
	}
	if len(nb.Cells[1].Outputs) != 2 {
		t.Errorf("Markdown(false) changed the notebook: cell 1 has %d outputs; want 2", len(nb.Cells[1].Outputs))
	}
}

func TestNewAndCodeCells(t *testing.T) {
	nb := New()
	if got := cellsOf(nb); !sameCells(got, []cellWant{code("")}) || nb.Cells[0].ID != "c1" {
		t.Errorf("New() = %v with ID %q; want one empty code cell c1", got, nb.Cells[0].ID)
	}
	nb, err := Parse([]byte("a\n```go\nx\n```\nb\n```go\ny\n```\n"))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, c := range nb.CodeCells() {
		got = append(got, c.ID+"="+c.Source)
	}
	if want := []string{"c2=x", "c4=y"}; !slices.Equal(got, want) {
		t.Errorf("CodeCells() = %q; want %q", got, want)
	}
	nb.Cells[0].ID = "c5"
	if c := nb.NewCell(Code, "z"); c.ID != "c6" || c.Kind != Code || c.Source != "z" {
		t.Errorf("NewCell(Code, \"z\") = %+v; want a code cell with ID c6", c)
	}
}
