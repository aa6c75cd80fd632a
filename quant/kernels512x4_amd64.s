#include "textflag.h"

// AVX-512 VNNI kernels of MatMul's packed path (AVX-512F/BW/VL,
// AVX512-VNNI). The layouts are those matmul.go describes:
//
// A packed weight block (704 bytes) holds 16 weight rows of one block of 32
// elements as unsigned bytes u, dword k of the rows in the 16 dwords at 64k
// (row r in dword r), then their 16 f32 scales at 512, for Q4_K their 16
// f32 minimums at 576, and for Q6_K the int32 scales of their first and
// second 16 elements at 576 and 640. For Q4_0, u is the nibble q (the
// weight is scale·(q-8)); for Q8_0, the quant plus 128; for Q4_K, the
// nibble (the weight is scale·q - minimum); for Q6_K, the 6-bit q (the
// weight is scale·sub-block scale·(q-32)).
//
// A packed activation block (384 bytes) holds 8 activation rows of one
// block: their 32 quants each at 32i, their f32 scales at 256+4i, their
// int32 biases at 288+4i, -k·Σa for the weights' offset k (8, 128, 0 or,
// for Q6_K, 32 over the first 16 elements), at 320+4i the f32 -scale·Σa
// that the weights' minimums multiply and at 352+4i the int32 bias of the
// second 16 elements (Q6_K).
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
#define WBLOCK 704
#define WSCALES 512
#define WMINS 576
#define WHIGH 640
#define ABLOCK 384
#define ASCALES 256
#define ABIASES 288
#define AMINS 320
#define AHIGH 352

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

// SCALEMIN is SCALE plus the minimums term: the weight minimums (Z9)
// times row i's -scale·Σa.
#define SCALEMIN(i, zd, zs, acc) \
	SCALE(i, zd, zs, acc)                     \
	VFMADD231PS.BCST (AMINS+4*i)(SI), Z9, acc

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
#define Q6LOW(k) DWORDTO(k, Z0, Z24, Z25, Z26, Z27, Z28, Z29, Z30, Z31)
#define Q6HIGH(k) DWORDTO(k, Z1, Z8, Z9, Z10, Z11, Z12, Z13, Z14, Z15)

// SCALE6 multiplies row i's sums over the first (lo) and second (hi) 16
// elements by the weights' sub-block scales (Z3, Z4), adds them and
// accumulates the total, scaled by the weight scales (Z2) times the row's
// scale, into acc.
#define SCALE6(i, lo, hi, zs, acc) \
	VPMULLD     Z3, lo, lo                   \
	VPMULLD     Z4, hi, hi                   \
	VPADDD      hi, lo, lo                   \
	VCVTDQ2PS   lo, lo                       \
	VMULPS.BCST (ASCALES+4*i)(SI), Z2, zs    \
	VFMADD231PS zs, lo, acc

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

// Q8DWORD packs dword k of the Q8_0 quants, plus 128 in each byte.
#define Q8DWORD(k) \
	GATHER(2+4*k, Z0)          \
	VPXORD    Z11, Z0, Z0      \
	VMOVDQU32 Z0, (64*k)(DI)

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

// func tileMinsAVX512(wp, a *byte, nb int, y *float32, ystride, lanes, acts int, add bool)
// is tileAVX512 for weights with block minimums (Q4_K), whose quants need
// no offset and so no biases.
TEXT ·tileMinsAVX512(SB), NOSPLIT, $0-57
	MOVQ wp+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ nb+16(FP), BX
	ZEROACC

loop:
	BLOCKSUMS
	VMOVUPS WMINS(DI), Z9
	SCALEMIN(0, Z24, Z10, Z16)
	SCALEMIN(1, Z25, Z11, Z17)
	SCALEMIN(2, Z26, Z12, Z18)
	SCALEMIN(3, Z27, Z13, Z19)
	SCALEMIN(4, Z28, Z10, Z20)
	SCALEMIN(5, Z29, Z11, Z21)
	SCALEMIN(6, Z30, Z12, Z22)
	SCALEMIN(7, Z31, Z13, Z23)
	ADDQ $WBLOCK, DI
	ADDQ $ABLOCK, SI
	DECQ BX
	JNZ  loop
	TILEOUT

