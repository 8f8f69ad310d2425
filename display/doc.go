// Package display holds the rich output values of seqlab's notebooks —
// Table, LinePlot, Heatmap, Progress and Markdown — each with a JSON form
// for the TUI and a plain-text rendering for `seqlab run` and logs. It has
// no terminal code: the TUI draws the JSON form itself.
//
// In a notebook cell, build a value and Show it:
//
//	display.Show(display.NewTable("model", "lag", "recall").
//		Row("rnn", 16, 0.118).
//		Row("lstm", 16, 0.9995))
//
//	display.Show(display.NewLinePlot("training loss").
//		Add("rnn", nil, rnnHist.Loss). // nil x: steps 0, 1, 2, …
//		Add("lstm", nil, lstmHist.Loss).
//		XLabel("step").YLabel("cross-entropy").LogY())
//
//	w := m.AttentionWeights(0, 0, 0) // (T, T): who looked at whom
//	T, _ := w.Dims()
//	rows := make([][]float64, T)
//	for i := range rows {
//		rows[i] = w.RawRowView(i)
//	}
//	display.Show(display.NewHeatmap("layer 0, head 0", rows).
//		Rows(tokens...).Cols(tokens...).Range(0, 1))
//
//	p := display.NewProgress("sweep", len(lags))
//	for i, lag := range lags {
//		recall := run(lag)
//		p.Set(i+1, fmt.Sprintf("lag %d: recall %.3f", lag, recall))
//	}
//
//	opts.Progress = display.TrainProgress("lstm") // a live bar while training
//
//	display.Show(display.Markdown("**Done.** The LSTM remembers longer."))
//
// Show sends a value to the sink installed with SetSink (the REPL kernel
// sends its JSON to the front end); by default it prints Text(80). Marshal and
// Unmarshal convert values to and from JSON, keeping NaN and ±Inf as the
// strings "NaN", "+Inf", "-Inf".
//
// Learners type these calls, so mistakes in the data do not panic: a series
// whose x and y differ in length, ragged heatmap rows, a reversed range or
// the wrong number of labels are drawn as well as they can be, and the
// problem is written under the rendering (and kept in the value's Errors
// field). Non-finite points are left out of plots; NaN heatmap cells show
// as "?".
//
// The API is not generic and takes float64, []float64, [][]float64 and
// []string, so that the yaegi interpreter can call all of it.
package display
