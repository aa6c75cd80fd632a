#include "textflag.h"

// AVX-512 VNNI tile kernel of MatMul's packed Q4_K path (AVX-512F/BW,
// AVX512-VNNI): 16 weight rows, one per dword lane, times eight Q8_K
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
// acc − accMin. The accMin chains go first, over all super-blocks, and
// wait on the stack while the acc chains use the registers.

#define QSCALES 4096
#define QMINS 4608
#define QD 4864
#define QDMIN 4928
#define QBLOCK 4992

// 0, 1, ..., 15.
DATA q4klanes<>+0(SB)/8, $0x0000000100000000
DATA q4klanes<>+8(SB)/8, $0x0000000300000002
DATA q4klanes<>+16(SB)/8, $0x0000000500000004
DATA q4klanes<>+24(SB)/8, $0x0000000700000006
DATA q4klanes<>+32(SB)/8, $0x0000000900000008
DATA q4klanes<>+40(SB)/8, $0x0000000b0000000a
DATA q4klanes<>+48(SB)/8, $0x0000000d0000000c
DATA q4klanes<>+56(SB)/8, $0x0000000f0000000e
GLOBL q4klanes<>(SB), RODATA|NOPTR, $64

// Activation row i of the group: SI + i·R11 for i < 4, R9 + (i−4)·R11
// for the others (R12 = 3·R11); their sums likewise at R13 and R8 with
// stride R14 (R10 = 3·R14).
#define ACT0(off) off(SI)
#define ACT1(off) off(SI)(R11*1)
#define ACT2(off) off(SI)(R11*2)
#define ACT3(off) off(SI)(R12*1)
#define ACT4(off) off(R9)
#define ACT5(off) off(R9)(R11*1)
#define ACT6(off) off(R9)(R11*2)
#define ACT7(off) off(R9)(R12*1)
#define EX0(off) off(R13)
#define EX1(off) off(R13)(R14*1)
#define EX2(off) off(R13)(R14*2)
#define EX3(off) off(R13)(R10*1)
#define EX4(off) off(R8)
#define EX5(off) off(R8)(R14*1)
#define EX6(off) off(R8)(R14*2)
#define EX7(off) off(R8)(R10*1)

// ROWS expands M(x, i, ACTi, EXi, Zi, Z(8+i), Z(16+i)) for the activation
// rows i = 0, ..., 7 in turn. x is the step's byte offset in the row (0
// where the step takes none); Zi is row i's accumulator; Z(8+i) and
// Z(16+i) hold its sums of a pair's two sub-blocks (Z(16+i) its dmin·ad in
// the min loop).
#define ROWS(M, x) \
	M(x, 0, ACT0, EX0, Z0, Z8, Z16)  \
	M(x, 1, ACT1, EX1, Z1, Z9, Z17)  \
	M(x, 2, ACT2, EX2, Z2, Z10, Z18) \
	M(x, 3, ACT3, EX3, Z3, Z11, Z19) \
	M(x, 4, ACT4, EX4, Z4, Z12, Z20) \
	M(x, 5, ACT5, EX5, Z5, Z13, Z21) \
	M(x, 6, ACT6, EX6, Z6, Z14, Z22) \
	M(x, 7, ACT7, EX7, Z7, Z15, Z23)

// The row steps that ROWS applies. ZACC, ZA and ZB zero a row's
// accumulator and its sub-block sums.
#define ZACC(x, i, ACT, EX, acc, za, zb) VPXORD acc, acc, acc
#define ZA(x, i, ACT, EX, acc, za, zb) VPXORD za, za, za
#define ZB(x, i, ACT, EX, acc, za, zb) VPXORD zb, zb, zb

// DMINAD leaves dmin·ad, the rows' dmin (Z27) times the row's ad, in zb.
#define DMINAD(x, i, ACT, EX, acc, za, zb) VMULPS.BCST ACT(0), Z27, zb

