//go:build ignore

// gen writes kernel_amd64.s, the AVX2+FMA micro-kernels and packing
// routines (see packers). Run it with
// "go generate" in this directory (see the go:generate line in kernel_amd64.go).
//
// Each kernel kern{R}x{N} computes R×N tiles of C (R×8 for R = 1..6, and
// 2×16 and 1×32 for the last rows of A), a row of np tiles per call:
//
//	acc[r][j] = Σ_p a[6p+r]·B(p, j)   (one FMA chain per element, p ascending, from +0)
//	c[r·ldc+j] = alpha·acc                     if beta == 0 (c is not read)
//	c[r·ldc+j] = fma(alpha, acc, beta·c)       otherwise
//
// a is a packed panel (6 values per step of p, whatever R is). B is N/8
// groups of 8 columns, group g starting bps·g elements after b, each with a
// row stride of ldb elements (a packed B panel has ldb = 8, bps = 8·k; B read
// in place has ldb = its leading dimension, bps = 8). c has row stride ldc.
// The accumulators are Y0..Y(R·N/4-1), followed by the row of B (R > 1; with
// one row, the FMAs read B from memory); Y14/Y15 hold broadcasts of a.
package main

import (
	"bytes"
	"fmt"
	"log"
	"os"
)

var out bytes.Buffer

func p(format string, args ...any) { fmt.Fprintf(&out, "\t"+format+"\n", args...) }
func label(l string)               { fmt.Fprintf(&out, "%s:\n", l) }

// cRow is the address of row r of the C tile: DI, DI+R9, DI+2·R9, R10 = DI+3·R9, ...
func cRow(r, off int) string {
	o := ""
	if off != 0 {
		o = fmt.Sprint(off)
	}
	switch r {
	case 0:
		return o + "(DI)"
	case 1:
		return o + "(DI)(R9*1)"
	case 2:
		return o + "(DI)(R9*2)"
	case 3:
		return o + "(R10)"
	case 4:
		return o + "(R10)(R9*1)"
	default:
		return o + "(R10)(R9*2)"
	}
}

// bAddr is the address of 32·h bytes into column group g of the current row
// of b: group g starts g·R11 bytes after BX (R12 = BX + 3·R11).
func bAddr(g, h int) string {
	o := ""
	if h != 0 {
		o = "32"
	}
	return o + [...]string{"(BX)", "(BX)(R11*1)", "(BX)(R11*2)", "(R12)"}[g]
}

// acc is the accumulator of row r, column group g, half h.
func acc(groups, r, g, h int) int { return (r*groups+g)*2 + h }

// step emits one step of p: rows broadcasts of a, and 2·rows·groups FMAs with
// the row of b (loaded into registers after the accumulators, or, for one
// row, used as memory operands).
func step(rows, groups, aoff int) {
	breg := 2 * rows * groups
	if rows > 1 {
		for g := 0; g < groups; g++ {
			for h := 0; h < 2; h++ {
				p("VMOVUPD %s, Y%d", bAddr(g, h), breg+2*g+h)
			}
		}
	}
	for r := 0; r < rows; r++ {
		t := 14 + r%2
		p("VBROADCASTSD %d(AX), Y%d", aoff+8*r, t)
		for g := 0; g < groups; g++ {
			for h := 0; h < 2; h++ {
				src := bAddr(g, h)
				if rows > 1 {
					src = fmt.Sprintf("Y%d", breg+2*g+h)
				}
				p("VFMADD231PD %s, Y%d, Y%d", src, t, acc(groups, r, g, h))
			}
		}
	}
	p("ADDQ R8, BX")
	if groups > 3 {
		p("ADDQ R8, R12")
	}
}

