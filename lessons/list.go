package lessons

import (
	"fmt"
	"io"
	"strings"
)

// WriteList writes the course for `seqlab lessons`: a line per lesson with
// a mark (✓ finished, ◐ started, ○ not started), its number, title and
// goal, and the exercises passed, e.g.
//
//	✓ 1. Neurons and learning — train a tiny network by gradient descent and read its loss curve (3/3 exercises)
//
// p may be nil (no progress yet).
func WriteList(w io.Writer, p *Progress) {
	all := List()
	if len(all) == 0 {
		fmt.Fprintln(w, "No lessons are built into this seqlab.")
		return
	}
	for _, l := range all {
		mark := "○"
		switch {
		case p.Finished(l.Slug):
			mark = "✓"
		case p.Fraction(l.Slug) > 0:
			mark = "◐"
		}
		line := fmt.Sprintf("%s %d. %s", mark, l.Number, l.Title)
		if goal := strings.TrimSuffix(l.Goal, "."); goal != "" {
			line += " — " + goal
		}
		if passed, total := p.ExercisesPassed(l.Slug); total > 0 {
			line += fmt.Sprintf(" (%d/%d exercises)", passed, total)
		}
		fmt.Fprintln(w, line)
	}
}
