package transformer

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/seqlab/seqlab/models/internal/modeltest"
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

func small() Config { return Config{Vocab: 6, D: 8, Heads: 2, Layers: 2, FF: 12, MaxT: 10} }

// TestAttentionGradients checks attendBackward against finite differences of
// attend, with and without the causal mask and with Tq < Tk.
func TestAttentionGradients(t *testing.T) {
	for _, tc := range []struct {
		name   string
		tq, tk int
		offset int
		dk, dv int
	}{
		{"causal", 5, 5, 0, 3, 4}, {"full", 4, 6, -1, 3, 2}, {"causal-offset", 3, 5, 2, 2, 3},
		// Longer than causalBlock: several blocks of queries and of keys.
		{"causal-blocks", 70, 70, 0, 3, 2}, {"causal-offset-blocks", 40, 75, 35, 2, 2},
		{"full-long", 40, 45, -1, 2, 2}, {"keys-no-query-sees", 33, 70, 0, 2, 2},
	} {
		rng := newRNG(1)
		mk := func(r, c int) *nn.Param {
			p := nn.NewParam("x", r, c)
			p.Normal(rng, 1)
			return p
		}
		q, k, v := mk(tc.tq, tc.dk), mk(tc.tk, tc.dk), mk(tc.tk, tc.dv)
		q.Name, k.Name, v.Name = "q", "k", "v"
		w := randomReal(rng, tc.tq*tc.dv)
		p := make([]float64, tc.tq*tc.tk)
		o := make([]float64, tc.tq*tc.dv)
		dp := make([]float64, tc.tq*tc.tk)
		res := nn.CheckGradients(func() float64 {
			nn.ZeroGrad([]*nn.Param{q, k, v})
			P := nn.View(p, tc.tq, tc.tk, tc.tk)
			O := nn.View(o, tc.tq, tc.dv, tc.dv)
			attend(nn.Raw(q.Value), nn.Raw(k.Value), nn.Raw(v.Value), P, O, tc.offset)
			loss := 0.0
			for i, x := range o {
				loss += w[i] * x
			}
			attendBackward(nn.Raw(q.Value), nn.Raw(k.Value), nn.Raw(v.Value), P, nn.View(w, tc.tq, tc.dv, tc.dv),
				nn.Raw(q.Grad), nn.Raw(k.Grad), nn.Raw(v.Grad), nn.View(dp, tc.tq, tc.tk, tc.tk), tc.offset)
			return loss
		}, []*nn.Param{q, k, v}, nn.GradCheckConfig{MaxPerParam: -1})
		if e := res.MaxRelErr(); e > 1e-6 {
			t.Errorf("%s: max relative error %.3g:\n%v", tc.name, e, res)
		}
	}
}

// TestAttentionByHand: one query over three keys, computed by hand.
func TestAttentionByHand(t *testing.T) {
	q := mat.NewDense(1, 2, []float64{1, 0})
	k := mat.NewDense(3, 2, []float64{1, 0, 0, 1, -1, 0})
	v := mat.NewDense(3, 1, []float64{10, 20, 30})
	out, w := Attention(q, k, v, false)
	s := 1 / math.Sqrt(2) // scores: 1/√2, 0, −1/√2
	e := []float64{math.Exp(s), 1, math.Exp(-s)}
	z := e[0] + e[1] + e[2]
	for j := range 3 {
		if got := w.At(0, j); math.Abs(got-e[j]/z) > 1e-15 {
			t.Errorf("weight %d = %v; want %v", j, got, e[j]/z)
		}
	}
	if got, want := out.At(0, 0), (10*e[0]+20*e[1]+30*e[2])/z; math.Abs(got-want) > 1e-12 {
		t.Errorf("out = %v; want %v", got, want)
	}
	// Causal: the first of three queries sees only the first key.
	_, w = Attention(mat.NewDense(3, 2, nil), k, v, true)
	if w.At(0, 0) != 1 || w.At(0, 1) != 0 || math.Abs(w.At(1, 0)-0.5) > 1e-15 || w.At(1, 2) != 0 {
		t.Errorf("causal weights of equal scores:\n%v", mat.Formatted(w))
	}
}

func TestGradients(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		B, T int
	}{
		{"tokens", small(), 2, 5},
		{"tokens-long", Config{Vocab: 5, D: 4, Heads: 2, Layers: 1, FF: 6, MaxT: 40}, 1, 40},
		{"real", Config{Features: 3, D: 6, Heads: 3, Layers: 1, FF: 5, MaxT: 8, Outputs: 1}, 2, 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rng := newRNG(2)
			m, err := New(tc.cfg, rng)
			if err != nil {
				t.Fatal(err)
			}
			// Move LayerNorm parameters away from 1 and 0 so their gradients are tested in general.
			for _, p := range m.Params() {
				if strings.Contains(p.Name, "norm") || strings.HasPrefix(p.Name, "ln.") || strings.HasSuffix(p.Name, "_bias") || strings.HasSuffix(p.Name, "proj.bias") {
					p.Normal(rng, 0.5)
				}
			}
			var in nn.Input
			if tc.cfg.Vocab > 0 {
				in = nn.TokenInput(tc.B, tc.T, randomTokens(rng, tc.B*tc.T, tc.cfg.Vocab))
			} else {
				in = nn.RealInput(tc.B, tc.T, tc.cfg.Features, randomReal(rng, tc.B*tc.T*tc.cfg.Features))
			}
			n := tc.B * tc.T
			outputs := m.Outputs
			targets := randomTokens(rng, n, outputs)
			values := randomReal(rng, n)
			dl := mat.NewDense(n, outputs, nil)
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
					l = nn.MSE(out, nil, values, dl)
				}
				m.Backward(dl)
				return l
			}
			res := nn.CheckGradients(loss, m.Params(), nn.GradCheckConfig{MaxPerParam: 40})
			if e := res.MaxRelErr(); e > 1e-6 {
				t.Errorf("max relative gradient error %.3g > 1e-6:\n%v", e, res)
			}
		})
	}
}

// TestStepMatchesForward: streaming with the KV cache gives Forward's logits.
func TestStepMatchesForward(t *testing.T) {
	for _, cfg := range []Config{small(), {Features: 2, D: 6, Heads: 2, Layers: 3, FF: 7, MaxT: 12, Outputs: 3}} {
		rng := newRNG(3)
		m, err := New(cfg, rng)
		if err != nil {
			t.Fatal(err)
		}
		B, T := 3, 7
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
		for tt := range T {
			step := nn.Input{B: B, T: 1, F: in.F}
			if in.Tokens != nil {
				for b := range B {
					step.Tokens = append(step.Tokens, in.Tokens[b*T+tt])
				}
			} else {
				for b := range B {
					step.X = append(step.X, in.X[(b*T+tt)*in.F:(b*T+tt+1)*in.F]...)
				}
			}
			got, err := m.Step(s, step)
			if err != nil {
				t.Fatal(err)
			}
			for b := range B {
				for j := range m.Outputs {
					if d := math.Abs(got.At(b, j) - want.At(b*T+tt, j)); d > 1e-12 {
						t.Fatalf("Step at t=%d, b=%d, out %d = %v; Forward gave %v", tt, b, j, got.At(b, j), want.At(b*T+tt, j))
					}
				}
			}
			if want := 2 * m.Layers * (tt + 1) * B * m.D * 8; s.Bytes() != want {
				t.Errorf("cache holds %d bytes after %d steps; want %d", s.Bytes(), tt+1, want)
			}
		}
	}
}

func TestContextLimit(t *testing.T) {
	m, _ := New(small(), newRNG(1))
	_, err := m.Forward(nn.TokenInput(1, 11, make([]int, 11)))
	if err == nil || !strings.Contains(err.Error(), "longer than this model's maximum MaxT=10") {
		t.Errorf("Forward with T > MaxT: err = %v", err)
	}
	s := m.NewState(1)
	for i := range 10 {
		if _, err := m.Step(s, nn.TokenInput(1, 1, []int{i % 6})); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
	}
	if _, err := m.Step(s, nn.TokenInput(1, 1, []int{0})); err == nil || !strings.Contains(err.Error(), "context is full") {
		t.Errorf("step past MaxT: err = %v", err)
	}
	s.Reset()
	if _, err := m.Step(s, nn.TokenInput(1, 1, []int{0})); err != nil || s.Bytes() != 2*2*8*8 {
		t.Errorf("after Reset: err %v, %d bytes", err, s.Bytes())
	}
}

func TestStepAllocatesNothingAfterWarmUp(t *testing.T) {
	m, _ := New(Config{Vocab: 16, D: 64, Heads: 4, Layers: 2, FF: 256, MaxT: 64}, newRNG(4))
	s := m.NewState(1)
	in := nn.TokenInput(1, 1, []int{3})
	for range 64 { // fill the cache once so that it has its capacity
		m.Step(s, in)
	}
	allocs := testing.AllocsPerRun(5, func() {
		s.Reset()
		for range 64 {
			m.Step(s, in)
		}
	})
	if allocs != 0 {
		t.Errorf("64 steps after Reset allocate %v times; want 0", allocs)
	}
}

func TestAttentionWeights(t *testing.T) {
	m, _ := New(small(), newRNG(5))
	T := 6
	if _, err := m.Forward(nn.TokenInput(2, T, randomTokens(newRNG(6), 2*T, 6))); err != nil {
		t.Fatal(err)
	}
	for l := range m.Layers {
		for h := range m.Heads {
			w := m.AttentionWeights(l, h, 1)
			for i := range T {
				sum := 0.0
				for j := range T {
					if j > i && w.At(i, j) != 0 {
						t.Fatalf("layer %d head %d: position %d attends to the future position %d", l, h, i, j)
					}
					sum += w.At(i, j)
				}
				if math.Abs(sum-1) > 1e-12 {
					t.Fatalf("layer %d head %d row %d sums to %v", l, h, i, sum)
				}
			}
		}
	}
	if got, want := m.AttentionBytes(), 8*2*2*2*T*T; got != want {
		t.Errorf("AttentionBytes = %d; want %d", got, want)
	}
}

func TestForwardReusesBuffers(t *testing.T) {
	m, _ := New(small(), newRNG(3))
	in := nn.TokenInput(2, 8, randomTokens(newRNG(4), 16, 6))
	out, _ := m.Forward(in)
	dl := mat.NewDense(16, 6, nil)
	nn.CrossEntropy(out, nil, randomTokens(newRNG(5), 16, 6), dl)
	if allocs := testing.AllocsPerRun(10, func() {
		m.Forward(in)
		m.Backward(dl)
	}); allocs != 0 {
		t.Errorf("Forward+Backward allocate %v times per call after the first; want 0", allocs)
	}
}

func TestConfigErrors(t *testing.T) {
	ok := small()
	for _, tc := range []struct {
		edit func(*Config)
		want string
	}{
		{func(c *Config) { c.Heads = 3 }, "not a multiple of Heads=3"},
		{func(c *Config) { c.D = 0 }, "is 0"},
		{func(c *Config) { c.Layers = -2 }, "Layers is -2"},
		{func(c *Config) { c.MaxT = 0 }, "MaxT is 0"},
		{func(c *Config) { c.FF = 1 << 21 }, "at most"},
		{func(c *Config) { c.D, c.Heads, c.FF = 1<<16, 1, 1<<16 }, "GiB"},
		{func(c *Config) { c.Vocab, c.Features = 0, 0 }, "set Vocab"},
	} {
		cfg := ok
		tc.edit(&cfg)
		if _, err := New(cfg, newRNG(1)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("New(%+v) error = %v; want it to mention %q", cfg, err, tc.want)
		}
	}
}

func TestInputErrors(t *testing.T) {
	m, _ := New(small(), newRNG(1))
	for _, tc := range []struct {
		in   nn.Input
		want string
	}{
		{nn.TokenInput(1, 3, []int{0, 6, 1}), "outside the vocabulary"},
		{nn.RealInput(1, 1, 2, []float64{1, 2}), "Tokens is nil"},
		{nn.TokenInput(1, 0, nil), "must be positive"},
	} {
		if _, err := m.Forward(tc.in); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Forward(%+v) error = %v; want it to mention %q", tc.in, err, tc.want)
		}
	}
	if _, err := m.Step(m.NewState(2), nn.TokenInput(1, 1, []int{0})); err == nil {
		t.Error("Step with a batch of 1 on a state of 2 succeeded")
	}
}

func TestBackwardBeforeForwardPanics(t *testing.T) {
	m, _ := New(small(), newRNG(1))
	defer func() {
		if _, ok := recover().(*nn.ShapeError); !ok {
			t.Error("Backward before Forward did not panic with a *nn.ShapeError")
		}
	}()
	m.Backward(mat.NewDense(1, 6, nil))
}

func TestParamNames(t *testing.T) {
	m, _ := New(small(), newRNG(1))
	want := []string{"emb.weight", "pos.weight",
		"enc.layers.0.self_attn.in_proj_weight", "enc.layers.0.self_attn.in_proj_bias",
		"enc.layers.0.self_attn.out_proj.weight", "enc.layers.0.self_attn.out_proj.bias",
		"enc.layers.0.linear1.weight", "enc.layers.0.linear1.bias", "enc.layers.0.linear2.weight", "enc.layers.0.linear2.bias",
		"enc.layers.0.norm1.weight", "enc.layers.0.norm1.bias", "enc.layers.0.norm2.weight", "enc.layers.0.norm2.bias"}
	ps := m.Params()
	for i, w := range want {
		if ps[i].Name != w {
			t.Errorf("param %d is %q; want %q", i, ps[i].Name, w)
		}
	}
	if got := nn.CountParams(ps); got != m.ParamCount() {
		t.Errorf("%d parameters; ParamCount says %d", got, m.ParamCount())
	}
}

// TestSameOnAnyCores: the attention heads, GELU and matrix products are
// spread over the cores, and the logits and every gradient come out bit for
// bit the same whatever the number of cores.
func TestSameOnAnyCores(t *testing.T) {
	modeltest.SameOnAnyCores(t, 5, 64, 11, func() (modeltest.Model, error) {
		return New(Config{Vocab: 11, D: 32, Heads: 4, Layers: 2, FF: 128, MaxT: 64}, newRNG(3))
	}, nil)
}
