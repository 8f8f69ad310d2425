package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
	"testing/quick"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
)

// problem is one Dgemm call: its arguments and a copy of C before it.
type problem struct {
	tA, tB        bool
	m, n, k       int
	alpha, beta   float64
	a, b, c, c0   []float64
	lda, ldb, ldc int
}

// sentinel fills the padding of C (columns n..ldc-1), which Dgemm must not touch.
const sentinel = 12345.5

// newProblem makes a problem with entries uniform in [-1, 1), leading
// dimensions pad wider than needed, and C full of NaN when beta == 0.
func newProblem(rng *rand.Rand, tA, tB bool, m, n, k int, alpha, beta float64, pad int) *problem {
	p := &problem{tA: tA, tB: tB, m: m, n: n, k: k, alpha: alpha, beta: beta}
	aRows, aCols := m, k
	if tA {
		aRows, aCols = k, m
	}
	bRows, bCols := k, n
	if tB {
		bRows, bCols = n, k
	}
	p.lda, p.ldb, p.ldc = max(1, aCols)+pad, max(1, bCols)+pad, max(1, n)+pad
	fill := func(rows, ld int) []float64 {
		s := make([]float64, rows*ld)
		for i := range s {
			s[i] = 2*rng.Float64() - 1
		}
		return s
	}
	p.a, p.b, p.c = fill(aRows, p.lda), fill(bRows, p.ldb), fill(m, p.ldc)
	for i := 0; i < m; i++ {
		for j := 0; j < p.ldc; j++ {
			switch {
			case j >= n:
				p.c[i*p.ldc+j] = sentinel
			case beta == 0:
				p.c[i*p.ldc+j] = math.NaN()
			}
		}
	}
	p.c0 = append([]float64(nil), p.c...)
	return p
}

func (p *problem) opA(i, l int) float64 {
	if p.tA {
		return p.a[l*p.lda+i]
	}
	return p.a[i*p.lda+l]
}

func (p *problem) opB(l, j int) float64 {
	if p.tB {
		return p.b[j*p.ldb+l]
	}
	return p.b[l*p.ldb+j]
}

// run calls Dgemm (workers == 0) or DgemmParallel on a fresh copy of C.
func (p *problem) run(workers int) []float64 {
	c := append([]float64(nil), p.c0...)
	if workers == 0 {
		Dgemm(p.tA, p.tB, p.m, p.n, p.k, p.alpha, p.a, p.lda, p.b, p.ldb, p.beta, c, p.ldc)
	} else {
		DgemmParallel(workers, p.tA, p.tB, p.m, p.n, p.k, p.alpha, p.a, p.lda, p.b, p.ldb, p.beta, c, p.ldc)
	}
	return c
}

func (p *problem) String() string {
	return fmt.Sprintf("m=%d n=%d k=%d tA=%t tB=%t alpha=%g beta=%g lda=%d ldb=%d ldc=%d",
		p.m, p.n, p.k, p.tA, p.tB, p.alpha, p.beta, p.lda, p.ldb, p.ldc)
}

// naive returns element (i, j) of alpha·op(A)·op(B) + beta·C by the textbook
// loop, and a bound on its magnitude for the relative error:
// |alpha|·Σ|a·b| + |beta·c|.
func (p *problem) naive(i, j int) (v, scale float64) {
	var s, abs float64
	for l := 0; l < p.k; l++ {
		x := p.opA(i, l) * p.opB(l, j)
		s += x
		abs += math.Abs(x)
	}
	v, scale = p.alpha*s, math.Abs(p.alpha)*abs
	if p.beta != 0 {
		v += p.beta * p.c0[i*p.ldc+j]
		scale += math.Abs(p.beta * p.c0[i*p.ldc+j])
	}
	return v, scale
}

