package display

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/seqlab/seqlab/train"
)

// fakeClock is a clock the test moves by hand.
type fakeClock struct{ t time.Time }

func (c *fakeClock) now() time.Time          { return c.t }
func (c *fakeClock) advance(d time.Duration) { c.t = c.t.Add(d) }
func newFakeClock() *fakeClock               { return &fakeClock{time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)} }
func capture(sent *[]*Progress) func(Value) {
	return func(v Value) { *sent = append(*sent, v.(*Progress)) }
}
func dones(sent []*Progress) (d []int) {
	for _, p := range sent {
		d = append(d, p.Done)
	}
	return d
}

func TestProgressThrottle(t *testing.T) {
	clock := newFakeClock()
	var sent []*Progress
	defer SetSink(capture(&sent))()

	p := NewProgress("lstm", 10)
	p.now = clock.now
	p.start = clock.now()
	steps := []struct {
		after time.Duration // since the previous Set
		done  int
		sends bool
	}{
		{0, 1, true},                       // the first update always goes out
		{50 * time.Millisecond, 2, false},  // too soon
		{49 * time.Millisecond, 3, false},  // 99ms after the last one sent
		{1 * time.Millisecond, 4, true},    // 100ms: due
		{10 * time.Millisecond, 5, false},  // too soon
		{10 * time.Millisecond, 10, true},  // done == total: always
		{0, 10, true},                      // and again
		{500 * time.Millisecond, 11, true}, // past the total too
	}
	var want []int
	for _, s := range steps {
		clock.advance(s.after)
		p.Set(s.done, "loss 0.5")
		if s.sends {
			want = append(want, s.done)
		}
	}
	if got := dones(sent); !reflect.DeepEqual(got, want) {
		t.Errorf("Set sent done = %v; want %v", got, want)
	}
	// What was sent is a snapshot: later Sets do not change it.
	if sent[0].Done != 1 || sent[0] == p || sent[0].ID != p.ID {
		t.Errorf("first update sent = %+v; want a separate snapshot with Done 1 and ID %q", sent[0], p.ID)
	}
	// Show sends whatever the time.
	Show(p)
	if last := sent[len(sent)-1]; last == p || last.ID != p.ID || last.Done != 11 {
		t.Errorf("Show(p) sent %+v; want a copy of p (ID %q, Done 11)", last, p.ID)
	}
}

func TestProgressRateAndETA(t *testing.T) {
	clock := newFakeClock()
	var sent []*Progress
	defer SetSink(capture(&sent))()
	p := NewProgress("sweep", 400)
	p.now = clock.now
	p.start = clock.now()
	clock.advance(4 * time.Second)
	p.Set(100, "lag 8")
	got := sent[0]
	if got.Elapsed != 4 || got.Rate != 25 || got.ETA != 12 || got.Note != "lag 8" || got.Label != "sweep" || got.Total != 400 {
		t.Errorf("Set(100) after 4s sent %+v; want Elapsed 4, Rate 25, ETA 12", got)
	}
	if want := "sweep  [██████░░░░░░░░░░░░░░░░░░]  100/400  25%  25.0 it/s  ETA 12s  lag 8"; got.Text(80) != want {
		t.Errorf("Text(80) = %q; want %q", got.Text(80), want)
	}
	clock.advance(12 * time.Second)
	p.Set(400, "")
	if got := sent[1]; got.ETA != 0 || !strings.Contains(got.Text(80), "400/400  100%  25.0 it/s  in 16s") {
		t.Errorf("final update %+v renders %q; want ETA 0 and \"in 16s\"", got, got.Text(80))
	}
}

func TestProgressIDsAreUnique(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		id := NewProgress("", 1).ID
		if seen[id] || !strings.HasPrefix(id, progressPrefix+"-") {
			t.Fatalf("NewProgress ID %q repeats or lacks the process prefix %q", id, progressPrefix)
		}
		seen[id] = true
	}
}

func TestFormatSeconds(t *testing.T) {
	tests := []struct {
		s    float64
		want string
	}{
		{-1, "0s"}, {0, "0.0s"}, {0.44, "0.4s"}, {5, "5.0s"}, {9.96, "10s"}, {59.4, "59s"},
		{59.6, "1m00s"}, {65, "1m05s"}, {3599, "59m59s"}, {3600, "1h00m"}, {7380, "2h03m"},
		{360000, "100h"}, {1e300, "2.78e+296h"},
	}
	for _, tc := range tests {
		if got := FormatSeconds(tc.s); got != tc.want {
			t.Errorf("FormatSeconds(%v) = %q; want %q", tc.s, got, tc.want)
		}
	}
}

