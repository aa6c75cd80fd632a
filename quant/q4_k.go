package quant

import "math"

// Q4_K block (144 bytes, 256 elements): d f16 at 0, dmin f16 at 2,
// scales[12] at 4 (eight 6-bit scales and eight 6-bit mins, see
// scaleMinK4), qs[128] at 16. Each 64-element run uses 32 bytes of qs: its
// first 32 elements are the low nibbles, the next 32 the high nibbles. The
// value of element e in sub-block s = e/32 is d·scale[s]·q - dmin·min[s].
//
// Q5_K block (176 bytes) has the same head (d, dmin, scales[12] at 0..16),
// then qh[32] at 16 (bit e/32 of byte e%32 is the fifth bit of element e)
// and qs[128] at 48 laid out as in Q4_K.

const (
	bytesQ4_K = 2 + 2 + 12 + qkK/2
	bytesQ5_K = 2 + 2 + 12 + qkK/8 + qkK/2
)

var (
	q4KParams = qkx2Params{nmax: 15, rmin: -1, rdelta: 0.1, nstep: 20}
	q5KParams = qkx2Params{nmax: 31, rmin: -0.5, rdelta: 0.1, nstep: 15}
)

// scaleMinK4 is ggml's get_scale_min_k4: scale and min j (0..7) of the
// packed 12 bytes. Pairs 0..3 sit in the low six bits of bytes j and j+4;
// pairs 4..7 keep their low nibbles in byte j+4 and their top two bits in
// the top bits of bytes j-4 (scale) and j (min).
func scaleMinK4(j int, q []byte) (sc, m uint8) {
	if j < 4 {
		return q[j] & 63, q[j+4] & 63
	}
	return q[j+4]&15 | (q[j-4]>>6)<<4, q[j+4]>>4 | (q[j]>>6)<<4
}

// quantizeHeadK writes d, dmin and the packed scales of a Q4_K or Q5_K
// super-block to b[0:16] and the quants (0..nmax) to L, following the
// common part of quantize_row_q4_K_ref and quantize_row_q5_K_ref.
func quantizeHeadK(xb *[qkK]float32, p qkx2Params, b []byte, L *[qkK]uint8) {
	var (
		laux               [32]uint8
		weights            [32]float32
		scales, mins       [qkK / 32]float32
		maxScale, maxMinus float32
	)
	for j := range qkK / 32 {
		sub := xb[32*j : 32*j+32]
		var sumX2 float32
		for _, v := range sub {
			sumX2 += float32(v * v)
		}
		avX := float32(math.Sqrt(float64(sumX2 / 32)))
		for l, v := range sub {
			weights[l] = avX + abs32(v)
		}
		scales[j], mins[j] = makeQKX2Quants(p, sub, weights[:], L[32*j:], laux[:])
		maxScale = max(maxScale, scales[j])
		maxMinus = max(maxMinus, mins[j])
	}
	var invScale, invMin float32
	if maxScale > 0 {
		invScale = 63 / maxScale
	}
	if maxMinus > 0 {
		invMin = 63 / maxMinus
	}
	sc := b[4:16]
	for j := range qkK / 32 {
		ls := min(63, uint8(nearestInt(invScale*scales[j])))
		lm := min(63, uint8(nearestInt(invMin*mins[j])))
		if j < 4 {
			sc[j], sc[j+4] = ls, lm
		} else {
			sc[j+4] = ls&15 | (lm&15)<<4
			sc[j-4] |= (ls >> 4) << 6
			sc[j] |= (lm >> 4) << 6
		}
	}
	storeF16(b[0:], maxScale/63)
	storeF16(b[2:], maxMinus/63)
	d, dmin := loadF16(b[0:]), loadF16(b[2:])
	for j := range qkK / 32 {
		s, m := scaleMinK4(j, sc)
		dj := d * float32(s)
		if dj == 0 {
			continue
		}
		dm := dmin * float32(m)
		for l := 32 * j; l < 32*j+32; l++ {
			L[l] = uint8(clampInt(nearestInt((xb[l]+dm)/dj), 0, p.nmax))
		}
	}
}