// MINSUM adds the (m0, m1) word pairs of the rows (Z24) times the row's
// (as0, as1) at byte x of its sums, converted and times zb, into acc.
#define MINSUM(x, i, ACT, EX, acc, za, zb) \
	VPBROADCASTD EX(x), Z28    \
	VPMADDWD     Z24, Z28, Z28 \
	VCVTDQ2PS    Z28, Z28      \
	VFMADD231PS  zb, Z28, acc

// SAVE puts the row's accMin on the stack at 64·i.
#define SAVE(x, i, ACT, EX, acc, za, zb) VMOVUPS acc, (64*i)(SP)

// DOTA and DOTB add the weight dword Z24 (Z25) times the row's dword at
// byte x into the sums za (zb) of the pair's first (second) sub-block.
#define DOTA(x, i, ACT, EX, acc, za, zb) VPDPBUSD.BCST ACT(x), Z24, za
#define DOTB(x, i, ACT, EX, acc, za, zb) VPDPBUSD.BCST ACT(x), Z25, zb

// SCALEA and SCALEB multiply the sums za (zb) by the rows' scales Z26.
#define SCALEA(x, i, ACT, EX, acc, za, zb) VPMULLD Z26, za, za
#define SCALEB(x, i, ACT, EX, acc, za, zb) VPMULLD Z26, zb, zb

// PAIRACC adds isum = za + zb, converted and times d·ad (the rows' d in
// Z27), into acc.
#define PAIRACC(x, i, ACT, EX, acc, za, zb) \
	VPADDD      zb, za, za          \
	VCVTDQ2PS   za, za              \
	VMULPS.BCST ACT(0), Z27, Z28    \
	VFMADD231PS Z28, za, acc

// MINS adds the min sums of pair k of the super-block at DI, with the
// rows' (as0, as1) at byte 4k of their sums, into the rows' accMin.
#define MINS(k) \
	VMOVDQU32 (QMINS+64*k)(DI), Z24 \
	ROWS(MINSUM, (4*k))

// DWORD adds dword k of the quants of pair p's two sub-blocks of the
// super-block at DI, times that of each row, into the pair's sums.
#define DWORD(p, k) \
	VMOVDQU32 (512*(2*p)+64*k)(DI), Z24   \
	ROWS(DOTA, (4+64*p+4*k))              \
	VMOVDQU32 (512*(2*p+1)+64*k)(DI), Z25 \
	ROWS(DOTB, (36+64*p+4*k))

// PAIR adds pair p of the super-block at DI into the rows' acc.
#define PAIR(p) \
	ROWS(ZA, 0)                             \
	ROWS(ZB, 0)                             \
	DWORD(p, 0)                             \
	DWORD(p, 1)                             \
	DWORD(p, 2)                             \
	DWORD(p, 3)                             \
	DWORD(p, 4)                             \
	DWORD(p, 5)                             \
	DWORD(p, 6)                             \
	DWORD(p, 7)                             \
	VMOVDQU32 (QSCALES+64*(2*p))(DI), Z26   \
	ROWS(SCALEA, 0)                         \
	VMOVDQU32 (QSCALES+64*(2*p+1))(DI), Z26 \
	ROWS(SCALEB, 0)                         \
	ROWS(PAIRACC, 0)

// OUT writes acc − accMin (row i's, on the stack at 64·i), its valid lanes
// (K1), to AX and steps AX a row (DX bytes) on; MORE goes to done unless
// more than i rows are to be written.
#define OUT(i, acc) \
	VSUBPS  (64*i)(SP), acc, acc \
	VMOVUPS acc, K1, (AX)        \
	ADDQ    DX, AX
#define MORE(i) \
	CMPQ CX, $i \
	JLE  done