// kernel emits kern{rows}x{8·groups}(np, k, a, b, ldb, bps, c, ldc, alpha,
// beta): np tiles side by side, all from the same A panel a, tile t using the
// column groups t·groups.. of B (group g at b + g·bps) and the columns
// 8·groups·t.. of c.
func kernel(rows, groups int) {
	if 2*rows*groups+2*groups*min(1, rows-1) > 14 {
		log.Fatalf("%d×%d: too many registers", rows, 8*groups)
	}
	name := fmt.Sprintf("kern%dx%d", rows, 8*groups)
	fmt.Fprintf(&out, "// func %s(np int, k int, a *float64, b *float64, ldb int, bps int, c *float64, ldc int, alpha float64, beta float64)\n", name)
	fmt.Fprintf(&out, "TEXT ·%s(SB), NOSPLIT, $0-80\n", name)
	p("MOVQ ldb+32(FP), R8")
	p("SHLQ $3, R8")
	p("MOVQ bps+40(FP), R11")
	p("SHLQ $3, R11")
	p("MOVQ c+48(FP), DI")
	p("MOVQ ldc+56(FP), R9")
	p("SHLQ $3, R9")
	p("LEAQ (R9)(R9*2), R10")
	p("ADDQ DI, R10")
	label(name + "_tile")
	p("MOVQ k+8(FP), CX")
	p("MOVQ a+16(FP), AX")
	p("MOVQ b+24(FP), BX")
	if groups > 3 {
		p("LEAQ (R11)(R11*2), R12")
		p("ADDQ BX, R12")
	}
	for r := 0; r < rows; r++ {
		for g := 0; g < groups; g++ {
			p("PREFETCHT0 %s", cRow(r, 64*g))
			p("PREFETCHT0 %s", cRow(r, 64*g+56))
		}
	}
	for i := 0; i < 2*rows*groups; i++ {
		p("VXORPD Y%d, Y%d, Y%d", i, i, i)
	}
	p("MOVQ CX, DX")
	p("ANDQ $3, DX")
	p("SHRQ $2, CX")
	p("JEQ %s_tail", name)
	label(name + "_loop4")
	for u := 0; u < 4; u++ {
		step(rows, groups, 48*u)
	}
	p("ADDQ $192, AX")
	p("DECQ CX")
	p("JNE %s_loop4", name)
	label(name + "_tail")
	p("TESTQ DX, DX")
	p("JEQ %s_store", name)
	label(name + "_loop1")
	step(rows, groups, 0)
	p("ADDQ $48, AX")
	p("DECQ DX")
	p("JNE %s_loop1", name)
	label(name + "_store")
	p("VBROADCASTSD alpha+64(FP), Y12")
	p("MOVQ beta+72(FP), R13")
	p("SHLQ $1, R13") // drop the sign: ±0 both mean "do not read C"
	p("JEQ %s_beta0", name)
	p("VBROADCASTSD beta+72(FP), Y13")
	for r := 0; r < rows; r++ {
		for g := 0; g < groups; g++ {
			for h := 0; h < 2; h++ {
				addr := cRow(r, 64*g+32*h)
				p("VMULPD %s, Y13, Y14", addr)
				p("VFMADD231PD Y12, Y%d, Y14", acc(groups, r, g, h))
				p("VMOVUPD Y14, %s", addr)
			}
		}
	}
	p("JMP %s_next", name)
	label(name + "_beta0")
	for i := 0; i < 2*rows*groups; i++ {
		p("VMULPD Y12, Y%d, Y%d", i, i)
	}
	for r := 0; r < rows; r++ {
		for g := 0; g < groups; g++ {
			for h := 0; h < 2; h++ {
				p("VMOVUPD Y%d, %s", acc(groups, r, g, h), cRow(r, 64*g+32*h))
			}
		}
	}
	label(name + "_next")
	// Next tile: groups·bps further in b, 8·groups columns further in c.
	for g := 0; g < groups; g++ {
		p("ADDQ R11, b+24(FP)")
	}
	p("ADDQ $%d, DI", 64*groups)
	p("ADDQ $%d, R10", 64*groups)
	p("DECQ np+0(FP)")
	p("JNE %s_tile", name)
	p("VZEROUPPER")
	p("RET")
	out.WriteString("\n")
}

