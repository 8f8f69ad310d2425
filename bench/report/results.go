package report

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/perf/benchfmt"
	"golang.org/x/perf/benchmath"
	"golang.org/x/perf/benchproc"
)

// Results are parsed benchmark results: every result line of the input, with
// the unit metadata ("Unit recall better=higher assume=exact") that came with
// it. Values are in benchfmt's tidied units: ns/op is read as sec/op and
// ns/token as sec/token.
type Results struct {
	results []*benchfmt.Result
	units   benchfmt.UnitMetadataMap
}

// Parse reads the output of `go test -bench`. A malformed benchmark or Unit
// line is an error that names the line; lines that are not benchmark output
// (PASS, ok, log lines) are skipped.
func Parse(r io.Reader) (*Results, error) {
	data, err := io.ReadAll(r)
	if err != nil {
		return nil, fmt.Errorf("report: %w", err)
	}
	var res Results
	reader := benchfmt.NewReader(nil, "")
	if err := res.read(reader, "", data); err != nil {
		return nil, err
	}
	res.units = reader.Units()
	if len(res.results) == 0 {
		return nil, errors.New("report: no benchmark results in the input")
	}
	return &res, nil
}

// ParseFiles reads and merges the benchmark output in files, for example
// one file per suite, or the runs of several machines. Unit metadata must
// agree across the files.
func ParseFiles(paths ...string) (*Results, error) {
	if len(paths) == 0 {
		return nil, errors.New("report: ParseFiles needs at least one file")
	}
	var res Results
	reader := benchfmt.NewReader(nil, "")
	for _, path := range paths {
		data, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("report: %w", err)
		}
		if err := res.read(reader, path, data); err != nil {
			return nil, err
		}
	}
	// The reader keeps unit metadata across Reset, so that it reports a
	// unit whose metadata differs between files.
	res.units = reader.Units()
	if len(res.results) == 0 {
		return nil, fmt.Errorf("report: no benchmark results in %s", strings.Join(paths, ", "))
	}
	return &res, nil
}

// read appends the results in data, named path in errors ("" for a
// reader), to res.
func (res *Results) read(reader *benchfmt.Reader, path string, data []byte) error {
	reader.Reset(bytes.NewReader(data), path)
	for reader.Scan() {
		switch rec := reader.Result().(type) {
		case *benchfmt.SyntaxError:
			return syntaxError(path, rec.Line, rec.Msg, data)
		case *benchfmt.Result:
			res.results = append(res.results, rec.Clone())
		}
	}
	if err := reader.Err(); err != nil {
		return fmt.Errorf("report: %w", err)
	}
	return nil
}

// syntaxError names the line of a malformed record and quotes it.
func syntaxError(path string, line int, msg string, data []byte) error {
	where := "line " + strconv.Itoa(line)
	if path != "" {
		where = path + ":" + strconv.Itoa(line)
	}
	lines := bytes.Split(data, []byte("\n"))
	if line < 1 || line > len(lines) {
		return fmt.Errorf("report: %s: %s", where, msg)
	}
	text := strings.TrimRight(string(lines[line-1]), "\r")
	return fmt.Errorf("report: %s: %s: %q", where, msg, text)
}

// named returns the results of benchmark name (BenchmarkRecall is "Recall"),
// as a benchproc filter selects them.
func (res *Results) named(name string) []*benchfmt.Result {
	filter, err := benchproc.NewFilter(".name:" + strconv.Quote(name))
	if err != nil {
		panic(fmt.Sprintf("report: filter for %q: %v", name, err))
	}
	var out []*benchfmt.Result
	for _, r := range res.results {
		// Match, unlike Apply, leaves the shared result untouched.
		if m, _ := filter.Match(r); m.Any() {
			out = append(out, r)
		}
	}
	return out
}

// summarize summarizes values of unit the way benchstat does: the median
// with its confidence interval, or for units declared assume=exact the
// exact value.
func (res *Results) summarize(unit string, values []float64) (benchmath.Summary, *benchmath.Sample) {
	sample := benchmath.NewSample(slices.Clone(values), &benchmath.DefaultThresholds)
	return res.units.GetAssumption(unit).Summary(sample, confidence), sample
}

// confidence is the level of the confidence intervals, benchstat's default.
const confidence = 0.95

// projector reads name keys ("/model", "/lag@num") of results through
// benchproc projections, one projection per key, so that each key keeps its
// own sort order.
type projector struct {
	parser benchproc.ProjectionParser
	byKey  map[string]*benchproc.Projection
}

// key returns the projection of one name key, e.g. "/model" or "/T@num".
func (p *projector) key(expr string) *benchproc.Projection {
	if proj, ok := p.byKey[expr]; ok {
		return proj
	}
	proj, err := p.parser.Parse(expr, nil)
	if err != nil {
		panic(fmt.Sprintf("report: projection %q: %v", expr, err))
	}
	if p.byKey == nil {
		p.byKey = make(map[string]*benchproc.Projection)
	}
	p.byKey[expr] = proj
	return proj
}

// project returns r's key for expr.
func (p *projector) project(expr string, r *benchfmt.Result) benchproc.Key {
	return p.key(expr).Project(r)
}

// value returns the value of one name key of r ("" if r has no such key).
func (p *projector) value(expr string, r *benchfmt.Result) string {
	k := p.project(expr, r)
	return k.Get(k.Projection().Fields()[0])
}

// nameKeys lists the keys of r's sub-benchmark name in order, without the
// GOMAXPROCS suffix: "Recall/task=delayed/model=lstm/lag=64/seed=0-2" has
// task, model, lag, seed.
func nameKeys(r *benchfmt.Result) []string {
	_, parts := r.Name.Parts()
	var keys []string
	for _, part := range parts {
		if len(part) == 0 || part[0] != '/' {
			continue // "-2", the GOMAXPROCS suffix
		}
		if k, _, ok := strings.Cut(string(part[1:]), "="); ok {
			keys = append(keys, k)
		}
	}
	return keys
}

// shortName is r's name without the benchmark's base name and GOMAXPROCS
// suffix: "Workload/name=train/model=rnn-2" is "name=train/model=rnn".
func shortName(r *benchfmt.Result) string {
	_, parts := r.Name.Parts()
	var b strings.Builder
	for _, part := range parts {
		if len(part) > 0 && part[0] == '/' {
			b.Write(part)
		}
	}
	return strings.TrimPrefix(b.String(), "/")
}
