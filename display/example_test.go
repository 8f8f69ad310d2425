package display_test

import (
	"fmt"
	"math"

	"github.com/seqlab/seqlab/display"
)

func ExampleTable() {
	display.Show(display.NewTable("model", "lag", "recall").
		Row("rnn", 16, 0.11804).
		Row("lstm", 16, 0.99951).
		Row("transformer", 64, 1.0))
	// Output:
	// model        lag  recall
	// ───────────  ───  ──────
	// rnn           16   0.118
	// lstm          16  0.9995
	// transformer   64       1
}

func ExampleLinePlot() {
	lags := []float64{2, 4, 8, 16, 32, 64}
	p := display.NewLinePlot("recall against lag").
		Add("rnn", lags, []float64{1, 0.95, 0.5, 0.13, 0.12, 0.125}).
		Add("lstm", lags, []float64{1, 1, 1, 1, 0.9, 0.4}).
		LogX().XLabel("lag").YLabel("held-out recall")
	fmt.Println(p.Text(50))
	// Output:
	// recall against lag
	//   held-out recall
	//    1 ┤++++++++++++++++++++++++++++++
	//      │         **                   +++++
	// 0.78 ┤           **                      ++
	//      │             **                      ++
	// 0.56 ┤               **                      ++
	//      │                 **                      ++
	// 0.34 ┤                   **
	//      │                     ***
	// 0.12 ┤                        *******************
	//      └┬────────────────────┬────────────────────┬
	//       2                  11.3                  64
	//                     lag (log scale)
	//   * rnn   + lstm
}

func ExampleHeatmap() {
	tokens := []string{"Tom", "is", "a", "cat"}
	weights := [][]float64{
		{1, 0, 0, 0},
		{0.8, 0.2, 0, 0},
		{0.7, 0.1, 0.2, 0},
		{0.6, 0.1, 0.05, 0.25},
	}
	display.Show(display.NewHeatmap("who looks at Tom", weights).
		Rows(tokens...).Cols(tokens...).Range(0, 1))
	// Output:
	// who looks at Tom
	// Tom ██
	//  is ██░░
	//   a ▓▓  ░░
	// cat ▓▓    ░░
	//     T i a c
	//     o s   a
	//     m     t
	// scale  0 [ ░▒▓█] 1  (fixed)
}

func ExampleProgress() {
	// Set computes Elapsed, Rate and ETA from the clock and shows the
	// progress; here the fields are filled in by hand to show the rendering.
	p := &display.Progress{Label: "lstm", Done: 120, Total: 400, Note: "loss 0.412", Rate: 52.1, ETA: 5.4}
	fmt.Println(p.Text(80))
	// Output:
	// lstm  [███████░░░░░░░░░░░░░░░░░]  120/400  30%  52.1 it/s  ETA 5.4s  loss 0.412
}

func ExampleLinePlot_Add_mismatch() {
	// A mistake is shown under the plot instead of panicking.
	p := display.NewLinePlot("oops").Add("loss", []float64{1, 2, 3}, []float64{0.5, 0.25})
	fmt.Println(p.Errors[0])
	// Output:
	// series "loss": x has 3 points but y has 2; plotted the first 2
}

func ExampleMarshal() {
	p := display.NewLinePlot("diverged").Add("rnn", nil, []float64{2.3, math.NaN()})
	data, _ := display.Marshal(p)
	fmt.Println(string(data))
	v, _ := display.Unmarshal(data)
	fmt.Println(v.Kind(), v.(*display.LinePlot).Series[0].Y)
	// Output:
	// {"kind":"lineplot","title":"diverged","x":{"label":"","log":false},"y":{"label":"","log":false},"series":[{"name":"rnn","x":[0,1],"y":[2.3,"NaN"]}]}
	// lineplot [2.3 NaN]
}

func ExampleSetSink() {
	// The REPL kernel sends each value's JSON to the front end.
	restore := display.SetSink(func(v display.Value) {
		data, _ := display.Marshal(v)
		fmt.Printf("to the front end: %s\n", data)
	})
	defer restore()
	display.Show(display.Markdown("**Done.**"))
	// Output:
	// to the front end: {"kind":"markdown","source":"**Done.**"}
}

func ExampleMarkdown() {
	display.Show(display.Markdown("The **LSTM** remembers; the *RNN* forgets."))
	// Output:
	// The **LSTM** remembers; the *RNN* forgets.
}
