package notebook

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
)

// TestImportIpynb reads testdata/hand.ipynb, written by hand to hold each
// kind of cell and output, and checks what Jupyter's fields become.
func TestImportIpynb(t *testing.T) {
	data, err := os.ReadFile("testdata/hand.ipynb")
	if err != nil {
		t.Fatal(err)
	}
	nb, err := ImportIpynb(data)
	if err != nil {
		t.Fatalf("ImportIpynb(hand.ipynb): %v", err)
	}
	want := []cellWant{
		md("# Counting\n\nA cell that prints, one with a value, one that fails."),
		code("for i := range 2 {\n\tfmt.Println(i)\n}", Output{Stream, "0\n1\n"}, Output{Stream, "warning: slow\n"}),
		code("x := 41\nx + 1", Output{Result, "42"}), // image/png and the text/html display dropped
		code("1/0", Output{Error, "ZeroDivisionError: division by zero\nTraceback (most recent call last):\n  line 1, in <module>"}),
		md("raw text"),
		code(""),
	}
	if got := cellsOf(nb); !sameCells(got, want) {
		t.Errorf("ImportIpynb(hand.ipynb) =\n%v\nwant\n%v", got, want)
	}
	var ids []string
	for _, c := range nb.Cells {
		ids = append(ids, c.ID)
	}
	// The cell without an id gets a fresh one.
	if got, want := strings.Join(ids, " "), "intro print c1 fails raw empty"; got != want {
		t.Errorf("ImportIpynb(hand.ipynb) IDs = %s; want %s", got, want)
	}
	checkGolden(t, "testdata/hand.md.golden", nb.Markdown(true))

	// Import, export, import: the same notebook, and the same file.
	out, err := nb.Ipynb()
	if err != nil {
		t.Fatalf("Ipynb(): %v", err)
	}
	back, err := ImportIpynb(out)
	if err != nil {
		t.Fatalf("ImportIpynb(Ipynb()): %v", err)
	}
	if got := cellsOf(back); !sameCells(got, want) {
		t.Errorf("ImportIpynb(Ipynb()) =\n%v\nwant\n%v", got, want)
	}
	for i, c := range back.Cells {
		if c.ID != nb.Cells[i].ID {
			t.Errorf("ImportIpynb(Ipynb()) cell %d has ID %q; want %q", i, c.ID, nb.Cells[i].ID)
		}
	}
	if out2, err := back.Ipynb(); err != nil || string(out2) != string(out) {
		t.Errorf("Ipynb() of the re-imported notebook differs:\n%s\nwant\n%s", out2, out)
	}
}

// TestIpynbOutputs checks that every output survives export and import.
func TestIpynbOutputs(t *testing.T) {
	tests := []struct {
		desc string
		in   Output
		want Output // if not in
	}{
		{"stream", Output{Stream, "a\nb\n"}, Output{}},
		{"stream without newline", Output{Stream, "a"}, Output{}},
		{"empty stream", Output{Stream, ""}, Output{}},
		{"result", Output{Result, "42"}, Output{}},
		{"multi-line result", Output{Result, "[1 2]\n[3 4]\n"}, Output{}},
		{"error", Output{Error, "1:5: undefined: x"}, Output{}},
		{"error without a colon", Output{Error, "panic"}, Output{}},
		{"error with a traceback", Output{Error, "E: v\n  at f\n  at g"}, Output{}},
		{"error with an empty first line", Output{Error, "\nrest"}, Output{}},
		{"error with a colon at the end", Output{Error, "E: "}, Output{}},
		{"error starting with a colon", Output{Error, ": v"}, Output{}},
		{"empty error", Output{Error, ""}, Output{}},
		{"display", Output{Display, `{"type":"table","rows":[[1,"<a&b>"]]}`}, Output{}},
		{"display string", Output{Display, `"x"`}, Output{}},
		{"indented display JSON is compacted", Output{Display, "{\n  \"a\": [1, 2]\n}\n"}, Output{Display, `{"a":[1,2]}`}},
		{"display text that is not JSON becomes a JSON string", Output{Display, "oops"}, Output{Display, `"oops"`}},
	}
	for _, tt := range tests {
		nb := New()
		nb.Cells[0].Outputs = []Output{tt.in}
		data, err := nb.Ipynb()
		if err != nil {
			t.Fatalf("%s: Ipynb(): %v", tt.desc, err)
		}
		back, err := ImportIpynb(data)
		if err != nil {
			t.Fatalf("%s: ImportIpynb(Ipynb()): %v", tt.desc, err)
		}
		want := tt.want
		if want == (Output{}) {
			want = tt.in
		}
		if got := back.Cells[0].Outputs; len(got) != 1 || got[0] != want {
			t.Errorf("%s: ImportIpynb(Ipynb()) outputs = %q; want %q", tt.desc, got, want)
		}
	}
}

