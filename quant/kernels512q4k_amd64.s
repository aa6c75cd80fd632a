#include "textflag.h"

// AVX-512 VNNI one-row Q4_K kernel (AVX-512F/BW/VL, AVX512-VNNI).
// Layouts (see kernels_amd64.s):
//   Q4_K {d, dmin f16; scales[12]; qs[128]}           144 bytes, 256 elements
//   Q8_K {d f32; qs[256] int8; bsums[16] int16}       292 bytes, 256 elements
// Sub-blocks 2c and 2c+1 (c = 0..3) are the low and the high nibbles of the
// 32 bytes qs[32c:32c+32]; their 64 activations are contiguous at 4+64c.
// Per super-block and pair c, the 32 bytes are broadcast to both 256-bit
// halves of a register, the upper half shifted right by four, and the
// nibbles masked: the 64 codes in element order. VPDPBUSD with the
// activations leaves in dword lane l the sum over four elements: lanes 0..7
// belong to sub-block 2c, 8..15 to 2c+1. Those sums fit in 16 bits, so
// VPDPWSSD with the sub-block scales as (scale, 0) word pairs multiplies
// and accumulates them over the four pairs. The mins go through the bsums:
// VPMADDWD of the 16 bsums with the eight mins, each taken twice, gives the
// eight min·(bsums[2j]+bsums[2j+1]). Per super-block both are summed to one
// int32 each, converted, and added with one scalar FMA each, by d·dA into
// acc and by dmin·dA into accmin; the result is acc − accmin. That is
// llama.cpp's repacked q4_K_8x8 gemv order, so the result equals
// dotQ4_KQ8_K bit for bit.

// q4kperm<> holds the four VPERMD indices that spread the dword scales
// s0..s7 over the lanes of the four pairs: lanes 0..7 get s(2c), lanes
// 8..15 get s(2c+1), for c = 0..3 at offsets 64c.
DATA q4kperm<>+0(SB)/8, $0x0000000000000000
DATA q4kperm<>+8(SB)/8, $0x0000000000000000
DATA q4kperm<>+16(SB)/8, $0x0000000000000000
DATA q4kperm<>+24(SB)/8, $0x0000000000000000
DATA q4kperm<>+32(SB)/8, $0x0000000100000001
DATA q4kperm<>+40(SB)/8, $0x0000000100000001
DATA q4kperm<>+48(SB)/8, $0x0000000100000001
DATA q4kperm<>+56(SB)/8, $0x0000000100000001
DATA q4kperm<>+64(SB)/8, $0x0000000200000002
DATA q4kperm<>+72(SB)/8, $0x0000000200000002
DATA q4kperm<>+80(SB)/8, $0x0000000200000002
DATA q4kperm<>+88(SB)/8, $0x0000000200000002
DATA q4kperm<>+96(SB)/8, $0x0000000300000003
DATA q4kperm<>+104(SB)/8, $0x0000000300000003
DATA q4kperm<>+112(SB)/8, $0x0000000300000003
DATA q4kperm<>+120(SB)/8, $0x0000000300000003
DATA q4kperm<>+128(SB)/8, $0x0000000400000004
DATA q4kperm<>+136(SB)/8, $0x0000000400000004
DATA q4kperm<>+144(SB)/8, $0x0000000400000004
DATA q4kperm<>+152(SB)/8, $0x0000000400000004
DATA q4kperm<>+160(SB)/8, $0x0000000500000005
DATA q4kperm<>+168(SB)/8, $0x0000000500000005
DATA q4kperm<>+176(SB)/8, $0x0000000500000005
DATA q4kperm<>+184(SB)/8, $0x0000000500000005
DATA q4kperm<>+192(SB)/8, $0x0000000600000006
DATA q4kperm<>+200(SB)/8, $0x0000000600000006
DATA q4kperm<>+208(SB)/8, $0x0000000600000006
DATA q4kperm<>+216(SB)/8, $0x0000000600000006
DATA q4kperm<>+224(SB)/8, $0x0000000700000007
DATA q4kperm<>+232(SB)/8, $0x0000000700000007
DATA q4kperm<>+240(SB)/8, $0x0000000700000007
DATA q4kperm<>+248(SB)/8, $0x0000000700000007
GLOBL q4kperm<>(SB), RODATA|NOPTR, $256

// Q4KCODES leaves in Zc the 64 codes of pair c (sub-blocks 2c, 2c+1) of
// the super-block at SI. Needs K1 (upper 16 words) and Z15 (bytes 0x0f).
#define Q4KCODES(c, Zc) \
	VBROADCASTI64X4 (16+32*c)(SI), Zc \
	VPSRLW          $4, Zc, K1, Zc    \
	VPANDQ          Z15, Zc, Zc

