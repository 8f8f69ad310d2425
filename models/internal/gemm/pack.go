package gemm

// packA copies rows i0..i0+mb-1, columns p0..p0+kb-1 of op(A) into dst as
// ⌈mb/mr⌉ panels of mr×kb: panel q holds rows i0+mr·q.. and stores element
// (r, p) at dst[q·mr·kb + p·mr + r]. Rows past mb are zero.
func packA(dst []float64, transA bool, a []float64, lda, i0, mb, p0, kb int) {
	for q := 0; q < mb; q += mr {
		rows := min(mr, mb-q)
		d := dst[q*kb : (q+mr)*kb]
		i := i0 + q
		switch {
		case transA && rows == mr:
			// op(A)(i, p) = a[p·lda + i]: a row of the panel is contiguous.
			copyRows6(d, a[p0*lda+i:], lda, kb)
		case transA:
			clear(d)
			off := p0*lda + i
			for p := 0; p < kb; p++ {
				copy(d[p*mr:p*mr+rows], a[off:off+rows])
				off += lda
			}
		case rows == mr:
			// op(A)(i, p) = a[i·lda + p]: transpose 6 rows of A.
			transpose6(d, a[i*lda+p0:], lda, kb)
		default:
			clear(d)
			for r := 0; r < rows; r++ {
				row := a[(i+r)*lda+p0:][:kb]
				for p, x := range row {
					d[p*mr+r] = x
				}
			}
		}
	}
}

// packB copies rows p0..p0+kb-1, columns j0..j0+nb-1 of op(B) into dst as
// ⌈nb/nr⌉ panels of kb×nr: panel q holds columns j0+nr·q.. and stores element
// (p, j) at dst[q·nr·kb + p·nr + j]. Columns past nb are zero.
func packB(dst []float64, transB bool, b []float64, ldb, p0, kb, j0, nb int) {
	for q := 0; q < nb; q += nr {
		cols := min(nr, nb-q)
		d := dst[q*kb : (q+nr)*kb]
		j := j0 + q
		switch {
		case !transB && cols == nr:
			// op(B)(p, j) = b[p·ldb + j]: a row of the panel is contiguous.
			copyRows8(d, b[p0*ldb+j:], ldb, kb)
		case !transB:
			off := p0*ldb + j
			for p := 0; p < kb; p++ {
				dd := d[p*nr : p*nr+nr]
				copy(dd, b[off:off+cols])
				clear(dd[cols:])
				off += ldb
			}
		case cols == nr:
			// op(B)(p, j) = b[j·ldb + p]: transpose 8 rows of B.
			transpose8(d, b[j*ldb+p0:], ldb, kb)
		default:
			clear(d)
			for t := 0; t < cols; t++ {
				row := b[(j+t)*ldb+p0:][:kb]
				for p, x := range row {
					d[p*nr+t] = x
				}
			}
		}
	}
}

// The pure-Go packing loops of full panels; kernel_amd64.go has faster ones.

// copyRows8Go sets d[8p+j] = s[p·ld+j] for p < k, j < 8.
func copyRows8Go(d, s []float64, ld, k int) {
	for p := 0; p < k; p++ {
		*(*[8]float64)(d[8*p:]) = *(*[8]float64)(s[p*ld:])
	}
}

// copyRows6Go sets d[6p+j] = s[p·ld+j] for p < k, j < 6.
func copyRows6Go(d, s []float64, ld, k int) {
	for p := 0; p < k; p++ {
		*(*[6]float64)(d[6*p:]) = *(*[6]float64)(s[p*ld:])
	}
}

// transpose8Go sets d[8p+t] = s[t·ld+p] for p < k, t < 8.
func transpose8Go(d, s []float64, ld, k int) {
	r0, r1, r2, r3 := s[:k], s[ld:][:k], s[2*ld:][:k], s[3*ld:][:k]
	r4, r5, r6, r7 := s[4*ld:][:k], s[5*ld:][:k], s[6*ld:][:k], s[7*ld:][:k]
	for p := range r0 {
		dd := (*[8]float64)(d[8*p:])
		dd[0], dd[1], dd[2], dd[3] = r0[p], r1[p], r2[p], r3[p]
		dd[4], dd[5], dd[6], dd[7] = r4[p], r5[p], r6[p], r7[p]
	}
}

// transpose6Go sets d[6p+t] = s[t·ld+p] for p < k, t < 6.
func transpose6Go(d, s []float64, ld, k int) {
	r0, r1, r2 := s[:k], s[ld:][:k], s[2*ld:][:k]
	r3, r4, r5 := s[3*ld:][:k], s[4*ld:][:k], s[5*ld:][:k]
	for p := range r0 {
		dd := (*[6]float64)(d[6*p:])
		dd[0], dd[1], dd[2], dd[3], dd[4], dd[5] = r0[p], r1[p], r2[p], r3[p], r4[p], r5[p]
	}
}
