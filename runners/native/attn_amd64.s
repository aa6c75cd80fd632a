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
	VEXTRACTF64X4 $1, Z0, Y1
	VADDPS Y1, Y0, Y0
	VEXTRACTF128 $1, Y0, X1
	VADDPS X1, X0, X0
	VMOVHLPS X0, X0, X1
	VADDPS X1, X0, X0
	VMOVSHDUP X0, X1
	VADDSS X1, X0, X0
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET
