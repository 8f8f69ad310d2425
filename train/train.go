// Package train is the one training loop of seqlab: it trains any model
// (RNN, LSTM, transformer) on any task with Adam, a learning-rate warm-up and
// gradient clipping, evaluates it on held-out sequences, and stops early,
// on request, or with a clear error when training diverges.
//
//	m, _ := lstm.New(lstm.Standard(17), nn.NewRNG(1))
//	task, _ := tasks.Delayed(8)
//	opts := train.Defaults()
//	opts.LR = 3e-3
//	hist, err := train.Train(ctx, m, task, opts)
//	fmt.Printf("recall %.2f after %d steps\n", hist.Final.Accuracy, hist.Steps)
//
// The loss is cross-entropy at the positions the task queries (mean squared
// error for regression tasks); accuracy ("recall") is measured only there.
package train

import (
	"context"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/seqlab/seqlab/models/nn"
	"github.com/seqlab/seqlab/tasks"
	"gonum.org/v1/gonum/mat"
)

// Model is what Train trains. rnn.Model, lstm.Model and transformer.Model
// implement it.
type Model interface {
	// Forward returns the outputs (B·T, Out) for a batch, row b·T+t.
	Forward(in nn.Input) (*mat.Dense, error)
	// Backward accumulates the gradients of the loss given ∂loss/∂outputs.
	Backward(dOut *mat.Dense)
	// Params lists the learnable parameters.
	Params() []*nn.Param
}

// Options set the training budget. Defaults returns the standard budget of
// the recall benchmarks (BENCHMARKS.md).
type Options struct {
	Steps     int     // training steps (batches), e.g. 400
	BatchSize int     // sequences per batch, e.g. 32
	LR        float64 // Adam's learning rate after warm-up, e.g. 1e-3
	Warmup    int     // steps of linear learning-rate warm-up, e.g. 50 (0 = none)
	Clip      float64 // global gradient-norm clipping, e.g. 1.0 (0 = none)
	Seed      uint64  // seeds the training batches, e.g. 1
	EvalSeed  uint64  // seeds the held-out sequences; keep it different from Seed, e.g. 99
	EvalSize  int     // held-out sequences, e.g. 1024
	EvalEvery int     // evaluate every this many steps, e.g. 50 (0 = only at the end)
	// Target stops training early once held-out accuracy reaches it (for
	// regression tasks: once held-out MSE falls to it or below), e.g. 0.99.
	// 0 means train for all Steps.
	Target float64
	// Progress, if set, is called after every step with what happened. It
	// runs on the training goroutine: keep it quick, or hand the value to a
	// channel.
	Progress func(Progress)
}

// Defaults is the standard budget: 400 steps of batch 32, learning rate 1e-3
// warmed up over 50 steps, clipping at 1.0, 1024 held-out sequences.
func Defaults() Options {
	return Options{Steps: 400, BatchSize: 32, LR: 1e-3, Warmup: 50, Clip: 1.0, Seed: 1, EvalSeed: 99, EvalSize: 1024}
}

// Validate reports options training cannot run with.
func (o Options) Validate() error {
	switch {
	case o.Steps <= 0:
		return fmt.Errorf("train: Steps is %d; train for at least 1 step (the standard budget is 400)", o.Steps)
	case o.BatchSize <= 0:
		return fmt.Errorf("train: BatchSize is %d; use a positive batch size such as 32", o.BatchSize)
	case o.BatchSize > 1<<16:
		return fmt.Errorf("train: BatchSize %d is too large; use at most 65536 (32 is standard)", o.BatchSize)
	case math.IsNaN(o.LR) || math.IsInf(o.LR, 0) || o.LR <= 0:
		return fmt.Errorf("train: learning rate LR is %v; use a finite positive value such as 1e-3", o.LR)
	case o.Warmup < 0:
		return fmt.Errorf("train: Warmup is %d; use 0 (none) or a number of steps such as 50", o.Warmup)
	case math.IsNaN(o.Clip) || o.Clip < 0:
		return fmt.Errorf("train: Clip is %v; use 0 (no clipping) or a positive norm such as 1.0", o.Clip)
	case o.EvalSize < 0:
		return fmt.Errorf("train: EvalSize is %d; use 0 (no evaluation) or a number of sequences such as 1024", o.EvalSize)
	case o.EvalEvery < 0:
		return fmt.Errorf("train: EvalEvery is %d; use 0 (only at the end) or a number of steps such as 50", o.EvalEvery)
	case math.IsNaN(o.Target) || o.Target < 0:
		return fmt.Errorf("train: Target is %v; use 0 (off) or an accuracy such as 0.99", o.Target)
	case o.Target > 0 && o.EvalSize == 0:
		return fmt.Errorf("train: early stopping at Target %v needs held-out sequences; set EvalSize (e.g. 1024)", o.Target)
	}
	return nil
}

