//go:build amd64 && !purego

#include "textflag.h"

// AVX2+FMA versions of exp and erf (exp.go, erf.go), 4 float64 per
// iteration. Each performs the same operations, with the same constants and
// tables, as the Go code it mirrors, so that the results are bit-for-bit the
// same; see the comments there for the algorithms.
//
// The VCMPPD predicates: $3 unordered, $0x11 less than, $0x12 less than or
// equal, $0x1e greater than (ordered, non-signaling).

// CONST4 declares sym<> as 4 copies of the float64 with the given bits.
#define CONST4(sym, bits) \
	DATA sym<>+0(SB)/8, bits; \
	DATA sym<>+8(SB)/8, bits; \
	DATA sym<>+16(SB)/8, bits; \
	DATA sym<>+24(SB)/8, bits; \
	GLOBL sym<>(SB), RODATA|NOPTR, $32

CONST4(absMask, $0x7fffffffffffffff)
CONST4(signMask, $0x8000000000000000)
CONST4(posInf, $0x7ff0000000000000)

CONST4(expFast, $0x4086200000000000)      // 708
CONST4(expOver, $0x40862e51eb851eb8)      // 709.79
CONST4(expUnder, $0xc08749999999999a)     // -745.2
CONST4(expInvLn2N, $0x40671547652b82fe)   // 128/ln 2
CONST4(expShift, $0x4338000000000000)     // 1.5·2^52
CONST4(expNegLn2HiN, $0xbf762e42fefa0000) // -expLn2HiN
CONST4(expNegLn2LoN, $0xbd0cf79abc9e3b3a) // -expLn2LoN
CONST4(expIdxMask, $127)
CONST4(expC2, $0x3fe0000000000000)        // 1/2
CONST4(expC3, $0x3fc5555555555555)        // 1/6
CONST4(expC4, $0x3fa5555555555555)        // 1/24
CONST4(expC5, $0x3f81111111111111)        // 1/120

CONST4(erfSmall, $0x3fc0000000000000)  // 0.125
CONST4(erfMax, $0x4018000000000000)    // 6
CONST4(erf128, $0x4060000000000000)    // 128
CONST4(erfInv128, $0x3f80000000000000) // 1/128
CONST4(erfIdxMask, $1023)
CONST4(erfM2d45, $0xbfa6c16c16c16c17)  // -2/45
CONST4(erf2d9, $0x3fcc71c71c71c71c)    // 2/9
CONST4(erfM1d6, $0xbfc5555555555555)   // -1/6
CONST4(erf2d15, $0x3fc1111111111111)   // 2/15
CONST4(erfM2d5, $0xbfd999999999999a)   // -2/5
CONST4(erf1d10, $0x3fb999999999999a)   // 1/10
CONST4(erfM1d3, $0xbfd5555555555555)   // -1/3
CONST4(erf1d2, $0x3fe0000000000000)    // 1/2
CONST4(erf2d3, $0x3fe5555555555555)    // 2/3
CONST4(erfC0Hi, $0x3ff20dd750429b6d)   // 2/√π, high part
CONST4(erfC0Lo, $0x3c71ae3a914fed80)   // 2/√π, low part
CONST4(erfE1, $0xbfd812746b0379e7)
CONST4(erfE2, $0x3fbce2f21a042be2)
CONST4(erfE3, $0xbf9b82ce31288b51)
CONST4(erfE4, $0x3f7565bcd0e6a53f)
CONST4(erfE5, $0xbf4c02db40040b86)
CONST4(erfE6, $0x3f1f9a326f9b89b7)
CONST4(erfE7, $0xbeef4d25c3e0c2eb)

