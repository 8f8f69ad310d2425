package check

// Checks of lesson 5, "The LSTM".

import (
	"context"
	"errors"
	"fmt"
	"math"

	"github.com/seqlab/seqlab/display"
	"github.com/seqlab/seqlab/models/lstm"
	"github.com/seqlab/seqlab/models/nn"
	"github.com/seqlab/seqlab/tasks"
	"github.com/seqlab/seqlab/train"
)

// LSTMCell checks the exercise "lstmCell": f(G, c) must return the next
// hidden and cell states (h, c') of an LSTM, given the gates'
// pre-activations G (4H values, in PyTorch's order i, f, g, o: G[0:H] for
// the input gate, G[H:2H] the forget gate, G[2H:3H] the candidate, G[3H:4H]
// the output gate) and the previous cell state c (H values):
//
//	i = σ(G_i)   f = σ(G_f)   g = tanh(G_g)   o = σ(G_o)
//	c' = f ⊙ c + i ⊙ g        h = o ⊙ tanh(c')
//
// It shows the verdict as a *display.Check.
func LSTMCell(f func(G, c []float64) ([]float64, []float64)) {
	display.Show(lstmCellCheck(f))
}

type lstmCellCase struct {
	G, c []float64
}

var lstmCellCases = []lstmCellCase{
	{ // H = 2: every gate block differs, so a wrong order shows
		G: []float64{0.5, -1, 2, 0.3, -0.7, 1.2, 1.5, -0.4},
		c: []float64{0.8, -0.5},
	},
	{ // H = 3
		G: []float64{-0.2, 1, 0.4, 3, -2, 0.6, 0.9, -1.3, 0.1, 0.2, 2.2, -0.8},
		c: []float64{1.5, 0, -2},
	},
	{ // H = 1, from c = 0
		G: []float64{1, -1, 0.5, 2},
		c: []float64{0},
	},
}

// lstmGateNames are the gates in PyTorch's order.
var lstmGateNames = [4]string{"i", "f", "g", "o"}

// lstmCellVariant describes the reference cell and its usual wrong
// versions: order[k] is the block of G used as gate k (i, f, g, o);
// gAct is the candidate's nonlinearity; noTanhC leaves tanh out of h;
// noInput and noForget leave those gates out of c'.
type lstmCellVariant struct {
	order             [4]int
	gAct              func(float64) float64
	noTanhC           bool
	noInput, noForget bool
}

var lstmCellRight = lstmCellVariant{order: [4]int{0, 1, 2, 3}, gAct: math.Tanh}

func lstmCellRef(c lstmCellCase, v lstmCellVariant) (h, cNew []float64) {
	H := len(c.c)
	block := func(gate, j int) float64 { return c.G[v.order[gate]*H+j] }
	h, cNew = make([]float64, H), make([]float64, H)
	for j := 0; j < H; j++ {
		i, f := nn.Sigmoid(block(0, j)), nn.Sigmoid(block(1, j))
		g, o := v.gAct(block(2, j)), nn.Sigmoid(block(3, j))
		if v.noInput {
			i = 1
		}
		if v.noForget {
			f = 1
		}
		cNew[j] = f*c.c[j] + i*g
		if v.noTanhC {
			h[j] = o * cNew[j]
		} else {
			h[j] = o * math.Tanh(cNew[j])
		}
	}
	return h, cNew
}

func lstmCellCheck(f func(G, c []float64) ([]float64, []float64)) *display.Check {
	const name = "lstmCell"
	const where = "lstmCell: for each unit j, i = σ(G[j]), f = σ(G[H+j]), g = tanh(G[2H+j]), o = σ(G[3H+j]); c'[j] = f·c[j] + i·g; h[j] = o·tanh(c'[j])"
	if f == nil {
		return fail(name, "a function func(G, c []float64) ([]float64, []float64)", "nil", "pass your function: check.LSTMCell(lstmCell)")
	}
	for k, c := range lstmCellCases {
		wantH, wantC := lstmCellRef(c, lstmCellRight)
		call := fmt.Sprintf("lstmCell(G=%v, c=%v)", nums(c.G), nums(c.c))
		expected := fmt.Sprintf("%s = h %s, c' %s%s", call, nums(wantH), nums(wantC), caseOf(k, len(lstmCellCases)))
		var h, cNew []float64
		if msg := protect(func() { h, cNew = f(clone(c.G), clone(c.c)) }); msg != "" {
			return panicked(name, expected, msg, panicWhere(msg, fmt.Sprintf("lstmCell with H = %d: len(G) is 4H = %d, len(c) is H; unit j's gates are G[j], G[H+j], G[2H+j], G[3H+j]", len(c.c), len(c.G)), where))
		}
		H := len(c.c)
		switch {
		case h == nil || cNew == nil:
			return fail(name, expected, fmt.Sprintf("h %s, c' %s", lstmNums(h), lstmNums(cNew)), "lstmCell must return two slices, the new h and the new c, one value per unit each")
		case len(h) != H || len(cNew) != H:
			return fail(name, expected, fmt.Sprintf("h %s (%d values), c' %s (%d values)", nums(h), len(h), nums(cNew), len(cNew)),
				fmt.Sprintf("h and c' have one value per unit: H = len(c) = %d each", H))
		case closeAll(h, wantH) && closeAll(cNew, wantC):
			continue
		}
		got := fmt.Sprintf("h %s, c' %s", nums(h), nums(cNew))
		return fail(name, expected, got, lstmCellMistake(c, h, cNew, where))
	}
	return pass(name)
}