func TestIpynbFormat(t *testing.T) {
	nb, err := Parse([]byte("# T\n```go\nx\n```\n\n```output json\n{\"a\": [1, 2]}\n```\n"))
	if err != nil {
		t.Fatal(err)
	}
	nb.Cells = append(nb.Cells, &Cell{Kind: Code, ID: "c1"}, &Cell{Kind: Code, ID: "not valid!"})
	data, err := nb.Ipynb()
	if err != nil {
		t.Fatal(err)
	}
	var file struct {
		NBFormat      int `json:"nbformat"`
		NBFormatMinor int `json:"nbformat_minor"`
		Metadata      struct {
			Kernelspec   map[string]string `json:"kernelspec"`
			LanguageInfo map[string]string `json:"language_info"`
		} `json:"metadata"`
		Cells []map[string]any `json:"cells"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		t.Fatalf("Ipynb() is not JSON: %v\n%s", err, data)
	}
	if file.NBFormat != 4 || file.NBFormatMinor != 5 {
		t.Errorf("nbformat %d.%d; want 4.5", file.NBFormat, file.NBFormatMinor)
	}
	ks := file.Metadata.Kernelspec
	if ks["name"] != "seqlab" || ks["display_name"] != "Go (seqlab)" || ks["language"] != "go" || file.Metadata.LanguageInfo["name"] != "go" {
		t.Errorf("metadata = %+v", file.Metadata)
	}
	ids := map[string]bool{}
	for i, c := range file.Cells {
		id, _ := c["id"].(string)
		if !validID(id) || ids[id] {
			t.Errorf("cell %d has id %q: invalid or repeated", i, id)
		}
		ids[id] = true
		if c["cell_type"] == "code" {
			if v, ok := c["execution_count"]; !ok || v != nil {
				t.Errorf("cell %d execution_count = %v, %v; want null", i, v, ok)
			}
		}
	}
	display := file.Cells[1]["outputs"].([]any)[0].(map[string]any)
	if display["output_type"] != "display_data" {
		t.Errorf("display output is %v; want display_data", display["output_type"])
	}
	if v, ok := display["data"].(map[string]any)[DisplayMIME].(map[string]any); !ok || len(v["a"].([]any)) != 2 {
		t.Errorf("display data = %v; want the value under %s", display["data"], DisplayMIME)
	}
}

func TestImportIpynbErrors(t *testing.T) {
	tests := []struct {
		desc string
		in   string
		want string
	}{
		{"not JSON", "# a Markdown file", "not a Jupyter notebook: invalid JSON at line 1: invalid character '#' looking for beginning of value"},
		{"broken JSON on line 3", "{\n\"cells\": [],\n\"nbformat\": 4,,\n}", "not a Jupyter notebook: invalid JSON at line 3: invalid character ',' looking for beginning of object key string"},
		{"empty", "", "not a Jupyter notebook: invalid JSON at line 1: unexpected end of JSON input"},
		{"not an object", "[1]", "not a Jupyter notebook: want a JSON object, not an array"},
		{"nbformat a string", `{"nbformat": "4", "cells": []}`, "not a Jupyter notebook: nbformat is a string"},
		{"cell not an object", `{"nbformat": 4, "cells": [1]}`, "cell 1: want a JSON object, not a number"},
		{"cell_type a number", `{"nbformat": 4, "cells": [{"cell_type": 1}]}`, "cell 1: cell_type is a number"},
		{"outputs not a list", `{"nbformat": 4, "cells": [{"cell_type": "code", "outputs": {}}]}`, "cell 1: outputs is an object"},
		{"traceback not a list", `{"nbformat": 4, "cells": [{"cell_type": "code", "outputs": [{"output_type": "error", "traceback": "x"}]}]}`, "cell 1: output 1: traceback is a string"},
		{"no nbformat", `{"cells": []}`, "not a Jupyter notebook: no nbformat field"},
		{"nbformat 3", `{"nbformat": 3, "worksheets": []}`, "nbformat 3 is too old: seqlab reads nbformat 4; open and save the notebook in Jupyter to upgrade it"},
		{"nbformat 5", `{"nbformat": 5, "cells": []}`, "nbformat 5 is newer than the nbformat 4 seqlab reads"},
		{"no cells", `{"nbformat": 4}`, "not a Jupyter notebook: no cells list"},
		{"null cells", `{"nbformat": 4, "cells": null}`, "not a Jupyter notebook: no cells list"},
		{"unknown cell type", `{"nbformat": 4, "cells": [{"cell_type": "markdown"}, {"cell_type": "sql"}]}`, `cell 2: unknown cell_type "sql"; want markdown, code or raw`},
		{"source a number", `{"nbformat": 4, "cells": [{"cell_type": "code", "source": 1}]}`, "cell 1: source: want a string or a list of strings"},
		{"stream text a number", `{"nbformat": 4, "cells": [{"cell_type": "code", "outputs": [{"output_type": "stream", "text": 1}]}]}`, "cell 1: output 1: text: want a string or a list of strings"},
		{"bad display JSON", `{"nbformat": 4, "cells": [{"cell_type": "code", "outputs": [{"output_type": "display_data", "data": {"application/vnd.seqlab.display+json": 1}}]}]}`, ""},
	}
	for _, tt := range tests {
		nb, err := ImportIpynb([]byte(tt.in))
		if tt.want == "" {
			if err != nil {
				t.Errorf("%s: ImportIpynb(%q) error: %v", tt.desc, tt.in, err)
			}
			continue
		}
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: ImportIpynb(%q) = %v, %v; want error %q", tt.desc, tt.in, nb, err, tt.want)
		}
	}
}
