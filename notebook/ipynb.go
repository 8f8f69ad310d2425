package notebook

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// DisplayMIME is the MIME type under which a display value's JSON is stored
// in a Jupyter display_data output.
const DisplayMIME = "application/vnd.seqlab.display+json"

// displayFallback is the text/plain form of a display value in .ipynb, for
// Jupyter, which cannot render DisplayMIME.
const displayFallback = "[a seqlab display value: open the notebook in seqlab to see it]"

// ImportIpynb reads a Jupyter notebook (nbformat 4).
//
// Markdown and raw cells become Markdown cells, code cells code cells (a
// cell source may be a string or a list of strings). Outputs map as follows:
// stream → Stream; execute_result and display_data → Display if they carry
// DisplayMIME, else Result with their text/plain (other MIME types are
// dropped, and an output with nothing left is dropped); error → Error with
// the text "ename: evalue" followed by the traceback lines (the first line
// is not repeated if the traceback starts with it). Valid cell ids are kept,
// other cells get fresh IDs.
func ImportIpynb(data []byte) (*Notebook, error) {
	var file struct {
		NBFormat *float64           `json:"nbformat"`
		Cells    *[]json.RawMessage `json:"cells"`
	}
	if err := json.Unmarshal(data, &file); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			line := 1 + bytes.Count(data[:min(int(se.Offset), len(data))], []byte("\n"))
			return nil, fmt.Errorf("not a Jupyter notebook: invalid JSON at line %d: %v", line, err)
		}
		return nil, fmt.Errorf("not a Jupyter notebook: %v", jsonError(err))
	}
	switch {
	case file.NBFormat == nil:
		return nil, errors.New("not a Jupyter notebook: no nbformat field")
	case *file.NBFormat < 4:
		return nil, fmt.Errorf("nbformat %v is too old: seqlab reads nbformat 4; open and save the notebook in Jupyter to upgrade it", *file.NBFormat)
	case *file.NBFormat >= 5:
		return nil, fmt.Errorf("nbformat %v is newer than the nbformat 4 seqlab reads", *file.NBFormat)
	case file.Cells == nil:
		return nil, errors.New("not a Jupyter notebook: no cells list")
	}

	nb := &Notebook{eol: "\n"}
	for k, raw := range *file.Cells {
		c, err := importCell(raw)
		if err != nil {
			return nil, fmt.Errorf("cell %d: %v", k+1, err)
		}
		nb.Cells = append(nb.Cells, c)
	}
	nb.assignIDs()
	return nb, nil
}

func importCell(raw json.RawMessage) (*Cell, error) {
	var in struct {
		CellType string            `json:"cell_type"`
		ID       json.RawMessage   `json:"id"`
		Source   json.RawMessage   `json:"source"`
		Outputs  []json.RawMessage `json:"outputs"`
	}
	if err := json.Unmarshal(raw, &in); err != nil {
		return nil, jsonError(err)
	}
	c := &Cell{}
	switch in.CellType {
	case "markdown", "raw":
		c.Kind = Markdown
	case "code":
		c.Kind = Code
	default:
		return nil, fmt.Errorf("unknown cell_type %q; want markdown, code or raw", in.CellType)
	}
	var id string
	if json.Unmarshal(in.ID, &id) == nil && validID(id) {
		c.ID = id
	}
	var err error
	if c.Source, err = multiline(in.Source); err != nil {
		return nil, fmt.Errorf("source: %v", err)
	}
	if c.Kind != Code {
		return c, nil
	}
	for k, raw := range in.Outputs {
		out, ok, err := importOutput(raw)
		if err != nil {
			return nil, fmt.Errorf("output %d: %v", k+1, err)
		}
		if ok {
			c.Outputs = append(c.Outputs, out)
		}
	}
	return c, nil
}

