package train_test

import (
	"context"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/seqlab/seqlab/models/rnn"
	"github.com/seqlab/seqlab/tasks"
	"github.com/seqlab/seqlab/train"
)

func tinyRNN(t *testing.T, outputs int) *rnn.Model {
	t.Helper()
	m, err := rnn.New(rnn.Config{Vocab: 17, Embed: 8, Hidden: 16, Outputs: outputs}, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func delayed(t *testing.T, lag int) tasks.Task {
	t.Helper()
	task, err := tasks.Delayed(lag)
	if err != nil {
		t.Fatal(err)
	}
	return task
}

func quick() train.Options {
	o := train.Defaults()
	o.Steps, o.EvalSize = 20, 64
	return o
}

func TestOptionsValidate(t *testing.T) {
	for _, tc := range []struct {
		edit func(*train.Options)
		want string
	}{
		{func(o *train.Options) { o.Steps = 0 }, "Steps is 0"},
		{func(o *train.Options) { o.BatchSize = -1 }, "BatchSize is -1"},
		{func(o *train.Options) { o.BatchSize = 1 << 20 }, "too large"},
		{func(o *train.Options) { o.LR = math.NaN() }, "LR is NaN"},
		{func(o *train.Options) { o.LR = math.Inf(1) }, "LR is +Inf"},
		{func(o *train.Options) { o.LR = -1e-3 }, "finite positive"},
		{func(o *train.Options) { o.LR = 0 }, "finite positive"},
		{func(o *train.Options) { o.Warmup = -5 }, "Warmup is -5"},
		{func(o *train.Options) { o.Clip = math.NaN() }, "Clip is NaN"},
		{func(o *train.Options) { o.EvalSize = -1 }, "EvalSize is -1"},
		{func(o *train.Options) { o.EvalEvery = -1 }, "EvalEvery is -1"},
		{func(o *train.Options) { o.Target = -0.5 }, "Target is -0.5"},
		{func(o *train.Options) { o.Target, o.EvalSize = 0.9, 0 }, "needs held-out"},
	} {
		o := train.Defaults()
		tc.edit(&o)
		err := o.Validate()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Validate(%+v) = %v; want an error mentioning %q", o, err, tc.want)
		}
		if _, err := train.Train(context.Background(), tinyRNN(t, 17), delayed(t, 2), o); err == nil {
			t.Errorf("Train accepted invalid options %+v", o)
		}
	}
	if err := train.Defaults().Validate(); err != nil {
		t.Errorf("Defaults().Validate() = %v", err)
	}
}

func TestDeterministic(t *testing.T) {
	run := func() *train.History {
		h, err := train.Train(context.Background(), tinyRNN(t, 17), delayed(t, 3), quick())
		if err != nil {
			t.Fatal(err)
		}
		return h
	}
	a, b := run(), run()
	for i := range a.Loss {
		if a.Loss[i] != b.Loss[i] {
			t.Fatalf("step %d: loss %v then %v with the same seeds", i, a.Loss[i], b.Loss[i])
		}
	}
	if a.Final != b.Final {
		t.Errorf("final evaluation %+v then %+v", a.Final, b.Final)
	}
	o := quick()
	o.Seed = 2
	c, _ := train.Train(context.Background(), tinyRNN(t, 17), delayed(t, 3), o)
	if c.Loss[5] == a.Loss[5] {
		t.Error("a different seed gave the same losses")
	}
}

func TestDiverges(t *testing.T) {
	for _, lr := range []float64{1e2, 1e9} {
		o := quick()
		o.LR, o.Warmup = lr, 0
		h, err := train.Train(context.Background(), tinyRNN(t, 17), delayed(t, 3), o)
		var d *train.DivergedError
		if !errors.As(err, &d) {
			t.Fatalf("LR %g: err = %v; want a *DivergedError", lr, err)
		}
		if !strings.Contains(err.Error(), "lower the learning rate") {
			t.Errorf("error %q does not say what to do", err)
		}
		if d.Step < 2 || h.Steps != d.Step-1 {
			t.Errorf("diverged at step %d with %d steps in the history", d.Step, h.Steps)
		}
	}
}

func TestCancelStopsWithinOneStep(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	o := quick()
	o.Progress = func(p train.Progress) {
		if p.Step == 3 {
			cancel()
		}
	}
	h, err := train.Train(ctx, tinyRNN(t, 17), delayed(t, 3), o)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v; want context.Canceled", err)
	}
	if h.Steps != 3 || len(h.Loss) != 3 {
		t.Errorf("ran %d steps after cancelling at step 3", h.Steps)
	}
}

func TestProgressAndEvals(t *testing.T) {
	o := quick()
	o.EvalEvery = 5
	var steps, evals int
	o.Progress = func(p train.Progress) {
		steps++
		if p.Step != steps || p.Steps != o.Steps {
			t.Errorf("progress %d/%d at call %d", p.Step, p.Steps, steps)
		}
		if p.Eval != nil {
			evals++
		}
		if p.Step <= o.Warmup && p.LR >= o.LR {
			t.Errorf("step %d: LR %g during warm-up", p.Step, p.LR)
		}
	}
	h, err := train.Train(context.Background(), tinyRNN(t, 17), delayed(t, 3), o)
	if err != nil {
		t.Fatal(err)
	}
	if steps != 20 || evals != 4 || len(h.Evals) != 4 || h.Evals[3].Step != 20 {
		t.Errorf("%d progress calls, %d evals (%+v); want 20 and 4", steps, evals, h.Evals)
	}
	if !strings.Contains(h.String(), "held-out recall") {
		t.Errorf("String() = %q", h)
	}
}

func TestEarlyStop(t *testing.T) {
	o := train.Defaults()
	o.LR, o.Target, o.EvalSize = 1e-2, 0.99, 256
	h, err := train.Train(context.Background(), tinyRNN(t, 17), delayed(t, 2), o)
	if err != nil {
		t.Fatal(err)
	}
	if !h.Early || h.Steps >= o.Steps || h.Final.Accuracy < 0.99 {
		t.Errorf("early=%v after %d steps with recall %.3f; want an early stop at ≥ 0.99", h.Early, h.Steps, h.Final.Accuracy)
	}
}

func TestModelMustFitTask(t *testing.T) {
	_, err := train.Train(context.Background(), tinyRNN(t, 5), delayed(t, 2), quick())
	if err == nil || !strings.Contains(err.Error(), "Outputs: 17") {
		t.Errorf("err = %v; want it to say the model needs 17 outputs", err)
	}
	adding, _ := tasks.Adding(10)
	_, err = train.Train(context.Background(), tinyRNN(t, 1), adding, quick())
	if err == nil || !strings.Contains(err.Error(), "cannot read adding") {
		t.Errorf("err = %v; want it to say the model cannot read the task", err)
	}
}

func TestRegression(t *testing.T) {
	m, err := rnn.New(rnn.Config{Features: 2, Hidden: 16, Outputs: 1}, rand.New(rand.NewPCG(1, 1)))
	if err != nil {
		t.Fatal(err)
	}
	adding, _ := tasks.Adding(6)
	o := train.Defaults()
	o.Steps, o.LR, o.EvalSize = 300, 1e-2, 512
	h, err := train.Train(context.Background(), m, adding, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Log(h)
	if h.Final.MSE >= 0.5*adding.Spec().Chance {
		t.Errorf("held-out MSE %.4f; want below half the baseline %.3f", h.Final.MSE, adding.Spec().Chance)
	}
}
