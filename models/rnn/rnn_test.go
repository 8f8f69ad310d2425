package rnn

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/seqlab/seqlab/models/nn"
	"gonum.org/v1/gonum/mat"
)

func newRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed)) }

func randomTokens(rng *rand.Rand, n, v int) []int {
	t := make([]int, n)
	for i := range t {
		t[i] = rng.IntN(v)
	}
	return t
}

func randomReal(rng *rand.Rand, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = rng.NormFloat64()
	}
	return x
}

// TestGradients checks BPTT against fourth-order central differences for
// token and real-valued input, with the loss on every step (cross-entropy)
// and on the last step only (MSE).
func TestGradients(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		B, T int
	}{
		{"tokens", Config{Vocab: 5, Embed: 3, Hidden: 4, Outputs: 5}, 2, 5},
		{"real", Config{Features: 2, Hidden: 3, Outputs: 1}, 3, 6},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := newRNG(1)
			m, err := New(tc.cfg, rng)
			if err != nil {
				t.Fatal(err)
			}
			var in nn.Input
			if tc.cfg.Vocab > 0 {
				in = nn.TokenInput(tc.B, tc.T, randomTokens(rng, tc.B*tc.T, tc.cfg.Vocab))
			} else {
				in = nn.RealInput(tc.B, tc.T, tc.cfg.Features, randomReal(rng, tc.B*tc.T*tc.cfg.Features))
			}
			n := tc.B * tc.T
			targets := randomTokens(rng, n, tc.cfg.Outputs)
			last := []int{tc.T - 1, 2*tc.T - 1}
			values := []float64{0.3, -0.7}
			dl := mat.NewDense(n, tc.cfg.Outputs, nil)
			loss := func() float64 {
				nn.ZeroGrad(m.Params())
				out, err := m.Forward(in)
				if err != nil {
					t.Fatal(err)
				}
				var l float64
				if tc.cfg.Vocab > 0 {
					l = nn.CrossEntropy(out, nil, targets, dl)
				} else {
					l = nn.MSE(out, last, values, dl)
				}
				m.Backward(dl)
				return l
			}
			res := nn.CheckGradients(loss, m.Params(), nn.GradCheckConfig{MaxPerParam: -1})
			if e := res.MaxRelErr(); e > 1e-6 {
				t.Errorf("max relative gradient error %.3g > 1e-6:\n%v", e, res)
			}
			if len(res) != len(m.Params()) {
				t.Errorf("checked %d params, want %d", len(res), len(m.Params()))
			}
		})
	}
}

// TestStepMatchesForward streams a batch one step at a time and compares each
// step's logits with Forward's.
func TestStepMatchesForward(t *testing.T) {
	for _, cfg := range []Config{
		{Vocab: 7, Embed: 4, Hidden: 8},
		{Features: 3, Hidden: 5, Outputs: 2},
	} {
		rng := newRNG(2)
		m, err := New(cfg, rng)
		if err != nil {
			t.Fatal(err)
		}
		B, T := 3, 9
		var in nn.Input
		if cfg.Vocab > 0 {
			in = nn.TokenInput(B, T, randomTokens(rng, B*T, cfg.Vocab))
		} else {
			in = nn.RealInput(B, T, cfg.Features, randomReal(rng, B*T*cfg.Features))
		}
		full, err := m.Forward(in)
		if err != nil {
			t.Fatal(err)
		}
		want := mat.DenseCopyOf(full)
		s := m.NewState(B)
		step := nn.Input{B: B, T: 1, F: in.F}
		for tt := 0; tt < T; tt++ {
			if in.Tokens != nil {
				step.Tokens = make([]int, B)
				for b := range B {
					step.Tokens[b] = in.Tokens[b*T+tt]
				}
			} else {
				step.X = make([]float64, B*in.F)
				for b := range B {
					copy(step.X[b*in.F:], in.X[(b*T+tt)*in.F:(b*T+tt+1)*in.F])
				}
			}
			got, err := m.Step(s, step)
			if err != nil {
				t.Fatal(err)
			}
			for b := range B {
				for j := range m.Outputs {
					if d := math.Abs(got.At(b, j) - want.At(b*T+tt, j)); d > 1e-12 {
						t.Fatalf("%+v: Step at t=%d, b=%d, out %d = %v; Forward gave %v", cfg, tt, b, j, got.At(b, j), want.At(b*T+tt, j))
					}
				}
			}
		}
		hs := m.HiddenStates(B - 1)
		for j := range m.Hidden {
			if d := math.Abs(hs.At(T-1, j) - s.H.At(B-1, j)); d > 1e-12 {
				t.Fatalf("HiddenStates last row differs from streamed state by %g", d)
			}
		}
	}
}

