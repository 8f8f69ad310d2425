package tasks

// B batch, T time, V vocabulary, F features per step, N key–value pairs.

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/mat"

	"github.com/seqlab/seqlab/models/nn"
)

// MaxSize is the largest size parameter any task accepts. It exists to turn a
// typo (an extra zero or two) into an error instead of a batch that fills memory.
const MaxSize = 1 << 20

// Spec describes a task to the models and the training loop.
type Spec struct {
	Name       string  // e.g. "delayed"
	Size       int     // the task's size parameter: the lag L for delayed, T for adding and induction, N for mqar
	Vocab      int     // input token vocabulary, e.g. 17; 0 for real-valued input
	Features   int     // real values per step, e.g. 2; 0 for token input
	Outputs    int     // model output width: classes, e.g. 17, or 1 for regression
	T          int     // sequence length, e.g. 66
	Queries    int     // queried positions per sequence, e.g. 1
	Regression bool    // targets are real values (metric MSE) instead of classes (metric accuracy)
	Chance     float64 // accuracy of guessing uniformly among the possible answers, or, for regression, the MSE of the baseline predictor
}

// String summarises s on one line, e.g. "delayed lag=64 (T=66, V=17, chance 0.125)".
func (s Spec) String() string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s %s=%d (", s.Name, sizeName(s.Name), s.Size)
	if sizeName(s.Name) != "T" {
		fmt.Fprintf(&sb, "T=%d, ", s.T)
	}
	if s.Vocab > 0 {
		fmt.Fprintf(&sb, "V=%d, ", s.Vocab)
	}
	if s.Features > 0 {
		fmt.Fprintf(&sb, "F=%d, ", s.Features)
	}
	if s.Queries > 1 {
		fmt.Fprintf(&sb, "%d queries, ", s.Queries)
	}
	if s.Regression {
		fmt.Fprintf(&sb, "regression, baseline MSE %.3g)", s.Chance)
	} else {
		fmt.Fprintf(&sb, "chance %.3g)", s.Chance)
	}
	return sb.String()
}

// sizeName is what the size parameter of the named task is called.
func sizeName(task string) string {
	switch task {
	case "delayed":
		return "lag"
	case "mqar":
		return "N"
	default:
		return "T"
	}
}

// Batch is B sequences with the positions the task asks about and their answers.
//
// Token tasks set Input.Tokens (and leave X nil); real-valued tasks set Input.X
// and Input.F (and leave Tokens nil). Classification tasks set Targets,
// regression tasks set Values; the other is nil. Pos, Targets and Values are
// parallel: query i is at flat position Pos[i] = b·T+t, which is also the row
// of the model output that answers it.
type Batch struct {
	nn.Input
	Pos     []int     // flat positions b·T+t that are queried, ascending
	Targets []int     // the class expected at each Pos (classification tasks)
	Values  []float64 // the value expected at each Pos (regression tasks)

	outputs int // Spec().Outputs of the task that filled the batch; 0 if built by hand
}

// Accuracy is the fraction of queried positions that the model answers right:
//
//	accuracy = (1/|Pos|) Σᵢ [argmaxⱼ out[Pos[i]][j] = Targets[i]]
//
// out is the model output, B·T × Outputs, row b·T+t for sequence b, step t.
// The argmax is the first maximum on ties; a row holding a NaN counts as wrong.
// Accuracy panics (a programming error) if out has the wrong shape or b has no
// classification targets.
func (b *Batch) Accuracy(out *mat.Dense) float64 {
	raw := b.checkOutput("Batch.Accuracy", out)
	if len(b.Targets) != len(b.Pos) {
		panic(&nn.ShapeError{Op: "tasks.Batch.Accuracy", Msg: fmt.Sprintf("batch has %d targets for %d queried positions (a regression batch? use MSE)", len(b.Targets), len(b.Pos))})
	}
	correct := 0
	for i, p := range b.Pos {
		row := raw.Data[p*raw.Stride : p*raw.Stride+raw.Cols]
		if want := b.Targets[i]; want < 0 || want >= raw.Cols {
			panic(&nn.ShapeError{Op: "tasks.Batch.Accuracy", Msg: fmt.Sprintf("target %d at position %d is outside the %d output columns", want, p, raw.Cols)})
		}
		if argmax(row) == b.Targets[i] {
			correct++
		}
	}
	return float64(correct) / float64(len(b.Pos))
}

// argmax is the index of the first maximum of row, or -1 if row holds a NaN.
func argmax(row []float64) int {
	best := 0
	for j, v := range row {
		if math.IsNaN(v) {
			return -1
		}
		if v > row[best] {
			best = j
		}
	}
	return best
}