// Eval is a measurement on the held-out sequences.
type Eval struct {
	Step     int     // after this many training steps
	Loss     float64 // mean loss at the queried positions
	Accuracy float64 // fraction of queried positions answered right (classification)
	MSE      float64 // mean squared error at the queried positions (regression)
}

// Progress is reported after every training step.
type Progress struct {
	Step     int     // steps done, 1 … Steps
	Steps    int     // the budget
	Loss     float64 // this step's training loss
	LR       float64 // the learning rate used in this step
	GradNorm float64 // global gradient norm before clipping
	Eval     *Eval   // set when this step ended with an evaluation
	Elapsed  time.Duration
	// Last is set on the run's last step: the budget is spent, or the held-out
	// result reached Target and training stops early (Step < Steps).
	Last bool
}

// History is what a training run did.
type History struct {
	Task     tasks.Spec
	Options  Options
	Loss     []float64 // training loss at every step
	GradNorm []float64 // gradient norm before clipping at every step
	Evals    []Eval    // every held-out evaluation, the last one included
	Steps    int       // steps taken
	Early    bool      // stopped early because Target was reached
	Final    Eval      // the last evaluation (zero if EvalSize is 0)
	Elapsed  time.Duration
}

// String summarises the run in one line.
func (h *History) String() string {
	if h == nil {
		return "<no history>"
	}
	s := fmt.Sprintf("%s: %d steps", h.Task.Name, h.Steps)
	if h.Steps > 0 {
		s += fmt.Sprintf(", train loss %.3f", h.Loss[h.Steps-1])
	}
	if len(h.Evals) > 0 {
		if h.Task.Regression {
			s += fmt.Sprintf(", held-out MSE %.4f (baseline %.3f)", h.Final.MSE, h.Task.Chance)
		} else {
			s += fmt.Sprintf(", held-out recall %.3f (chance %.3f)", h.Final.Accuracy, h.Task.Chance)
		}
	}
	if h.Early {
		s += ", stopped early at the target"
	}
	return s
}

// divergenceFactor: a loss more than this many times the first step's (or 1,
// whichever is larger) counts as divergence. Training that works never climbs
// that far above where it started; a learning rate that is far too large
// gets there within a few steps.
const divergenceFactor = 100

// DivergedError reports that the loss or the gradients stopped being finite,
// or that the loss grew far above where it started.
type DivergedError struct {
	Step int     // the step at which it happened, counting from 1
	Loss float64 // the loss at that step
	LR   float64 // the learning rate in use
}

func (e *DivergedError) Error() string {
	return fmt.Sprintf("train: diverged at step %d (loss %v, learning rate %g); lower the learning rate or clip the gradients (Clip 1.0)", e.Step, e.Loss, e.LR)
}

