#include "textflag.h"

// AVX-512 VNNI tile kernel of MatMul's packed Q4_K path (AVX-512F/BW,
// AVX512-VNNI): 16 weight rows, one per dword lane, times four Q8_K
// activation rows, in the order of llama.cpp's gemm for repacked Q4_K
// weights (dotQ4_KQ8_KGemm). The packed weight layout is the one
// matmulq4k.go describes.
//
// Per super-block and pair p of sub-blocks 2p, 2p+1, VPDPBUSD of the
// unsigned quants of dword k of the 16 rows with an activation row's dword
// k broadcast adds the four products to each lane: after the 8 dwords a
// lane holds the exact sub-block sum qa of its row. VPMULLD by the rows'
// scales and an add give isum = s0·qa0 + s1·qa1; VPMADDWD of the rows'
// (m0, m1) word pairs with the activation row's (as0, as1) gives
// msum = m0·as0 + m1·as1. Each is converted and fused-multiply-added, by
// d·ad and dmin·ad (rounded to float32 first), into the accumulators acc
// and accMin of the activation row's 16 outputs; the result is
// acc − accMin.

#define QSCALES 4096
#define QMINS 4608
#define QD 4864
#define QDMIN 4928
#define QBLOCK 4992

// Activation row i of the group: SI + i·R11 (R12 = 3·R11); its sums at
// R13 + i·R14 (R10 = 3·R14).

// QDOTS adds dword k of sub-block j (activations at byte off of the Q8_K
// block) times the four activation rows into z0-z3.
#define QDOTS(j, k, off, zw, z0, z1, z2, z3) \
	VMOVDQU32     (512*j+64*k)(DI), zw       \
	VPDPBUSD.BCST off(SI), zw, z0            \
	VPDPBUSD.BCST off(SI)(R11*1), zw, z1     \
	VPDPBUSD.BCST off(SI)(R11*2), zw, z2     \
	VPDPBUSD.BCST off(SI)(R12*1), zw, z3

// MINS accumulates pair p's min sums of activation row i (sums at mem,
// dmin·ad in zm) into accMin acc; Z29 holds the rows' min pairs.
#define MINS(mem, zm, acc) \
	VPBROADCASTD mem, Z30    \
	VPMADDWD     Z29, Z30, Z30 \
	VCVTDQ2PS    Z30, Z30    \
	VFMADD231PS  zm, Z30, acc
// func q4KTileAVX512(wp, a *byte, astride int, ex *byte, exstride, nsb int, y *float32, ystride, lanes int)
TEXT ·q4KTileAVX512(SB), NOSPLIT, $0-72
	MOVQ   wp+0(FP), DI
	MOVQ   a+8(FP), SI
	MOVQ   astride+16(FP), R11
	LEAQ   (R11)(R11*2), R12
	MOVQ   ex+24(FP), R13
	MOVQ   exstride+32(FP), R14
	LEAQ   (R14)(R14*2), R10
	MOVQ   nsb+40(FP), BX
	VPXORD Z0, Z0, Z0
	VPXORD Z1, Z1, Z1
	VPXORD Z2, Z2, Z2
	VPXORD Z3, Z3, Z3
	VPXORD Z4, Z4, Z4
	VPXORD Z5, Z5, Z5
	VPXORD Z6, Z6, Z6
	VPXORD Z7, Z7, Z7

