package tasks

import (
	"errors"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/mat"

	"github.com/seqlab/seqlab/models/nn"
)

func newRand(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed)) }

// mustTask builds a task or fails the test.
func mustTask(t *testing.T, name string, size int) Task {
	t.Helper()
	task, err := New(name, size)
	if err != nil {
		t.Fatalf("New(%q, %d): %v", name, size, err)
	}
	return task
}

// someTasks covers every task at a few sizes, including the smallest allowed.
var someTasks = []struct {
	name string
	size int
}{
	{"delayed", 0}, {"delayed", 1}, {"delayed", 8}, {"delayed", 64},
	{"adding", 2}, {"adding", 3}, {"adding", 25}, {"adding", 100},
	{"mqar", 1}, {"mqar", 4}, {"mqar", 16}, {"mqar", 21},
	{"induction", 4}, {"induction", 5}, {"induction", 32}, {"induction", 128},
}

func TestSpec(t *testing.T) {
	mqarLong, err := MQARLen(8, 256)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		task Task
		want Spec
		str  string
	}{
		{mustTask(t, "delayed", 64),
			Spec{Name: "delayed", Size: 64, Vocab: 17, Outputs: 17, T: 66, Queries: 1, Chance: 0.125},
			"delayed lag=64 (T=66, V=17, chance 0.125)"},
		{mustTask(t, "delayed", 0),
			Spec{Name: "delayed", Size: 0, Vocab: 17, Outputs: 17, T: 2, Queries: 1, Chance: 0.125},
			"delayed lag=0 (T=2, V=17, chance 0.125)"},
		{mustTask(t, "adding", 100),
			Spec{Name: "adding", Size: 100, Features: 2, Outputs: 1, T: 100, Queries: 1, Regression: true, Chance: 1.0 / 6},
			"adding T=100 (F=2, regression, baseline MSE 0.167)"},
		{mustTask(t, "mqar", 8),
			Spec{Name: "mqar", Size: 8, Vocab: 128, Outputs: 128, T: 64, Queries: 8, Chance: 1.0 / 64},
			"mqar N=8 (T=64, V=128, 8 queries, chance 0.0156)"},
		{mqarLong,
			Spec{Name: "mqar", Size: 8, Vocab: 128, Outputs: 128, T: 256, Queries: 8, Chance: 1.0 / 64},
			"mqar N=8 (T=256, V=128, 8 queries, chance 0.0156)"},
		{mustTask(t, "induction", 64),
			Spec{Name: "induction", Size: 64, Vocab: 21, Outputs: 21, T: 64, Queries: 1, Chance: 0.05},
			"induction T=64 (V=21, chance 0.05)"},
	} {
		if got := tc.task.Spec(); got != tc.want {
			t.Errorf("Spec() = %+v; want %+v", got, tc.want)
		}
		if got := tc.task.Spec().String(); got != tc.str {
			t.Errorf("Spec().String() = %q; want %q", got, tc.str)
		}
	}
}