func lstmNums(v []float64) string {
	if v == nil {
		return "nil"
	}
	return nums(v)
}

func lstmCellMistake(c lstmCellCase, h, cNew []float64, where string) string {
	for _, v := range append(append([]float64(nil), h...), cNew...) {
		if notFinite(v) != "" {
			return notFinite(v) + "; " + where
		}
	}
	wantH, wantC := lstmCellRef(c, lstmCellRight)
	zero := make([]float64, len(c.c))
	if closeAll(h, zero) && (closeAll(cNew, zero) || closeAll(cNew, c.c)) {
		return "your function still returns the stub's values: replace the // TODO in lstmCell"
	}
	matches := func(v lstmCellVariant) bool {
		gh, gc := lstmCellRef(c, v)
		return closeAll(h, gh) && closeAll(cNew, gc)
	}
	// A wrong gate order: any other assignment of the four blocks.
	perms := lstmPermutations()
	for _, p := range perms {
		if p == lstmCellRight.order {
			continue
		}
		if matches(lstmCellVariant{order: p, gAct: math.Tanh}) {
			got := ""
			for k, b := range p {
				if k > 0 {
					got += ", "
				}
				got += lstmGateNames[k] + " from " + lstmBlockName(b)
			}
			return "the gates are read from the wrong blocks of G (" + got + "); PyTorch's order is i, f, g, o: G[0:H] input, G[H:2H] forget, G[2H:3H] candidate, G[3H:4H] output"
		}
	}
	switch {
	case matches(lstmCellVariant{order: lstmCellRight.order, gAct: nn.Sigmoid}):
		return "the candidate g uses the sigmoid; it is g = tanh(G[2H+j]), in [−1, 1], so that the cell can be pushed down as well as up"
	case matches(lstmCellVariant{order: lstmCellRight.order, gAct: math.Tanh, noTanhC: true}):
		return "h is o·c' here; the output squashes the cell first: h[j] = o·tanh(c'[j])"
	case matches(lstmCellVariant{order: lstmCellRight.order, gAct: math.Tanh, noForget: true}):
		return "that is c' = c + i·g, the 1997 LSTM without a forget gate; today's LSTM (Gers et al. 2000) keeps f·c[j]: c'[j] = f·c[j] + i·g"
	case matches(lstmCellVariant{order: lstmCellRight.order, gAct: math.Tanh, noInput: true}):
		return "the input gate is missing: c'[j] = f·c[j] + i·g, with i = σ(G[j])"
	case closeAll(cNew, wantC) && !closeAll(h, wantH):
		return "c' is right and h is not: h[j] = o·tanh(c'[j]) with o = σ(G[3H+j]) and the new cell c'"
	case closeAll(h, wantC) && closeAll(cNew, wantH):
		return "h and c' are swapped: return the new hidden state first, then the new cell: return h, cNew"
	case closeAll(h, wantH) && !closeAll(cNew, wantC):
		return "h is right and c' is not: return the new cell c'[j] = f·c[j] + i·g"
	}
	return where
}

func lstmBlockName(b int) string {
	return [4]string{"G[0:H]", "G[H:2H]", "G[2H:3H]", "G[3H:4H]"}[b]
}

// lstmPermutations lists the 24 orders of four gate blocks.
func lstmPermutations() [][4]int {
	var out [][4]int
	for a := 0; a < 4; a++ {
		for b := 0; b < 4; b++ {
			for c := 0; c < 4; c++ {
				d := 6 - a - b - c
				if a == b || a == c || b == c || d < 0 || d > 3 || d == a || d == b || d == c {
					continue
				}
				out = append(out, [4]int{a, b, c, d})
			}
		}
	}
	return out
}

// The training run of the exercise "forgetBias": lesson 5 trains the same
// model at the same lag with the usual bias 1 first.
const (
	forgetBiasLag    = 32   // the delayed task's lag
	forgetBiasSteps  = 300  // the budget, in batches of 32
	forgetBiasLR     = 3e-3 // the LSTM's learning rate in the recall benchmark
	forgetBiasEval   = 512  // held-out sequences
	forgetBiasTarget = 0.99 // training stops early at this held-out recall
	forgetBiasPass   = 0.9  // the recall the check asks for
)

