package gemm

// PackedB is op(B), a k×n matrix, packed once into the panels the kernels
// read, for many products with it: a recurrent weight matrix, multiplied at
// every step of a sequence, is packed once per sequence instead of once per
// step. A PackedB keeps its storage for the next Pack; it is read-only while
// products use it, so several goroutines may share one.
type PackedB struct {
	k, n int
	npad int       // n rounded up to whole panels of nr columns
	data []float64 // per block of k (KBlock(k) rows): npad/nr panels of kb×nr
}

// Pack packs op(B) (B itself, k×n, or if transB its transpose, B being n×k),
// stored row-major with leading dimension ldb.
func (p *PackedB) Pack(transB bool, k, n int, b []float64, ldb int) {
	checkDims(0, n, k)
	checkLD("B", "transB", transB, k, n, ldb)
	checkLen("b", transB, k, n, b, ldb)
	p.k, p.n = k, n
	p.npad = (n + nr - 1) / nr * nr
	if cap(p.data) < p.npad*k {
		p.data = make([]float64, p.npad*k)
	}
	p.data = p.data[:p.npad*k]
	if n == 0 {
		return
	}
	kc := KBlock(k)
	for p0 := 0; p0 < k; p0 += kc {
		kb := min(kc, k-p0)
		packB(p.data[p0*p.npad:], transB, b, ldb, p0, kb, 0, n)
	}
}

// Dims returns the k×n shape of the packed op(B).
func (p *PackedB) Dims() (k, n int) { return p.k, p.n }

// DgemmPacked is Dgemm with op(B) packed in pb, on the calling goroutine:
// C = alpha·op(A)·op(B) + beta·C, op(A) m×k, C m×n. Its results are bit for
// bit those of Dgemm with the B that was packed.
func DgemmPacked(transA bool, m int, alpha float64, a []float64, lda int, pb *PackedB, beta float64, c []float64, ldc int) {
	k, n := pb.k, pb.n
	checkDims(m, n, k)
	checkLD("A", "transA", transA, m, k, lda)
	checkLDC(n, ldc)
	checkLen("a", transA, m, k, a, lda)
	checkLen("c", false, m, n, c, ldc)
	if trivial(m, n, k, alpha, beta, c, ldc) {
		return
	}
	ws := workspaces.Get()
	ws.gemmB(transA, false, m, n, k, alpha, a, lda, nil, 0, pb, beta, c, ldc)
	workspaces.Put(ws)
}
