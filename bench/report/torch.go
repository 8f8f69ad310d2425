package report

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/perf/benchmath"
)

// Torch is the output of anchors/torch_ref.py: PyTorch's tokens/s per
// standard workload, keyed by the workload's name as seqlab spells it
// ("train/model=rnn/B=32/T=64/H=128"); with several runs, the best of each.
type Torch map[string]float64

// ParseTorch reads torch_ref.py's output, one line per workload:
//
//	train/rnn/B=32/T=64/H=128	19.812 ms/op	103,362 tokens/s
//
// Other lines (warnings Python printed) are skipped; a line that starts like
// a workload but does not parse is an error naming it.
func ParseTorch(r io.Reader) (Torch, error) {
	t := make(Torch)
	sc := bufio.NewScanner(r)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		fields := strings.Split(line, "\t")
		kind, rest, ok := strings.Cut(fields[0], "/")
		if !ok || !slices.Contains([]string{"train", "infer-step", "infer-seq"}, kind) {
			continue
		}
		model, size, _ := strings.Cut(rest, "/")
		if len(fields) != 3 || !strings.HasSuffix(fields[2], " tokens/s") {
			return nil, fmt.Errorf("report: PyTorch output line %d: want \"name<TAB>ms/op<TAB>tokens/s\", got %q", n, line)
		}
		v, err := strconv.ParseFloat(strings.ReplaceAll(strings.TrimSuffix(fields[2], " tokens/s"), ",", ""), 64)
		if err != nil || v <= 0 || math.IsInf(v, 0) {
			return nil, fmt.Errorf("report: PyTorch output line %d: bad tokens/s in %q", n, line)
		}
		t[kind+"/model="+model+"/"+size] = v
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("report: reading PyTorch output: %w", err)
	}
	if len(t) == 0 {
		return nil, fmt.Errorf("report: no workloads in the PyTorch output")
	}
	return t, nil
}

// TorchTarget is the speed seqlab aims at on a workload, as a multiple of
// PyTorch's tokens/s: 3× for a streaming step of batch 1 (compiled Go with
// no dispatch layer should cost what its arithmetic costs), 1× elsewhere.
func TorchTarget(workload string) float64 {
	if strings.HasPrefix(workload, "infer-step/") {
		return 3
	}
	return 1
}

// TorchTable puts the speed suite's tokens/s beside PyTorch's: per standard
// workload, seqlab (median over runs), PyTorch, the ratio, the target and
// whether it is met. Workloads PyTorch did not run show "—".
func (r *Results) TorchTable(torch Torch) Table {
	t := Table{
		Title:  "speed: seqlab beside PyTorch (tokens/s, higher is better)",
		Header: []string{"workload", "seqlab", "PyTorch", "seqlab/PyTorch", "target", "met"},
	}
	var names []string
	values := make(map[string][]float64)
	for _, res := range r.named("Workload") {
		v, ok := res.Value("tokens/s")
		if !ok {
			continue
		}
		name := strings.TrimPrefix(shortName(res), "name=")
		if values[name] == nil {
			names = append(names, name)
		}
		values[name] = append(values[name], v)
	}
	met, total := 0, 0
	for _, name := range names {
		sum := benchmath.AssumeNothing.Summary(benchmath.NewSample(values[name], &benchmath.DefaultThresholds), 0.95)
		row := []string{name, formatCount(sum.Center), "—", "", "", ""}
		if pt, ok := torch[name]; ok {
			ratio, target := sum.Center/pt, TorchTarget(name)
			row[2], row[3], row[4] = formatCount(pt), fmt.Sprintf("%.2f×", ratio), fmt.Sprintf("≥ %g×", target)
			total++
			if ratio >= target {
				met++
				row[5] = "✓"
			} else {
				row[5] = "✗"
			}
		}
		t.Rows = append(t.Rows, row)
	}
	t.Notes = append(t.Notes, fmt.Sprintf("%d of %d targets met; seqlab: median of its runs; PyTorch: anchors/torch_ref.py (float32), the best of its runs, each the median of 10 repetitions", met, total))
	return t
}

// formatCount writes a rate with thousands separators: 103,600; below 100,
// three significant digits.
func formatCount(v float64) string {
	if v < 100 {
		return strconv.FormatFloat(v, 'g', 3, 64)
	}
	s := strconv.FormatFloat(math.Round(v), 'f', 0, 64)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
