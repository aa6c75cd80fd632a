#include "textflag.h"

// AVX-512 VNNI kernels of MatMul's packed path (AVX-512F/BW/VL,
// AVX512-VNNI). The layouts are those matmul.go describes:
//
// A packed weight block (576 bytes) holds 16 weight rows of one block of 32
// elements as unsigned bytes u, dword k of the rows in the 16 dwords at 64k
// (row r in dword r), then their 16 f32 scales at 512. For Q4_0, u is the
// nibble q (the weight is scale·(q-8)); for Q8_0, u is q+128. Q6_K has no
// packed path: its products follow ggml's float order (kernels512q6k);
// Q4_K has its own (kernels512q4kx_amd64.s).
//
// A packed activation block holds 8 activation rows of one block: their 32
// quants each at 32i, their f32 scales at 256+4i and their int32 biases
// from 288 on, which take back what the weights' offset k adds. For Q4_0
// (320 bytes) row i has one bias, -8·Σa, at 288+4i; for Q8_0 (544 bytes)
// eight, -128·Σ of the four quants of dword j, at 288+32i+4j.
//
// tileAVX512 takes dword k of the 16 weight rows at a time, one row per
// lane: VPDPBUSD with an activation row's dword k broadcast adds u·a over
// those four elements to each lane, so that after the 8 dwords and the
// row's bias a lane holds the exact integer block sum Σ (u-k)·a of its
// weight row. The sums are converted and accumulated in
// float with the product of the weight and activation scales: 16 outputs
// of one activation row per register, 8 activation rows at a time.

// 0, 1, ..., 15.
DATA lanes16<>+0(SB)/8, $0x0000000100000000
DATA lanes16<>+8(SB)/8, $0x0000000300000002
DATA lanes16<>+16(SB)/8, $0x0000000500000004
DATA lanes16<>+24(SB)/8, $0x0000000700000006
DATA lanes16<>+32(SB)/8, $0x0000000900000008
DATA lanes16<>+40(SB)/8, $0x0000000b0000000a
DATA lanes16<>+48(SB)/8, $0x0000000d0000000c
DATA lanes16<>+56(SB)/8, $0x0000000f0000000e
GLOBL lanes16<>(SB), RODATA|NOPTR, $64

// Packed weight and activation blocks.
#define WBLOCK 576
#define WSCALES 512
#define ABLOCK 320
#define ASCALES 256
#define ABIASES 288

// DOT adds activation row i's dword k times weight dword register zk into
// the lane sums zd.
#define DOT(k, zk, i, zd) \
	VPDPBUSD.BCST (32*i+4*k)(SI), zk, zd

// SCALE accumulates row i's block sums zd, scaled, into acc.
#define SCALE(i, zd, zs, acc) \
	VCVTDQ2PS   zd, zd                       \
	VMULPS.BCST (ASCALES+4*i)(SI), Z8, zs    \
	VFMADD231PS zs, zd, acc

// BIASSCALE is SCALE after adding row i's bias to its sums.
#define BIASSCALE(i, zd, zs, acc) \
	VPADDD.BCST (ABIASES+4*i)(SI), zd, zd \
	SCALE(i, zd, zs, acc)

// DWORDTO loads dword k of the weights into zk and adds it times that of
// each of the 8 activation rows into the lane sums d0-d7.
#define DWORDTO(k, zk, d0, d1, d2, d3, d4, d5, d6, d7) \
	VMOVDQU32 (64*k)(DI), zk \
	DOT(k, zk, 0, d0)        \
	DOT(k, zk, 1, d1)        \
	DOT(k, zk, 2, d2)        \
	DOT(k, zk, 3, d3)        \
	DOT(k, zk, 4, d4)        \
	DOT(k, zk, 5, d5)        \
	DOT(k, zk, 6, d6)        \
	DOT(k, zk, 7, d7)

#define SUMS(k, zk) DWORDTO(k, zk, Z24, Z25, Z26, Z27, Z28, Z29, Z30, Z31)

// OUT stores (or, if R9 is not zero, adds to) the valid lanes (mask K1)
// of acc at R8, unless row i is past the CX rows to write, then steps R8 a
// row on.
#define OUT(i, acc, store) \
	CMPQ      CX, $i        \
	JLE       done          \
	TESTQ     R9, R9        \
	JZ        store         \
	VMOVUPS.Z (R8), K1, Z9  \
	VADDPS    Z9, acc, acc  \
store:                      \
	VMOVUPS   acc, K1, (R8) \
	ADDQ      DX, R8

// WSETUP loads the gather offsets of rows 0..R-1 (R = rows+32(FP)) of
// stride rowBytes into Z9 and their lane mask into K2, and zeroes Z10.
#define WSETUP \
	MOVQ         dst+0(FP), DI          \
	MOVQ         w+8(FP), SI            \
	MOVQ         rowBytes+16(FP), AX    \
	MOVQ         nb+24(FP), BX          \
	VPBROADCASTD AX, Z9                 \
	VPMULLD      lanes16<>(SB), Z9, Z9  \
	MOVQ         rows+32(FP), CX        \
	MOVL         $1, AX                 \
	SHLL         CX, AX                 \
	DECL         AX                     \
	KMOVW        AX, K2                 \
	VPXORD       Z10, Z10, Z10

// GATHER loads the dword at byte off of each valid row's block at SI into
// z (zero in the other lanes).
#define GATHER(off, z) \
	VMOVDQA32  Z10, z                \
	KMOVW      K2, K1                \
	VPGATHERDD off(SI)(Z9*1), K1, z

// WSCALE stores the f16 scales at the start of the rows' blocks as f32.
#define WSCALE \
	GATHER(0, Z8)             \
	VPMOVDW   Z8, Y8          \
	VCVTPH2PS Y8, Z8          \
	VMOVUPS   Z8, WSCALES(DI)

// ZEROACC zeroes the accumulators Z16-Z23.
#define ZEROACC \
	VPXORD    Z16, Z16, Z16 \
	VMOVDQA32 Z16, Z17      \
	VMOVDQA32 Z16, Z18      \
	VMOVDQA32 Z16, Z19      \
	VMOVDQA32 Z16, Z20      \
	VMOVDQA32 Z16, Z21      \
	VMOVDQA32 Z16, Z22      \
	VMOVDQA32 Z16, Z23

// BLOCKSUMS leaves in Z24-Z31 the integer sums Σu·a of the packed weight
// block at DI with the 8 rows of the packed activation block at SI, and in
// Z8 the weight scales.
#define BLOCKSUMS \
	VPXORD       Z24, Z24, Z24         \
	VPXORD       Z25, Z25, Z25         \
	VPXORD       Z26, Z26, Z26         \
	VPXORD       Z27, Z27, Z27         \
	VPXORD       Z28, Z28, Z28         \
	VPXORD       Z29, Z29, Z29         \
	VPXORD       Z30, Z30, Z30         \
	VPXORD       Z31, Z31, Z31         \
	VMOVUPS      WSCALES(DI), Z8       \
	SUMS(0, Z0)                        \
	SUMS(1, Z1)                        \
	SUMS(2, Z2)                        \
	SUMS(3, Z3)                        \
	SUMS(4, Z4)                        \
	SUMS(5, Z5)                        \
	SUMS(6, Z6)                        \
	SUMS(7, Z7)

// TILEOUT writes the accumulators as tileAVX512 describes.
#define TILEOUT \
	MOVQ    lanes+40(FP), CX   \
	MOVL    $1, AX             \
	SHLL    CX, AX             \
	DECL    AX                 \
	KMOVW   AX, K1             \
	MOVQ    y+24(FP), R8       \
	MOVQ    ystride+32(FP), DX \
	SHLQ    $2, DX             \
	MOVQ    acts+48(FP), CX    \
	MOVBQZX add+56(FP), R9     \
	OUT(0, Z16, out0)          \
	OUT(1, Z17, out1)          \
	OUT(2, Z18, out2)          \
	OUT(3, Z19, out3)          \
	OUT(4, Z20, out4)          \
	OUT(5, Z21, out5)          \
	OUT(6, Z22, out6)          \
	OUT(7, Z23, out7)          \
