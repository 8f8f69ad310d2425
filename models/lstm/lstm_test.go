package lstm

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

func randomReal(rng *rand.Rand, n int, scale float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = rng.NormFloat64() * scale
	}
	return x
}

// lastRows are the batch-major rows of the last step of each of B sequences.
func lastRows(B, T int) []int {
	rows := make([]int, B)
	for b := range rows {
		rows[b] = b*T + T - 1
	}
	return rows
}

// TestGradients checks BPTT against fourth-order central differences for
// token and real-valued input, with the loss on every step (cross-entropy)
// and on the last step only (MSE). The forget bias is 1, as in the presets,
// so that the forget gates are not all near 0.5.
func TestGradients(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		B, T int
	}{
		{"tokens", Config{Vocab: 5, Embed: 3, Hidden: 4, Outputs: 5, ForgetBias: 1}, 2, 5},
		{"real", Config{Features: 2, Hidden: 3, Outputs: 1, ForgetBias: 1}, 3, 6},
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
				in = nn.RealInput(tc.B, tc.T, tc.cfg.Features, randomReal(rng, tc.B*tc.T*tc.cfg.Features, 1))
			}
			n := tc.B * tc.T
			targets := randomTokens(rng, n, tc.cfg.Outputs)
			values := randomReal(rng, tc.B, 1)
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
					l = nn.MSE(out, lastRows(tc.B, tc.T), values, dl)
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

func TestParams(t *testing.T) {
	cfg := Config{Vocab: 7, Embed: 3, Hidden: 4, Outputs: 5}
	m, err := New(cfg, newRNG(1))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range m.Params() {
		got = append(got, p.String())
	}
	want := []string{
		"emb.weight [7 3]",
		"rnn.weight_ih_l0 [16 3]", "rnn.weight_hh_l0 [16 4]",
		"rnn.bias_ih_l0 [16]", "rnn.bias_hh_l0 [16]",
		"out.weight [5 4]", "out.bias [5]",
	}
	if strings.Join(got, ", ") != strings.Join(want, ", ") {
		t.Errorf("Params() = %v; want %v", got, want)
	}
	if n := nn.CountParams(m.Params()); n != cfg.ParamCount() {
		t.Errorf("ParamCount() = %d; the parameters hold %d", cfg.ParamCount(), n)
	}
	real := Config{Features: 2, Hidden: 4, Outputs: 1}
	mr, _ := New(real, newRNG(1))
	if n := nn.CountParams(mr.Params()); n != real.ParamCount() || len(mr.Params()) != 6 {
		t.Errorf("real-valued input: %d params in %d tensors; ParamCount() = %d, want 6 tensors", n, len(mr.Params()), real.ParamCount())
	}
}

// stepInput is step tt of in as a batch of one step.
func stepInput(in nn.Input, tt int) nn.Input {
	B, T := in.B, in.T
	step := nn.Input{B: B, T: 1, F: in.F}
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
	return step
}

// TestStepMatchesForward streams a batch one step at a time and compares each
// step's logits, and the final hidden and cell states, with Forward's.
func TestStepMatchesForward(t *testing.T) {
	for _, cfg := range []Config{
		{Vocab: 7, Embed: 4, Hidden: 8, ForgetBias: 1},
		{Features: 3, Hidden: 5, Outputs: 2, ForgetBias: 2},
		// Large enough for Forward's products to run in parallel and to
		// split their inner dimension, unlike Step's.
		{Vocab: 7, Embed: 70, Hidden: 96, ForgetBias: 1},
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
			in = nn.RealInput(B, T, cfg.Features, randomReal(rng, B*T*cfg.Features, 1))
		}
		full, err := m.Forward(in)
		if err != nil {
			t.Fatal(err)
		}
		want := mat.DenseCopyOf(full)
		s := m.NewState(B)
		for tt := 0; tt < T; tt++ {
			got, err := m.Step(s, stepInput(in, tt))
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
		for b := range B {
			hs, cs := m.HiddenStates(b), m.CellStates(b)
			for j := range m.Hidden {
				if d := math.Abs(hs.At(T-1, j) - s.H.At(b, j)); d > 1e-12 {
					t.Fatalf("%+v: HiddenStates(%d) last row differs from the streamed H by %g", cfg, b, d)
				}
				if d := math.Abs(cs.At(T-1, j) - s.C.At(b, j)); d > 1e-12 {
					t.Fatalf("%+v: CellStates(%d) last row differs from the streamed C by %g", cfg, b, d)
				}
			}
		}
		s.Reset()
		if mat.Norm(s.H, 1) != 0 || mat.Norm(s.C, 1) != 0 {
			t.Errorf("Reset left H or C non-zero")
		}
	}
}

