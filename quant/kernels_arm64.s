#include "textflag.h"

// NEON kernels with the dot-product extension (SDOT, FEAT_DotProd): dot
// products of one quantized weight row with one activation row quantized to
// the type ggml pairs with it (Q8_0 for Q4_0 and Q8_0, Q8_K for the
// k-quants). Block layouts are those of kernels_amd64.s (ggml-common.h).
//
// Go's arm64 assembler has no mnemonic for the instructions below; the
// macros encode them (Arm ARM, "Advanced SIMD" encodings). Arguments are
// vector register numbers.

// SDOT Vd.4S, Vn.16B, Vm.16B
#define SDOT(d, n, m) WORD $(0x4E809400|((m)<<16)|((n)<<5)|(d))
// SCVTF Vd.4S, Vn.4S
#define SCVTF4(d, n) WORD $(0x4E21D800|((n)<<5)|(d))
// FCVTL Vd.4S, Vn.4H (f16 to f32)
#define FCVTL4(d, n) WORD $(0x0E217800|((n)<<5)|(d))
// FADDP Vd.4S, Vn.4S, Vm.4S
#define FADDP4(d, n, m) WORD $(0x6E20D400|((m)<<16)|((n)<<5)|(d))
// SMULL Vd.4S, Vn.4H, Vm.4H
#define SMULL4(d, n, m) WORD $(0x0E60C000|((m)<<16)|((n)<<5)|(d))
// SMLAL2 Vd.4S, Vn.8H, Vm.8H
#define SMLAL24(d, n, m) WORD $(0x4E608000|((m)<<16)|((n)<<5)|(d))
// MLA Vd.4S, Vn.4S, Vm.4S
#define MLA4(d, n, m) WORD $(0x4EA09400|((m)<<16)|((n)<<5)|(d))
// SXTL Vd.8H, Vn.8B and SXTL2 Vd.8H, Vn.16B
#define SXTL8(d, n) WORD $(0x0F08A400|((n)<<5)|(d))
#define SXTL28(d, n) WORD $(0x4F08A400|((n)<<5)|(d))
// SXTL Vd.4S, Vn.4H and SXTL2 Vd.4S, Vn.8H
#define SXTL4(d, n) WORD $(0x0F10A400|((n)<<5)|(d))
#define SXTL24(d, n) WORD $(0x4F10A400|((n)<<5)|(d))

// SCALE2 reads the f16 scales at (R0) and (R1), advancing both pointers
// by 2, and leaves their product in every lane of V18.
#define SCALE2 \
	MOVHU.P 2(R0), R4         \
	MOVHU.P 2(R1), R5         \
	ORR     R5<<16, R4, R4    \
	VMOV    R4, V16.S[0]      \
	FCVTL4(16, 16)            \
	VDUP    V16.S[1], V17.S4  \
	FMULS   F16, F17, F18     \
	VDUP    V18.S[0], V18.S4

// DOTDONE adds the int32 lanes of V4, converted and scaled by V18, to the
// float lanes of V30.
#define DOTDONE \
	SCVTF4(4, 4)                 \
	VFMLA V4.S4, V18.S4, V30.S4

// HSUM4 leaves the sum of the four float lanes of V30 in F30.
#define HSUM4 \
	FADDP4(30, 30, 30) \
	FADDP4(30, 30, 30)

// func dotQ8_0NEON(w, a *byte, nb int) float32
TEXT ·dotQ8_0NEON(SB), NOSPLIT, $0-28
	MOVD w+0(FP), R0
	MOVD a+8(FP), R1
	MOVD nb+16(FP), R2
	VEOR V30.B16, V30.B16, V30.B16
q8loop:
	SCALE2
	VLD1.P 32(R0), [V0.B16, V1.B16]
	VLD1.P 32(R1), [V2.B16, V3.B16]
	VEOR V4.B16, V4.B16, V4.B16
	SDOT(4, 0, 2)
	SDOT(4, 1, 3)
	DOTDONE
	SUBS $1, R2
	BNE  q8loop
	HSUM4
	FMOVS F30, ret+24(FP)
	RET

// func dotQ4_0NEON(w, a *byte, nb int) float32
TEXT ·dotQ4_0NEON(SB), NOSPLIT, $0-28
	MOVD w+0(FP), R0
	MOVD a+8(FP), R1
	MOVD nb+16(FP), R2
	VEOR V30.B16, V30.B16, V30.B16
	VMOVI $15, V28.B16
	VMOVI $8, V29.B16
q40loop:
	SCALE2
	VLD1.P 16(R0), [V0.B16]
	VLD1.P 32(R1), [V2.B16, V3.B16]
	VAND  V28.B16, V0.B16, V1.B16 // elements 0..15
	VUSHR $4, V0.B16, V0.B16      // elements 16..31
	VSUB  V29.B16, V1.B16, V1.B16
	VSUB  V29.B16, V0.B16, V0.B16
	VEOR V4.B16, V4.B16, V4.B16
	SDOT(4, 1, 2)
	SDOT(4, 0, 3)
	DOTDONE
	SUBS $1, R2
	BNE  q40loop
	HSUM4
	FMOVS F30, ret+24(FP)
	RET

// Q4KCHUNK: 64 elements of a Q4_K block: 32 bytes of nibbles at (R15)
// (low: sub-block 2c, high: 2c+1) with 64 activations at (R14); adds the
// two sub-block sums times their scales (bytes 2c and 2c+1 of R8) to R16.
#define Q4KCHUNK(s0, s1) \
	VLD1.P 32(R15), [V0.B16, V1.B16]                 \
	VLD1.P 64(R14), [V4.B16, V5.B16, V6.B16, V7.B16] \
	VAND   V28.B16, V0.B16, V2.B16                   \
	VAND   V28.B16, V1.B16, V3.B16                   \
	VUSHR  $4, V0.B16, V0.B16                        \
	VUSHR  $4, V1.B16, V1.B16                        \
	VEOR   V8.B16, V8.B16, V8.B16                    \
	VEOR   V9.B16, V9.B16, V9.B16                    \
	SDOT(8, 2, 4)                                    \
	SDOT(8, 3, 5)                                    \
	SDOT(9, 0, 6)                                    \
	SDOT(9, 1, 7)                                    \
	VADDV  V8.S4, V8                                 \
	VADDV  V9.S4, V9                                 \
	VMOV   V8.S[0], R19                              \
	VMOV   V9.S[0], R20                              \
	UBFX   $(s0), R8, $8, R21                        \
	MADDW  R21, R16, R19, R16                        \
	UBFX   $(s1), R8, $8, R21                        \
	MADDW  R21, R16, R20, R16

// func dotQ4_KNEON(w, a *byte, nb int) float32
TEXT ·dotQ4_KNEON(SB), NOSPLIT, $0-28
	MOVD w+0(FP), R0
	MOVD a+8(FP), R1
	MOVD nb+16(FP), R2
	FMOVS $0.0, F30 // sum of d*d8*scaled dots
	FMOVS $0.0, F29 // sum of dmin*d8*mins·bsums
	VMOVI $15, V28.B16
q4kloop:
	// [d, dmin] * d8
	MOVWU (R0), R4
	VMOV  R4, V16.S[0]
	FCVTL4(16, 16)
	FMOVS (R1), F17
	VDUP  V16.S[1], V18.S4
	FMULS F17, F16, F16
	FMULS F17, F18, F18
	// Scales (R8) and mins (R10): 12 bytes of 6-bit values unpacked to 8+8.
	MOVWU 4(R0), R5
	MOVWU 8(R0), R6
	MOVWU 12(R0), R7
	ANDW  $0x3f3f3f3f, R5, R8
	LSRW  $6, R5, R12
	ANDW  $0x03030303, R12, R12
	LSLW  $4, R12, R12
	ANDW  $0x0f0f0f0f, R7, R13
	ORRW  R13, R12, R9
	ANDW  $0x3f3f3f3f, R6, R10
	LSRW  $6, R6, R12
	ANDW  $0x03030303, R12, R12
	LSLW  $4, R12, R12
	LSRW  $4, R7, R13
	ANDW  $0x0f0f0f0f, R13, R13
	ORRW  R13, R12, R11
	ORR   R9<<32, R8, R8
	ORR   R11<<32, R10, R10
	// mins · (bsums summed in pairs)
	VMOV   R10, V20.D[0]
	VUXTL  V20.B8, V20.H8
	ADD    $260, R1, R12
	VLD1   (R12), [V21.H8, V22.H8]
	VADDP  V22.H8, V21.H8, V21.H8
	SMULL4(23, 21, 20)
	SMLAL24(23, 21, 20)
	VADDV  V23.S4, V23
	VMOV   V23.S[0], R13
	SCVTFWS R13, F23
	FMADDS F23, F29, F18, F29
	// scaled sub-block dots
	ADD  $16, R0, R15
	ADD  $4, R1, R14
	MOVW ZR, R16
	Q4KCHUNK(0, 8)
	Q4KCHUNK(16, 24)
	Q4KCHUNK(32, 40)
	Q4KCHUNK(48, 56)
	SCVTFWS R16, F24
	FMADDS  F24, F30, F16, F30
	ADD  $144, R0
	ADD  $292, R1
	SUBS $1, R2
	BNE  q4kloop
	FSUBS F29, F30, F30
	FMOVS F30, ret+24(FP)
	RET

