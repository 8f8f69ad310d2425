// Package check holds the compiled checks of the lessons' exercises. A
// notebook cell calls one with the learner's function, and the check shows
// its verdict as a *display.Check: PASS, or what was expected, what the code
// gave and where to look.
//
// Cells see the package as check (repl.Preload), so an exercise cell of
// lesson 1 reads
//
//	// Exercise: neuron — compute a neuron's output σ(w·x + b)
//	func neuron(x, w []float64, b float64) float64 {
//		// TODO: add up b and every w[i]*x[i], then return nn.Sigmoid of the sum
//		return 0
//	}
//	check.Neuron(neuron)
//
// and running the cell shows
//
//	FAIL neuron
//	  expected: neuron(x=[1 2], w=[0.5 -0.25], b=0.1) = 0.524979 (σ(0.1)) (case 1
//	    of 5)
//	  got: 0
//	  look at: your function still returns 0: replace the // TODO in neuron with
//	    the weighted sum and the sigmoid
//
// # What a check promises
//
// A check never panics and never stops the cell: a learner's function that
// panics, returns nil, a slice of the wrong length, NaN or ±Inf is a FAIL
// that says so ("your function panicked: …"). The learner's function gets
// fresh copies of the inputs, so changing them in place does no harm. Checks
// are deterministic: the same cases in the same order every time, and the
// first case that fails is the one reported, with a diagnosis of the usual
// mistakes (a missing bias, a sign the wrong way round, a forgotten learning
// rate) where one fits.
//
// A check's Exercise is the NAME of the exercise cell's first line
// ("// Exercise: NAME — task"), which is how package lessons and the TUI
// match a verdict to its exercise.
//
// The package imports nothing from the REPL, so that the REPL's symbol
// tables can include it.
package check
