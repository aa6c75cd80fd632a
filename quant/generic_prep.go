package quant

import (
	"encoding/binary"
	"math"

	"github.com/odbench/odbench/gguf"
)

// Prepared activation layouts of the generic kernel set. The SWAR dot
// products of swar.go spend about half their work widening the int8
// activations into signed 16-bit lanes; a matrix-vector product would redo
// that for every weight row. The generic set instead widens each quantized
// activation row once per call (preparedKernel.prepare) into the layouts
// below, and its prepared kernels read the lanes straight from them.
//
// Every eight activations a[0..7] become one 16-byte word pair: the even
// ones a[0], a[2], a[4], a[6] in the 16-bit lanes 0..3 of the first
// little-endian word and the odd ones in those of the second, each lane
// holding the polynomial value of mulLanes (a+128 minus 128·lane), so that
// mulPrep gives the same products as mulLanes.
const (
	// prepPair is the bytes of one word pair: eight activations.
	prepPair = 16
	// A prepared Q8_0 block (72 bytes, 32 elements): four word pairs, the
	// f32 block scale at prepQ8_0Scale and the int32 Σa at prepQ8_0Sum.
	prepQ8_0Scale = qk0 / 8 * prepPair
	prepQ8_0Sum   = prepQ8_0Scale + 4
	prepQ8_0Bytes = prepQ8_0Sum + 4
	// A wide prepared Q8_0 block (136 bytes, 32 elements) for the Q8_0
	// weights: 16 words of two 32-bit lanes (see prepareQ8_0Wide), the f32
	// block scale at prepWideScale and, at prepWideBias, the int32 128·Σa.
	prepWideScale = qk0 / 2 * 8
	prepWideBias  = prepWideScale + 4
	prepWideBytes = prepWideBias + 4
	// A prepared Q8_K block (548 bytes, 256 elements): 32 word pairs, the
	// f32 scale at prepQ8_KScale and, at prepQ8_KSums, the int32 sums of
	// the activations of the eight 32-element sub-blocks.
	prepQ8_KScale = qkK / 8 * prepPair
	prepQ8_KSums  = prepQ8_KScale + 4
	prepQ8_KBytes = prepQ8_KSums + qkK/32*4
	// A prepared Q8_K block for Q6_K weights (836 bytes, 256 elements): 32
	// word pairs, the f32 scale at prepQ6_KScale, the int32 sums of the 64
	// runs of four activations at prepQ6_KQuads and the 16 bsums as int32
	// at prepQ6_KBsums (see q6KLanes).
	prepQ6_KScale = qkK / 8 * prepPair
	prepQ6_KQuads = prepQ6_KScale + 4
	prepQ6_KBsums = prepQ6_KQuads + qkK/4*4
	prepQ6_KBytes = prepQ6_KBsums + qkK/16*4
)

// genericPrepared holds the prepared kernels of the generic set.
var genericPrepared = map[gguf.Type]preparedKernel{
	gguf.TypeQ4_0: {bytes: prepQ8_0RowBytes, prepare: prepareQ8_0, dot: dotQ4_0Prepared},
	gguf.TypeQ8_0: {bytes: prepWideRowBytes, prepare: prepareQ8_0Wide, dot: dotQ8_0Prepared},
	gguf.TypeQ4_K: {bytes: prepQ8_KRowBytes, prepare: prepareQ8_K, dot: dotQ4_KPrepared},
	gguf.TypeQ5_K: {bytes: prepQ8_KRowBytes, prepare: prepareQ8_K, dot: dotQ5_KPrepared},
	gguf.TypeQ6_K: {bytes: prepQ8_KRowBytes, prepare: prepareQ8_K, dot: dotQ6_KPrepared},
}

func prepQ8_0RowBytes(n int) int { return n / qk0 * prepQ8_0Bytes }
func prepWideRowBytes(n int) int { return n / qk0 * prepWideBytes }
func prepQ8_KRowBytes(n int) int { return n / qkK * prepQ8_KBytes }

