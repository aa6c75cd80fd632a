#include "textflag.h"

// AVX2+FMA+F16C dot products of one quantized weight row with one row of
// activations quantized to the type ggml pairs with it (Q8_0 for the 32-element
// formats, Q8_K for the k-quants). Block layouts are ggml's (ggml-common.h):
//   Q4_0 {d f16; qs[16]}            18 bytes, 32 elements
//   Q8_0 {d f16; qs[32] int8}       34 bytes, 32 elements
//   Q4_K {d, dmin f16; scales[12]; qs[128]}           144 bytes, 256 elements
//   Q6_K {ql[128]; qh[64]; scales[16] int8; d f16}    210 bytes, 256 elements
//   Q8_K {d f32; qs[256] int8; bsums[16] int16}       292 bytes, 256 elements
// Signed int8 products use VPMADDUBSW on |w| and sign(a, w), which needs
// activations in -127..127 (VPSIGNB cannot negate -128), as the Q8_0
// reference quantizer produces them; unsigned weight codes (the k-quants, Q4_1,
// Q5_1) go to VPMADDUBSW as they are and their offsets are removed through
// the per-16 activation sums (bsums) or subtracted from the codes.
// The AVX-512 kernels are in kernels512*_amd64.s, but for dotQ8_0x4VNNI,
// which shares this file's Q8_0 macros.

// ARGS4 loads the arguments of a four-activation kernel (defined before
// the first TEXT so that vet checks the FP offsets where the macro is used):
// R12 = astride, R13 = 3*astride, CX = nb, R14 = scales.
#define ARGS4 \
	MOVQ w+0(FP), SI        \
	MOVQ a+8(FP), DI        \
	MOVQ astride+16(FP), R12 \
	LEAQ (R12)(R12*2), R13  \
	MOVQ nb+24(FP), CX      \
	MOVQ scales+32(FP), R14

// STORE4 writes the four floats of X15 to y[0], y[ystride], y[2*ystride]
// and y[3*ystride].
#define STORE4 \
	MOVQ      y+40(FP), R10        \
	MOVQ      ystride+48(FP), R11  \
	VMOVSS    X15, (R10)           \
	VEXTRACTPS $1, X15, (R10)(R11*4) \
	LEAQ      (R10)(R11*8), R10    \
	VEXTRACTPS $2, X15, (R10)      \
	VEXTRACTPS $3, X15, (R10)(R11*4)

// REDUCE4 leaves in Xa the four int32 sums of the lanes of Ya, Yb, Yc, Yd.
// Clobbers Yb, Yc.
#define REDUCE4(Ya, Yb, Yc, Yd, Xa, Xc) \
	VPHADDD      Yb, Ya, Ya \
	VPHADDD      Yd, Yc, Yc \
	VPHADDD      Yc, Ya, Ya \
	VEXTRACTI128 $1, Ya, Xc \
	VPADDD       Xc, Xa, Xa

