package report

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/perf/benchproc"
)

// task is what the report knows about a recall task of BENCHMARKS.md.
type task struct {
	name   string
	size   string  // name key of the sweep: lag, T or N
	metric string  // recall, or mse for adding
	chance float64 // recall of guessing, or the MSE of always predicting 1
	about  string  // the chance or baseline, as the title says it
}

// tasks in the order of BENCHMARKS.md; other tasks follow alphabetically.
var tasks = []task{
	{"delayed", "lag", "recall", 0.125, "chance 0.125"},
	{"adding", "T", "mse", 0.167, "baseline MSE 0.167, always predicting 1; solved < 0.01"},
	{"mqar", "N", "recall", 1.0 / 64, "chance 1/64"},
	{"induction", "T", "recall", 0.05, "chance 0.05"},
}

func taskNamed(name string) (task, bool) {
	for _, t := range tasks {
		if t.name == name {
			return t, true
		}
	}
	return task{name: name}, false
}

// recallTask is one task's sweep: a cell per size and model.
type recallTask struct {
	task
	sizes  []recallSize // ascending
	models []string     // column order
	seeds  []string     // every seed seen, in seed order
	budget float64      // the most steps a run took: the budget, if any run used it all
}

type recallSize struct {
	label string  // "64"
	x     float64 // the size as a number, NaN if it is not one
	cells map[string]*recallCell
}

// recallCell is one model at one size: the metric per seed (the mean over
// repeated runs of that seed) and the mean over seeds.
type recallCell struct {
	seeds  []string
	values []float64
	mean   float64
	steps  []float64 // training steps each run took; empty if not reported
}

// early describes the runs of c that stopped before the budget: " · 900
// steps" (their mean) when all did, " · 1 of 2 runs solved, 1300 steps" when
// some did, "" when none did.
func (c *recallCell) early(budget float64) string {
	var solved []float64
	for _, st := range c.steps {
		if st > 0 && st < budget {
			solved = append(solved, st)
		}
	}
	switch {
	case len(solved) == 0:
		return ""
	case len(solved) == len(c.steps):
		return fmt.Sprintf(" · %.0f steps", mean(solved))
	}
	return fmt.Sprintf(" · %d of %d runs solved, %.0f steps", len(solved), len(c.steps), mean(solved))
}

// format formats c as "0.69 (0.38/1.00)": the mean, then each seed.
func (c *recallCell) format(metric string) string {
	// Recall to two decimals as BENCHMARKS.md reports it; an MSE to four,
	// which resolves the "solved" threshold of 0.01.
	digits := 2
	if metric != "recall" {
		digits = 4
	}
	f := func(v float64) string { return strconv.FormatFloat(v, 'f', digits, 64) }
	s := f(c.mean)
	if len(c.values) > 1 {
		parts := make([]string, len(c.values))
		for i, v := range c.values {
			parts[i] = f(v)
		}
		s += " (" + strings.Join(parts, "/") + ")"
	}
	return s
}

