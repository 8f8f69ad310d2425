package report

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/perf/benchproc"
)

// metric is a measurement of the memory suite.
type metric struct {
	unit   string // as benchfmt tidies it: ns/token is read as sec/token
	name   string // as the suite reports it
	about  string
	format func(float64) string
}

var memoryMetrics = []metric{
	{"sec/token", "ns/token", "time per token", formatSeconds},
	{"peak-B", "peak-B", "peak heap", formatBytes},
	{"state-B", "state-B", "recurrent state or KV cache", formatBytes},
}

// series is one model's measurements of one metric in one mode, against T.
type series struct {
	mode, model string
	metric      metric
	points      []point // ascending T
	runs        int     // the most runs behind one point
}

type point struct {
	label string  // T as written in the name
	t, v  float64 // t is NaN if the label is not a number
}

// memory groups the results of BenchmarkMemory into series; each point is
// the benchmath summary (median, or the exact value) of its runs.
func (r *Results) memory() []series {
	var p projector
	type key struct {
		mode, model, unit string
		t                 benchproc.Key
	}
	runs := make(map[key][]float64)
	var keys []key
	var ts []benchproc.Key
	for _, res := range r.named("Memory") {
		mode, model := p.value("/mode", res), p.value("/model", res)
		t := p.project("/T@num", res)
		if !slices.Contains(ts, t) {
			ts = append(ts, t)
		}
		for _, m := range memoryMetrics {
			v, ok := res.Value(m.unit)
			if !ok {
				continue
			}
			k := key{mode, model, m.unit, t}
			if _, ok := runs[k]; !ok {
				keys = append(keys, k)
			}
			runs[k] = append(runs[k], v)
		}
	}
	benchproc.SortKeys(ts)

	type id struct{ mode, model, unit string }
	byID := make(map[id]*series)
	var ids []id
	for _, k := range keys {
		i := id{k.mode, k.model, k.unit}
		if byID[i] == nil {
			m := memoryMetrics[slices.IndexFunc(memoryMetrics, func(m metric) bool { return m.unit == k.unit })]
			byID[i] = &series{mode: k.mode, model: k.model, metric: m}
			ids = append(ids, i)
		}
	}
	for _, i := range ids {
		s := byID[i]
		for _, t := range ts {
			vs, ok := runs[key{i.mode, i.model, i.unit, t}]
			if !ok {
				continue
			}
			sum, _ := r.summarize(i.unit, vs)
			label := t.StringValues()
			x, err := strconv.ParseFloat(label, 64)
			if err != nil {
				x = math.NaN()
			}
			s.points = append(s.points, point{label, x, sum.Center})
			s.runs = max(s.runs, len(vs))
		}
	}

	var modes, models []string
	for _, i := range ids {
		if !slices.Contains(modes, i.mode) {
			modes = append(modes, i.mode)
		}
		if !slices.Contains(models, i.model) {
			models = append(models, i.model)
		}
	}
	sortWithPreferred(modes, "infer", "train")
	sortModels(models)
	var out []series
	for _, mode := range modes {
		for _, m := range memoryMetrics {
			for _, model := range models {
				if s := byID[id{mode, model, m.unit}]; s != nil {
					out = append(out, *s)
				}
			}
		}
	}
	return out
}

// Slope is the fitted exponent k of metric ≈ c·T^k for one model in one
// mode of BenchmarkMemory: the least-squares slope of log(metric) against
// log(T) over the Points sizes where the metric is not zero.
type Slope struct {
	Mode   string  // infer or train
	Model  string  // rnn, lstm, …
	Metric string  // ns/token, peak-B or state-B
	Slope  float64 // e.g. 1.02
	Points int     // sizes in the fit
	// Tail is the slope between the two largest sizes: where a sum of
	// terms (activations O(T) plus attention O(T²)) shows its leading one.
	Tail float64
}

// Expected returns the slope that the model's design predicts for this
// metric and why, where BENCHMARKS.md states one: a recurrent state is O(1),
// a KV cache O(T), BPTT activations O(T), attention scores O(T²).
func (s Slope) Expected() (slope float64, why string, ok bool) {
	family := strings.TrimPrefix(s.Model, "torch-") // PyTorch's reference scales the same way
	switch {
	case strings.HasPrefix(family, "lstm"):
		family = "lstm"
	case strings.HasPrefix(family, "transformer"):
		family = "transformer"
	}
	recurrent := family == "rnn" || family == "lstm"
	switch {
	case s.Metric == "state-B" && recurrent:
		return 0, "O(1): a fixed-size state", true
	case s.Metric == "state-B" && family == "transformer":
		return 1, "O(T): the KV cache", true
	case s.Metric == "peak-B" && s.Mode == "train" && recurrent:
		return 1, "O(T): BPTT activations", true
	case s.Metric == "peak-B" && s.Mode == "train" && family == "transformer":
		return 2, "O(T²): attention scores", true
	}
	return 0, "", false
}