// exact returns element (i, j) as the package documents it is computed:
// blocks of KBlock(k), each an FMA chain from zero added as
// fma(alpha, sum, beta·c). (Without hardware FMA the pure-Go kernel rounds
// products and sums separately, and so does this.)
func (p *problem) exact(i, j int) float64 {
	fused := useAsm || fallbackFMA
	madd := func(x, y, z float64) float64 {
		if fused {
			return math.FMA(x, y, z) // a direct call, so that it is the instruction
		}
		return mulAdd(x, y, z)
	}
	c := p.c0[i*p.ldc+j]
	if p.alpha == 0 || p.k == 0 {
		if p.beta == 0 {
			return 0
		}
		return p.beta * c
	}
	kc := KBlock(p.k)
	for l0 := 0; l0 < p.k; l0 += kc {
		var s float64
		for l := l0; l < min(l0+kc, p.k); l++ {
			s = madd(p.opA(i, l), p.opB(l, j), s)
		}
		switch {
		case l0 > 0:
			c = madd(p.alpha, s, c)
		case p.beta == 0:
			c = p.alpha * s
		default:
			c = madd(p.alpha, s, p.beta*c)
		}
	}
	return c
}

// verify checks c (the result of p) against the naive loop (relative error at
// most 1e-13), the documented operation sequence (bit for bit), and that the
// padding of C is untouched. On large problems it checks every column of the
// first and last 8 rows and of one row in 23, to keep the tests fast.
func (p *problem) verify(t *testing.T, c []float64, what string) {
	t.Helper()
	bad := 0
	all := p.m*p.n*p.k <= 1<<21
	for i := 0; i < p.m; i++ {
		if !all && i >= 8 && i < p.m-8 && i*7919%23 != 0 {
			continue
		}
		for j := 0; j < p.ldc; j++ {
			got := c[i*p.ldc+j]
			if j >= p.n {
				if got != sentinel {
					t.Errorf("%s %v: padding c[%d,%d] changed to %g", what, p, i, j, got)
					bad++
				}
				continue
			}
			want, scale := p.naive(i, j)
			if math.IsNaN(got) || math.Abs(got-want) > 1e-13*scale+1e-300 {
				t.Errorf("%s %v: c[%d,%d] = %.17g, naive %.17g (rel. err %.2g)", what, p, i, j, got, want, math.Abs(got-want)/scale)
				bad++
			} else if ex := p.exact(i, j); math.Float64bits(got) != math.Float64bits(ex) {
				t.Errorf("%s %v: c[%d,%d] = %.17g, not bit-identical to the documented sequence %.17g", what, p, i, j, got, ex)
				bad++
			}
			if bad > 5 {
				t.Fatalf("%s: too many errors", what)
			}
		}
	}
}

// bothKernels runs f once per available kernel: the assembly one (when the CPU has
// it) and the pure-Go one.
func bothKernels(t *testing.T, f func(t *testing.T)) {
	saved := useAsm
	defer func() { useAsm = saved }()
	if saved {
		t.Run("asm", f)
	} else {
		t.Logf("no assembly kernel in this build or on this CPU (Kernel() = %q)", Kernel())
	}
	useAsm = false
	t.Run("go", f)
}

var (
	alphas = []float64{1, 0.5, -2}
	betas  = []float64{0, 1, 0.3}
	// seqlabShapes are (m, k, n) of the products seqlab's models make, and
	// benchmark cubes.
	seqlabShapes = [][3]int{
		{32, 128, 512}, {2048, 32, 512}, {2048, 64, 192}, {32, 128, 128},
		{1, 128, 512}, {2048, 256, 64}, {64, 64, 64}, {128, 128, 128},
	}
)

func TestSmallShapes(t *testing.T) {
	bothKernels(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(1, 2))
		count := 0
		for m := 1; m <= 17; m++ {
			for n := 1; n <= 17; n++ {
				for k := 1; k <= 17; k++ {
					for tr := 0; tr < 4; tr++ {
						alpha := alphas[count%3]
						beta := betas[(count/3)%3]
						pad := (count / 9) % 3
						p := newProblem(rng, tr&1 != 0, tr&2 != 0, m, n, k, alpha, beta, pad)
						p.verify(t, p.run(0), "Dgemm")
						count++
					}
				}
			}
		}
		t.Logf("%d products", count)
	})
}

// TestNarrow covers the last one or two rows of A (the 1×32 and 2×16
// kernels, B read in place) against every width up to 80.
func TestNarrow(t *testing.T) {
	bothKernels(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(14, 15))
		count := 0
		for _, m := range []int{1, 2, 7, 8, 13} {
			for n := 1; n <= 80; n++ {
				for _, k := range []int{1, 5, 16} {
					for tr := 0; tr < 4; tr++ {
						p := newProblem(rng, tr&1 != 0, tr&2 != 0, m, n, k, alphas[count%3], betas[count/3%3], count%2)
						p.verify(t, p.run(0), "Dgemm")
						count++
					}
				}
			}
		}
		t.Logf("%d products", count)
	})
}

