#include "textflag.h"

// AVX-512 calibration kernels (AVX-512F/BW/VL; dotVNNI512 needs
// AVX512-VNNI). The contracts are those of kernelSet in kernels.go.

// func readAVX512(p []uint64) uint64
// XORs 256 bytes per iteration into four independent ZMM accumulators.
TEXT ·readAVX512(SB), NOSPLIT, $0-32
	MOVQ   p_base+0(FP), SI
	MOVQ   p_len+8(FP), CX
	SHRQ   $5, CX
	VPXORQ Z0, Z0, Z0
	VPXORQ Z1, Z1, Z1
	VPXORQ Z2, Z2, Z2
	VPXORQ Z3, Z3, Z3
	TESTQ  CX, CX
	JZ     readdone

readloop:
	VPXORQ 0(SI), Z0, Z0
	VPXORQ 64(SI), Z1, Z1
	VPXORQ 128(SI), Z2, Z2
	VPXORQ 192(SI), Z3, Z3
	ADDQ   $256, SI
	DECQ   CX
	JNZ    readloop

readdone:
	VPXORQ        Z1, Z0, Z0
	VPXORQ        Z3, Z2, Z2
	VPXORQ        Z2, Z0, Z0
	VEXTRACTI64X4 $1, Z0, Y1
	VPXOR         Y1, Y0, Y0
	VEXTRACTI128  $1, Y0, X1
	VPXOR         X1, X0, X0
	VPSHUFD       $0x4e, X0, X1
	VPXOR         X1, X0, X0
	VMOVQ         X0, AX
	VZEROUPPER
	MOVQ          AX, ret+24(FP)
	RET

// func triadAVX512(a, b, c []float32, s float32)
// a[i] = b[i] + s*c[i], 32 floats (two ZMM registers) per iteration.
TEXT ·triadAVX512(SB), NOSPLIT, $0-76
	MOVQ         a_base+0(FP), DI
	MOVQ         a_len+8(FP), CX
	MOVQ         b_base+24(FP), SI
	MOVQ         c_base+48(FP), DX
	VBROADCASTSS s+72(FP), Z15
	SHRQ         $5, CX
	JZ           triaddone

triadloop:
	VMOVUPS     0(SI), Z0
	VMOVUPS     64(SI), Z1
	VFMADD231PS 0(DX), Z15, Z0
	VFMADD231PS 64(DX), Z15, Z1
	VMOVUPS     Z0, 0(DI)
	VMOVUPS     Z1, 64(DI)
	ADDQ        $128, SI
	ADDQ        $128, DX
	ADDQ        $128, DI
	DECQ        CX
	JNZ         triadloop

triaddone:
	VZEROUPPER
	RET

// func fmaAVX512(acc *[256]float32, x, y float32, iters int)
// Sixteen independent VFMADD231PS chains of 16 lanes.
TEXT ·fmaAVX512(SB), NOSPLIT, $0-24
	MOVQ         acc+0(FP), DI
	VBROADCASTSS x+8(FP), Z30
	VBROADCASTSS y+12(FP), Z31
	MOVQ         iters+16(FP), CX
	VMOVUPS      0(DI), Z0
	VMOVUPS      64(DI), Z1
	VMOVUPS      128(DI), Z2
	VMOVUPS      192(DI), Z3
	VMOVUPS      256(DI), Z4
	VMOVUPS      320(DI), Z5
	VMOVUPS      384(DI), Z6
	VMOVUPS      448(DI), Z7
	VMOVUPS      512(DI), Z8
	VMOVUPS      576(DI), Z9
	VMOVUPS      640(DI), Z10
	VMOVUPS      704(DI), Z11
	VMOVUPS      768(DI), Z12
	VMOVUPS      832(DI), Z13
	VMOVUPS      896(DI), Z14
	VMOVUPS      960(DI), Z15
	TESTQ        CX, CX
	JLE          fmadone

fmaloop:
	VFMADD231PS Z31, Z30, Z0
	VFMADD231PS Z31, Z30, Z1
	VFMADD231PS Z31, Z30, Z2
	VFMADD231PS Z31, Z30, Z3
	VFMADD231PS Z31, Z30, Z4
	VFMADD231PS Z31, Z30, Z5
	VFMADD231PS Z31, Z30, Z6
	VFMADD231PS Z31, Z30, Z7
	VFMADD231PS Z31, Z30, Z8
	VFMADD231PS Z31, Z30, Z9
	VFMADD231PS Z31, Z30, Z10
	VFMADD231PS Z31, Z30, Z11
	VFMADD231PS Z31, Z30, Z12
	VFMADD231PS Z31, Z30, Z13
	VFMADD231PS Z31, Z30, Z14
	VFMADD231PS Z31, Z30, Z15
	DECQ        CX
	JNZ         fmaloop