// quantizeRowQ4_K follows quantize_row_q4_K_ref.
func quantizeRowQ4_K(x []float32, y []byte) {
	for i := range len(x) / qkK {
		b := (*[bytesQ4_K]byte)(y[i*bytesQ4_K:])
		var L [qkK]uint8
		quantizeHeadK((*[qkK]float32)(x[i*qkK:]), q4KParams, b[:], &L)
		for j := 0; j < qkK; j += 64 {
			for l := range 32 {
				b[16+j/2+l] = L[j+l] | L[j+l+32]<<4
			}
		}
	}
}

// quantizeRowQ5_K follows quantize_row_q5_K_ref.
func quantizeRowQ5_K(x []float32, y []byte) {
	for i := range len(x) / qkK {
		b := (*[bytesQ5_K]byte)(y[i*bytesQ5_K:])
		var L [qkK]uint8
		quantizeHeadK((*[qkK]float32)(x[i*qkK:]), q5KParams, b[:], &L)
		qh := b[16:48]
		clear(qh)
		for j := 0; j < qkK; j += 64 {
			for l := range 32 {
				lo, hi := L[j+l], L[j+l+32]
				qh[l] |= (lo >> 4) << (j / 32)
				qh[l] |= (hi >> 4) << (j/32 + 1)
				b[48+j/2+l] = lo&15 | (hi&15)<<4
			}
		}
	}
}

// unpackQ4K returns the 4-bit quants of the 128-byte qs array.
func unpackQ4K(qs []byte) (q [qkK]int8) {
	qs = qs[:qkK/2]
	for j := 0; j < qkK; j += 64 {
		for l := range 32 {
			q[j+l] = int8(qs[j/2+l] & 15)
			q[j+l+32] = int8(qs[j/2+l] >> 4)
		}
	}
	return q
}

// unpackQ5K returns the 5-bit quants of a Q5_K block.
func unpackQ5K(b *[bytesQ5_K]byte) [qkK]int8 {
	q := unpackQ4K(b[48:])
	qh := b[16:48]
	for k := range qkK / 32 {
		run := q[32*k : 32*k+32]
		for l, h := range qh {
			run[l] |= int8(h>>k&1) << 4
		}
	}
	return q
}

// dequantizeK writes d·scale·q - dmin·min for the eight 32-element
// sub-blocks of a Q4_K or Q5_K super-block whose head is b[0:16].
func dequantizeK(b []byte, q *[qkK]int8, xb []float32) {
	d, dmin := loadF16(b[0:]), loadF16(b[2:])
	for j := range qkK / 32 {
		s, m := scaleMinK4(j, b[4:16])
		dj, mj := d*float32(s), dmin*float32(m)
		for l := 32 * j; l < 32*j+32; l++ {
			xb[l] = float32(dj*float32(q[l])) - mj
		}
	}
}

func dequantizeRowQ4_K(y []byte, x []float32) {
	for i := range len(x) / qkK {
		b := (*[bytesQ4_K]byte)(y[i*bytesQ4_K:])
		q := unpackQ4K(b[16:])
		dequantizeK(b[:], &q, x[i*qkK:(i+1)*qkK])
	}
}

func dequantizeRowQ5_K(y []byte, x []float32) {
	for i := range len(x) / qkK {
		b := (*[bytesQ5_K]byte)(y[i*bytesQ5_K:])
		q := unpackQ5K(b)
		dequantizeK(b[:], &q, x[i*qkK:(i+1)*qkK])
	}
}

// kSums returns the integer sums of one Q4_K or Q5_K super-block (head
// b[0:16]) from the integer sums qa[j] = Σ q·a of its eight 32-element
// sub-blocks and the activation sums as[j] = Σ a of the sub-blocks:
// isum = Σ scale[j]·qa[j] and msum = Σ min[j]·as[j]. It unpacks the scales
// as scaleMinK4 does, with the sub-block index constant in each half.
func kSums(b []byte, qa, as *[qkK / 32]int32) (isum, msum int32) {
	sc := (*[12]byte)(b[4:16])
	for j := range 4 {
		isum += int32(sc[j]&63) * qa[j]
		msum += int32(sc[j+4]&63) * as[j]
		isum += int32(sc[j+8]&15|sc[j]>>6<<4) * qa[j+4]
		msum += int32(sc[j+8]>>4|sc[j+4]>>6<<4) * as[j+4]
	}
	return isum, msum
}

