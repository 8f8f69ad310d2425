package gemm

import (
	"runtime"
	"unsafe"

	"github.com/seqlab/seqlab/models/internal/par"
)

// Register tile and cache blocking. The kernels compute mr×nr tiles of C from
// an A panel packed mr values per step of k and a B panel of nr columns.
const (
	mr = 6
	nr = 8

	// kcMax bounds the depth of a block of k: a packed A panel (6×kc) and
	// a B panel (kc×8) then fit in a 32 KiB L1 cache.
	kcMax = 256
	// directMaxM is the largest m for which a non-transposed B is read in
	// place instead of being packed: with so few rows each element of B is
	// used too few times for packing to pay.
	directMaxM = mr
	// minParallelWork is the least m·n·k a goroutine of DgemmParallel gets.
	// At ~30 GFLOP/s that is ~35 µs, against a few µs to start and join a
	// goroutine on an idle core (more on a busy machine).
	minParallelWork = 1 << 19
)

// Cache blocking; variables so that tests can make them small. They change
// no result, only the order in which tiles are computed.
var (
	// aBlockBytes is the size aimed at for a packed block of A (mc×kc),
	// which the L3 cache holds while the blocks of B go past it.
	aBlockBytes = 1 << 20
	// bBlockBytes is the size aimed at for a packed block of B (kc×nc),
	// which the L2 cache holds while the panels of A go past it.
	bBlockBytes = 256 << 10
)

// KBlock returns the length of the blocks the inner dimension k is cut into
// (the last block may be shorter): k itself up to 256, else the blocks are
// balanced, at most 256 long. The rounding of a result depends on this
// partition, which depends on k alone.
func KBlock(k int) int {
	if k <= kcMax {
		return k
	}
	nb := (k + kcMax - 1) / kcMax
	return (k + nb - 1) / nb
}

// Kernel names the micro-kernel this process uses: "avx2+fma" (the assembly,
// on amd64 CPUs with AVX2 and FMA, unless built with -tags purego) or "go".
func Kernel() string {
	if useAsm {
		return "avx2+fma"
	}
	return "go"
}

