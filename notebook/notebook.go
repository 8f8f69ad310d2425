package notebook

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/seqlab/seqlab/internal/atomicfile"
)

// CellKind says whether a cell holds Markdown text or Go code.
type CellKind int

const (
	Markdown CellKind = iota // prose, kept as written
	Code                     // Go code run by the kernel
)

func (k CellKind) String() string {
	switch k {
	case Markdown:
		return "markdown"
	case Code:
		return "code"
	}
	return "CellKind(" + strconv.Itoa(int(k)) + ")"
}

// The kinds of a stored Output.
const (
	Stream  = "stream"  // what the cell printed
	Result  = "result"  // the value of a bare final expression, as text
	Error   = "error"   // a compile or run-time error, as text
	Display = "display" // a rich display value; Text holds its JSON
)

// An Output is one stored output of a code cell.
type Output struct {
	Kind string // Stream, Result, Error or Display
	Text string // the text, or for Display the value's JSON (opaque here)
}

// DisplayOutput is the stored output of a display value given as JSON (a
// kernel's display event): its JSON on one line.
func DisplayOutput(value []byte) Output {
	var out bytes.Buffer
	if err := json.Compact(&out, value); err != nil {
		return Output{Kind: Display, Text: string(value)}
	}
	return Output{Kind: Display, Text: out.String()}
}

// A Cell is one Markdown or code cell.
//
// Source uses "\n" line breaks whatever the file used (they are written back
// with the file's own). A code cell's Source does not end with the line break
// of its last line; a Markdown cell's Source is its text exactly, blank lines
// included.
type Cell struct {
	Kind    CellKind
	Source  string
	Outputs []Output // code cells only
	ID      string   // unique within the notebook for this session ("c1", "c2", ...); not saved to .md

	orig *original // what the cell was parsed from; nil for a cell made in memory
}

// original remembers the exact bytes a cell was parsed from, so that an
// unchanged cell is written back byte for byte.
type original struct {
	kind       CellKind
	source     string   // Source as parsed
	text       string   // Markdown text, or the code block from its opening fence to its closing fence line
	fence      fence    // the code block's opening fence
	openLine   string   // the opening fence line with its line break
	closeLine  string   // the closing fence line with its line break, if it had one
	outputs    []Output // Outputs as parsed
	outputText string   // the stored output blocks, each with the blank line before it
	eol        string   // the cell's line ending: "\n" or "\r\n"
	gap        string   // the blank lines after a code cell's outputs, if what followed was another code cell or the end
	hasGap     bool     // gap is set
	gapAtEnd   bool     // gap ran to the end of the file
}

// A Notebook is a list of cells, read from and written to a Markdown file
// (see the package documentation) or a Jupyter .ipynb file.
type Notebook struct {
	Cells []*Cell
	Path  string // the file it was loaded from or last saved to; "" for a new notebook

	eol    string // line ending for text written fresh: the file's first one, "\n" by default
	lead   string // blank lines before a first code cell
	lastID int    // the highest n handed out as an ID "cn"
}

// New returns a notebook with one empty code cell.
func New() *Notebook {
	nb := &Notebook{eol: "\n"}
	nb.Cells = []*Cell{nb.NewCell(Code, "")}
	return nb
}

// NewCell returns a cell of the given kind and source with an ID not used by
// any cell of nb. It does not add the cell to nb.Cells.
func (nb *Notebook) NewCell(kind CellKind, source string) *Cell {
	used := make(map[string]bool, len(nb.Cells))
	for _, c := range nb.Cells {
		if c != nil {
			used[c.ID] = true
		}
	}
	for {
		nb.lastID++
		id := "c" + strconv.Itoa(nb.lastID)
		if !used[id] {
			return &Cell{Kind: kind, Source: source, ID: id}
		}
	}
}

// CodeCells returns the code cells in order.
func (nb *Notebook) CodeCells() []*Cell {
	var code []*Cell
	for _, c := range nb.Cells {
		if c != nil && c.Kind == Code {
			code = append(code, c)
		}
	}
	return code
}

// assignIDs gives every cell without an ID, or with one an earlier cell
// already has, a fresh ID.
func (nb *Notebook) assignIDs() {
	used := make(map[string]bool, len(nb.Cells))
	for _, c := range nb.Cells {
		if c.ID != "" && !used[c.ID] {
			used[c.ID] = true
			continue
		}
		for {
			nb.lastID++
			c.ID = "c" + strconv.Itoa(nb.lastID)
			if !used[c.ID] {
				break
			}
		}
		used[c.ID] = true
	}
}

func isIpynb(path string) bool {
	return strings.EqualFold(filepath.Ext(path), ".ipynb")
}

// Load reads a notebook file: a Jupyter notebook if its name ends in .ipynb,
// Markdown otherwise. Errors name the file.
func Load(path string) (*Notebook, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err // an *fs.PathError, which names the file
	}
	var nb *Notebook
	if isIpynb(path) {
		nb, err = ImportIpynb(data)
	} else {
		nb, err = Parse(data)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	nb.Path = path
	return nb, nil
}

// Save writes the notebook to path, as a Jupyter notebook if the name ends
// in .ipynb and as Markdown otherwise, with or without the stored outputs,
// and sets nb.Path to path.
//
// The write is atomic: the notebook goes to a temporary file in the same
// directory, which is flushed to disk and then renamed over path, keeping
// the permissions of the file it replaces (0644 for a new file). If anything
// fails, the file at path is left as it was, no temporary file remains, and
// the error says what happened.
func (nb *Notebook) Save(path string, withOutputs bool) error {
	var data []byte
	if isIpynb(path) {
		var err error
		if data, err = nb.ipynb(withOutputs); err != nil {
			return fmt.Errorf("save %s: %w; nothing was written and the notebook in memory is unchanged", path, err)
		}
	} else {
		data = nb.Markdown(withOutputs)
	}
	_, statErr := os.Lstat(path)
	if err := atomicfile.Write(path, func(w io.Writer) error { return writeTemp(w, data) }); err != nil {
		if statErr == nil {
			return fmt.Errorf("save %s: %w; the file on disk is as it was and the notebook is still in memory, so nothing was lost", path, err)
		}
		return fmt.Errorf("save %s: %w; no file was written and the notebook is still in memory, so nothing was lost", path, err)
	}
	nb.Path = path
	return nil
}

// writeTemp writes data into the temporary file during a save. Tests replace
// it to make a write fail part-way, as a full disk would: they run as root,
// for whom a read-only directory or file does not stop a write.
var writeTemp = func(w io.Writer, data []byte) error {
	_, err := w.Write(data)
	return err
}

// withoutOutputs returns a copy of nb whose cells have no outputs.
func (nb *Notebook) withoutOutputs() *Notebook {
	cp := *nb
	cp.Cells = make([]*Cell, 0, len(nb.Cells))
	for _, c := range nb.Cells {
		if c == nil {
			continue
		}
		cc := *c
		cc.Outputs = nil
		cp.Cells = append(cp.Cells, &cc)
	}
	return &cp
}

func outputsEqual(a, b []Output) bool { return slices.Equal(a, b) }
