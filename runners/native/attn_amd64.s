#include "textflag.h"

// ggmlLanesAVX512 sums a[k]·b[k] in four ZMM accumulators of 16 float32
// lanes (element k of a step of 64 in register (k/16)%4, lane k%16) with
// fused multiply-adds, then reduces them in the order of ggmlLanesGeneric:
// (acc0+acc2)+(acc1+acc3), then halves, quarters and the two pairs.

// masks<> holds, at 2k, the 16-bit mask of the first k lanes (k = 0..16).
DATA masks<>+0(SB)/2, $0x0000
DATA masks<>+2(SB)/2, $0x0001
DATA masks<>+4(SB)/2, $0x0003
DATA masks<>+6(SB)/2, $0x0007
DATA masks<>+8(SB)/2, $0x000f
DATA masks<>+10(SB)/2, $0x001f
DATA masks<>+12(SB)/2, $0x003f
DATA masks<>+14(SB)/2, $0x007f
DATA masks<>+16(SB)/2, $0x00ff
DATA masks<>+18(SB)/2, $0x01ff
DATA masks<>+20(SB)/2, $0x03ff
DATA masks<>+22(SB)/2, $0x07ff
DATA masks<>+24(SB)/2, $0x0fff
DATA masks<>+26(SB)/2, $0x1fff
DATA masks<>+28(SB)/2, $0x3fff
DATA masks<>+30(SB)/2, $0x7fff
DATA masks<>+32(SB)/2, $0xffff
GLOBL masks<>(SB), RODATA|NOPTR, $34

// TAILCHUNK adds the elements first..first+15 of the last partial step
// (CX elements left at SI and DI) that exist into acc.
#define TAILCHUNK(first, acc) \
	MOVQ    CX, R8                    \
	SUBQ    $first, R8                \
	XORQ    R9, R9                    \
	CMPQ    R8, R9                    \
	CMOVQLT R9, R8                    \
	MOVQ    $16, R9                   \
	CMPQ    R8, R9                    \
	CMOVQGT R9, R8                    \
	KMOVW   (R10)(R8*2), K1           \
	VMOVUPS.Z (first*4)(SI), K1, Z4   \
	VMOVUPS.Z (first*4)(DI), K1, Z5   \
	VFMADD231PS Z5, Z4, acc

// REDUCE16 sums the 16 lanes of Z0 into X0 as quant.Reduce16 does: halves,
// quarters, then the two pairs. Uses X1.
#define REDUCE16 \
	VEXTRACTF64X4 $1, Z0, Y1 \
	VADDPS Y1, Y0, Y0        \
	VEXTRACTF128 $1, Y0, X1  \
	VADDPS X1, X0, X0        \
	VMOVHLPS X0, X0, X1      \
	VADDPS X1, X0, X0        \
	VMOVSHDUP X0, X1         \
	VADDSS X1, X0, X0

// func ggmlLanesAVX512(a, b *float32, n int) float32
TEXT ·ggmlLanesAVX512(SB), NOSPLIT, $0-28
	MOVQ a+0(FP), SI
	MOVQ b+8(FP), DI
	MOVQ n+16(FP), CX
	VXORPS Z0, Z0, Z0
	VXORPS Z1, Z1, Z1
	VXORPS Z2, Z2, Z2
	VXORPS Z3, Z3, Z3
step:
	CMPQ CX, $64
	JLT  tail
	VMOVUPS 0(SI), Z4
	VFMADD231PS 0(DI), Z4, Z0
	VMOVUPS 64(SI), Z5
	VFMADD231PS 64(DI), Z5, Z1
	VMOVUPS 128(SI), Z6
	VFMADD231PS 128(DI), Z6, Z2
	VMOVUPS 192(SI), Z7
	VFMADD231PS 192(DI), Z7, Z3
	ADDQ $256, SI
	ADDQ $256, DI
	SUBQ $64, CX
	JMP  step
tail:
	TESTQ CX, CX
	JZ    reduce
	// Chunk c of the last partial step takes min(max(CX-16c, 0), 16)
	// elements, loaded under a zeroing mask, so that the lanes past the
	// end add fma(0, 0, acc) = acc.
	LEAQ masks<>(SB), R10
	TAILCHUNK(0, Z0)
	TAILCHUNK(16, Z1)
	TAILCHUNK(32, Z2)
	TAILCHUNK(48, Z3)
