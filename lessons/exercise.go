package lessons

import (
	"fmt"
	"io/fs"
	"strings"

	"github.com/seqlab/seqlab/notebook"
)

// exercisePrefix starts the first line of an exercise cell.
const exercisePrefix = "// Exercise:"

// An Exercise is a code cell of a lesson that the learner completes: its
// first line is "// Exercise: NAME — task", it holds a "// TODO" where the
// learner writes code, and its last line calls the check that says PASS or
// what was wrong.
type Exercise struct {
	Name  string   // e.g. "neuron"; the Exercise of the check's verdict
	Task  string   // the one-line task, e.g. "compute a neuron's output σ(w·x + b)"
	Cell  int      // the index of the exercise cell in nb.Cells
	Hints []string // the hint blocks of the Markdown cell after it, gentlest first
}

// parseExerciseLine reads "// Exercise: NAME — task" (the dash may also be
// "-", "–" or ":"), or reports that line is not one.
func parseExerciseLine(line string) (name, task string, ok bool) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(line), exercisePrefix)
	if !ok {
		return "", "", false
	}
	fields := strings.Fields(rest)
	if len(fields) == 0 {
		return "", "", false
	}
	name = fields[0]
	task = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(rest), name))
	task = strings.TrimSpace(strings.TrimLeft(task, "—–-:"))
	return name, task, true
}

// firstLine returns the first line of s.
func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// Exercises returns the exercises of a lesson notebook in order: the code
// cells whose first line is "// Exercise: NAME — task", each with the hints
// of the Markdown cell right after it.
func Exercises(nb *notebook.Notebook) []Exercise {
	if nb == nil {
		return nil
	}
	var out []Exercise
	for i, c := range nb.Cells {
		if c.Kind != notebook.Code {
			continue
		}
		name, task, ok := parseExerciseLine(firstLine(c.Source))
		if !ok {
			continue
		}
		e := Exercise{Name: name, Task: task, Cell: i}
		if i+1 < len(nb.Cells) && nb.Cells[i+1].Kind == notebook.Markdown {
			e.Hints = Hints(nb.Cells[i+1].Source)
		}
		out = append(out, e)
	}
	return out
}

// A fencedBlock is a fenced block of Markdown text, by line numbers.
type fencedBlock struct {
	open, close int    // the lines of the opening and closing fence; close = len(lines) if it is never closed
	info        string // the info string of the opening fence
	indent      int    // the indentation of the opening fence
}

// fencedBlocks finds the top-level fenced blocks of Markdown lines as
// CommonMark does: an opening fence of three or more ` or ~, indented by at
// most three spaces, closed by a fence of the same character at least as
// long with nothing but blanks after it.
func fencedBlocks(lines []string) []fencedBlock {
	var out []fencedBlock
	for i := 0; i < len(lines); i++ {
		indent, char, n, info, ok := fenceLine(lines[i])
		if !ok || (char == '`' && strings.Contains(info, "`")) {
			continue
		}
		b := fencedBlock{open: i, close: len(lines), info: info, indent: indent}
		for j := i + 1; j < len(lines); j++ {
			if _, c, m, rest, ok := fenceLine(lines[j]); ok && c == char && m >= n && rest == "" {
				b.close = j
				break
			}
		}
		out = append(out, b)
		i = b.close
	}
	return out
}

// fenceLine reads a fence line: its indentation, character, length and the
// text after it (trimmed).
func fenceLine(line string) (indent int, char byte, n int, rest string, ok bool) {
	line = strings.TrimRight(line, "\r")
	for indent < len(line) && line[indent] == ' ' {
		indent++
	}
	if indent > 3 || indent == len(line) {
		return 0, 0, 0, "", false
	}
	char = line[indent]
	if char != '`' && char != '~' {
		return 0, 0, 0, "", false
	}
	for indent+n < len(line) && line[indent+n] == char {
		n++
	}
	if n < 3 {
		return 0, 0, 0, "", false
	}
	return indent, char, n, strings.TrimSpace(line[indent+n:]), true
}