// importOutput converts one Jupyter output; false means it has nothing seqlab
// can show.
func importOutput(raw json.RawMessage) (Output, bool, error) {
	var in struct {
		OutputType string                     `json:"output_type"`
		Text       json.RawMessage            `json:"text"`
		Data       map[string]json.RawMessage `json:"data"`
		EName      string                     `json:"ename"`
		EValue     string                     `json:"evalue"`
		Traceback  []string                   `json:"traceback"`
	}
	if err := json.Unmarshal(raw, &in); err != nil {
		return Output{}, false, jsonError(err)
	}
	switch in.OutputType {
	case "stream":
		text, err := multiline(in.Text)
		if err != nil {
			return Output{}, false, fmt.Errorf("text: %v", err)
		}
		return Output{Kind: Stream, Text: text}, true, nil
	case "execute_result", "display_data":
		if v, ok := in.Data[DisplayMIME]; ok {
			var b bytes.Buffer
			if err := json.Compact(&b, v); err != nil {
				return Output{}, false, fmt.Errorf("%s: %v", DisplayMIME, err)
			}
			return Output{Kind: Display, Text: b.String()}, true, nil
		}
		if v, ok := in.Data["text/plain"]; ok {
			text, err := multiline(v)
			if err != nil {
				return Output{}, false, fmt.Errorf("text/plain: %v", err)
			}
			return Output{Kind: Result, Text: text}, true, nil
		}
		return Output{}, false, nil
	case "error":
		head := in.EName
		if in.EName != "" && in.EValue != "" {
			head += ": "
		}
		head += in.EValue
		tb := strings.Join(in.Traceback, "\n")
		switch {
		case len(in.Traceback) == 0:
			return Output{Kind: Error, Text: head}, true, nil
		case head == "" || in.Traceback[0] == head:
			// The traceback already starts with the message (as Ipynb
			// writes it), or there is no message.
			return Output{Kind: Error, Text: tb}, true, nil
		}
		return Output{Kind: Error, Text: head + "\n" + tb}, true, nil
	}
	return Output{}, false, nil
}

// jsonError rewords a JSON value of the wrong type in nbformat's terms.
func jsonError(err error) error {
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) {
		return err
	}
	if te.Field == "" {
		return fmt.Errorf("want a JSON object, not %s", article(te.Value))
	}
	return fmt.Errorf("%s is %s", te.Field, article(te.Value))
}

func article(what string) string {
	if what != "" && strings.ContainsRune("aeiou", rune(what[0])) {
		return "an " + what
	}
	return "a " + what
}