// func q4KTileAVX512(wp, a *byte, astride int, ex *byte, exstride, nsb int, y *float32, ystride, lanes, acts int)
TEXT ·q4KTileAVX512(SB), NOSPLIT, $512-80
	MOVQ wp+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ astride+16(FP), R11
	LEAQ (R11)(R11*2), R12
	MOVQ ex+24(FP), R13
	MOVQ exstride+32(FP), R14
	LEAQ (R14)(R14*2), R10
	MOVQ SI, R9
	MOVQ R13, R8
	MOVQ acts+72(FP), CX
	CMPQ CX, $4
	JLE  halves                 // four rows: the second half repeats the first
	LEAQ (SI)(R11*4), R9
	LEAQ (R13)(R14*4), R8

halves:
	MOVQ nsb+40(FP), BX
	ROWS(ZACC, 0)

minloop:
	// dmin·ad of the rows (Z16-Z23), then the pairs' min sums into Z0-Z7.
	VMOVUPS QDMIN(DI), Z27
	ROWS(DMINAD, 0)
	MINS(0)
	MINS(1)
	MINS(2)
	MINS(3)
	ADDQ $QBLOCK, DI
	ADDQ $292, SI
	ADDQ $292, R9
	ADDQ $16, R13
	ADDQ $16, R8
	DECQ BX
	JNZ  minloop
	ROWS(SAVE, 0)
	ROWS(ZACC, 0)
	MOVQ wp+0(FP), DI
	MOVQ nsb+40(FP), BX
	MOVQ BX, AX
	IMULQ $292, AX
	SUBQ AX, SI
	SUBQ AX, R9

loop:
	VMOVUPS QD(DI), Z27
	PAIR(0)
	PAIR(1)
	PAIR(2)
	PAIR(3)
	ADDQ $QBLOCK, DI
	ADDQ $292, SI
	ADDQ $292, R9
	DECQ BX
	JNZ  loop

	// acc − accMin, the valid lanes (K1) of the first CX rows to y + i·ystride.
	MOVQ  lanes+64(FP), CX
	MOVL  $1, AX
	SHLL  CX, AX
	DECL  AX
	KMOVW AX, K1
	MOVQ  y+48(FP), AX
	MOVQ  ystride+56(FP), DX
	SHLQ  $2, DX
	MOVQ  acts+72(FP), CX
	OUT(0, Z0)
	MORE(1)
	OUT(1, Z1)
	MORE(2)
	OUT(2, Z2)
	MORE(3)
	OUT(3, Z3)
	MORE(4)
	OUT(4, Z4)
	MORE(5)
	OUT(5, Z5)
	MORE(6)
	OUT(6, Z6)
	MORE(7)
	OUT(7, Z7)

done:
	VZEROUPPER
	RET

// GATHER loads the dword at byte off of each valid row's super-block at SI
// (rows at the offsets Z9, valid lanes K2) into z, zeros in the others.
#define GATHER(off, z) \
	VMOVDQA32  Z10, z   \
	KMOVW      K2, K1   \
	VPGATHERDD off(SI)(Z9*1), K1, z

// QUANTS stores dword k of pair p's 32 quant bytes, its low nibbles for
// sub-block 2p and its high ones for 2p+1.
#define QUANTS(p, k) \
	GATHER((16+32*p+4*k), Z0)                 \
	VPANDD    Z11, Z0, Z1                     \
	VPSRLD    $4, Z0, Z0                      \
	VPANDD    Z11, Z0, Z0                     \
	VMOVDQU32 Z1, (1024*p+64*k)(DI)           \
	VMOVDQU32 Z0, (1024*p+512+64*k)(DI)

// PACKPAIR stores the quants of pair p.
#define PACKPAIR(p) \
	QUANTS(p, 0) \
	QUANTS(p, 1) \
	QUANTS(p, 2) \
	QUANTS(p, 3) \
	QUANTS(p, 4) \
	QUANTS(p, 5) \
	QUANTS(p, 6) \
	QUANTS(p, 7)

// F16 stores the f16 in the low half of Z0's dwords as f32 at dst(DI).
#define F16(dst) \
	VPMOVDW   Z0, Y1 \
	VCVTPH2PS Y1, Z1 \
	VMOVUPS   Z1, dst(DI)