q4ktile:
	// d·ad (Z21-Z24) and dmin·ad (Z25-Z28) of the four activation rows.
	VMOVUPS     QD(DI), Z19
	VMOVUPS     QDMIN(DI), Z20
	VMULPS.BCST 0(SI), Z19, Z21
	VMULPS.BCST 0(SI)(R11*1), Z19, Z22
	VMULPS.BCST 0(SI)(R11*2), Z19, Z23
	VMULPS.BCST 0(SI)(R12*1), Z19, Z24
	VMULPS.BCST 0(SI), Z20, Z25
	VMULPS.BCST 0(SI)(R11*1), Z20, Z26
	VMULPS.BCST 0(SI)(R11*2), Z20, Z27
	VMULPS.BCST 0(SI)(R12*1), Z20, Z28

	// Pair 0: the mins, then the scaled sums.
	VMOVDQU32 (QMINS+64*0)(DI), Z29
	MINS(4*0(R13), Z25, Z4)
	MINS(4*0(R13)(R14*1), Z26, Z5)
	MINS(4*0(R13)(R14*2), Z27, Z6)
	MINS(4*0(R13)(R10*1), Z28, Z7)
	VPXORD    Z8, Z8, Z8
	VPXORD    Z9, Z9, Z9
	VPXORD    Z10, Z10, Z10
	VPXORD    Z11, Z11, Z11
	VPXORD    Z12, Z12, Z12
	VPXORD    Z13, Z13, Z13
	VPXORD    Z14, Z14, Z14
	VPXORD    Z15, Z15, Z15
	QDOTS(0, 0, 4, Z16, Z8, Z9, Z10, Z11)
	QDOTS(1, 0, 36, Z17, Z12, Z13, Z14, Z15)
	QDOTS(0, 1, 8, Z16, Z8, Z9, Z10, Z11)
	QDOTS(1, 1, 40, Z17, Z12, Z13, Z14, Z15)
	QDOTS(0, 2, 12, Z16, Z8, Z9, Z10, Z11)
	QDOTS(1, 2, 44, Z17, Z12, Z13, Z14, Z15)
	QDOTS(0, 3, 16, Z16, Z8, Z9, Z10, Z11)
	QDOTS(1, 3, 48, Z17, Z12, Z13, Z14, Z15)
	QDOTS(0, 4, 20, Z16, Z8, Z9, Z10, Z11)
	QDOTS(1, 4, 52, Z17, Z12, Z13, Z14, Z15)
	QDOTS(0, 5, 24, Z16, Z8, Z9, Z10, Z11)
	QDOTS(1, 5, 56, Z17, Z12, Z13, Z14, Z15)
	QDOTS(0, 6, 28, Z16, Z8, Z9, Z10, Z11)
	QDOTS(1, 6, 60, Z17, Z12, Z13, Z14, Z15)
	QDOTS(0, 7, 32, Z16, Z8, Z9, Z10, Z11)
	QDOTS(1, 7, 64, Z17, Z12, Z13, Z14, Z15)
	VMOVDQU32   (QSCALES+64*0)(DI), Z18
	VPMULLD     Z18, Z8, Z8
	VPMULLD     Z18, Z9, Z9
	VPMULLD     Z18, Z10, Z10
	VPMULLD     Z18, Z11, Z11
	VMOVDQU32   (QSCALES+64*1)(DI), Z18
	VPMULLD     Z18, Z12, Z12
	VPMULLD     Z18, Z13, Z13
	VPMULLD     Z18, Z14, Z14
	VPMULLD     Z18, Z15, Z15
	VPADDD      Z12, Z8, Z8
	VPADDD      Z13, Z9, Z9
	VPADDD      Z14, Z10, Z10
	VPADDD      Z15, Z11, Z11
	VCVTDQ2PS   Z8, Z8
	VCVTDQ2PS   Z9, Z9
	VCVTDQ2PS   Z10, Z10
	VCVTDQ2PS   Z11, Z11
	VFMADD231PS Z21, Z8, Z0
	VFMADD231PS Z22, Z9, Z1
	VFMADD231PS Z23, Z10, Z2
	VFMADD231PS Z24, Z11, Z3

	// Pair 1: the mins, then the scaled sums.
	VMOVDQU32 (QMINS+64*1)(DI), Z29
	MINS(4*1(R13), Z25, Z4)
	MINS(4*1(R13)(R14*1), Z26, Z5)
	MINS(4*1(R13)(R14*2), Z27, Z6)
	MINS(4*1(R13)(R10*1), Z28, Z7)
	VPXORD    Z8, Z8, Z8
	VPXORD    Z9, Z9, Z9
	VPXORD    Z10, Z10, Z10
	VPXORD    Z11, Z11, Z11
	VPXORD    Z12, Z12, Z12
	VPXORD    Z13, Z13, Z13
	VPXORD    Z14, Z14, Z14
	VPXORD    Z15, Z15, Z15
	QDOTS(2, 0, 68, Z16, Z8, Z9, Z10, Z11)
	QDOTS(3, 0, 100, Z17, Z12, Z13, Z14, Z15)
	QDOTS(2, 1, 72, Z16, Z8, Z9, Z10, Z11)
	QDOTS(3, 1, 104, Z17, Z12, Z13, Z14, Z15)
	QDOTS(2, 2, 76, Z16, Z8, Z9, Z10, Z11)
	QDOTS(3, 2, 108, Z17, Z12, Z13, Z14, Z15)
	QDOTS(2, 3, 80, Z16, Z8, Z9, Z10, Z11)
	QDOTS(3, 3, 112, Z17, Z12, Z13, Z14, Z15)
	QDOTS(2, 4, 84, Z16, Z8, Z9, Z10, Z11)
	QDOTS(3, 4, 116, Z17, Z12, Z13, Z14, Z15)
	QDOTS(2, 5, 88, Z16, Z8, Z9, Z10, Z11)
	QDOTS(3, 5, 120, Z17, Z12, Z13, Z14, Z15)
	QDOTS(2, 6, 92, Z16, Z8, Z9, Z10, Z11)
	QDOTS(3, 6, 124, Z17, Z12, Z13, Z14, Z15)
	QDOTS(2, 7, 96, Z16, Z8, Z9, Z10, Z11)
	QDOTS(3, 7, 128, Z17, Z12, Z13, Z14, Z15)
	VMOVDQU32   (QSCALES+64*2)(DI), Z18
	VPMULLD     Z18, Z8, Z8
	VPMULLD     Z18, Z9, Z9
	VPMULLD     Z18, Z10, Z10
	VPMULLD     Z18, Z11, Z11
	VMOVDQU32   (QSCALES+64*3)(DI), Z18
	VPMULLD     Z18, Z12, Z12
	VPMULLD     Z18, Z13, Z13
	VPMULLD     Z18, Z14, Z14
	VPMULLD     Z18, Z15, Z15
	VPADDD      Z12, Z8, Z8
	VPADDD      Z13, Z9, Z9
	VPADDD      Z14, Z10, Z10
	VPADDD      Z15, Z11, Z11
	VCVTDQ2PS   Z8, Z8
	VCVTDQ2PS   Z9, Z9
	VCVTDQ2PS   Z10, Z10
	VCVTDQ2PS   Z11, Z11
	VFMADD231PS Z21, Z8, Z0
	VFMADD231PS Z22, Z9, Z1
	VFMADD231PS Z23, Z10, Z2
	VFMADD231PS Z24, Z11, Z3

	// Pair 2: the mins, then the scaled sums.
	VMOVDQU32 (QMINS+64*2)(DI), Z29
	MINS(4*2(R13), Z25, Z4)
	MINS(4*2(R13)(R14*1), Z26, Z5)
	MINS(4*2(R13)(R14*2), Z27, Z6)
	MINS(4*2(R13)(R10*1), Z28, Z7)
	VPXORD    Z8, Z8, Z8
	VPXORD    Z9, Z9, Z9
	VPXORD    Z10, Z10, Z10
	VPXORD    Z11, Z11, Z11
	VPXORD    Z12, Z12, Z12
	VPXORD    Z13, Z13, Z13
	VPXORD    Z14, Z14, Z14
	VPXORD    Z15, Z15, Z15
	QDOTS(4, 0, 132, Z16, Z8, Z9, Z10, Z11)
	QDOTS(5, 0, 164, Z17, Z12, Z13, Z14, Z15)
	QDOTS(4, 1, 136, Z16, Z8, Z9, Z10, Z11)
	QDOTS(5, 1, 168, Z17, Z12, Z13, Z14, Z15)
	QDOTS(4, 2, 140, Z16, Z8, Z9, Z10, Z11)
	QDOTS(5, 2, 172, Z17, Z12, Z13, Z14, Z15)
	QDOTS(4, 3, 144, Z16, Z8, Z9, Z10, Z11)
	QDOTS(5, 3, 176, Z17, Z12, Z13, Z14, Z15)
	QDOTS(4, 4, 148, Z16, Z8, Z9, Z10, Z11)
	QDOTS(5, 4, 180, Z17, Z12, Z13, Z14, Z15)
	QDOTS(4, 5, 152, Z16, Z8, Z9, Z10, Z11)
	QDOTS(5, 5, 184, Z17, Z12, Z13, Z14, Z15)
	QDOTS(4, 6, 156, Z16, Z8, Z9, Z10, Z11)
	QDOTS(5, 6, 188, Z17, Z12, Z13, Z14, Z15)
	QDOTS(4, 7, 160, Z16, Z8, Z9, Z10, Z11)
	QDOTS(5, 7, 192, Z17, Z12, Z13, Z14, Z15)
	VMOVDQU32   (QSCALES+64*4)(DI), Z18
	VPMULLD     Z18, Z8, Z8
	VPMULLD     Z18, Z9, Z9
	VPMULLD     Z18, Z10, Z10
	VPMULLD     Z18, Z11, Z11
	VMOVDQU32   (QSCALES+64*5)(DI), Z18
	VPMULLD     Z18, Z12, Z12
	VPMULLD     Z18, Z13, Z13
	VPMULLD     Z18, Z14, Z14
	VPMULLD     Z18, Z15, Z15
	VPADDD      Z12, Z8, Z8
	VPADDD      Z13, Z9, Z9
	VPADDD      Z14, Z10, Z10
	VPADDD      Z15, Z11, Z11
	VCVTDQ2PS   Z8, Z8
	VCVTDQ2PS   Z9, Z9
	VCVTDQ2PS   Z10, Z10
	VCVTDQ2PS   Z11, Z11
	VFMADD231PS Z21, Z8, Z0
	VFMADD231PS Z22, Z9, Z1
	VFMADD231PS Z23, Z10, Z2
	VFMADD231PS Z24, Z11, Z3

	// Pair 3: the mins, then the scaled sums.
	VMOVDQU32 (QMINS+64*3)(DI), Z29
	MINS(4*3(R13), Z25, Z4)
	MINS(4*3(R13)(R14*1), Z26, Z5)
	MINS(4*3(R13)(R14*2), Z27, Z6)
	MINS(4*3(R13)(R10*1), Z28, Z7)
	VPXORD    Z8, Z8, Z8
	VPXORD    Z9, Z9, Z9
	VPXORD    Z10, Z10, Z10
	VPXORD    Z11, Z11, Z11
	VPXORD    Z12, Z12, Z12
	VPXORD    Z13, Z13, Z13
	VPXORD    Z14, Z14, Z14
	VPXORD    Z15, Z15, Z15
	QDOTS(6, 0, 196, Z16, Z8, Z9, Z10, Z11)
	QDOTS(7, 0, 228, Z17, Z12, Z13, Z14, Z15)
	QDOTS(6, 1, 200, Z16, Z8, Z9, Z10, Z11)
	QDOTS(7, 1, 232, Z17, Z12, Z13, Z14, Z15)
	QDOTS(6, 2, 204, Z16, Z8, Z9, Z10, Z11)
	QDOTS(7, 2, 236, Z17, Z12, Z13, Z14, Z15)
	QDOTS(6, 3, 208, Z16, Z8, Z9, Z10, Z11)
	QDOTS(7, 3, 240, Z17, Z12, Z13, Z14, Z15)
	QDOTS(6, 4, 212, Z16, Z8, Z9, Z10, Z11)
	QDOTS(7, 4, 244, Z17, Z12, Z13, Z14, Z15)
	QDOTS(6, 5, 216, Z16, Z8, Z9, Z10, Z11)
	QDOTS(7, 5, 248, Z17, Z12, Z13, Z14, Z15)
	QDOTS(6, 6, 220, Z16, Z8, Z9, Z10, Z11)
	QDOTS(7, 6, 252, Z17, Z12, Z13, Z14, Z15)
	QDOTS(6, 7, 224, Z16, Z8, Z9, Z10, Z11)
	QDOTS(7, 7, 256, Z17, Z12, Z13, Z14, Z15)
	VMOVDQU32   (QSCALES+64*6)(DI), Z18
	VPMULLD     Z18, Z8, Z8
	VPMULLD     Z18, Z9, Z9
	VPMULLD     Z18, Z10, Z10
	VPMULLD     Z18, Z11, Z11
	VMOVDQU32   (QSCALES+64*7)(DI), Z18
	VPMULLD     Z18, Z12, Z12
	VPMULLD     Z18, Z13, Z13
	VPMULLD     Z18, Z14, Z14
	VPMULLD     Z18, Z15, Z15
	VPADDD      Z12, Z8, Z8
	VPADDD      Z13, Z9, Z9
	VPADDD      Z14, Z10, Z10
	VPADDD      Z15, Z11, Z11
	VCVTDQ2PS   Z8, Z8
	VCVTDQ2PS   Z9, Z9
	VCVTDQ2PS   Z10, Z10
	VCVTDQ2PS   Z11, Z11
	VFMADD231PS Z21, Z8, Z0
	VFMADD231PS Z22, Z9, Z1
	VFMADD231PS Z23, Z10, Z2
	VFMADD231PS Z24, Z11, Z3

	ADDQ $QBLOCK, DI
	ADDQ $292, SI
	ADDQ $16, R13
	DECQ BX
	JNZ  q4ktile

	// acc − accMin, the valid lanes (K1) of row i to y + i·ystride.
	MOVQ   lanes+64(FP), CX
	MOVL   $1, AX
	SHLL   CX, AX
	DECL   AX
	KMOVW  AX, K1
	MOVQ   y+48(FP), R8
	MOVQ   ystride+56(FP), DX
	SHLQ   $2, DX
	VSUBPS Z4, Z0, Z0
	VSUBPS Z5, Z1, Z1
	VSUBPS Z6, Z2, Z2
	VSUBPS Z7, Z3, Z3
	VMOVUPS Z0, K1, (R8)
	ADDQ    DX, R8
	VMOVUPS Z1, K1, (R8)
	ADDQ    DX, R8
	VMOVUPS Z2, K1, (R8)
	ADDQ    DX, R8
	VMOVUPS Z3, K1, (R8)
	VZEROUPPER
	RET