func TestSeqlabShapes(t *testing.T) {
	bothKernels(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(3, 4))
		count := 0
		for si, s := range seqlabShapes {
			m, k, n := s[0], s[1], s[2]
			for tr := 0; tr < 4; tr++ {
				// All nine (alpha, beta) pairs on the small shapes, one
				// (cycling) on the large ones.
				for ab := 0; ab < 9; ab++ {
					if m*n*k > 1<<20 && ab != (2*tr+si)%9 {
						continue
					}
					pad := ab % 2 * 3
					p := newProblem(rng, tr&1 != 0, tr&2 != 0, m, n, k, alphas[ab%3], betas[ab/3], pad)
					p.verify(t, p.run(0), "Dgemm")
					count++
				}
			}
		}
		t.Logf("%d products", count)
	})
}

// TestBlocking covers k cut into several blocks, and A and B in several cache
// blocks (with block sizes made small), against the same references.
func TestBlocking(t *testing.T) {
	savedA, savedB := aBlockBytes, bBlockBytes
	defer func() { aBlockBytes, bBlockBytes = savedA, savedB }()
	bothKernels(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(5, 6))
		shapes := [][3]int{{37, 257, 29}, {20, 300, 41}, {7, 512, 33}, {61, 600, 17}, {3, 513, 70}}
		for _, blocks := range [][2]int{{savedA, savedB}, {8 * 6 * 40, 8 * 8 * 40}, {1, 1}} {
			aBlockBytes, bBlockBytes = blocks[0], blocks[1]
			for i, s := range shapes {
				for tr := 0; tr < 4; tr++ {
					p := newProblem(rng, tr&1 != 0, tr&2 != 0, s[0], s[2], s[1], alphas[(i+tr)%3], betas[(i+2*tr)%3], tr%2)
					p.verify(t, p.run(0), fmt.Sprintf("blocks %v", blocks))
				}
			}
		}
	})
}

// TestDeterminism checks that repeated calls, Dgemm and DgemmParallel with any
// number of workers, and both kernels where they share the FMA sequence,
// return bit-identical results.
func TestDeterminism(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	shapes := append([][3]int{{300, 257, 45}, {13, 70, 500}, {97, 33, 97}}, seqlabShapes...)
	saved := useAsm
	defer func() { useAsm = saved }()
	for _, s := range shapes {
		for tr := 0; tr < 4; tr++ {
			p := newProblem(rng, tr&1 != 0, tr&2 != 0, s[0], s[2], s[1], 0.5, 0.3, 1)
			ref := p.run(0)
			same := func(c []float64, what string) {
				t.Helper()
				for i := range c {
					if math.Float64bits(c[i]) != math.Float64bits(ref[i]) {
						t.Fatalf("%v: %s differs from the first Dgemm at %d: %v vs %v", p, what, i, c[i], ref[i])
					}
				}
			}
			same(p.run(0), "second Dgemm")
			for _, w := range []int{1, 2, 3, 4, 7} {
				same(p.run(w), fmt.Sprintf("DgemmParallel(%d)", w))
			}
			if saved && fallbackFMA {
				useAsm = false
				same(p.run(0), "pure-Go kernel")
				same(p.run(2), "pure-Go kernel, 2 workers")
				useAsm = saved
			}
		}
	}
}

// TestParallel checks DgemmParallel against the references, on problems large
// enough to be split.
func TestParallel(t *testing.T) {
	bothKernels(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(9, 10))
		for i, s := range [][3]int{{200, 64, 70}, {50, 100, 300}, {65, 65, 65}} {
			for tr := 0; tr < 4; tr++ {
				p := newProblem(rng, tr&1 != 0, tr&2 != 0, s[0], s[2], s[1], alphas[i], betas[tr%3], tr)
				p.verify(t, p.run(3), "DgemmParallel(3)")
			}
		}
	})
}