// widen8 writes the word pair of the eight int8 activations at the start of
// a to p.
func widen8(p, a []byte) {
	u := le64(a) ^ byteSigns // a+128 in every byte
	binary.LittleEndian.PutUint64(p[0:], u&evenBytes-128*lanes)
	binary.LittleEndian.PutUint64(p[8:], u>>8&evenBytes-128*lanes)
}

// mulPrep is mulLanes with the activations taken from the word pair at
// the start of p.
func mulPrep(odd, even uint64, p []byte) uint64 {
	return odd*le64(p[8:]) + even*le64(p[0:])
}

// mulPrepNibbles returns mulPrep of the low and of the high nibbles of the
// bytes of the reversed weight word r with the word pairs at pl and ph:
// the products of mulLow and mulHigh.
func mulPrepNibbles(r uint64, pl, ph []byte) (lo, hi uint64) {
	return mulPrep(r&nibbleLanes, r>>8&nibbleLanes, pl), mulPrep(r>>4&nibbleLanes, r>>12&nibbleLanes, ph)
}

// prepareQ8_0 lays out the Q8_0 activation row a of n elements in p.
func prepareQ8_0(a, p []byte, n int) {
	for i := range n / qk0 {
		ab := (*[bytesQ8_0]byte)(a[i*bytesQ8_0:])
		pb := (*[prepQ8_0Bytes]byte)(p[i*prepQ8_0Bytes:])
		var sum int32
		for g := range qk0 / 8 {
			widen8(pb[prepPair*g:], ab[2+8*g:])
		}
		for _, q := range ab[2:] {
			sum += int32(int8(q))
		}
		binary.LittleEndian.PutUint32(pb[prepQ8_0Scale:], math.Float32bits(loadF16(ab[:])))
		binary.LittleEndian.PutUint32(pb[prepQ8_0Sum:], uint32(sum))
	}
}

// prepareQ8_0Wide lays out the Q8_0 activation row a of n elements in p
// for dotQ8_0Prepared: the eight activations a[0..7] of each run of eight
// become the four words a[k+4] + a[k]·2^32 (k = 0..3, wrapping uint64
// arithmetic on the signed values).
func prepareQ8_0Wide(a, p []byte, n int) {
	for i := range n / qk0 {
		ab := (*[bytesQ8_0]byte)(a[i*bytesQ8_0:])
		pb := (*[prepWideBytes]byte)(p[i*prepWideBytes:])
		var sum int32
		for j := range qk0 {
			sum += int32(int8(ab[2+j]))
			if k := j % 8; k < 4 {
				lo, hi := uint64(int64(int8(ab[2+j+4]))), uint64(int64(int8(ab[2+j])))
				binary.LittleEndian.PutUint64(pb[8*(j/8*4+k):], lo+hi<<32)
			}
		}
		binary.LittleEndian.PutUint32(pb[prepWideScale:], math.Float32bits(loadF16(ab[:])))
		binary.LittleEndian.PutUint32(pb[prepWideBias:], uint32(128*sum))
	}
}

// prepareQ8_K lays out the Q8_K activation row a of n elements in p.
func prepareQ8_K(a, p []byte, n int) {
	for i := range n / qkK {
		ab := (*[bytesQ8_K]byte)(a[i*bytesQ8_K:])
		pb := (*[prepQ8_KBytes]byte)(p[i*prepQ8_KBytes:])
		for g := range qkK / 8 {
			widen8(pb[prepPair*g:], ab[4+8*g:])
		}
		copy(pb[prepQ8_KScale:prepQ8_KScale+4], ab[0:4])
		for j := range qkK / 32 {
			binary.LittleEndian.PutUint32(pb[prepQ8_KSums+4*j:], uint32(q8KBsumPair(ab, j)))
		}
	}
}

// prepareQ6_K lays out the Q8_K activation row a of n elements in p for
// the Q6_K weights.
func prepareQ6_K(a, p []byte, n int) {
	for i := range n / qkK {
		ab := (*[bytesQ8_K]byte)(a[i*bytesQ8_K:])
		pb := (*[prepQ6_KBytes]byte)(p[i*prepQ6_KBytes:])
		for g := range qkK / 8 {
			widen8(pb[prepPair*g:], ab[4+8*g:])
		}
		copy(pb[prepQ6_KScale:prepQ6_KScale+4], ab[0:4])
		for r := range qkK / 4 {
			var s int32
			for _, q := range ab[4+4*r : 8+4*r] {
				s += int32(int8(q))
			}
			binary.LittleEndian.PutUint32(pb[prepQ6_KQuads+4*r:], uint32(s))
		}
		for j := range qkK / 16 {
			binary.LittleEndian.PutUint32(pb[prepQ6_KBsums+4*j:], uint32(q8KBsum(ab[:], j)))
		}
	}
}