// dotK is the dot product of one Q5_K super-block (head b[0:16]) with one
// Q8_K block of scale ad, as ggml_vec_dot_q5_K_q8_K computes it from the
// sums of kSums: the mins enter through the activation sums.
func dotK(b []byte, qa, as *[qkK / 32]int32, ad float32) float32 {
	isum, msum := kSums(b, qa, as)
	d, dmin := loadF16(b[0:])*ad, loadF16(b[2:])*ad
	return float32(d*float32(isum)) - float32(dmin*float32(msum))
}

// q4KAcc is the float state of a Q4_K dot product in llama.cpp's order
// for repacked (q4_K_8x8) weights: two float32 accumulators, acc for the
// scaled sums and accMin for the mins, fed by fused multiply-adds of exact
// integer sums with d·ad and dmin·ad (each product rounded to float32
// first); the result is acc − accMin. ggml_gemv_q4_K_8x8_q8_K (one
// activation row) feeds them once per super-block (add);
// ggml_gemm_q4_K_8x8_q8_K (activation rows in groups of four) once per
// pair of 32-element sub-blocks (addPairs).
type q4KAcc struct{ acc, accMin float32 }

// add accumulates one super-block (head b[0:16]) with the Q8_K scale ad
// from the sums of kSums.
func (s *q4KAcc) add(b []byte, qa, as *[qkK / 32]int32, ad float32) {
	isum, msum := kSums(b, qa, as)
	s.acc = fma32(float32(isum), loadF16(b[0:])*ad, s.acc)
	s.accMin = fma32(float32(msum), loadF16(b[2:])*ad, s.accMin)
}

// addPairs accumulates one super-block as add does but with one fused
// multiply-add per pair of sub-blocks 2p, 2p+1 (p = 0..3), of the sums
// scale·qa and min·as of the pair.
func (s *q4KAcc) addPairs(b []byte, qa, as *[qkK / 32]int32, ad float32) {
	d, dmin := loadF16(b[0:])*ad, loadF16(b[2:])*ad
	for p := range qkK / 64 {
		s0, m0 := scaleMinK4(2*p, b[4:16])
		s1, m1 := scaleMinK4(2*p+1, b[4:16])
		isum := int32(s0)*qa[2*p] + int32(s1)*qa[2*p+1]
		msum := int32(m0)*as[2*p] + int32(m1)*as[2*p+1]
		s.acc = fma32(float32(isum), d, s.acc)
		s.accMin = fma32(float32(msum), dmin, s.accMin)
	}
}

// result returns acc − accMin.
func (s *q4KAcc) result() float32 { return s.acc - s.accMin }

// q8KSums returns the sums of the activations of the eight 32-element
// sub-blocks of a Q8_K block.
func q8KSums(ab *[bytesQ8_K]byte) (as [qkK / 32]int32) {
	for j := range as {
		as[j] = q8KBsumPair(ab, j)
	}
	return as
}

// q8KBsumPair returns bsums[2j] + bsums[2j+1] of a Q8_K block: the sum of
// the activations of 32-element sub-block j.
func q8KBsumPair(ab *[bytesQ8_K]byte, j int) int32 {
	return q8KBsum(ab[:], 2*j) + q8KBsum(ab[:], 2*j+1)
}

// sumsQ4K returns Σ q·a for the eight sub-blocks of the Q4_K quants qs with
// the Q8_K quants aq: sub-block j holds the low (j even) or high nibbles of
// the 32 bytes at 32·(j/2).
func sumsQ4K(qs *[qkK / 2]byte, aq *[qkK]byte) (qa [qkK / 32]int32) {
	for p := range qkK / 64 {
		run, as := (*[32]byte)(qs[32*p:]), (*[64]byte)(aq[64*p:])
		r := rev(run[0:])
		l0 := mulLow(r, le64(as[0:]))
		h0 := mulHigh(r, le64(as[32:]))
		r = rev(run[8:])
		l0 += mulLow(r, le64(as[8:]))
		h0 += mulHigh(r, le64(as[40:]))
		r = rev(run[16:])
		l1 := mulLow(r, le64(as[16:]))
		h1 := mulHigh(r, le64(as[48:]))
		r = rev(run[24:])
		l1 += mulLow(r, le64(as[24:]))
		h1 += mulHigh(r, le64(as[56:]))
		// 16 terms of at most 15·128 each per hsum.
		qa[2*p], qa[2*p+1] = hsum(l0)+hsum(l1), hsum(h0)+hsum(h1)
	}
	return qa
}

