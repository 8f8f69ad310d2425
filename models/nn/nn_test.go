package nn

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/mat"
)

func newRNG(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, seed)) }

func randDense(rng *rand.Rand, r, c int) *mat.Dense {
	m := mat.NewDense(r, c, nil)
	for i, d := 0, m.RawMatrix().Data; i < len(d); i++ {
		d[i] = rng.NormFloat64()
	}
	return m
}

// projection returns a loss L = Σ r ⊙ y with fixed random weights r and
// writes ∂L/∂y = r into dy: a scalar that depends on every output.
func projection(rng *rand.Rand, r, c int) (weights *mat.Dense, loss func(y, dy *mat.Dense) float64) {
	w := randDense(rng, r, c)
	return w, func(y, dy *mat.Dense) float64 {
		dy.Copy(w)
		return mat.Sum(mulElem(w, y))
	}
}

func mulElem(a, b *mat.Dense) *mat.Dense {
	var m mat.Dense
	m.MulElem(a, b)
	return &m
}

// checkLayer runs CheckGradients on params plus an input treated as a
// parameter, so that both ∂L/∂θ and ∂L/∂x are checked.
func checkLayer(t *testing.T, name string, lossAndGrad func() float64, params []*Param) {
	t.Helper()
	res := CheckGradients(lossAndGrad, params, GradCheckConfig{MaxPerParam: -1})
	if e := res.MaxRelErr(); e > 1e-6 || math.IsNaN(e) {
		t.Errorf("%s: max relative gradient error %.3g > 1e-6:\n%v", name, e, res)
	}
}

// inputParam wraps an input matrix as a Param so its gradient can be checked.
func inputParam(x *mat.Dense) *Param {
	r, c := x.Dims()
	return &Param{Name: "x", Shape: []int{r, c}, Value: x, Grad: mat.NewDense(r, c, nil)}
}

func TestLinearGradients(t *testing.T) {
	rng := newRNG(1)
	l := NewLinear("lin", 4, 3, rng)
	x := randDense(rng, 5, 4)
	xp := inputParam(x)
	y, dy := mat.NewDense(5, 3, nil), mat.NewDense(5, 3, nil)
	_, loss := projection(rng, 5, 3)
	checkLayer(t, "Linear", func() float64 {
		ZeroGrad(append(l.Params(), xp))
		l.Forward(y, x)
		v := loss(y, dy)
		l.Backward(xp.Grad, dy)
		return v
	}, append(l.Params(), xp))
}

func TestEmbeddingGradients(t *testing.T) {
	rng := newRNG(2)
	e := NewEmbedding("emb", 6, 3, rng)
	tokens := []int{0, 5, 2, 2, 3}
	y, dy := mat.NewDense(5, 3, nil), mat.NewDense(5, 3, nil)
	_, loss := projection(rng, 5, 3)
	checkLayer(t, "Embedding", func() float64 {
		ZeroGrad(e.Params())
		e.Forward(y, tokens)
		v := loss(y, dy)
		e.Backward(dy)
		return v
	}, e.Params())
	// Row 1 of the table (token 1) is never used: its gradient is zero.
	for j := 0; j < 3; j++ {
		if g := e.Weight.Grad.At(1, j); g != 0 {
			t.Errorf("gradient of an unused token's vector is %v; want 0", g)
		}
	}
}

func TestLayerNormGradients(t *testing.T) {
	rng := newRNG(3)
	ln := NewLayerNorm("ln", 5)
	ln.Weight.Normal(rng, 1) // move γ and β away from 1 and 0
	ln.Bias.Normal(rng, 1)
	x := randDense(rng, 4, 5)
	xp := inputParam(x)
	y, dy := mat.NewDense(4, 5, nil), mat.NewDense(4, 5, nil)
	_, loss := projection(rng, 4, 5)
	checkLayer(t, "LayerNorm", func() float64 {
		ZeroGrad(append(ln.Params(), xp))
		ln.Forward(y, x)
		v := loss(y, dy)
		ln.Backward(xp.Grad, dy)
		return v
	}, append(ln.Params(), xp))
}

