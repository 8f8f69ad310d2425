package report

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/perf/benchmath"
	"golang.org/x/perf/benchunit"
)

// modelOrder is the column order of models; others follow alphabetically.
// PyTorch's reference runs (model=torch-…) sit after seqlab's.
var modelOrder = []string{"rnn", "lstm", "lstm-fb5", "transformer", "transformer-1layer", "torch-rnn", "torch-lstm", "torch-transformer"}

// sortModels sorts model names into column order.
func sortModels(models []string) { sortWithPreferred(models, modelOrder...) }

// sortWithPreferred sorts names with preferred ones first, in their order,
// and the others alphabetically.
func sortWithPreferred(names []string, preferred ...string) {
	rank := func(n string) int {
		if i := slices.Index(preferred, n); i >= 0 {
			return i
		}
		return len(preferred)
	}
	slices.SortFunc(names, func(a, b string) int {
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra - rb
		}
		return strings.Compare(a, b)
	})
}

// formatBytes formats a byte count with IEC prefixes: "80.00 KiB".
func formatBytes(v float64) string {
	if v == 0 {
		return "0 B"
	}
	s := benchunit.CommonScale([]float64{v}, benchunit.Binary)
	return strconv.FormatFloat(v/s.Factor, 'f', s.Prec, 64) + " " + s.Prefix + "B"
}

// formatSeconds formats a duration in seconds with SI prefixes: "120.5 ns".
func formatSeconds(v float64) string {
	if v == 0 {
		return "0 s"
	}
	s := benchunit.CommonScale([]float64{v}, benchunit.Decimal)
	return strconv.FormatFloat(v/s.Factor, 'f', s.Prec, 64) + " " + s.Prefix + "s"
}

// formatSlope formats a fitted exponent with two decimals, never as "-0.00".
func formatSlope(s float64) string {
	if math.Abs(s) < 0.005 {
		s = 0
	}
	return strconv.FormatFloat(s, 'f', 2, 64)
}

// plainUnits are dimensionless measurements that read badly with SI
// prefixes ("999.0m recall").
var plainUnits = []string{"recall", "mse", "loss"}

// formatter returns how to format values of unit in one row, benchstat's
// way: one SI or IEC scale for all of values.
func formatter(unit string, values []float64) func(float64) string {
	if slices.Contains(plainUnits, unit) {
		return func(v float64) string { return strconv.FormatFloat(v, 'g', 4, 64) }
	}
	return benchunit.CommonScale(values, benchunit.ClassOf(unit)).Format
}

// summaryCell formats a summary as benchstat does, "63.64m ± 2%", with the
// confidence interval only where there is one: several runs of a noisy
// (not assume=exact) unit.
func summaryCell(format func(float64) string, sum benchmath.Summary, sample *benchmath.Sample, exact bool) string {
	s := format(sum.Center)
	if !exact && len(sample.Values) > 1 {
		s += " ± " + sum.PctRangeString()
	}
	return s
}

// footnotes numbers warnings like benchstat (¹ ² …) and collects them as
// table notes.
type footnotes struct {
	list []string
	seen map[string]int
}

// mark returns the markers of errs (" ¹ ²"), adding new ones to the list.
func (f *footnotes) mark(errs ...[]error) string {
	var b strings.Builder
	for _, list := range errs {
		for _, err := range list {
			msg := err.Error()
			i, ok := f.seen[msg]
			if !ok {
				if f.seen == nil {
					f.seen = make(map[string]int)
				}
				f.list = append(f.list, msg)
				i = len(f.list)
				f.seen[msg] = i
			}
			b.WriteString(" " + superscript(i))
		}
	}
	return b.String()
}

// notes returns the footnotes, one per line.
func (f *footnotes) notes() []string {
	var out []string
	for i, msg := range f.list {
		out = append(out, fmt.Sprintf("%s %s", superscript(i+1), msg))
	}
	return out
}

func superscript(n int) string {
	const digits = "⁰¹²³⁴⁵⁶⁷⁸⁹"
	runes := []rune(digits)
	var out []rune
	for _, c := range strconv.Itoa(n) {
		out = append(out, runes[c-'0'])
	}
	return string(out)
}