// EXP sets Y5 = e^Y0 as exp computes it, valid for |Y0| ≤ expFast; BX
// holds ·expTable. It clobbers Y1..Y6 and R9..R12.
//
//	Y1 = z = fma(x, N/ln 2, shift); Y2 = kd = z - shift
//	Y3 = r = fma(kd, -hi, x), fma(kd, -lo, r)
//	Y2 = 16·(z & 127) (the offset in expTable); Y1 = z << 45
//	Y5 = tail, Y6 = sbits + (z << 45) = scale: the entries of the 4 lanes,
//	     loaded with the offsets in R9..R12 as 2 rows of a 2×4 matrix,
//	     which VUNPCKLPD/VUNPCKHPD transpose (faster than 2 VGATHERQPD)
//	Y1 = r²; Y2 = p = fma(r, c3, c2); Y4 = q = fma(r, c5, c4)
//	Y5 = t = tail + r; fma(r², p, t); fma(r⁴, q, t)
//	Y5 = fma(scale, t, scale)
#define EXP \
	VMOVUPD     expInvLn2N<>(SB), Y1; \
	VFMADD213PD expShift<>(SB), Y0, Y1; \
	VSUBPD      expShift<>(SB), Y1, Y2; \
	VMOVAPD     Y0, Y3; \
	VFMADD231PD expNegLn2HiN<>(SB), Y2, Y3; \
	VFMADD231PD expNegLn2LoN<>(SB), Y2, Y3; \
	VPAND       expIdxMask<>(SB), Y1, Y2; \
	VPSLLQ      $4, Y2, Y2; \
	VPSLLQ      $45, Y1, Y1; \
	VMOVQ       X2, R9; \
	VPEXTRQ     $1, X2, R10; \
	VEXTRACTI128 $1, Y2, X2; \
	VMOVQ       X2, R11; \
	VPEXTRQ     $1, X2, R12; \
	VMOVUPD     (BX)(R9*1), X5; \
	VMOVUPD     (BX)(R10*1), X6; \
	VINSERTF128 $1, (BX)(R11*1), Y5, Y5; \
	VINSERTF128 $1, (BX)(R12*1), Y6, Y6; \
	VUNPCKHPD   Y6, Y5, Y4; \
	VUNPCKLPD   Y6, Y5, Y5; \
	VPADDQ      Y1, Y4, Y6; \
	VMULPD      Y3, Y3, Y1; \
	VMOVUPD     expC3<>(SB), Y2; \
	VFMADD213PD expC2<>(SB), Y3, Y2; \
	VMOVUPD     expC5<>(SB), Y4; \
	VFMADD213PD expC4<>(SB), Y3, Y4; \
	VADDPD      Y3, Y5, Y5; \
	VFMADD231PD Y2, Y1, Y5; \
	VMULPD      Y1, Y1, Y1; \
	VFMADD231PD Y4, Y1, Y5; \
	VFMADD213PD Y6, Y6, Y5

// EXPSPECIAL handles a group of x (Y0) not all within [-expFast, expFast]
// (Y7 the lanes that are). If every other lane is NaN (result x), above
// expOver (+Inf) or below expUnder (0), it sets Y5 as exp would; otherwise
// it jumps to done, leaving the group to the Go code. It clobbers Y1..Y11.
#define EXPSPECIAL \
	VCMPPD     $0x1e, expOver<>(SB), Y0, Y8; \
	VCMPPD     $0x11, expUnder<>(SB), Y0, Y9; \
	VCMPPD     $3, Y0, Y0, Y10; \
	VORPD      Y7, Y8, Y11; \
	VORPD      Y9, Y11, Y11; \
	VORPD      Y10, Y11, Y11; \
	VMOVMSKPD  Y11, AX; \
	CMPL       AX, $15; \
	JNE        done; \
	EXP; \
	VANDPD     posInf<>(SB), Y8, Y8; \
	VBLENDVPD  Y7, Y5, Y8, Y5; \
	VBLENDVPD  Y10, Y0, Y5, Y5

// func expAVX2(dst, x []float64) int
TEXT ·expAVX2(SB), NOSPLIT, $0-56
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	ANDQ $~3, CX
	MOVQ x_base+24(FP), SI
	LEAQ ·expTable(SB), BX
	XORQ DX, DX

loop:
	CMPQ      DX, CX
	JAE       done
	VMOVUPD   (SI)(DX*8), Y0
	VANDPD    absMask<>(SB), Y0, Y7
	VCMPPD    $0x12, expFast<>(SB), Y7, Y7
	VMOVMSKPD Y7, AX
	CMPL      AX, $15
	JNE       special
	EXP
	VMOVUPD   Y5, (DI)(DX*8)
	ADDQ      $4, DX
	JMP       loop

special:
	EXPSPECIAL
	VMOVUPD Y5, (DI)(DX*8)
	ADDQ    $4, DX
	JMP     loop

done:
	VZEROUPPER
	MOVQ DX, ret+48(FP)
	RET

// func expShiftAVX2(dst, x []float64, shift float64, s *[4]float64) int
TEXT ·expShiftAVX2(SB), NOSPLIT, $0-72
	MOVQ         dst_base+0(FP), DI
	MOVQ         dst_len+8(FP), CX
	ANDQ         $~3, CX
	MOVQ         x_base+24(FP), SI
	VBROADCASTSD shift+48(FP), Y15
	MOVQ         s+56(FP), R8
	VMOVUPD      (R8), Y14
	LEAQ         ·expTable(SB), BX
	XORQ         DX, DX