func TestLayerNormForward(t *testing.T) {
	ln := NewLayerNorm("ln", 4)
	x := mat.NewDense(1, 4, []float64{1, 2, 3, 4})
	y := mat.NewDense(1, 4, nil)
	ln.Forward(y, x)
	// mean 2.5, biased variance 1.25: (x − 2.5)/√(1.25 + 1e-5)
	for j, xv := range []float64{1, 2, 3, 4} {
		want := (xv - 2.5) / math.Sqrt(1.25+1e-5)
		if got := y.At(0, j); math.Abs(got-want) > 1e-15 {
			t.Errorf("LayerNorm(1 2 3 4)[%d] = %v; want %v", j, got, want)
		}
	}
}

func TestActivationGradients(t *testing.T) {
	for _, tc := range []struct {
		name     string
		forward  func(y, x []float64)
		backward func(dx, dy, x, y []float64)
	}{
		{"tanh", TanhForward, func(dx, dy, x, y []float64) { TanhBackward(dx, dy, y) }},
		{"sigmoid", SigmoidForward, func(dx, dy, x, y []float64) { SigmoidBackward(dx, dy, y) }},
		{"gelu", GELUForward, func(dx, dy, x, y []float64) { GELUBackward(dx, dy, x) }},
	} {
		rng := newRNG(4)
		x := randDense(rng, 3, 4)
		x.Scale(2, x)
		xp := inputParam(x)
		y, dy := mat.NewDense(3, 4, nil), mat.NewDense(3, 4, nil)
		_, loss := projection(rng, 3, 4)
		checkLayer(t, tc.name, func() float64 {
			ZeroGrad([]*Param{xp})
			tc.forward(y.RawMatrix().Data, x.RawMatrix().Data)
			v := loss(y, dy)
			tc.backward(xp.GradData(), dy.RawMatrix().Data, x.RawMatrix().Data, y.RawMatrix().Data)
			return v
		}, []*Param{xp})
	}
}

func TestActivationValues(t *testing.T) {
	for _, tc := range []struct {
		name string
		f    func(float64) float64
		x    float64
		want float64
	}{
		// GELU(x) = x·Φ(x) with Φ(1) = 0.8413447460685429, Φ(−2) = 0.022750131948179195,
		// Φ(0.5) = 0.6914624612740131; PyTorch 1.13's F.gelu in float64 prints the same.
		{"gelu", GELU, 1, 0.8413447460685429},
		{"gelu", GELU, -2, -0.04550026389635842},
		{"gelu", GELU, 0.5, 0.34573123063700656},
		{"sigmoid", Sigmoid, 0, 0.5},
		{"sigmoid", Sigmoid, -800, 0},
		{"sigmoid", Sigmoid, 800, 1},
		{"sigmoid", Sigmoid, 2, 1 / (1 + math.Exp(-2))},
	} {
		if got := tc.f(tc.x); math.Abs(got-tc.want) > 1e-15 || math.IsNaN(got) {
			t.Errorf("%s(%v) = %v; want %v", tc.name, tc.x, got, tc.want)
		}
	}
}

func TestSoftmaxStable(t *testing.T) {
	got := make([]float64, 3)
	Softmax(got, []float64{1000, 1001, 1002})
	want := []float64{0.09003057317038046, 0.24472847105479764, 0.6652409557748219}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-15 {
			t.Errorf("Softmax(1000 1001 1002) = %v; want %v", got, want)
			break
		}
	}
	if lse := LogSumExp([]float64{-1000, -1000}); math.Abs(lse-(-1000+math.Ln2)) > 1e-12 {
		t.Errorf("LogSumExp(-1000, -1000) = %v; want %v", lse, -1000+math.Ln2)
	}
}