// TestDiagnosticsConsistent checks HiddenStates, CellStates and Gates against
// the cell equations, recomputed from the diagnostics alone.
func TestDiagnosticsConsistent(t *testing.T) {
	m, _ := New(Config{Vocab: 6, Embed: 3, Hidden: 4, ForgetBias: 1}, newRNG(9))
	B, T := 2, 5
	if _, err := m.Forward(nn.TokenInput(B, T, randomTokens(newRNG(10), B*T, 6))); err != nil {
		t.Fatal(err)
	}
	for b := range B {
		hs, cs := m.HiddenStates(b), m.CellStates(b)
		i, f, g, o := m.Gates(b)
		for tt := range T {
			for j := range m.Hidden {
				cPrev := 0.0
				if tt > 0 {
					cPrev = cs.At(tt-1, j)
				}
				c := f.At(tt, j)*cPrev + i.At(tt, j)*g.At(tt, j)
				h := o.At(tt, j) * math.Tanh(c)
				if math.Abs(c-cs.At(tt, j)) > 1e-15 || math.Abs(h-hs.At(tt, j)) > 1e-15 {
					t.Fatalf("b=%d t=%d j=%d: c=%v h=%v from the gates; CellStates %v, HiddenStates %v",
						b, tt, j, c, h, cs.At(tt, j), hs.At(tt, j))
				}
			}
		}
	}
}

func TestStepAllocatesNothing(t *testing.T) {
	// Standard's 1×64 by 64×256 product is one that gonum's Gemm would
	// spread over goroutines.
	for _, cfg := range []Config{{Vocab: 16, Embed: 8, Hidden: 16, ForgetBias: 1}, Standard(17)} {
		m, err := New(cfg, newRNG(3))
		if err != nil {
			t.Fatal(err)
		}
		for _, B := range []int{1, 2} {
			s := m.NewState(B)
			in := nn.TokenInput(B, 1, randomTokens(newRNG(4), B, 16))
			if allocs := testing.AllocsPerRun(100, func() { m.Step(s, in) }); allocs != 0 {
				t.Errorf("%+v: Step of %d sequences allocates %v times per call; want 0", cfg, B, allocs)
			}
		}
	}
}

func TestForwardReusesBuffers(t *testing.T) {
	m, _ := New(Config{Vocab: 16, Embed: 8, Hidden: 16, ForgetBias: 1}, newRNG(3))
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

// TestForgetBias checks where New puts the forget-gate bias and that an
// untrained model with small input then has forget gates near σ(ForgetBias).
func TestForgetBias(t *testing.T) {
	const H, fb = 16, 5.0
	m, err := New(Config{Features: 2, Hidden: H, Outputs: 1, ForgetBias: fb}, newRNG(11))
	if err != nil {
		t.Fatal(err)
	}
	bound := 1 / math.Sqrt(H)
	bih, bhh := m.BiasIH.Data(), m.BiasHH.Data()
	for k := range 4 * H {
		forget := k >= H && k < 2*H
		if forget && bih[k] != fb {
			t.Errorf("bias_ih_l0[%d] = %v; want the forget bias %v", k, bih[k], fb)
		}
		if !forget && math.Abs(bih[k]) > bound {
			t.Errorf("bias_ih_l0[%d] = %v; want the initialisation U(±%.3g)", k, bih[k], bound)
		}
		if math.Abs(bhh[k]) > bound {
			t.Errorf("bias_hh_l0[%d] = %v; want the initialisation U(±%.3g) (the forget bias goes into bias_ih only)", k, bhh[k], bound)
		}
	}

	B, T := 4, 20
	if _, err := m.Forward(nn.RealInput(B, T, 2, randomReal(newRNG(12), B*T*2, 0.01))); err != nil {
		t.Fatal(err)
	}
	sum := 0.0
	for b := range B {
		_, f, _, _ := m.Gates(b)
		sum += mat.Sum(f)
	}
	mean, want := sum/float64(B*T*H), nn.Sigmoid(fb)
	if math.Abs(mean-want) > 0.01 {
		t.Errorf("mean forget gate with ForgetBias %v = %.4f; want about σ(%v) = %.4f", fb, mean, fb, want)
	}
}

// cellGradNorms returns CellGradNorms after a pass with the loss at the last
// step only, for a model with the given forget bias.
func cellGradNorms(t *testing.T, forgetBias float64) []float64 {
	t.Helper()
	m, err := New(Config{Vocab: 17, Embed: 8, Hidden: 16, ForgetBias: forgetBias}, newRNG(6))
	if err != nil {
		t.Fatal(err)
	}
	B, T := 8, 40
	out, err := m.Forward(nn.TokenInput(B, T, randomTokens(newRNG(7), B*T, 17)))
	if err != nil {
		t.Fatal(err)
	}
	if m.StepGradNorms() != nil || m.CellGradNorms() != nil {
		t.Error("gradient norms are not nil after a Forward without Backward")
	}
	dl := mat.NewDense(B*T, 17, nil)
	nn.CrossEntropy(out, lastRows(B, T), randomTokens(newRNG(8), B, 17), dl)
	m.Backward(dl)
	if g := m.StepGradNorms(); len(g) != T {
		t.Fatalf("StepGradNorms has %d entries; want %d", len(g), T)
	}
	g := m.CellGradNorms()
	if len(g) != T {
		t.Fatalf("CellGradNorms has %d entries; want %d", len(g), T)
	}
	return g
}

// TestCellGradientCarousel: with the loss at the last step only, the
// gradient reaching the first cell state is far larger when the forget gates
// start near 1 (bias 5) than near ½ (bias 0): the constant error carousel.
func TestCellGradientCarousel(t *testing.T) {
	g0, g5 := cellGradNorms(t, 0), cellGradNorms(t, 5)
	T := len(g0)
	if !(g5[0] > 100*g0[0]) {
		t.Errorf("‖∂L/∂c₀‖ = %.3g with forget bias 5, %.3g with bias 0; want the first 100× larger", g5[0], g0[0])
	}
	if !(g5[0] > 0.1*g5[T-1]) {
		t.Errorf("with forget bias 5, ‖∂L/∂c₀‖ = %.3g, ‖∂L/∂c_T-1‖ = %.3g; want the carousel to keep it within 10×", g5[0], g5[T-1])
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
		{Config{Features: -2, Hidden: 4, Outputs: 1}, "negative"},
		{Config{Vocab: 5, Embed: 3, Hidden: 1 << 30}, "at most"},
		{Config{Vocab: 5, Embed: 3, Hidden: 50000}, "GiB"},
		{Config{Vocab: -1, Hidden: 4}, "negative"},
		{Config{Vocab: 5, Embed: 3, Hidden: 4, ForgetBias: math.NaN()}, "ForgetBias is NaN"},
		{Config{Vocab: 5, Embed: 3, Hidden: 4, ForgetBias: math.Inf(1)}, "ForgetBias is +Inf"},
	} {
		_, err := New(tc.cfg, newRNG(1))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%+v) error = %v; want it to mention %q", tc.cfg, err, tc.want)
		}
	}
	for _, cfg := range []Config{Tiny(), Standard(17), {Features: 2, Hidden: 4, Outputs: 1}} {
		if err := cfg.Validate(); err != nil {
			t.Errorf("%+v.Validate() = %v; want nil", cfg, err)
		}
	}
	if Tiny().ForgetBias != 1 || Standard(17).ForgetBias != 1 {
		t.Errorf("presets' ForgetBias = %v, %v; want 1", Tiny().ForgetBias, Standard(17).ForgetBias)
	}
}

