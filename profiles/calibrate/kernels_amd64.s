#include "textflag.h"

// func readAVX2(p []uint64) uint64
// XORs 256 bytes per iteration into four independent accumulators.
TEXT ·readAVX2(SB), NOSPLIT, $0-32
	MOVQ p_base+0(FP), SI
	MOVQ p_len+8(FP), CX
	SHRQ $5, CX
	VPXOR Y0, Y0, Y0
	VPXOR Y1, Y1, Y1
	VPXOR Y2, Y2, Y2
	VPXOR Y3, Y3, Y3
	TESTQ CX, CX
	JZ   readdone

readloop:
	VPXOR 0(SI), Y0, Y0
	VPXOR 32(SI), Y1, Y1
	VPXOR 64(SI), Y2, Y2
	VPXOR 96(SI), Y3, Y3
	VPXOR 128(SI), Y0, Y0
	VPXOR 160(SI), Y1, Y1
	VPXOR 192(SI), Y2, Y2
	VPXOR 224(SI), Y3, Y3
	ADDQ $256, SI
	DECQ CX
	JNZ  readloop

readdone:
	VPXOR        Y1, Y0, Y0
	VPXOR        Y3, Y2, Y2
	VPXOR        Y2, Y0, Y0
	VEXTRACTI128 $1, Y0, X1
	VPXOR        X1, X0, X0
	VPSHUFD      $0x4e, X0, X1
	VPXOR        X1, X0, X0
	VMOVQ        X0, AX
	VZEROUPPER
	MOVQ         AX, ret+24(FP)
	RET

// func triadAVX2(a, b, c []float32, s float32)
// a[i] = b[i] + s*c[i], 32 floats per iteration.
TEXT ·triadAVX2(SB), NOSPLIT, $0-76
	MOVQ         a_base+0(FP), DI
	MOVQ         a_len+8(FP), CX
	MOVQ         b_base+24(FP), SI
	MOVQ         c_base+48(FP), DX
	VBROADCASTSS s+72(FP), Y15
	SHRQ         $5, CX
	JZ           triaddone

triadloop:
	VMOVUPS     0(SI), Y0
	VMOVUPS     32(SI), Y1
	VMOVUPS     64(SI), Y2
	VMOVUPS     96(SI), Y3
	VFMADD231PS 0(DX), Y15, Y0
	VFMADD231PS 32(DX), Y15, Y1
	VFMADD231PS 64(DX), Y15, Y2
	VFMADD231PS 96(DX), Y15, Y3
	VMOVUPS     Y0, 0(DI)
	VMOVUPS     Y1, 32(DI)
	VMOVUPS     Y2, 64(DI)
	VMOVUPS     Y3, 96(DI)
	ADDQ        $128, SI
	ADDQ        $128, DX
	ADDQ        $128, DI
	DECQ        CX
	JNZ         triadloop

triaddone:
	VZEROUPPER
	RET

// func fmaAVX2(acc *[96]float32, x, y float32, iters int)
// Twelve independent VFMADD231PS chains of 8 lanes.
TEXT ·fmaAVX2(SB), NOSPLIT, $0-24
	MOVQ         acc+0(FP), DI
	VBROADCASTSS x+8(FP), Y12
	VBROADCASTSS y+12(FP), Y13
	MOVQ         iters+16(FP), CX
	VMOVUPS      0(DI), Y0
	VMOVUPS      32(DI), Y1
	VMOVUPS      64(DI), Y2
	VMOVUPS      96(DI), Y3
	VMOVUPS      128(DI), Y4
	VMOVUPS      160(DI), Y5
	VMOVUPS      192(DI), Y6
	VMOVUPS      224(DI), Y7
	VMOVUPS      256(DI), Y8
	VMOVUPS      288(DI), Y9
	VMOVUPS      320(DI), Y10
	VMOVUPS      352(DI), Y11
	TESTQ        CX, CX
	JLE          fmadone

fmaloop:
	VFMADD231PS Y13, Y12, Y0
	VFMADD231PS Y13, Y12, Y1
	VFMADD231PS Y13, Y12, Y2
	VFMADD231PS Y13, Y12, Y3
	VFMADD231PS Y13, Y12, Y4
	VFMADD231PS Y13, Y12, Y5
	VFMADD231PS Y13, Y12, Y6
	VFMADD231PS Y13, Y12, Y7
	VFMADD231PS Y13, Y12, Y8
	VFMADD231PS Y13, Y12, Y9
	VFMADD231PS Y13, Y12, Y10
	VFMADD231PS Y13, Y12, Y11
	DECQ        CX
	JNZ         fmaloop

fmadone:
	VMOVUPS Y0, 0(DI)
	VMOVUPS Y1, 32(DI)
	VMOVUPS Y2, 64(DI)
	VMOVUPS Y3, 96(DI)
	VMOVUPS Y4, 128(DI)
	VMOVUPS Y5, 160(DI)
	VMOVUPS Y6, 192(DI)
	VMOVUPS Y7, 224(DI)
	VMOVUPS Y8, 256(DI)
	VMOVUPS Y9, 288(DI)
	VMOVUPS Y10, 320(DI)
	VMOVUPS Y11, 352(DI)
	VZEROUPPER
	RET

// DOTSTEP multiplies unsigned bytes Y8 by signed bytes Y9 into pairwise
// int16 sums (VPMADDUBSW), widens them to int32 pair sums (VPMADDWD by
// ones in Y10) and accumulates into acc.
#define DOTSTEP(tmp, acc) \
	VPMADDUBSW Y9, Y8, tmp  \
	VPMADDWD   Y10, tmp, tmp \
	VPADDD     tmp, acc, acc

// func dotAVX2(acc *[64]int32, a, b *[16]int8, iters int)
// Eight independent int8 dot-product chains of 8 int32 lanes.
TEXT ·dotAVX2(SB), NOSPLIT, $0-32
	MOVQ           acc+0(FP), DI
	MOVQ           a+8(FP), SI
	MOVQ           b+16(FP), DX
	MOVQ           iters+24(FP), CX
	VBROADCASTI128 (SI), Y8
	VBROADCASTI128 (DX), Y9
	MOVL           $0x00010001, AX
	VMOVD          AX, X10
	VPBROADCASTD   X10, Y10
	VMOVDQU        0(DI), Y0
	VMOVDQU        32(DI), Y1
	VMOVDQU        64(DI), Y2
	VMOVDQU        96(DI), Y3
	VMOVDQU        128(DI), Y4
	VMOVDQU        160(DI), Y5
	VMOVDQU        192(DI), Y6
	VMOVDQU        224(DI), Y7
	TESTQ          CX, CX
	JLE            dotdone

dotloop:
	DOTSTEP(Y11, Y0)
	DOTSTEP(Y12, Y1)
	DOTSTEP(Y13, Y2)
	DOTSTEP(Y14, Y3)
	DOTSTEP(Y15, Y4)
	DOTSTEP(Y11, Y5)
	DOTSTEP(Y12, Y6)
	DOTSTEP(Y13, Y7)
	DECQ CX
	JNZ  dotloop

dotdone:
	VMOVDQU Y0, 0(DI)
	VMOVDQU Y1, 32(DI)
	VMOVDQU Y2, 64(DI)
	VMOVDQU Y3, 96(DI)
	VMOVDQU Y4, 128(DI)
	VMOVDQU Y5, 160(DI)
	VMOVDQU Y6, 192(DI)
	VMOVDQU Y7, 224(DI)
	VZEROUPPER
	RET
