package check

// Checks of lesson 1, "Neurons and learning".

import (
	"fmt"
	"math"

	"github.com/seqlab/seqlab/display"
	"github.com/seqlab/seqlab/models/nn"
)

// Neuron checks the exercise "neuron": f(x, w, b) must return a neuron's
// output σ(w·x + b) = nn.Sigmoid(b + Σᵢ w[i]·x[i]) for inputs of one to
// three values. It shows the verdict as a *display.Check.
func Neuron(f func(x, w []float64, b float64) float64) {
	display.Show(neuronCheck(f))
}

type neuronCase struct {
	x, w []float64
	b    float64
}

var neuronCases = []neuronCase{
	{x: []float64{1, 2}, w: []float64{0.5, -0.25}, b: 0.1},
	{x: []float64{0, 0}, w: []float64{3, -2}, b: -1},
	{x: []float64{1, -1, 2}, w: []float64{0.2, 0.4, -0.3}, b: 0.5},
	{x: []float64{4, 3}, w: []float64{2, 1}, b: -1},
	{x: []float64{1}, w: []float64{-30}, b: 2},
}

func neuronCheck(f func(x, w []float64, b float64) float64) *display.Check {
	const name = "neuron"
	const where = "neuron: z = b + Σ w[i]·x[i] over every input, then return nn.Sigmoid(z)"
	if f == nil {
		return fail(name, "a function func(x, w []float64, b float64) float64", "nil", "pass your function: check.Neuron(neuron)")
	}
	for i, c := range neuronCases {
		n := len(c.x)
		z := dot(c.w, c.x, n) + c.b
		want := nn.Sigmoid(z)
		call := fmt.Sprintf("neuron(x=%v, w=%v, b=%v)", nums(c.x), nums(c.w), num(c.b))
		expected := fmt.Sprintf("%s = %s (σ(%s))%s", call, num(want), num(z), caseOf(i, len(neuronCases)))
		var got float64
		if msg := protect(func() { got = f(clone(c.x), clone(c.w), c.b) }); msg != "" {
			return panicked(name, expected, msg, panicWhere(msg, fmt.Sprintf("neuron with %d inputs: index x and w with the same i, for i from 0 to len(x)−1", n), where))
		}
		if near(got, want) {
			continue
		}
		w, g := numPair(want, got)
		expected = fmt.Sprintf("%s = %s (σ(%s))%s", call, w, num(z), caseOf(i, len(neuronCases)))
		return fail(name, expected, g, neuronMistake(c, got, where))
	}
	return pass(name)
}

// neuronMistake names the usual mistake that gives got for case c, if one does.
func neuronMistake(c neuronCase, got float64, where string) string {
	n := len(c.x)
	z := dot(c.w, c.x, n) + c.b
	switch {
	case notFinite(got) != "":
		return notFinite(got) + "; " + where
	case got == 0:
		return "your function still returns 0: replace the // TODO in neuron with the weighted sum and the sigmoid"
	case near(got, z):
		return "that is z = w·x + b itself; a neuron passes z through its nonlinearity: return nn.Sigmoid(z)"
	case c.b != 0 && near(got, nn.Sigmoid(z-c.b)):
		return "the bias is missing: z = w·x + b, then nn.Sigmoid(z)"
	case c.b != 0 && near(got, z-c.b):
		return "that is w·x alone: add the bias b, then pass z through nn.Sigmoid"
	case near(got, math.Tanh(z)):
		return "that is tanh(z); this neuron's nonlinearity is the sigmoid: nn.Sigmoid(z)"
	case near(got, math.Max(0, z)):
		return "that is ReLU(z) = max(0, z); this neuron's nonlinearity is the sigmoid: nn.Sigmoid(z)"
	case near(got, nn.Sigmoid(-z)) || near(got, 1-nn.Sigmoid(z)):
		return "that is σ(−z): σ(z) = 1/(1 + e^(−z)), which nn.Sigmoid(z) computes"
	case n > 1 && near(got, nn.Sigmoid(dot(c.w, c.x, n-1)+c.b)):
		return fmt.Sprintf("the last input was left out: with %d inputs the sum runs over i = 0 … %d", n, n-1)
	case n > 1 && near(got, nn.Sigmoid(dot(c.w, c.x, 1)+c.b)):
		return "only the first input counted: the weighted sum runs over every input"
	}
	return where
}

// SigmoidGrad checks the exercise "sigmoidGrad": f(z) must return the slope
// of the sigmoid at z, σ'(z) = σ(z)·(1 − σ(z)), for z from −10 to 5. It
// shows the verdict as a *display.Check.
func SigmoidGrad(f func(z float64) float64) {
	display.Show(sigmoidGradCheck(f))
}

var sigmoidGradCases = []float64{2, 0, -1, 5, -10}

func sigmoidGradCheck(f func(z float64) float64) *display.Check {
	const name = "sigmoidGrad"
	const where = "sigmoidGrad: s := nn.Sigmoid(z), then return s * (1 - s)"
	if f == nil {
		return fail(name, "a function func(z float64) float64", "nil", "pass your function: check.SigmoidGrad(sigmoidGrad)")
	}
	for i, z := range sigmoidGradCases {
		s := nn.Sigmoid(z)
		want := s * (1 - s)
		expected := fmt.Sprintf("sigmoidGrad(%s) = %s (σ = %s, σ·(1 − σ) = %s)%s", num(z), num(want), num(s), num(want), caseOf(i, len(sigmoidGradCases)))
		var got float64
		if msg := protect(func() { got = f(z) }); msg != "" {
			return panicked(name, expected, msg, where)
		}
		if near(got, want) {
			continue
		}
		w, g := numPair(want, got)
		expected = fmt.Sprintf("sigmoidGrad(%s) = %s (σ = %s)%s", num(z), w, num(s), caseOf(i, len(sigmoidGradCases)))
		return fail(name, expected, g, sigmoidGradMistake(z, got, where))
	}
	return pass(name)
}

func sigmoidGradMistake(z, got float64, where string) string {
	s := nn.Sigmoid(z)
	t := math.Tanh(z)
	switch {
	case notFinite(got) != "":
		return notFinite(got) + "; " + where
	case got == 0:
		return "your function still returns 0: replace the // TODO in sigmoidGrad"
	case near(got, s):
		return "that is σ(z), the neuron's output, not its slope: the slope is σ(z)·(1 − σ(z))"
	case near(got, z*(1-z)):
		return "the formula was applied to z instead of to σ(z): s := nn.Sigmoid(z), then s * (1 - s)"
	case near(got, -s*(1-s)):
		return "the sign is wrong: σ rises everywhere, so its slope is positive, σ(z)·(1 − σ(z))"
	case near(got, 1-s*s) || near(got, 1-t*t):
		return "that is the slope of tanh (1 − y²); the sigmoid's is σ(z)·(1 − σ(z))"
	case near(got, 1-s):
		return "half the formula: multiply 1 − σ(z) by σ(z)"
	}
	return where
}

// Step checks the exercise "step": f(params, grads, lr) must return the
// parameters after one step of gradient descent, params[i] − lr·grads[i] for
// every i, as a slice as long as params (updating params in place and
// returning it is fine). It shows the verdict as a *display.Check.
func Step(f func(params, grads []float64, lr float64) []float64) {
	display.Show(stepCheck(f))
}

type stepCase struct {
	params, grads []float64
	lr            float64
}

var stepCases = []stepCase{
	{params: []float64{1, 2, 3}, grads: []float64{0.5, -1, 0}, lr: 0.1},
	{params: []float64{0.5}, grads: []float64{2}, lr: 0.25},
	{params: []float64{-1, 4, 0, 2}, grads: []float64{-3, 8, 1, 0.5}, lr: 0.5},
}

func stepCheck(f func(params, grads []float64, lr float64) []float64) *display.Check {
	const name = "step"
	const where = "step: each new parameter is params[i] - lr*grads[i], one per parameter"
	if f == nil {
		return fail(name, "a function func(params, grads []float64, lr float64) []float64", "nil", "pass your function: check.Step(step)")
	}
	for i, c := range stepCases {
		want := make([]float64, len(c.params))
		for j := range want {
			want[j] = c.params[j] - c.lr*c.grads[j]
		}
		call := fmt.Sprintf("step(params=%v, grads=%v, lr=%v)", nums(c.params), nums(c.grads), num(c.lr))
		expected := fmt.Sprintf("%s = %s%s", call, nums(want), caseOf(i, len(stepCases)))
		var got []float64
		if msg := protect(func() { got = f(clone(c.params), clone(c.grads), c.lr) }); msg != "" {
			return panicked(name, expected, msg, panicWhere(msg, fmt.Sprintf("step with %d parameters: loop over i from 0 to len(params)−1", len(c.params)), where))
		}
		switch {
		case got == nil:
			return fail(name, expected, "nil", "step returns no slice: return the new parameters, one per parameter")
		case len(got) != len(want):
			return fail(name, expected, fmt.Sprintf("%s (%d values)", nums(got), len(got)),
				fmt.Sprintf("step must return %d values, one new value per parameter; yours has %d", len(want), len(got)))
		case closeAll(got, want):
			continue
		}
		w, g := numsPair(want, got)
		return fail(name, fmt.Sprintf("%s = %s%s", call, w, caseOf(i, len(stepCases))), g, stepMistake(c, got, where))
	}
	return pass(name)
}

func stepMistake(c stepCase, got []float64, where string) string {
	apply := func(f func(p, g float64) float64) []float64 {
		out := make([]float64, len(c.params))
		for i := range out {
			out[i] = f(c.params[i], c.grads[i])
		}
		return out
	}
	for _, v := range got {
		if notFinite(v) != "" {
			return notFinite(v) + "; " + where
		}
	}
	moved := 0 // leading parameters that are right
	for moved < len(got) && near(got[moved], c.params[moved]-c.lr*c.grads[moved]) {
		moved++
	}
	switch {
	case closeAll(got, c.params):
		return "the parameters did not change: replace the // TODO in step with params[i] - lr*grads[i]"
	case closeAll(got, apply(func(p, g float64) float64 { return p + c.lr*g })):
		return "that went uphill: params + lr·grads; gradient descent moves against the gradient, params[i] - lr*grads[i]"
	case closeAll(got, apply(func(p, g float64) float64 { return p - g })):
		return "the learning rate is missing: the step is lr*grads[i], not grads[i]"
	case closeAll(got, apply(func(p, g float64) float64 { return -c.lr * g })) ||
		closeAll(got, apply(func(p, g float64) float64 { return c.lr * g })):
		return "that is the change alone: return the new parameters, params[i] - lr*grads[i]"
	case closeAll(got, apply(func(p, g float64) float64 { return p - c.lr*p })):
		return "that scales the parameters by themselves: the step uses the gradient, params[i] - lr*grads[i]"
	case moved > 0:
		return fmt.Sprintf("the first %d parameter(s) are right, parameter %d is not: update every parameter", moved, moved)
	}
	return where
}