reduce:
	VADDPS Z2, Z0, Z0
	VADDPS Z3, Z1, Z1
	VADDPS Z1, Z0, Z0
	REDUCE16
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

// func tinyLanesAVX512(a, b *float32, n int) float32
TEXT ·tinyLanesAVX512(SB), NOSPLIT, $0-28
	MOVQ a+0(FP), SI
	MOVQ b+8(FP), DI
	MOVQ n+16(FP), CX
	VXORPS Z0, Z0, Z0
tinystep:
	CMPQ CX, $16
	JLT  tinytail
	VMOVUPS 0(SI), Z4
	VFMADD231PS 0(DI), Z4, Z0
	ADDQ $64, SI
	ADDQ $64, DI
	SUBQ $16, CX
	JMP  tinystep
tinytail:
	TESTQ CX, CX
	JZ    tinyreduce
	LEAQ  masks<>(SB), R10
	TAILCHUNK(0, Z0)
tinyreduce:
	REDUCE16
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

// expc<> holds the constants of ggml_v_expf, each broadcast by EXPSETUP.
DATA expc<>+0(SB)/4, $0x4b400000  // 0x1.8p23, the rounding shifter r
DATA expc<>+4(SB)/4, $0x3fb8aa3b  // log2(e)
DATA expc<>+8(SB)/4, $0x3f317200  // ln2, high part
DATA expc<>+12(SB)/4, $0x35bfbe8e // ln2, low part
DATA expc<>+16(SB)/4, $0x3c072010 // polynomial coefficients c4 .. c8
DATA expc<>+20(SB)/4, $0x3d2b9f17
DATA expc<>+24(SB)/4, $0x3e2aaf33
DATA expc<>+28(SB)/4, $0x3efffedb
DATA expc<>+32(SB)/4, $0x3f7ffff6
DATA expc<>+36(SB)/4, $0x3f800000 // 1
DATA expc<>+40(SB)/4, $0x43400000 // 192, the largest |n| scaled normally
DATA expc<>+44(SB)/4, $0x7f800000 // +Inf
DATA expc<>+48(SB)/4, $0x7fffffff // the magnitude mask
GLOBL expc<>(SB), RODATA|NOPTR, $52

// EXPSETUP broadcasts the constants of EXP into Z18, Z19 and Z21..Z31 and
// zeroes Z17.
#define EXPSETUP \
	LEAQ         expc<>(SB), R11 \
	VBROADCASTSS 0(R11), Z21     \
	VBROADCASTSS 4(R11), Z22     \
	VBROADCASTSS 8(R11), Z23     \
	VBROADCASTSS 12(R11), Z24    \
	VBROADCASTSS 16(R11), Z25    \
	VBROADCASTSS 20(R11), Z26    \
	VBROADCASTSS 24(R11), Z27    \
	VBROADCASTSS 28(R11), Z28    \
	VBROADCASTSS 32(R11), Z29    \
	VBROADCASTSS 36(R11), Z30    \
	VBROADCASTSS 40(R11), Z31    \
	VBROADCASTSS 44(R11), Z18    \
	VBROADCASTSS 48(R11), Z19    \
	VXORPS       Z17, Z17, Z17

// EXP sets Z2 to ggml_v_expf(Z1), instruction for instruction: n = round(x
// log2 e) by the shifter, b = x - n·ln2 in two parts, j = a degree-5
// polynomial in b, Z2 = j·2ⁿ, and lanes with |n| > 192 set to 0 (n ≤ 0) or
// +Inf. Uses Z3..Z10, K2, K4 and K5; needs EXPSETUP.
#define EXP \
	VMOVAPS      Z21, Z3          \
	VFMADD231PS  Z22, Z1, Z3      \
	VSUBPS       Z21, Z3, Z4      \
	VMOVAPS      Z1, Z5           \
	VFNMADD231PS Z23, Z4, Z5      \
	VFNMADD231PS Z24, Z4, Z5      \
	VMULPS       Z5, Z5, Z6       \
	VMOVAPS      Z26, Z7          \
	VFMADD231PS  Z5, Z25, Z7      \
	VMOVAPS      Z28, Z8          \
	VFMADD231PS  Z5, Z27, Z8      \
	VFMADD231PS  Z6, Z7, Z8       \
	VMOVAPS      Z30, Z9          \
	VFMADD231PS  Z5, Z29, Z9      \
	VFMADD231PS  Z6, Z8, Z9       \
	VSCALEFPS    Z4, Z9, Z2       \
	VANDPS       Z19, Z4, Z10     \
	VCMPPS       $0x1e, Z31, Z10, K2 \
	VCMPPS       $0x1e, Z17, Z4, K4  \
	KANDW        K2, K4, K5       \
	VXORPS       Z2, Z2, K2, Z2   \
	VMOVAPS      Z18, K5, Z2