func TestStepAllocatesNothing(t *testing.T) {
	m, err := New(Config{Vocab: 16, Embed: 8, Hidden: 16}, newRNG(3))
	if err != nil {
		t.Fatal(err)
	}
	s := m.NewState(1)
	in := nn.TokenInput(1, 1, []int{3})
	if allocs := testing.AllocsPerRun(100, func() { m.Step(s, in) }); allocs != 0 {
		t.Errorf("Step allocates %v times per call; want 0", allocs)
	}
}

func TestForwardReusesBuffers(t *testing.T) {
	m, _ := New(Config{Vocab: 16, Embed: 8, Hidden: 16}, newRNG(3))
	in := nn.TokenInput(4, 10, randomTokens(newRNG(4), 40, 16))
	out, _ := m.Forward(in)
	dl := mat.NewDense(40, 16, nil)
	nn.CrossEntropy(out, nil, randomTokens(newRNG(5), 40, 16), dl)
	if allocs := testing.AllocsPerRun(10, func() {
		m.Forward(in)
		m.Backward(dl)
	}); allocs != 0 {
		t.Errorf("Forward+Backward allocate %v times per call after the first; want 0", allocs)
	}
}

// TestVanishingGradient: with the loss on the last step only, the gradient
// reaching earlier hidden states shrinks going back in time.
func TestVanishingGradient(t *testing.T) {
	m, _ := New(Config{Vocab: 17, Embed: 8, Hidden: 16}, newRNG(6))
	B, T := 8, 40
	in := nn.TokenInput(B, T, randomTokens(newRNG(7), B*T, 17))
	out, _ := m.Forward(in)
	rows := make([]int, B)
	for b := range rows {
		rows[b] = b*T + T - 1
	}
	dl := mat.NewDense(B*T, 17, nil)
	nn.CrossEntropy(out, rows, randomTokens(newRNG(8), B, 17), dl)
	m.Backward(dl)
	g := m.StepGradNorms()
	if len(g) != T {
		t.Fatalf("StepGradNorms has %d entries; want %d", len(g), T)
	}
	if !(g[0] < 1e-3*g[T-1]) {
		t.Errorf("gradient at t=0 is %.3g, at t=T-1 %.3g: expected it to vanish by 1000×", g[0], g[T-1])
	}
}

func TestConfigErrors(t *testing.T) {
	for _, tc := range []struct {
		cfg  Config
		want string
	}{
		{Config{}, "set Vocab"},
		{Config{Vocab: 5, Features: 2, Embed: 3, Hidden: 4}, "not both"},
		{Config{Vocab: 5, Embed: 0, Hidden: 4}, "Embed is 0"},
		{Config{Vocab: 5, Embed: 3, Hidden: -1}, "Hidden is -1"},
		{Config{Features: 2, Hidden: 4}, "Outputs is 0"},
		{Config{Vocab: 5, Embed: 3, Hidden: 1 << 30}, "at most"},
		{Config{Vocab: 5, Embed: 3, Hidden: 100000}, "GiB"},
		{Config{Vocab: -1, Hidden: 4}, "negative"},
	} {
		_, err := New(tc.cfg, newRNG(1))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%+v) error = %v; want it to mention %q", tc.cfg, err, tc.want)
		}
	}
}

func TestInputErrors(t *testing.T) {
	m, _ := New(Config{Vocab: 5, Embed: 3, Hidden: 4}, newRNG(1))
	for _, tc := range []struct {
		in   nn.Input
		want string
	}{
		{nn.TokenInput(1, 3, []int{0, 5, 1}), "outside the vocabulary"},
		{nn.TokenInput(2, 3, []int{0, 1, 1}), "want B·T"},
		{nn.RealInput(1, 1, 2, []float64{1, 2}), "Tokens is nil"},
		{nn.TokenInput(0, 3, nil), "must be positive"},
	} {
		if _, err := m.Forward(tc.in); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Forward(%+v) error = %v; want it to mention %q", tc.in, err, tc.want)
		}
	}
	s := m.NewState(2)
	if _, err := m.Step(s, nn.TokenInput(1, 1, []int{0})); err == nil {
		t.Error("Step with a batch of 1 on a state of 2 succeeded")
	}
}

func TestBackwardBeforeForwardPanics(t *testing.T) {
	m, _ := New(Tiny(), newRNG(1))
	defer func() {
		if recover() == nil {
			t.Error("Backward before Forward did not panic")
		}
	}()
	m.Backward(mat.NewDense(1, 17, nil))
}