// BITS leaves the bits of src from sh on, masked by mask, in z.
#define BITS(sh, src, mask, z) \
	VPSRLD $sh, src, z \
	VPANDD mask, z, z

// TOP2 adds the 2 bits of src from sh on as bits 4-5 of z.
#define TOP2(sh, src, z) \
	VPSRLD $sh, src, Z6  \
	VPANDD Z15, Z6, Z6   \
	VPSLLD $4, Z6, Z6    \
	VPORD  Z6, z, z

// LOWSM stores scale j < 4 (the low 6 bits of byte j of A) and leaves
// min j (those of byte j of B) in zm.
#define LOWSM(j, zm) \
	BITS((8*j), Z2, Z12, Z5)                 \
	VMOVDQU32 Z5, (QSCALES+64*j)(DI)         \
	BITS((8*j), Z3, Z12, zm)

// HIGHSM stores scale 4+n (the low nibble of byte n of C, the top 2 bits
// of byte n of A) and leaves min 4+n (the high nibble of byte n of C, the
// top 2 bits of byte n of B) in zm.
#define HIGHSM(n, zm) \
	BITS((8*n), Z4, Z13, Z5)                 \
	TOP2((6+8*n), Z2, Z5)                    \
	VMOVDQU32 Z5, (QSCALES+64*(4+n))(DI)     \
	BITS((4+8*n), Z4, Z13, zm)               \
	TOP2((6+8*n), Z3, zm)

// MINPAIR stores mins 2j (za) and 2j+1 (zb) as the word pair j.
#define MINPAIR(j, za, zb) \
	VPSLLD    $16, zb, Z6 \
	VPORD     Z6, za, Z6  \
	VMOVDQU32 Z6, (QMINS+64*j)(DI)

// func q4KPackAVX512(dst, w *byte, rowBytes, nsb, rows int)
TEXT ·q4KPackAVX512(SB), NOSPLIT, $0-40
	MOVQ         dst+0(FP), DI
	MOVQ         w+8(FP), SI
	MOVQ         rowBytes+16(FP), AX
	MOVQ         nsb+24(FP), BX
	VPBROADCASTD AX, Z9
	VPMULLD      q4klanes<>(SB), Z9, Z9
	MOVQ         rows+32(FP), CX
	MOVL         $1, AX
	SHLL         CX, AX
	DECL         AX
	KMOVW        AX, K2
	VPXORD       Z10, Z10, Z10
	MOVL         $0x0f0f0f0f, AX
	VPBROADCASTD AX, Z11
	MOVL         $0x3f, AX
	VPBROADCASTD AX, Z12
	MOVL         $0x0f, AX
	VPBROADCASTD AX, Z13
	MOVL         $0x03, AX
	VPBROADCASTD AX, Z15

packloop:
	// The quants: dword k of pair p's 32 bytes, low and high nibbles.
	PACKPAIR(0)
	PACKPAIR(1)
	PACKPAIR(2)
	PACKPAIR(3)

	// d and dmin as float32.
	GATHER(0, Z0)
	F16(QD)
	VPSRLD $16, Z0, Z0
	F16(QDMIN)

	// The scales and mins from the dwords A, B, C of the 12 bytes (see
	// Q4KSCALES in kernels512q4k_amd64.s), byte j of each dword.
	GATHER(4, Z2)
	GATHER(8, Z3)
	GATHER(12, Z4)
	LOWSM(0, Z16)
	LOWSM(1, Z17)
	LOWSM(2, Z18)
	LOWSM(3, Z19)
	HIGHSM(0, Z20)
	HIGHSM(1, Z21)
	HIGHSM(2, Z22)
	HIGHSM(3, Z23)
	MINPAIR(0, Z16, Z17)
	MINPAIR(1, Z18, Z19)
	MINPAIR(2, Z20, Z21)
	MINPAIR(3, Z22, Z23)
	ADDQ $144, SI
	ADDQ $QBLOCK, DI
	DECQ BX
	JNZ  packloop
	VZEROUPPER
	RET