// Dgemm computes C = alpha·op(A)·op(B) + beta·C on the calling goroutine,
// where op(A) is m×k, op(B) is k×n and C is m×n, all row-major: element (i, j)
// of C is c[i*ldc+j], and op(A) is A (element (i, p) at a[i*lda+p]) or, if
// transA, Aᵀ (element (i, p) at a[p*lda+i]); likewise op(B) with transB.
// It panics on negative dimensions, leading dimensions smaller than the row
// length they step over, and slices too short for the dimensions.
// With beta == 0, C need not be initialized (NaN or Inf in it is overwritten).
func Dgemm(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	check(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
	if trivial(m, n, k, alpha, beta, c, ldc) {
		return
	}
	ws := workspaces.Get()
	ws.gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
	workspaces.Put(ws)
}

// DgemmParallel is Dgemm on up to workers goroutines (workers <= 0 means
// runtime.GOMAXPROCS(0)), the calling one included. C is split into blocks of
// whole tiles, by rows (or by columns when it is wider than tall), each worth
// at least 2¹⁹ (about 80³) multiply-adds, so that products too small for a
// second goroutine to pay run serially. The result is bit-for-bit that of
// Dgemm, whatever the number of workers.
func DgemmParallel(workers int, transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	check(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
	if trivial(m, n, k, alpha, beta, c, ldc) {
		return
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	if work := float64(m) * float64(n) * float64(k); work < float64(workers)*minParallelWork {
		workers = max(1, int(work/minParallelWork))
	}
	// Split the longer side of C into whole tiles.
	byRows := m >= n
	size, unit := n, nr
	if byRows {
		size, unit = m, mr
	}
	tiles := (size + unit - 1) / unit
	workers = min(workers, tiles)
	if workers <= 1 {
		ws := workspaces.Get()
		ws.gemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		workspaces.Put(ws)
		return
	}
	t := tasks.Get()
	*t = task{transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda, b: b, ldb: ldb, beta: beta, c: c, ldc: ldc,
		byRows: byRows, size: size, chunk: (tiles + workers - 1) / workers * unit}
	par.For(workers, (size+t.chunk-1)/t.chunk, t)
	*t = task{} // drop the references to the caller's slices
	tasks.Put(t)
}

// task is a DgemmParallel call, cut into strips of chunk rows (byRows) or
// columns of C, one per item of par.For.
type task struct {
	transA, transB bool
	m, n, k        int
	alpha, beta    float64
	a, b, c        []float64
	lda, ldb, ldc  int
	byRows         bool
	size, chunk    int
}

var tasks par.FreeList[task]

// Range computes strips lo … hi−1.
func (t *task) Range(_, lo, hi int) {
	ws := workspaces.Get()
	defer workspaces.Put(ws)
	for s := lo; s < hi; s++ {
		from, to := s*t.chunk, min((s+1)*t.chunk, t.size)
		if t.byRows {
			ao := from * t.lda
			if t.transA {
				ao = from
			}
			ws.gemm(t.transA, t.transB, to-from, t.n, t.k, t.alpha, t.a[ao:], t.lda, t.b, t.ldb, t.beta, t.c[from*t.ldc:], t.ldc)
		} else {
			bo := from
			if t.transB {
				bo = from * t.ldb
			}
			ws.gemm(t.transA, t.transB, t.m, to-from, t.k, t.alpha, t.a, t.lda, t.b[bo:], t.ldb, t.beta, t.c[from:], t.ldc)
		}
	}
}

// trivial handles the cases where A·B need not be computed: an empty C, or
// alpha == 0 or k == 0, where C = beta·C. It reports whether it did.
func trivial(m, n, k int, alpha, beta float64, c []float64, ldc int) bool {
	if m == 0 || n == 0 {
		return true
	}
	if alpha != 0 && k != 0 {
		return false
	}
	if beta == 1 {
		return true
	}
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
		} else {
			for j := range row {
				row[j] *= beta
			}
		}
	}
	return true
}

// workspace holds the packing buffers of one goroutine.
type workspace struct {
	abuf, bbuf []float64
}

// workspaces keeps the packing buffers between calls (a free list, not a
// sync.Pool, which would drop them at every garbage collection).
var workspaces par.FreeList[workspace]

// grow returns a slice of n elements of buf's storage whose first element is
// 64-byte aligned, reallocating buf when it is too small.
func grow(buf *[]float64, n int) []float64 {
	if cap(*buf) < n+8 {
		*buf = make([]float64, n+8+n/4)
	}
	s := (*buf)[:cap(*buf)]
	off := int((64 - uintptr(unsafe.Pointer(&s[0]))%64) % 64 / 8)
	return s[off : off+n]
}

// blockSize returns the size of the blocks that cut n into pieces of at
// most about target, balanced, in multiples of unit.
func blockSize(n, target, unit int) int {
	target = max(unit, target/unit*unit)
	if target >= n {
		return n
	}
	nblk := (n + target - 1) / target
	return ((n+nblk-1)/nblk + unit - 1) / unit * unit
}

// gemm is the blocked product on one goroutine; the arguments are checked and
// the trivial cases handled.
//
// Loops, outermost first: blocks of mc rows of C (A block packed, in L3),
// blocks of kc of k, blocks of nc columns of C (B block packed, in L2), then
// 6-row panels of A (in L1), and last a row of tiles along the panels of B,
// which one kernel call computes, so that C is written row-wise.
func (ws *workspace) gemm(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, beta float64, c []float64, ldc int) {
	ws.gemmB(transA, transB, m, n, k, alpha, a, lda, b, ldb, nil, beta, c, ldc)
}

// gemmB is gemm with, when pb is not nil, op(B) taken already packed from
// pb (b, ldb and transB are then unused): the same panels, so the same
// results.
func (ws *workspace) gemmB(transA, transB bool, m, n, k int, alpha float64, a []float64, lda int, b []float64, ldb int, pb *PackedB, beta float64, c []float64, ldc int) {
	kc := KBlock(k)
	mc := blockSize(m, aBlockBytes/(8*kc), mr)
	direct := pb == nil && !transB && m <= directMaxM
	bBytes := bBlockBytes
	if m <= mr {
		// Each element of B is used once: pack it in blocks that stay in L1
		// until the kernel reads them.
		bBytes = min(bBytes, 32<<10)
	}
	nc := blockSize(n, bBytes/(8*kc), nr)

	var edge [mr * nr]float64 // scratch tile for column edges
	for i0 := 0; i0 < m; i0 += mc {
		mb := min(mc, m-i0)
		for p0 := 0; p0 < k; p0 += kc {
			kb := min(kc, k-p0)
			bet := beta
			if p0 > 0 {
				bet = 1
			}
			ap := grow(&ws.abuf, (mb+mr-1)/mr*mr*kb)
			packA(ap, transA, a, lda, i0, mb, p0, kb)
			for j0 := 0; j0 < n; j0 += nc {
				nb := min(nc, n-j0)
				nfull := nb / nr * nr // columns in whole panels
				// The whole panels of the B block (bfull: row stride ldbp,
				// panels bps apart) and the partial one (bedge).
				var bfull, bedge []float64
				ldbp, bps := nr, nr*kb
				if pb != nil {
					bfull = pb.data[p0*pb.npad+j0*kb:]
					bedge = bfull[nfull*kb:]
				} else if direct {
					if nfull > 0 {
						bfull, ldbp, bps = b[p0*ldb+j0:], ldb, nr
					}
					if nfull < nb {
						bedge = grow(&ws.bbuf, nr*kb)
						packB(bedge, false, b, ldb, p0, kb, j0+nfull, nb-nfull)
					}
				} else {
					bfull = grow(&ws.bbuf, (nb+nr-1)/nr*nr*kb)
					packB(bfull, transB, b, ldb, p0, kb, j0, nb)
					bedge = bfull[nfull*kb:]
				}
				for ir := 0; ir < mb; ir += mr {
					rows := min(mr, mb-ir)
					apan := ap[ir*kb:]
					ct := c[(i0+ir)*ldc+j0:]
					jr := 0
					// One or two rows left: 1×32 or 2×16 tiles, as a 1×8 or
					// 2×8 one has too few accumulators to hide the FMA latency.
					if rows <= 2 {
						groups := 8 / (2 * rows)
						if np := nfull / (nr * groups); np > 0 {
							kernels(rows, groups, np, kb, apan, bfull, ldbp, bps, ct, ldc, alpha, bet)
							jr = np * groups * nr
						}
					}
					if np := (nfull - jr) / nr; np > 0 {
						kernels(rows, 1, np, kb, apan, bfull[jr/nr*bps:], ldbp, bps, ct[jr:], ldc, alpha, bet)
					}
					if nfull < nb {
						kernels(rows, 1, 1, kb, apan, bedge, nr, 0, edge[:], nr, 1, 0)
						storeEdge(rows, nb-nfull, edge[:], ct[nfull:], ldc, alpha, bet)
					}
				}
			}
		}
	}
}

// storeEdge adds the rows×cols tile t (row stride nr, scaled by neither
// alpha nor beta) into c as the kernels do.
func storeEdge(rows, cols int, t, c []float64, ldc int, alpha, beta float64) {
	fused := useAsm || fallbackFMA
	for r := 0; r < rows; r++ {
		tr := t[r*nr : r*nr+cols]
		cr := c[r*ldc : r*ldc+cols]
		for j, x := range tr {
			switch {
			case beta == 0:
				cr[j] = alpha * x
			case fused:
				cr[j] = fma(alpha, x, beta*cr[j])
			default:
				cr[j] = mulAdd(alpha, x, beta*cr[j])
			}
		}
	}
}
