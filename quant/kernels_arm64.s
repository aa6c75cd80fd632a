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
// FMUL Vd.4S, Vn.4S, Vm.4S
#define FMUL4(d, n, m) WORD $(0x6E20DC00|((m)<<16)|((n)<<5)|(d))
// SMLAL Vd.4S, Vn.4H, Vm.4H
#define SMLAL4(d, n, m) WORD $(0x0E608000|((m)<<16)|((n)<<5)|(d))
// FCVTL2 Vd.4S, Vn.8H (upper four f16 to f32)
#define FCVTL24(d, n) WORD $(0x4E217800|((n)<<5)|(d))
// SXTL Vd.8H, Vn.8B and SXTL2 Vd.8H, Vn.16B
#define SXTL8(d, n) WORD $(0x0F08A400|((n)<<5)|(d))
#define SXTL28(d, n) WORD $(0x4F08A400|((n)<<5)|(d))
// SXTL Vd.4S, Vn.4H and SXTL2 Vd.4S, Vn.8H
#define SXTL4(d, n) WORD $(0x0F10A400|((n)<<5)|(d))
#define SXTL24(d, n) WORD $(0x4F10A400|((n)<<5)|(d))

// ARGS4 loads the arguments of a four-activation kernel: R0 = w, R5..R8
// = the four activation rows (a, a+astride, ...), R2 = nb.
#define ARGS4 \
	MOVD w+0(FP), R0        \
	MOVD a+8(FP), R5        \
	MOVD astride+16(FP), R4 \
	ADD  R4, R5, R6         \
	ADD  R4, R6, R7         \
	ADD  R4, R7, R8         \
	MOVD nb+24(FP), R2

// STORE4 writes the four float lanes of V30 to y[0], y[ystride],
// y[2*ystride] and y[3*ystride].
#define STORE4 \
	MOVD y+40(FP), R10        \
	MOVD ystride+48(FP), R11  \
	LSL  $2, R11              \
	VMOV V30.S[0], R9         \
	MOVW R9, (R10)            \
	ADD  R11, R10             \
	VMOV V30.S[1], R9         \
	MOVW R9, (R10)            \
	ADD  R11, R10             \
	VMOV V30.S[2], R9         \
	MOVW R9, (R10)            \
	ADD  R11, R10             \
	VMOV V30.S[3], R9         \
	MOVW R9, (R10)

// SUM4 leaves in V20 the sums of the int32 lanes of V20, V21, V22, V23,
// one per lane.
#define SUM4 \
	VADDP V21.S4, V20.S4, V20.S4 \
	VADDP V23.S4, V22.S4, V22.S4 \
	VADDP V22.S4, V20.S4, V20.S4

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

// NIBN loads 32 bytes of nibbles at (R15) (low nibbles: sub-block 2c in
// V2, V3; high: 2c+1 in V0, V1) and 64 activations at (R14) (V4..V7).
#define NIBN \
	VLD1.P 32(R15), [V0.B16, V1.B16]                 \
	VLD1.P 64(R14), [V4.B16, V5.B16, V6.B16, V7.B16] \
	VAND   V28.B16, V0.B16, V2.B16                   \
	VAND   V28.B16, V1.B16, V3.B16                   \
	VUSHR  $4, V0.B16, V0.B16                        \
	VUSHR  $4, V1.B16, V1.B16

// KDOT adds the two sub-block dot products of the codes NIBN left, times
// their scales (bytes at bit offsets s0 and s1 of R8), to R16.
#define KDOT(s0, s1) \
	VEOR   V8.B16, V8.B16, V8.B16 \
	VEOR   V9.B16, V9.B16, V9.B16 \
	SDOT(8, 2, 4)                 \
	SDOT(8, 3, 5)                 \
	SDOT(9, 0, 6)                 \
	SDOT(9, 1, 7)                 \
	VADDV  V8.S4, V8              \
	VADDV  V9.S4, V9              \
	VMOV   V8.S[0], R19           \
	VMOV   V9.S[0], R20           \
	UBFX   $(s0), R8, $8, R21     \
	MADDW  R21, R16, R19, R16     \
	UBFX   $(s1), R8, $8, R21     \
	MADDW  R21, R16, R20, R16

// HIBIT ORs bit k of the qh bytes V10, V11, moved to bit 4 (mask V27), into
// the codes c0, c1: shift is VSHL $(4-k) for k <= 4 and VUSHR $(k-4) above.
// Clobbers t.
#define HIBIT(shift, n, c0, c1, t) \
	shift $n, V10.B16, t.B16      \
	VAND  V27.B16, t.B16, t.B16   \
	VORR  t.B16, c0.B16, c0.B16   \
	shift $n, V11.B16, t.B16      \
	VAND  V27.B16, t.B16, t.B16   \
	VORR  t.B16, c1.B16, c1.B16

// KSTART begins a Q4_K/Q5_K block at (R0) with its Q8_K block at (R1):
// F16 = d*d8, F29 += dmin*d8*mins·bsums, R8 = the eight 6-bit scales,
// R14 = the activations, R16 = 0.
#define KSTART \
	MOVWU (R0), R4                  \
	VMOV  R4, V16.S[0]              \
	FCVTL4(16, 16)                  \
	FMOVS (R1), F17                 \
	VDUP  V16.S[1], V18.S4          \
	FMULS F17, F16, F16             \
	FMULS F17, F18, F18             \
	MOVWU 4(R0), R5                 \
	MOVWU 8(R0), R6                 \
	MOVWU 12(R0), R7                \
	ANDW  $0x3f3f3f3f, R5, R8       \
	LSRW  $6, R5, R12               \
	ANDW  $0x03030303, R12, R12     \
	LSLW  $4, R12, R12              \
	ANDW  $0x0f0f0f0f, R7, R13      \
	ORRW  R13, R12, R9              \
	ANDW  $0x3f3f3f3f, R6, R10      \
	LSRW  $6, R6, R12               \
	ANDW  $0x03030303, R12, R12     \
	LSLW  $4, R12, R12              \
	LSRW  $4, R7, R13               \
	ANDW  $0x0f0f0f0f, R13, R13     \
	ORRW  R13, R12, R11             \
	ORR   R9<<32, R8, R8            \
	ORR   R11<<32, R10, R10         \
	VMOV   R10, V20.D[0]            \
	VUXTL  V20.B8, V20.H8           \
	ADD    $260, R1, R12            \
	VLD1   (R12), [V21.H8, V22.H8]  \
	VADDP  V22.H8, V21.H8, V21.H8   \
	SMULL4(23, 21, 20)              \
	SMLAL24(23, 21, 20)             \
	VADDV  V23.S4, V23              \
	VMOV   V23.S[0], R13            \
	SCVTFWS R13, F23                \
	FMADDS F23, F29, F18, F29       \
	ADD  $4, R1, R14                \
	MOVW ZR, R16

