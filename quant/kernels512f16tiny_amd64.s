#include "textflag.h"
#include "reduce_amd64.h"

// AVX-512 kernels of tinyBLAS's F16 order (f16tiny.go): each output sums
// its products in the 16 lanes of one register with VFMADD231PS, 16 f16
// elements of the weight and activation rows (converted by VCVTPH2PS) at a
// time, then reduces the lanes as Reduce16 does.

// func f16TinyAVX512(w, a *byte, steps int) float32
// dotF16TinyGeneric over steps ≥ 1 runs of 16 elements at w and a.
TEXT ·f16TinyAVX512(SB), NOSPLIT, $0-28
	MOVQ   w+0(FP), SI
	MOVQ   a+8(FP), DI
	MOVQ   steps+16(FP), CX
	VXORPS Z0, Z0, Z0

step:
	VCVTPH2PS   (SI), Z4
	VCVTPH2PS   (DI), Z5
	VFMADD231PS Z5, Z4, Z0
	ADDQ        $32, SI
	ADDQ        $32, DI
	DECQ        CX
	JNZ         step

	REDUCE16(Z0, Y0, X0, Y1, X1)
	VMOVSS X0, ret+24(FP)
	VZEROUPPER
	RET

// func f16TinyX4AVX512(w, a *byte, astride, steps int, y *float32, ystride int)
// dotF16TinyGeneric of the weight row at w with the four activation rows
// at a, a+astride, a+2·astride and a+3·astride, over steps ≥ 1 runs of 16
// elements, into y[0], y[ystride], y[2·ystride] and y[3·ystride]: four
// independent chains, one weight conversion for the four.
TEXT ·f16TinyX4AVX512(SB), NOSPLIT, $0-48
	MOVQ   w+0(FP), SI
	MOVQ   a+8(FP), DI
	MOVQ   astride+16(FP), BX
	MOVQ   steps+24(FP), CX
	LEAQ   (DI)(BX*2), R8
	VXORPS Z0, Z0, Z0
	VXORPS Z1, Z1, Z1
	VXORPS Z2, Z2, Z2
	VXORPS Z3, Z3, Z3

step4:
	VCVTPH2PS   (SI), Z4
	VCVTPH2PS   (DI), Z5
	VFMADD231PS Z5, Z4, Z0
	VCVTPH2PS   (DI)(BX*1), Z6
	VFMADD231PS Z6, Z4, Z1
	VCVTPH2PS   (R8), Z7
	VFMADD231PS Z7, Z4, Z2
	VCVTPH2PS   (R8)(BX*1), Z8
	VFMADD231PS Z8, Z4, Z3
	ADDQ        $32, SI
	ADDQ        $32, DI
	ADDQ        $32, R8
	DECQ        CX
	JNZ         step4

	MOVQ y+32(FP), DX
	MOVQ ystride+40(FP), BX
	SHLQ $2, BX
	REDUCE16(Z0, Y0, X0, Y4, X4)
	REDUCE16(Z1, Y1, X1, Y5, X5)
	REDUCE16(Z2, Y2, X2, Y6, X6)
	REDUCE16(Z3, Y3, X3, Y7, X7)
	VMOVSS X0, (DX)
	VMOVSS X1, (DX)(BX*1)
	VMOVSS X2, (DX)(BX*2)
	LEAQ   (DX)(BX*2), DX
	VMOVSS X3, (DX)(BX*1)
	VZEROUPPER
	RET