func TestInputErrors(t *testing.T) {
	m, _ := New(Config{Vocab: 5, Embed: 3, Hidden: 4}, newRNG(1))
	for _, tc := range []struct {
		in   nn.Input
		want string
	}{
		{nn.TokenInput(1, 3, []int{0, 5, 1}), "outside the vocabulary"},
		{nn.TokenInput(1, 2, []int{0, -1}), "outside the vocabulary"},
		{nn.TokenInput(2, 3, []int{0, 1, 1}), "want B·T"},
		{nn.RealInput(1, 1, 2, []float64{1, 2}), "Tokens is nil"},
		{nn.TokenInput(0, 3, nil), "must be positive"},
	} {
		if _, err := m.Forward(tc.in); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Forward(B=%d, T=%d) error = %v; want it to mention %q", tc.in.B, tc.in.T, err, tc.want)
		}
	}
	big, _ := New(Config{Vocab: 5, Embed: 3, Hidden: 512}, newRNG(1))
	if _, err := big.Forward(nn.TokenInput(1000, 200, make([]int, 200000))); err == nil || !strings.Contains(err.Error(), "GiB of activations") {
		t.Errorf("Forward of 1000×200 steps with H=512: error = %v; want it to mention the activations' GiB", err)
	}
	s := m.NewState(2)
	if _, err := m.Step(s, nn.TokenInput(1, 1, []int{0})); err == nil {
		t.Error("Step with a batch of 1 on a state of 2 succeeded")
	}
	if _, err := m.Step(s, nn.TokenInput(2, 1, []int{0, 9})); err == nil || !strings.Contains(err.Error(), "outside the vocabulary") {
		t.Errorf("Step with token 9 of 5 error = %v; want it to mention the vocabulary", err)
	}

	mr, _ := New(Config{Features: 2, Hidden: 4, Outputs: 1}, newRNG(1))
	for _, tc := range []struct {
		in   nn.Input
		want string
	}{
		{nn.RealInput(1, 2, 3, make([]float64, 6)), "this model wants 2"},
		{nn.RealInput(1, 2, 2, make([]float64, 3)), "want B·T·F"},
		{nn.TokenInput(1, 1, []int{0}), "X is nil"},
	} {
		if _, err := mr.Forward(tc.in); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Forward(%+v) error = %v; want it to mention %q", tc.in, err, tc.want)
		}
	}
}

func TestBackwardBeforeForwardPanics(t *testing.T) {
	m, _ := New(Tiny(), newRNG(1))
	defer func() {
		r := recover()
		if r == nil {
			t.Error("Backward before Forward did not panic")
		} else if _, ok := r.(*nn.ShapeError); !ok {
			t.Errorf("Backward before Forward panicked with %T %v; want *nn.ShapeError", r, r)
		}
	}()
	m.Backward(mat.NewDense(1, 17, nil))
}
