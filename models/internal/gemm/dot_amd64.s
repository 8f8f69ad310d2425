//go:build amd64 && !purego

#include "textflag.h"

// func dot4(k int, x *float64, b *float64, ldb int, out *float64)
//
// out[r] = Σ_p x[p]·b[r·ldb+p] for r = 0..3, in the order of dotGo: four
// lanes s_l = fma(x[p], b[p], s_l) over p ≡ l (mod 4), p < k&^3, combined
// as (s0+s2)+(s1+s3), then the remaining p added by fma in order.
TEXT ·dot4(SB), NOSPLIT, $0-40
	MOVQ k+0(FP), CX
	MOVQ x+8(FP), SI
	MOVQ b+16(FP), DI
	MOVQ ldb+24(FP), R8
	SHLQ $3, R8
	LEAQ (DI)(R8*1), R9
	LEAQ (DI)(R8*2), R10
	LEAQ (R9)(R8*2), R11
	MOVQ out+32(FP), R12
	VXORPD Y0, Y0, Y0
	VXORPD Y1, Y1, Y1
	VXORPD Y2, Y2, Y2
	VXORPD Y3, Y3, Y3
	XORQ AX, AX
	MOVQ CX, DX
	SHRQ $2, DX
	JZ   reduce

loop:
	VMOVUPD     (SI)(AX*1), Y4
	VFMADD231PD (DI)(AX*1), Y4, Y0
	VFMADD231PD (R9)(AX*1), Y4, Y1
	VFMADD231PD (R10)(AX*1), Y4, Y2
	VFMADD231PD (R11)(AX*1), Y4, Y3
	ADDQ        $32, AX
	DECQ        DX
	JNZ         loop

reduce:
	// [s0 s1 s2 s3] → [s0+s2, s1+s3] → (s0+s2)+(s1+s3)
	VEXTRACTF128 $1, Y0, X4
	VADDPD       X4, X0, X0
	VHADDPD      X0, X0, X0
	VEXTRACTF128 $1, Y1, X4
	VADDPD       X4, X1, X1
	VHADDPD      X1, X1, X1
	VEXTRACTF128 $1, Y2, X4
	VADDPD       X4, X2, X2
	VHADDPD      X2, X2, X2
	VEXTRACTF128 $1, Y3, X4
	VADDPD       X4, X3, X3
	VHADDPD      X3, X3, X3
	ANDQ         $3, CX
	JZ           done

tail:
	VMOVSD      (SI)(AX*1), X4
	VFMADD231SD (DI)(AX*1), X4, X0
	VFMADD231SD (R9)(AX*1), X4, X1
	VFMADD231SD (R10)(AX*1), X4, X2
	VFMADD231SD (R11)(AX*1), X4, X3
	ADDQ        $8, AX
	DECQ        CX
	JNZ         tail

done:
	VMOVSD X0, (R12)
	VMOVSD X1, 8(R12)
	VMOVSD X2, 16(R12)
	VMOVSD X3, 24(R12)
	VZEROUPPER
	RET