// MSE is the mean squared error of the model at the queried positions:
//
//	MSE = (1/|Pos|) Σᵢ (out[Pos[i]][0] − Values[i])²
//
// out is the model output, B·T × Outputs (Outputs is 1 for regression tasks).
// MSE panics (a programming error) if out has the wrong shape or b has no
// regression values.
func (b *Batch) MSE(out *mat.Dense) float64 {
	raw := b.checkOutput("Batch.MSE", out)
	if len(b.Values) != len(b.Pos) {
		panic(&nn.ShapeError{Op: "tasks.Batch.MSE", Msg: fmt.Sprintf("batch has %d values for %d queried positions (a classification batch? use Accuracy)", len(b.Values), len(b.Pos))})
	}
	var sum float64
	for i, p := range b.Pos {
		d := raw.Data[p*raw.Stride] - b.Values[i]
		sum += d * d
	}
	return sum / float64(len(b.Pos))
}

// checkOutput panics with an *nn.ShapeError unless out is B·T × Outputs (any
// positive width if the batch was built by hand) and b has queried positions
// inside it.
func (b *Batch) checkOutput(op string, out *mat.Dense) blas64.General {
	op = "tasks." + op
	if out == nil {
		panic(&nn.ShapeError{Op: op, Msg: "output is nil"})
	}
	r, c := out.Dims()
	if r != b.B*b.T || c < 1 || (b.outputs > 0 && c != b.outputs) {
		want := "Outputs"
		if b.outputs > 0 {
			want = fmt.Sprint(b.outputs)
		}
		panic(&nn.ShapeError{Op: op, Msg: fmt.Sprintf("output is %d×%d, want B·T × %s = %d×%s", r, c, want, b.B*b.T, want)})
	}
	if len(b.Pos) == 0 {
		panic(&nn.ShapeError{Op: op, Msg: "batch has no queried positions"})
	}
	if p := b.Pos[len(b.Pos)-1]; p >= r || b.Pos[0] < 0 {
		panic(&nn.ShapeError{Op: op, Msg: fmt.Sprintf("queried positions %d … %d are outside the %d output rows", b.Pos[0], p, r)})
	}
	return out.RawMatrix()
}

// Task is a synthetic sequence task: an endless supply of batches drawn from
// one distribution, described by its Spec.
type Task interface {
	Spec() Spec
	// Fill writes B fresh sequences drawn from rng into b, reusing b's slices
	// when they are big enough (no allocation in steady state).
	Fill(b *Batch, B int, rng *rand.Rand)
}

// NewBatch allocates a batch and fills it: t.Fill(new(Batch), B, rng).
func NewBatch(t Task, B int, rng *rand.Rand) *Batch {
	b := new(Batch)
	t.Fill(b, B, rng)
	return b
}

// names lists the tasks in the order of BENCHMARKS.md.
var names = []string{"delayed", "adding", "mqar", "induction"}

// Names lists the task names: delayed, adding, mqar, induction.
func Names() []string { return append([]string(nil), names...) }

// New builds a task by name and size parameter: the lag for "delayed", T for
// "adding" and "induction", the number of pairs N for "mqar" (at T = 64).
func New(name string, size int) (Task, error) {
	// Each case returns explicitly so that a failed constructor gives a nil
	// Task, not an interface holding a nil pointer.
	switch name {
	case "delayed":
		t, err := Delayed(size)
		if err != nil {
			return nil, err
		}
		return t, nil
	case "adding":
		t, err := Adding(size)
		if err != nil {
			return nil, err
		}
		return t, nil
	case "mqar":
		t, err := MQAR(size)
		if err != nil {
			return nil, err
		}
		return t, nil
	case "induction":
		t, err := Induction(size)
		if err != nil {
			return nil, err
		}
		return t, nil
	}
	return nil, fmt.Errorf("tasks: unknown task %q; the known tasks are %s", name, strings.Join(names, ", "))
}

// reset shapes b for B sequences of s, reusing its storage where it is big
// enough. Token tasks get Tokens and a nil X, real-valued tasks the reverse;
// classification tasks get Targets and nil Values, regression tasks the reverse.
func reset(b *Batch, B int, s Spec) {
	if B <= 0 {
		panic(fmt.Sprintf("tasks: %s.Fill with B=%d; B must be positive", s.Name, B))
	}
	n := B * s.T
	b.B, b.T, b.outputs = B, s.T, s.Outputs
	if s.Features > 0 {
		b.Tokens, b.X, b.F = nil, grow(b.X, n*s.Features), s.Features
	} else {
		b.Tokens, b.X, b.F = grow(b.Tokens, n), nil, 0
	}
	q := B * s.Queries
	b.Pos = grow(b.Pos, q)
	if s.Regression {
		b.Targets, b.Values = nil, grow(b.Values, q)
	} else {
		b.Targets, b.Values = grow(b.Targets, q), nil
	}
}

// grow returns s resized to n, reallocating only if its capacity is too small.
func grow[E any](s []E, n int) []E {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]E, n)
}