// ForgetBias checks the exercise "forgetBias": it trains an LSTM,
// lstm.Tiny() with ForgetBias set to bias and weights from nn.NewRNG(1),
// on the delayed task at lag 32 (train.Defaults() with learning rate 3e-3,
// 300 steps, 512 held-out sequences evaluated every 50 steps, stopping
// early at recall 0.99), showing its progress, and passes when the held-out
// recall reaches 0.9. With the usual bias 1 it stays at chance; biases of
// 3 to 5 learn it. Training takes a few seconds and stops when ctx is
// cancelled. It shows the verdict as a *display.Check.
//
// Before the verdict it prints the run's result in one line, e.g.
//
//	forget bias 5, lag 32: held-out recall 0.992 after 100 steps
func ForgetBias(ctx context.Context, bias float64) {
	label := fmt.Sprintf("lstm, forget bias %s, lag %d", num(bias), forgetBiasLag)
	var last *train.Eval
	progress := display.TrainProgress(label)
	verdict := forgetBiasCheck(ctx, bias, func(p train.Progress) {
		if p.Eval != nil {
			e := *p.Eval
			last = &e
		}
		progress(p)
	})
	if last != nil {
		fmt.Printf("forget bias %s, lag %d: held-out recall %.3f after %d steps\n", num(bias), forgetBiasLag, last.Accuracy, last.Step)
	}
	display.Show(verdict)
}

func forgetBiasCheck(ctx context.Context, bias float64, progress func(train.Progress)) *display.Check {
	const name = "forgetBias"
	expected := fmt.Sprintf("held-out recall ≥ %v at lag %d within %d steps (chance 0.125)", forgetBiasPass, forgetBiasLag, forgetBiasSteps)
	if math.IsNaN(bias) || math.IsInf(bias, 0) {
		return fail(name, expected, fmt.Sprintf("forget bias %v", bias), "choose a finite bias, a number such as 1 or 4: σ(bias) is where the forget gate starts")
	}
	if ctx == nil {
		ctx = context.Background()
	}
	cfg := lstm.Tiny()
	cfg.ForgetBias = bias
	m, err := lstm.New(cfg, nn.NewRNG(1))
	if err != nil {
		return fail(name, expected, err.Error(), "choose a finite bias, a number such as 1 or 4")
	}
	task, err := tasks.Delayed(forgetBiasLag)
	if err != nil {
		return fail(name, expected, err.Error(), "this is a bug in the check: please report it")
	}
	opts := train.Defaults()
	opts.LR = forgetBiasLR
	opts.Steps = forgetBiasSteps
	opts.EvalSize = forgetBiasEval
	opts.EvalEvery = 50
	opts.Target = forgetBiasTarget
	opts.Progress = progress
	hist, err := train.Train(ctx, m, task, opts)
	if err != nil {
		var div *train.DivergedError
		switch {
		case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
			return fail(name, expected, "training stopped before the end: "+err.Error(), "run the cell again and let the training finish (a few seconds)")
		case errors.As(err, &div):
			return fail(name, expected, err.Error(), "training diverged: choose a moderate bias, between 0 and 10")
		}
		return fail(name, expected, err.Error(), "training failed; choose a moderate bias, between 0 and 10")
	}
	recall := hist.Final.Accuracy
	if recall >= forgetBiasPass {
		return pass(name)
	}
	got := fmt.Sprintf("recall %.3f after %d steps with forget bias %s", recall, hist.Steps, num(bias))
	return fail(name, expected, got, forgetBiasWhere(bias))
}

// forgetBiasWhere explains a bias that did not learn: what fraction of the
// cell the untrained forget gate keeps across the lag.
func forgetBiasWhere(bias float64) string {
	f := nn.Sigmoid(bias)
	kept := math.Pow(f, forgetBiasLag)
	if bias < 0 {
		return fmt.Sprintf("a negative bias starts the forget gate near σ(%s) = %.2f: it wipes the cell at every step. The bias should be positive, and larger than the usual 1", num(bias), f)
	}
	if kept < 0.05 {
		return fmt.Sprintf("with bias %s the forget gate starts near σ(%s) = %.3f, and %.3f^%d = %.2g: almost nothing of the key's trace in the cell survives %d steps, so its gradient vanishes too. Choose a bias whose σ(b)^%d is not tiny", num(bias), num(bias), f, f, forgetBiasLag, kept, forgetBiasLag, forgetBiasLag)
	}
	return fmt.Sprintf("with bias %s the forget gate starts near %.3f and keeps %.2g of the cell over %d steps, yet this run did not learn within the budget; try a bias between 3 and 5", num(bias), f, kept, forgetBiasLag)
}
