package report

import (
	"fmt"

	"golang.org/x/perf/benchmath"
	"golang.org/x/perf/benchproc"
)

// speedUnits are the columns of SpeedTable, as benchfmt tidies them.
var speedUnits = []string{"sec/op", "tokens/s", "B/op", "allocs/op"}

// SpeedTable returns the standard speed workloads of BenchmarkWorkload with
// sec/op, tokens/s, B/op and allocs/op, summarized as benchstat does: the
// median, and with two runs or more its 95% confidence interval.
func (r *Results) SpeedTable() Table {
	var p projector
	rowBy := p.key(".fullname")
	var rows []benchproc.Key
	label := make(map[benchproc.Key]string)
	values := make(map[benchproc.Key]map[string][]float64)
	for _, res := range r.named("Workload") {
		row := rowBy.Project(res)
		if values[row] == nil {
			rows = append(rows, row)
			label[row] = shortName(res)
			values[row] = make(map[string][]float64)
		}
		for _, unit := range speedUnits {
			if v, ok := res.Value(unit); ok {
				values[row][unit] = append(values[row][unit], v)
			}
		}
	}
	benchproc.SortKeys(rows)

	t := Table{
		Title:  "speed: standard workloads",
		Header: append([]string{"workload"}, speedUnits...),
	}
	var notes footnotes
	minRuns, maxRuns := 0, 0
	for _, row := range rows {
		cells := []string{label[row]}
		for _, unit := range speedUnits {
			vs := values[row][unit]
			if len(vs) == 0 {
				cells = append(cells, "")
				continue
			}
			if minRuns == 0 || len(vs) < minRuns {
				minRuns = len(vs)
			}
			maxRuns = max(maxRuns, len(vs))
			sum, sample := r.summarize(unit, vs)
			exact := r.units.GetAssumption(unit) == benchmath.AssumeExact
			cell := summaryCell(formatter(unit, []float64{sum.Center}), sum, sample, exact)
			if len(vs) > 1 {
				cell += notes.mark(sample.Warnings, sum.Warnings)
			}
			cells = append(cells, cell)
		}
		t.Rows = append(t.Rows, cells)
	}
	switch {
	case maxRuns == 1:
		t.Notes = append(t.Notes, "one run each")
	case minRuns == maxRuns:
		t.Notes = append(t.Notes, fmt.Sprintf("median of %d runs ± 95%% confidence interval", maxRuns))
	case maxRuns > 1:
		t.Notes = append(t.Notes, fmt.Sprintf("median of %d to %d runs ± 95%% confidence interval", minRuns, maxRuns))
	}
	t.Notes = append(t.Notes, notes.notes()...)
	return t
}
