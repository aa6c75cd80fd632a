#include "textflag.h"

// AVX-512 VNNI one-row dot products (AVX-512F/BW/VL, AVX512-VNNI).
// Block layouts as in kernels_amd64.s:
//   Q4_0 {d f16; qs[16]}         18 bytes, 32 elements: element j < 16 is
//                                the low nibble of qs[j], j+16 the high one
//   Q8_0 {d f16; qs[32] int8}    34 bytes, 32 elements (activations)
// Two blocks fill one ZMM register. VPDPBUSD multiplies the unsigned
// nibbles by the signed activations; a second VPDPBUSD of the constant 8
// by the activations gives the offset 8·Σa that the −8 of Q4_0 removes.
// The int32 lanes (8 per block) are converted to float and multiplied by
// the block's dW·dA, broadcast over its 8 lanes, into float accumulators
// that are summed once per row.
// Q8_0 weights have no kernel here: ggml's float order (dotQ8_0Q8_0) is a
// chain of one fused multiply-add per block into eight float lanes, whose
// latency bounds a one-row kernel, so the AVX2 one (dotQ8_0AVX2) is as
// fast.

// idx2<> selects float 0 for lanes 0..7 and float 1 for lanes 8..15.
DATA idx2<>+0(SB)/8, $0
DATA idx2<>+8(SB)/8, $0
DATA idx2<>+16(SB)/8, $0
DATA idx2<>+24(SB)/8, $0
DATA idx2<>+32(SB)/8, $0x0000000100000001
DATA idx2<>+40(SB)/8, $0x0000000100000001
DATA idx2<>+48(SB)/8, $0x0000000100000001
DATA idx2<>+56(SB)/8, $0x0000000100000001
GLOBL idx2<>(SB), RODATA|NOPTR, $64

// Q40PAIR adds to acc the dot products of the Q4_0 blocks at wo(SI) and
// wo+18(SI) with the Q8_0 blocks at ao(DI) and ao+34(DI). Uses Z1..Z6,
// X8, X9, AX, BX, DX, R8; needs K1 (odd 128-bit lanes' words), Z13
// (idx2), Z14 (bytes 8) and Z15 (bytes 0x0f).
#define Q40PAIR(wo, ao, acc) \
	VMOVDQU       (wo+2)(SI), X1           \
	VINSERTI128   $1, (wo+20)(SI), Y1, Y1  \
	NIBBLES                                \
	VMOVDQU       (ao+2)(DI), Y3           \
	VINSERTI64X4  $1, (ao+36)(DI), Z3, Z3  \
	OFFSETDOT(Z14)                         \
	SCALEPAIR(wo, wo+18, ao, acc)

// NIBBLES spreads the 16 quant bytes of each Q4_0 block in the 128-bit
// lanes 0 and 1 of Z1 into the 32 element bytes of lanes 0-1 and 2-3 of
// Z2: low nibbles first, then high ones. Needs K1 and Z15.
#define NIBBLES \
	VSHUFI64X2    $0x50, Z1, Z1, Z2        \
	VPSRLW        $4, Z2, K1, Z2           \
	VPANDQ        Z15, Z2, Z2

// OFFSETDOT sets the int32 lanes of Z4 to Σ (u-k)·a over each group of four
// bytes, for the unsigned weight bytes u in Z2, the signed activations in
// Z3 and the weights' offset k, a byte broadcast in koff. Uses Z5.
#define OFFSETDOT(koff) \
	VPXORD        Z4, Z4, Z4               \
	VPDPBUSD      Z3, Z2, Z4               \
	VPXORD        Z5, Z5, Z5               \
	VPDPBUSD      Z3, koff, Z5             \
	VPSUBD        Z5, Z4, Z4

// SCALEPAIR adds the int32 lanes of Z4 (block 0 in lanes 0..7, block 1 in
// 8..15), converted to float and multiplied by each block's dW·dA, to acc.
// The f16 weight scales are at w0(SI) and w1(SI), the activation ones at
// ao(DI) and ao+34(DI). Uses Z6, X8, X9, AX, BX, DX, R8 and Z13 (idx2).
#define SCALEPAIR(w0, w1, ao, acc) \
	MOVWLZX       w0(SI), AX               \
	MOVWLZX       w1(SI), BX               \
	SHLL          $16, BX                  \
	ORL           BX, AX                   \
	MOVWLZX       ao(DI), DX               \
	MOVWLZX       (ao+34)(DI), R8          \
	SHLL          $16, R8                  \
	ORL           R8, DX                   \
	SCALELANES(acc)

// SCALELANES is the end of SCALEPAIR with the weight scales in AX and the
// activation scales in DX (block 1's in the high halves).
#define SCALELANES(acc) \
	VMOVD         AX, X8                   \
	VMOVD         DX, X9                   \
	VCVTPH2PS     X8, X8                   \
	VCVTPH2PS     X9, X9                   \
	VMULPS        X9, X8, X8               \
	VPERMPS       Z8, Z13, Z6              \
	VCVTDQ2PS     Z4, Z4                   \
	VFMADD231PS   Z6, Z4, acc

// ROWSUM leaves in X0 the sum of the float lanes of Z0 and Z7.
#define ROWSUM \
	VADDPS        Z7, Z0, Z0 \
	VEXTRACTF64X4 $1, Z0, Y1 \
	VADDPS        Y1, Y0, Y0 \
	VEXTRACTF128  $1, Y0, X1 \
	VADDPS        X1, X0, X0 \
	VMOVHLPS      X0, X0, X1 \
	VADDPS        X1, X0, X0 \
	VMOVSHDUP     X0, X1     \
	VADDSS        X1, X0, X0

// func dotQ4_0AVX512(w, a *byte, nb int) float32
TEXT ·dotQ4_0AVX512(SB), NOSPLIT, $0-28
	MOVQ w+0(FP), SI
	MOVQ a+8(FP), DI
	MOVQ nb+16(FP), CX
	MOVL $0xff00ff00, AX
	KMOVD AX, K1
	MOVL $0x0f, AX
	VPBROADCASTB AX, Z15
	MOVL $0x08, AX
	VPBROADCASTB AX, Z14
	VMOVDQU64 idx2<>(SB), Z13
	VPXORD Z0, Z0, Z0
	VPXORD Z7, Z7, Z7
q40loop4:
	CMPQ CX, $4
	JLT  q40pair
	Q40PAIR(0, 0, Z0)
	Q40PAIR(36, 68, Z7)
	ADDQ $72, SI
	ADDQ $136, DI
	SUBQ $4, CX
	JMP  q40loop4
q40pair:
	CMPQ CX, $2
	JLT  q40one
	Q40PAIR(0, 0, Z0)
	ADDQ $36, SI
	ADDQ $68, DI
	SUBQ $2, CX
q40one:
	TESTQ CX, CX
	JZ    q40done
	// One block: the same steps with the second block's bytes and scale
	// left zero, and nothing read past the row.
	VMOVDQU      2(SI), X1
	NIBBLES
	VMOVDQU      2(DI), Y3
	OFFSETDOT(Z14)
	MOVWLZX      0(SI), AX
	MOVWLZX      0(DI), DX
	SCALELANES(Z0)
q40done:
	ROWSUM
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET
