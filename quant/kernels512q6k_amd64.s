#include "textflag.h"

// AVX-512 VNNI one-row Q6_K kernel (AVX-512F/BW/VL, AVX512-VNNI) in the
// float order of ggml's x86 ggml_vec_dot_q6_K_q8_K (see dotQ6_KQ8_K). Per
// super-block the 256 codes are formed 64 at a time: the 64 ql bytes of a
// 128-element half give its elements 0..63 (low nibbles) and 64..127 (high
// nibbles), and its 32 qh bytes, in both 256-bit halves of a register,
// their top two bits (bits 0-1 and 2-3, or 4-5 and 6-7). VPMADDUBSW with the
// activations and VPDPWSSD with the sub-block scales leave in dword d the
// scaled sum over elements 4d..4d+3 of a 64-element run, which is ggml's
// lane d mod 8; the two 256-bit halves are added, the 32·scale·bsum terms
// subtracted, and the eight lanes converted and accumulated with one FMA by
// d = y.d·f16(x.d) into eight float lanes, which are summed at the end in
// hsum_float_8's order.

// 0x0f in every byte.
DATA q6nib<>+0(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA q6nib<>+8(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA q6nib<>+16(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA q6nib<>+24(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA q6nib<>+32(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA q6nib<>+40(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA q6nib<>+48(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA q6nib<>+56(SB)/8, $0x0f0f0f0f0f0f0f0f
GLOBL q6nib<>(SB), RODATA|NOPTR, $64

// Masks of the high bits of the codes in the first (0x03, low half) and
// second (0x0c, high half) 32-element chunk of a half's low-nibble vector.
DATA q6hm0<>+0(SB)/8, $0x0303030303030303
DATA q6hm0<>+8(SB)/8, $0x0303030303030303
DATA q6hm0<>+16(SB)/8, $0x0303030303030303
DATA q6hm0<>+24(SB)/8, $0x0303030303030303
DATA q6hm0<>+32(SB)/8, $0x0c0c0c0c0c0c0c0c
DATA q6hm0<>+40(SB)/8, $0x0c0c0c0c0c0c0c0c
DATA q6hm0<>+48(SB)/8, $0x0c0c0c0c0c0c0c0c
DATA q6hm0<>+56(SB)/8, $0x0c0c0c0c0c0c0c0c
GLOBL q6hm0<>(SB), RODATA|NOPTR, $64

// Word shift counts that move those bits to bits 4-5: 4 and 2.
DATA q6hs0<>+0(SB)/8, $0x0004000400040004
DATA q6hs0<>+8(SB)/8, $0x0004000400040004
DATA q6hs0<>+16(SB)/8, $0x0004000400040004
DATA q6hs0<>+24(SB)/8, $0x0004000400040004
DATA q6hs0<>+32(SB)/8, $0x0002000200020002
DATA q6hs0<>+40(SB)/8, $0x0002000200020002
DATA q6hs0<>+48(SB)/8, $0x0002000200020002
DATA q6hs0<>+56(SB)/8, $0x0002000200020002
GLOBL q6hs0<>(SB), RODATA|NOPTR, $64

// The same for the high-nibble vector: masks 0x30 and 0xc0, right shifts
// 0 and 2.
DATA q6hm1<>+0(SB)/8, $0x3030303030303030
DATA q6hm1<>+8(SB)/8, $0x3030303030303030
DATA q6hm1<>+16(SB)/8, $0x3030303030303030
DATA q6hm1<>+24(SB)/8, $0x3030303030303030
DATA q6hm1<>+32(SB)/8, $0xc0c0c0c0c0c0c0c0
DATA q6hm1<>+40(SB)/8, $0xc0c0c0c0c0c0c0c0
DATA q6hm1<>+48(SB)/8, $0xc0c0c0c0c0c0c0c0
DATA q6hm1<>+56(SB)/8, $0xc0c0c0c0c0c0c0c0
GLOBL q6hm1<>(SB), RODATA|NOPTR, $64

DATA q6hs1<>+0(SB)/8, $0x0000000000000000
DATA q6hs1<>+8(SB)/8, $0x0000000000000000
DATA q6hs1<>+16(SB)/8, $0x0000000000000000
DATA q6hs1<>+24(SB)/8, $0x0000000000000000
DATA q6hs1<>+32(SB)/8, $0x0002000200020002
DATA q6hs1<>+40(SB)/8, $0x0002000200020002
DATA q6hs1<>+48(SB)/8, $0x0002000200020002
DATA q6hs1<>+56(SB)/8, $0x0002000200020002
GLOBL q6hs1<>(SB), RODATA|NOPTR, $64

// q6sc<>+64j: VPERMW indices that spread the sub-block scales 4j..4j+3
// (words of the sign-extended scales) over eight words each: the scales
// of the 16-bit products of VPMADDUBSW for elements 64j..64j+63 of a
// block.
DATA q6sc<>+0(SB)/8, $0x0000000000000000
DATA q6sc<>+8(SB)/8, $0x0000000000000000
DATA q6sc<>+16(SB)/8, $0x0001000100010001
DATA q6sc<>+24(SB)/8, $0x0001000100010001
DATA q6sc<>+32(SB)/8, $0x0002000200020002
DATA q6sc<>+40(SB)/8, $0x0002000200020002
DATA q6sc<>+48(SB)/8, $0x0003000300030003
DATA q6sc<>+56(SB)/8, $0x0003000300030003
DATA q6sc<>+64(SB)/8, $0x0004000400040004
DATA q6sc<>+72(SB)/8, $0x0004000400040004
DATA q6sc<>+80(SB)/8, $0x0005000500050005
DATA q6sc<>+88(SB)/8, $0x0005000500050005
DATA q6sc<>+96(SB)/8, $0x0006000600060006
DATA q6sc<>+104(SB)/8, $0x0006000600060006
DATA q6sc<>+112(SB)/8, $0x0007000700070007
DATA q6sc<>+120(SB)/8, $0x0007000700070007
DATA q6sc<>+128(SB)/8, $0x0008000800080008
DATA q6sc<>+136(SB)/8, $0x0008000800080008
DATA q6sc<>+144(SB)/8, $0x0009000900090009
DATA q6sc<>+152(SB)/8, $0x0009000900090009
DATA q6sc<>+160(SB)/8, $0x000a000a000a000a
DATA q6sc<>+168(SB)/8, $0x000a000a000a000a
DATA q6sc<>+176(SB)/8, $0x000b000b000b000b
DATA q6sc<>+184(SB)/8, $0x000b000b000b000b
DATA q6sc<>+192(SB)/8, $0x000c000c000c000c
DATA q6sc<>+200(SB)/8, $0x000c000c000c000c
DATA q6sc<>+208(SB)/8, $0x000d000d000d000d
DATA q6sc<>+216(SB)/8, $0x000d000d000d000d
DATA q6sc<>+224(SB)/8, $0x000e000e000e000e
DATA q6sc<>+232(SB)/8, $0x000e000e000e000e
DATA q6sc<>+240(SB)/8, $0x000f000f000f000f
DATA q6sc<>+248(SB)/8, $0x000f000f000f000f
GLOBL q6sc<>(SB), RODATA|NOPTR, $256

// -32 in every word: the factor of the bsums term.
DATA q6m32<>+0(SB)/8, $0xffe0ffe0ffe0ffe0
DATA q6m32<>+8(SB)/8, $0xffe0ffe0ffe0ffe0
DATA q6m32<>+16(SB)/8, $0xffe0ffe0ffe0ffe0
DATA q6m32<>+24(SB)/8, $0xffe0ffe0ffe0ffe0
GLOBL q6m32<>(SB), RODATA|NOPTR, $32

// Q6KCODES leaves in za the codes of elements 0..63 and in zb those of
// elements 64..127 of the half whose 64 ql bytes are at qlo(SI) and whose
// 32 qh bytes are at qho(SI). Clobbers Z0, Z1, Z5.
#define Q6KCODES(qlo, qho, za, zb) \
	VMOVDQU64       qlo(SI), Z0        \
	VBROADCASTI64X4 qho(SI), Z1        \
	VPANDQ          Z30, Z1, za        \
	VPSLLVW         Z29, za, za        \
	VPTERNLOGD      $0xf8, Z31, Z0, za \
	VPANDQ          Z28, Z1, zb        \
	VPSRLVW         Z27, zb, zb        \
	VPSRLW          $4, Z0, Z5         \
	VPTERNLOGD      $0xf8, Z31, Z5, zb

// Q6KBLOCK decodes the weight block at 0(SI): the codes of its four runs
// of 64 elements into Z2, Z3, Z4 and Z6, their sub-block scales spread
// over the words of VPMADDUBSW's products into Z18..Z21, -32·scales as 16
// words into Y7 and its f16 scale d, as f32, into every lane of Y26.
// Clobbers Z0, Z1, Z5, Z16.
#define Q6KBLOCK \
	VPMOVSXBW    192(SI), Y16            \
	VPERMW       Z16, Z22, Z18           \
	VPERMW       Z16, Z23, Z19           \
	VPERMW       Z16, Z24, Z20           \
	VPERMW       Z16, Z25, Z21           \
	VPMULLW      q6m32<>(SB), Y16, Y7    \
	VPBROADCASTW 208(SI), Y26            \
	VCVTPH2PS    X26, Y26                \
	Q6KCODES(0, 128, Z2, Z3)             \
	Q6KCODES(64, 160, Z4, Z6)

// Q6KACT adds the block's product with the Q8_K activation block at 0(R)
// to the eight float lanes facc, in ggml's order: the int32 lanes (dword
// d of the 64-element sums is ggml's lane d mod 8, so the two 256-bit
// halves are added), minus 32·(scale·bsum) over each lane's two runs of 16,
// converted, times d = f16(x.d)·y.d with one FMA. Clobbers Z12, Z13, zacc.
#define Q6KACT(R, zacc, yacc, facc) \
	VPMADDUBSW    4(R), Z2, Z12        \
	VPMADDWD      Z18, Z12, zacc       \
	VPMADDUBSW    68(R), Z3, Z13       \
	VPDPWSSD      Z19, Z13, zacc       \
	VPMADDUBSW    132(R), Z4, Z12      \
	VPDPWSSD      Z20, Z12, zacc       \
	VPMADDUBSW    196(R), Z6, Z13      \
	VPDPWSSD      Z21, Z13, zacc       \
	VEXTRACTI64X4 $1, zacc, Y12        \
	VPADDD        Y12, yacc, yacc      \
	VPDPWSSD      260(R), Y7, yacc     \
	VCVTDQ2PS     yacc, yacc           \
	VMULPS.BCST   0(R), Y26, Y13       \
	VFMADD231PS   yacc, Y13, facc

// Q6KCONSTS loads the masks, shift counts and scale indices.
#define Q6KCONSTS \
	VMOVDQU64 q6nib<>(SB), Z31     \
	VMOVDQU64 q6hm0<>(SB), Z30     \
	VMOVDQU64 q6hs0<>(SB), Z29     \
	VMOVDQU64 q6hm1<>(SB), Z28     \
	VMOVDQU64 q6hs1<>(SB), Z27     \
	VMOVDQU64 q6sc<>+0(SB), Z22    \
	VMOVDQU64 q6sc<>+64(SB), Z23   \
	VMOVDQU64 q6sc<>+128(SB), Z24  \
	VMOVDQU64 q6sc<>+192(SB), Z25

// HSUM8 leaves the sum of the eight floats of ysrc in X0 in the order of
// ggml's hsum_float_8: the upper four lanes onto the lower four, lanes 2-3
// onto 0-1, lane 1 onto lane 0. Clobbers X1.
#define HSUM8(ysrc, xsrc) \
	VEXTRACTF128 $1, ysrc, X1 \
	VADDPS       X1, xsrc, X0 \
	VMOVHLPS     X0, X0, X1   \
	VADDPS       X1, X0, X0   \
	VMOVSHDUP    X0, X1       \
	VADDSS       X1, X0, X0

// func dotQ6_KAVX512(w, a *byte, nb int) float32
TEXT ·dotQ6_KAVX512(SB), NOSPLIT, $0-28
	MOVQ   w+0(FP), SI
	MOVQ   a+8(FP), DI
	MOVQ   nb+16(FP), CX
	Q6KCONSTS
	VXORPS Y10, Y10, Y10

loop:
	TESTQ CX, CX
	JZ    done
	Q6KBLOCK
	Q6KACT(DI, Z8, Y8, Y10)
	ADDQ  $210, SI
	ADDQ  $292, DI
	DECQ  CX
	JMP   loop

done:
	HSUM8(Y10, X10)
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

// func dotQ6_Kx4AVX512(w, a *byte, astride, nb int, scales, y *float32, ystride int)
// is dotQ6_KAVX512 for four activation rows at a, a+astride, a+2·astride
// and a+3·astride (R8..R11), each with its own float lanes (Y14, Y15, Y10,
// Y11), storing to y[0], y[ystride], y[2·ystride] and y[3·ystride].
TEXT ·dotQ6_Kx4AVX512(SB), NOSPLIT, $0-56
	MOVQ   w+0(FP), SI
	MOVQ   a+8(FP), R8
	MOVQ   astride+16(FP), AX
	LEAQ   (R8)(AX*1), R9
	LEAQ   (R9)(AX*1), R10
	LEAQ   (R10)(AX*1), R11
	MOVQ   nb+24(FP), CX
	Q6KCONSTS
	VXORPS Y14, Y14, Y14
	VXORPS Y15, Y15, Y15
	VXORPS Y10, Y10, Y10
	VXORPS Y11, Y11, Y11

loop4:
	TESTQ CX, CX
	JZ    done4
	Q6KBLOCK
	Q6KACT(R8, Z8, Y8, Y14)
	Q6KACT(R9, Z9, Y9, Y15)
	Q6KACT(R10, Z8, Y8, Y10)
	Q6KACT(R11, Z9, Y9, Y11)
	ADDQ  $210, SI
	ADDQ  $292, R8
	ADDQ  $292, R9
	ADDQ  $292, R10
	ADDQ  $292, R11
	DECQ  CX
	JMP   loop4

done4:
	MOVQ y+40(FP), DX
	MOVQ ystride+48(FP), BX
	HSUM8(Y14, X14)
	VMOVSS X0, (DX)
	HSUM8(Y15, X15)
	VMOVSS X0, (DX)(BX*4)
	LEAQ   (DX)(BX*8), DX
	HSUM8(Y10, X10)
	VMOVSS X0, (DX)
	HSUM8(Y11, X11)
	VMOVSS X0, (DX)(BX*4)
	VZEROUPPER
	RET