// TestShapes checks every batch against its Spec: lengths, token range,
// ascending query positions and, for classification, targets among the outputs.
func TestShapes(t *testing.T) {
	for _, tc := range someTasks {
		task := mustTask(t, tc.name, tc.size)
		s := task.Spec()
		const B = 7
		b := NewBatch(task, B, newRand(1))
		if b.B != B || b.T != s.T {
			t.Errorf("%v: batch is B=%d, T=%d; want B=%d, T=%d", s, b.B, b.T, B, s.T)
		}
		if s.Features > 0 {
			if err := b.CheckReal(s.Features); err != nil {
				t.Errorf("%v: %v", s, err)
			}
			if b.Tokens != nil {
				t.Errorf("%v: real-valued batch has %d tokens; want nil", s, len(b.Tokens))
			}
		} else {
			if err := b.CheckTokens(s.Vocab); err != nil {
				t.Errorf("%v: %v", s, err)
			}
			if b.X != nil {
				t.Errorf("%v: token batch has %d real values; want nil", s, len(b.X))
			}
		}
		if len(b.Pos) != B*s.Queries {
			t.Errorf("%v: %d queried positions; want B·Queries = %d", s, len(b.Pos), B*s.Queries)
		}
		if !slices.IsSorted(b.Pos) || len(slices.Compact(slices.Clone(b.Pos))) != len(b.Pos) {
			t.Errorf("%v: positions %v are not strictly ascending", s, b.Pos)
		}
		for i, p := range b.Pos {
			if p/s.T != i/s.Queries {
				t.Errorf("%v: query %d is at position %d, in sequence %d; want sequence %d", s, i, p, p/s.T, i/s.Queries)
			}
		}
		if s.Regression {
			if len(b.Values) != len(b.Pos) || b.Targets != nil {
				t.Errorf("%v: %d values and %d targets for %d positions; want values only", s, len(b.Values), len(b.Targets), len(b.Pos))
			}
		} else {
			if len(b.Targets) != len(b.Pos) || b.Values != nil {
				t.Errorf("%v: %d targets and %d values for %d positions; want targets only", s, len(b.Targets), len(b.Values), len(b.Pos))
			}
			for _, y := range b.Targets {
				if y < 0 || y >= s.Outputs {
					t.Errorf("%v: target %d outside [0, %d)", s, y, s.Outputs)
				}
			}
		}
	}
}

// TestContent checks, sequence by sequence, that each task's queries and
// answers follow its definition in BENCHMARKS.md.
func TestContent(t *testing.T) {
	check := map[string]func(t *testing.T, s Spec, b *Batch, seq int){
		"delayed": func(t *testing.T, s Spec, b *Batch, seq int) {
			tok := b.Tokens[seq*s.T : (seq+1)*s.T]
			if tok[0] < 0 || tok[0] >= DelayedKeys {
				t.Errorf("%v seq %d: first token %d is not a key", s, seq, tok[0])
			}
			for i, d := range tok[1 : s.T-1] {
				if d < DelayedKeys || d >= DelayedQuery {
					t.Errorf("%v seq %d: token %d at step %d is not a distractor", s, seq, d, i+1)
				}
			}
			if tok[s.T-1] != DelayedQuery {
				t.Errorf("%v seq %d: last token %d; want the query %d", s, seq, tok[s.T-1], DelayedQuery)
			}
			if p := b.Pos[seq]; p != seq*s.T+s.T-1 {
				t.Errorf("%v seq %d: queried at %d; want the last position %d", s, seq, p, seq*s.T+s.T-1)
			}
			if b.Targets[seq] != tok[0] {
				t.Errorf("%v seq %d: target %d; want the key %d", s, seq, b.Targets[seq], tok[0])
			}
		},
		"adding": func(t *testing.T, s Spec, b *Batch, seq int) {
			x := b.X[seq*s.T*2 : (seq+1)*s.T*2]
			var firstHalf, secondHalf int
			var sum float64
			for step := range s.T {
				u, m := x[2*step], x[2*step+1]
				if u < 0 || u >= 1 {
					t.Errorf("%v seq %d: value %g at step %d outside [0, 1)", s, seq, u, step)
				}
				switch m {
				case 0:
				case 1:
					sum += u
					if step < s.T/2 {
						firstHalf++
					} else {
						secondHalf++
					}
				default:
					t.Errorf("%v seq %d: marker %g at step %d; want 0 or 1", s, seq, m, step)
				}
			}
			if firstHalf != 1 || secondHalf != 1 {
				t.Errorf("%v seq %d: %d markers in the first half and %d in the second; want one in each", s, seq, firstHalf, secondHalf)
			}
			if p := b.Pos[seq]; p != seq*s.T+s.T-1 {
				t.Errorf("%v seq %d: queried at %d; want the last position %d", s, seq, p, seq*s.T+s.T-1)
			}
			if b.Values[seq] != sum {
				t.Errorf("%v seq %d: target %g; want the sum of the marked values %g", s, seq, b.Values[seq], sum)
			}
		},
		"mqar": func(t *testing.T, s Spec, b *Batch, seq int) {
			N := s.Size
			tok := b.Tokens[seq*s.T : (seq+1)*s.T]
			value := map[int]int{}
			for i := range N {
				k, v := tok[2*i], tok[2*i+1]
				if k < MQARFirstKey || k >= MQARFirstValue {
					t.Errorf("%v seq %d: pair %d has key %d outside [1, 64)", s, seq, i, k)
				}
				if v < MQARFirstValue || v >= MQARVocab {
					t.Errorf("%v seq %d: pair %d has value %d outside [64, 128)", s, seq, i, v)
				}
				if _, dup := value[k]; dup {
					t.Errorf("%v seq %d: key %d appears in two pairs", s, seq, k)
				}
				value[k] = v
			}
			queried := map[int]bool{}
			q := seq * N
			for step := 2 * N; step < s.T; step++ {
				if tok[step] == MQARPad {
					continue
				}
				k := tok[step]
				if _, ok := value[k]; !ok || queried[k] {
					t.Errorf("%v seq %d: token %d at step %d is neither padding nor a stored key queried once", s, seq, k, step)
					continue
				}
				queried[k] = true
				if b.Pos[q] != seq*s.T+step {
					t.Errorf("%v seq %d: query %d at %d; want %d, where key %d is", s, seq, q, b.Pos[q], seq*s.T+step, k)
				}
				if b.Targets[q] != value[k] {
					t.Errorf("%v seq %d: target for key %d is %d; want its value %d", s, seq, k, b.Targets[q], value[k])
				}
				q++
			}
			if len(queried) != N {
				t.Errorf("%v seq %d: %d keys queried; want all %d", s, seq, len(queried), N)
			}
		},
		"induction": func(t *testing.T, s Spec, b *Batch, seq int) {
			tok := b.Tokens[seq*s.T : (seq+1)*s.T]
			var triggers []int
			for step, x := range tok {
				if x == InductionTrigger {
					triggers = append(triggers, step)
				}
			}
			if len(triggers) != 2 || triggers[0] >= s.T/2-1 || triggers[1] != s.T-1 {
				t.Fatalf("%v seq %d: triggers at %v; want one in [0, %d) and one at %d", s, seq, triggers, s.T/2-1, s.T-1)
			}
			if p := b.Pos[seq]; p != seq*s.T+s.T-1 {
				t.Errorf("%v seq %d: queried at %d; want the last position %d", s, seq, p, seq*s.T+s.T-1)
			}
			if want := tok[triggers[0]+1]; b.Targets[seq] != want {
				t.Errorf("%v seq %d: target %d; want %d, the token after the first trigger", s, seq, b.Targets[seq], want)
			}
		},
	}
	for _, tc := range someTasks {
		task := mustTask(t, tc.name, tc.size)
		b := NewBatch(task, 50, newRand(2))
		for seq := range b.B {
			check[tc.name](t, task.Spec(), b, seq)
		}
	}
}

