package render

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"charm.land/glamour/v2"
	"charm.land/glamour/v2/styles"
	"charm.land/lipgloss/v2"
	"github.com/alecthomas/chroma/v2"
	"github.com/alecthomas/chroma/v2/lexers"
	chromastyles "github.com/alecthomas/chroma/v2/styles"
	"github.com/charmbracelet/x/ansi"
)

// Markdown renders Markdown source with glamour, word-wrapped to width, in
// glamour's dark or light style as th.Dark says (never the automatic style,
// which would query the terminal). Lines glamour cannot wrap, such as long
// code lines, are cut with "…". If glamour fails, the source is returned,
// wrapped.
func Markdown(src string, width int, th Theme) string {
	width = normWidth(width)
	r, err := markdownRenderer(width, th.Dark)
	var out string
	if err == nil {
		r.mu.Lock()
		out, err = r.tr.Render(src)
		r.mu.Unlock()
	}
	if err != nil {
		var lines []string
		for _, l := range strings.Split(strings.TrimRight(src, "\n"), "\n") {
			lines = append(lines, wrap(strings.ReplaceAll(cleanLine(l), "\t", "    "), width)...)
		}
		out = th.Text.Render(strings.Join(lines, "\n"))
	}
	return fit(trimLines(trimBlankLines(out)), width)
}

// trimLines removes the invisible padding at the end of every line of s
// (glamour pads every line to the wrap width, one styled space at a time):
// trailing spaces that have no background colour, and their styles.
func trimLines(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = trimLine(l)
	}
	return strings.Join(lines, "\n")
}

func trimLine(l string) string {
	bg := false // a background colour is set
	keep := 0   // the byte after the last cell that shows
	for i := 0; i < len(l); {
		if m := sgr.FindStringSubmatchIndex(l[i:]); m != nil && m[0] == 0 {
			bg = background(l[i+m[2]:i+m[3]], bg)
			i += m[1]
			continue
		}
		r, size := utf8.DecodeRuneInString(l[i:])
		if r != ' ' || bg {
			keep = i + size
		}
		i += size
	}
	rest := l[keep:]
	if rest == "" || strings.Contains(rest, "\x1b]") { // keep hyperlinks whole
		return l
	}
	if keep > 0 && strings.Contains(rest, "\x1b") {
		return l[:keep] + "\x1b[m"
	}
	return l[:keep]
}

// background reports whether a background colour is set after the SGR
// parameters params, given whether one was set before.
func background(params string, bg bool) bool {
	ps := strings.Split(params, ";")
	for k := 0; k < len(ps); k++ {
		n, err := strconv.Atoi(ps[k])
		switch {
		case err != nil || n == 0 || n == 49:
			bg = false
		case n >= 40 && n <= 47 || n >= 100 && n <= 107:
			bg = true
		case n == 38 || n == 48 || n == 58: // extended colours: skip their values
			if n == 48 {
				bg = true
			}
			if k+1 < len(ps) && ps[k+1] == "5" {
				k += 2
			} else if k+1 < len(ps) && ps[k+1] == "2" {
				k += 4
			}
		}
	}
	return bg
}

var sgr = regexp.MustCompile(`\x1b\[([0-9;]*)m`)

// A glamourRenderer is a glamour renderer and the lock that serialises its
// use (it keeps state while it renders).
type glamourRenderer struct {
	mu sync.Mutex
	tr *glamour.TermRenderer
}

type markdownKey struct {
	width int
	dark  bool
}

// markdownRenderers caches a renderer per width and background: glamour is
// slow to construct, and the notebook re-renders at the same width often.
var markdownRenderers struct {
	sync.Mutex
	m map[markdownKey]*glamourRenderer
}

func markdownRenderer(width int, dark bool) (*glamourRenderer, error) {
	markdownRenderers.Lock()
	defer markdownRenderers.Unlock()
	k := markdownKey{width, dark}
	if r, ok := markdownRenderers.m[k]; ok {
		return r, nil
	}
	style := styles.LightStyleConfig
	if dark {
		style = styles.DarkStyleConfig
	}
	// The notebook indents cells itself: no margin around the document.
	noMargin := uint(0)
	style.Document.Margin = &noMargin
	tr, err := glamour.NewTermRenderer(glamour.WithStyles(style), glamour.WithWordWrap(width))
	if err != nil {
		return nil, err
	}
	if markdownRenderers.m == nil {
		markdownRenderers.m = make(map[markdownKey]*glamourRenderer)
	}
	r := &glamourRenderer{tr: tr}
	markdownRenderers.m[k] = r
	return r, nil
}