// Q4KPAIR adds to the dword lanes of acc the 16 four-element sums of pair c,
// each times its sub-block's scale; the first pair sets acc with VPMADDWD
// (op), the others accumulate with VPDPWSSD. The codes go through Zc, the
// sums through Zp, the scales through Zs; needs Z9 (the scales s0..s7 as
// dwords) and the pair's VPERMD index idx.
#define Q4KPAIR(c, Zc, Zp, Zs, idx, op, acc) \
	Q4KCODES(c, Zc)                      \
	VPXORD          Zp, Zp, Zp           \
	VPDPBUSD        (4+64*c)(DI), Zc, Zp \
	VPERMD          Z9, idx, Zs          \
	op              Zs, Zp, acc

// Q4KSCALES unpacks the 12 bytes of 6-bit scales and mins at 4(SI) into
// the eight scale bytes of R8 and the eight min bytes of R10 (sub-block j
// in byte j). With A, B, C the dwords at 4, 8 and 12: scales 0..3 are
// A&0x3f, mins 0..3 B&0x3f, scales 4..7 C&0x0f | (A>>6)<<4 and mins 4..7
// C>>4 | (B>>6)<<4, bytewise. Clobbers AX, BX, DX, R9.
#define Q4KSCALES \
	MOVL 4(SI), AX         \
	MOVL 8(SI), BX         \
	MOVL 12(SI), DX        \
	MOVL AX, R8            \
	ANDL $0x3f3f3f3f, R8   \
	MOVL DX, R9            \
	ANDL $0x0f0f0f0f, R9   \
	SHRL $2, AX            \
	ANDL $0x30303030, AX   \
	ORL  AX, R9            \
	MOVL BX, R10           \
	ANDL $0x3f3f3f3f, R10  \
	SHRL $4, DX            \
	ANDL $0x0f0f0f0f, DX   \
	SHRL $2, BX            \
	ANDL $0x30303030, BX   \
	ORL  BX, DX            \
	SHLQ $32, R9           \
	ORQ  R9, R8            \
	SHLQ $32, DX           \
	ORQ  DX, R10

// func dotQ4_KAVX512(w, a *byte, nb int) float32
TEXT ·dotQ4_KAVX512(SB), NOSPLIT, $0-28
	MOVQ w+0(FP), SI
	MOVQ a+8(FP), DI
	MOVQ nb+16(FP), CX
	MOVL $0xffff0000, AX
	KMOVD AX, K1
	MOVL $0x0f, AX
	VPBROADCASTB AX, Z15
	VMOVDQU64 q4kperm<>+0(SB), Z20
	VMOVDQU64 q4kperm<>+64(SB), Z21
	VMOVDQU64 q4kperm<>+128(SB), Z22
	VMOVDQU64 q4kperm<>+192(SB), Z23
	VPXORD Z0, Z0, Z0 // acc = Σ isum·(d·dA), lane 0
	VPXORD Z7, Z7, Z7 // accMin = Σ msum·(dmin·dA), lane 0
q4kloop:
	Q4KSCALES
	VMOVQ     R8, X9
	VPMOVZXBD X9, Y9
	Q4KPAIR(0, Z1, Z5, Z10, Z20, VPMADDWD, Z16)
	Q4KPAIR(1, Z2, Z6, Z11, Z21, VPDPWSSD, Z16)
	Q4KPAIR(2, Z3, Z8, Z12, Z22, VPDPWSSD, Z16)
	Q4KPAIR(3, Z4, Z17, Z18, Z23, VPDPWSSD, Z16)
	// The mins, each as a word pair, times the bsums.
	VMOVQ       R10, X13
	VPUNPCKLBW  X13, X13, X13
	VPMOVZXBW   X13, Y13
	VPMADDWD    260(DI), Y13, Y13
	// d·dA and dmin·dA.
	VMOVD        0(SI), X12
	VCVTPH2PS    X12, X12
	VBROADCASTSS 0(DI), X14
	VMULPS       X14, X12, X12
	VMOVSHDUP    X12, X14
	// The exact integer sums isum (X16) and msum (X13) of the block.
	VEXTRACTI64X4 $1, Z16, Y17
	VPADDD        Y17, Y16, Y16
	VEXTRACTI32X4 $1, Y16, X17
	VPADDD        X17, X16, X16
	VEXTRACTI32X4 $1, Y13, X17
	VPADDD        X17, X13, X13
	VPSHUFD       $0x4e, X16, X17
	VPADDD        X17, X16, X16
	VPSHUFD       $0x4e, X13, X17
	VPADDD        X17, X13, X13
	VPSHUFD       $0xb1, X16, X17
	VPADDD        X17, X16, X16
	VPSHUFD       $0xb1, X13, X17
	VPADDD        X17, X13, X13
	VCVTDQ2PS     X16, X16
	VCVTDQ2PS     X13, X13
	VFMADD231SS   X12, X16, X0
	VFMADD231SS   X14, X13, X7
	ADDQ $144, SI
	ADDQ $292, DI
	DECQ CX
	JNZ  q4kloop
	VSUBSS X7, X0, X0
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET
