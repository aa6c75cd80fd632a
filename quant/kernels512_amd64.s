#include "textflag.h"
#include "reduce_amd64.h"

// AVX-512 VNNI Q4_0 dot products (AVX-512F/BW/VL, AVX512-VBMI,
// AVX512-VNNI). Block layouts as in kernels_amd64.s:
//   Q4_0 {d f16; qs[16]}         18 bytes, 32 elements: element j < 16 is
//                                the low nibble of qs[j], j+16 the high one
//   Q8_0 {d f16; qs[32] int8}    34 bytes, 32 elements (activations)
// Q8_0 weights have no kernel here: ggml's float order (dotQ8_0Q8_0) is a
// chain of one fused multiply-add per block into eight float lanes, whose
// latency bounds a one-row kernel, so the AVX2 one (dotQ8_0AVX2) is as
// fast.

// The Q4_0 kernel takes its activations prepared (prepQ4_0AVX512), once
// per activation row, per pair of blocks in 192 bytes:
//   [0, 64)    the 32 int8 quants of each block, block 0 first
//   [64, 128)  per dword lane l, the int32 bias −8·Σ of quants 4l..4l+3
//   [128, 192) the f32 scale of block 0 in lanes 0..7, of block 1 in 8..15
// An odd last block leaves the second half of its pair zero.
// One 64-byte load takes both weight blocks (36 bytes); VPERMB spreads the
// 16 quant bytes of block 0 over the 128-bit lanes 0 and 1 and those of
// block 1 over lanes 2 and 3, the odd lanes are shifted right by four and
// all masked to nibbles: the 64 unsigned codes u in element order.
// VPDPBUSD of u with the quants, added to the biases, gives in each dword
// lane Σ(u−8)·a over four elements, exactly. Those are converted to float
// and added, times each block's dW·dA, to one of two float accumulators
// (even and odd pairs), which are summed once per row.

// q40bytes<> is the VPERMB index: bytes 2..17 (block 0's quants) into
// the 128-bit lanes 0 and 1, bytes 20..35 (block 1's) into lanes 2 and 3.
DATA q40bytes<>+0(SB)/8, $0x0908070605040302
DATA q40bytes<>+8(SB)/8, $0x11100f0e0d0c0b0a
DATA q40bytes<>+16(SB)/8, $0x0908070605040302
DATA q40bytes<>+24(SB)/8, $0x11100f0e0d0c0b0a
DATA q40bytes<>+32(SB)/8, $0x1b1a191817161514
DATA q40bytes<>+40(SB)/8, $0x232221201f1e1d1c
DATA q40bytes<>+48(SB)/8, $0x1b1a191817161514
DATA q40bytes<>+56(SB)/8, $0x232221201f1e1d1c
GLOBL q40bytes<>(SB), RODATA|NOPTR, $64

// q40scales<> is the VPERMW index that broadcasts the f16 scale of block 0
// (word 0) over words 0..7 and that of block 1 (word 9) over words 8..15.
DATA q40scales<>+0(SB)/8, $0
DATA q40scales<>+8(SB)/8, $0
DATA q40scales<>+16(SB)/8, $0x0009000900090009
DATA q40scales<>+24(SB)/8, $0x0009000900090009
GLOBL q40scales<>(SB), RODATA|NOPTR, $32

// Q40PAIR adds to acc the dot products of the two Q4_0 blocks in Zw (Yw its
// low half) with the prepared pair at po(DI). Uses Zu, Zs and Zf (Yf);
// needs K1 (odd 128-bit lanes' words), Z12 (q40bytes), Y13 (q40scales) and
// Z15 (bytes 0x0f).
#define Q40PAIR(po, Zw, Yw, Zu, Zs, Zf, Yf, acc) \
	VPERMB      Zw, Z12, Zu          \
	VPSRLW      $4, Zu, K1, Zu       \
	VPANDQ      Z15, Zu, Zu          \
	VMOVDQU32   (po+64)(DI), Zs      \
	VPDPBUSD    po(DI), Zu, Zs       \
	VPERMW      Yw, Y13, Yf          \
	VCVTPH2PS   Yf, Zf               \
	VMULPS      (po+128)(DI), Zf, Zf \
	VCVTDQ2PS   Zs, Zs               \
	VFMADD231PS Zf, Zs, acc