// Byte masks, 32 bytes each.
DATA nib<>+0(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA nib<>+8(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA nib<>+16(SB)/8, $0x0f0f0f0f0f0f0f0f
DATA nib<>+24(SB)/8, $0x0f0f0f0f0f0f0f0f
GLOBL nib<>(SB), RODATA|NOPTR, $32

DATA eight<>+0(SB)/8, $0x0808080808080808
DATA eight<>+8(SB)/8, $0x0808080808080808
DATA eight<>+16(SB)/8, $0x0808080808080808
DATA eight<>+24(SB)/8, $0x0808080808080808
GLOBL eight<>(SB), RODATA|NOPTR, $32

DATA onesw<>+0(SB)/8, $0x0001000100010001
DATA onesw<>+8(SB)/8, $0x0001000100010001
DATA onesw<>+16(SB)/8, $0x0001000100010001
DATA onesw<>+24(SB)/8, $0x0001000100010001
GLOBL onesw<>(SB), RODATA|NOPTR, $32

DATA sixteen<>+0(SB)/8, $0x1010101010101010
DATA sixteen<>+8(SB)/8, $0x1010101010101010
DATA sixteen<>+16(SB)/8, $0x1010101010101010
DATA sixteen<>+24(SB)/8, $0x1010101010101010
GLOBL sixteen<>(SB), RODATA|NOPTR, $32

DATA m04<>+0(SB)/8, $0x0404040404040404
DATA m04<>+8(SB)/8, $0x0404040404040404
DATA m04<>+16(SB)/8, $0x0404040404040404
DATA m04<>+24(SB)/8, $0x0404040404040404
GLOBL m04<>(SB), RODATA|NOPTR, $32

DATA m20<>+0(SB)/8, $0x2020202020202020
DATA m20<>+8(SB)/8, $0x2020202020202020
GLOBL m20<>(SB), RODATA|NOPTR, $16

// bsel<> and bbit<> spread the 32 bits of a Q5_0/Q5_1 qh word over 32
// bytes: VPSHUFB with bsel<> copies byte k/8 of the word to byte k (the
// word is in both lanes), bbit<> holds bit k%8 of byte k.
DATA bsel<>+0(SB)/8, $0x0000000000000000
DATA bsel<>+8(SB)/8, $0x0101010101010101
DATA bsel<>+16(SB)/8, $0x0202020202020202
DATA bsel<>+24(SB)/8, $0x0303030303030303
GLOBL bsel<>(SB), RODATA|NOPTR, $32

DATA bbit<>+0(SB)/8, $0x8040201008040201
DATA bbit<>+8(SB)/8, $0x8040201008040201
DATA bbit<>+16(SB)/8, $0x8040201008040201
DATA bbit<>+24(SB)/8, $0x8040201008040201
GLOBL bbit<>(SB), RODATA|NOPTR, $32

// High-bit masks of Q5_K and Q6_K: 0x03, 0x0c, 0x10, 0x30 in every byte.
DATA m03<>+0(SB)/8, $0x0303030303030303
DATA m03<>+8(SB)/8, $0x0303030303030303
DATA m03<>+16(SB)/8, $0x0303030303030303
DATA m03<>+24(SB)/8, $0x0303030303030303
GLOBL m03<>(SB), RODATA|NOPTR, $32

DATA m0c<>+0(SB)/8, $0x0c0c0c0c0c0c0c0c
DATA m0c<>+8(SB)/8, $0x0c0c0c0c0c0c0c0c
DATA m0c<>+16(SB)/8, $0x0c0c0c0c0c0c0c0c
DATA m0c<>+24(SB)/8, $0x0c0c0c0c0c0c0c0c
GLOBL m0c<>(SB), RODATA|NOPTR, $32

DATA m10<>+0(SB)/8, $0x1010101010101010
DATA m10<>+8(SB)/8, $0x1010101010101010
DATA m10<>+16(SB)/8, $0x1010101010101010
DATA m10<>+24(SB)/8, $0x1010101010101010
GLOBL m10<>(SB), RODATA|NOPTR, $32

DATA m30<>+0(SB)/8, $0x3030303030303030
DATA m30<>+8(SB)/8, $0x3030303030303030
DATA m30<>+16(SB)/8, $0x3030303030303030
DATA m30<>+24(SB)/8, $0x3030303030303030
GLOBL m30<>(SB), RODATA|NOPTR, $32

// wbc<>+32*j: VPSHUFB mask that broadcasts 16-bit word j of each 128-bit
// lane to the whole lane (j = 0..7).
DATA wbc<>+0(SB)/8, $0x0100010001000100
DATA wbc<>+8(SB)/8, $0x0100010001000100
DATA wbc<>+16(SB)/8, $0x0100010001000100
DATA wbc<>+24(SB)/8, $0x0100010001000100
DATA wbc<>+32(SB)/8, $0x0302030203020302
DATA wbc<>+40(SB)/8, $0x0302030203020302
DATA wbc<>+48(SB)/8, $0x0302030203020302
DATA wbc<>+56(SB)/8, $0x0302030203020302
DATA wbc<>+64(SB)/8, $0x0504050405040504
DATA wbc<>+72(SB)/8, $0x0504050405040504
DATA wbc<>+80(SB)/8, $0x0504050405040504
DATA wbc<>+88(SB)/8, $0x0504050405040504
DATA wbc<>+96(SB)/8, $0x0706070607060706
DATA wbc<>+104(SB)/8, $0x0706070607060706
DATA wbc<>+112(SB)/8, $0x0706070607060706
DATA wbc<>+120(SB)/8, $0x0706070607060706
DATA wbc<>+128(SB)/8, $0x0908090809080908
DATA wbc<>+136(SB)/8, $0x0908090809080908
DATA wbc<>+144(SB)/8, $0x0908090809080908
DATA wbc<>+152(SB)/8, $0x0908090809080908
DATA wbc<>+160(SB)/8, $0x0b0a0b0a0b0a0b0a
DATA wbc<>+168(SB)/8, $0x0b0a0b0a0b0a0b0a
DATA wbc<>+176(SB)/8, $0x0b0a0b0a0b0a0b0a
DATA wbc<>+184(SB)/8, $0x0b0a0b0a0b0a0b0a
DATA wbc<>+192(SB)/8, $0x0d0c0d0c0d0c0d0c
DATA wbc<>+200(SB)/8, $0x0d0c0d0c0d0c0d0c
DATA wbc<>+208(SB)/8, $0x0d0c0d0c0d0c0d0c
DATA wbc<>+216(SB)/8, $0x0d0c0d0c0d0c0d0c
DATA wbc<>+224(SB)/8, $0x0f0e0f0e0f0e0f0e
DATA wbc<>+232(SB)/8, $0x0f0e0f0e0f0e0f0e
DATA wbc<>+240(SB)/8, $0x0f0e0f0e0f0e0f0e
DATA wbc<>+248(SB)/8, $0x0f0e0f0e0f0e0f0e
GLOBL wbc<>(SB), RODATA|NOPTR, $256

// wpair<>+32*c: VPSHUFB mask that broadcasts word 2c of each lane to the low
// lane and word 2c+1 to the high lane (c = 0..3): the two per-16 scales of a
// 32-element Q6_K chunk, laid out to match VPMADDUBSW's output words.
DATA wpair<>+0(SB)/8, $0x0100010001000100
DATA wpair<>+8(SB)/8, $0x0100010001000100
DATA wpair<>+16(SB)/8, $0x0302030203020302
DATA wpair<>+24(SB)/8, $0x0302030203020302
DATA wpair<>+32(SB)/8, $0x0504050405040504
DATA wpair<>+40(SB)/8, $0x0504050405040504
DATA wpair<>+48(SB)/8, $0x0706070607060706
DATA wpair<>+56(SB)/8, $0x0706070607060706
DATA wpair<>+64(SB)/8, $0x0908090809080908
DATA wpair<>+72(SB)/8, $0x0908090809080908
DATA wpair<>+80(SB)/8, $0x0b0a0b0a0b0a0b0a
DATA wpair<>+88(SB)/8, $0x0b0a0b0a0b0a0b0a
DATA wpair<>+96(SB)/8, $0x0d0c0d0c0d0c0d0c
DATA wpair<>+104(SB)/8, $0x0d0c0d0c0d0c0d0c
DATA wpair<>+112(SB)/8, $0x0f0e0f0e0f0e0f0e
DATA wpair<>+120(SB)/8, $0x0f0e0f0e0f0e0f0e
GLOBL wpair<>(SB), RODATA|NOPTR, $128

// HSUM8 leaves the sum of the eight floats of Y0 in X0.
#define HSUM8 \
	VEXTRACTF128 $1, Y0, X1 \
	VADDPS       X1, X0, X0 \
	VMOVHLPS     X0, X0, X1 \
	VADDPS       X1, X0, X0 \
	VMOVSHDUP    X0, X1     \
	VADDSS       X1, X0, X0

// HSUMI leaves the sum of the int32 lanes of Y7, converted to float32, in
// every lane of X7. Clobbers X6. Summing the integers of a block before the
// conversion keeps the result exact when parts of the block cancel.
#define HSUMI \
	VEXTRACTI128 $1, Y7, X6   \
	VPADDD       X6, X7, X7   \
	VPSHUFD      $0x4e, X7, X6 \
	VPADDD       X6, X7, X7   \
	VPSHUFD      $0xb1, X7, X6 \
	VPADDD       X6, X7, X7   \
	VCVTDQ2PS    X7, X7

// SCALE2 broadcasts f16(wo(SI)) * f16(ao(DI)) to all lanes of Y1. Clobbers Y2.
#define SCALE2(wo, ao) \
	VPBROADCASTW wo(SI), X1     \
	VPBROADCASTW ao(DI), X2     \
	VCVTPH2PS    X1, Y1         \
	VCVTPH2PS    X2, Y2         \
	VMULPS       Y2, Y1, Y1

// SDOT32 adds scale Y1 times the int8 dot product of weights Y2 and the 32
// activations at ao(DI) to the float accumulator acc. Clobbers Y2-Y4.
#define SDOT32(ao, acc) \
	VMOVDQU     ao(DI), Y3     \
	VPABSB      Y2, Y4         \
	VPSIGNB     Y2, Y3, Y3     \
	VPMADDUBSW  Y3, Y4, Y3     \
	VPMADDWD    Y14, Y3, Y3    \
	VCVTDQ2PS   Y3, Y3         \
	VFMADD231PS Y3, Y1, acc

// Q8_0BLOCK: one Q8_0 weight block at wo(SI) with one Q8_0 block at ao(DI).
#define Q8_0BLOCK(wo, ao, acc) \
	SCALE2(wo, ao)          \
	VMOVDQU wo+2(SI), Y2    \
	SDOT32(ao+2, acc)

// Q4_0BLOCK: one Q4_0 weight block at wo(SI) with one Q8_0 block at ao(DI).
#define Q4_0BLOCK(wo, ao, acc) \
	SCALE2(wo, ao)                \
	VMOVDQU     wo+2(SI), X2      \
	VPSRLW      $4, X2, X3        \
	VINSERTI128 $1, X3, Y2, Y2    \
	VPAND       Y15, Y2, Y2       \
	VPSUBB      Y13, Y2, Y2       \
	SDOT32(ao+2, acc)

// The one-row Q8_0 and Q4_0 kernels take four blocks at a time: the f16
// scales of the four blocks are gathered and multiplied together, and each
// block's int32 lanes are converted and added to float lanes with its scale,
// which are summed once per row, not per block. Leftover blocks go one by one.

// Q8INT sets the int32 lanes of acc to the partial sums of the dot product
// of the Q8_0 weight block at wo(SI) with the activation block at ao(DI).
#define Q8INT(wo, ao, acc) \
	VMOVDQU    wo+2(SI), Y8  \
	VPABSB     Y8, Y9        \
	VMOVDQU    ao+2(DI), acc \
	VPSIGNB    Y8, acc, acc  \
	VPMADDUBSW acc, Y9, acc  \
	VPMADDWD   Y14, acc, acc

// Q4INT is Q8INT for the Q4_0 weight block at wo(SI). The codes stay
// unsigned (0..15) for VPMADDUBSW and the −8 offset comes off as 8·Σa pairs
// in 16 bits (|q·a pairs − 8·a pairs| ≤ 5888): two instructions fewer than
// the sign trick. Expects 8 in every byte of Y13. Clobbers Y8, Y9.
#define Q4INT(wo, ao, acc) \
	VMOVDQU     wo+2(SI), X8      \
	VPSRLW      $4, X8, X9        \
	VINSERTI128 $1, X9, Y8, Y8    \
	VPAND       Y15, Y8, Y8       \
	VPMADDUBSW  ao+2(DI), Y8, acc \
	VPMADDUBSW  ao+2(DI), Y13, Y9 \
	VPSUBW      Y9, acc, acc      \
	VPMADDWD    Y14, acc, acc

// SCALES4 leaves in X12 the products of the f16 scales of four weight
// blocks (wbytes apart from 0(SI)) and four Q8_0 blocks (from 0(DI)). The
// eight halves are gathered in AX and DX with integer instructions, which
// leave the vector ports to the dot products. Clobbers AX, BX, DX.
#define SCALES4(wbytes) \
	MOVWQZX   0(SI), AX          \
	MOVWQZX   wbytes(SI), BX     \
	SHLQ      $16, BX            \
	ORQ       BX, AX             \
	MOVWQZX   2*wbytes(SI), BX   \
	SHLQ      $32, BX            \
	ORQ       BX, AX             \
	MOVWQZX   3*wbytes(SI), BX   \
	SHLQ      $48, BX            \
	ORQ       BX, AX             \
	MOVWQZX   0(DI), DX          \
	MOVWQZX   34(DI), BX         \
	SHLQ      $16, BX            \
	ORQ       BX, DX             \
	MOVWQZX   68(DI), BX         \
	SHLQ      $32, BX            \
	ORQ       BX, DX             \
	MOVWQZX   102(DI), BX        \
	SHLQ      $48, BX            \
	ORQ       BX, DX             \
	VMOVQ     AX, X12            \
	VMOVQ     DX, X11            \
	VCVTPH2PS X12, X12           \
	VCVTPH2PS X11, X11           \
	VMULPS    X11, X12, X12

// SCALED4 adds the int32 lanes of Y0..Y3 (blocks 0..3), converted to
// float and times the lanes 0..3 of X12 (their scale products), to the
// float lanes of acc02 (blocks 0 and 2) and acc13 (blocks 1 and 3), one
// block after the other, each with one fused multiply-add.
// Clobbers Y0..Y3, Y6, Y7, Y12.
#define SCALED4(acc02, acc13) \
	VINSERTF128 $1, X12, Y12, Y12 \
	VCVTDQ2PS   Y0, Y0            \
	VCVTDQ2PS   Y1, Y1            \
	VCVTDQ2PS   Y2, Y2            \
	VCVTDQ2PS   Y3, Y3            \
	VPERMILPS   $0x00, Y12, Y6    \
	VPERMILPS   $0x55, Y12, Y7    \
	VFMADD231PS Y0, Y6, acc02     \
	VFMADD231PS Y1, Y7, acc13     \
	VPERMILPS   $0xaa, Y12, Y6    \
	VPERMILPS   $0xff, Y12, Y7    \
	VFMADD231PS Y2, Y6, acc02     \
	VFMADD231PS Y3, Y7, acc13

// DOT4DONE adds four blocks' scaled lanes to Y10 and Y5, which are summed
// once per row (ONEROWEND), not per block.
#define DOT4DONE SCALED4(Y10, Y5)

// ONEROWEND leaves the sum of the lanes of Y5 and Y10 in X0.
#define ONEROWEND \
	VADDPS       Y10, Y5, Y5 \
	VEXTRACTF128 $1, Y5, X6 \
	VADDPS       X6, X5, X0 \
	VMOVHLPS     X0, X0, X1 \
	VADDPS       X1, X0, X0 \
	VMOVSHDUP    X0, X1     \
	VADDSS       X1, X0, X0

// Q8DOT4DONE adds four blocks' scaled lanes to the single accumulator Y5,
// one block after the other: ggml's order (dotQ8_0Q8_0).
#define Q8DOT4DONE SCALED4(Y5, Y5)

// func dotQ8_0AVX2(w, a *byte, nb int) float32
TEXT ·dotQ8_0AVX2(SB), NOSPLIT, $0-28
	MOVQ w+0(FP), SI
	MOVQ a+8(FP), DI
	MOVQ nb+16(FP), CX
	VMOVDQU onesw<>(SB), Y14
	VXORPS Y5, Y5, Y5
q8loop4:
	CMPQ CX, $4
	JLT  q8tail
	SCALES4(34)
	Q8INT(0, 0, Y0)
	Q8INT(34, 34, Y1)
	Q8INT(68, 68, Y2)
	Q8INT(102, 102, Y3)
	Q8DOT4DONE
	ADDQ $136, SI
	ADDQ $136, DI
	SUBQ $4, CX
	JMP  q8loop4
q8tail:
	TESTQ CX, CX
	JZ    q8done
	Q8_0BLOCK(0, 0, Y5)
	ADDQ $34, SI
	ADDQ $34, DI
	DECQ CX
	JMP  q8tail
q8done:
	VMOVAPS Y5, Y0
	HSUM8
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

// func dotQ4_0AVX2(w, a *byte, nb int) float32
TEXT ·dotQ4_0AVX2(SB), NOSPLIT, $0-28
	MOVQ w+0(FP), SI
	MOVQ a+8(FP), DI
	MOVQ nb+16(FP), CX
	VMOVDQU onesw<>(SB), Y14
	VMOVDQU nib<>(SB), Y15
	VMOVDQU eight<>(SB), Y13
	VXORPS Y5, Y5, Y5
	VXORPS Y10, Y10, Y10
q40loop4:
	CMPQ CX, $4
	JLT  q40tail
	Q4INT(0, 0, Y0)
	Q4INT(18, 34, Y1)
	Q4INT(36, 68, Y2)
	Q4INT(54, 102, Y3)
	SCALES4(18)
	DOT4DONE
	ADDQ $72, SI
	ADDQ $136, DI
	SUBQ $4, CX
	JMP  q40loop4
q40tail:
	TESTQ CX, CX
	JZ    q40done
	Q4_0BLOCK(0, 0, Y5)
	ADDQ $18, SI
	ADDQ $34, DI
	DECQ CX
	JMP  q40tail
q40done:
	ONEROWEND
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

// UNPACKSC unpacks the 12 bytes of 6-bit scales and mins of a Q4_K or
// Q5_K block at 4(SI) into the eight scale bytes of R8 and the eight min
// bytes of R10. Clobbers AX, BX, DX, R9, R11.
#define UNPACKSC \
	MOVL 4(SI), AX         \
	MOVL 8(SI), BX         \
	MOVL 12(SI), DX        \
	MOVL AX, R8            \
	ANDL $0x3f3f3f3f, R8   \
	MOVL AX, R9            \
	SHRL $6, R9            \
	ANDL $0x03030303, R9   \
	SHLL $4, R9            \
	MOVL DX, R10           \
	ANDL $0x0f0f0f0f, R10  \
	ORL  R10, R9           \
	MOVL BX, R10           \
	ANDL $0x3f3f3f3f, R10  \
	MOVL BX, R11           \
	SHRL $6, R11           \
	ANDL $0x03030303, R11  \
	SHLL $4, R11           \
	SHRL $4, DX            \
	ANDL $0x0f0f0f0f, DX   \
	ORL  DX, R11           \
	SHLQ $32, R9           \
	ORQ  R9, R8            \
	SHLQ $32, R11          \
	ORQ  R11, R10

// KMSTART begins a Q4_K/Q5_K block in the one-row kernels: Y5 gets the
// scales as words in both lanes, minop X7, X2, macc applies the f32
// mins·bsums (X7) and dmin*d8 (X2) to the accumulator macc (lane 0), X1
// (lane 0) gets d*d8, and Y7 is cleared for the scaled sums.
#define KMSTART(minop, macc) \
	UNPACKSC                      \
	VMOVQ R8, X5                  \
	VPMOVZXBW X5, X5              \
	VINSERTI128 $1, X5, Y5, Y5    \
	VMOVQ R10, X6                 \
	VPMOVZXBW X6, X6              \
	VMOVDQU 260(DI), X9           \
	VMOVDQU 276(DI), X10          \
	VPHADDW X10, X9, X9           \
	VPMADDWD X9, X6, X7           \
	VPXOR X9, X9, X9              \
	VPHADDD X9, X7, X7            \
	VPHADDD X9, X7, X7            \
	VCVTDQ2PS X7, X7              \
	MOVL 0(SI), AX                \
	VMOVD AX, X1                  \
	VCVTPH2PS X1, X1              \
	VBROADCASTSS 0(DI), X2        \
	VMULPS X2, X1, X1             \
	VMOVSHDUP X1, X2              \
	minop X7, X2, macc            \
	VPXOR Y7, Y7, Y7

// KMEND adds d*d8 times the integer sum of the block to X8.
#define KMEND \
	HSUMI                  \
	VFMADD231SS X7, X1, X8

// NIB loads 32 bytes of nibbles at qo(SI): low nibbles to Y3, high to Y4.
#define NIB(qo) \
	VMOVDQU qo(SI), Y3  \
	VPSRLW  $4, Y3, Y4  \
	VPAND   Y15, Y3, Y3 \
	VPAND   Y15, Y4, Y4

// HIBIT ORs bit k of every qh byte (Yqh), moved to bit 4, into Ycode;
// shift is VPSLLW $(4-k) for k <= 4 and VPSRLW $(k-4) above. Clobbers Yt.
#define HIBIT(shift, n, Yqh, Ycode, Yt) \
	shift $n, Yqh, Yt        \
	VPAND m10<>(SB), Yt, Yt  \
	VPOR  Yt, Ycode, Ycode

// KMDOT: the codes Y3 (sub-block 2c) and Y4 (2c+1) times the 64
// activations at ao(DI), times their scales (words m0, m1 of Y5), add to
// the int32 lanes of Y7.
#define KMDOT(ao, m0, m1) \
	VPMADDUBSW ao(DI), Y3, Y3    \
	VPMADDUBSW ao+32(DI), Y4, Y4 \
	VPSHUFB    m0, Y5, Y6        \
	VPMADDWD   Y6, Y3, Y3        \
	VPSHUFB    m1, Y5, Y6        \
	VPMADDWD   Y6, Y4, Y4        \
	VPADDD     Y3, Y7, Y7        \
	VPADDD     Y4, Y7, Y7

// dotQ4_KAVX2 follows llama.cpp's order for repacked Q4_K weights (see
// q4KAcc): X8 accumulates isum·(d*d8) and X11 msum·(dmin*d8), one fused
// multiply-add each per block, and the result is X8 − X11.
//
// func dotQ4_KAVX2(w, a *byte, nb int) float32
TEXT ·dotQ4_KAVX2(SB), NOSPLIT, $0-28
	MOVQ w+0(FP), SI
	MOVQ a+8(FP), DI
	MOVQ nb+16(FP), CX
	VMOVDQU nib<>(SB), Y15
	VXORPS X8, X8, X8   // acc, in lane 0
	VXORPS X11, X11, X11 // accMin, in lane 0
q4kloop:
	KMSTART(VFMADD231SS, X11)
	NIB(16)
	KMDOT(4, wbc<>+0(SB), wbc<>+32(SB))
	NIB(48)
	KMDOT(68, wbc<>+64(SB), wbc<>+96(SB))
	NIB(80)
	KMDOT(132, wbc<>+128(SB), wbc<>+160(SB))
	NIB(112)
	KMDOT(196, wbc<>+192(SB), wbc<>+224(SB))
	KMEND
	ADDQ $144, SI
	ADDQ $292, DI
	DECQ CX
	JNZ  q4kloop
	VSUBSS X11, X8, X8
	VMOVSS X8, ret+24(FP)
	VZEROUPPER
	RET

// Q5_K {d, dmin f16; scales[12]; qh[32]; qs[128]} 176 bytes: a Q4_K block
// whose codes get a fifth bit, bit j of qh[l] for element l of sub-block j.

// func dotQ5_KAVX2(w, a *byte, nb int) float32
TEXT ·dotQ5_KAVX2(SB), NOSPLIT, $0-28
	MOVQ w+0(FP), SI
	MOVQ a+8(FP), DI
	MOVQ nb+16(FP), CX
	VMOVDQU nib<>(SB), Y15
	VXORPS X8, X8, X8 // the result, in lane 0
q5kloop:
	KMSTART(VFNMADD231SS, X8)
	VMOVDQU 16(SI), Y9
	NIB(48)
	HIBIT(VPSLLW, 4, Y9, Y3, Y10)
	HIBIT(VPSLLW, 3, Y9, Y4, Y10)
	KMDOT(4, wbc<>+0(SB), wbc<>+32(SB))
	NIB(80)
	HIBIT(VPSLLW, 2, Y9, Y3, Y10)
	HIBIT(VPSLLW, 1, Y9, Y4, Y10)
	KMDOT(68, wbc<>+64(SB), wbc<>+96(SB))
	NIB(112)
	HIBIT(VPSLLW, 0, Y9, Y3, Y10)
	HIBIT(VPSRLW, 1, Y9, Y4, Y10)
	KMDOT(132, wbc<>+128(SB), wbc<>+160(SB))
	NIB(144)
	HIBIT(VPSRLW, 2, Y9, Y3, Y10)
	HIBIT(VPSRLW, 3, Y9, Y4, Y10)
	KMDOT(196, wbc<>+192(SB), wbc<>+224(SB))
	KMEND
	ADDQ $176, SI
	ADDQ $292, DI
	DECQ CX
	JNZ  q5kloop
	VMOVSS X8, ret+24(FP)
	VZEROUPPER
	RET

// Q6KCODE finishes one 32-element chunk of 6-bit codes in Y6 (low nibble)
// and Y4 (high bits already in place): the codes times the activations at
// ao(DI), scaled by the per-16 scales that mask m picks from S, add to Y7.
#define Q6KDOT(ao, m, S) \
	VPOR       Y4, Y6, Y6     \
	VPMADDUBSW ao(DI), Y6, Y6 \
	VPSHUFB    m, S, Y4       \
	VPMADDWD   Y4, Y6, Y6     \
	VPADDD     Y6, Y7, Y7

// Q6KHALF: 128 elements of a Q6_K block: ql at qlo(SI), qh at qho(SI),
// activations at ao(DI), scales from lane S.
#define Q6KHALF(qlo, qho, ao, S) \
	VMOVDQU qlo(SI), Y2            \
	VMOVDQU qlo+32(SI), Y3         \
	VMOVDQU qho(SI), Y5            \
	VPAND   Y15, Y2, Y6            \
	VPAND   Y14, Y5, Y4            \
	VPSLLW  $4, Y4, Y4             \
	Q6KDOT(ao, wpair<>+0(SB), S)   \
	VPAND   Y15, Y3, Y6            \
	VPAND   Y13, Y5, Y4            \
	VPSLLW  $2, Y4, Y4             \
	Q6KDOT(ao+32, wpair<>+32(SB), S) \
	VPSRLW  $4, Y2, Y6             \
	VPAND   Y15, Y6, Y6            \
	VPAND   Y12, Y5, Y4            \
	Q6KDOT(ao+64, wpair<>+64(SB), S) \
	VPSRLW  $4, Y3, Y6             \
	VPAND   Y15, Y6, Y6            \
	VPSRLW  $2, Y5, Y4             \
	VPAND   Y12, Y4, Y4            \
	Q6KDOT(ao+96, wpair<>+96(SB), S)

// func dotQ6_KAVX2(w, a *byte, nb int) float32
TEXT ·dotQ6_KAVX2(SB), NOSPLIT, $0-28
	MOVQ w+0(FP), SI
	MOVQ a+8(FP), DI
	MOVQ nb+16(FP), CX
	VMOVDQU nib<>(SB), Y15
	VMOVDQU m03<>(SB), Y14
	VMOVDQU m0c<>(SB), Y13
	VMOVDQU m30<>(SB), Y12
	VXORPS Y0, Y0, Y0
q6kloop:
	TESTQ CX, CX
	JZ    q6kdone
	VPMOVSXBW 192(SI), Y10 // 16 scales as words
	VPERMQ $0x44, Y10, Y8  // scales 0..7 in both lanes
	VPERMQ $0xee, Y10, Y9  // scales 8..15 in both lanes
	// 32 * sum(scale * bsum) removes the +32 offset of the codes.
	VMOVDQU 260(DI), Y11
	VPMADDWD Y11, Y10, Y7
	VPSLLD $5, Y7, Y7
	VPXOR Y11, Y11, Y11
	VPSUBD Y7, Y11, Y7
	Q6KHALF(0, 128, 4, Y8)
	Q6KHALF(64, 160, 132, Y9)
	// d * d8
	MOVWLZX 208(SI), AX
	VMOVD AX, X1
	VCVTPH2PS X1, X1
	VMULSS 0(DI), X1, X1
	// ggml's order: the int32 lanes, converted, times d into float lanes.
	VCVTDQ2PS    Y7, Y7
	VBROADCASTSS X1, Y1
	VFMADD231PS  Y7, Y1, Y0
	ADDQ $210, SI
	ADDQ $292, DI
	DECQ CX
	JMP  q6kloop
q6kdone:
	HSUM8
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

// Four-activation kernels: one weight row against four activation rows at
// a (a, a+astride, a+2*astride, a+3*astride), so that each weight block is
// loaded and decoded once for four dot products. R12 = astride and
// R13 = 3*astride address the activation rows; the four results go to
// y[0], y[ystride], y[2*ystride] and y[3*ystride].

// Q8ACT sets the int32 lanes of acc to the partial sums of the int8 dot
// product of the signed weights (|w| in Y11, w in Y10) with the 32
// activations at mem.
#define Q8ACT(mem, acc) \
	VMOVDQU      mem, acc       \
	VPSIGNB      Y10, acc, acc  \
	VPMADDUBSW   acc, Y11, acc  \
	VPMADDWD     Y13, acc, acc

// PAIRF adds the int32 lanes of Ya (row 2k) and Yb (row 2k+1) to the float
// lanes of acc: the two rows are folded into one register (lanes 0, 1, 4, 5
// row 2k, lanes 2, 3, 6, 7 row 2k+1), converted and scaled by the lanes of
// Y8 that sel picks. Clobbers Ya, Yb, Y9.
#define PAIRF(Ya, Yb, sel, acc) \
	VPUNPCKLQDQ Yb, Ya, Y9  \
	VPUNPCKHQDQ Yb, Ya, Ya  \
	VPADDD      Y9, Ya, Ya  \
	VCVTDQ2PS   Ya, Ya      \
	VPERMILPS   $sel, Y8, Y9 \
	VFMADD231PS Ya, Y9, acc

// Q8ACT4 adds one block of the four rows to the float lanes of Y4 (rows 0
// and 1) and Y5 (rows 2 and 3), Y8 holding the four products of the weight
// scale (Y12) and the activation scales at (R14) in both halves. The lanes
// are summed once per row, at the end (F4END), not per block.
#define Q8ACT4 \
	VBROADCASTF128 (R14), Y8          \
	VMULPS       Y12, Y8, Y8          \
	Q8ACT(2(DI), Y0)                  \
	Q8ACT(2(DI)(R12*1), Y1)           \
	Q8ACT(2(DI)(R12*2), Y2)           \
	Q8ACT(2(DI)(R13*1), Y3)           \
	PAIRF(Y0, Y1, 0x50, Y4)           \
	PAIRF(Y2, Y3, 0xfa, Y5)

// F4START clears the float accumulators Y4, Y5 of Q8ACT4.
#define F4START \
	VXORPS Y4, Y4, Y4 \
	VXORPS Y5, Y5, Y5

// F4END leaves in X15 the sums of the four rows' lanes of Y4 and Y5.
#define F4END \
	VEXTRACTF128 $1, Y4, X0 \
	VADDPS       X0, X4, X4 \
	VEXTRACTF128 $1, Y5, X0 \
	VADDPS       X0, X5, X5 \
	VHADDPS      X5, X4, X15

// Q8ROWF adds the int32 lanes of Yi, converted to float and times the lane
// of Y8 that sel picks (row i's scale product), to the float lanes of acc
// with one fused multiply-add, as dotQ8_0Q8_0 does. Clobbers Yi, Y9.
#define Q8ROWF(Yi, sel, acc) \
	VCVTDQ2PS   Yi, Yi      \
	VPERMILPS   $sel, Y8, Y9 \
	VFMADD231PS Yi, Y9, acc

// Q8SCALE4 sets Y8 to the four products of the weight scale (Y12) and the
// activation scales at (R14), in both halves.
#define Q8SCALE4 \
	VBROADCASTF128 (R14), Y8 \
	VMULPS       Y12, Y8, Y8

// Q8ROWF4 adds the int32 lanes of Y0..Y3 (rows 0..3) to the float lanes of
// Y4..Y7 (one register of eight lanes per row) in ggml's order
// (dotQ8_0Q8_0).
#define Q8ROWF4 \
	Q8ROWF(Y0, 0x00, Y4) \
	Q8ROWF(Y1, 0x55, Y5) \
	Q8ROWF(Y2, 0xaa, Y6) \
	Q8ROWF(Y3, 0xff, Y7)

// Q8EXACT4 is Q8ACT4 for Q8_0 weights in ggml's order: it adds one block
// of the four rows to the float lanes of Y4..Y7.
#define Q8EXACT4 \
	Q8SCALE4                \
	Q8ACT(2(DI), Y0)        \
	Q8ACT(2(DI)(R12*1), Y1) \
	Q8ACT(2(DI)(R12*2), Y2) \
	Q8ACT(2(DI)(R13*1), Y3) \
	Q8ROWF4

// Q8VNNI is Q8ACT with one VPDPBUSD (AVX512-VNNI, AVX-512VL) in place of
// VPMADDUBSW and VPMADDWD: the same lanes, exact. Clobbers Y14.
#define Q8VNNI(mem, acc) \
	VMOVDQU  mem, Y14        \
	VPSIGNB  Y10, Y14, Y14   \
	VPXOR    acc, acc, acc   \
	VPDPBUSD Y14, Y11, acc

// Q8VNNI4 is Q8EXACT4 with Q8VNNI.
#define Q8VNNI4 \
	Q8SCALE4                 \
	Q8VNNI(2(DI), Y0)        \
	Q8VNNI(2(DI)(R12*1), Y1) \
	Q8VNNI(2(DI)(R12*2), Y2) \
	Q8VNNI(2(DI)(R13*1), Y3) \
	Q8ROWF4

// Q8ROWSUMS leaves in X15 the sums of the eight lanes of each of Y4..Y7 in
// the order of hsum8: the upper four lanes onto the lower four, lanes 2
// and 3 onto 0 and 1 (two rows at a time), then lane 1 onto lane 0.
// Clobbers Y0..Y7.
#define Q8ROWSUMS \
	VEXTRACTF128 $1, Y4, X0 \
	VADDPS       X0, X4, X4 \
	VEXTRACTF128 $1, Y5, X1 \
	VADDPS       X1, X5, X5 \
	VEXTRACTF128 $1, Y6, X2 \
	VADDPS       X2, X6, X6 \
	VEXTRACTF128 $1, Y7, X3 \
	VADDPS       X3, X7, X7 \
	VUNPCKLPD    X5, X4, X0 \
	VUNPCKHPD    X5, X4, X1 \
	VADDPS       X1, X0, X0 \
	VUNPCKLPD    X7, X6, X2 \
	VUNPCKHPD    X7, X6, X3 \
	VADDPS       X3, X2, X2 \
	VHADDPS      X2, X0, X15

// func dotQ8_0x4AVX2(w, a *byte, astride, nb int, scales, y *float32, ystride int)
TEXT ·dotQ8_0x4AVX2(SB), NOSPLIT, $0-56
	ARGS4
	VMOVDQU onesw<>(SB), Y13
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
q8x4loop:
	VPBROADCASTW 0(SI), X12
	VCVTPH2PS    X12, Y12
	VMOVDQU      2(SI), Y10
	VPABSB       Y10, Y11
	Q8EXACT4
	ADDQ $34, SI
	ADDQ $34, DI
	ADDQ $16, R14
	DECQ CX
	JNZ  q8x4loop
	Q8ROWSUMS
	STORE4
	VZEROUPPER
	RET

// func dotQ8_0x4VNNI(w, a *byte, astride, nb int, scales, y *float32, ystride int)
// is dotQ8_0x4AVX2 for CPUs with AVX512-VNNI and AVX-512VL.
TEXT ·dotQ8_0x4VNNI(SB), NOSPLIT, $0-56
	ARGS4
	VXORPS Y4, Y4, Y4
	VXORPS Y5, Y5, Y5
	VXORPS Y6, Y6, Y6
	VXORPS Y7, Y7, Y7
q8x4vloop:
	VPBROADCASTW 0(SI), X12
	VCVTPH2PS    X12, Y12
	VMOVDQU      2(SI), Y10
	VPABSB       Y10, Y11
	Q8VNNI4
	ADDQ $34, SI
	ADDQ $34, DI
	ADDQ $16, R14
	DECQ CX
	JNZ  q8x4vloop
	Q8ROWSUMS
	STORE4
	VZEROUPPER
	RET

// func dotQ4_0x4AVX2(w, a *byte, astride, nb int, scales, y *float32, ystride int)
TEXT ·dotQ4_0x4AVX2(SB), NOSPLIT, $0-56
	ARGS4
	VMOVDQU onesw<>(SB), Y13
	VMOVDQU nib<>(SB), Y14
	F4START
q40x4loop:
	VPBROADCASTW 0(SI), X12
	VCVTPH2PS    X12, Y12
	VMOVDQU      2(SI), X10
	VPSRLW       $4, X10, X11
	VINSERTI128  $1, X11, Y10, Y10
	VPAND        Y14, Y10, Y10
	VPSUBB       eight<>(SB), Y10, Y10
	VPABSB       Y10, Y11
	Q8ACT4
	ADDQ $18, SI
	ADDQ $34, DI
	ADDQ $16, R14
	DECQ CX
	JNZ  q40x4loop
	F4END
	STORE4
	VZEROUPPER
	RET

// Q4KACT: one activation row's share of a Q4_K/Q5_K chunk: codes Y12
// (sub-block 2c) and Y13 (2c+1), their scales as words in Y10 and Y11.
#define Q4KACT(m0, m1, acc) \
	VPMADDUBSW m0, Y12, Y8 \
	VPMADDWD   Y10, Y8, Y8 \
	VPADDD     Y8, acc, acc \
	VPMADDUBSW m1, Y13, Y9 \
	VPMADDWD   Y11, Y9, Y9 \
	VPADDD     Y9, acc, acc

// NIB4 loads 32 bytes of nibbles at qo(SI): low nibbles to Y12, high to Y13.
#define NIB4(qo) \
	VMOVDQU qo(SI), Y12         \
	VPSRLW  $4, Y12, Y13        \
	VPAND   nib<>(SB), Y12, Y12 \
	VPAND   nib<>(SB), Y13, Y13

// KMDOT4: the codes Y12 and Y13 against 64 activations of each of the four
// rows at ao, with the scale words s0, s1 picked from Y14.
#define KMDOT4(ao, s0, s1) \
	VPSHUFB s0, Y14, Y10    \
	VPSHUFB s1, Y14, Y11    \
	Q4KACT(ao(DI), ao+32(DI), Y0)                   \
	Q4KACT(ao(DI)(R12*1), ao+32(DI)(R12*1), Y1)     \
	Q4KACT(ao(DI)(R12*2), ao+32(DI)(R12*2), Y2)     \
	Q4KACT(ao(DI)(R13*1), ao+32(DI)(R13*1), Y3)

// D8VEC loads the f32 scales of the four Q8_K activation blocks into X5.
#define D8VEC \
	VMOVSS   0(DI), X5                   \
	VINSERTPS $0x10, 0(DI)(R12*1), X5, X5 \
	VINSERTPS $0x20, 0(DI)(R12*2), X5, X5 \
	VINSERTPS $0x30, 0(DI)(R13*1), X5, X5

// ZERO4 clears the integer sums Y0..Y3 of the four rows.
#define ZERO4 \
	VPXOR Y0, Y0, Y0 \
	VPXOR Y1, Y1, Y1 \
	VPXOR Y2, Y2, Y2 \
	VPXOR Y3, Y3, Y3

// KMMINS4 begins a Q4_K/Q5_K block in the four-row kernels: Y14 gets the
// scales as words in both lanes and Y4..Y7 the int32 min·(bsums[2j] +
// bsums[2j+1]) of sub-blocks j = 0..7 of rows 0..3 (dword j).
#define KMMINS4 \
	UNPACKSC                        \
	VMOVQ R8, X14                   \
	VPMOVZXBW X14, X14              \
	VINSERTI128 $1, X14, Y14, Y14   \
	VMOVQ R10, X8                   \
	VPMOVZXBW X8, X8                \
	VPUNPCKLWD X8, X8, X9           \
	VPUNPCKHWD X8, X8, X8           \
	VINSERTI128 $1, X8, Y9, Y9      \
	VPMADDWD 260(DI), Y9, Y4        \
	VPMADDWD 260(DI)(R12*1), Y9, Y5 \
	VPMADDWD 260(DI)(R12*2), Y9, Y6 \
	VPMADDWD 260(DI)(R13*1), Y9, Y7

// KMSTART4 begins a Q5_K block in the four-row kernels: Y14 gets the
// scales as words in both lanes, X4 the f32 mins·bsums of each row, X7
// dmin*d8 and X6 d*d8 of each row, and Y0..Y3 are cleared.
#define KMSTART4 \
	KMMINS4                         \
	REDUCE4(Y4, Y5, Y6, Y7, X4, X6) \
	VCVTDQ2PS X4, X4                \
	D8VEC                           \
	VPBROADCASTW 0(SI), X6          \
	VCVTPH2PS X6, X6                \
	VPBROADCASTW 2(SI), X7          \
	VCVTPH2PS X7, X7                \
	VMULPS X5, X7, X7               \
	VMULPS X5, X6, X6               \
	ZERO4

// KMEND4 adds d*d8 times the integer sums of the four rows to X15.
#define KMEND4 \
	REDUCE4(Y0, Y1, Y2, Y3, X0, X2) \
	VCVTDQ2PS X0, X0                \
	VFMADD231PS X0, X6, X15

// Q4KSTART4 begins a Q4_K block in dotQ4_Kx4AVX2: Y14 gets the scales as
// words, Y4 the f32 min sums of sub-block pairs 0 (lanes 0..3, rows 0..3)
// and 2 (lanes 4..7), Y7 those of pairs 1 and 3, and Y6 [d*d8 of rows
// 0..3, dmin*d8 of rows 0..3]. Clobbers Y5, Y8. With rRpP the min sum of
// row R and pair P, the two VPHADDD leave r0p0 r0p1 r1p0 r1p1 | r0p2 r0p3
// r1p2 r1p3 and the same of rows 2, 3; VPSHUFD swaps the middle dwords
// (r0p0 r1p0 r0p1 r1p1 | ...), and the quadword unpacks gather pairs 0
// and 2 (low) and 1 and 3 (high) of the four rows.
#define Q4KSTART4 \
	KMMINS4                     \
	VPHADDD     Y5, Y4, Y4      \
	VPHADDD     Y7, Y6, Y6      \
	VPSHUFD     $0xd8, Y4, Y4   \
	VPSHUFD     $0xd8, Y6, Y6   \
	VPUNPCKHQDQ Y6, Y4, Y7      \
	VPUNPCKLQDQ Y6, Y4, Y4      \
	VCVTDQ2PS   Y4, Y4          \
	VCVTDQ2PS   Y7, Y7          \
	D8VEC                       \
	VPBROADCASTW 0(SI), X6      \
	VCVTPH2PS   X6, X6          \
	VMULPS      X5, X6, X6      \
	VPBROADCASTW 2(SI), X8      \
	VCVTPH2PS   X8, X8          \
	VMULPS      X5, X8, X8      \
	VINSERTF128 $1, X8, Y6, Y6

// Q4KPAIRSUMS leaves in X0 the f32 integer sums of one sub-block pair of
// the four rows (Y0..Y3), to which a Q4KPAIR macro adds the pair's min
// sums in lanes 4..7.
#define Q4KPAIRSUMS \
	REDUCE4(Y0, Y1, Y2, Y3, X0, X2) \
	VCVTDQ2PS X0, X0

// Q4KPAIRFMA accumulates Y0 = [sums, min sums] of one pair of the four
// rows into Y15 = [acc, accMin] with the scales Y6 and clears the sums.
#define Q4KPAIRFMA \
	VFMADD231PS Y0, Y6, Y15 \
	ZERO4

// Q4KPAIRLO ends a pair whose min sums are the lower lanes of Xm.
#define Q4KPAIRLO(Xm) \
	Q4KPAIRSUMS                \
	VINSERTF128 $1, Xm, Y0, Y0 \
	Q4KPAIRFMA

// Q4KPAIRHI ends a pair whose min sums are the upper lanes of Ym.
#define Q4KPAIRHI(Ym) \
	Q4KPAIRSUMS                   \
	VBLENDPS $0xf0, Ym, Y0, Y0    \
	Q4KPAIRFMA

// func dotQ4_Kx4AVX2(w, a *byte, astride, nb int, scales, y *float32, ystride int)
//
// It follows the order of llama.cpp's gemm for repacked Q4_K weights (see
// q4KAcc.addPairs): lanes 0..3 of Y15 accumulate isum·(d*d8) of the four
// rows and lanes 4..7 msum·(dmin*d8), with one fused multiply-add per
// pair of sub-blocks; the results are the lower lanes minus the upper ones.
TEXT ·dotQ4_Kx4AVX2(SB), NOSPLIT, $0-56
	ARGS4
	VXORPS Y15, Y15, Y15
	ZERO4
q4kx4loop:
	Q4KSTART4
	NIB4(16)
	KMDOT4(4, wbc<>+0(SB), wbc<>+32(SB))
	Q4KPAIRLO(X4)
	NIB4(48)
	KMDOT4(68, wbc<>+64(SB), wbc<>+96(SB))
	Q4KPAIRLO(X7)
	NIB4(80)
	KMDOT4(132, wbc<>+128(SB), wbc<>+160(SB))
	Q4KPAIRHI(Y4)
	NIB4(112)
	KMDOT4(196, wbc<>+192(SB), wbc<>+224(SB))
	Q4KPAIRHI(Y7)
	ADDQ $144, SI
	ADDQ $292, DI
	DECQ CX
	JNZ  q4kx4loop
	VEXTRACTF128 $1, Y15, X0
	VSUBPS X0, X15, X15
	STORE4
	VZEROUPPER
	RET

// func dotQ5_Kx4AVX2(w, a *byte, astride, nb int, scales, y *float32, ystride int)
TEXT ·dotQ5_Kx4AVX2(SB), NOSPLIT, $0-56
	ARGS4
	VXORPS X15, X15, X15
q5kx4loop:
	KMSTART4
	VFNMADD231PS X4, X7, X15
	VMOVDQU 16(SI), Y7
	NIB4(48)
	HIBIT(VPSLLW, 4, Y7, Y12, Y4)
	HIBIT(VPSLLW, 3, Y7, Y13, Y4)
	KMDOT4(4, wbc<>+0(SB), wbc<>+32(SB))
	NIB4(80)
	HIBIT(VPSLLW, 2, Y7, Y12, Y4)
	HIBIT(VPSLLW, 1, Y7, Y13, Y4)
	KMDOT4(68, wbc<>+64(SB), wbc<>+96(SB))
	NIB4(112)
	HIBIT(VPSLLW, 0, Y7, Y12, Y4)
	HIBIT(VPSRLW, 1, Y7, Y13, Y4)
	KMDOT4(132, wbc<>+128(SB), wbc<>+160(SB))
	NIB4(144)
	HIBIT(VPSRLW, 2, Y7, Y12, Y4)
	HIBIT(VPSRLW, 3, Y7, Y13, Y4)
	KMDOT4(196, wbc<>+192(SB), wbc<>+224(SB))
	KMEND4
	ADDQ $176, SI
	ADDQ $292, DI
	DECQ CX
	JNZ  q5kx4loop
	STORE4
	VZEROUPPER
	RET

// Q6KACT4: the four activation rows' share of one 32-element Q6_K chunk
// with codes Y10 and scale words Y12.
#define Q6KACT(mem, acc) \
	VPMADDUBSW mem, Y10, Y13 \
	VPMADDWD   Y12, Y13, Y13 \
	VPADDD     Y13, acc, acc

#define Q6KACT4(ao, m, S) \
	VPSHUFB m, S, Y12                 \
	Q6KACT(ao(DI), Y0)              \
	Q6KACT(ao(DI)(R12*1), Y1)       \
	Q6KACT(ao(DI)(R12*2), Y2)       \
	Q6KACT(ao(DI)(R13*1), Y3)

// Q6KHALF4: 128 elements of a Q6_K block (ql at qlo(SI), qh at qho(SI))
// against four activation rows at ao, scales from lane S.
#define Q6KHALF4(qlo, qho, ao, S) \
	VMOVDQU qlo(SI), Y7            \
	VMOVDQU qlo+32(SI), Y8         \
	VMOVDQU qho(SI), Y9            \
	VPAND   nib<>(SB), Y7, Y10     \
	VPAND   m03<>(SB), Y9, Y11     \
	VPSLLW  $4, Y11, Y11           \
	VPOR    Y11, Y10, Y10          \
	Q6KACT4(ao, wpair<>+0(SB), S)  \
	VPAND   nib<>(SB), Y8, Y10     \
	VPAND   m0c<>(SB), Y9, Y11     \
	VPSLLW  $2, Y11, Y11           \
	VPOR    Y11, Y10, Y10          \
	Q6KACT4(ao+32, wpair<>+32(SB), S) \
	VPSRLW  $4, Y7, Y10            \
	VPAND   nib<>(SB), Y10, Y10    \
	VPAND   m30<>(SB), Y9, Y11     \
	VPOR    Y11, Y10, Y10          \
	Q6KACT4(ao+64, wpair<>+64(SB), S) \
	VPSRLW  $4, Y8, Y10            \
	VPAND   nib<>(SB), Y10, Y10    \
	VPSRLW  $2, Y9, Y11            \
	VPAND   m30<>(SB), Y11, Y11    \
	VPOR    Y11, Y10, Y10          \
	Q6KACT4(ao+96, wpair<>+96(SB), S)

// Q6KINIT starts the int32 lanes of acc at -32 * sum(scale * bsum) of the
// activation block at mem (scales as words in Y6).
#define Q6KINIT(mem, acc) \
	VPMADDWD mem, Y6, acc  \
	VPSLLD   $5, acc, acc  \
	VPSUBD   acc, Y7, acc

// Q6KFMA adds the int32 lanes of Ya, converted to float and times X6 (the
// f16 weight scale) times the f32 scale of the activation block at mem, to
// the eight float lanes at acc(SP), as dotQ6_KAVX2 does for one row.
// Clobbers Ya, X7.
#define Q6KFMA(mem, Ya, acc) \
	VCVTDQ2PS    Ya, Ya             \
	VMULSS       mem, X6, X7        \
	VBROADCASTSS X7, Y7             \
	VFMADD213PS  acc(SP), Y7, Ya    \
	VMOVUPS      Ya, acc(SP)

// Q6KOUT writes the sum of the eight float lanes at acc(SP), in HSUM8's
// order, to dst.
#define Q6KOUT(acc, dst) \
	VMOVUPS acc(SP), Y0 \
	HSUM8               \
	VMOVSS  X0, dst

// func dotQ6_Kx4AVX2(w, a *byte, astride, nb int, scales, y *float32, ystride int)
// Each row keeps eight float lanes on the stack (32 bytes at 32r), in the
// order of the one-row kernel, so that its result is the same bit for bit.
TEXT ·dotQ6_Kx4AVX2(SB), NOSPLIT, $128-56
	ARGS4
	VXORPS  Y15, Y15, Y15
	VMOVUPS Y15, 0(SP)
	VMOVUPS Y15, 32(SP)
	VMOVUPS Y15, 64(SP)
	VMOVUPS Y15, 96(SP)
q6kx4loop:
	VPMOVSXBW 192(SI), Y6
	VPERMQ $0x44, Y6, Y4 // scales 0..7 in both lanes
	VPERMQ $0xee, Y6, Y5 // scales 8..15 in both lanes
	VPXOR Y7, Y7, Y7
	Q6KINIT(260(DI), Y0)
	Q6KINIT(260(DI)(R12*1), Y1)
	Q6KINIT(260(DI)(R12*2), Y2)
	Q6KINIT(260(DI)(R13*1), Y3)
	Q6KHALF4(0, 128, 4, Y4)
	Q6KHALF4(64, 160, 132, Y5)
	VPBROADCASTW 208(SI), X6
	VCVTPH2PS X6, X6
	Q6KFMA(0(DI), Y0, 0)
	Q6KFMA(0(DI)(R12*1), Y1, 32)
	Q6KFMA(0(DI)(R12*2), Y2, 64)
	Q6KFMA(0(DI)(R13*1), Y3, 96)
	ADDQ $210, SI
	ADDQ $292, DI
	DECQ CX
	JNZ  q6kx4loop
	MOVQ y+40(FP), R10
	MOVQ ystride+48(FP), R11
	Q6KOUT(0, (R10))
	Q6KOUT(32, (R10)(R11*4))
	LEAQ (R10)(R11*8), R10
	Q6KOUT(64, (R10))
	Q6KOUT(96, (R10)(R11*4))
	VZEROUPPER
	RET

// func dotF16AVX2(w, a *byte, nb int) float32
// nb counts runs of 32 f16 elements.
TEXT ·dotF16AVX2(SB), NOSPLIT, $0-28
	MOVQ w+0(FP), SI
	MOVQ a+8(FP), DI
	MOVQ nb+16(FP), CX
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
f16loop:
	VCVTPH2PS   0(SI), Y4
	VCVTPH2PS   0(DI), Y5
	VFMADD231PS Y5, Y4, Y0
	VCVTPH2PS   16(SI), Y6
	VCVTPH2PS   16(DI), Y7
	VFMADD231PS Y7, Y6, Y1
	VCVTPH2PS   32(SI), Y8
	VCVTPH2PS   32(DI), Y9
	VFMADD231PS Y9, Y8, Y2
	VCVTPH2PS   48(SI), Y10
	VCVTPH2PS   48(DI), Y11
	VFMADD231PS Y11, Y10, Y3
	ADDQ $64, SI
	ADDQ $64, DI
	DECQ CX
	JNZ  f16loop
	VADDPS Y1, Y0, Y0
	VADDPS Y3, Y2, Y2
	VADDPS Y2, Y0, Y0
	HSUM8
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

// The 32-element formats with a fifth bit or a minimum:
//   Q4_1 {d, m f16; qs[16]}            20 bytes, value d·q + m
//   Q5_0 {d f16; qh u32; qs[16]}       22 bytes, value d·(q − 16)
//   Q5_1 {d, m f16; qh u32; qs[16]}    24 bytes, value d·q + m
//   Q8_1 {d, s f16; qs[32] int8}       36 bytes, s = d·Σqs (the activations
//                                      of Q4_1 and Q5_1)
// q is the nibble of qs (element j < 16: low nibble of qs[j], j+16: high)
// plus, for Q5, bit j of qh as bit 4. With a minimum the dot product is
// d·da·Σq·a + m·s per block.

// NIB16 loads the 32 nibble codes of the 16 bytes at qo(SI) into Y2, in
// element order.
#define NIB16(qo) \
	VMOVDQU     qo(SI), X2    \
	VPSRLW      $4, X2, X3    \
	VINSERTI128 $1, X3, Y2, Y2 \
	VPAND       Y15, Y2, Y2

// QH32 ORs bit j of the qh word at ho(SI), as 0x10, into byte j of Y2.
#define QH32(ho) \
	VPBROADCASTD ho(SI), Y4      \
	VPSHUFB      bsel<>(SB), Y4, Y4 \
	VPAND        bbit<>(SB), Y4, Y4 \
	VPCMPEQB     bbit<>(SB), Y4, Y4 \
	VPAND        m10<>(SB), Y4, Y4  \
	VPOR         Y4, Y2, Y2

// SCALEM: from [d, m] at 0(SI) and [d, s] at 0(DI), Y1 = d·da in every
// lane and X8 (lane 0) += m·s.
#define SCALEM \
	VMOVD        0(SI), X1   \
	VMOVD        0(DI), X2   \
	VCVTPH2PS    X1, X1      \
	VCVTPH2PS    X2, X2      \
	VMULPS       X2, X1, X1  \
	VMOVSHDUP    X1, X2      \
	VADDSS       X2, X8, X8  \
	VBROADCASTSS X1, Y1

// UDOT32 adds Y1 times the dot product of the unsigned codes Y2 with the
// 32 activations at ao(DI) to Y0.
#define UDOT32(ao) \
	VPMADDUBSW  ao(DI), Y2, Y3 \
	VPMADDWD    Y14, Y3, Y3    \
	VCVTDQ2PS   Y3, Y3         \
	VFMADD231PS Y3, Y1, Y0

// func dotQ4_1AVX2(w, a *byte, nb int) float32
TEXT ·dotQ4_1AVX2(SB), NOSPLIT, $0-28
	MOVQ w+0(FP), SI
	MOVQ a+8(FP), DI
	MOVQ nb+16(FP), CX
	VMOVDQU onesw<>(SB), Y14
	VMOVDQU nib<>(SB), Y15
	VXORPS Y0, Y0, Y0
	VXORPS X8, X8, X8
q41loop:
	SCALEM
	NIB16(4)
	UDOT32(4)
	ADDQ $20, SI
	ADDQ $36, DI
	DECQ CX
	JNZ  q41loop
	HSUM8
	VADDSS X8, X0, X0
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

// func dotQ5_1AVX2(w, a *byte, nb int) float32
TEXT ·dotQ5_1AVX2(SB), NOSPLIT, $0-28
	MOVQ w+0(FP), SI
	MOVQ a+8(FP), DI
	MOVQ nb+16(FP), CX
	VMOVDQU onesw<>(SB), Y14
	VMOVDQU nib<>(SB), Y15
	VXORPS Y0, Y0, Y0
	VXORPS X8, X8, X8
q51loop:
	SCALEM
	NIB16(8)
	QH32(4)
	UDOT32(4)
	ADDQ $24, SI
	ADDQ $36, DI
	DECQ CX
	JNZ  q51loop
	HSUM8
	VADDSS X8, X0, X0
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

// func dotQ5_0AVX2(w, a *byte, nb int) float32
TEXT ·dotQ5_0AVX2(SB), NOSPLIT, $0-28
	MOVQ w+0(FP), SI
	MOVQ a+8(FP), DI
	MOVQ nb+16(FP), CX
	VMOVDQU onesw<>(SB), Y14
	VMOVDQU nib<>(SB), Y15
	VXORPS Y0, Y0, Y0
q50loop:
	SCALE2(0, 0)
	NIB16(6)
	QH32(2)
	VPSUBB sixteen<>(SB), Y2, Y2
	SDOT32(2, Y0)
	ADDQ $22, SI
	ADDQ $34, DI
	DECQ CX
	JNZ  q50loop
	HSUM8
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

// The 2- and 3-bit k-quants, with one scale per 16 elements as in Q6_K:
//   Q2_K {scales[16] (scale: low nibble, min: high nibble); qs[64];
//         d, dmin f16}                         84 bytes, d·sc·q − dmin·m
//   Q3_K {hmask[32]; qs[64]; scales[12] (16 6-bit values, offset 32);
//         d f16}                               110 bytes, d·(sc−32)·(q−4)
// Element 128n+32j+l (n < 2, j < 4, l < 32) has its 2 low bits at bit 2j
// of qs[32n+l] and, for Q3_K, its third bit at bit 4n+j of hmask[l].

// K16DOT: the codes Y6 of 32 elements times the activations at ao(DI),
// scaled by the two group scales that mask m picks from S, add to Y7.
#define K16DOT(ao, m, S) \
	VPMADDUBSW ao(DI), Y6, Y6 \
	VPSHUFB    m, S, Y4       \
	VPMADDWD   Y4, Y6, Y6     \
	VPADDD     Y6, Y7, Y7

// Q2CODE puts in Y6 the 2-bit codes at bit 2j of the bytes of Y2.
#define Q2CODE(j) \
	VPSRLW $(2*j), Y2, Y6 \
	VPAND  Y14, Y6, Y6

// Q2KHALF: 128 elements with 2-bit codes at qo(SI), activations at ao(DI),
// group scales from lane S.
#define Q2KHALF(qo, ao, S) \
	VMOVDQU qo(SI), Y2                   \
	Q2CODE(0)                            \
	K16DOT(ao, wpair<>+0(SB), S)         \
	Q2CODE(1)                            \
	K16DOT(ao+32, wpair<>+32(SB), S)     \
	Q2CODE(2)                            \
	K16DOT(ao+64, wpair<>+64(SB), S)     \
	Q2CODE(3)                            \
	K16DOT(ao+96, wpair<>+96(SB), S)

// func dotQ2_KAVX2(w, a *byte, nb int) float32
TEXT ·dotQ2_KAVX2(SB), NOSPLIT, $0-28
	MOVQ w+0(FP), SI
	MOVQ a+8(FP), DI
	MOVQ nb+16(FP), CX
	VMOVDQU nib<>(SB), X15
	VMOVDQU m03<>(SB), Y14
	VXORPS X0, X0, X0 // the result, in lane 0
q2kloop:
	// scales (low nibbles) and mins (high nibbles) as words
	VMOVDQU   0(SI), X1
	VPSRLW    $4, X1, X2
	VPAND     X15, X1, X1
	VPAND     X15, X2, X2
	VPMOVZXBW X1, Y10
	VPMOVZXBW X2, Y11
	VPERMQ $0x44, Y10, Y8 // scales 0..7 in both lanes
	VPERMQ $0xee, Y10, Y9 // scales 8..15 in both lanes
	// dmin*d8 * mins·bsums
	VPMADDWD 260(DI), Y11, Y7
	HSUMI
	MOVL 80(SI), AX
	VMOVD AX, X1
	VCVTPH2PS X1, X1
	VMULSS 0(DI), X1, X3 // d*d8
	VMOVSHDUP X1, X1
	VMULSS 0(DI), X1, X1 // dmin*d8
	VFNMADD231SS X7, X1, X0
	VPXOR Y7, Y7, Y7
	Q2KHALF(16, 4, Y8)
	Q2KHALF(48, 132, Y9)
	HSUMI
	VFMADD231SS X7, X3, X0
	ADDQ $84, SI
	ADDQ $292, DI
	DECQ CX
	JNZ  q2kloop
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

// Q3CODE puts in Y6 the 3-bit codes of element run j of a half: the 2 low
// bits at bit 2j of Y2, the third at bit m of the hmask bytes Y5 (shift is
// VPSLLW $(2-m) for m <= 2, VPSRLW $(m-2) above).
#define Q3CODE(j, shift, n) \
	VPSRLW $(2*j), Y2, Y6    \
	VPAND  Y14, Y6, Y6       \
	shift  $n, Y5, Y4        \
	VPAND  m04<>(SB), Y4, Y4 \
	VPOR   Y4, Y6, Y6

// func dotQ3_KAVX2(w, a *byte, nb int) float32
TEXT ·dotQ3_KAVX2(SB), NOSPLIT, $0-28
	MOVQ w+0(FP), SI
	MOVQ a+8(FP), DI
	MOVQ nb+16(FP), CX
	VMOVDQU m03<>(SB), Y14
	VXORPS X0, X0, X0 // the result, in lane 0
q3kloop:
	// 16 6-bit scales from 12 bytes: low nibbles from bytes 0..7, high
	// 2 bits from bytes 8..11.
	MOVL 96(SI), AX
	MOVL 100(SI), BX
	MOVL 104(SI), DX
	MOVL AX, R8
	ANDL $0x0f0f0f0f, R8
	MOVL DX, R9
	ANDL $0x03030303, R9
	SHLL $4, R9
	ORL  R9, R8 // scales 0..3
	MOVL BX, R9
	ANDL $0x0f0f0f0f, R9
	MOVL DX, R10
	SHRL $2, R10
	ANDL $0x03030303, R10
	SHLL $4, R10
	ORL  R10, R9 // scales 4..7
	SHLQ $32, R9
	ORQ  R9, R8
	MOVL AX, R9
	SHRL $4, R9
	ANDL $0x0f0f0f0f, R9
	MOVL DX, R10
	SHRL $4, R10
	ANDL $0x03030303, R10
	SHLL $4, R10
	ORL  R10, R9 // scales 8..11
	MOVL BX, R10
	SHRL $4, R10
	ANDL $0x0f0f0f0f, R10
	SHRL $6, DX
	ANDL $0x03030303, DX
	SHLL $4, DX
	ORL  DX, R10 // scales 12..15
	SHLQ $32, R10
	ORQ  R10, R9
	VMOVQ R8, X1
	VPINSRQ $1, R9, X1, X1
	VPSUBB m20<>(SB), X1, X1
	VPMOVSXBW X1, Y10
	VPERMQ $0x44, Y10, Y8 // scales 0..7 in both lanes
	VPERMQ $0xee, Y10, Y9 // scales 8..15 in both lanes
	// -4 * sum(scale * bsum) removes the offset of the codes.
	VPMADDWD 260(DI), Y10, Y7
	VPSLLD $2, Y7, Y7
	VPXOR Y11, Y11, Y11
	VPSUBD Y7, Y11, Y7
	VMOVDQU 0(SI), Y5 // hmask
	VMOVDQU 32(SI), Y2
	Q3CODE(0, VPSLLW, 2)
	K16DOT(4, wpair<>+0(SB), Y8)
	Q3CODE(1, VPSLLW, 1)
	K16DOT(36, wpair<>+32(SB), Y8)
	Q3CODE(2, VPSLLW, 0)
	K16DOT(68, wpair<>+64(SB), Y8)
	Q3CODE(3, VPSRLW, 1)
	K16DOT(100, wpair<>+96(SB), Y8)
	VMOVDQU 64(SI), Y2
	Q3CODE(0, VPSRLW, 2)
	K16DOT(132, wpair<>+0(SB), Y9)
	Q3CODE(1, VPSRLW, 3)
	K16DOT(164, wpair<>+32(SB), Y9)
	Q3CODE(2, VPSRLW, 4)
	K16DOT(196, wpair<>+64(SB), Y9)
	Q3CODE(3, VPSRLW, 5)
	K16DOT(228, wpair<>+96(SB), Y9)
	HSUMI
	MOVWLZX 108(SI), AX
	VMOVD AX, X1
	VCVTPH2PS X1, X1
	VMULSS 0(DI), X1, X1
	VFMADD231SS X7, X1, X0
	ADDQ $110, SI
	ADDQ $292, DI
	DECQ CX
	JNZ  q3kloop
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

// F16ACT adds the products of the eight f32 weights Y8 with the eight f16
// activations at mem to acc.
#define F16ACT(mem, acc) \
	VCVTPH2PS   mem, Y9 \
	VFMADD231PS Y9, Y8, acc

// func dotF16x4AVX2(w, a *byte, astride, nb int, scales, y *float32, ystride int)
// nb counts runs of 8 f16 elements; scales is unused.
TEXT ·dotF16x4AVX2(SB), NOSPLIT, $0-56
	ARGS4
	VXORPS Y0, Y0, Y0
	VXORPS Y1, Y1, Y1
	VXORPS Y2, Y2, Y2
	VXORPS Y3, Y3, Y3
f16x4loop:
	VCVTPH2PS 0(SI), Y8
	F16ACT(0(DI), Y0)
	F16ACT(0(DI)(R12*1), Y1)
	F16ACT(0(DI)(R12*2), Y2)
	F16ACT(0(DI)(R13*1), Y3)
	ADDQ $16, SI
	ADDQ $16, DI
	DECQ CX
	JNZ  f16x4loop
	VHADDPS      Y1, Y0, Y0
	VHADDPS      Y3, Y2, Y2
	VHADDPS      Y2, Y0, Y0
	VEXTRACTF128 $1, Y0, X2
	VADDPS       X2, X0, X15
	STORE4
	VZEROUPPER
	RET

// Four-activation Q2_K and Q3_K kernels, on the pattern of dotQ6_Kx4AVX2:
// the 32 codes of each run are built once (Y10) and Q6KACT4 takes them
// against the four rows with the group scales of lane S (Y4: groups 0..7,
// Y5: 8..15); X14 holds d·d8 of the four rows.

// K2CODE puts in Y10 the 2-bit codes at bit 2j of the bytes of Y8.
#define K2CODE(j) \
	VPSRLW $(2*j), Y8, Y10      \
	VPAND  m03<>(SB), Y10, Y10

// K3CODE adds to K2CODE(j) the third bit, bit m of the hmask bytes Y9
// moved to bit 2 by shift (VPSLLW $(2-m) or VPSRLW $(m-2)).
#define K3CODE(j, shift, n) \
	K2CODE(j)                  \
	shift  $n, Y9, Y11         \
	VPAND  m04<>(SB), Y11, Y11 \
	VPOR   Y11, Y10, Y10

// DD8 sets X14 to the f16 weight scale at so(SI) times the four d8.
#define DD8(so) \
	D8VEC                    \
	VPBROADCASTW so(SI), X14 \
	VCVTPH2PS X14, X14       \
	VMULPS X5, X14, X14

// SPLITSC puts the 16 scale words of Y6 in Y4 (groups 0..7, both lanes)
// and Y5 (8..15) and clears Y0..Y3.
#define SPLITSC \
	VPERMQ $0x44, Y6, Y4 \
	VPERMQ $0xee, Y6, Y5 \
	VPXOR Y0, Y0, Y0     \
	VPXOR Y1, Y1, Y1     \
	VPXOR Y2, Y2, Y2     \
	VPXOR Y3, Y3, Y3

// KX4END adds d·d8 times the four rows' integer sums to X15.
#define KX4END \
	REDUCE4(Y0, Y1, Y2, Y3, X0, X2) \
	VCVTDQ2PS   X0, X0              \
	VFMADD231PS X0, X14, X15

// func dotQ2_Kx4AVX2(w, a *byte, astride, nb int, scales, y *float32, ystride int)
TEXT ·dotQ2_Kx4AVX2(SB), NOSPLIT, $0-56
	ARGS4
	VXORPS X15, X15, X15
q2kx4loop:
	// scales (low nibbles) to Y6, mins (high nibbles) to Y7, as words
	VMOVDQU   0(SI), X6
	VPSRLW    $4, X6, X7
	VPAND     nib<>(SB), X6, X6
	VPAND     nib<>(SB), X7, X7
	VPMOVZXBW X6, Y6
	VPMOVZXBW X7, Y7
	// X15 -= dmin*d8 * mins·bsums of each row
	VPMADDWD 260(DI), Y7, Y0
	VPMADDWD 260(DI)(R12*1), Y7, Y1
	VPMADDWD 260(DI)(R12*2), Y7, Y2
	VPMADDWD 260(DI)(R13*1), Y7, Y3
	REDUCE4(Y0, Y1, Y2, Y3, X0, X2)
	VCVTDQ2PS X0, X0
	DD8(82)
	VFNMADD231PS X0, X14, X15
	VPBROADCASTW 80(SI), X14
	VCVTPH2PS X14, X14
	VMULPS X5, X14, X14
	SPLITSC
	VMOVDQU 16(SI), Y8
	K2CODE(0)
	Q6KACT4(4, wpair<>+0(SB), Y4)
	K2CODE(1)
	Q6KACT4(36, wpair<>+32(SB), Y4)
	K2CODE(2)
	Q6KACT4(68, wpair<>+64(SB), Y4)
	K2CODE(3)
	Q6KACT4(100, wpair<>+96(SB), Y4)
	VMOVDQU 48(SI), Y8
	K2CODE(0)
	Q6KACT4(132, wpair<>+0(SB), Y5)
	K2CODE(1)
	Q6KACT4(164, wpair<>+32(SB), Y5)
	K2CODE(2)
	Q6KACT4(196, wpair<>+64(SB), Y5)
	K2CODE(3)
	Q6KACT4(228, wpair<>+96(SB), Y5)
	KX4END
	ADDQ $84, SI
	ADDQ $292, DI
	DECQ CX
	JNZ  q2kx4loop
	STORE4
	VZEROUPPER
	RET

// func dotQ3_Kx4AVX2(w, a *byte, astride, nb int, scales, y *float32, ystride int)
TEXT ·dotQ3_Kx4AVX2(SB), NOSPLIT, $0-56
	ARGS4
	VXORPS X15, X15, X15
q3kx4loop:
	DD8(108)
	// the 16 6-bit scales, as in dotQ3_KAVX2, to words in Y6
	MOVL 96(SI), AX
	MOVL 100(SI), BX
	MOVL 104(SI), DX
	MOVL AX, R8
	ANDL $0x0f0f0f0f, R8
	MOVL DX, R9
	ANDL $0x03030303, R9
	SHLL $4, R9
	ORL  R9, R8
	MOVL BX, R9
	ANDL $0x0f0f0f0f, R9
	MOVL DX, R10
	SHRL $2, R10
	ANDL $0x03030303, R10
	SHLL $4, R10
	ORL  R10, R9
	SHLQ $32, R9
	ORQ  R9, R8
	MOVL AX, R9
	SHRL $4, R9
	ANDL $0x0f0f0f0f, R9
	MOVL DX, R10
	SHRL $4, R10
	ANDL $0x03030303, R10
	SHLL $4, R10
	ORL  R10, R9
	MOVL BX, R10
	SHRL $4, R10
	ANDL $0x0f0f0f0f, R10
	SHRL $6, DX
	ANDL $0x03030303, DX
	SHLL $4, DX
	ORL  DX, R10
	SHLQ $32, R10
	ORQ  R10, R9
	VMOVQ R8, X6
	VPINSRQ $1, R9, X6, X6
	VPSUBB m20<>(SB), X6, X6
	VPMOVSXBW X6, Y6
	SPLITSC
	// each row starts at -4 * sum(scale * bsum): the offset of the codes
	VPXOR Y7, Y7, Y7
	VPMADDWD 260(DI), Y6, Y0
	VPMADDWD 260(DI)(R12*1), Y6, Y1
	VPMADDWD 260(DI)(R12*2), Y6, Y2
	VPMADDWD 260(DI)(R13*1), Y6, Y3
	VPSLLD $2, Y0, Y0
	VPSLLD $2, Y1, Y1
	VPSLLD $2, Y2, Y2
	VPSLLD $2, Y3, Y3
	VPSUBD Y0, Y7, Y0
	VPSUBD Y1, Y7, Y1
	VPSUBD Y2, Y7, Y2
	VPSUBD Y3, Y7, Y3
	VMOVDQU 0(SI), Y9 // hmask
	VMOVDQU 32(SI), Y8
	K3CODE(0, VPSLLW, 2)
	Q6KACT4(4, wpair<>+0(SB), Y4)
	K3CODE(1, VPSLLW, 1)
	Q6KACT4(36, wpair<>+32(SB), Y4)
	K3CODE(2, VPSLLW, 0)
	Q6KACT4(68, wpair<>+64(SB), Y4)
	K3CODE(3, VPSRLW, 1)
	Q6KACT4(100, wpair<>+96(SB), Y4)
	VMOVDQU 64(SI), Y8
	K3CODE(0, VPSRLW, 2)
	Q6KACT4(132, wpair<>+0(SB), Y5)
	K3CODE(1, VPSRLW, 3)
	Q6KACT4(164, wpair<>+32(SB), Y5)
	K3CODE(2, VPSRLW, 4)
	Q6KACT4(196, wpair<>+64(SB), Y5)
	K3CODE(3, VPSRLW, 5)
	Q6KACT4(228, wpair<>+96(SB), Y5)
	KX4END
	ADDQ $110, SI
	ADDQ $292, DI
	DECQ CX
	JNZ  q3kx4loop
	STORE4
	VZEROUPPER
	RET