func TestCrossEntropy(t *testing.T) {
	rng := newRNG(5)
	logits := randDense(rng, 6, 4)
	logits.Set(2, 1, 800) // huge logits must not overflow
	rows, targets := []int{1, 2, 5}, []int{3, 1, 0}
	lp := inputParam(logits)
	checkLayer(t, "CrossEntropy", func() float64 {
		ZeroGrad([]*Param{lp})
		return CrossEntropy(logits, rows, targets, lp.Grad)
	}, []*Param{lp})
	// Unselected rows get no gradient.
	for _, r := range []int{0, 3, 4} {
		for j := 0; j < 4; j++ {
			if lp.Grad.At(r, j) != 0 {
				t.Fatalf("row %d was not selected but has gradient %v", r, lp.Grad.At(r, j))
			}
		}
	}
	// Uniform logits over C classes: loss ln C.
	u := mat.NewDense(2, 5, nil)
	if got := CrossEntropy(u, nil, []int{0, 4}, nil); math.Abs(got-math.Log(5)) > 1e-15 {
		t.Errorf("CrossEntropy(uniform) = %v; want ln 5 = %v", got, math.Log(5))
	}
}

func TestMSE(t *testing.T) {
	out := mat.NewDense(3, 1, []float64{1, 2, 3})
	dout := mat.NewDense(3, 1, nil)
	if got := MSE(out, []int{0, 2}, []float64{0, 5}, dout); got != 2.5 {
		t.Errorf("MSE = %v; want (1 + 4)/2 = 2.5", got)
	}
	if !mat.Equal(dout, mat.NewDense(3, 1, []float64{1, 0, -2})) {
		t.Errorf("∂MSE = %v; want [1 0 -2]", mat.Formatted(dout.T()))
	}
	op := inputParam(out)
	checkLayer(t, "MSE", func() float64 {
		ZeroGrad([]*Param{op})
		return MSE(out, nil, []float64{0.5, 1, -1}, op.Grad)
	}, []*Param{op})
}

// TestAdam checks two steps against the update rule written out by hand.
func TestAdam(t *testing.T) {
	p := NewParam("w", 2)
	copy(p.Data(), []float64{1, -1})
	a := NewAdam([]*Param{p}, AdamConfig{LR: 0.1})
	g1, g2 := []float64{0.5, -2}, []float64{-1, 0.25}
	m, v := make([]float64, 2), make([]float64, 2)
	want := []float64{1, -1}
	for step, g := range [][]float64{g1, g2} {
		copy(p.GradData(), g)
		a.Step()
		n := float64(step + 1)
		for i := range want {
			m[i] = 0.9*m[i] + 0.1*g[i]
			v[i] = 0.999*v[i] + 0.001*g[i]*g[i]
			mhat, vhat := m[i]/(1-math.Pow(0.9, n)), v[i]/(1-math.Pow(0.999, n))
			want[i] -= 0.1 * mhat / (math.Sqrt(vhat) + 1e-8)
		}
		for i := range want {
			if math.Abs(p.Data()[i]-want[i]) > 1e-14 {
				t.Fatalf("step %d: w = %v; want %v", step+1, p.Data(), want)
			}
		}
	}
	if err := (AdamConfig{LR: math.NaN()}).Validate(); err == nil {
		t.Error("Adam accepted a NaN learning rate")
	}
}

func TestClipGradNorm(t *testing.T) {
	a, b := NewParam("a", 2), NewParam("b", 1)
	copy(a.GradData(), []float64{3, 0})
	copy(b.GradData(), []float64{4})
	if n := ClipGradNorm([]*Param{a, b}, 1); n != 5 {
		t.Errorf("norm before clipping = %v; want 5", n)
	}
	if n := GradNorm([]*Param{a, b}); math.Abs(n-1) > 1e-6 {
		t.Errorf("norm after clipping to 1 = %v", n)
	}
	if n := ClipGradNorm([]*Param{a, b}, 10); math.Abs(n-1) > 1e-6 || math.Abs(GradNorm([]*Param{a, b})-n) > 0 {
		t.Errorf("clipping below the limit changed the gradients")
	}
}