// KEND adds d*d8 times the block's integer sum to F30 and moves to the
// next blocks (Q8_K: 292 bytes).
#define KEND(wbytes) \
	SCVTFWS R16, F24          \
	FMADDS  F24, F30, F16, F30 \
	ADD  $(wbytes), R0        \
	ADD  $292, R1

// func dotQ4_KNEON(w, a *byte, nb int) float32
TEXT ·dotQ4_KNEON(SB), NOSPLIT, $0-28
	MOVD w+0(FP), R0
	MOVD a+8(FP), R1
	MOVD nb+16(FP), R2
	FMOVS $0.0, F30 // sum of d*d8*scaled dots
	FMOVS $0.0, F29 // sum of dmin*d8*mins·bsums
	VMOVI $15, V28.B16
q4kloop:
	KSTART
	ADD $16, R0, R15
	NIBN
	KDOT(0, 8)
	NIBN
	KDOT(16, 24)
	NIBN
	KDOT(32, 40)
	NIBN
	KDOT(48, 56)
	KEND(144)
	SUBS $1, R2
	BNE  q4kloop
	FSUBS F29, F30, F30
	FMOVS F30, ret+24(FP)
	RET

// func dotQ5_KNEON(w, a *byte, nb int) float32
TEXT ·dotQ5_KNEON(SB), NOSPLIT, $0-28
	MOVD w+0(FP), R0
	MOVD a+8(FP), R1
	MOVD nb+16(FP), R2
	FMOVS $0.0, F30
	FMOVS $0.0, F29
	VMOVI $15, V28.B16
	VMOVI $16, V27.B16
q5kloop:
	KSTART
	ADD  $16, R0, R15
	VLD1.P 32(R15), [V10.B16, V11.B16] // qh; R15 moves on to qs
	NIBN
	HIBIT(VSHL, 4, V2, V3, V12)
	HIBIT(VSHL, 3, V0, V1, V12)
	KDOT(0, 8)
	NIBN
	HIBIT(VSHL, 2, V2, V3, V12)
	HIBIT(VSHL, 1, V0, V1, V12)
	KDOT(16, 24)
	NIBN
	HIBIT(VSHL, 0, V2, V3, V12)
	HIBIT(VUSHR, 1, V0, V1, V12)
	KDOT(32, 40)
	NIBN
	HIBIT(VUSHR, 2, V2, V3, V12)
	HIBIT(VUSHR, 3, V0, V1, V12)
	KDOT(48, 56)
	KEND(176)
	SUBS $1, R2
	BNE  q5kloop
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

// Four-activation kernels for MatMul: one weight row against the four
// activation rows at R5..R8, each weight block decoded once.

// Q8ACT adds the int8 dot product of the weight codes (vector registers
// wlo, whi) with the next 32 activations of the row at Rk to the int32
// lanes of vector register acc.
#define Q8ACT(Rk, acc, wlo, whi) \
	VLD1.P 32(Rk), [V4.B16, V5.B16] \
	SDOT(acc, wlo, 4)               \
	SDOT(acc, whi, 5)

// Q8BLOCK4: one block of weight codes (vector registers wlo, whi) with
// scale V17 (every lane) against the next Q8_0 block of each of the four rows.
#define Q8BLOCK4(wlo, whi) \
	MOVHU.P 2(R5), R4          \
	VMOV    R4, V16.H[0]       \
	MOVHU.P 2(R6), R4          \
	VMOV    R4, V16.H[1]       \
	MOVHU.P 2(R7), R4          \
	VMOV    R4, V16.H[2]       \
	MOVHU.P 2(R8), R4          \
	VMOV    R4, V16.H[3]       \
	FCVTL4(16, 16)             \
	FMUL4(16, 16, 17)          \
	VEOR V20.B16, V20.B16, V20.B16 \
	VEOR V21.B16, V21.B16, V21.B16 \
	VEOR V22.B16, V22.B16, V22.B16 \
	VEOR V23.B16, V23.B16, V23.B16 \
	Q8ACT(R5, 20, wlo, whi)    \
	Q8ACT(R6, 21, wlo, whi)    \
	Q8ACT(R7, 22, wlo, whi)    \
	Q8ACT(R8, 23, wlo, whi)    \
	SUM4                       \
	SCVTF4(20, 20)             \
	VFMLA V20.S4, V16.S4, V30.S4

// WSCALE puts the f16 scale at (R0) in every lane of V17 and advances R0.
#define WSCALE \
	MOVHU.P 2(R0), R4      \
	VMOV    R4, V17.H[0]   \
	FCVTL4(17, 17)         \
	VDUP    V17.S[0], V17.S4

// func dotQ8_0x4NEON(w, a *byte, astride, nb int, scales, y *float32, ystride int)
TEXT ·dotQ8_0x4NEON(SB), NOSPLIT, $0-56
	ARGS4
	VEOR V30.B16, V30.B16, V30.B16
q8x4loop:
	WSCALE
	VLD1.P 32(R0), [V0.B16, V1.B16]
	Q8BLOCK4(0, 1)
	SUBS $1, R2
	BNE  q8x4loop
	STORE4
	RET

// func dotQ4_0x4NEON(w, a *byte, astride, nb int, scales, y *float32, ystride int)
TEXT ·dotQ4_0x4NEON(SB), NOSPLIT, $0-56
	ARGS4
	VEOR V30.B16, V30.B16, V30.B16
	VMOVI $15, V28.B16
	VMOVI $8, V29.B16
q40x4loop:
	WSCALE
	VLD1.P 16(R0), [V0.B16]
	VAND  V28.B16, V0.B16, V2.B16
	VUSHR $4, V0.B16, V3.B16
	VSUB  V29.B16, V2.B16, V2.B16
	VSUB  V29.B16, V3.B16, V3.B16
	Q8BLOCK4(2, 3)
	SUBS $1, R2
	BNE  q40x4loop
	STORE4
	RET

// KACT: one activation row's share of a Q4_K chunk: codes V2, V3 (sub-block
// 2c) and V0, V1 (2c+1) against the next 64 activations at Rk, the two
// sums times the scales in V12 and V13 added to vector register acc.
#define KACT(Rk, acc) \
	VLD1.P 64(Rk), [V4.B16, V5.B16, V6.B16, V7.B16] \
	VEOR   V8.B16, V8.B16, V8.B16 \
	VEOR   V9.B16, V9.B16, V9.B16 \
	SDOT(8, 2, 4)                 \
	SDOT(8, 3, 5)                 \
	SDOT(9, 0, 6)                 \
	SDOT(9, 1, 7)                 \
	MLA4(acc, 8, 12)              \
	MLA4(acc, 9, 13)

// NIB4N splits the next 32 bytes of nibbles at (R15): low nibbles (sub-block
// 2c) to V2, V3, high (2c+1) to V0, V1.
#define NIB4N \
	VLD1.P 32(R15), [V0.B16, V1.B16] \
	VAND   V28.B16, V0.B16, V2.B16   \
	VAND   V28.B16, V1.B16, V3.B16   \
	VUSHR  $4, V0.B16, V0.B16        \
	VUSHR  $4, V1.B16, V1.B16

// KDOT4: the codes NIB4N left, sub-blocks with the scales at bit offsets s0
// and s1 of R12, against the four rows.
#define KDOT4(s0, s1) \
	UBFX   $(s0), R12, $8, R9        \
	VDUP   R9, V12.S4                \
	UBFX   $(s1), R12, $8, R9        \
	VDUP   R9, V13.S4                \
	KACT(R5, 20)                     \
	KACT(R6, 21)                     \
	KACT(R7, 22)                     \
	KACT(R8, 23)

// KMIN sets the int32 lanes of vector register acc to the products of the
// mins (words of V24) with the bsums of the Q8_K block at Rk summed in
// pairs; SUM4 then reduces the four rows' products.
#define KMIN(Rk, acc) \
	ADD    $260, Rk, R9            \
	VLD1   (R9), [V25.H8, V26.H8]  \
	VADDP  V26.H8, V25.H8, V25.H8  \
	SMULL4(acc, 25, 24)            \
	SMLAL24(acc, 25, 24)

// KSTART4 begins a Q4_K/Q5_K block at (R0) against the Q8_K blocks at R5..R8:
// V30 loses dmin·d8·mins·bsums of each row, V16 = d·d8 of each row, R12 =
// the eight 6-bit scales, R15 = the nibbles (at qoff), V20..V23 cleared.
#define KSTART4(qoff) \
	MOVWU (R0), R4 \
	VMOV  R4, V16.S[0] \
	FCVTL4(16, 16) \
	MOVWU (R5), R4 \
	VMOV  R4, V18.S[0] \
	MOVWU (R6), R4 \
	VMOV  R4, V18.S[1] \
	MOVWU (R7), R4 \
	VMOV  R4, V18.S[2] \
	MOVWU (R8), R4 \
	VMOV  R4, V18.S[3] \
	VDUP  V16.S[1], V17.S4 \
	VDUP  V16.S[0], V16.S4 \
	FMUL4(16, 16, 18) \
	FMUL4(17, 17, 18) \
	MOVWU 4(R0), R9 \
	MOVWU 8(R0), R10 \
	MOVWU 12(R0), R11 \
	ANDW  $0x3f3f3f3f, R9, R12 \
	LSRW  $6, R9, R14 \
	ANDW  $0x03030303, R14, R14 \
	LSLW  $4, R14, R14 \
	ANDW  $0x0f0f0f0f, R11, R15 \
	ORRW  R15, R14, R14 \
	ORR   R14<<32, R12, R12 \
	ANDW  $0x3f3f3f3f, R10, R13 \
	LSRW  $6, R10, R14 \
	ANDW  $0x03030303, R14, R14 \
	LSLW  $4, R14, R14 \
	LSRW  $4, R11, R15 \
	ANDW  $0x0f0f0f0f, R15, R15 \
	ORRW  R15, R14, R14 \
	ORR   R14<<32, R13, R13 \
	VMOV  R13, V24.D[0] \
	VUXTL V24.B8, V24.H8 \
	KMIN(R5, 20) \
	KMIN(R6, 21) \
	KMIN(R7, 22) \
	KMIN(R8, 23) \
	SUM4 \
	SCVTF4(20, 20) \
	VFMLS V20.S4, V17.S4, V30.S4 \
	ADD  $4, R5 \
	ADD  $4, R6 \
	ADD  $4, R7 \
	ADD  $4, R8 \
	ADD  $(qoff), R0, R15 \
	VEOR V20.B16, V20.B16, V20.B16 \
	VEOR V21.B16, V21.B16, V21.B16 \
	VEOR V22.B16, V22.B16, V22.B16 \
	VEOR V23.B16, V23.B16, V23.B16

// KEND4 adds d·d8 times the four rows' integer sums to V30 and moves to
// the next blocks.
#define KEND4(wbytes) \
	SUM4 \
	SCVTF4(20, 20) \
	VFMLA V20.S4, V16.S4, V30.S4 \
	ADD  $(wbytes), R0 \
	ADD  $(292-4-256), R5 \
	ADD  $(292-4-256), R6 \
	ADD  $(292-4-256), R7 \
	ADD  $(292-4-256), R8

// func dotQ4_Kx4NEON(w, a *byte, astride, nb int, scales, y *float32, ystride int)
TEXT ·dotQ4_Kx4NEON(SB), NOSPLIT, $0-56
	ARGS4
	VEOR V30.B16, V30.B16, V30.B16
	VMOVI $15, V28.B16
q4kx4loop:
	KSTART4(16)
	NIB4N
	KDOT4(0, 8)
	NIB4N
	KDOT4(16, 24)
	NIB4N
	KDOT4(32, 40)
	NIB4N
	KDOT4(48, 56)
	KEND4(144)
	SUBS $1, R2
	BNE  q4kx4loop
	STORE4
	RET

// func dotQ5_Kx4NEON(w, a *byte, astride, nb int, scales, y *float32, ystride int)
TEXT ·dotQ5_Kx4NEON(SB), NOSPLIT, $0-56
	ARGS4
	VEOR V30.B16, V30.B16, V30.B16
	VMOVI $15, V28.B16
	VMOVI $16, V27.B16
