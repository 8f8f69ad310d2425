package notebook

import (
	"fmt"
	"strings"
)

// A fence is the opening line of a fenced code block, as in CommonMark: up
// to three spaces of indentation, at least three backticks or tildes, then
// an info string (which, after backticks, may not hold a backtick).
type fence struct {
	indent int    // spaces before the fence
	char   byte   // '`' or '~'
	n      int    // how many of them
	info   string // the info string, without surrounding blanks
}

// parseFence reports whether s (a line without its line break) opens a
// fenced code block, and how.
func parseFence(s string) (fence, bool) {
	var f fence
	for f.indent < len(s) && s[f.indent] == ' ' {
		f.indent++
	}
	if f.indent > 3 || f.indent == len(s) {
		return fence{}, false
	}
	f.char = s[f.indent]
	if f.char != '`' && f.char != '~' {
		return fence{}, false
	}
	i := f.indent
	for i < len(s) && s[i] == f.char {
		i++
	}
	f.n = i - f.indent
	rest := s[i:]
	if f.n < 3 || f.char == '`' && strings.IndexByte(rest, '`') >= 0 {
		return fence{}, false
	}
	f.info = strings.Trim(rest, " \t")
	return f, true
}

// closes reports whether s (a line without its line break) closes the block
// f opened: up to three spaces, at least f.n of f.char, then only blanks.
func (f fence) closes(s string) bool {
	return closingRun(s, f.char) >= f.n
}

// closingRun returns the length of the run of c if s has the shape of a
// closing fence made of c, and 0 otherwise.
func closingRun(s string, c byte) int {
	i := 0
	for i < len(s) && s[i] == ' ' {
		i++
	}
	if i > 3 {
		return 0
	}
	j := i
	for j < len(s) && s[j] == c {
		j++
	}
	if j-i < 3 || strings.Trim(s[j:], " \t") != "" {
		return 0
	}
	return j - i
}

// marker returns the fence and its info string, as in "```go", for messages.
func (f fence) marker() string {
	return strings.Repeat(string(f.char), f.n) + f.info
}

func isGo(info string) bool {
	w := strings.Fields(info)
	return len(w) > 0 && w[0] == "go"
}

// outputKind returns the kind of output a block with this info string
// stores, or false if it is not an output block.
func outputKind(info string) (string, bool) {
	w := strings.Fields(info)
	if len(w) == 0 || w[0] != "output" {
		return "", false
	}
	if len(w) == 1 {
		return Stream, true
	}
	if len(w) == 2 {
		switch w[1] {
		case "result":
			return Result, true
		case "error":
			return Error, true
		case "json":
			return Display, true
		}
	}
	return "", false
}

// outputInfo is the inverse of outputKind. An unknown kind is written as a
// stream.
func outputInfo(kind string) string {
	switch kind {
	case Result:
		return "output result"
	case Error:
		return "output error"
	case Display:
		return "output json"
	}
	return "output"
}

// A line is one line of the input. Only "\n" and "\r\n" end lines (and a
// "\r" ends the text of a last line without a break).
type line struct {
	text  string // without its line break
	eol   string // "\n", "\r\n", or "" for a last line without one
	start int    // offset of the line in the input
	end   int    // offset just past its line break
}

func splitLines(s string) []line {
	var lines []line
	for start := 0; start < len(s); {
		l := line{start: start, end: len(s)}
		if i := strings.IndexByte(s[start:], '\n'); i >= 0 {
			l.end = start + i + 1
			l.text, l.eol = s[start:start+i], "\n"
			if strings.HasSuffix(l.text, "\r") {
				l.text, l.eol = l.text[:len(l.text)-1], "\r\n"
			}
		} else {
			// A last line without a break: a "\r" it ends with goes like
			// the "\r" of a "\r\n", so that the line means the same as it
			// will once a line break follows it (say, when a cell is added
			// after it): a "~~~\r" that closes a fence here closes it there.
			l.text = strings.TrimSuffix(s[start:], "\r")
		}
		lines = append(lines, l)
		start = l.end
	}
	return lines
}

// closing returns the index of the first line from lines[from:] that closes
// f, or false if none does.
func closing(lines []line, from int, f fence) (int, bool) {
	for i := from; i < len(lines); i++ {
		if f.closes(lines[i].text) {
			return i, true
		}
	}
	return 0, false
}

// blockText returns the contents of a fenced block: its lines, each without
// up to indent spaces (the fence's own indentation) and ending in "\n". With
// dropLast, the last line's "\n" is left off.
func blockText(lines []line, indent int, dropLast bool) string {
	var b strings.Builder
	for _, l := range lines {
		t := l.text
		for i := 0; i < indent && strings.HasPrefix(t, " "); i++ {
			t = t[1:]
		}
		b.WriteString(t)
		b.WriteByte('\n')
	}
	s := b.String()
	if dropLast && s != "" {
		s = s[:len(s)-1]
	}
	return s
}

func isBlank(s string) bool { return strings.Trim(s, " \t") == "" }

// isBlankText reports whether s is nothing but blank lines.
func isBlankText(s string) bool {
	for _, l := range splitLines(s) {
		if !isBlank(l.text) {
			return false
		}
	}
	return true
}

// Parse reads a notebook in the Markdown format described in the package
// documentation. Malformed input, such as a ```go fence that is never
// closed, is an error that gives the line number. The cells get the IDs
// "c1", "c2", ... in order.
func Parse(data []byte) (*Notebook, error) {
	src := string(data)
	lines := splitLines(src)
	nb := &Notebook{eol: "\n"}
	for _, l := range lines {
		if l.eol != "" {
			nb.eol = l.eol
			break
		}
	}
	mdStart := 0 // where the Markdown text since the last code cell starts
	addMarkdown := func(end int) {
		text := src[mdStart:end]
		if isBlankText(text) {
			// Blank lines alone are no cell: they stay with the code cell
			// before them, or with the notebook before its first cell.
			if n := len(nb.Cells); n > 0 {
				o := nb.Cells[n-1].orig
				o.gap, o.hasGap, o.gapAtEnd = text, true, end == len(src)
			} else {
				nb.lead = text
			}
			return
		}
		eol := nb.eol
		if i := strings.IndexByte(text, '\n'); i > 0 && text[i-1] == '\r' {
			eol = "\r\n"
		} else if i >= 0 {
			eol = "\n"
		}
		source := strings.ReplaceAll(text, "\r\n", "\n")
		nb.Cells = append(nb.Cells, &Cell{Kind: Markdown, Source: source,
			orig: &original{kind: Markdown, source: source, text: text, eol: eol}})
	}

	var open *fence // a fenced block inside Markdown text, such as ```python
	for i := 0; i < len(lines); {
		l := lines[i]
		if open != nil {
			if open.closes(l.text) {
				open = nil
			}
			i++
			continue
		}
		f, ok := parseFence(l.text)
		if !ok {
			i++
			continue
		}
		if !isGo(f.info) {
			open = &f
			i++
			continue
		}

		addMarkdown(l.start)
		end, ok := closing(lines, i+1, f)
		if !ok {
			return nil, fmt.Errorf("line %d: the %s fence opened here is never closed", i+1, f.marker())
		}
		c := &Cell{Kind: Code, Source: blockText(lines[i+1:end], f.indent, true)}
		o := &original{
			kind:      Code,
			source:    c.Source,
			text:      src[l.start:lines[end].end],
			fence:     f,
			openLine:  src[l.start:l.end],
			closeLine: src[lines[end].start:lines[end].end],
			eol:       l.eol,
		}
		i = end + 1
		outStart := lines[end].end
		// Stored outputs: each an output block after exactly one blank line.
		for i+1 < len(lines) && isBlank(lines[i].text) {
			of, ok := parseFence(lines[i+1].text)
			if !ok {
				break
			}
			kind, ok := outputKind(of.info)
			if !ok {
				break
			}
			oend, ok := closing(lines, i+2, of)
			if !ok {
				return nil, fmt.Errorf("line %d: the %s fence opened here is never closed", i+2, of.marker())
			}
			text := blockText(lines[i+2:oend], of.indent, kind != Stream)
			c.Outputs = append(c.Outputs, Output{Kind: kind, Text: text})
			i = oend + 1
		}
		outEnd := lines[i-1].end
		o.outputs = append([]Output(nil), c.Outputs...)
		o.outputText = src[outStart:outEnd]
		c.orig = o
		nb.Cells = append(nb.Cells, c)
		mdStart = outEnd
	}
	addMarkdown(len(src))
	nb.assignIDs()
	return nb, nil
}

// Markdown returns the notebook in the Markdown format, with or without the
// stored outputs of its code cells. A cell that is unchanged since Parse is
// written back exactly as it was read; see the package documentation for
// how changed and new cells are written.
func (nb *Notebook) Markdown(withOutputs bool) []byte {
	var cells []*Cell
	for _, c := range nb.Cells {
		if c != nil {
			cells = append(cells, c)
		}
	}
	w := &mdWriter{}
	if len(cells) == 0 || cells[0].Kind == Code {
		w.b.WriteString(nb.lead)
	}
	for k, c := range cells {
		eol := nb.eol
		if c.orig != nil {
			eol = c.orig.eol
		}
		if eol == "" {
			eol = "\n"
		}
		w.eol = eol
		if c.Kind == Code {
			w.code(c, withOutputs)
			// Between code cells, and after the last, the blank lines
			// that were there; a blank line between new cells.
			last := k == len(cells)-1
			if last || cells[k+1].Kind == Code {
				if o := c.orig; o != nil && o.kind == Code && o.hasGap && o.gapAtEnd == last {
					w.b.WriteString(o.gap)
				} else if !last {
					w.newline()
					w.b.WriteString(w.eol)
				}
			}
		} else {
			w.markdown(c, k == len(cells)-1)
		}
	}
	return []byte(w.b.String())
}