// func tileQ6_KAVX512(wp, a *byte, nb int, y *float32, ystride, lanes, acts int, add bool)
// is tileAVX512 for Q6_K, whose blocks of 32 have two sub-block scales.
TEXT ·tileQ6_KAVX512(SB), NOSPLIT, $0-57
	MOVQ wp+0(FP), DI
	MOVQ a+8(FP), SI
	MOVQ nb+16(FP), BX
	ZEROACC

loop:
	VMOVUPS      WSCALES(DI), Z2
	VMOVDQU32    WMINS(DI), Z3
	VMOVDQU32    WHIGH(DI), Z4
	VPBROADCASTD (ABIASES+0)(SI), Z24
	VPBROADCASTD (ABIASES+4)(SI), Z25
	VPBROADCASTD (ABIASES+8)(SI), Z26
	VPBROADCASTD (ABIASES+12)(SI), Z27
	VPBROADCASTD (ABIASES+16)(SI), Z28
	VPBROADCASTD (ABIASES+20)(SI), Z29
	VPBROADCASTD (ABIASES+24)(SI), Z30
	VPBROADCASTD (ABIASES+28)(SI), Z31
	VPBROADCASTD (AHIGH+0)(SI), Z8
	VPBROADCASTD (AHIGH+4)(SI), Z9
	VPBROADCASTD (AHIGH+8)(SI), Z10
	VPBROADCASTD (AHIGH+12)(SI), Z11
	VPBROADCASTD (AHIGH+16)(SI), Z12
	VPBROADCASTD (AHIGH+20)(SI), Z13
	VPBROADCASTD (AHIGH+24)(SI), Z14
	VPBROADCASTD (AHIGH+28)(SI), Z15
	Q6LOW(0)
	Q6LOW(1)
	Q6LOW(2)
	Q6LOW(3)
	Q6HIGH(4)
	Q6HIGH(5)
	Q6HIGH(6)
	Q6HIGH(7)
	SCALE6(0, Z24, Z8, Z5, Z16)
	SCALE6(1, Z25, Z9, Z6, Z17)
	SCALE6(2, Z26, Z10, Z7, Z18)
	SCALE6(3, Z27, Z11, Z5, Z19)
	SCALE6(4, Z28, Z12, Z6, Z20)
	SCALE6(5, Z29, Z13, Z7, Z21)
	SCALE6(6, Z30, Z14, Z5, Z22)
	SCALE6(7, Z31, Z15, Z6, Z23)
	ADDQ $WBLOCK, DI
	ADDQ $ABLOCK, SI
	DECQ BX
	JNZ  loop
	TILEOUT

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
	VPANDD    Z11, Z0, Z0
	VPANDD    Z11, Z1, Z1
	VPANDD    Z11, Z2, Z2
	VPANDD    Z11, Z3, Z3
	VPANDD    Z11, Z4, Z4
	VPANDD    Z11, Z5, Z5
	VPANDD    Z11, Z6, Z6
	VPANDD    Z11, Z7, Z7
	VMOVDQU32 Z0, 0(DI)
	VMOVDQU32 Z1, 64(DI)
	VMOVDQU32 Z2, 128(DI)
	VMOVDQU32 Z3, 192(DI)
	VMOVDQU32 Z4, 256(DI)
	VMOVDQU32 Z5, 320(DI)
	VMOVDQU32 Z6, 384(DI)
	VMOVDQU32 Z7, 448(DI)
	ADDQ      $18, SI
	ADDQ      $WBLOCK, DI
	DECQ      BX
	JNZ       q4pack
	VZEROUPPER
	RET

// func packQ8_0AVX512(dst, w *byte, rowBytes, nb, rows int)
TEXT ·packQ8_0AVX512(SB), NOSPLIT, $0-40
	WSETUP
	MOVL         $0x80808080, AX
	VPBROADCASTD AX, Z11

q8pack:
	WSCALE
	Q8DWORD(0)
	Q8DWORD(1)
	Q8DWORD(2)
	Q8DWORD(3)
	Q8DWORD(4)
	Q8DWORD(5)
	Q8DWORD(6)
	Q8DWORD(7)
	ADDQ $34, SI
	ADDQ $WBLOCK, DI
	DECQ BX
	JNZ  q8pack
	VZEROUPPER
	RET