q5kx4loop:
	KSTART4(48)
	ADD  $16, R0, R9
	VLD1 (R9), [V10.B16, V11.B16] // qh
	NIB4N
	HIBIT(VSHL, 4, V2, V3, V14)
	HIBIT(VSHL, 3, V0, V1, V14)
	KDOT4(0, 8)
	NIB4N
	HIBIT(VSHL, 2, V2, V3, V14)
	HIBIT(VSHL, 1, V0, V1, V14)
	KDOT4(16, 24)
	NIB4N
	HIBIT(VSHL, 0, V2, V3, V14)
	HIBIT(VUSHR, 1, V0, V1, V14)
	KDOT4(32, 40)
	NIB4N
	HIBIT(VUSHR, 2, V2, V3, V14)
	HIBIT(VUSHR, 3, V0, V1, V14)
	KDOT4(48, 56)
	KEND4(176)
	SUBS $1, R2
	BNE  q5kx4loop
	STORE4
	RET

// The 32-element formats with a fifth bit or a minimum (layouts in
// kernels_amd64.s): Q4_1 and Q5_1 pair with Q8_1 activations and add m·s
// per block; Q5_0 pairs with Q8_0.

// SCALEM: from [d, m] at (R0) and [d, s] at (R1), both advanced by 4:
// V19 = d·da in every lane, F29 += m·s.
#define SCALEM \
	MOVWU.P 4(R0), R4        \
	MOVWU.P 4(R1), R5        \
	VMOV    R4, V16.S[0]     \
	VMOV    R5, V17.S[0]     \
	FCVTL4(16, 16)           \
	FCVTL4(17, 17)           \
	FMUL4(16, 16, 17)        \
	VDUP    V16.S[1], V18.S4 \
	FADDS   F18, F29, F29    \
	VDUP    V16.S[0], V19.S4

// NIB16N loads the 16 bytes of nibbles at (R0), advancing it: elements
// 0..15 to V1, 16..31 to V0.
#define NIB16N \
	VLD1.P 16(R0), [V0.B16]       \
	VAND   V28.B16, V0.B16, V1.B16 \
	VUSHR  $4, V0.B16, V0.B16

// QH32N ORs bit j of the qh word at (R0), as 0x10, into code j (V1: 0..15,
// V0: 16..31), advancing R0 by 4.
#define QH32N \
	MOVWU.P 4(R0), R6                \
	VMOV    R6, V5.S[0]              \
	VTBL    V24.B16, [V5.B16], V6.B16 \
	VTBL    V25.B16, [V5.B16], V7.B16 \
	VCMTST  V26.B16, V6.B16, V6.B16  \
	VCMTST  V26.B16, V7.B16, V7.B16  \
	VAND    V27.B16, V6.B16, V6.B16  \
	VAND    V27.B16, V7.B16, V7.B16  \
	VORR    V6.B16, V1.B16, V1.B16   \
	VORR    V7.B16, V0.B16, V0.B16

// CODEDOT adds the dot product of the codes V1, V0 with the next 32
// activations at (R1), scaled by V19, to V30.
#define CODEDOT \
	VLD1.P 32(R1), [V2.B16, V3.B16] \
	VEOR   V4.B16, V4.B16, V4.B16   \
	SDOT(4, 1, 2)                   \
	SDOT(4, 0, 3)                   \
	SCVTF4(4, 4)                    \
	VFMLA  V4.S4, V19.S4, V30.S4

// QHCONST sets the constants of QH32N.
#define QHCONST \
	VMOVQ $0x0000000000000000, $0x0101010101010101, V24 \
	VMOVQ $0x0202020202020202, $0x0303030303030303, V25 \
	VMOVQ $0x8040201008040201, $0x8040201008040201, V26 \
	VMOVI $16, V27.B16

// func dotQ4_1NEON(w, a *byte, nb int) float32
TEXT ·dotQ4_1NEON(SB), NOSPLIT, $0-28
	MOVD w+0(FP), R0
	MOVD a+8(FP), R1
	MOVD nb+16(FP), R2
	VEOR V30.B16, V30.B16, V30.B16
	FMOVS $0.0, F29
	VMOVI $15, V28.B16
q41loop:
	SCALEM
	NIB16N
	CODEDOT
	SUBS $1, R2
	BNE  q41loop
	HSUM4
	FADDS F29, F30, F30
	FMOVS F30, ret+24(FP)
	RET

// func dotQ5_1NEON(w, a *byte, nb int) float32
TEXT ·dotQ5_1NEON(SB), NOSPLIT, $0-28
	MOVD w+0(FP), R0
	MOVD a+8(FP), R1
	MOVD nb+16(FP), R2
	VEOR V30.B16, V30.B16, V30.B16
	FMOVS $0.0, F29
	VMOVI $15, V28.B16
	QHCONST
q51loop:
	SCALEM
	ADD    $4, R0, R7
	VLD1   (R7), [V0.B16]
	VAND   V28.B16, V0.B16, V1.B16
	VUSHR  $4, V0.B16, V0.B16
	QH32N
	ADD    $16, R0
	CODEDOT
	SUBS $1, R2
	BNE  q51loop
	HSUM4
	FADDS F29, F30, F30
	FMOVS F30, ret+24(FP)
	RET

// func dotQ5_0NEON(w, a *byte, nb int) float32
TEXT ·dotQ5_0NEON(SB), NOSPLIT, $0-28
	MOVD w+0(FP), R0
	MOVD a+8(FP), R1
	MOVD nb+16(FP), R2
	VEOR V30.B16, V30.B16, V30.B16
	VMOVI $15, V28.B16
	QHCONST
q50loop:
	SCALE2
	VDUP   V18.S[0], V19.S4
	ADD    $4, R0, R7
	VLD1   (R7), [V0.B16]
	VAND   V28.B16, V0.B16, V1.B16
	VUSHR  $4, V0.B16, V0.B16
	QH32N
	ADD    $16, R0
	VSUB   V27.B16, V1.B16, V1.B16
	VSUB   V27.B16, V0.B16, V0.B16
	CODEDOT
	SUBS $1, R2
	BNE  q50loop
	HSUM4
	FMOVS F30, ret+24(FP)
	RET

// Q6FIN finishes the 16 Q6_K codes of one group in c (low bits already
// there, high bits shifted into place in V14): masks the high bits with
// 0x30, ORs them in and subtracts 32.
#define Q6FIN(c) \
	VAND V29.B16, V14.B16, V14.B16 \
	VORR V14.B16, c.B16, c.B16     \
	VSUB V30.B16, c.B16, c.B16