// prepF32 and prepI32 read the little-endian f32 and int32 at b[o:].
func prepF32(b []byte, o int) float32 { return math.Float32frombits(binary.LittleEndian.Uint32(b[o:])) }
func prepI32(b []byte, o int) int32   { return int32(binary.LittleEndian.Uint32(b[o:])) }

// dotQ4_0Prepared is dotQ4_0Q8_0 over a prepared Q8_0 row. The nibbles
// enter unsigned, Σ(q−8)·a = Σq·a − 8·Σa, with one hsum for each 16 terms
// within ±15·128.
func dotQ4_0Prepared(w, a []byte, n int) float32 {
	var sum float32
	w, a = w[:n/qk0*bytesQ4_0], a[:n/qk0*prepQ8_0Bytes]
	for len(w) >= bytesQ4_0 && len(a) >= prepQ8_0Bytes {
		wb, pb := (*[bytesQ4_0]byte)(w), (*[prepQ8_0Bytes]byte)(a)
		l0, h0 := mulPrepNibbles(rev(wb[2:]), pb[0:], pb[2*prepPair:])
		l1, h1 := mulPrepNibbles(rev(wb[10:]), pb[prepPair:], pb[3*prepPair:])
		s := hsum(l0+l1) + hsum(h0+h1) - 8*prepI32(pb[:], prepQ8_0Sum)
		sum += float32(float32(s) * loadF16(wb[:]) * prepF32(pb[:], prepQ8_0Scale))
		w, a = w[bytesQ4_0:], a[prepQ8_0Bytes:]
	}
	return sum
}

// dotQ8_0Prepared is the generic set's Q8_0 kernel over a wide prepared
// Q8_0 row: the exact integer sum of each block, scaled and summed in
// float32 block by block. That is faster in Go than dotQ8_0Q8_0's x86 lane
// order, which only the amd64 kernels need in order to match llama.cpp, so
// it agrees with dotQ8_0Q8_0 within rounding. Each weight byte w enters as
// u = w+128 (0..255): Σw·a = Σu·a − 128·Σa. The bytes k and k+4 of a weight
// word go to the two 32-bit lanes of one word (u[k] + u[k+4]·2^32), whose
// product with the activation word a[k+4] + a[k]·2^32 holds u[k]·a[k] +
// u[k+4]·a[k+4] in its upper half; the lower half, u[k]·a[k+4], sums to
// within ±2^31 over a block (16 terms within ±255·128), so rounding the
// upper half gives Σu·a exactly.
func dotQ8_0Prepared(w, a []byte, n int) float32 {
	var sum float32
	w, a = w[:n/qk0*bytesQ8_0], a[:n/qk0*prepWideBytes]
	for len(w) >= bytesQ8_0 && len(a) >= prepWideBytes {
		wb, pb := (*[bytesQ8_0]byte)(w), (*[prepWideBytes]byte)(a)
		w, a = w[bytesQ8_0:], a[prepWideBytes:]
		acc := mulWide(le64(wb[2:])^byteSigns, (*[32]byte)(pb[0:]))
		acc += mulWide(le64(wb[10:])^byteSigns, (*[32]byte)(pb[32:]))
		acc += mulWide(le64(wb[18:])^byteSigns, (*[32]byte)(pb[64:]))
		acc += mulWide(le64(wb[26:])^byteSigns, (*[32]byte)(pb[96:]))
		s := upperSum(acc) - prepI32(pb[:], prepWideBias)
		sum += float32(float32(s) * (loadF16(wb[:]) * prepF32(pb[:], prepWideScale)))
	}
	return sum
}