// Slopes fits each model's ns/token, peak-B and state-B against T on
// log-log axes, per mode, for every series with at least two nonzero
// points.
func (r *Results) Slopes() []Slope {
	var out []Slope
	for _, s := range r.memory() {
		if slope, ok := s.slope(); ok {
			out = append(out, slope)
		}
	}
	return out
}

func (s series) slope() (Slope, bool) {
	var xs, ys []float64
	for _, p := range s.points {
		if p.t > 0 && p.v > 0 {
			xs = append(xs, math.Log(p.t))
			ys = append(ys, math.Log(p.v))
		}
	}
	k, ok := fitLine(xs, ys)
	sl := Slope{Mode: s.mode, Model: s.model, Metric: s.metric.name, Slope: k, Points: len(xs)}
	if n := len(xs); n >= 2 {
		sl.Tail, _ = fitLine(xs[n-2:], ys[n-2:])
	}
	return sl, ok
}

// fitLine returns the least-squares slope of ys against xs; ok is false
// with fewer than two distinct xs.
func fitLine(xs, ys []float64) (slope float64, ok bool) {
	if len(xs) < 2 {
		return 0, false
	}
	mx, my := mean(xs), mean(ys)
	var sxy, sxx float64
	for i := range xs {
		dx := xs[i] - mx
		sxy += dx * (ys[i] - my)
		sxx += dx * dx
	}
	if sxx == 0 {
		return 0, false
	}
	return sxy / sxx, true
}

// MemoryTables returns, for each mode of BenchmarkMemory (infer, then
// train) and each metric it reports (ns/token, peak-B, state-B), a table
// with a row per T and a column per model. Bytes are in IEC units (KiB,
// MiB); a cell of several runs is their median. Under each table, the
// fitted log-log slope of every model (see Slopes) stands beside the slope
// its design predicts.
func (r *Results) MemoryTables() []Table {
	all := r.memory()
	var tables []Table
	for len(all) > 0 {
		// all is ordered by mode, then metric: take one table's series.
		n := 1
		for n < len(all) && all[n].mode == all[0].mode && all[n].metric.unit == all[0].metric.unit {
			n++
		}
		tables = append(tables, memoryTable(all[:n]))
		all = all[n:]
	}
	return tables
}

// memoryTable lays out the series of one mode and metric.
func memoryTable(ss []series) Table {
	m := ss[0].metric
	t := Table{
		Title:  fmt.Sprintf("%s: %s (%s) by T", ss[0].mode, m.about, m.name),
		Header: []string{"T"},
	}
	// Rows: every T of the series, ascending (each series is sorted by the
	// same benchproc order).
	var labels []string
	var xs []float64
	for _, s := range ss {
		for _, p := range s.points {
			if !slices.Contains(labels, p.label) {
				labels = append(labels, p.label)
				xs = append(xs, p.t)
			}
		}
	}
	order := make([]int, len(labels))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		if xs[a] < xs[b] {
			return -1
		}
		if xs[a] > xs[b] {
			return 1
		}
		return 0
	})
	runs := 0
	for _, s := range ss {
		t.Header = append(t.Header, s.model)
		runs = max(runs, s.runs)
	}
	for _, i := range order {
		row := []string{labels[i]}
		for _, s := range ss {
			cell := ""
			if j := slices.IndexFunc(s.points, func(p point) bool { return p.label == labels[i] }); j >= 0 {
				cell = m.format(s.points[j].v)
			}
			row = append(row, cell)
		}
		t.Rows = append(t.Rows, row)
	}
	if runs > 1 {
		t.Notes = append(t.Notes, "cell: median of the runs")
	}

	// The slopes, aligned under the table.
	var slopes []Slope
	width := 0
	for _, s := range ss {
		if slope, ok := s.slope(); ok {
			slopes = append(slopes, slope)
			width = max(width, len(slope.Model))
		}
	}
	if len(slopes) > 0 {
		t.Notes = append(t.Notes, fmt.Sprintf("log-log slope of %s against T (least squares, zeros ignored):", m.name))
	}
	for _, s := range slopes {
		note := fmt.Sprintf("  %-*s  %5s  (%d points; %5s at the largest T)", width, s.Model, formatSlope(s.Slope), s.Points, formatSlope(s.Tail))
		if want, why, ok := s.Expected(); ok {
			note += fmt.Sprintf("  expected ≈ %g, %s", want, why)
		}
		t.Notes = append(t.Notes, note)
	}
	return t
}