// TestStatistics draws many sequences and checks that the answers are spread
// as the task defines them. Tolerances are about 5 standard deviations.
func TestStatistics(t *testing.T) {
	const B = 16000
	// classCounts returns how often each class is the target.
	classCounts := func(name string, size, classes int) []int {
		b := NewBatch(mustTask(t, name, size), B, newRand(3))
		counts := make([]int, classes)
		for _, y := range b.Targets {
			counts[y]++
		}
		return counts
	}
	for _, tc := range []struct {
		name        string
		size        int
		first, last int // targets are uniform over [first, last)
		classes     int
	}{
		{"delayed", 16, 0, DelayedKeys, DelayedVocab},
		{"mqar", 4, MQARFirstValue, MQARVocab, MQARVocab},
		{"induction", 32, 0, InductionTokens, InductionVocab},
	} {
		counts := classCounts(tc.name, tc.size, tc.classes)
		total := 0
		for _, c := range counts {
			total += c
		}
		p := 1 / float64(tc.last-tc.first)
		mean, sd := float64(total)*p, math.Sqrt(float64(total)*p*(1-p))
		for y, c := range counts {
			if y < tc.first || y >= tc.last {
				if c != 0 {
					t.Errorf("%s %d: target %d occurs %d times; want never", tc.name, tc.size, y, c)
				}
				continue
			}
			if math.Abs(float64(c)-mean) > 5*sd {
				t.Errorf("%s %d: target %d occurs %d times; want %.0f ± %.0f", tc.name, tc.size, y, c, mean, 5*sd)
			}
		}
	}

	adding := mustTask(t, "adding", 50)
	b := NewBatch(adding, B, newRand(3))
	var sum, sumSq float64
	for _, v := range b.Values {
		sum += v
		sumSq += v * v
	}
	mean := sum / B
	variance := sumSq/B - mean*mean
	// y = u₁+u₂ with uᵢ uniform on [0,1): mean 1, variance 1/6; the standard
	// error of the mean is √(1/6/B) ≈ 0.003, that of the variance ≈ 0.0017.
	if math.Abs(mean-1) > 0.015 {
		t.Errorf("adding: target mean %.4f; want 1 ± 0.015", mean)
	}
	if math.Abs(variance-1.0/6) > 0.01 {
		t.Errorf("adding: target variance %.4f; want 1/6 ± 0.01", variance)
	}
	// The baseline predictor (always 1) scores the variance: the Spec's Chance.
	ones := mat.NewDense(B*50, 1, nil)
	for _, p := range b.Pos {
		ones.Set(p, 0, 1)
	}
	if mse, want := b.MSE(ones), adding.Spec().Chance; math.Abs(mse-want) > 0.01 {
		t.Errorf("adding: MSE of predicting 1 is %.4f; want Spec().Chance = %.4f ± 0.01", mse, want)
	}
}

func TestSeed(t *testing.T) {
	for _, tc := range someTasks {
		task := mustTask(t, tc.name, tc.size)
		a := NewBatch(task, 8, newRand(7))
		b := NewBatch(task, 8, newRand(7))
		c := NewBatch(task, 8, newRand(8))
		same := func(x, y *Batch) bool {
			return slices.Equal(x.Tokens, y.Tokens) && slices.Equal(x.X, y.X) &&
				slices.Equal(x.Pos, y.Pos) && slices.Equal(x.Targets, y.Targets) && slices.Equal(x.Values, y.Values)
		}
		if !same(a, b) {
			t.Errorf("%v: two batches from seed 7 differ", task.Spec())
		}
		if same(a, c) {
			t.Errorf("%v: batches from seeds 7 and 8 are identical", task.Spec())
		}
	}
}

func TestFillReusesStorage(t *testing.T) {
	for _, tc := range someTasks {
		task := mustTask(t, tc.name, tc.size)
		rng := newRand(9)
		b := NewBatch(task, 16, rng)
		if allocs := testing.AllocsPerRun(10, func() { task.Fill(b, 16, rng) }); allocs != 0 {
			t.Errorf("%v: Fill of the same size allocates %v times; want 0", task.Spec(), allocs)
		}
		// A smaller batch fits in the same storage too.
		if allocs := testing.AllocsPerRun(10, func() { task.Fill(b, 3, rng) }); allocs != 0 {
			t.Errorf("%v: Fill of a smaller batch allocates %v times; want 0", task.Spec(), allocs)
		}
		if b.B != 3 || len(b.Pos) != 3*task.Spec().Queries {
			t.Errorf("%v: after Fill(b, 3): B=%d, %d positions; want 3, %d", task.Spec(), b.B, len(b.Pos), 3*task.Spec().Queries)
		}
	}
}

// TestFillSwitchesTask refills one batch from tasks of different kinds: the
// unused input and answer slices must be nil, not left over.
func TestFillSwitchesTask(t *testing.T) {
	rng := newRand(10)
	b := NewBatch(mustTask(t, "adding", 10), 4, rng)
	mustTask(t, "delayed", 8).Fill(b, 4, rng)
	if b.X != nil || b.F != 0 || b.Values != nil {
		t.Errorf("adding then delayed: X has %d values, F=%d, %d Values; want nil, 0, nil", len(b.X), b.F, len(b.Values))
	}
	if err := b.CheckTokens(DelayedVocab); err != nil {
		t.Error(err)
	}
	mustTask(t, "adding", 10).Fill(b, 4, rng)
	if b.Tokens != nil || b.Targets != nil {
		t.Errorf("delayed then adding: %d Tokens, %d Targets; want nil, nil", len(b.Tokens), len(b.Targets))
	}
	if err := b.CheckReal(AddingFeatures); err != nil {
		t.Error(err)
	}
}