// Q6ACT: the four group codes V6..V9 against the next 64 activations of
// the row at Rk; the group sums times the scales (vector register sc)
// add to vector register acc.
#define Q6ACT(Rk, acc, sc) \
	VLD1.P 64(Rk), [V10.B16, V11.B16, V12.B16, V13.B16] \
	VEOR V20.B16, V20.B16, V20.B16 \
	VEOR V21.B16, V21.B16, V21.B16 \
	VEOR V22.B16, V22.B16, V22.B16 \
	VEOR V23.B16, V23.B16, V23.B16 \
	SDOT(20, 6, 10)                \
	SDOT(21, 7, 11)                \
	SDOT(22, 8, 12)                \
	SDOT(23, 9, 13)                \
	SUM4                           \
	MLA4(acc, 20, sc)

#define Q6ACT4(sc) \
	Q6ACT(R5, 16, sc) \
	Q6ACT(R6, 17, sc) \
	Q6ACT(R7, 18, sc) \
	Q6ACT(R8, 19, sc)

// Q6HALF4: 128 elements of a Q6_K block (ql at (R9), qh at (R10), both
// advanced) against the four rows, group scales V(sa) (groups 0..3 of the
// half) and V(sb) (4..7).
#define Q6HALF4(sa, sb) \
	VLD1.P 64(R9), [V0.B16, V1.B16, V2.B16, V3.B16] \
	VLD1.P 32(R10), [V4.B16, V5.B16]                \
	VAND  V28.B16, V0.B16, V6.B16 \
	VSHL  $4, V4.B16, V14.B16     \
	Q6FIN(V6)                     \
	VAND  V28.B16, V1.B16, V7.B16 \
	VSHL  $4, V5.B16, V14.B16     \
	Q6FIN(V7)                     \
	VAND  V28.B16, V2.B16, V8.B16 \
	VSHL  $2, V4.B16, V14.B16     \
	Q6FIN(V8)                     \
	VAND  V28.B16, V3.B16, V9.B16 \
	VSHL  $2, V5.B16, V14.B16     \
	Q6FIN(V9)                     \
	Q6ACT4(sa)                    \
	VUSHR $4, V0.B16, V6.B16      \
	VORR  V4.B16, V4.B16, V14.B16 \
	Q6FIN(V6)                     \
	VUSHR $4, V1.B16, V7.B16      \
	VORR  V5.B16, V5.B16, V14.B16 \
	Q6FIN(V7)                     \
	VUSHR $4, V2.B16, V8.B16      \
	VUSHR $2, V4.B16, V14.B16     \
	Q6FIN(V8)                     \
	VUSHR $4, V3.B16, V9.B16      \
	VUSHR $2, V5.B16, V14.B16     \
	Q6FIN(V9)                     \
	Q6ACT4(sb)

// func dotQ6_Kx4NEON(w, a *byte, astride, nb int, scales, y *float32, ystride int)
TEXT ·dotQ6_Kx4NEON(SB), NOSPLIT, $0-56
	ARGS4
	VEOR V31.B16, V31.B16, V31.B16
	VMOVI $15, V28.B16
	VMOVI $48, V29.B16
	VMOVI $32, V30.B16
q6kx4loop:
	// V15 = d * d8 of each row
	MOVHU 208(R0), R4
	VMOV  R4, V20.S[0]
	FCVTL4(20, 20)
	VDUP  V20.S[0], V20.S4
	MOVWU.P 4(R5), R4
	VMOV  R4, V21.S[0]
	MOVWU.P 4(R6), R4
	VMOV  R4, V21.S[1]
	MOVWU.P 4(R7), R4
	VMOV  R4, V21.S[2]
	MOVWU.P 4(R8), R4
	VMOV  R4, V21.S[3]
	FMUL4(15, 20, 21)
	// the 16 int8 scales as four vectors of int32
	ADD  $192, R0, R9
	VLD1 (R9), [V20.B16]
	SXTL8(21, 20)
	SXTL28(22, 20)
	SXTL4(24, 21)
	SXTL24(25, 21)
	SXTL4(26, 22)
	SXTL24(27, 22)
	VEOR V16.B16, V16.B16, V16.B16
	VEOR V17.B16, V17.B16, V17.B16
	VEOR V18.B16, V18.B16, V18.B16
	VEOR V19.B16, V19.B16, V19.B16
	MOVD R0, R9
	ADD  $128, R0, R10
	Q6HALF4(24, 25)
	Q6HALF4(26, 27)
	VADDP V17.S4, V16.S4, V16.S4
	VADDP V19.S4, V18.S4, V18.S4
	VADDP V18.S4, V16.S4, V16.S4
	SCVTF4(16, 16)
	VFMLA V16.S4, V15.S4, V31.S4
	ADD  $210, R0
	ADD  $32, R5
	ADD  $32, R6
	ADD  $32, R7
	ADD  $32, R8
	SUBS $1, R2
	BNE  q6kx4loop
	VORR V31.B16, V31.B16, V30.B16
	STORE4
	RET

// The 2- and 3-bit k-quants (layouts in kernels_amd64.s), one scale per
// 16-element group: the codes of four groups at a time are dotted with 64
// activations and the four group sums, times their scales, added to V19.

// G4DOT: the 16-byte codes in vector registers ca..cd (four consecutive
// groups) against the next 64 activations at (R14); the group sums times
// the int32 scales in vector register sc add to V19.
#define G4DOT(ca, cb, cc, cd, sc) \
	VLD1.P 64(R14), [V4.B16, V5.B16, V6.B16, V7.B16] \
	VEOR V8.B16, V8.B16, V8.B16    \
	VEOR V9.B16, V9.B16, V9.B16    \
	VEOR V10.B16, V10.B16, V10.B16 \
	VEOR V11.B16, V11.B16, V11.B16 \
	SDOT(8, ca, 4)                 \
	SDOT(9, cb, 5)                 \
	SDOT(10, cc, 6)                \
	SDOT(11, cd, 7)                \
	VADDP V9.S4, V8.S4, V8.S4      \
	VADDP V11.S4, V10.S4, V10.S4   \
	VADDP V10.S4, V8.S4, V8.S4     \
	MLA4(19, 8, sc)