// SUM16 adds the 16 lanes of Z2, reduced as quant.Reduce16 does (halves,
// quarters, then the two pairs), to the float64 in X0. Uses X3..X7.
#define SUM16 \
	VEXTRACTF64X4 $1, Z2, Y4 \
	VADDPS        Y4, Y2, Y4 \
	VEXTRACTF128  $1, Y4, X5 \
	VADDPS        X5, X4, X5 \
	VMOVHLPS      X5, X5, X6 \
	VADDPS        X6, X5, X6 \
	VMOVSHDUP     X6, X7     \
	VADDSS        X7, X6, X7 \
	VCVTSS2SD     X7, X7, X7 \
	VADDSD        X7, X0, X0

// func expSumAVX512(x *float32, n int, m float32) float64
TEXT ·expSumAVX512(SB), NOSPLIT, $0-32
	MOVQ         x+0(FP), SI
	MOVQ         n+8(FP), CX
	VBROADCASTSS m+16(FP), Z20
	EXPSETUP
	VXORPD       X0, X0, X0
expstep:
	CMPQ    CX, $16
	JLT     exptail
	VMOVUPS (SI), Z1
	VSUBPS  Z20, Z1, Z1
	EXP
	VMOVUPS Z2, (SI)
	SUM16
	ADDQ    $64, SI
	SUBQ    $16, CX
	JMP     expstep
exptail:
	TESTQ     CX, CX
	JZ        expdone
	// The last partial run: the lanes past the end are neither loaded
	// nor stored, and add 0 to the sum as in the Go reference.
	LEAQ      masks<>(SB), R10
	KMOVW     (R10)(CX*2), K1
	VMOVUPS.Z (SI), K1, Z1
	VSUBPS    Z20, Z1, Z1
	EXP
	VMOVUPS   Z2, K1, (SI)
	VMOVAPS.Z Z2, K1, Z2
	SUM16
expdone:
	VMOVSD X0, ret+24(FP)
	VZEROUPPER
	RET

// SILUMUL sets Z1 to silu(Z1)·Z11 as ggml_v_silu: x / (1 + exp(0 - x)).
#define SILUMUL \
	VMOVAPS Z1, Z12    \
	VSUBPS  Z12, Z17, Z1 \
	EXP                \
	VADDPS  Z30, Z2, Z2 \
	VDIVPS  Z2, Z12, Z1 \
	VMULPS  Z11, Z1, Z1

// func siluMulAVX512(gate, up *float32, n int)
TEXT ·siluMulAVX512(SB), NOSPLIT, $0-24
	MOVQ gate+0(FP), SI
	MOVQ up+8(FP), DI
	MOVQ n+16(FP), CX
	EXPSETUP
silustep:
	CMPQ    CX, $16
	JLT     silutail
	VMOVUPS (SI), Z1
	VMOVUPS (DI), Z11
	SILUMUL
	VMOVUPS Z1, (SI)
	ADDQ    $64, SI
	ADDQ    $64, DI
	SUBQ    $16, CX
	JMP     silustep
silutail:
	TESTQ     CX, CX
	JZ        siludone
	LEAQ      masks<>(SB), R10
	KMOVW     (R10)(CX*2), K1
	VMOVUPS.Z (SI), K1, Z1
	VMOVUPS.Z (DI), K1, Z11
	SILUMUL
	VMOVUPS   Z1, K1, (SI)
siludone:
	VZEROUPPER
	RET