fmadone:
	VMOVUPS Z0, 0(DI)
	VMOVUPS Z1, 64(DI)
	VMOVUPS Z2, 128(DI)
	VMOVUPS Z3, 192(DI)
	VMOVUPS Z4, 256(DI)
	VMOVUPS Z5, 320(DI)
	VMOVUPS Z6, 384(DI)
	VMOVUPS Z7, 448(DI)
	VMOVUPS Z8, 512(DI)
	VMOVUPS Z9, 576(DI)
	VMOVUPS Z10, 640(DI)
	VMOVUPS Z11, 704(DI)
	VMOVUPS Z12, 768(DI)
	VMOVUPS Z13, 832(DI)
	VMOVUPS Z14, 896(DI)
	VMOVUPS Z15, 960(DI)
	VZEROUPPER
	RET

// func dotVNNI512(acc *[256]int32, a, b *[16]int8, iters int)
// Sixteen independent VPDPBUSD chains of 16 int32 lanes: each lane adds
// the four products of unsigned bytes of a (Z30) and signed bytes of b
// (Z31), with both 16-byte inputs repeated in every 128-bit lane.
TEXT ·dotVNNI512(SB), NOSPLIT, $0-32
	MOVQ            acc+0(FP), DI
	MOVQ            a+8(FP), SI
	MOVQ            b+16(FP), DX
	MOVQ            iters+24(FP), CX
	VBROADCASTI32X4 (SI), Z30
	VBROADCASTI32X4 (DX), Z31
	VMOVDQU32       0(DI), Z0
	VMOVDQU32       64(DI), Z1
	VMOVDQU32       128(DI), Z2
	VMOVDQU32       192(DI), Z3
	VMOVDQU32       256(DI), Z4
	VMOVDQU32       320(DI), Z5
	VMOVDQU32       384(DI), Z6
	VMOVDQU32       448(DI), Z7
	VMOVDQU32       512(DI), Z8
	VMOVDQU32       576(DI), Z9
	VMOVDQU32       640(DI), Z10
	VMOVDQU32       704(DI), Z11
	VMOVDQU32       768(DI), Z12
	VMOVDQU32       832(DI), Z13
	VMOVDQU32       896(DI), Z14
	VMOVDQU32       960(DI), Z15
	TESTQ           CX, CX
	JLE             dotdone

dotloop:
	VPDPBUSD Z31, Z30, Z0
	VPDPBUSD Z31, Z30, Z1
	VPDPBUSD Z31, Z30, Z2
	VPDPBUSD Z31, Z30, Z3
	VPDPBUSD Z31, Z30, Z4
	VPDPBUSD Z31, Z30, Z5
	VPDPBUSD Z31, Z30, Z6
	VPDPBUSD Z31, Z30, Z7
	VPDPBUSD Z31, Z30, Z8
	VPDPBUSD Z31, Z30, Z9
	VPDPBUSD Z31, Z30, Z10
	VPDPBUSD Z31, Z30, Z11
	VPDPBUSD Z31, Z30, Z12
	VPDPBUSD Z31, Z30, Z13
	VPDPBUSD Z31, Z30, Z14
	VPDPBUSD Z31, Z30, Z15
	DECQ     CX
	JNZ      dotloop

dotdone:
	VMOVDQU32 Z0, 0(DI)
	VMOVDQU32 Z1, 64(DI)
	VMOVDQU32 Z2, 128(DI)
	VMOVDQU32 Z3, 192(DI)
	VMOVDQU32 Z4, 256(DI)
	VMOVDQU32 Z5, 320(DI)
	VMOVDQU32 Z6, 384(DI)
	VMOVDQU32 Z7, 448(DI)
	VMOVDQU32 Z8, 512(DI)
	VMOVDQU32 Z9, 576(DI)
	VMOVDQU32 Z10, 640(DI)
	VMOVDQU32 Z11, 704(DI)
	VMOVDQU32 Z12, 768(DI)
	VMOVDQU32 Z13, 832(DI)
	VMOVDQU32 Z14, 896(DI)
	VMOVDQU32 Z15, 960(DI)
	VZEROUPPER
	RET