// SCALES16 widens the 16 int8 scales of V25 to four int32 vectors V20..V23.
#define SCALES16 \
	SXTL8(26, 25)   \
	SXTL28(27, 25)  \
	SXTL4(20, 26)   \
	SXTL24(21, 26)  \
	SXTL4(22, 27)   \
	SXTL24(23, 27)

// Q2HALF: 128 elements: 32 bytes of 2-bit codes at (R15) (bits 2j of byte
// l: element 32j+l), scales of the half's groups 0..3 and 4..7 in vector
// registers sa, sb.
#define Q2HALF(sa, sb) \
	VLD1.P 32(R15), [V0.B16, V1.B16]  \
	VAND  V29.B16, V0.B16, V12.B16    \
	VAND  V29.B16, V1.B16, V13.B16    \
	VUSHR $2, V0.B16, V14.B16         \
	VAND  V29.B16, V14.B16, V14.B16   \
	VUSHR $2, V1.B16, V15.B16         \
	VAND  V29.B16, V15.B16, V15.B16   \
	G4DOT(12, 13, 14, 15, sa)         \
	VUSHR $4, V0.B16, V12.B16         \
	VAND  V29.B16, V12.B16, V12.B16   \
	VUSHR $4, V1.B16, V13.B16         \
	VAND  V29.B16, V13.B16, V13.B16   \
	VUSHR $6, V0.B16, V14.B16         \
	VUSHR $6, V1.B16, V15.B16         \
	G4DOT(12, 13, 14, 15, sb)

// func dotQ2_KNEON(w, a *byte, nb int) float32
TEXT ·dotQ2_KNEON(SB), NOSPLIT, $0-28
	MOVD w+0(FP), R0
	MOVD a+8(FP), R1
	MOVD nb+16(FP), R2
	FMOVS $0.0, F30
	VMOVI $15, V28.B16
	VMOVI $3, V29.B16
q2kloop:
	// F16 = d*d8, F18 = dmin*d8
	MOVWU 80(R0), R4
	VMOV  R4, V16.S[0]
	FCVTL4(16, 16)
	FMOVS (R1), F17
	VDUP  V16.S[1], V18.S4
	FMULS F17, F16, F16
	FMULS F17, F18, F18
	// scales (low nibbles) and mins (high nibbles)
	VLD1  (R0), [V24.B16]
	VAND  V28.B16, V24.B16, V25.B16
	VUSHR $4, V24.B16, V24.B16
	// mins · bsums
	ADD    $260, R1, R9
	VLD1   (R9), [V2.H8, V3.H8]
	VUXTL  V24.B8, V26.H8
	VUXTL2 V24.B16, V27.H8
	SMULL4(19, 2, 26)
	SMLAL24(19, 2, 26)
	SMLAL4(19, 3, 27)
	SMLAL24(19, 3, 27)
	VADDV  V19.S4, V19
	VMOV   V19.S[0], R9
	SCVTFWS R9, F19
	FMSUBS F19, F30, F18, F30
	SCALES16
	VEOR V19.B16, V19.B16, V19.B16
	ADD  $16, R0, R15
	ADD  $4, R1, R14
	Q2HALF(20, 21)
	Q2HALF(22, 23)
	VADDV   V19.S4, V19
	VMOV    V19.S[0], R9
	SCVTFWS R9, F19
	FMADDS  F19, F30, F16, F30
	ADD  $84, R0
	ADD  $292, R1
	SUBS $1, R2
	BNE  q2kloop
	FMOVS F30, ret+24(FP)
	RET

// Q3C puts in vector register c the 3-bit codes minus 4 of 16 elements:
// the 2 low bits at bit 2j of the bytes of vector register q (lshift moves
// them to bit 0: VSHL $0 or VUSHR $(2j)), the third at bit m of the hmask
// bytes in vector register h (hshift moves it to bit 2). V29 holds 3 in
// every byte, V28 holds 4; clobbers t.
#define Q3C(c, q, lshift, h, hshift, t) \
	lshift, q.B16, c.B16         \
	VAND  V29.B16, c.B16, c.B16  \
	hshift, h.B16, t.B16         \
	VAND  V28.B16, t.B16, t.B16  \
	VORR  t.B16, c.B16, c.B16    \
	VSUB  V28.B16, c.B16, c.B16

// Q3HALF: 128 elements: 32 bytes of low bits at (R15); the third bits are
// bits 4n..4n+3 of the hmask bytes V2, V3 (shifts s0..s3 to bit 2).
#define Q3HALF(sa, sb, s0, s1, s2, s3) \
	VLD1.P 32(R15), [V0.B16, V1.B16] \
	Q3C(V12, V0, VSHL $0, V2, s0, V16)    \
	Q3C(V13, V1, VSHL $0, V3, s0, V16)    \
	Q3C(V14, V0, VUSHR $2, V2, s1, V16)   \
	Q3C(V15, V1, VUSHR $2, V3, s1, V16)   \
	G4DOT(12, 13, 14, 15, sa)        \
	Q3C(V12, V0, VUSHR $4, V2, s2, V16)   \
	Q3C(V13, V1, VUSHR $4, V3, s2, V16)   \
	Q3C(V14, V0, VUSHR $6, V2, s3, V16)   \
	Q3C(V15, V1, VUSHR $6, V3, s3, V16)   \
	G4DOT(12, 13, 14, 15, sb)

// func dotQ3_KNEON(w, a *byte, nb int) float32
TEXT ·dotQ3_KNEON(SB), NOSPLIT, $0-28
	MOVD w+0(FP), R0
	MOVD a+8(FP), R1
	MOVD nb+16(FP), R2
	FMOVS $0.0, F30
	VMOVI $3, V29.B16
	VMOVI $4, V28.B16 // the third bit's mask and the codes' offset
	VMOVI $32, V24.B16
q3kloop:
	// 16 6-bit scales from 12 bytes, as in dotQ3_KAVX2
	MOVWU 96(R0), R4
	MOVWU 100(R0), R5
	MOVWU 104(R0), R6
	ANDW  $0x0f0f0f0f, R4, R8
	ANDW  $0x03030303, R6, R10
	ORRW  R10<<4, R8, R8
	ANDW  $0x0f0f0f0f, R5, R9
	LSRW  $2, R6, R10
	ANDW  $0x03030303, R10, R10
	ORRW  R10<<4, R9, R9
	ORR   R9<<32, R8, R8
	LSRW  $4, R4, R9
	ANDW  $0x0f0f0f0f, R9, R9
	LSRW  $4, R6, R10
	ANDW  $0x03030303, R10, R10
	ORRW  R10<<4, R9, R9
	LSRW  $4, R5, R11
	ANDW  $0x0f0f0f0f, R11, R11
	LSRW  $6, R6, R10
	ANDW  $0x03030303, R10, R10
	ORRW  R10<<4, R11, R11
	ORR   R11<<32, R9, R9
	VMOV  R8, V25.D[0]
	VMOV  R9, V25.D[1]
	VSUB  V24.B16, V25.B16, V25.B16
	SCALES16
	// F17 = d*d8
	MOVHU 108(R0), R4
	VMOV  R4, V17.S[0]
	FCVTL4(17, 17)
	FMOVS (R1), F18
	FMULS F18, F17, F17
	VLD1  (R0), [V2.B16, V3.B16] // hmask
	VEOR V19.B16, V19.B16, V19.B16
	ADD  $32, R0, R15
	ADD  $4, R1, R14
	Q3HALF(20, 21, VSHL $2, VSHL $1, VSHL $0, VUSHR $1)
	Q3HALF(22, 23, VUSHR $2, VUSHR $3, VUSHR $4, VUSHR $5)
	VADDV   V19.S4, V19
	VMOV    V19.S[0], R9
	SCVTFWS R9, F19
	FMADDS  F19, F30, F17, F30
	ADD  $110, R0
	ADD  $292, R1
	SUBS $1, R2
	BNE  q3kloop
	FMOVS F30, ret+24(FP)
	RET

// func dotF16NEON(w, a *byte, nb int) float32
// nb counts runs of 16 f16 elements.
TEXT ·dotF16NEON(SB), NOSPLIT, $0-28
	MOVD w+0(FP), R0
	MOVD a+8(FP), R1
	MOVD nb+16(FP), R2
	VEOR V30.B16, V30.B16, V30.B16
	VEOR V31.B16, V31.B16, V31.B16
f16loop:
	VLD1.P 32(R0), [V0.H8, V1.H8]
	VLD1.P 32(R1), [V2.H8, V3.H8]
	FCVTL4(4, 0)
	FCVTL24(5, 0)
	FCVTL4(6, 1)
	FCVTL24(7, 1)
	FCVTL4(8, 2)
	FCVTL24(9, 2)
	FCVTL4(10, 3)
	FCVTL24(11, 3)
	VFMLA V4.S4, V8.S4, V30.S4
	VFMLA V5.S4, V9.S4, V31.S4
	VFMLA V6.S4, V10.S4, V30.S4
	VFMLA V7.S4, V11.S4, V31.S4
	SUBS $1, R2
	BNE  f16loop
	FADDP4(30, 30, 31)
	HSUM4
	FMOVS F30, ret+24(FP)
	RET

// F16ACT adds the products of the f32 weights V1, V2 with the next eight
// f16 activations of the row at Rk to the float lanes of vector register acc.
#define F16ACT(Rk, acc) \
	VLD1.P 16(Rk), [V3.H8]         \
	FCVTL4(4, 3)                   \
	FCVTL24(5, 3)                  \
	VFMLA  V4.S4, V1.S4, acc.S4    \
	VFMLA  V5.S4, V2.S4, acc.S4

// func dotF16x4NEON(w, a *byte, astride, nb int, scales, y *float32, ystride int)
// nb counts runs of 8 f16 elements; scales is unused.
TEXT ·dotF16x4NEON(SB), NOSPLIT, $0-56
	ARGS4
	VEOR V20.B16, V20.B16, V20.B16
	VEOR V21.B16, V21.B16, V21.B16
	VEOR V22.B16, V22.B16, V22.B16
	VEOR V23.B16, V23.B16, V23.B16
f16x4loop:
	VLD1.P 16(R0), [V0.H8]
	FCVTL4(1, 0)
	FCVTL24(2, 0)
	F16ACT(R5, V20)
	F16ACT(R6, V21)
	F16ACT(R7, V22)
	F16ACT(R8, V23)
	SUBS $1, R2
	BNE  f16x4loop
	FADDP4(20, 20, 21)
	FADDP4(22, 22, 23)
	FADDP4(30, 20, 22)
	STORE4
	RET

// Four-activation Q2_K and Q3_K kernels: the codes of four groups (V6..V9)
// are built once and Q6ACT4 takes them against the four rows (R5..R8) with
// the group scales in V24..V27; V16..V19 collect the rows' integer sums and
// V15 holds d·d8 of each row.

// D8ROWS puts the four rows' f32 d8 in V21, advancing R5..R8 past them.
#define D8ROWS \
	MOVWU.P 4(R5), R4    \
	VMOV    R4, V21.S[0] \
	MOVWU.P 4(R6), R4    \
	VMOV    R4, V21.S[1] \
	MOVWU.P 4(R7), R4    \
	VMOV    R4, V21.S[2] \
	MOVWU.P 4(R8), R4    \
	VMOV    R4, V21.S[3]

// SCALES4 widens the 16 int8 scales of V25 to the int32 vectors V24..V27.
#define SCALES4 \
	SXTL8(12, 25)  \
	SXTL28(13, 25) \
	SXTL4(24, 12)  \
	SXTL24(25, 12) \
	SXTL4(26, 13)  \
	SXTL24(27, 13)

// ROWSEND adds d·d8 (V15) times the four rows' integer sums to V31 and
// moves the rows past their bsums.
#define ROWSEND \
	VADDP V17.S4, V16.S4, V16.S4 \
	VADDP V19.S4, V18.S4, V18.S4 \
	VADDP V18.S4, V16.S4, V16.S4 \
	SCVTF4(16, 16)               \
	VFMLA V16.S4, V15.S4, V31.S4 \
	ADD   $32, R5                \
	ADD   $32, R6                \
	ADD   $32, R7                \
	ADD   $32, R8

#define ZERO4 \
	VEOR V16.B16, V16.B16, V16.B16 \
	VEOR V17.B16, V17.B16, V17.B16 \
	VEOR V18.B16, V18.B16, V18.B16 \
	VEOR V19.B16, V19.B16, V19.B16

// KMINROW sets vector register acc to the products of the 16 mins (words of V26, V27)
// with the bsums of the row at Rk (past its d8).
#define KMINROW(Rk, acc) \
	ADD  $256, Rk, R9            \
	VLD1 (R9), [V2.H8, V3.H8]    \
	SMULL4(acc, 2, 26)           \
	SMLAL24(acc, 2, 26)          \
	SMLAL4(acc, 3, 27)           \
	SMLAL24(acc, 3, 27)