// packers emits the packing routines. Each copies steps of p from src, whose
// rows are ld elements apart, to dst: k steps for packN*, 4·k for packT*:
//
//	packN8: dst[8p+j] = src[p·ld+j]   (j < 8; op(B) not transposed)
//	packN6: dst[6p+j] = src[p·ld+j]   (j < 6; op(A) transposed)
//	packT8: dst[8p+t] = src[t·ld+p]   (t < 8; op(B) transposed)
//	packT6: dst[6p+t] = src[t·ld+p]   (t < 6; op(A) not transposed)
func packers() {
	header := func(name string) {
		fmt.Fprintf(&out, "// func %s(k int, src *float64, ld int, dst *float64)\n", name)
		fmt.Fprintf(&out, "TEXT ·%s(SB), NOSPLIT, $0-32\n", name)
		p("MOVQ k+0(FP), CX")
		p("MOVQ src+8(FP), SI")
		p("MOVQ ld+16(FP), R9")
		p("SHLQ $3, R9")
		p("MOVQ dst+24(FP), DI")
		p("TESTQ CX, CX")
		p("JEQ %s_done", name)
		label(name + "_loop")
	}
	footer := func(name string) {
		p("DECQ CX")
		p("JNE %s_loop", name)
		label(name + "_done")
		p("VZEROUPPER")
		p("RET")
		out.WriteString("\n")
	}

	header("packN8")
	p("VMOVUPD (SI), Y0")
	p("VMOVUPD 32(SI), Y1")
	p("VMOVUPD Y0, (DI)")
	p("VMOVUPD Y1, 32(DI)")
	p("ADDQ R9, SI")
	p("ADDQ $64, DI")
	footer("packN8")

	header("packN6")
	p("VMOVUPD (SI), Y0")
	p("VMOVUPD 32(SI), X1")
	p("VMOVUPD Y0, (DI)")
	p("VMOVUPD X1, 32(DI)")
	p("ADDQ R9, SI")
	p("ADDQ $48, DI")
	footer("packN6")

	// Rows t of src: SI + t·R9, with R10 = SI + 3·R9 and R11 = SI + 6·R9.
	row := [...]string{"(SI)", "(SI)(R9*1)", "(SI)(R9*2)", "(R10)", "(SI)(R9*4)", "(R10)(R9*2)", "(R11)", "(R10)(R9*4)"}
	// transpose4 turns 4 rows × 4 steps of p in Y0..Y3 into 4 steps × 4
	// rows in Y0..Y3 (Y4..Y7 scratch).
	transpose4 := func() {
		p("VUNPCKLPD Y1, Y0, Y4")
		p("VUNPCKHPD Y1, Y0, Y5")
		p("VUNPCKLPD Y3, Y2, Y6")
		p("VUNPCKHPD Y3, Y2, Y7")
		p("VPERM2F128 $0x20, Y6, Y4, Y0")
		p("VPERM2F128 $0x20, Y7, Y5, Y1")
		p("VPERM2F128 $0x31, Y6, Y4, Y2")
		p("VPERM2F128 $0x31, Y7, Y5, Y3")
	}
	for _, w := range []int{8, 6} {
		name := fmt.Sprintf("packT%d", w)
		header(name)
		// header's loop label comes before these, so set up R10/R11 from SI
		// each time round (SI advances by 32 bytes, 4 steps of p).
		p("LEAQ (R9)(R9*2), R10")
		p("ADDQ SI, R10")
		if w == 8 {
			p("LEAQ (R10)(R9*2), R11")
			p("ADDQ R9, R11")
		}
		for g := 0; g < w/4; g++ {
			for t := 0; t < 4; t++ {
				p("VMOVUPD %s, Y%d", row[4*g+t], t)
			}
			transpose4()
			for q := 0; q < 4; q++ {
				p("VMOVUPD Y%d, %d(DI)", q, 8*w*q+32*g)
			}
		}
		if w == 6 {
			p("VMOVUPD %s, Y8", row[4])
			p("VMOVUPD %s, Y9", row[5])
			p("VUNPCKLPD Y9, Y8, Y10")
			p("VUNPCKHPD Y9, Y8, Y11")
			p("VEXTRACTF128 $1, Y10, X12")
			p("VEXTRACTF128 $1, Y11, X13")
			p("VMOVUPD X10, 32(DI)")
			p("VMOVUPD X11, 80(DI)")
			p("VMOVUPD X12, 128(DI)")
			p("VMOVUPD X13, 176(DI)")
		}
		p("ADDQ $32, SI")
		p("ADDQ $%d, DI", 4*8*w)
		footer(name)
	}
}

func main() {
	out.WriteString("// Code generated by gen.go; DO NOT EDIT.\n\n")
	out.WriteString("//go:build amd64 && !purego\n\n")
	out.WriteString("#include \"textflag.h\"\n\n")
	for rows := 6; rows >= 1; rows-- {
		kernel(rows, 1)
	}
	kernel(2, 2)
	kernel(1, 4)
	packers()
	if err := os.WriteFile("kernel_amd64.s", out.Bytes(), 0o644); err != nil {
		log.Fatal(err)
	}
}