loop:
	CMPQ      DX, CX
	JAE       done
	VMOVUPD   (SI)(DX*8), Y0
	VSUBPD    Y15, Y0, Y0
	VANDPD    absMask<>(SB), Y0, Y7
	VCMPPD    $0x12, expFast<>(SB), Y7, Y7
	VMOVMSKPD Y7, AX
	CMPL      AX, $15
	JNE       special
	EXP
	VMOVUPD   Y5, (DI)(DX*8)
	VADDPD    Y5, Y14, Y14
	ADDQ      $4, DX
	JMP       loop

special:
	EXPSPECIAL
	VMOVUPD Y5, (DI)(DX*8)
	VADDPD  Y5, Y14, Y14
	ADDQ    $4, DX
	JMP     loop

done:
	VMOVUPD Y14, (R8)
	VZEROUPPER
	MOVQ    DX, ret+64(FP)
	RET

// ERFTABLE sets Y4 = erf(Y1) for Y1 = |x| ≥ 1/8 (or NaN) by the table
// path of erf; BX holds ·erfTable. It clobbers Y3..Y10 and R9..R12.
//
//	Y3 = a = min(a, 6) (6 for NaN); Y4 = z = fma(a, 128, shift)
//	Y5 = r = (z - shift)·(1/128); Y6 = d = a - r
//	Y4 = 3·(z & 1023) (the index in erfTable, in float64s)
//	Y8, Y9, Y10 = hi, lo, scale: the entries of the 4 lanes, loaded with
//	     the indexes in R9..R12 as for EXP (faster than 3 VGATHERQPD)
//	Y3 = r²; the c_n and the Horner scheme p (Y4), as in erf
//	Y10 = u = scale·d; Y4 = t = fma(u, p·d, u); Y4 = hi + (t + lo)
#define ERFTABLE \
	VMINPD      erfMax<>(SB), Y1, Y3; \
	VMOVUPD     erf128<>(SB), Y4; \
	VFMADD213PD expShift<>(SB), Y3, Y4; \
	VSUBPD      expShift<>(SB), Y4, Y5; \
	VMULPD      erfInv128<>(SB), Y5, Y5; \
	VSUBPD      Y5, Y3, Y6; \
	VPAND       erfIdxMask<>(SB), Y4, Y4; \
	VPSLLQ      $1, Y4, Y3; \
	VPADDQ      Y4, Y3, Y4; \
	VMOVQ       X4, R9; \
	VPEXTRQ     $1, X4, R10; \
	VEXTRACTI128 $1, Y4, X4; \
	VMOVQ       X4, R11; \
	VPEXTRQ     $1, X4, R12; \
	VMOVUPD     (BX)(R9*8), X8; \
	VMOVUPD     (BX)(R10*8), X9; \
	VINSERTF128 $1, (BX)(R11*8), Y8, Y8; \
	VINSERTF128 $1, (BX)(R12*8), Y9, Y9; \
	VUNPCKHPD   Y9, Y8, Y10; \
	VUNPCKLPD   Y9, Y8, Y8; \
	VMOVAPD     Y10, Y9; \
	VMOVSD      16(BX)(R9*8), X10; \
	VMOVHPD     16(BX)(R10*8), X10, X10; \
	VMOVSD      16(BX)(R11*8), X7; \
	VMOVHPD     16(BX)(R12*8), X7, X7; \
	VINSERTF128 $1, X7, Y10, Y10; \
	VMULPD      Y5, Y5, Y3; \
	VMOVUPD     erfM2d45<>(SB), Y4; \
	VFMADD213PD erf2d9<>(SB), Y3, Y4; \
	VFMADD213PD erfM1d6<>(SB), Y3, Y4; \
	VMULPD      Y5, Y4, Y4; \
	VMOVUPD     erf2d15<>(SB), Y7; \
	VFMADD213PD erfM2d5<>(SB), Y3, Y7; \
	VFMADD213PD erf1d10<>(SB), Y3, Y7; \
	VFMADD213PD Y7, Y6, Y4; \
	VMOVUPD     erfM1d3<>(SB), Y7; \
	VFMADD213PD erf1d2<>(SB), Y3, Y7; \
	VMULPD      Y5, Y7, Y7; \
	VFMADD213PD Y7, Y6, Y4; \
	VMOVUPD     erf2d3<>(SB), Y7; \
	VFMADD213PD erfM1d3<>(SB), Y3, Y7; \
	VFMADD213PD Y7, Y6, Y4; \
	VFMSUB213PD Y5, Y6, Y4; \
	VMULPD      Y6, Y4, Y4; \
	VMULPD      Y6, Y10, Y10; \
	VFMADD213PD Y10, Y10, Y4; \
	VADDPD      Y9, Y4, Y4; \
	VADDPD      Y8, Y4, Y4

