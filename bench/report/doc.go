// Package report turns the output of seqlab's benchmark suites (package
// bench, see BENCHMARKS.md) into tables, fitted slopes and plots.
//
// It reads standard `go test -bench` output with golang.org/x/perf's benchfmt,
// Unit metadata lines included, groups results by the keys of their names
// (task=, model=, lag=, seed=, mode=, T=) with benchproc, and summarizes
// repeated runs with benchmath, as benchstat does:
//
//   - RecallTables: per task, the metric (recall, or MSE for adding) by size
//     and model, as the mean over seeds with each seed's value:
//     "0.69 (0.38/1.00)", the chance level in the title;
//   - MemoryTables and Slopes: time per token, peak heap and state bytes by
//     T and model, and the log-log slope of each against T beside the slope
//     the model's design predicts (O(1) state, O(T) KV cache, O(T²) attention);
//   - SpeedTable: the standard workloads with sec/op, tokens/s, B/op and
//     allocs/op, median ± 95% confidence interval;
//   - Compare: old against new, benchstat's way (delta and p-value, "~"
//     when not significant);
//   - WritePlots: recall against the size of the sweep, memory and time
//     against T on log-log axes, as SVG and PNG.
//
// Tables render as aligned plain text (String) or as GitHub Markdown for the
// README (Markdown).
//
// Usage:
//
//	go test -run '^$' -bench Recall -benchtime 1x ./bench > recall.txt
//	go test -run '^$' -bench Memory ./bench > memory.txt
//
//	r, err := report.ParseFiles("recall.txt", "memory.txt")
//	if err != nil {
//		return err
//	}
//	for _, t := range r.RecallTables() {
//		fmt.Println(t)
//	}
//	for _, t := range r.MemoryTables() {
//		fmt.Println(t.Markdown())
//	}
//	files, err := r.WritePlots("plots")
package report