// sumsQ5K returns Σ q·a for the eight sub-blocks of a Q5_K block: the
// nibbles as in Q4_K, bit j of qh[l] the fifth bit of element l of
// sub-block j. Each word has its own hsum: eight terms of at most 31·128.
func sumsQ5K(b *[bytesQ5_K]byte, aq *[qkK]byte) (qa [qkK / 32]int32) {
	const lowBits = 0x0101010101010101 // bit 0 of every byte
	qh, qs := (*[32]byte)(b[16:48]), (*[qkK / 2]byte)(b[48:])
	h0, h1, h2, h3 := rev(qh[0:]), rev(qh[8:]), rev(qh[16:]), rev(qh[24:])
	for p := range qkK / 64 {
		run, as := (*[32]byte)(qs[32*p:]), (*[64]byte)(aq[64*p:])
		r0, r1, r2, r3 := rev(run[0:]), rev(run[8:]), rev(run[16:]), rev(run[24:])
		lo, hi := uint(2*p)&63, uint(2*p+1)&63 // the qh bits of sub-blocks 2p and 2p+1
		qa[2*p] = hsum(mulBytes(r0&lowNibbles|h0>>lo&lowBits<<4, le64(as[0:]), 0)) +
			hsum(mulBytes(r1&lowNibbles|h1>>lo&lowBits<<4, le64(as[8:]), 0)) +
			hsum(mulBytes(r2&lowNibbles|h2>>lo&lowBits<<4, le64(as[16:]), 0)) +
			hsum(mulBytes(r3&lowNibbles|h3>>lo&lowBits<<4, le64(as[24:]), 0))
		qa[2*p+1] = hsum(mulBytes(r0>>4&lowNibbles|h0>>hi&lowBits<<4, le64(as[32:]), 0)) +
			hsum(mulBytes(r1>>4&lowNibbles|h1>>hi&lowBits<<4, le64(as[40:]), 0)) +
			hsum(mulBytes(r2>>4&lowNibbles|h2>>hi&lowBits<<4, le64(as[48:]), 0)) +
			hsum(mulBytes(r3>>4&lowNibbles|h3>>hi&lowBits<<4, le64(as[56:]), 0))
	}
	return qa
}

// dotQ4_KQ8_K is the Q4_K·Q8_K dot product in the order of llama.cpp's
// gemv for repacked Q4_K weights (q4KAcc.add), which its x86 build uses for
// every matrix-vector product whose weight rows are a multiple of 8, and
// for the last n%4 activation rows of a matrix product.
func dotQ4_KQ8_K(w, a []byte, n int) float32 {
	return dotQ4_KOrder(w, a, n, (*q4KAcc).add)
}

// dotQ4_KQ8_KGemm is dotQ4_KQ8_K in the order of llama.cpp's gemm
// (q4KAcc.addPairs), which its x86 build uses for the activation rows of a
// matrix product in groups of four: MatMul's four-row kernels follow it.
func dotQ4_KQ8_KGemm(w, a []byte, n int) float32 {
	return dotQ4_KOrder(w, a, n, (*q4KAcc).addPairs)
}

// dotQ4_KOrder is the Q4_K·Q8_K dot product with the super-blocks
// accumulated by add.
func dotQ4_KOrder(w, a []byte, n int, add func(s *q4KAcc, b []byte, qa, as *[qkK / 32]int32, ad float32)) float32 {
	var s q4KAcc
	for i := range n / qkK {
		b := (*[bytesQ4_K]byte)(w[i*bytesQ4_K:])
		ab := (*[bytesQ8_K]byte)(a[i*bytesQ8_K:])
		qa := sumsQ4K((*[qkK / 2]byte)(b[16:]), (*[qkK]byte)(ab[4:]))
		as := q8KSums(ab)
		add(&s, b[:], &qa, &as, q8KScale(ab[:]))
	}
	return s.result()
}

// dotQ5_KQ8_K is ggml_vec_dot_q5_K_q8_K.
func dotQ5_KQ8_K(w, a []byte, n int) float32 {
	var sum float32
	for i := range n / qkK {
		b := (*[bytesQ5_K]byte)(w[i*bytesQ5_K:])
		ab := (*[bytesQ8_K]byte)(a[i*bytesQ8_K:])
		qa := sumsQ5K(b, (*[qkK]byte)(ab[4:]))
		as := q8KSums(ab)
		sum += dotK(b[:], &qa, &as, q8KScale(ab[:]))
	}
	return sum
}