func TestWarmupLR(t *testing.T) {
	for _, tc := range []struct {
		step, warm int
		want       float64
	}{{0, 50, 0.02}, {24, 50, 0.5}, {49, 50, 1}, {100, 50, 1}, {0, 0, 1}} {
		if got := WarmupLR(1, tc.step, tc.warm); math.Abs(got-tc.want) > 1e-15 {
			t.Errorf("WarmupLR(1, %d, %d) = %v; want %v", tc.step, tc.warm, got, tc.want)
		}
	}
}

// TestGradCheckCatchesErrors: the checker must fail a wrong gradient.
func TestGradCheckCatchesErrors(t *testing.T) {
	p := NewParam("w", 3)
	copy(p.Data(), []float64{0.3, -1.2, 2})
	res := CheckGradients(func() float64 {
		w := p.Data()
		copy(p.GradData(), []float64{2 * w[0], 3 * w[1] * w[1], math.Cos(w[2]) * 1.001})
		return w[0]*w[0] + w[1]*w[1]*w[1] + math.Sin(w[2])
	}, []*Param{p}, GradCheckConfig{})
	if res[0].Worst != 2 || res[0].MaxRelErr < 5e-4 || res[0].MaxRelErr > 2e-3 {
		t.Errorf("checker result %+v; want entry 2 flagged with relative error ≈ 1e-3", res[0])
	}
	if got := p.Data(); got[0] != 0.3 || got[1] != -1.2 || got[2] != 2 {
		t.Errorf("checker did not restore the values: %v", got)
	}
}

func TestShapeErrorsPanic(t *testing.T) {
	l := NewLinear("lin", 3, 2, newRNG(1))
	defer func() {
		r := recover()
		if _, ok := r.(*ShapeError); !ok {
			t.Errorf("Linear.Forward with a wrong shape panicked with %v; want a *ShapeError", r)
		}
	}()
	l.Forward(mat.NewDense(2, 2, nil), mat.NewDense(2, 4, nil))
}

func TestTimeMajorRoundTrip(t *testing.T) {
	B, T, C := 3, 4, 2
	src := randDense(newRNG(1), B*T, C)
	tm := mat.NewDense(B*T, C, nil)
	back := mat.NewDense(B*T, C, nil)
	ToTimeMajor(Raw(tm), Raw(src), B, T)
	ToBatchMajor(Raw(back), Raw(tm), B, T)
	if !mat.Equal(src, back) {
		t.Error("ToBatchMajor(ToTimeMajor(x)) != x")
	}
	if tm.At(TimeMajorRow(1*T+2, B, T), 1) != src.At(1*T+2, 1) {
		t.Error("TimeMajorRow does not match ToTimeMajor")
	}
}

// TestGemmSerial compares GemmSerial with Gemm on shapes that span one
// tile and several, with each combination of transposes.
func TestGemmSerial(t *testing.T) {
	rng := newRNG(5)
	for _, sz := range [][3]int{{1, 32, 256}, {70, 130, 400}, {200, 5, 3}, {3, 300, 200}} {
		M, K, N := sz[0], sz[1], sz[2]
		for _, transA := range []bool{false, true} {
			for _, transB := range []bool{false, true} {
				a := mat.NewDense(M, K, randDense(rng, M, K).RawMatrix().Data)
				if transA {
					a = mat.NewDense(K, M, randDense(rng, M, K).RawMatrix().Data)
				}
				b := mat.NewDense(K, N, randDense(rng, K, N).RawMatrix().Data)
				if transB {
					b = mat.NewDense(N, K, randDense(rng, K, N).RawMatrix().Data)
				}
				c := randDense(rng, M, N).RawMatrix().Data
				want := mat.NewDense(M, N, append([]float64(nil), c...))
				got := mat.NewDense(M, N, append([]float64(nil), c...))
				Gemm(transA, transB, 0.7, Raw(a), Raw(b), 0.3, Raw(want))
				GemmSerial(transA, transB, 0.7, Raw(a), Raw(b), 0.3, Raw(got))
				if !mat.EqualApprox(got, want, 1e-12) {
					t.Errorf("GemmSerial(%v, %v) of %d×%d by %d×%d differs from Gemm", transA, transB, M, K, K, N)
				}
			}
		}
	}
}
