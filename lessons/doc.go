// Package lessons is seqlab's course: lesson notebooks built into the
// binary, their exercises, hints and solutions, the learner's progress, and
// a headless check that every lesson runs and that its exercises' checks
// say FAIL before and PASS after.
//
// # Lessons
//
// A lesson is a notebook in the Markdown format of package notebook, a file
// course/NN-slug.md (01-neurons.md is lesson 1, slug "neurons"), embedded
// with go:embed. Its first "# " heading is the title, and a paragraph
// starting "**Goal:**" right under it says what the learner can do
// afterwards. Sections are "## " headings, each with one idea and a few
// ```go cells that run in order in one kernel.
//
// # Exercises and hints
//
// An exercise is a code cell whose first line is
// "// Exercise: NAME — one-line task", with a "// TODO" where the learner
// writes code and, as its last line, the call of its check from package
// lessons/check, so that running the cell runs the check. The Markdown
// right after it holds the hints, fenced blocks with the info string hint,
// gentlest first; a front end hides them (HideHints) and shows one at a
// time (Exercise.Hints):
//
//	```go
//	// Exercise: neuron — compute a neuron's output σ(w·x + b)
//	func neuron(x, w []float64, b float64) float64 {
//		// TODO: add up b and every w[i]*x[i], then return nn.Sigmoid of the sum
//		return 0
//	}
//	check.Neuron(neuron)
//	```
//
//	```hint
//	Start a running total at the bias, z := b, then add w[i]*x[i] for each i.
//	```
//
//	```hint
//	z := b; for i := range x { z += w[i] * x[i] }; return nn.Sigmoid(z)
//	```
//
// The stub must run as it is (return 0, return the input unchanged): the
// cells after it use the learner's function, and must not fail before the
// learner has solved it. Its check then says FAIL, what it expected and
// what the stub gave.
//
// # Solutions
//
// course/solutions/NN-slug.md holds, for each exercise, a ```go cell that
// starts with the same "// Exercise: NAME …" line and is the whole solved
// cell, check call included. Solution returns one; WithSolutions puts them
// all into a lesson notebook.
//
// # Progress
//
// Progress records per lesson the code cells the learner ran (indexes into
// the notebook's Cells) and the exercises that passed; a lesson is finished
// when all are done. It is kept as JSON in
// $XDG_STATE_HOME/seqlab/progress.json (~/.local/state/seqlab/progress.json
// by default), saved atomically:
//
//	{"version": 1, "lessons": {"neurons": {"ran": [1, 3], "passed": ["neuron"]}}}
//
// A damaged file is moved aside to progress.json.corrupt-<time> and the
// learner starts again with empty progress, told so by LoadProgress's error.
//
// # Writing cells for the kernel
//
// Cells run in yaegi (see package repl), which asks a lesson to keep to a
// few habits: no generics, no slices.Sort (sort.Float64s works). (The
// pre-pass now rewrites `a, b := f()` inside a top-level loop and
// `return p, append(q, x)`, which yaegi v0.16 gets wrong; lessons written
// before that keep their workarounds.) A function keeps calling the
// versions of the functions that existed when its cell ran, so a lesson
// tells the learner to re-run the cells below a changed exercise. Every figure the prose
// quotes must come from the lesson's own cells; run the lesson with its
// solutions (seqlab run on the solved notebook) and copy them.
//
// # Checking the course
//
// Check runs a lesson headless, as written and with its solutions; the
// package's tests run it for every lesson both ways, as the Go Tour tests
// its content:
//
//	report, err := lessons.Check(ctx, "neurons", true, nil)
//	if err != nil {
//		return err
//	}
//	fmt.Print(report) // lesson 1 neurons (with solutions): 15 code cells, 3 exercises in 1.9s: ok
package lessons
