package check

// Checks of lesson 9, "Toward modern LLMs".

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/seqlab/seqlab/display"
	"github.com/seqlab/seqlab/models/nn"
)

// Window checks the exercise "window": f(text, o, T) must return the
// training example that starts at offset o of a text of token ids, the T
// tokens the model reads and, for each of them, the token that follows it:
//
//	inputs  = text[o : o+T]
//	targets = text[o+1 : o+T+1]
//
// It shows the verdict as a *display.Check.
func Window(f func(text []int, o, T int) ([]int, []int)) {
	display.Show(windowCheck(f))
}

// windowText is the text of the cases: one id per byte, so that the
// verdict can show them as characters.
const windowText = "Shall I compare thee to a summer's day?"

type windowCase struct{ o, T int }

var windowCases = []windowCase{
	{o: 6, T: 9},
	{o: 2, T: 4},
	{o: 0, T: 5},
	{o: len(windowText) - 9, T: 8}, // the last window: its last target is the last character
}

func windowIDs() []int {
	ids := make([]int, len(windowText))
	for i := range windowText {
		ids[i] = int(windowText[i])
	}
	return ids
}

// windowStr shows ids as the characters they stand for, quoted, or as
// numbers if some are not characters of the text.
func windowStr(ids []int) string {
	if ids == nil {
		return "nil"
	}
	var sb strings.Builder
	for _, id := range ids {
		if id < 32 || id > 126 {
			return fmt.Sprint(ids)
		}
		sb.WriteByte(byte(id))
	}
	return fmt.Sprintf("%q", sb.String())
}