// Q6KGROUP builds in V6 the 16 codes (minus 32) of one 16-element group
// of a Q6_K half from the low bits in V(lo) and the high bits that hi
// leaves in V7, and adds their dot product with the activations V(act) to
// the int32 lanes of V(acc).
#define Q6KGROUP(acc, act) \
	VAND V29.B16, V7.B16, V7.B16 \
	VORR V7.B16, V6.B16, V6.B16  \
	VSUB V30.B16, V6.B16, V6.B16 \
	SDOT(acc, 6, act)

// Q6KHALF: 128 elements of a Q6_K block: ql at (R6), qh at (R7),
// activations at (R8); the eight group sums times their scales (int32 in
// V(sa) and V(sb)) add to V19.
#define Q6KHALF(sa, sb) \
	VLD1.P 64(R6), [V0.B16, V1.B16, V2.B16, V3.B16]      \
	VLD1.P 32(R7), [V4.B16, V5.B16]                      \
	VLD1.P 64(R8), [V8.B16, V9.B16, V10.B16, V11.B16]    \
	VLD1.P 64(R8), [V12.B16, V13.B16, V14.B16, V15.B16]  \
	VEOR V20.B16, V20.B16, V20.B16 \
	VEOR V21.B16, V21.B16, V21.B16 \
	VEOR V22.B16, V22.B16, V22.B16 \
	VEOR V23.B16, V23.B16, V23.B16 \
	VAND V28.B16, V0.B16, V6.B16   \
	VSHL $4, V4.B16, V7.B16        \
	Q6KGROUP(20, 8)                \
	VAND V28.B16, V1.B16, V6.B16   \
	VSHL $4, V5.B16, V7.B16        \
	Q6KGROUP(21, 9)                \
	VAND V28.B16, V2.B16, V6.B16   \
	VSHL $2, V4.B16, V7.B16        \
	Q6KGROUP(22, 10)               \
	VAND V28.B16, V3.B16, V6.B16   \
	VSHL $2, V5.B16, V7.B16        \
	Q6KGROUP(23, 11)               \
	VADDP V21.S4, V20.S4, V20.S4   \
	VADDP V23.S4, V22.S4, V22.S4   \
	VADDP V22.S4, V20.S4, V20.S4   \
	MLA4(19, 20, sa)               \
	VEOR V20.B16, V20.B16, V20.B16 \
	VEOR V21.B16, V21.B16, V21.B16 \
	VEOR V22.B16, V22.B16, V22.B16 \
	VEOR V23.B16, V23.B16, V23.B16 \
	VUSHR $4, V0.B16, V6.B16       \
	VORR V4.B16, V4.B16, V7.B16    \
	Q6KGROUP(20, 12)               \
	VUSHR $4, V1.B16, V6.B16       \
	VORR V5.B16, V5.B16, V7.B16    \
	Q6KGROUP(21, 13)               \
	VUSHR $4, V2.B16, V6.B16       \
	VUSHR $2, V4.B16, V7.B16       \
	Q6KGROUP(22, 14)               \
	VUSHR $4, V3.B16, V6.B16       \
	VUSHR $2, V5.B16, V7.B16       \
	Q6KGROUP(23, 15)               \
	VADDP V21.S4, V20.S4, V20.S4   \
	VADDP V23.S4, V22.S4, V22.S4   \
	VADDP V22.S4, V20.S4, V20.S4   \
	MLA4(19, 20, sb)

// func dotQ6_KNEON(w, a *byte, nb int) float32
TEXT ·dotQ6_KNEON(SB), NOSPLIT, $0-28
	MOVD w+0(FP), R0
	MOVD a+8(FP), R1
	MOVD nb+16(FP), R2
	FMOVS $0.0, F18
	VMOVI $15, V28.B16
	VMOVI $48, V29.B16
	VMOVI $32, V30.B16
q6kloop:
	// d * d8
	MOVHU 208(R0), R4
	VMOV  R4, V16.S[0]
	FCVTL4(16, 16)
	FMOVS (R1), F17
	FMULS F17, F16, F16
	// the 16 int8 scales as four vectors of int32
	ADD  $192, R0, R5
	VLD1 (R5), [V20.B16]
	SXTL8(21, 20)
	SXTL28(22, 20)
	SXTL4(24, 21)
	SXTL24(25, 21)
	SXTL4(26, 22)
	SXTL24(27, 22)
	MOVD R0, R6
	ADD  $128, R0, R7
	ADD  $4, R1, R8
	VEOR V19.B16, V19.B16, V19.B16
	Q6KHALF(24, 25)
	Q6KHALF(26, 27)
	VADDV   V19.S4, V19
	VMOV    V19.S[0], R9
	SCVTFWS R9, F20
	FMADDS  F20, F18, F16, F18
	ADD  $210, R0
	ADD  $292, R1
	SUBS $1, R2
	BNE  q6kloop
	FMOVS F18, ret+24(FP)
	RET