// upperSum returns the upper 32-bit lane of a sum of mulWide products,
// rounded by the lower lane (within ±2^31).
func upperSum(acc uint64) int32 { return int32(uint32((acc + 1<<31) >> 32)) }

// mulWide returns the sum of the products of the four 32-bit lane words
// of the eight unsigned bytes of r with the four activation words at p.
func mulWide(r uint64, p *[32]byte) uint64 {
	const pairLanes = 0x000000ff000000ff // bytes 0 and 4
	return r&pairLanes*le64(p[0:]) + r>>8&pairLanes*le64(p[8:]) + r>>16&pairLanes*le64(p[16:]) + r>>24&pairLanes*le64(p[24:])
}

// dotQ4_KPrepared is dotQ4_KQ8_K over a prepared Q8_K row: sumsQ4K with
// the activation lanes read from the word pairs.
func dotQ4_KPrepared(w, a []byte, n int) float32 {
	var s q4KAcc
	for i := range n / qkK {
		b := (*[bytesQ4_K]byte)(w[i*bytesQ4_K:])
		pb := (*[prepQ8_KBytes]byte)(a[i*prepQ8_KBytes:])
		var qa, as [qkK / 32]int32
		for p := range qkK / 64 {
			run, ps := (*[32]byte)(b[16+32*p:]), (*[8 * prepPair]byte)(pb[8*prepPair*p:])
			l0, h0 := mulPrepNibbles(rev(run[0:]), ps[0:], ps[4*prepPair:])
			l1, h1 := mulPrepNibbles(rev(run[8:]), ps[prepPair:], ps[5*prepPair:])
			l2, h2 := mulPrepNibbles(rev(run[16:]), ps[2*prepPair:], ps[6*prepPair:])
			l3, h3 := mulPrepNibbles(rev(run[24:]), ps[3*prepPair:], ps[7*prepPair:])
			// 16 terms of at most 15·128 each per hsum.
			qa[2*p], qa[2*p+1] = hsum(l0+l1)+hsum(l2+l3), hsum(h0+h1)+hsum(h2+h3)
		}
		for j := range as {
			as[j] = prepI32(pb[:], prepQ8_KSums+4*j)
		}
		s.add(b[:], &qa, &as, prepF32(pb[:], prepQ8_KScale))
	}
	return s.result()
}

// dotQ5_KPrepared is dotQ5_KQ8_K over a prepared Q8_K row: sumsQ5K with
// the activation lanes read from the word pairs.
func dotQ5_KPrepared(w, a []byte, n int) float32 {
	const lowBits = 0x0101010101010101 // bit 0 of every byte
	var sum float32
	for i := range n / qkK {
		b := (*[bytesQ5_K]byte)(w[i*bytesQ5_K:])
		pb := (*[prepQ8_KBytes]byte)(a[i*prepQ8_KBytes:])
		qh, qs := (*[32]byte)(b[16:48]), (*[qkK / 2]byte)(b[48:])
		h0, h1, h2, h3 := rev(qh[0:]), rev(qh[8:]), rev(qh[16:]), rev(qh[24:])
		var qa, as [qkK / 32]int32
		for p := range qkK / 64 {
			run, ps := (*[32]byte)(qs[32*p:]), (*[8 * prepPair]byte)(pb[8*prepPair*p:])
			r0, r1, r2, r3 := rev(run[0:]), rev(run[8:]), rev(run[16:]), rev(run[24:])
			lo, hi := uint(2*p)&63, uint(2*p+1)&63 // the qh bits of sub-blocks 2p and 2p+1
			// Each word has its own hsum: eight terms of at most 31·128.
			qa[2*p] = hsum(mulPrepBytes(0, r0&lowNibbles|h0>>lo&lowBits<<4, ps[0:])) +
				hsum(mulPrepBytes(0, r1&lowNibbles|h1>>lo&lowBits<<4, ps[prepPair:])) +
				hsum(mulPrepBytes(0, r2&lowNibbles|h2>>lo&lowBits<<4, ps[2*prepPair:])) +
				hsum(mulPrepBytes(0, r3&lowNibbles|h3>>lo&lowBits<<4, ps[3*prepPair:]))
			qa[2*p+1] = hsum(mulPrepBytes(0, r0>>4&lowNibbles|h0>>hi&lowBits<<4, ps[4*prepPair:])) +
				hsum(mulPrepBytes(0, r1>>4&lowNibbles|h1>>hi&lowBits<<4, ps[5*prepPair:])) +
				hsum(mulPrepBytes(0, r2>>4&lowNibbles|h2>>hi&lowBits<<4, ps[6*prepPair:])) +
				hsum(mulPrepBytes(0, r3>>4&lowNibbles|h3>>hi&lowBits<<4, ps[7*prepPair:]))
		}
		for j := range as {
			as[j] = prepI32(pb[:], prepQ8_KSums+4*j)
		}
		sum += dotK(b[:], &qa, &as, prepF32(pb[:], prepQ8_KScale))
	}
	return sum
}