func windowEqual(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func windowCheck(f func(text []int, o, T int) ([]int, []int)) *display.Check {
	const name = "window"
	const where = "window: the model reads inputs = text[o : o+T], and the label of each input is the token after it: targets = text[o+1 : o+T+1]"
	if f == nil {
		return fail(name, "a function func(text []int, o, T int) ([]int, []int)", "nil", "pass your function: check.Window(window)")
	}
	text := windowIDs()
	for i, c := range windowCases {
		wantIn, wantTg := text[c.o:c.o+c.T], text[c.o+1:c.o+c.T+1]
		call := fmt.Sprintf("window(%q, o=%d, T=%d)", windowText, c.o, c.T)
		expected := fmt.Sprintf("%s = inputs %s, targets %s%s", call, windowStr(wantIn), windowStr(wantTg), caseOf(i, len(windowCases)))
		var in, tg []int
		msg := protect(func() {
			in, tg = f(append([]int(nil), text...), c.o, c.T)
		})
		if msg != "" {
			return panicked(name, expected, msg, panicWhere(msg, fmt.Sprintf("window(o=%d, T=%d) of a text of %d tokens: the inputs end at o+T = %d, the targets at o+T+1 = %d (a slice end is exclusive)", c.o, c.T, len(text), c.o+c.T, c.o+c.T+1), where))
		}
		if windowEqual(in, wantIn) && windowEqual(tg, wantTg) {
			continue
		}
		got := fmt.Sprintf("inputs %s, targets %s", windowStr(in), windowStr(tg))
		return fail(name, expected, got, windowMistake(text, c, in, tg, where))
	}
	return pass(name)
}

// windowMistake names the usual mistake that gives inputs in and targets tg.
func windowMistake(text []int, c windowCase, in, tg []int, where string) string {
	wantIn, wantTg := text[c.o:c.o+c.T], text[c.o+1:c.o+c.T+1]
	at := func(from, to int) []int {
		if from < 0 || to > len(text) || from > to {
			return []int{-1}
		}
		return text[from:to]
	}
	switch {
	case in == nil && tg == nil:
		return "your function still returns nil, nil: replace the // TODO in window"
	case windowEqual(in, wantTg) && windowEqual(tg, wantIn):
		return "inputs and targets are swapped: return the inputs first, then the targets"
	case windowEqual(in, wantIn) && windowEqual(tg, wantIn):
		return "the targets are the inputs themselves: a model trained to repeat what it reads learns nothing about what comes next; each target is the NEXT token, text[o+1 : o+T+1]"
	case windowEqual(in, wantIn) && windowEqual(tg, at(c.o-1, c.o+c.T-1)):
		return "the targets are shifted the wrong way: the label of each position is the token after it, text[o+1 : o+T+1], not the one before"
	case !windowEqual(in, wantIn) && len(in) != c.T:
		return fmt.Sprintf("the inputs must be T = %d tokens long, text[o : o+T]; yours are %d", c.T, len(in))
	case windowEqual(in, wantIn) && len(tg) != c.T:
		return fmt.Sprintf("there is one target per input, T = %d of them, text[o+1 : o+T+1]; yours are %d", c.T, len(tg))
	case windowEqual(in, at(c.o+1, c.o+c.T+1)) && windowEqual(tg, at(c.o+2, c.o+c.T+2)):
		return "the window starts one token late: the inputs start at text[o]"
	case windowEqual(in, wantIn) && windowEqual(tg, at(c.o+2, c.o+c.T+2)):
		return "the targets are shifted by two: the label of text[i] is text[i+1]"
	case windowEqual(in, wantIn):
		return "the inputs are right, the targets are not: " + where
	}
	return where
}

// SampleWithTemperature checks the exercise "sampleWithTemperature":
// f(logits, temperature, rng) must draw an index i with probability
// softmax(logits/temperature)ᵢ, using only rng for randomness:
//
//	pᵢ = exp(logitsᵢ/temperature) / Σⱼ exp(logitsⱼ/temperature)
//
// The check draws a few thousand samples per case from seeded random
// sources and compares their frequencies with p (within 5 standard errors),
// for temperatures 1, 0.5, 2 and 0.05, and for logits around 1000 (exp
// overflows unless the largest logit is subtracted first, as nn.Softmax
// does); and it checks that the same seed gives the same draws. It shows
// the verdict as a *display.Check.
func SampleWithTemperature(f func(logits []float64, temperature float64, rng *rand.Rand) int) {
	display.Show(sampleCheck(f))
}

type sampleCase struct {
	logits      []float64
	temperature float64
}

var sampleCases = []sampleCase{
	{logits: []float64{0, 2, -1, 1}, temperature: 1},
	{logits: []float64{0, 2, -1, 1}, temperature: 0.5},
	{logits: []float64{0, 2, -1, 1}, temperature: 2},
	{logits: []float64{998, 1000, 999}, temperature: 1},
	{logits: []float64{0.5, 0, 1}, temperature: 0.05},
}

// sampleDraws is the number of draws per case: enough to tell the
// distributions of the mistakes apart (a standard error of at most 0.009),
// few enough to take well under a second in the interpreter.
const sampleDraws = 3000

// sampleProbs is softmax(logits/temperature), computed stably.
func sampleProbs(logits []float64, temperature float64) []float64 {
	x := make([]float64, len(logits))
	for i, l := range logits {
		x[i] = l / temperature
	}
	p := make([]float64, len(x))
	nn.Softmax(p, x)
	return p
}

func sampleArgmax(x []float64) int {
	best := 0
	for i, v := range x {
		if v > x[best] {
			best = i
		}
	}
	return best
}

// sampleFits reports whether the frequencies freq of n draws are within 5
// standard errors (plus a little) of the probabilities p.
func sampleFits(freq, p []float64, n int) bool {
	for i := range p {
		se := math.Sqrt(p[i] * (1 - p[i]) / float64(n))
		if math.Abs(freq[i]-p[i]) > 5*se+0.002 {
			return false
		}
	}
	return true
}

func sampleFreqStr(v []float64) string {
	parts := make([]string, len(v))
	for i, x := range v {
		parts[i] = fmt.Sprintf("%.3f", x)
	}
	return "[" + strings.Join(parts, " ") + "]"
}

func sampleCheck(f func(logits []float64, temperature float64, rng *rand.Rand) int) *display.Check {
	const name = "sampleWithTemperature"
	const where = "sampleWithTemperature: divide every logit by the temperature, turn them into probabilities with nn.Softmax, then draw u := rng.Float64() and return the first i where p[0] + … + p[i] exceeds u"
	if f == nil {
		return fail(name, "a function func(logits []float64, temperature float64, rng *rand.Rand) int", "nil", "pass your function: check.SampleWithTemperature(sampleWithTemperature)")
	}
	for ci, c := range sampleCases {
		p := sampleProbs(c.logits, c.temperature)
		call := fmt.Sprintf("sampleWithTemperature(logits=%s, temperature=%s)", nums(c.logits), num(c.temperature))
		expected := fmt.Sprintf("%s drawn %d times returns each index i with the frequency p = softmax(logits/temperature) = %s%s", call, sampleDraws, sampleFreqStr(p), caseOf(ci, len(sampleCases)))
		counts := make([]float64, len(c.logits))
		seed := uint64(7 + ci)
		rng := rand.New(rand.NewPCG(seed, seed))
		bad, badAt := 0, 0
		msg := protect(func() {
			for k := 0; k < sampleDraws; k++ {
				i := f(clone(c.logits), c.temperature, rng)
				if i < 0 || i >= len(c.logits) {
					bad, badAt = i, k+1
					return
				}
				counts[i]++
			}
		})
		if msg != "" {
			return panicked(name, expected, msg, panicWhere(msg, fmt.Sprintf("with %d logits the index runs from 0 to %d", len(c.logits), len(c.logits)-1), where))
		}
		if badAt > 0 {
			look := fmt.Sprintf("with %d logits return an index from 0 to %d; if the running sum never exceeds u (rounding), return the last index", len(c.logits), len(c.logits)-1)
			if c.logits[sampleArgmax(c.logits)] > 100 {
				look = "with logits near 1000, math.Exp overflows to +Inf and the probabilities become NaN: subtract the largest logit from every logit before exponentiating, or use nn.Softmax, which does"
			}
			return fail(name, expected, fmt.Sprintf("index %d at draw %d", bad, badAt), look)
		}
		freq := make([]float64, len(counts))
		for i := range counts {
			freq[i] = counts[i] / sampleDraws
		}
		if !sampleFits(freq, p, sampleDraws) {
			return fail(name, expected, "frequencies "+sampleFreqStr(freq), sampleMistake(c, freq, where))
		}
	}
	// Reproducible: the same seed, the same draws.
	draw := func() []int {
		rng := rand.New(rand.NewPCG(3, 3))
		out := make([]int, 50)
		for k := range out {
			out[k] = f([]float64{0, 0.3, 0.1, 0.2}, 1, rng)
		}
		return out
	}
	var first, second []int
	if msg := protect(func() { first, second = draw(), draw() }); msg != "" {
		return panicked(name, "the same draws from two random sources with the same seed", msg, where)
	}
	if !windowEqual(first, second) {
		return fail(name, "the same draws from two random sources with the same seed (the first 10: "+fmt.Sprint(first[:10])+")",
			"different draws the second time (the first 10: "+fmt.Sprint(second[:10])+")",
			"take the randomness from the rng you are given (rng.Float64()), not from rand.Float64() or a source of your own: then a seed reproduces the text")
	}
	return pass(name)
}

// sampleMistake names the usual mistake that gives the frequencies freq.
func sampleMistake(c sampleCase, freq []float64, where string) string {
	n := len(c.logits)
	fits := func(p []float64) bool { return sampleFits(freq, p, sampleDraws) }
	onlyAt := func(i int) bool { return freq[i] == 1 }
	uniform := make([]float64, n)
	for i := range uniform {
		uniform[i] = 1 / float64(n)
	}
	top := sampleArgmax(c.logits)
	const overflow = "with logits near 1000, math.Exp overflows to +Inf (and +Inf/+Inf is NaN): subtract the largest logit from every logit before exponentiating, or use nn.Softmax, which does"
	switch {
	case c.logits[top] > 100:
		return overflow
	case onlyAt(0) && top != 0:
		return "your function always returns 0: replace the // TODO in sampleWithTemperature"
	case onlyAt(top) && c.temperature >= 0.5:
		return "it always returns the largest logit: that is greedy decoding (the limit of temperature → 0); draw at random with the probabilities instead"
	case fits(uniform):
		return "every index comes about equally often: the draw must follow the probabilities, likely tokens more often"
	case c.temperature != 1 && fits(sampleProbs(c.logits, 1)):
		return "the temperature has no effect: divide every logit by the temperature before the softmax"
	case c.temperature != 1 && fits(sampleProbs(c.logits, 1/c.temperature)):
		return "the logits were multiplied by the temperature: divide them by it (a high temperature flattens the distribution, a low one sharpens it)"
	}
	return where
}