// ERFSMALL sets Y5 = erf(Y1) for Y1 = |x| < 1/8 by the polynomial of erf.
// It clobbers Y3.
//
//	Y3 = s = a²; Y5 = Q(s) by Horner's scheme; Y5 = v = fma(s, Q, c0lo)
//	Y5 = fma(a, c0hi, a·v)
#define ERFSMALL \
	VMULPD      Y1, Y1, Y3; \
	VMOVUPD     erfE7<>(SB), Y5; \
	VFMADD213PD erfE6<>(SB), Y3, Y5; \
	VFMADD213PD erfE5<>(SB), Y3, Y5; \
	VFMADD213PD erfE4<>(SB), Y3, Y5; \
	VFMADD213PD erfE3<>(SB), Y3, Y5; \
	VFMADD213PD erfE2<>(SB), Y3, Y5; \
	VFMADD213PD erfE1<>(SB), Y3, Y5; \
	VFMADD213PD erfC0Lo<>(SB), Y3, Y5; \
	VMULPD      Y1, Y5, Y5; \
	VFMADD231PD erfC0Hi<>(SB), Y1, Y5

// func erfAVX2(dst, x []float64)
TEXT ·erfAVX2(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	ANDQ $~3, CX
	MOVQ x_base+24(FP), SI
	LEAQ ·erfTable(SB), BX
	XORQ DX, DX

loop:
	CMPQ      DX, CX
	JAE       done
	VMOVUPD   (SI)(DX*8), Y0
	VANDPD    absMask<>(SB), Y0, Y1
	VCMPPD    $0x11, erfSmall<>(SB), Y1, Y2
	VMOVMSKPD Y2, AX
	CMPL      AX, $15
	JEQ       small
	ERFTABLE
	TESTL     AX, AX
	JEQ       finish
	ERFSMALL
	VBLENDVPD Y2, Y5, Y4, Y4
	JMP       finish

small:
	ERFSMALL
	VMOVAPD Y5, Y4

finish:
	// Copy the sign of x, and return x itself where it is NaN.
	VANDPD    signMask<>(SB), Y0, Y6
	VORPD     Y6, Y4, Y4
	VCMPPD    $3, Y0, Y0, Y6
	VBLENDVPD Y6, Y0, Y4, Y4
	VMOVUPD   Y4, (DI)(DX*8)
	ADDQ      $4, DX
	JMP       loop

done:
	VZEROUPPER
	RET

CONST4(tanhClamp, $0x4059000000000000) // 100
CONST4(tanhSmall, $0x3fe4000000000000) // 0.625
CONST4(tanhOne, $0x3ff0000000000000)   // 1
CONST4(tanhTwo, $0x4000000000000000)   // 2
CONST4(tanhP0, $0xbfeedc5baafd6f4b)
CONST4(tanhP1, $0xc058d26a0e26682d)
CONST4(tanhP2, $0xc0993ac030580563)
CONST4(tanhQ0, $0x405c33f28a581b86)
CONST4(tanhQ1, $0x40a176fa0e5535fa)
CONST4(tanhQ2, $0x40b2ec102442040c)

// func tanhAVX2(dst, x []float64)
//
// tanh.go's tanhFrom on 4 lanes, with e = e^min(2|x|, 100) by EXP: both of
// its forms computed and blended by the lanes' |x| < 0.625, one division.
// Y12 = x, Y7 = z = |x|, Y8 = z < 0.625, Y9 = s = z².
TEXT ·tanhAVX2(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	ANDQ $~3, CX
	MOVQ x_base+24(FP), SI
	LEAQ ·expTable(SB), BX
	XORQ DX, DX

tanhLoop:
	CMPQ      DX, CX
	JAE       tanhDone
	VMOVUPD   (SI)(DX*8), Y12
	VANDPD    absMask<>(SB), Y12, Y7
	VADDPD    Y7, Y7, Y0
	VMINPD    tanhClamp<>(SB), Y0, Y0
	EXP
	VCMPPD    $0x11, tanhSmall<>(SB), Y7, Y8
	VMULPD    Y7, Y7, Y9
	// num = z·s·P(s) or 2
	VMULPD    tanhP0<>(SB), Y9, Y10
	VADDPD    tanhP1<>(SB), Y10, Y10
	VMULPD    Y9, Y10, Y10
	VADDPD    tanhP2<>(SB), Y10, Y10
	VMULPD    Y9, Y7, Y11
	VMULPD    Y10, Y11, Y11
	VMOVUPD   tanhTwo<>(SB), Y13
	VBLENDVPD Y8, Y11, Y13, Y11
	// den = Q(s) or e + 1
	VADDPD    tanhQ0<>(SB), Y9, Y10
	VMULPD    Y9, Y10, Y10
	VADDPD    tanhQ1<>(SB), Y10, Y10
	VMULPD    Y9, Y10, Y10
	VADDPD    tanhQ2<>(SB), Y10, Y10
	VADDPD    tanhOne<>(SB), Y5, Y5
	VBLENDVPD Y8, Y10, Y5, Y10
	// q = num/den; r = z + q or 1 − q, given the sign of x
	VDIVPD    Y10, Y11, Y11
	VADDPD    Y11, Y7, Y10
	VMOVUPD   tanhOne<>(SB), Y13
	VSUBPD    Y11, Y13, Y13
	VBLENDVPD Y8, Y10, Y13, Y10
	VANDPD    signMask<>(SB), Y12, Y13
	VORPD     Y13, Y10, Y10
	// NaN lanes: x itself
	VCMPPD    $3, Y12, Y12, Y13
	VBLENDVPD Y13, Y12, Y10, Y10
	VMOVUPD   Y10, (DI)(DX*8)
	ADDQ      $4, DX
	JMP       tanhLoop

tanhDone:
	VZEROUPPER
	RET

CONST4(negInf, $0xfff0000000000000)

// func maxAVX2(x []float64) float64
//
// The largest of x[:len(x)&^7], NaNs skipped, -Inf if none: two accumulators
// of 4 lanes, each step acc = x > acc ? x : acc (VMAXPD with x first returns
// its second operand, acc, when x is NaN).
TEXT ·maxAVX2(SB), NOSPLIT, $0-32
	MOVQ    x_base+0(FP), SI
	MOVQ    x_len+8(FP), CX
	ANDQ    $~7, CX
	VMOVUPD negInf<>(SB), Y0
	VMOVAPD Y0, Y1
	XORQ    DX, DX

maxLoop:
	CMPQ    DX, CX
	JAE     maxDone
	VMOVUPD (SI)(DX*8), Y2
	VMOVUPD 32(SI)(DX*8), Y3
	VMAXPD  Y0, Y2, Y0
	VMAXPD  Y1, Y3, Y1
	ADDQ    $8, DX
	JMP     maxLoop

maxDone:
	VMAXPD       Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VMAXPD       X1, X0, X0
	VUNPCKHPD    X0, X0, X1
	VMAXPD       X1, X0, X0
	VMOVSD       X0, ret+24(FP)
	VZEROUPPER
	RET

// func scaleAVX2(x []float64, s float64)
//
// x[i] *= s for i < len(x)&^3.
TEXT ·scaleAVX2(SB), NOSPLIT, $0-32
	MOVQ         x_base+0(FP), DI
	MOVQ         x_len+8(FP), CX
	ANDQ         $~3, CX
	VBROADCASTSD s+24(FP), Y1
	XORQ         DX, DX

scaleLoop:
	CMPQ    DX, CX
	JAE     scaleDone
	VMULPD  (DI)(DX*8), Y1, Y2
	VMOVUPD Y2, (DI)(DX*8)
	ADDQ    $4, DX
	JMP     scaleLoop

scaleDone:
	VZEROUPPER
	RET

// func addAVX2(dst, x []float64)
//
// dst[i] += x[i] for i < len(dst)&^3.
TEXT ·addAVX2(SB), NOSPLIT, $0-48
	MOVQ dst_base+0(FP), DI
	MOVQ dst_len+8(FP), CX
	ANDQ $~3, CX
	MOVQ x_base+24(FP), SI
	XORQ DX, DX

addLoop:
	CMPQ    DX, CX
	JAE     addDone
	VMOVUPD (DI)(DX*8), Y0
	VADDPD  (SI)(DX*8), Y0, Y0
	VMOVUPD Y0, (DI)(DX*8)
	ADDQ    $4, DX
	JMP     addLoop

addDone:
	VZEROUPPER
	RET
