#include "textflag.h"
#include "reduce_amd64.h"

// func f16GGMLStepsAVX512(w, a *byte, nsteps int) float32
// f16GGMLStepsGeneric over nsteps ≥ 1 steps of 64 f16 elements at w and a:
// each run of 16 converted by VCVTPH2PS and multiplied into accumulator
// (k/16)%4 with VFMADD231PS, then (Z0+Z2)+(Z1+Z3) reduced as halves,
// quarters and the two pairs.
TEXT ·f16GGMLStepsAVX512(SB), NOSPLIT, $0-28
	MOVQ   w+0(FP), SI
	MOVQ   a+8(FP), DI
	MOVQ   nsteps+16(FP), CX
	VXORPS Z0, Z0, Z0
	VXORPS Z1, Z1, Z1
	VXORPS Z2, Z2, Z2
	VXORPS Z3, Z3, Z3

step:
	VCVTPH2PS   0(SI), Z4
	VCVTPH2PS   0(DI), Z5
	VFMADD231PS Z5, Z4, Z0
	VCVTPH2PS   32(SI), Z6
	VCVTPH2PS   32(DI), Z7
	VFMADD231PS Z7, Z6, Z1
	VCVTPH2PS   64(SI), Z8
	VCVTPH2PS   64(DI), Z9
	VFMADD231PS Z9, Z8, Z2
	VCVTPH2PS   96(SI), Z10
	VCVTPH2PS   96(DI), Z11
	VFMADD231PS Z11, Z10, Z3
	ADDQ        $128, SI
	ADDQ        $128, DI
	DECQ        CX
	JNZ         step

	VADDPS        Z2, Z0, Z0
	VADDPS        Z3, Z1, Z1
	VADDPS        Z1, Z0, Z0
	REDUCE16(Z0, Y0, X0, Y1, X1)
	VMOVSS        X0, ret+24(FP)
	VZEROUPPER
	RET