type mdWriter struct {
	b   strings.Builder
	eol string
}

// newline ends the current line, if one is started.
func (w *mdWriter) newline() {
	if s := w.b.String(); s != "" && s[len(s)-1] != '\n' {
		w.b.WriteString(w.eol)
	}
}

// lines writes each line with indent before it (unless it is empty) and the
// line ending after it.
func (w *mdWriter) lines(lines []string, indent string) {
	for _, l := range lines {
		if l != "" {
			w.b.WriteString(indent)
		}
		w.b.WriteString(l)
		w.b.WriteString(w.eol)
	}
}

// bodyLines splits text into lines; a final "\n" ends the last line rather
// than starting an empty one, and "" has no lines.
func bodyLines(text string) []string {
	if text == "" {
		return nil
	}
	return strings.Split(strings.TrimSuffix(text, "\n"), "\n")
}

// fenceLen returns the length of the shortest fence of c, at least minimum,
// that none of lines (indented by indent) closes.
func fenceLen(c byte, lines []string, indent string, minimum int) int {
	n := minimum
	for _, l := range lines {
		if r := closingRun(indent+l, c); r >= n {
			n = r + 1
		}
	}
	return n
}

func (w *mdWriter) markdown(c *Cell, last bool) {
	w.newline()
	if o := c.orig; o != nil && o.kind == Markdown && c.Source == o.source {
		// Parsed text leaves a fence open only when it runs to the end of
		// the file, so it is closed below only if cells were added after it.
		w.b.WriteString(o.text)
		w.closeOpenFence(o.text, last, false)
		return
	}
	w.b.WriteString(strings.ReplaceAll(c.Source, "\n", w.eol))
	w.closeOpenFence(c.Source, last, true)
}

// closeOpenFence closes a fence left open at the end of Markdown text when
// it would swallow the cells after it, or (for edited text) when an open
// ```go or output block would make the file fail to parse.
func (w *mdWriter) closeOpenFence(text string, last, edited bool) {
	var open *fence
	for _, l := range splitLines(text) {
		if open != nil {
			if open.closes(l.text) {
				open = nil
			}
		} else if f, ok := parseFence(l.text); ok {
			open = &f
		}
	}
	if open == nil {
		return
	}
	_, isOutput := outputKind(open.info)
	if !last || edited && (isGo(open.info) || isOutput) {
		w.newline()
		w.b.WriteString(strings.Repeat(" ", open.indent) + strings.Repeat(string(open.char), open.n) + w.eol)
	}
}

func (w *mdWriter) code(c *Cell, withOutputs bool) {
	w.newline()
	o := c.orig
	if o != nil && o.kind != Code {
		o = nil
	}
	if o != nil && c.Source == o.source {
		w.b.WriteString(o.text)
	} else {
		f := fence{char: '`', n: 3, info: "go"}
		var openLine, closeLine string
		if o != nil {
			f, openLine, closeLine = o.fence, o.openLine, o.closeLine
		}
		indent := strings.Repeat(" ", f.indent)
		var body []string
		if c.Source != "" {
			body = strings.Split(c.Source, "\n")
		}
		if n := fenceLen(f.char, body, indent, f.n); n != f.n {
			f.n = n
			openLine, closeLine = "", ""
		}
		if openLine == "" {
			openLine = indent + f.marker() + w.eol
			closeLine = indent + strings.Repeat(string(f.char), f.n) + w.eol
		}
		w.b.WriteString(openLine)
		w.lines(body, indent)
		w.b.WriteString(closeLine)
	}
	if !withOutputs || len(c.Outputs) == 0 {
		return
	}
	if o != nil && outputsEqual(c.Outputs, o.outputs) {
		w.newline()
		w.b.WriteString(o.outputText)
		return
	}
	for _, out := range c.Outputs {
		w.newline()
		w.b.WriteString(w.eol) // the blank line before an output block
		var body []string
		if out.Kind == Result || out.Kind == Error || out.Kind == Display {
			if out.Text != "" {
				body = strings.Split(out.Text, "\n")
			}
		} else {
			body = bodyLines(out.Text) // a stream's last line break is its own
		}
		fence := strings.Repeat("`", fenceLen('`', body, "", 3))
		w.b.WriteString(fence + outputInfo(out.Kind) + w.eol)
		w.lines(body, "")
		w.b.WriteString(fence + w.eol)
	}
}