// dotQ6_KPrepared is the generic set's Q6_K kernel over a prepared Q8_K
// row: the exact integer sum Σ scale·Σ(q−32)·a of each super-block, with
// the activation lanes read from the word pairs, scaled in float32
// super-block by super-block.
// That is faster in Go than dotQ6_KQ8_K's x86 lane order, which only the
// amd64 kernels need in order to match llama.cpp, so it agrees with
// dotQ6_KQ8_K within rounding.
func dotQ6_KPrepared(w, a []byte, n int) float32 {
	const bits45 = 0x3030303030303030 // bits 4 and 5 of every byte
	var sum float32
	for i := range n / qkK {
		b := (*[bytesQ6_K]byte)(w[i*bytesQ6_K:])
		pb := (*[prepQ8_KBytes]byte)(a[i*prepQ8_KBytes:])
		sc := (*[qkK / 16]byte)(b[192:])
		var isum int32
		for j := range 4 { // half h = j/2, elements l = 16r..16r+15 of it, r = j%2
			h, r := j/2, j%2
			ql, qh := (*[48]byte)(b[64*h+16*r:]), (*[16]byte)(b[128+32*h+16*r:])
			ps := (*[14 * prepPair]byte)(pb[prepPair*(16*h+2*r):])
			// Elements l, l+32, l+64 and l+96 of the half, of runs j, j+2,
			// j+4 and j+6 of the block: word pairs 0, 4, 8 and 12 of ps.
			l0, l1, hb := rev(ql[0:]), rev(ql[32:]), rev(qh[0:])
			m0, m1, mb := rev(ql[8:]), rev(ql[40:]), rev(qh[8:])
			s0 := hsum(mulPrepBytes(32, l0&lowNibbles|hb<<4&bits45, ps[0:])) + hsum(mulPrepBytes(32, m0&lowNibbles|mb<<4&bits45, ps[prepPair:]))
			s1 := hsum(mulPrepBytes(32, l1&lowNibbles|hb<<2&bits45, ps[4*prepPair:])) + hsum(mulPrepBytes(32, m1&lowNibbles|mb<<2&bits45, ps[5*prepPair:]))
			s2 := hsum(mulPrepBytes(32, l0>>4&lowNibbles|hb&bits45, ps[8*prepPair:])) + hsum(mulPrepBytes(32, m0>>4&lowNibbles|mb&bits45, ps[9*prepPair:]))
			s3 := hsum(mulPrepBytes(32, l1>>4&lowNibbles|hb>>2&bits45, ps[12*prepPair:])) + hsum(mulPrepBytes(32, m1>>4&lowNibbles|mb>>2&bits45, ps[13*prepPair:]))
			j += 6 * h
			isum += int32(int8(sc[j]))*s0 + int32(int8(sc[j+2]))*s1 + int32(int8(sc[j+4]))*s2 + int32(int8(sc[j+6]))*s3
		}
		sum += float32(loadF16(b[208:]) * prepF32(pb[:], prepQ8_KScale) * float32(isum))
	}
	return sum
}

// mulPrepBytes is mulBytes with the activations taken from the word pair
// at the start of p.
func mulPrepBytes(off, r uint64, p []byte) uint64 {
	return mulPrep(r&evenBytes-off*lanes, r>>8&evenBytes-off*lanes, p)
}
