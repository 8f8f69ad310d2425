package render_test

import (
	"fmt"

	"github.com/charmbracelet/x/ansi"

	"github.com/seqlab/seqlab/display"
	"github.com/seqlab/seqlab/tui/render"
)

func ExampleValue() {
	th := render.NewTheme(true)
	p := &display.Progress{Label: "lstm", Done: 120, Total: 400, Elapsed: 2.3, Rate: 52.1, ETA: 5.4, Note: "loss 0.412"}
	fmt.Println(ansi.Strip(render.Value(p, 72, th)))

	h := display.NewHeatmap("attention", [][]float64{{1, 0, 0}, {0.3, 0.7, 0}, {0.2, 0.3, 0.5}}).
		Rows("a", "b", "c").Cols("a", "b", "c").Range(0, 1)
	fmt.Println(ansi.Strip(render.Value(h, 72, th)))
	// Output:
	// lstm  █████░░░░░░░░░░░  120/400  30%  52.1 steps/s  ETA 5.4s  loss 0.412
	// attention
	//       a     b     c
	// a █1.00   .00   .00
	// b ░░.30 ▓▓.70   .00
	// c ░░.20 ░░.30 ▒▒.50
	// scale  0   ░░▒▒▓▓██ 1  (fixed)
}

func ExampleError() {
	th := render.NewTheme(false)
	fmt.Println(ansi.Strip(render.Error("4:2: undefined: softmx", 40, th)))
	// Output:
	// ✗ line 4: undefined: softmx
}
