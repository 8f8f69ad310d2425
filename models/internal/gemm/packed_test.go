package gemm

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestPacked checks that DgemmPacked returns bit for bit what Dgemm returns
// with the B that was packed, for every transpose, shapes with one and
// several blocks of k, partial panels, and the few-row products that Dgemm
// would read B in place for; one PackedB is reused across all of them.
func TestPacked(t *testing.T) {
	bothKernels(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(21, 22))
		var pb PackedB
		count := 0
		for _, s := range [][3]int{{1, 128, 128}, {5, 33, 7}, {6, 64, 64}, {16, 128, 128}, {32, 128, 512}, {13, 600, 45}, {40, 257, 9}, {3, 1, 1}} {
			m, k, n := s[0], s[1], s[2]
			for tr := 0; tr < 4; tr++ {
				p := newProblem(rng, tr&1 != 0, tr&2 != 0, m, n, k, alphas[count%3], betas[count/3%3], count%2)
				want := p.run(0)
				pb.Pack(p.tB, k, n, p.b, p.ldb)
				if gk, gn := pb.Dims(); gk != k || gn != n {
					t.Fatalf("%v: Dims() = %d, %d", p, gk, gn)
				}
				got := append([]float64(nil), p.c0...)
				DgemmPacked(p.tA, m, p.alpha, p.a, p.lda, &pb, p.beta, got, p.ldc)
				sameBits(t, got, want, p.String())
				count++
			}
		}
	})
}

// TestRowSplit checks the property that lets a model split a product by
// rows over goroutines at any row: the rows of C computed in two calls, cut
// anywhere, are bit for bit those of one call.
func TestRowSplit(t *testing.T) {
	bothKernels(t, func(t *testing.T) {
		rng := rand.New(rand.NewPCG(23, 24))
		for _, s := range [][3]int{{32, 128, 128}, {17, 300, 20}} {
			m, k, n := s[0], s[1], s[2]
			for tr := 0; tr < 4; tr++ {
				p := newProblem(rng, tr&1 != 0, tr&2 != 0, m, n, k, 0.5, 0.3, 1)
				want := p.run(0)
				for cut := 1; cut < m; cut++ {
					got := append([]float64(nil), p.c0...)
					aoff := cut * p.lda
					if p.tA {
						aoff = cut
					}
					Dgemm(p.tA, p.tB, cut, n, k, p.alpha, p.a, p.lda, p.b, p.ldb, p.beta, got, p.ldc)
					Dgemm(p.tA, p.tB, m-cut, n, k, p.alpha, p.a[aoff:], p.lda, p.b, p.ldb, p.beta, got[cut*p.ldc:], p.ldc)
					sameBits(t, got, want, fmt.Sprintf("%v cut at row %d", p, cut))
				}
			}
		}
	})
}

func sameBits(t *testing.T, got, want []float64, what string) {
	t.Helper()
	for i := range want {
		if math.Float64bits(got[i]) != math.Float64bits(want[i]) {
			t.Fatalf("%s: element %d is %v, want %v", what, i, got[i], want[i])
		}
	}
}

func TestPackedBadArgs(t *testing.T) {
	s := make([]float64, 12)
	var pb PackedB
	for _, c := range []struct {
		want string
		f    func()
	}{
		{"insufficient length of b", func() { pb.Pack(false, 3, 4, s[:11], 4) }},
		{"bad leading dimension of B", func() { pb.Pack(true, 3, 4, s, 2) }},
		{"insufficient length of a", func() { pb.Pack(false, 3, 4, s, 4); DgemmPacked(false, 4, 1, s[:11], 3, &pb, 0, s, 4) }},
		{"insufficient length of c", func() { pb.Pack(false, 3, 4, s, 4); DgemmPacked(false, 3, 1, s, 3, &pb, 0, s[:11], 4) }},
	} {
		func() {
			defer func() {
				r := recover()
				if msg, _ := r.(string); !strings.Contains(msg, c.want) {
					t.Errorf("panic %v; want one with %q", r, c.want)
				}
			}()
			c.f()
		}()
	}
}
