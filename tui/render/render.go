package render

import (
	"fmt"
	"regexp"
	"strings"
	"unicode"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/seqlab/seqlab/display"
)

// Value renders a display value in at most width columns (display.DefaultWidth
// if width ≤ 0): every line is at most width cells wide as lipgloss.Width
// counts them. Kinds this package does not know are drawn with v.Text(width);
// a nil value draws as "".
func Value(v display.Value, width int, th Theme) string {
	width = normWidth(width)
	var s string
	switch x := v.(type) {
	case nil:
		return ""
	case *display.Table:
		if x != nil {
			s = drawTable(x, width, th)
		}
	case *display.LinePlot:
		if x != nil {
			s = drawPlot(x, width, th)
		}
	case *display.Heatmap:
		if x != nil {
			s = drawHeatmap(x, width, th)
		}
	case *display.Progress:
		if x != nil {
			s = drawProgress(x, width, th)
		}
	case *display.MarkdownValue:
		if x != nil {
			s = Markdown(x.Source, width, th)
		}
	case *display.Check:
		if x != nil {
			s = drawCheck(x, width, th)
		}
	default:
		s = v.Text(width)
	}
	return fit(s, width)
}

// Error renders the text of a failed cell in the error style, wrapped to
// width. A position the interpreter put in front ("3:5: undefined: x",
// "_.go:3:5: …") is rewritten to point at the line: "line 3: undefined: x".
func Error(text string, width int, th Theme) string {
	width = normWidth(width)
	text = strings.TrimRight(ansi.Strip(text), "\n")
	if m := errorPos.FindStringSubmatch(text); m != nil {
		text = "line " + m[1] + ": " + text[len(m[0]):]
	}
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		for _, l := range wrap(cleanLine(para), width-2) {
			prefix := "  "
			if len(lines) == 0 {
				prefix = "✗ "
			}
			lines = append(lines, th.Error.Render(prefix+l))
		}
	}
	return fit(strings.Join(lines, "\n"), width)
}

// errorPos matches the position yaegi and the REPL put in front of an error:
// "3:5: ", "_.go:3:5: ", "cell:3:5: ".
var errorPos = regexp.MustCompile(`^(?:[^\s:]+:)?(\d+):(\d+): `)

// drawCheck draws a verdict: a PASS line, or a FAIL line and what was expected,
// what the code gave and where to look.
func drawCheck(c *display.Check, width int, th Theme) string {
	name := cleanLine(c.Exercise)
	if c.Pass {
		return th.Pass.Render(strings.TrimSpace("✓ PASS " + name))
	}
	lines := []string{th.Fail.Render(strings.TrimSpace("✗ FAIL " + name))}
	for _, f := range []struct{ label, text string }{
		{"expected: ", c.Expected}, {"got:      ", c.Got}, {"look at:  ", c.Where},
	} {
		if f.text == "" {
			continue
		}
		indent := strings.Repeat(" ", 2+len(f.label))
		for i, l := range wrap(cleanLine(f.text), width-len(indent)) {
			if i == 0 {
				lines = append(lines, "  "+th.Muted.Render(f.label)+th.Text.Render(l))
			} else {
				lines = append(lines, indent+th.Text.Render(l))
			}
		}
	}
	return strings.Join(lines, "\n")
}

// normWidth is width, or display.DefaultWidth if width ≤ 0.
func normWidth(width int) int {
	if width <= 0 {
		return display.DefaultWidth
	}
	return width
}

// fit cuts every line of s that is wider than width, ending it with "…".
// The renderings are laid out to fit; fit only acts at widths too small for
// a layout, and guarantees the promise Value makes.
func fit(s string, width int) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if ansi.StringWidth(l) > width {
			lines[i] = ansi.Truncate(l, width, "…")
		}
	}
	return strings.Join(lines, "\n")
}

// cleanLine turns text from a learner into one safe line: escape sequences
// removed, control characters (newlines, tabs) replaced by spaces.
func cleanLine(s string) string {
	s = ansi.Strip(s)
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return ' '
		}
		return r
	}, s)
}

// wrap word-wraps one line of plain text to width, breaking words longer
// than width.
func wrap(s string, width int) []string {
	width = max(width, 1)
	return strings.Split(ansi.Wrap(s, width, ""), "\n")
}

// cut shortens plain text to width cells, ending it with "…" when cut.
func cut(s string, width int) string {
	if width <= 0 {
		return ""
	}
	return ansi.Truncate(s, width, "…")
}

// padLeft right-aligns s in width cells; padRight left-aligns it.
func padLeft(s string, width int) string {
	return strings.Repeat(" ", max(width-ansi.StringWidth(s), 0)) + s
}

func padRight(s string, width int) string {
	return s + strings.Repeat(" ", max(width-ansi.StringWidth(s), 0))
}

// notes renders problems found in the data, one "! " item each, wrapped.
func notes(items []string, width int, th Theme) []string {
	var lines []string
	for _, n := range items {
		for i, l := range wrap(cleanLine(n), width-2) {
			p := "  "
			if i == 0 {
				p = "! "
			}
			lines = append(lines, th.Error.Render(p+l))
		}
	}
	return lines
}

// runs renders a row of cells, each with its own style, styling runs of
// equal styles together to keep the escape sequences few.
type runs struct {
	b     strings.Builder
	cur   strings.Builder
	style lipgloss.Style
	key   string
}

// add appends text in style st; key identifies st (equal keys, equal styles).
func (r *runs) add(text, key string, st lipgloss.Style) {
	if key != r.key {
		r.flush()
		r.key, r.style = key, st
	}
	r.cur.WriteString(text)
}

func (r *runs) flush() {
	if r.cur.Len() == 0 {
		return
	}
	if r.key == "" {
		r.b.WriteString(r.cur.String())
	} else {
		r.b.WriteString(r.style.Render(r.cur.String()))
	}
	r.cur.Reset()
}

func (r *runs) String() string {
	r.flush()
	r.key = ""
	return r.b.String()
}

// plain is the key for unstyled text in runs.
const plain = ""

func itoa(i int) string { return fmt.Sprint(i) }