// func quantActsAVX512(q, s *byte, x *float32, nb int, offset int)
// Quantizes nb blocks of 32 floats at x to Q8_0 as quantizeActivations
// does (ggml-cpu's run-time rules: d = amax/127, quants x·(127/amax)
// rounded half to even, a NaN makes amax NaN) and writes block b's quants
// to q+384b, its f32 scale rounded to f16 to s+384b, its bias -offset·Σq
// to s+32+384b and zero to s+64+384b.
TEXT ·quantActsAVX512(SB), NOSPLIT, $0-40
	MOVQ         q+0(FP), DI
	MOVQ         s+8(FP), DX
	MOVQ         x+16(FP), SI
	MOVQ         nb+24(FP), BX
	MOVQ         offset+32(FP), R8
	NEGL         R8
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
	VPSLLD        $24, Z0, Z0     // the sum of the int8 quants
	VPSLLD        $24, Z1, Z1
	VPSRAD        $24, Z0, Z0
	VPSRAD        $24, Z1, Z1
	VPADDD        Z1, Z0, Z0
	VEXTRACTI64X4 $1, Z0, Y1
	VPADDD        Y1, Y0, Y0
	VEXTRACTI128  $1, Y0, X1
	VPADDD        X1, X0, X0
	VPSHUFD       $0x4e, X0, X1
	VPADDD        X1, X0, X0
	VPSHUFD       $0xb1, X0, X1
	VPADDD        X1, X0, X0
	VMOVD         X0, AX
	IMULL         R8, AX
	MOVL          AX, 32(DX)
	MOVL          $0, 64(DX)
	VCVTPS2PH     $0, X4, X5
	VCVTPH2PS     X5, X5
	VMOVSS        X5, 0(DX)
	ADDQ          $128, SI
	ADDQ          $ABLOCK, DI
	ADDQ          $ABLOCK, DX
	DECQ          BX
	JNZ           qloop
	VZEROUPPER
	RET

// Q4KDWORD packs dword k of the sub-blocks 2p and 2p+1 of a Q4_K
// super-block, whose nibbles share the 32 bytes at 16+32p.
#define Q4KDWORD(p, k) \
	GATHER(16+32*p+4*k, Z0)                   \
	VPSRLD    $4, Z0, Z1                      \
	VPANDD    Z11, Z0, Z0                     \
	VPANDD    Z11, Z1, Z1                     \
	VMOVDQU32 Z0, (2*p*WBLOCK+64*k)(DI)       \
	VMOVDQU32 Z1, ((2*p+1)*WBLOCK+64*k)(DI)

// Q4KPAIR packs the sub-blocks 2p and 2p+1.
#define Q4KPAIR(p) \
	Q4KDWORD(p, 0) \
	Q4KDWORD(p, 1) \
	Q4KDWORD(p, 2) \
	Q4KDWORD(p, 3) \
	Q4KDWORD(p, 4) \
	Q4KDWORD(p, 5) \
	Q4KDWORD(p, 6) \
	Q4KDWORD(p, 7)

// func packQ4_KAVX512(dst, w *byte, rowBytes, nb, rows int)
// Packs the quants of nb super-blocks (8·nb packed blocks); the scales and
// minimums are left to the caller.
TEXT ·packQ4_KAVX512(SB), NOSPLIT, $0-40
	WSETUP
	MOVL         $0x0f0f0f0f, AX
	VPBROADCASTD AX, Z11

q4kpack:
	Q4KPAIR(0)
	Q4KPAIR(1)
	Q4KPAIR(2)
	Q4KPAIR(3)
	ADDQ $144, SI
	ADDQ $(8*WBLOCK), DI
	DECQ BX
	JNZ  q4kpack
	VZEROUPPER
	RET

// Q8KSUB quantizes sub-block k (32 floats at SI+128k) with the scale
// multiplier in Z6 and writes it as packed block k: quants at DI+384k,
// scale (X4) at DX+384k, biases -offset·Σq (R8 holds -offset) of its two
// halves at DX+32+384k and DX+96+384k, minimums term -d·Σq (X7 holds -d)
// at DX+64+384k.
#define Q8KSUB(k) \
	VMULPS        (128*k)(SI), Z6, Z0      \
	VMULPS        (128*k+64)(SI), Z6, Z1   \
	VCVTPS2DQ     Z0, Z0                   \
	VCVTPS2DQ     Z1, Z1                   \
	VPMINSD       Z12, Z0, Z0              \
	VPMINSD       Z12, Z1, Z1              \
	VPMOVDB       Z0, X2                   \
	VPMOVDB       Z1, X3                   \
	VMOVDQU       X2, (ABLOCK*k)(DI)       \
	VMOVDQU       X3, (ABLOCK*k+16)(DI)    \
	VPSLLD        $24, Z0, Z0              \
	VPSLLD        $24, Z1, Z1              \
	VPSRAD        $24, Z0, Z0              \
	VPSRAD        $24, Z1, Z1              \
	VEXTRACTI64X4 $1, Z0, Y2               \
	VEXTRACTI64X4 $1, Z1, Y3               \
	VPADDD        Y2, Y0, Y0               \
	VPADDD        Y3, Y1, Y1               \
	VEXTRACTI128  $1, Y0, X2               \
	VEXTRACTI128  $1, Y1, X3               \
	VPADDD        X2, X0, X0               \
	VPADDD        X3, X1, X1               \
	VPSHUFD       $0x4e, X0, X2            \
	VPSHUFD       $0x4e, X1, X3            \
	VPADDD        X2, X0, X0               \
	VPADDD        X3, X1, X1               \
	VPSHUFD       $0xb1, X0, X2            \
	VPSHUFD       $0xb1, X1, X3            \
	VPADDD        X2, X0, X0               \
	VPADDD        X3, X1, X1               \
	VMOVD         X0, AX                   \
	VMOVD         X1, CX                   \
	VPADDD        X1, X0, X0               \
	VCVTDQ2PS     X0, X0                   \
	VMULSS        X0, X7, X0               \
	VMOVSS        X4, (ABLOCK*k)(DX)       \
	IMULL         R8, AX                   \
	IMULL         R8, CX                   \
	MOVL          AX, (ABLOCK*k+32)(DX)    \
	MOVL          CX, (ABLOCK*k+96)(DX)    \
	VMOVSS        X0, (ABLOCK*k+64)(DX)

// func quantActsQ8_KAVX512(q, s *byte, x *float32, nsb, offset int)
// Quantizes nsb super-blocks of 256 floats at x to Q8_K as QuantizeQ8_KRow
// does (the multiplier -127/vmax for the first element of largest
// magnitude, NaNs ignored; quants rounded half to even, at most 127) and
// writes them as 8·nsb packed blocks: block k's quants to q+384k, the
// f32 scale d to s+384k, the biases -offset·Σq of its two halves to
// s+32+384k and s+96+384k and -d·Σq to s+64+384k.
TEXT ·quantActsQ8_KAVX512(SB), NOSPLIT, $0-40
	MOVQ         q+0(FP), DI
	MOVQ         s+8(FP), DX
	MOVQ         x+16(FP), SI
	MOVQ         nsb+24(FP), BX
	MOVQ         offset+32(FP), R8
	NEGL         R8
	MOVL         $0x7fffffff, AX
	VPBROADCASTD AX, Z10
	MOVL         $127, AX
	VPBROADCASTD AX, Z12
	MOVL         $0xc2fe0000, AX // -127
	VMOVD        AX, X11
	MOVL         $0x3f800000, AX // 1
	VMOVD        AX, X14
	MOVL         $0x80000000, AX
	VMOVD        AX, X13
	VXORPS       X15, X15, X15

kloop:
	// amax: a NaN operand of VMAXPS gives the other one, the running max.
	VXORPS Z2, Z2, Z2
	MOVQ   SI, R10
	MOVQ   $16, CX

kmax:
	VANDPS  (R10), Z10, Z3
	VMAXPS  Z2, Z3, Z2
	ADDQ    $64, R10
	DECQ    CX
	JNZ     kmax
	VEXTRACTF64X4 $1, Z2, Y3
	VMAXPS        Y2, Y3, Y2
	VEXTRACTF128  $1, Y2, X3
	VMAXPS        X2, X3, X2
	VPERMILPS     $0x4e, X2, X3
	VMAXPS        X2, X3, X2
	VPERMILPS     $0xb1, X2, X3
	VMAXPS        X2, X3, X2     // amax in every lane
	VXORPS        X6, X6, X6     // amax = 0: multiplier and d 0
	VXORPS        X4, X4, X4
	VUCOMISS      X15, X2
	JEQ           kscaled

	// vmax: the first element with |x| = amax.
	VBROADCASTSS X2, Z2
	MOVQ         SI, R10