func TestFillPanicsOnBadB(t *testing.T) {
	for _, B := range []int{0, -1} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Fill(b, %d, rng) did not panic", B)
				}
			}()
			mustTask(t, "delayed", 2).Fill(new(Batch), B, newRand(1))
		}()
	}
}

// handBatch is 2 sequences of 3 steps queried at (0, 2) and (1, 1), i.e. rows 2 and 4.
func handBatch() *Batch {
	return &Batch{
		Input:   nn.Input{B: 2, T: 3, Tokens: make([]int, 6)},
		Pos:     []int{2, 4},
		Targets: []int{1, 2},
		Values:  []float64{0.5, 2},
	}
}

func TestAccuracy(t *testing.T) {
	nan := math.NaN()
	for _, tc := range []struct {
		desc string
		rows []float64 // 6 rows × 3 columns
		want float64
	}{
		{"both right", []float64{
			9, 9, 9, // unqueried rows don't count
			0, 0, 0,
			0, 5, 1, // argmax 1, target 1
			9, 9, 9,
			0, 1, 5, // argmax 2, target 2
			0, 0, 0,
		}, 1},
		{"one right", []float64{
			0, 0, 0,
			0, 0, 0,
			0, 5, 1,
			0, 0, 0,
			5, 1, 0,
			0, 0, 0,
		}, 0.5},
		{"ties go to the first maximum", []float64{
			0, 0, 0,
			0, 0, 0,
			3, 3, 3, // argmax 0, target 1
			0, 0, 0,
			1, 3, 3, // argmax 1, target 2
			0, 0, 0,
		}, 0},
		{"NaN is wrong", []float64{
			0, 0, 0,
			0, 0, 0,
			nan, 5, 0,
			0, 0, 0,
			0, 1, nan,
			0, 0, 0,
		}, 0},
	} {
		if got := handBatch().Accuracy(mat.NewDense(6, 3, tc.rows)); got != tc.want {
			t.Errorf("%s: Accuracy = %v; want %v", tc.desc, got, tc.want)
		}
	}
	// A view with a stride wider than its columns reads the right rows.
	wide := mat.NewDense(6, 5, nil)
	wide.Set(2, 1, 1)
	wide.Set(4, 2, 1)
	view := wide.Slice(0, 6, 0, 3).(*mat.Dense)
	if got := handBatch().Accuracy(view); got != 1 {
		t.Errorf("strided view: Accuracy = %v; want 1", got)
	}
}

func TestMSE(t *testing.T) {
	out := mat.NewDense(6, 1, []float64{9, 9, 1.5, 9, 0, 9})
	// ((1.5 − 0.5)² + (0 − 2)²) / 2 = (1 + 4) / 2
	if got, want := handBatch().MSE(out), 2.5; got != want {
		t.Errorf("MSE = %v; want %v", got, want)
	}
}

func TestMetricsPanic(t *testing.T) {
	delayed := NewBatch(mustTask(t, "delayed", 2), 2, newRand(1)) // 8 rows × 17
	adding := NewBatch(mustTask(t, "adding", 4), 2, newRand(1))   // 8 rows × 1
	noPos := handBatch()
	noPos.Pos, noPos.Targets, noPos.Values = nil, nil, nil
	for _, tc := range []struct {
		desc   string
		metric func() float64
	}{
		{"Accuracy of nil", func() float64 { return delayed.Accuracy(nil) }},
		{"Accuracy with too few rows", func() float64 { return delayed.Accuracy(mat.NewDense(7, 17, nil)) }},
		{"Accuracy with too few columns", func() float64 { return delayed.Accuracy(mat.NewDense(8, 16, nil)) }},
		{"Accuracy of a regression batch", func() float64 { return adding.Accuracy(mat.NewDense(8, 1, nil)) }},
		{"MSE with too many columns", func() float64 { return adding.MSE(mat.NewDense(8, 2, nil)) }},
		{"MSE of a classification batch", func() float64 { return delayed.MSE(mat.NewDense(8, 17, nil)) }},
		{"Accuracy with no queries", func() float64 { return noPos.Accuracy(mat.NewDense(6, 3, nil)) }},
		{"Accuracy with a target beyond the columns", func() float64 { return handBatch().Accuracy(mat.NewDense(6, 2, nil)) }},
	} {
		func() {
			defer func() {
				r := recover()
				if r == nil {
					t.Errorf("%s: did not panic", tc.desc)
					return
				}
				var se *nn.ShapeError
				if err, ok := r.(error); !ok || !errors.As(err, &se) {
					t.Errorf("%s: panicked with %v; want an *nn.ShapeError", tc.desc, r)
				}
			}()
			tc.metric()
		}()
	}
}