// TestQuick runs random small problems through testing/quick.
func TestQuick(t *testing.T) {
	bothKernels(t, func(t *testing.T) {
		f := func(seed uint64, dims [3]uint8, flags uint8, workers uint8) bool {
			rng := rand.New(rand.NewPCG(seed, 11))
			m, n, k := int(dims[0]%40), int(dims[1]%40), int(dims[2]%40)
			alpha := []float64{1, 0.5, -2, 0}[flags>>2&3]
			beta := betas[int(flags>>4)%3]
			p := newProblem(rng, flags&1 != 0, flags&2 != 0, m, n, k, alpha, beta, int(flags>>6))
			c := p.run(int(workers % 4))
			p.verify(t, c, "quick")
			return !t.Failed()
		}
		if err := quick.Check(f, &quick.Config{MaxCount: 300}); err != nil {
			t.Error(err)
		}
	})
}

// TestGonum compares with gonum's blas64.Gemm.
func TestGonum(t *testing.T) {
	bothKernels(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(12, 13))
		for i, s := range append([][3]int{{17, 9, 13}, {5, 300, 3}}, seqlabShapes...) {
			for tr := 0; tr < 4; tr++ {
				p := newProblem(rng, tr&1 != 0, tr&2 != 0, s[0], s[2], s[1], alphas[(i+tr)%3], 0.3, 2)
				got := p.run(2)
				want := append([]float64(nil), p.c0...)
				ta, tb := blas.NoTrans, blas.NoTrans
				aRows, aCols, bRows, bCols := p.m, p.k, p.k, p.n
				if p.tA {
					ta, aRows, aCols = blas.Trans, p.k, p.m
				}
				if p.tB {
					tb, bRows, bCols = blas.Trans, p.n, p.k
				}
				blas64.Gemm(ta, tb, p.alpha,
					blas64.General{Rows: aRows, Cols: aCols, Stride: p.lda, Data: p.a},
					blas64.General{Rows: bRows, Cols: bCols, Stride: p.ldb, Data: p.b},
					p.beta, blas64.General{Rows: p.m, Cols: p.n, Stride: p.ldc, Data: want})
				for e := range got {
					if d := math.Abs(got[e] - want[e]); d > 1e-12*(1+math.Abs(want[e])) {
						t.Fatalf("%v: element %d = %v, gonum %v", p, e, got[e], want[e])
					}
				}
			}
		}
	})
}

// TestSpecialValues: beta == 0 ignores NaN in C (checked by every test above,
// whose C is NaN when beta is 0); alpha == 0 or k == 0 does not read A and B;
// NaN in A propagates otherwise.
func TestSpecialValues(t *testing.T) {
	bothKernels(t, func(t *testing.T) {
		nan := math.NaN()
		a := []float64{nan, nan, nan, nan}
		b := []float64{1, 2, 3, 4}
		for _, beta := range []float64{0, 2} {
			c := []float64{nan, 1, 1, 1}
			Dgemm(false, false, 2, 2, 2, 0, a, 2, b, 2, beta, c, 2)
			if beta == 0 && (c[0] != 0 || c[3] != 0) || beta == 2 && (!math.IsNaN(c[0]) || c[1] != 2) {
				t.Errorf("alpha = 0, beta = %g: c = %v", beta, c)
			}
			c = []float64{nan, 1, 1, 1}
			Dgemm(false, false, 2, 2, 0, 1, a[:1], 1, nil, 2, beta, c, 2)
			if beta == 0 && (c[0] != 0 || c[3] != 0) || beta == 2 && c[3] != 2 {
				t.Errorf("k = 0, beta = %g: c = %v", beta, c)
			}
		}
		c := []float64{0, 0, 0, 0}
		Dgemm(false, false, 2, 2, 2, 1, []float64{1, nan, 1, 1}, 2, b, 2, 0, c, 2)
		if !math.IsNaN(c[0]) || !math.IsNaN(c[1]) || c[2] != 4 || c[3] != 6 {
			t.Errorf("NaN in A: c = %v", c)
		}
		c = []float64{-0.0}
		Dgemm(false, false, 1, 1, 1, 1, []float64{-1}, 1, []float64{0}, 1, 0, c, 1)
		if c[0] != 0 || math.Signbit(c[0]) {
			t.Errorf("-1·0 from a +0 accumulator: got %v, want +0", c[0])
		}
	})
}

