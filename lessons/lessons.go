package lessons

import (
	"embed"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/seqlab/seqlab/notebook"
)

//go:embed course/*.md course/solutions/*.md
var course embed.FS

// A Lesson is one lesson of the course, as List describes it.
type Lesson struct {
	Number int    // e.g. 1, from the file name 01-neurons.md
	Slug   string // e.g. "neurons", the rest of the file name
	Title  string // the text of the first "# " heading, e.g. "Neurons and learning"
	Goal   string // the text after "**Goal:**" under the title, e.g. "train a tiny network …"
}

// file is the lesson's path in the embedded course.
func (l Lesson) file() string {
	return fmt.Sprintf("course/%02d-%s.md", l.Number, l.Slug)
}

// solutionsFile is the path of the lesson's solutions in the embedded course.
func (l Lesson) solutionsFile() string {
	return fmt.Sprintf("course/solutions/%02d-%s.md", l.Number, l.Slug)
}

var lessonFile = regexp.MustCompile(`^(\d+)-([a-z0-9]+(?:-[a-z0-9]+)*)\.md$`)

var (
	listOnce sync.Once
	list     []Lesson
)

// List returns the lessons of the course in order.
func List() []Lesson {
	listOnce.Do(func() { list = readList(course) })
	return append([]Lesson(nil), list...)
}

// readList reads the lessons' headers from the course directory of fsys.
// Files whose names do not look like NN-slug.md are not lessons.
func readList(fsys fs.FS) []Lesson {
	entries, err := fs.ReadDir(fsys, "course")
	if err != nil {
		return nil
	}
	var out []Lesson
	for _, e := range entries {
		m := lessonFile.FindStringSubmatch(e.Name())
		if e.IsDir() || m == nil {
			continue
		}
		n, _ := strconv.Atoi(m[1])
		data, err := fs.ReadFile(fsys, "course/"+e.Name())
		if err != nil {
			continue
		}
		title, goal := header(string(data))
		out = append(out, Lesson{Number: n, Slug: m[2], Title: title, Goal: goal})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Number < out[j].Number })
	return out
}

// header returns the text of the first "# " heading and the goal: the
// paragraph starting with "**Goal:**" that follows the heading (blank lines
// between them allowed), joined into one line.
func header(md string) (title, goal string) {
	lines := strings.Split(strings.ReplaceAll(md, "\r\n", "\n"), "\n")
	i := 0
	for ; i < len(lines); i++ {
		if t, ok := strings.CutPrefix(lines[i], "# "); ok {
			title = strings.TrimSpace(t)
			break
		}
	}
	for i++; i < len(lines) && strings.TrimSpace(lines[i]) == ""; i++ {
	}
	if i >= len(lines) {
		return title, ""
	}
	first, ok := strings.CutPrefix(strings.TrimSpace(lines[i]), "**Goal:**")
	if !ok {
		return title, ""
	}
	parts := []string{strings.TrimSpace(first)}
	for i++; i < len(lines) && strings.TrimSpace(lines[i]) != ""; i++ {
		parts = append(parts, strings.TrimSpace(lines[i]))
	}
	return title, strings.TrimSpace(strings.Join(parts, " "))
}

// find returns the lesson called name: its slug ("neurons"), its file name
// without .md ("01-neurons") or its number ("1").
func find(name string) (Lesson, error) {
	all := List()
	n, numErr := strconv.Atoi(name)
	for _, l := range all {
		if name == l.Slug || name == strings.TrimSuffix(l.file()[len("course/"):], ".md") || (numErr == nil && n == l.Number) {
			return l, nil
		}
	}
	slugs := make([]string, len(all))
	for i, l := range all {
		slugs[i] = l.Slug
	}
	return Lesson{}, fmt.Errorf("no lesson %q; the lessons are %s", name, strings.Join(slugs, ", "))
}

// canonical returns the slug of the lesson called name, or name itself if
// there is no such lesson.
func canonical(name string) string {
	if l, err := find(name); err == nil {
		return l.Slug
	}
	return name
}

// Source returns the Markdown text of a lesson. The lesson may be named by
// its slug ("neurons"), its file name without .md ("01-neurons") or its
// number ("1").
func Source(slug string) ([]byte, error) {
	l, err := find(slug)
	if err != nil {
		return nil, err
	}
	return fs.ReadFile(course, l.file())
}

// Load returns a lesson as a notebook, a fresh copy on every call, so the
// learner's edits never reach the embedded original. Its Path is "": a
// front end chooses where the learner's copy is saved. The lesson is named
// as for Source.
func Load(slug string) (*notebook.Notebook, error) {
	data, err := Source(slug)
	if err != nil {
		return nil, err
	}
	nb, err := notebook.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("lesson %s: %w", slug, err)
	}
	return nb, nil
}

// outline is what progress needs to know of a lesson: the indexes of its
// code cells and the names of its exercises.
type outline struct {
	code      []int
	exercises []string
}

var (
	outlineMu sync.Mutex
	outlines  = map[string]*outline{}
)

// outlineOf returns the outline of the lesson with the given slug, or nil
// if there is no such lesson.
func outlineOf(slug string) *outline {
	outlineMu.Lock()
	defer outlineMu.Unlock()
	if o, ok := outlines[slug]; ok {
		return o
	}
	var o *outline
	if nb, err := Load(slug); err == nil {
		o = &outline{}
		for i, c := range nb.Cells {
			if c.Kind == notebook.Code {
				o.code = append(o.code, i)
			}
		}
		for _, e := range Exercises(nb) {
			o.exercises = append(o.exercises, e.Name)
		}
	}
	outlines[slug] = o
	return o
}