// multiline decodes an nbformat multiline string: a string, or a list of
// strings to be joined. A missing value is "".
func multiline(raw json.RawMessage) (string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return "", nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err == nil {
		return s, nil
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err != nil {
		return "", errors.New("want a string or a list of strings")
	}
	return strings.Join(list, ""), nil
}

// splitMultiline is the inverse of multiline, as Jupyter writes it: the
// lines of s, each with its "\n".
func splitMultiline(s string) []string {
	lines := strings.SplitAfter(s, "\n")
	if lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// validID reports whether id is a valid nbformat 4.5 cell id.
func validID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// Ipynb returns the notebook as a Jupyter notebook (nbformat 4.5) for the
// seqlab kernel, with its outputs. Outputs map back as ImportIpynb reads
// them: Display becomes display_data with the JSON under DisplayMIME and a
// text/plain note for Jupyter; Error becomes an error whose traceback is its
// lines and whose ename and evalue are its first line split at ": ".
// Code cells have execution_count null. Cell ids are the cells' IDs where
// those are valid nbformat ids.
func (nb *Notebook) Ipynb() ([]byte, error) { return nb.ipynb(true) }

func (nb *Notebook) ipynb(withOutputs bool) ([]byte, error) {
	type metadata struct{}
	type markdownCell struct {
		CellType string   `json:"cell_type"`
		ID       string   `json:"id"`
		Metadata metadata `json:"metadata"`
		Source   []string `json:"source"`
	}
	type codeCell struct {
		CellType       string   `json:"cell_type"`
		ExecutionCount *int     `json:"execution_count"`
		ID             string   `json:"id"`
		Metadata       metadata `json:"metadata"`
		Outputs        []any    `json:"outputs"`
		Source         []string `json:"source"`
	}
	type kernelspec struct {
		DisplayName string `json:"display_name"`
		Language    string `json:"language"`
		Name        string `json:"name"`
	}
	type languageInfo struct {
		Name string `json:"name"`
	}
	var file struct {
		Cells    []any `json:"cells"`
		Metadata struct {
			Kernelspec   kernelspec   `json:"kernelspec"`
			LanguageInfo languageInfo `json:"language_info"`
		} `json:"metadata"`
		NBFormat      int `json:"nbformat"`
		NBFormatMinor int `json:"nbformat_minor"`
	}
	file.Cells = []any{}
	file.Metadata.Kernelspec = kernelspec{DisplayName: "Go (seqlab)", Language: "go", Name: "seqlab"}
	file.Metadata.LanguageInfo.Name = "go"
	file.NBFormat, file.NBFormatMinor = 4, 5

	used := make(map[string]bool)
	next := 0
	for _, c := range nb.Cells {
		if c == nil {
			continue
		}
		id := c.ID
		for !validID(id) || used[id] {
			next++
			id = "cell-" + strconv.Itoa(next)
		}
		used[id] = true
		source := splitMultiline(c.Source)
		if c.Kind != Code {
			file.Cells = append(file.Cells, markdownCell{CellType: "markdown", ID: id, Source: source})
			continue
		}
		cc := codeCell{CellType: "code", ID: id, Outputs: []any{}, Source: source}
		if withOutputs {
			for _, out := range c.Outputs {
				cc.Outputs = append(cc.Outputs, exportOutput(out))
			}
		}
		file.Cells = append(file.Cells, cc)
	}

	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", " ")
	if err := enc.Encode(file); err != nil {
		return nil, fmt.Errorf("cannot encode the notebook as JSON: %v", err)
	}
	return b.Bytes(), nil
}

func exportOutput(out Output) any {
	type metadata struct{}
	switch out.Kind {
	case Result:
		return struct {
			Data           map[string]any `json:"data"`
			ExecutionCount *int           `json:"execution_count"`
			Metadata       metadata       `json:"metadata"`
			OutputType     string         `json:"output_type"`
		}{map[string]any{"text/plain": splitMultiline(out.Text)}, nil, metadata{}, "execute_result"}
	case Display:
		var v any = json.RawMessage(out.Text)
		if !json.Valid([]byte(out.Text)) {
			v = out.Text // not JSON after all: keep it, as a JSON string
		}
		return struct {
			Data       map[string]any `json:"data"`
			Metadata   metadata       `json:"metadata"`
			OutputType string         `json:"output_type"`
		}{map[string]any{DisplayMIME: v, "text/plain": []string{displayFallback}}, metadata{}, "display_data"}
	case Error:
		// Jupyter shows an error's traceback, so that holds all of the text;
		// ename and evalue repeat its first line.
		first, _, _ := strings.Cut(out.Text, "\n")
		ename, evalue, ok := strings.Cut(first, ": ")
		if !ok || ename == "" || evalue == "" {
			ename, evalue = first, "" // read back as first exactly
		}
		traceback := []string{}
		if out.Text != "" {
			traceback = strings.Split(out.Text, "\n")
		}
		return struct {
			EName      string   `json:"ename"`
			EValue     string   `json:"evalue"`
			OutputType string   `json:"output_type"`
			Traceback  []string `json:"traceback"`
		}{ename, evalue, "error", traceback}
	}
	return struct {
		Name       string   `json:"name"`
		OutputType string   `json:"output_type"`
		Text       []string `json:"text"`
	}{"stdout", "stream", splitMultiline(out.Text)}
}
