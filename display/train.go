package display

import (
	"fmt"
	"time"

	"github.com/seqlab/seqlab/train"
)

// TrainProgress returns a callback for train.Options.Progress that shows the
// run as a Progress: done is the step, total the budget, and the note the
// step's training loss and the latest held-out result, e.g.
//
//	lstm  [████████░░░░]  200/400  50%  61.2 it/s  ETA 3.3s  loss 0.1305  recall 1.000
//
// The held-out result reads "recall" for classification tasks and "mse" for
// regression tasks (told apart by the evaluation itself: a regression
// evaluation has no accuracy and a loss equal to its MSE). Every step with an
// evaluation, and the last step, is shown whatever the throttle; a run that
// stops early at its Target ends with a full bar at the step it stopped,
// noted "(target reached)". The times are the training loop's own. A callback reused for a second run starts a new bar.
func TrainProgress(label string) func(train.Progress) {
	return trainProgress(label, time.Now)
}

// trainProgress is TrainProgress with a clock for the throttle.
func trainProgress(label string, now func() time.Time) func(train.Progress) {
	var (
		p    *Progress
		last int
		eval string
	)
	return func(tp train.Progress) {
		if p == nil || tp.Step <= last {
			p = NewProgress(label, tp.Steps)
			p.now = now
			eval = ""
		}
		last = tp.Step
		if e := tp.Eval; e != nil {
			if e.Accuracy == 0 && e.MSE == e.Loss {
				eval = fmt.Sprintf("mse %.4g", e.MSE)
			} else {
				eval = fmt.Sprintf("recall %.3f", e.Accuracy)
			}
		}
		note := fmt.Sprintf("loss %.4g", tp.Loss)
		if eval != "" {
			note += "  " + eval
		}
		p.mu.Lock()
		p.Total = tp.Steps
		if tp.Last && tp.Step < tp.Steps {
			// Stopped early at the target: the bar is complete at this step.
			p.Total = tp.Step
			note += "  (target reached)"
		}
		snap, send := p.update(tp.Step, note, tp.Elapsed, p.clock(), tp.Eval != nil || tp.Last)
		p.mu.Unlock()
		if send {
			Show(snap)
		}
	}
}