// isHint reports whether a block's info string makes it a hint.
func isHint(b fencedBlock) bool {
	fields := strings.Fields(b.info)
	return len(fields) > 0 && fields[0] == "hint"
}

// Hints returns the texts of the ```hint blocks of Markdown text in order,
// each without its fences and with its final line break removed.
func Hints(markdown string) []string {
	lines := strings.Split(strings.ReplaceAll(markdown, "\r\n", "\n"), "\n")
	var out []string
	for _, b := range fencedBlocks(lines) {
		if !isHint(b) {
			continue
		}
		body := make([]string, 0, b.close-b.open)
		for _, l := range lines[b.open+1 : b.close] {
			// CommonMark removes the fence's indentation from the content.
			for k := 0; k < b.indent && strings.HasPrefix(l, " "); k++ {
				l = l[1:]
			}
			body = append(body, l)
		}
		out = append(out, strings.Join(body, "\n"))
	}
	return out
}

// HideHints returns Markdown text without its ```hint blocks, so that a
// front end can show the hints only when the learner asks. A blank line
// that would be left doubled where a block was is removed with it; all
// other text is kept exactly.
func HideHints(markdown string) string {
	lines := strings.Split(markdown, "\n")
	blocks := fencedBlocks(lines)
	drop := make([]bool, len(lines))
	hidden := false
	for _, b := range blocks {
		if !isHint(b) {
			continue
		}
		hidden = true
		end := min(b.close, len(lines)-1)
		for i := b.open; i <= end; i++ {
			drop[i] = true
		}
	}
	if !hidden {
		return markdown
	}
	blank := func(s string) bool { return strings.TrimSpace(s) == "" }
	var out []string
	for i, l := range lines {
		if drop[i] {
			continue
		}
		// A blank line after a dropped block, when the text kept so far
		// already ends in a blank line (or is empty), would double it.
		if blank(l) && i > 0 && drop[i-1] && i < len(lines)-1 && (len(out) == 0 || blank(out[len(out)-1])) {
			continue
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// solutions reads the solutions file of a lesson: exercise name → the
// solved cell's source.
func solutions(l Lesson) (map[string]string, error) {
	data, err := fs.ReadFile(course, l.solutionsFile())
	if err != nil {
		return nil, fmt.Errorf("lesson %s has no solutions file (%s)", l.Slug, l.solutionsFile())
	}
	nb, err := notebook.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", l.solutionsFile(), err)
	}
	out := map[string]string{}
	for _, c := range nb.CodeCells() {
		if name, _, ok := parseExerciseLine(firstLine(c.Source)); ok {
			out[name] = c.Source
		}
	}
	return out, nil
}

// Solution returns the solved cell of an exercise of a lesson (named as for
// Source): the whole cell, from its "// Exercise:" line to its check call.
func Solution(slug, exercise string) (string, error) {
	l, err := find(slug)
	if err != nil {
		return "", err
	}
	sols, err := solutions(l)
	if err != nil {
		return "", err
	}
	src, ok := sols[exercise]
	if !ok {
		return "", fmt.Errorf("lesson %s has no solution for the exercise %q (%s)", l.Slug, exercise, l.solutionsFile())
	}
	return src, nil
}

// WithSolutions replaces the source of every exercise cell of nb, a
// notebook of the lesson slug, by its solution. If an exercise has no
// solution it changes nothing and says which ones are missing.
func WithSolutions(nb *notebook.Notebook, slug string) error {
	l, err := find(slug)
	if err != nil {
		return err
	}
	sols, err := solutions(l)
	if err != nil {
		return err
	}
	exercises := Exercises(nb)
	var missing []string
	for _, e := range exercises {
		if _, ok := sols[e.Name]; !ok {
			missing = append(missing, e.Name)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("lesson %s has no solution for %s (%s)", l.Slug, strings.Join(missing, ", "), l.solutionsFile())
	}
	for _, e := range exercises {
		nb.Cells[e.Cell].Source = sols[e.Name]
	}
	return nil
}