kfind:
	VANDPS   (R10), Z10, Z3
	VCMPPS   $0, Z2, Z3, K1
	KMOVW    K1, AX
	TESTL    AX, AX
	JNZ      kfound
	ADDQ     $64, R10
	JMP      kfind

kfound:
	BSFL   AX, AX
	VMOVSS (R10)(AX*4), X3
	VDIVSS X3, X11, X6           // multiplier -127/vmax
	VDIVSS X6, X14, X4           // d = 1/multiplier

kscaled:
	VBROADCASTSS X6, Z6
	VXORPS       X13, X4, X7     // -d
	Q8KSUB(0)
	Q8KSUB(1)
	Q8KSUB(2)
	Q8KSUB(3)
	Q8KSUB(4)
	Q8KSUB(5)
	Q8KSUB(6)
	Q8KSUB(7)
	ADDQ $1024, SI
	ADDQ $(8*ABLOCK), DI
	ADDQ $(8*ABLOCK), DX
	DECQ BX
	JNZ  kloop
	VZEROUPPER
	RET

// Q6KDWORD packs dword k of the blocks 4h..4h+3 of a Q6_K super-block:
// their low 4 bits are nibbles of ql (blocks 4h and 4h+2 the low and high
// ones of the bytes at 64h, 4h+1 and 4h+3 those at 64h+32), their high 2
// bits the bit pairs 0-1, 2-3, 4-5 and 6-7 of qh at 128+32h.
#define Q6KDWORD(h, k) \
	GATHER(64*h+4*k, Z0)                   \
	GATHER(64*h+32+4*k, Z1)                \
	GATHER(128+32*h+4*k, Z2)               \
	VPSRLD    $4, Z0, Z3                   \
	VPSRLD    $4, Z1, Z4                   \
	VPANDD    Z11, Z0, Z0                  \
	VPANDD    Z11, Z1, Z1                  \
	VPANDD    Z11, Z3, Z3                  \
	VPANDD    Z11, Z4, Z4                  \
	VPSLLD    $4, Z2, Z5                   \
	VPSLLD    $2, Z2, Z6                   \
	VPSRLD    $2, Z2, Z7                   \
	VPANDD    Z12, Z5, Z5                  \
	VPANDD    Z12, Z6, Z6                  \
	VPANDD    Z12, Z2, Z2                  \
	VPANDD    Z12, Z7, Z7                  \
	VPORD     Z5, Z0, Z0                   \
	VPORD     Z6, Z1, Z1                   \
	VPORD     Z2, Z3, Z3                   \
	VPORD     Z7, Z4, Z4                   \
	VMOVDQU32 Z0, ((4*h)*WBLOCK+64*k)(DI)   \
	VMOVDQU32 Z1, ((4*h+1)*WBLOCK+64*k)(DI) \
	VMOVDQU32 Z3, ((4*h+2)*WBLOCK+64*k)(DI) \
	VMOVDQU32 Z4, ((4*h+3)*WBLOCK+64*k)(DI)

#define Q6KHALF(h) \
	Q6KDWORD(h, 0) \
	Q6KDWORD(h, 1) \
	Q6KDWORD(h, 2) \
	Q6KDWORD(h, 3) \
	Q6KDWORD(h, 4) \
	Q6KDWORD(h, 5) \
	Q6KDWORD(h, 6) \
	Q6KDWORD(h, 7)

// func packQ6_KAVX512(dst, w *byte, rowBytes, nb, rows int)
// Packs the quants of nb super-blocks (8·nb packed blocks); the scales are
// left to the caller.
TEXT ·packQ6_KAVX512(SB), NOSPLIT, $0-40
	WSETUP
	MOVL         $0x0f0f0f0f, AX
	VPBROADCASTD AX, Z11
	MOVL         $0x30303030, AX
	VPBROADCASTD AX, Z12

q6kpack:
	Q6KHALF(0)
	Q6KHALF(1)
	ADDQ $210, SI
	ADDQ $(8*WBLOCK), DI
	DECQ BX
	JNZ  q6kpack
	VZEROUPPER
	RET