// trainRun is a made-up training run of steps steps with an evaluation every
// evalEvery steps, one step per second.
func trainRun(steps, stopAt, evalEvery int, regression bool) []train.Progress {
	var ps []train.Progress
	for s := 1; s <= stopAt; s++ {
		p := train.Progress{Step: s, Steps: steps, Loss: 2 / float64(s), Elapsed: time.Duration(s) * time.Second}
		if s%evalEvery == 0 || s == stopAt {
			e := train.Eval{Step: s, Loss: 1 / float64(s), Accuracy: float64(s) / float64(steps)}
			if regression {
				e = train.Eval{Step: s, Loss: 1 / float64(s), MSE: 1 / float64(s)}
			}
			p.Eval = &e
		}
		p.Last = s == stopAt
		ps = append(ps, p)
	}
	return ps
}

func TestTrainProgress(t *testing.T) {
	tests := []struct {
		name      string
		run       []train.Progress
		wantDones []int
		wantNotes []string
	}{
		{"classification", trainRun(10, 10, 5, false), []int{1, 5, 10},
			[]string{"loss 2", "loss 0.4  recall 0.500", "loss 0.2  recall 1.000"}},
		{"regression", trainRun(10, 10, 4, true), []int{1, 4, 8, 10},
			[]string{"loss 2", "loss 0.5  mse 0.25", "loss 0.25  mse 0.125", "loss 0.2  mse 0.1"}},
		// Stopped early at a target: the last step is shown, as a full bar.
		{"early stop", trainRun(100, 30, 25, false), []int{1, 25, 30},
			[]string{"loss 2", "loss 0.08  recall 0.250", "loss 0.06667  recall 0.300  (target reached)"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var sent []*Progress
			defer SetSink(capture(&sent))()
			clock := newFakeClock() // stands still: only forced updates and the first go out
			f := trainProgress("lstm", clock.now)
			for _, p := range tc.run {
				f(p)
			}
			if got := dones(sent); !reflect.DeepEqual(got, tc.wantDones) {
				t.Errorf("sent done = %v; want %v", got, tc.wantDones)
			}
			var notes []string
			for _, p := range sent {
				notes = append(notes, p.Note)
				total := tc.run[0].Steps
				if p == sent[len(sent)-1] {
					total = tc.run[len(tc.run)-1].Step // a run stopped early ends full
				}
				if p.Label != "lstm" || p.Total != total || p.ID != sent[0].ID {
					t.Errorf("sent %+v; want label lstm, total %d, one ID", p, total)
				}
			}
			if !reflect.DeepEqual(notes, tc.wantNotes) {
				t.Errorf("notes = %q; want %q", notes, tc.wantNotes)
			}
			last := sent[len(sent)-1]
			if want := float64(len(tc.run)); last.Elapsed != want || last.Rate != 1 {
				t.Errorf("last update Elapsed %v, Rate %v; want %v s (the loop's time) and 1 it/s", last.Elapsed, last.Rate, want)
			}
		})
	}
}

// Steps more than minInterval apart are all shown; a second run gets a new bar.
func TestTrainProgressTimingAndReuse(t *testing.T) {
	var sent []*Progress
	defer SetSink(capture(&sent))()
	clock := newFakeClock()
	f := trainProgress("rnn", clock.now)
	for _, p := range trainRun(6, 6, 100, false) {
		clock.advance(60 * time.Millisecond)
		f(p)
	}
	if got, want := dones(sent), []int{1, 3, 5, 6}; !reflect.DeepEqual(got, want) {
		t.Errorf("steps 60ms apart: sent done = %v; want %v", got, want)
	}
	first := sent[0].ID
	sent = nil
	for _, p := range trainRun(6, 2, 100, false) {
		f(p)
	}
	if len(sent) == 0 || sent[0].ID == first {
		t.Errorf("a second run reused the bar of the first (IDs %q, %v)", first, sent)
	}
}

func TestTrainProgressPublic(t *testing.T) {
	var sent []*Progress
	defer SetSink(capture(&sent))()
	f := TrainProgress("lstm")
	for _, p := range trainRun(3, 3, 3, false) {
		f(p)
	}
	if len(sent) < 2 || sent[len(sent)-1].Done != 3 {
		t.Errorf("TrainProgress sent %v; want the first and the final step at least", dones(sent))
	}
}