// Train trains m on task with Adam. It returns the history so far together
// with an error when the options are invalid, the model does not fit the task,
// the loss diverges (*DivergedError), or ctx is cancelled (wrapping ctx.Err();
// checked before every step, so cancellation takes effect within one step).
func Train(ctx context.Context, m Model, task tasks.Task, opts Options) (*History, error) {
	spec := task.Spec()
	h := &History{Task: spec, Options: opts}
	if err := opts.Validate(); err != nil {
		return h, err
	}
	params := m.Params()
	adam := nn.NewAdam(params, nn.AdamConfig{LR: opts.LR})
	rng := nn.NewRNG(opts.Seed)
	batch := new(tasks.Batch)
	var ev *evaluator
	if opts.EvalSize > 0 {
		ev = newEvaluator(task, opts.EvalSize, opts.BatchSize, opts.EvalSeed)
	}
	evalEvery := opts.EvalEvery
	if opts.Target > 0 && evalEvery == 0 {
		evalEvery = 25
	}
	h.Loss = make([]float64, 0, opts.Steps)
	h.GradNorm = make([]float64, 0, opts.Steps)
	start := time.Now()
	defer func() { h.Elapsed = time.Since(start) }()

	var dOut *mat.Dense
	limit := math.Inf(1)
	for step := 0; step < opts.Steps; step++ {
		if err := ctx.Err(); err != nil {
			return h, fmt.Errorf("train: stopped after %d of %d steps: %w", step, opts.Steps, err)
		}
		task.Fill(batch, opts.BatchSize, rng)
		nn.ZeroGrad(params)
		out, err := m.Forward(batch.Input)
		if err != nil {
			return h, fmt.Errorf("train: the model cannot read %s: %w", spec.Name, err)
		}
		if dOut == nil {
			if err := checkOutputs(out, spec); err != nil {
				return h, err
			}
			r, c := out.Dims()
			dOut = mat.NewDense(r, c, nil)
		}
		loss := lossAndGrad(out, batch, spec, dOut)
		lr := nn.WarmupLR(opts.LR, step, opts.Warmup)
		if step == 0 {
			limit = divergenceFactor * math.Max(loss, 1)
		}
		if math.IsNaN(loss) || math.IsInf(loss, 0) || loss > limit {
			return h, &DivergedError{Step: step + 1, Loss: loss, LR: lr}
		}
		m.Backward(dOut)
		gnorm := nn.ClipGradNorm(params, opts.Clip)
		if math.IsNaN(gnorm) || math.IsInf(gnorm, 0) {
			return h, &DivergedError{Step: step + 1, Loss: gnorm, LR: lr}
		}
		adam.LR = lr
		adam.Step()
		h.Loss = append(h.Loss, loss)
		h.GradNorm = append(h.GradNorm, gnorm)
		h.Steps = step + 1

		p := Progress{Step: step + 1, Steps: opts.Steps, Loss: loss, LR: lr, GradNorm: gnorm}
		last := step+1 == opts.Steps
		if ev != nil && (last || evalEvery > 0 && (step+1)%evalEvery == 0) {
			e, err := ev.run(m, spec)
			if err != nil {
				return h, err
			}
			e.Step = step + 1
			h.Evals = append(h.Evals, e)
			h.Final = e
			p.Eval = &h.Evals[len(h.Evals)-1]
			if opts.Target > 0 && reached(e, spec, opts.Target) {
				h.Early = !last
				last = true
			}
		}
		if opts.Progress != nil {
			p.Elapsed = time.Since(start)
			p.Last = last
			opts.Progress(p)
		}
		if last {
			break
		}
	}
	return h, nil
}

func reached(e Eval, spec tasks.Spec, target float64) bool {
	if spec.Regression {
		return e.MSE <= target
	}
	return e.Accuracy >= target
}

func checkOutputs(out *mat.Dense, spec tasks.Spec) error {
	if _, c := out.Dims(); c != spec.Outputs {
		return fmt.Errorf("train: the model has %d outputs but %s needs %d; build it with Outputs: %d", c, spec.Name, spec.Outputs, spec.Outputs)
	}
	return nil
}

// lossAndGrad is the task's loss at its queried positions, writing ∂loss/∂out into dOut.
func lossAndGrad(out *mat.Dense, b *tasks.Batch, spec tasks.Spec, dOut *mat.Dense) float64 {
	if spec.Regression {
		return nn.MSE(out, b.Pos, b.Values, dOut)
	}
	return nn.CrossEntropy(out, b.Pos, b.Targets, dOut)
}

// evaluator holds a fixed held-out set, cut into batches of the training
// batch size so that the model's buffers keep one shape.
type evaluator struct {
	batches []*tasks.Batch
}

func newEvaluator(task tasks.Task, n, batchSize int, seed uint64) *evaluator {
	rng := nn.NewRNG(seed)
	ev := &evaluator{}
	for done := 0; done < n; done += batchSize {
		ev.batches = append(ev.batches, tasks.NewBatch(task, min(batchSize, n-done), rng))
	}
	return ev
}

func (ev *evaluator) run(m Model, spec tasks.Spec) (Eval, error) {
	var e Eval
	queries := 0
	for _, b := range ev.batches {
		out, err := m.Forward(b.Input)
		if err != nil {
			return e, fmt.Errorf("train: evaluating: %w", err)
		}
		if err := checkOutputs(out, spec); err != nil {
			return e, err
		}
		k := float64(len(b.Pos))
		queries += len(b.Pos)
		if spec.Regression {
			mse := b.MSE(out)
			e.MSE += mse * k
			e.Loss += mse * k
		} else {
			e.Accuracy += b.Accuracy(out) * k
			e.Loss += nn.CrossEntropy(out, b.Pos, b.Targets, nil) * k
		}
	}
	if queries > 0 {
		q := float64(queries)
		e.Loss /= q
		e.Accuracy /= q
		e.MSE /= q
	}
	return e, nil
}

// Evaluate measures m on n held-out sequences of task drawn from seed, in
// batches of batchSize.
func Evaluate(m Model, task tasks.Task, n, batchSize int, seed uint64) (Eval, error) {
	if n <= 0 || batchSize <= 0 {
		return Eval{}, errors.New("train: Evaluate needs n > 0 sequences and a positive batch size")
	}
	return newEvaluator(task, n, batchSize, seed).run(m, task.Spec())
}