func TestPanics(t *testing.T) {
	s := make([]float64, 100)
	cases := []struct {
		want string
		f    func()
	}{
		{"m = -1 < 0", func() { Dgemm(false, false, -1, 2, 2, 1, s, 2, s, 2, 0, s, 2) }},
		{"n = -1 < 0", func() { Dgemm(false, false, 2, -1, 2, 1, s, 2, s, 2, 0, s, 2) }},
		{"k = -1 < 0", func() { Dgemm(false, false, 2, 2, -1, 1, s, 2, s, 2, 0, s, 2) }},
		{"leading dimension of A: lda = 2", func() { Dgemm(false, false, 2, 2, 3, 1, s, 2, s, 2, 0, s, 2) }},
		{"leading dimension of A: lda = 2", func() { Dgemm(true, false, 3, 2, 2, 1, s, 2, s, 2, 0, s, 2) }},
		{"leading dimension of B: ldb = 2", func() { Dgemm(false, false, 2, 3, 2, 1, s, 2, s, 2, 0, s, 3) }},
		{"leading dimension of B: ldb = 2", func() { Dgemm(false, true, 2, 2, 3, 1, s, 3, s, 2, 0, s, 2) }},
		{"leading dimension of C: ldc = 1", func() { Dgemm(false, false, 2, 2, 2, 1, s, 2, s, 2, 0, s, 1) }},
		{"leading dimension of A: lda = 0", func() { Dgemm(false, false, 0, 0, 0, 1, s, 0, s, 1, 0, s, 1) }},
		{"insufficient length of a", func() { Dgemm(false, false, 4, 2, 3, 1, s[:11], 3, s, 2, 0, s, 2) }},
		{"insufficient length of a", func() { Dgemm(true, false, 4, 2, 3, 1, s[:11], 4, s, 2, 0, s, 2) }},
		{"insufficient length of b", func() { Dgemm(false, false, 2, 4, 3, 1, s, 3, s[:11], 4, 0, s, 4) }},
		{"insufficient length of b", func() { Dgemm(false, true, 2, 4, 3, 1, s, 3, s[:11], 3, 0, s, 4) }},
		{"insufficient length of c", func() { Dgemm(false, false, 3, 3, 1, 1, s, 1, s, 3, 0, s[:8], 3) }},
		{"insufficient length of c", func() { DgemmParallel(2, false, false, 3, 3, 1, 1, s, 1, s, 3, 0, s[:8], 3) }},
	}
	for _, tc := range cases {
		func() {
			defer func() {
				r := recover()
				if msg, _ := r.(string); !strings.Contains(msg, tc.want) {
					t.Errorf("panic %q, want one containing %q", r, tc.want)
				}
			}()
			tc.f()
		}()
	}
	// Empty products with short slices are fine, as in BLAS.
	Dgemm(false, false, 0, 5, 5, 1, nil, 5, nil, 5, 0, nil, 5)
	Dgemm(false, false, 5, 0, 5, 1, nil, 5, nil, 1, 0, nil, 1)
}

// TestAllocs: neither Dgemm nor DgemmParallel allocates once its workspaces
// exist, even across garbage collections.
func TestAllocs(t *testing.T) {
	p := newProblem(rand.New(rand.NewPCG(1, 1)), false, true, 300, 45, 300, 1, 0.5, 1)
	c := append([]float64(nil), p.c0...)
	serial := func() { Dgemm(p.tA, p.tB, p.m, p.n, p.k, p.alpha, p.a, p.lda, p.b, p.ldb, p.beta, c, p.ldc) }
	parallel := func() {
		DgemmParallel(2, p.tA, p.tB, p.m, p.n, p.k, p.alpha, p.a, p.lda, p.b, p.ldb, p.beta, c, p.ldc)
	}
	serial()
	parallel()
	runtime.GC()
	if n := testing.AllocsPerRun(20, serial); n > 0 {
		t.Errorf("Dgemm allocates %v times per call", n)
	}
	if n := testing.AllocsPerRun(20, parallel); n > 0 {
		t.Errorf("DgemmParallel allocates %v times per call", n)
	}
}