// recall groups the results of BenchmarkRecall by task, size, model and
// seed.
func (r *Results) recall() []recallTask {
	var p projector
	type cellKey struct {
		task  string
		size  benchproc.Key
		model string
	}
	type taskData struct {
		task
		sizes  []benchproc.Key
		models []string
		seeds  []benchproc.Key
		// runs holds the metric per cell and seed, over repeated runs;
		// steps the steps taken, where reported.
		runs  map[cellKey]map[benchproc.Key][]float64
		steps map[cellKey][]float64
		// budget is the most steps any run of the task took.
		budget float64
	}
	byTask := make(map[string]*taskData)
	var names []string
	for _, res := range r.named("Recall") {
		name := p.value("/task", res)
		td := byTask[name]
		if td == nil {
			t, known := taskNamed(name)
			if !known {
				// The sweep is the first key that is not task, model or
				// seed; the metric recall, or else mse.
				for _, k := range nameKeys(res) {
					if k != "task" && k != "model" && k != "seed" {
						t.size = k
						break
					}
				}
				if t.size == "" {
					t.size = "size"
				}
				t.metric = "recall"
				if _, ok := res.Value("recall"); !ok {
					t.metric = "mse"
				}
			}
			td = &taskData{task: t, runs: make(map[cellKey]map[benchproc.Key][]float64), steps: make(map[cellKey][]float64)}
			byTask[name] = td
			names = append(names, name)
		}
		v, ok := res.Value(td.metric)
		if !ok {
			continue
		}
		// Quoted, since a key from the data may hold projection syntax.
		size := p.project(strconv.Quote("/"+td.size)+"@num", res)
		model := p.value("/model", res)
		seed := p.project("/seed@num", res)
		key := cellKey{name, size, model}
		if td.runs[key] == nil {
			td.runs[key] = make(map[benchproc.Key][]float64)
		}
		if !slices.Contains(td.sizes, size) {
			td.sizes = append(td.sizes, size)
		}
		if !slices.Contains(td.models, model) {
			td.models = append(td.models, model)
		}
		if !slices.Contains(td.seeds, seed) {
			td.seeds = append(td.seeds, seed)
		}
		td.runs[key][seed] = append(td.runs[key][seed], v)
		if st, ok := res.Value("steps"); ok {
			td.steps[key] = append(td.steps[key], st)
			td.budget = max(td.budget, st)
		}
	}

	sortWithPreferred(names, "delayed", "adding", "mqar", "induction")
	var out []recallTask
	for _, name := range names {
		td := byTask[name]
		if len(td.sizes) == 0 {
			continue
		}
		benchproc.SortKeys(td.sizes)
		benchproc.SortKeys(td.seeds)
		sortModels(td.models)
		rt := recallTask{task: td.task, models: td.models, budget: td.budget}
		for _, s := range td.seeds {
			rt.seeds = append(rt.seeds, s.StringValues())
		}
		for _, size := range td.sizes {
			label := size.StringValues()
			x, err := strconv.ParseFloat(label, 64)
			if err != nil {
				x = math.NaN()
			}
			rs := recallSize{label: label, x: x, cells: make(map[string]*recallCell)}
			for _, model := range td.models {
				runs := td.runs[cellKey{name, size, model}]
				if len(runs) == 0 {
					continue
				}
				c := new(recallCell)
				for _, seed := range td.seeds {
					if vs, ok := runs[seed]; ok {
						c.seeds = append(c.seeds, seed.StringValues())
						c.values = append(c.values, mean(vs))
					}
				}
				c.mean = mean(c.values)
				c.steps = td.steps[cellKey{name, size, model}]
				rs.cells[model] = c
			}
			rt.sizes = append(rt.sizes, rs)
		}
		out = append(out, rt)
	}
	return out
}

// RecallTables returns one table per task of BenchmarkRecall: a row per
// size of the sweep (lag, T or N, ascending), a column per model, and in
// each cell the task's metric (recall; MSE for adding) as the mean over
// seeds followed by each seed's value, e.g. "0.69 (0.38/1.00)". Repeated
// runs of one seed (-count) are averaged first, so that every seed weighs
// the same. The title gives the task's chance level or baseline.
func (r *Results) RecallTables() []Table {
	var tables []Table
	for _, rt := range r.recall() {
		t := Table{
			Title:  fmt.Sprintf("%s: %s by %s", rt.name, rt.metric, rt.size),
			Header: append([]string{rt.size}, rt.models...),
		}
		if rt.about != "" {
			t.Title += " (" + rt.about + ")"
		}
		missing, perSeed, early := false, false, false
		for _, size := range rt.sizes {
			row := []string{size.label}
			for _, model := range rt.models {
				c := size.cells[model]
				if c == nil {
					missing = true
					row = append(row, "")
					continue
				}
				perSeed = perSeed || len(c.values) > 1
				cell := c.format(rt.metric)
				if e := c.early(rt.budget); e != "" {
					cell += e
					early = true
				}
				row = append(row, cell)
			}
			t.Rows = append(t.Rows, row)
		}
		if perSeed {
			t.Notes = append(t.Notes, fmt.Sprintf("cell: mean over seeds (each seed's value, seeds %s); repeated runs of a seed are averaged first",
				strings.Join(rt.seeds, "/")))
		}
		if early {
			t.Notes = append(t.Notes, fmt.Sprintf("· N steps: solved and stopped early after N steps (mean over the runs that did); the others ran all %.0f", rt.budget))
		}
		if missing {
			t.Notes = append(t.Notes, "blank: not run")
		}
		tables = append(tables, t)
	}
	return tables
}

func mean(xs []float64) float64 {
	var s float64
	for _, x := range xs {
		s += x
	}
	return s / float64(len(xs))
}