done:                          \
	VZEROUPPER                 \
	RET

// func tileAVX512(wp, a *byte, nb int, y *float32, ystride, lanes, acts int, add bool)
TEXT ·tileAVX512(SB), NOSPLIT, $0-57
	MOVQ wp+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ nb+16(FP), BX
	ZEROACC

loop:
	BLOCKSUMS
	BIASSCALE(0, Z24, Z10, Z16)
	BIASSCALE(1, Z25, Z11, Z17)
	BIASSCALE(2, Z26, Z12, Z18)
	BIASSCALE(3, Z27, Z13, Z19)
	BIASSCALE(4, Z28, Z10, Z20)
	BIASSCALE(5, Z29, Z11, Z21)
	BIASSCALE(6, Z30, Z12, Z22)
	BIASSCALE(7, Z31, Z13, Z23)
	ADDQ $WBLOCK, DI
	ADDQ $ABLOCK, SI
	DECQ BX
	JNZ  loop
	TILEOUT

// ALL8 applies op with Z11 to the gathered quants Z0-Z7 of a packed block.
#define ALL8(op) \
	op Z11, Z0, Z0 \
	op Z11, Z1, Z1 \
	op Z11, Z2, Z2 \
	op Z11, Z3, Z3 \
	op Z11, Z4, Z4 \
	op Z11, Z5, Z5 \
	op Z11, Z6, Z6 \
	op Z11, Z7, Z7

// STORE8 stores the quants Z0-Z7 of a packed block, dword k at 64k(DI).
#define STORE8 \
	VMOVDQU32 Z0, 0(DI)   \
	VMOVDQU32 Z1, 64(DI)  \
	VMOVDQU32 Z2, 128(DI) \
	VMOVDQU32 Z3, 192(DI) \
	VMOVDQU32 Z4, 256(DI) \
	VMOVDQU32 Z5, 320(DI) \
	VMOVDQU32 Z6, 384(DI) \
	VMOVDQU32 Z7, 448(DI)

// func packQ4_0AVX512(dst, w *byte, rowBytes, nb, rows int)
TEXT ·packQ4_0AVX512(SB), NOSPLIT, $0-40
	WSETUP
	MOVL         $0x0f0f0f0f, AX
	VPBROADCASTD AX, Z11

q4pack:
	WSCALE
	GATHER(2, Z0)
	GATHER(6, Z1)
	GATHER(10, Z2)
	GATHER(14, Z3)
	VPSRLD    $4, Z0, Z4
	VPSRLD    $4, Z1, Z5
	VPSRLD    $4, Z2, Z6
	VPSRLD    $4, Z3, Z7
	ALL8(VPANDD)
	STORE8
	ADDQ      $18, SI
	ADDQ      $WBLOCK, DI
	DECQ      BX
	JNZ       q4pack
	VZEROUPPER
	RET

// Q8BIASES is the offset of the dword biases in a Q8_0 activation block.
#define Q8BIASES 288
#define Q8ABLOCK 544

// Q8DWORD adds dword k of the 16 weight rows times that of activation rows
// 2p and 2p+1 (R12 = 64p, R13 = 8p), plus their biases, into the lane sums
// Z1 and Z2, exact integers, and fused-multiply-adds them, converted, with
// the scale products Z9 and Z10 into the accumulators acc0 and acc1 of
// dword k.
#define Q8DWORD(k, acc0, acc1) \
	VMOVDQU32     (64*k)(DI), Z0                    \
	VPBROADCASTD  (Q8BIASES+4*k)(SI)(R12*1), Z1     \
	VPBROADCASTD  (Q8BIASES+32+4*k)(SI)(R12*1), Z2  \
	VPDPBUSD.BCST (4*k)(SI)(R12*1), Z0, Z1          \
	VPDPBUSD.BCST (32+4*k)(SI)(R12*1), Z0, Z2       \
	VCVTDQ2PS     Z1, Z1                            \
	VCVTDQ2PS     Z2, Z2                            \
	VFMADD231PS   Z9, Z1, acc0                      \
	VFMADD231PS   Z10, Z2, acc1

// HSUM8 leaves in a0 the sums of the eight accumulators a0-a7 of 16
// outputs in hsum8's order: (a0+a4 + a2+a6) + (a1+a5 + a3+a7).
#define HSUM8(a0, a1, a2, a3, a4, a5, a6, a7) \
	VADDPS a4, a0, a0 \
	VADDPS a5, a1, a1 \
	VADDPS a6, a2, a2 \
	VADDPS a7, a3, a3 \
	VADDPS a2, a0, a0 \
	VADDPS a3, a1, a1 \
	VADDPS a1, a0, a0

// Q8OUT stores (or, if R9 is not zero, adds to) the valid lanes (mask K1)
// of acc at R8 and steps R8 a row on.
#define Q8OUT(acc, store) \
	TESTQ     R9, R9        \
	JZ        store         \
	VMOVUPS.Z (R8), K1, Z3  \
	VADDPS    Z3, acc, acc  \
store:                      \
	VMOVUPS   acc, K1, (R8) \
	ADDQ      DX, R8

// Q8SAVE stores the 16 accumulators Z16-Z31 at R15, Q8LOAD loads them.
#define Q8SAVE \
	VMOVUPS Z16, 0(R15)   \
	VMOVUPS Z17, 64(R15)  \
	VMOVUPS Z18, 128(R15) \
	VMOVUPS Z19, 192(R15) \
	VMOVUPS Z20, 256(R15) \
	VMOVUPS Z21, 320(R15) \
	VMOVUPS Z22, 384(R15) \
	VMOVUPS Z23, 448(R15) \
	VMOVUPS Z24, 512(R15) \
	VMOVUPS Z25, 576(R15) \
	VMOVUPS Z26, 640(R15) \
	VMOVUPS Z27, 704(R15) \
	VMOVUPS Z28, 768(R15) \
	VMOVUPS Z29, 832(R15) \
	VMOVUPS Z30, 896(R15) \
	VMOVUPS Z31, 960(R15)

#define Q8LOAD \
	VMOVUPS 0(R15), Z16   \
	VMOVUPS 64(R15), Z17  \
	VMOVUPS 128(R15), Z18 \
	VMOVUPS 192(R15), Z19 \
	VMOVUPS 256(R15), Z20 \
	VMOVUPS 320(R15), Z21 \
	VMOVUPS 384(R15), Z22 \
	VMOVUPS 448(R15), Z23 \
	VMOVUPS 512(R15), Z24 \
	VMOVUPS 576(R15), Z25 \
	VMOVUPS 640(R15), Z26 \
	VMOVUPS 704(R15), Z27 \
	VMOVUPS 768(R15), Z28 \
	VMOVUPS 832(R15), Z29 \
	VMOVUPS 896(R15), Z30 \
	VMOVUPS 960(R15), Z31

// Q8CHUNK is the blocks the Q8_0 tile takes at a time (18 KiB of packed
// weights and activations, in L1 with the accumulators).
#define Q8CHUNK 16

// func tileQ8_0AVX512(wp, a *byte, nb int, y *float32, ystride, lanes, acts int, add bool)
//
// The Q8_0 tile keeps ggml's x86 order (dotQ8_0Q8_0): each output has
// eight float accumulators, one per dword of the blocks, fed the exact
// int32 sum of that dword's four products times the block's scale product.
// With the weight rows one per lane, VPDPBUSD with an activation row's
// dword k broadcast, started from its bias, gives that sum for 16 rows at
// once, so a register of accumulators holds dword k of 16 outputs: two
// activation rows at a time (16 accumulators) over Q8CHUNK blocks, then
// the next two, the accumulators of each pair kept in the frame (1 KiB a
// pair) between chunks.
TEXT ·tileQ8_0AVX512(SB), $4096-57
	MOVQ wp+0(FP), R14 // the chunk's weights
	MOVQ a+8(FP), AX   // the chunk's activations
	MOVQ nb+16(FP), R11

q8chunk:
	MOVQ    $Q8CHUNK, CX
	CMPQ    R11, CX
	CMOVQLT R11, CX
	XORQ    R12, R12
	XORQ    R13, R13
	LEAQ    0(SP), R15
	MOVQ    acts+48(FP), R10

q8pair:
	MOVQ      R14, DI
	MOVQ      AX, SI
	MOVQ      CX, BX
	CMPQ      R14, wp+0(FP)
	JEQ       q8zero
	Q8LOAD
	JMP       q8block

q8zero:
	VPXORD    Z16, Z16, Z16
	VMOVDQA32 Z16, Z17
	VMOVDQA32 Z16, Z18
	VMOVDQA32 Z16, Z19
	VMOVDQA32 Z16, Z20
	VMOVDQA32 Z16, Z21
	VMOVDQA32 Z16, Z22
	VMOVDQA32 Z16, Z23
	VMOVDQA32 Z16, Z24
	VMOVDQA32 Z16, Z25
	VMOVDQA32 Z16, Z26
	VMOVDQA32 Z16, Z27
	VMOVDQA32 Z16, Z28
	VMOVDQA32 Z16, Z29
	VMOVDQA32 Z16, Z30
	VMOVDQA32 Z16, Z31

q8block:
	VMOVUPS     WSCALES(DI), Z8
	VMULPS.BCST ASCALES(SI)(R13*1), Z8, Z9
	VMULPS.BCST (ASCALES+4)(SI)(R13*1), Z8, Z10
	Q8DWORD(0, Z16, Z24)
	Q8DWORD(1, Z17, Z25)
	Q8DWORD(2, Z18, Z26)
	Q8DWORD(3, Z19, Z27)
	Q8DWORD(4, Z20, Z28)
	Q8DWORD(5, Z21, Z29)
	Q8DWORD(6, Z22, Z30)
	Q8DWORD(7, Z23, Z31)
	ADDQ        $WBLOCK, DI
	ADDQ        $Q8ABLOCK, SI
	DECQ        BX
	JNZ         q8block
	Q8SAVE
	ADDQ        $64, R12
	ADDQ        $8, R13
	ADDQ        $1024, R15
	SUBQ        $2, R10
	JGT         q8pair
	MOVQ        DI, R14
	MOVQ        SI, AX
	SUBQ        CX, R11
	JNZ         q8chunk

	// The sums of each output's eight lanes, to y.
	MOVQ    lanes+40(FP), CX
	MOVL    $1, AX
	SHLL    CX, AX
	DECL    AX
	KMOVW   AX, K1
	MOVQ    y+24(FP), R8
	MOVQ    ystride+32(FP), DX
	SHLQ    $2, DX
	MOVQ    acts+48(FP), R10
	MOVBQZX add+56(FP), R9
	LEAQ    0(SP), R15

q8out:
	Q8LOAD
	HSUM8(Z16, Z17, Z18, Z19, Z20, Z21, Z22, Z23)
	HSUM8(Z24, Z25, Z26, Z27, Z28, Z29, Z30, Z31)
	Q8OUT(Z16, q8out0)
	CMPQ R10, $1
	JLE  q8done
	Q8OUT(Z24, q8out1)
	ADDQ $1024, R15
	SUBQ $2, R10
	JNZ  q8out

q8done:
	VZEROUPPER
	RET

// func packQ8_0AVX512(dst, w *byte, rowBytes, nb, rows int)
TEXT ·packQ8_0AVX512(SB), NOSPLIT, $0-40
	WSETUP
	MOVL         $0x80808080, AX
	VPBROADCASTD AX, Z11

q8pack:
	WSCALE
	GATHER(2, Z0)
	GATHER(6, Z1)
	GATHER(10, Z2)
	GATHER(14, Z3)
	GATHER(18, Z4)
	GATHER(22, Z5)
	GATHER(26, Z6)
	GATHER(30, Z7)
	ALL8(VPXORD)
	STORE8
	ADDQ      $34, SI
	ADDQ      $WBLOCK, DI
	DECQ      BX
	JNZ       q8pack
	VZEROUPPER
	RET

// func quantActsAVX512(q, s, b *byte, x *float32, nb, offset, stride int, dwords bool)
// Quantizes nb blocks of 32 floats at x to Q8_0 as quantizeActivations
// does (ggml-cpu's run-time rules: d = amax/127, quants x·(127/amax)
// rounded half to even, a NaN makes amax NaN) and writes block j's quants
// to q+stride·j, its f32 scale rounded to f16 to s+stride·j and its biases
// to b+stride·j: with dwords, the eight -offset·Σ of each dword's four
// quants, else one, -offset·Σq.
TEXT ·quantActsAVX512(SB), NOSPLIT, $0-57
	MOVQ         q+0(FP), DI
	MOVQ         s+8(FP), DX
	MOVQ         b+16(FP), R9
	MOVQ         x+24(FP), SI
	MOVQ         nb+32(FP), BX
	MOVQ         offset+40(FP), AX
	IMULL        $0x01010101, AX
	VPBROADCASTD AX, Y12          // offset in each byte
	MOVQ         stride+48(FP), R10
	MOVBQZX      dwords+56(FP), R11
	MOVL         $0x7fffffff, AX
	VPBROADCASTD AX, Z10
	MOVL         $0x42fe0000, AX // 127
	VMOVD        AX, X11
	VXORPS       X15, X15, X15

qloop:
	VMOVUPS       0(SI), Z0
	VMOVUPS       64(SI), Z1
	VANDPS        Z10, Z0, Z2
	VANDPS        Z10, Z1, Z3
	VMAXPS        Z3, Z2, Z2
	VEXTRACTF64X4 $1, Z2, Y3
	VMAXPS        Y3, Y2, Y2
	VEXTRACTF128  $1, Y2, X3
	VMAXPS        X3, X2, X2
	VPERMILPS     $0x4e, X2, X3
	VMAXPS        X3, X2, X2
	VPERMILPS     $0xb1, X2, X3
	VMAXPS        X3, X2, X2      // amax
	VCMPPS        $3, Z0, Z0, K2  // unordered: a NaN makes amax NaN
	VCMPPS        $3, Z1, Z1, K3
	KORTESTW      K3, K2
	JZ            qordered
	VDIVSS        X15, X15, X2    // 0/0, positive as abs32 leaves a NaN
	VANDPS        X10, X2, X2

qordered:
	VDIVSS   X11, X2, X4          // d = amax/127
	VXORPS   X6, X6, X6
	VUCOMISS X15, X2
	JEQ      qscaled              // amax = 0: id = 0
	VDIVSS   X2, X11, X6          // id = 127/amax

qscaled:
	VBROADCASTSS  X6, Z6
	VMULPS        Z6, Z0, Z0
	VMULPS        Z6, Z1, Z1
	VCVTPS2DQ     Z0, Z0          // half to even
	VCVTPS2DQ     Z1, Z1
	VPMOVDB       Z0, X2
	VPMOVDB       Z1, X3
	VMOVDQU       X2, 0(DI)
	VMOVDQU       X3, 16(DI)
	VINSERTI128   $1, X3, Y2, Y2
	VPXORD        Y7, Y7, Y7
	VPDPBUSD      Y2, Y12, Y7     // offset·Σ of each dword's quants
	VPSUBD        Y7, Y15, Y7
	TESTQ         R11, R11
	JZ            qone
	VMOVDQU       Y7, 0(R9)
	JMP           qscale

qone:
	VEXTRACTI128 $1, Y7, X1
	VPADDD       X1, X7, X7
	VPSHUFD      $0x4e, X7, X1
	VPADDD       X1, X7, X7
	VPSHUFD      $0xb1, X7, X1
	VPADDD       X1, X7, X7
	VMOVD        X7, 0(R9)

qscale:
	VCVTPS2PH $0, X4, X5
	VCVTPH2PS X5, X5
	VMOVSS    X5, 0(DX)
	ADDQ      $128, SI
	ADDQ      R10, DI
	ADDQ      R10, DX
	ADDQ      R10, R9
	DECQ      BX
	JNZ       qloop
	VZEROUPPER
	RET