// trimBlankLines removes the blank lines (blank once escape sequences are
// stripped) at the start and end of s.
func trimBlankLines(s string) string {
	lines := strings.Split(s, "\n")
	blank := func(l string) bool { return strings.TrimSpace(ansi.Strip(l)) == "" }
	for len(lines) > 0 && blank(lines[0]) {
		lines = lines[1:]
	}
	for len(lines) > 0 && blank(lines[len(lines)-1]) {
		lines = lines[:len(lines)-1]
	}
	return strings.Join(lines, "\n")
}

// Code renders Go source with chroma's syntax highlighting (th.CodeStyle)
// and a gutter of right-aligned line numbers:
//
//	1 package main
//	2
//	3 func main() {
//
// Tabs become four spaces; lines too long for width are cut with "…", not
// wrapped, so that line numbers stay one per line.
func Code(src string, width int, th Theme) string {
	width = normWidth(width)
	src = strings.TrimSuffix(src, "\n")
	if src == "" {
		return ""
	}
	// Split the tokens into lines of (text, style) pieces.
	type piece struct {
		text  string
		style lipgloss.Style
	}
	lines := [][]piece{nil}
	add := func(text string, st lipgloss.Style) {
		for i, part := range strings.Split(text, "\n") {
			if i > 0 {
				lines = append(lines, nil)
			}
			if part != "" {
				lines[len(lines)-1] = append(lines[len(lines)-1], piece{part, st})
			}
		}
	}
	lexer := lexers.Get("go")
	var it chroma.Iterator
	if lexer != nil {
		it, _ = chroma.Coalesce(lexer).Tokenise(nil, src)
	}
	if it == nil {
		add(src, th.Text)
	} else {
		style := chromastyles.Get(th.CodeStyle)
		styles := map[chroma.TokenType]lipgloss.Style{}
		for tok := it(); tok != chroma.EOF; tok = it() {
			st, ok := styles[tok.Type]
			if !ok {
				st = tokenStyle(style, tok.Type, th.CodeStyle != "")
				styles[tok.Type] = st
			}
			add(tok.Value, st)
		}
	}

	// The numbers are muted and as narrow as the count needs, so that code
	// keeps as many columns as it can (lessons write to 72 at 80).
	digits := len(fmt.Sprint(len(lines)))
	gutterW := digits + 1
	codeW := width - gutterW
	var out []string
	for n, pieces := range lines {
		gutter := th.Muted.Render(fmt.Sprintf("%*d", digits, n+1))
		var b strings.Builder
		col := 0
		for _, p := range pieces {
			text := expandTabs(p.text, &col)
			b.WriteString(p.style.Render(text))
		}
		code := b.String()
		if codeW < 1 {
			out = append(out, gutter)
			continue
		}
		if ansi.StringWidth(code) > codeW {
			code = ansi.Truncate(code, codeW, "…")
		}
		if code == "" {
			out = append(out, gutter)
		} else {
			out = append(out, gutter+" "+code)
		}
	}
	return fit(strings.Join(out, "\n"), width)
}

// tokenStyle is the lipgloss style of a chroma token type in style.
func tokenStyle(style *chroma.Style, t chroma.TokenType, colour bool) lipgloss.Style {
	st := lipgloss.NewStyle()
	if !colour || style == nil {
		return st
	}
	e := style.Get(t)
	if e.Colour.IsSet() {
		st = st.Foreground(lipgloss.Color(e.Colour.String()))
	}
	if e.Bold == chroma.Yes {
		st = st.Bold(true)
	}
	if e.Italic == chroma.Yes {
		st = st.Italic(true)
	}
	return st
}

// expandTabs replaces tabs by spaces up to the next multiple of four
// columns; col is the column s starts at, and is advanced past s.
func expandTabs(s string, col *int) string {
	if !strings.Contains(s, "\t") {
		*col += ansi.StringWidth(s)
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if r == '\t' {
			n := 4 - *col%4
			b.WriteString(strings.Repeat(" ", n))
			*col += n
			continue
		}
		b.WriteRune(r)
		*col += ansi.StringWidth(string(r))
	}
	return b.String()
}
