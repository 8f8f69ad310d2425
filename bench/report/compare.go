package report

import (
	"maps"
	"slices"

	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchmath"
	"golang.org/x/perf/benchproc"
)

// Compare compares two sets of results the way benchstat compares two
// files: for every benchmark and unit present in both, the old and the new
// summary (median ± 95% confidence interval, or the exact value for units
// declared assume=exact), the change of the new against the old, and the
// p-value of benchmath's test (Mann–Whitney U). The change is "~" when it is
// not significant at α = 0.05. Rows are grouped by unit, in the order the
// old results report them.
func Compare(old, new *Results) Table {
	// The unit metadata of both, the old one winning where they disagree.
	units := make(benchfmt.UnitMetadataMap)
	maps.Copy(units, new.units)
	maps.Copy(units, old.units)
	described := &Results{units: units}

	// One projection for both sides, so that their keys compare.
	var p projector
	rowBy := p.key(".fullname")
	type cell struct {
		row  benchproc.Key
		unit string
	}
	collect := func(rs *Results) (map[cell][]float64, []benchproc.Key, []string) {
		values := make(map[cell][]float64)
		var rows []benchproc.Key
		var unitOrder []string
		for _, res := range rs.results {
			row := rowBy.Project(res)
			if !slices.Contains(rows, row) {
				rows = append(rows, row)
			}
			for _, v := range res.Values {
				if !slices.Contains(unitOrder, v.Unit) {
					unitOrder = append(unitOrder, v.Unit)
				}
				k := cell{row, v.Unit}
				values[k] = append(values[k], v.Value)
			}
		}
		return values, rows, unitOrder
	}
	oldValues, rows, unitOrder := collect(old)
	newValues, _, _ := collect(new)
	benchproc.SortKeys(rows)

	t := Table{
		Title:  "old vs new",
		Header: []string{"benchmark", "unit", "old", "new", "delta", "p"},
	}
	var notes footnotes
	for _, unit := range unitOrder {
		exact := units.GetAssumption(unit) == benchmath.AssumeExact
		for _, row := range rows {
			ov, nv := oldValues[cell{row, unit}], newValues[cell{row, unit}]
			if len(ov) == 0 || len(nv) == 0 {
				continue
			}
			os, osample := described.summarize(unit, ov)
			ns, nsample := described.summarize(unit, nv)
			cmp := units.GetAssumption(unit).Compare(osample, nsample)
			format := formatter(unit, []float64{os.Center, ns.Center})
			t.Rows = append(t.Rows, []string{
				row.StringValues(),
				unit,
				summaryCell(format, os, osample, exact) + notes.mark(osample.Warnings, os.Warnings),
				summaryCell(format, ns, nsample, exact) + notes.mark(nsample.Warnings, ns.Warnings),
				cmp.FormatDelta(os.Center, ns.Center),
				"(" + cmp.String() + ")" + notes.mark(cmp.Warnings),
			})
		}
	}
	if len(t.Rows) == 0 {
		t.Notes = append(t.Notes, "no benchmark and unit in common")
	}
	t.Notes = append(t.Notes, notes.notes()...)
	return t
}