// Q2HALF4: 128 elements: 32 bytes of 2-bit codes at (R13), against the
// four rows, scales of groups 0..3 and 4..7 of the half in sa, sb.
#define Q2HALF4(sa, sb) \
	VLD1.P 32(R13), [V0.B16, V1.B16] \
	VAND  V28.B16, V0.B16, V6.B16    \
	VAND  V28.B16, V1.B16, V7.B16    \
	VUSHR $2, V0.B16, V8.B16         \
	VAND  V28.B16, V8.B16, V8.B16    \
	VUSHR $2, V1.B16, V9.B16         \
	VAND  V28.B16, V9.B16, V9.B16    \
	Q6ACT4(sa)                       \
	VUSHR $4, V0.B16, V6.B16         \
	VAND  V28.B16, V6.B16, V6.B16    \
	VUSHR $4, V1.B16, V7.B16         \
	VAND  V28.B16, V7.B16, V7.B16    \
	VUSHR $6, V0.B16, V8.B16         \
	VUSHR $6, V1.B16, V9.B16         \
	Q6ACT4(sb)

// func dotQ2_Kx4NEON(w, a *byte, astride, nb int, scales, y *float32, ystride int)
TEXT ·dotQ2_Kx4NEON(SB), NOSPLIT, $0-56
	ARGS4
	VEOR  V31.B16, V31.B16, V31.B16
	VMOVI $3, V28.B16
	VMOVI $15, V29.B16
q2kx4loop:
	D8ROWS
	MOVWU 80(R0), R4
	VMOV  R4, V20.S[0]
	FCVTL4(20, 20)
	VDUP  V20.S[1], V14.S4
	VDUP  V20.S[0], V20.S4
	FMUL4(15, 20, 21) // d*d8
	FMUL4(14, 14, 21) // dmin*d8
	// scales (low nibbles) to V25, mins (high nibbles) as words to V26, V27
	VLD1   (R0), [V24.B16]
	VAND   V29.B16, V24.B16, V25.B16
	VUSHR  $4, V24.B16, V24.B16
	VUXTL  V24.B8, V26.H8
	VUXTL2 V24.B16, V27.H8
	KMINROW(R5, 16)
	KMINROW(R6, 17)
	KMINROW(R7, 18)
	KMINROW(R8, 19)
	VADDP V17.S4, V16.S4, V16.S4
	VADDP V19.S4, V18.S4, V18.S4
	VADDP V18.S4, V16.S4, V16.S4
	SCVTF4(16, 16)
	VFMLS V16.S4, V14.S4, V31.S4
	SCALES4
	ZERO4
	ADD $16, R0, R13
	Q2HALF4(24, 25)
	Q2HALF4(26, 27)
	ROWSEND
	ADD  $84, R0
	SUBS $1, R2
	BNE  q2kx4loop
	VORR V31.B16, V31.B16, V30.B16
	STORE4
	RET

// Q3HALF4: 128 elements: 32 bytes of low bits at (R13), third bits from
// the hmask bytes V2, V3 (shifts s0..s3), against the four rows.
#define Q3HALF4(sa, sb, s0, s1, s2, s3) \
	VLD1.P 32(R13), [V0.B16, V1.B16]        \
	Q3C(V6, V0, VSHL $0, V2, s0, V14)       \
	Q3C(V7, V1, VSHL $0, V3, s0, V14)       \
	Q3C(V8, V0, VUSHR $2, V2, s1, V14)      \
	Q3C(V9, V1, VUSHR $2, V3, s1, V14)      \
	Q6ACT4(sa)                              \
	Q3C(V6, V0, VUSHR $4, V2, s2, V14)      \
	Q3C(V7, V1, VUSHR $4, V3, s2, V14)      \
	Q3C(V8, V0, VUSHR $6, V2, s3, V14)      \
	Q3C(V9, V1, VUSHR $6, V3, s3, V14)      \
	Q6ACT4(sb)

// func dotQ3_Kx4NEON(w, a *byte, astride, nb int, scales, y *float32, ystride int)
TEXT ·dotQ3_Kx4NEON(SB), NOSPLIT, $0-56
	ARGS4
	VEOR  V31.B16, V31.B16, V31.B16
	VMOVI $3, V29.B16
	VMOVI $4, V28.B16
	VMOVI $32, V30.B16
q3kx4loop:
	D8ROWS
	MOVHU 108(R0), R4
	VMOV  R4, V20.S[0]
	FCVTL4(20, 20)
	VDUP  V20.S[0], V20.S4
	FMUL4(15, 20, 21) // d*d8
	// 16 6-bit scales from 12 bytes, as in dotQ3_KNEON
	MOVWU 96(R0), R4
	MOVWU 100(R0), R9
	MOVWU 104(R0), R10
	ANDW  $0x0f0f0f0f, R4, R11
	ANDW  $0x03030303, R10, R13
	ORRW  R13<<4, R11, R11
	ANDW  $0x0f0f0f0f, R9, R12
	LSRW  $2, R10, R13
	ANDW  $0x03030303, R13, R13
	ORRW  R13<<4, R12, R12
	ORR   R12<<32, R11, R11
	LSRW  $4, R4, R12
	ANDW  $0x0f0f0f0f, R12, R12
	LSRW  $4, R10, R13
	ANDW  $0x03030303, R13, R13
	ORRW  R13<<4, R12, R12
	LSRW  $4, R9, R14
	ANDW  $0x0f0f0f0f, R14, R14
	LSRW  $6, R10, R13
	ANDW  $0x03030303, R13, R13
	ORRW  R13<<4, R14, R14
	ORR   R14<<32, R12, R12
	VMOV  R11, V25.D[0]
	VMOV  R12, V25.D[1]
	VSUB  V30.B16, V25.B16, V25.B16
	SCALES4
	VLD1 (R0), [V2.B16, V3.B16] // hmask
	ZERO4
	ADD $32, R0, R13
	Q3HALF4(24, 25, VSHL $2, VSHL $1, VSHL $0, VUSHR $1)
	Q3HALF4(26, 27, VUSHR $2, VUSHR $3, VUSHR $4, VUSHR $5)
	ROWSEND
	ADD  $110, R0
	SUBS $1, R2
	BNE  q3kx4loop
	VORR V31.B16, V31.B16, V30.B16
	STORE4
	RET