// func dotQ4_0AVX512(w, p *byte, nb int) float32
TEXT ·dotQ4_0AVX512(SB), NOSPLIT, $0-28
	MOVQ w+0(FP), SI
	MOVQ p+8(FP), DI
	MOVQ nb+16(FP), CX
	MOVL $0xff00ff00, AX
	KMOVD AX, K1
	MOVL $0x0f, AX
	VPBROADCASTB AX, Z15
	VMOVDQU64 q40bytes<>(SB), Z12
	VMOVDQU64 q40scales<>(SB), Y13
	VPXORD Z0, Z0, Z0
	VPXORD Z7, Z7, Z7

	// Two pairs a step while 6 blocks (108 bytes) remain: the loads of 64
	// bytes at 0 and 36 stay inside the row. The two prefetches run 2 KiB
	// ahead, into the next rows when the row is short: a matrix-vector
	// product streams the rows back to back (on Zen 5, 14336×4096, one
	// thread: 22 GB/s without them, 25 with them).
q40step:
	CMPQ CX, $6
	JLT  q40tail
	PREFETCHT0 2048(SI)
	PREFETCHT0 2112(SI)
	VMOVDQU64 0(SI), Z1
	VMOVDQU64 36(SI), Z5
	Q40PAIR(0, Z1, Y1, Z2, Z3, Z4, Y4, Z0)
	Q40PAIR(192, Z5, Y5, Z6, Z8, Z9, Y9, Z7)
	ADDQ $72, SI
	ADDQ $384, DI
	SUBQ $4, CX
	JMP  q40step

	// The last one to five blocks, a pair (or the odd block) at a time,
	// into the even accumulator: loaded whole while 4 blocks remain, then
	// under a mask of the pair's 36 (or the block's 18) bytes. A missing
	// block 1 reads as zero scale and codes, and its prepared half is zero.
q40tail:
	TESTQ CX, CX
	JLE   q40sum
	CMPQ  CX, $4
	JLT   q40masked
	VMOVDQU64 0(SI), Z1
	JMP   q40last
q40masked:
	MOVQ    $0xfffffffff, AX
	MOVQ    $0x3ffff, DX
	CMPQ    CX, $1
	CMOVQEQ DX, AX
	KMOVQ   AX, K2
	VMOVDQU8.Z 0(SI), K2, Z1
q40last:
	Q40PAIR(0, Z1, Y1, Z2, Z3, Z4, Y4, Z0)
	ADDQ $36, SI
	ADDQ $192, DI
	SUBQ $2, CX
	JMP  q40tail

q40sum:
	VADDPS        Z7, Z0, Z0
	REDUCE16(Z0, Y0, X0, Y1, X1)
	VMOVSS        X0, ret+24(FP)
	VZEROUPPER
	RET

// func prepQ4_0AVX512(a, p *byte, nb int)
TEXT ·prepQ4_0AVX512(SB), NOSPLIT, $0-24
	MOVQ a+0(FP), SI
	MOVQ p+8(FP), DI
	MOVQ nb+16(FP), CX
	MOVL $0x08, AX
	VPBROADCASTB AX, Z15
	VPXORD Z14, Z14, Z14

	// Z1: the quants of the pair, Z2: their scales, Z3: the biases.
prep2:
	CMPQ CX, $2
	JLT  prep1
	VMOVDQU      2(SI), Y1
	VINSERTI64X4 $1, 36(SI), Z1, Z1
	VPBROADCASTW 0(SI), X2
	VPBROADCASTW 34(SI), X3
	VINSERTI128  $1, X3, Y2, Y2
	JMP  prepstore
prep1:
	TESTQ CX, CX
	JZ    prepdone
	VMOVDQU      2(SI), Y1
	VPBROADCASTW 0(SI), X2
prepstore:
	VCVTPH2PS    Y2, Z2
	VPXORD       Z3, Z3, Z3
	VPDPBUSD     Z1, Z15, Z3
	VPSUBD       Z3, Z14, Z3
	VMOVDQU64    Z1, 0(DI)
	VMOVDQU64    Z3, 64(DI)
	VMOVUPS      Z2, 128(DI)
	ADDQ $68, SI
	ADDQ $192, DI
	SUBQ $2, CX
	JGT  prep2
prepdone:
	VZEROUPPER
	RET