func TestErrors(t *testing.T) {
	for _, tc := range []struct {
		desc string
		make func() error
		want []string // substrings of the error
	}{
		{"delayed lag -3", func() error { _, err := Delayed(-3); return err },
			[]string{"tasks: delayed lag -3 is negative; use a lag ≥ 0 (the standard sweep is 2 … 256)"}},
		{"delayed lag too large", func() error { _, err := Delayed(MaxSize + 1); return err },
			[]string{"lag 1048577 is too large", "≤ 1048576"}},
		{"adding T=1", func() error { _, err := Adding(1); return err },
			[]string{"adding T=1 is too short", "T ≥ 2"}},
		{"adding T=-5", func() error { _, err := Adding(-5); return err },
			[]string{"adding T=-5", "T ≥ 2"}},
		{"adding too large", func() error { _, err := Adding(1 << 30); return err },
			[]string{"adding T=1073741824 is too large"}},
		{"mqar 0 pairs", func() error { _, err := MQAR(0); return err },
			[]string{"mqar with 0 pairs", "use 1 … 21 pairs at T=64"}},
		{"mqar 22 pairs at T=64", func() error { _, err := MQAR(22); return err },
			[]string{"22 pairs needs T ≥ 66", "T=64", "N ≤ 21"}},
		{"mqar 64 pairs", func() error { _, err := MQARLen(64, 1000); return err },
			[]string{"64 pairs", "only 63 distinct keys", "N ≤ 63"}},
		{"mqar T too short for any pair", func() error { _, err := MQARLen(1, 2); return err },
			[]string{"1 pairs needs T ≥ 3", "T=2"}},
		{"mqar T too large", func() error { _, err := MQARLen(4, MaxSize+1); return err },
			[]string{"mqar T=1048577 is too large"}},
		{"induction T=3", func() error { _, err := Induction(3); return err },
			[]string{"induction T=3 is too short", "T ≥ 4"}},
		{"induction too large", func() error { _, err := Induction(MaxSize + 1); return err },
			[]string{"induction T=1048577 is too large"}},
		{"New unknown", func() error { _, err := New("copy", 8); return err },
			[]string{`unknown task "copy"`, "delayed, adding, mqar, induction"}},
		{"New bad size", func() error { _, err := New("mqar", 40); return err },
			[]string{"40 pairs needs T ≥ 120"}},
	} {
		err := tc.make()
		if err == nil {
			t.Errorf("%s: no error; want one containing %q", tc.desc, tc.want)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %q; want it to contain %q", tc.desc, err, w)
			}
		}
	}
	// A failed New returns a nil interface, not a typed nil pointer.
	if task, err := New("delayed", -1); task != nil || err == nil {
		t.Errorf("New(\"delayed\", -1) = %v, %v; want nil Task and an error", task, err)
	}
}

func TestNames(t *testing.T) {
	names := Names()
	if want := []string{"delayed", "adding", "mqar", "induction"}; !slices.Equal(names, want) {
		t.Errorf("Names() = %v; want %v", names, want)
	}
	names[0] = "changed"
	if Names()[0] != "delayed" {
		t.Error("Names() returns the package's own slice; changing it changed the next result")
	}
	for _, name := range Names() {
		if got := mustTask(t, name, 8).Spec().Name; got != name {
			t.Errorf("New(%q, 8).Spec().Name = %q", name, got)
		}
	}
}
