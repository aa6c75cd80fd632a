package quant

import "math"

// Q6_K block (210 bytes, 256 elements): ql[128] at 0, qh[64] at 128,
// scales[16] int8 at 192, d f16 at 208. Each 128-element half uses 64 bytes
// of ql and 32 of qh: its element 32·k+l (k = 0..3) keeps its low four bits
// in ql[l + 32·(k&1)] (low nibble for k < 2, high nibble otherwise) and its
// top two bits in qh[l] at bit 2k. The value of element e is
// d·scales[e/16]·(q-32).

const bytesQ6_K = qkK/2 + qkK/4 + qkK/16 + 2

// quantizeRowQ6_K follows quantize_row_q6_K_ref.
func quantizeRowQ6_K(x []float32, y []byte) {
	for i := range len(x) / qkK {
		xb := (*[qkK]float32)(x[i*qkK:])
		b := (*[bytesQ6_K]byte)(y[i*bytesQ6_K:])
		var (
			L                [qkK]int8
			scales           [qkK / 16]float32
			maxScale, amaxSc float32
		)
		for j := range qkK / 16 {
			scales[j] = makeQXQuants(32, xb[16*j:16*j+16], L[16*j:])
			if a := abs32(scales[j]); a > amaxSc {
				amaxSc, maxScale = a, scales[j]
			}
		}
		if amaxSc < groupMaxEps {
			clear(b[:])
			continue
		}
		iscale := -128 / maxScale
		storeF16(b[208:], 1/iscale)
		sc := b[192:208]
		for j, s := range scales {
			sc[j] = uint8(int8(min(127, nearestInt(iscale*s))))
		}
		d := loadF16(b[208:])
		for j := range qkK / 16 {
			dj := d * float32(int8(sc[j]))
			if dj == 0 {
				continue
			}
			for l := 16 * j; l < 16*j+16; l++ {
				L[l] = int8(clampInt(nearestInt(xb[l]/dj), -32, 31) + 32)
			}
		}
		for h := 0; h < qkK; h += 128 {
			ql, qh := b[h/2:h/2+64], b[128+h/4:128+h/4+32]
			for l := range 32 {
				q1, q2, q3, q4 := uint8(L[h+l]), uint8(L[h+l+32]), uint8(L[h+l+64]), uint8(L[h+l+96])
				ql[l] = q1&15 | (q3&15)<<4
				ql[l+32] = q2&15 | (q4&15)<<4
				qh[l] = q1>>4 | (q2>>4)<<2 | (q3>>4)<<4 | (q4>>4)<<6
			}
		}
	}
}

// unpackQ6K returns the 256 quants of a block as q-32 (-32..31).
func unpackQ6K(b *[bytesQ6_K]byte) (q [qkK]int8) {
	for h := 0; h < qkK; h += 128 {
		ql, qh := b[h/2:h/2+64], b[128+h/4:128+h/4+32]
		for l := range 32 {
			q[h+l] = int8(ql[l]&15|(qh[l]&3)<<4) - 32
			q[h+l+32] = int8(ql[l+32]&15|(qh[l]>>2&3)<<4) - 32
			q[h+l+64] = int8(ql[l]>>4|(qh[l]>>4&3)<<4) - 32
			q[h+l+96] = int8(ql[l+32]>>4|(qh[l]>>6)<<4) - 32
		}
	}
	return q
}

func dequantizeRowQ6_K(y []byte, x []float32) {
	for i := range len(x) / qkK {
		b := (*[bytesQ6_K]byte)(y[i*bytesQ6_K:])
		xb := (*[qkK]float32)(x[i*qkK:])
		d := loadF16(b[208:])
		q := unpackQ6K(b)
		for j := range qkK / 16 {
			dj := d * float32(int8(b[192+j]))
			for l := 16 * j; l < 16*j+16; l++ {
				xb[l] = dj * float32(q[l])
			}
		}
	}
}

// dotQ6_KQ8_K is ggml_vec_dot_q6_K_q8_K in the float order of its x86
// AVX2 form, which llama.cpp's CPU backend runs for every Q6_K product on
// x86 (it repacks no Q6_K weights there): per super-block, the eight int32
// lanes of q6KLanes are converted to float and accumulated, each with one
// fused multiply-add by d = f32(y.d·f16(x.d)), into eight float lanes,
// which hsum8 adds at the end. The fast kernels reproduce this bit for bit.
// Each activation block is laid out for q6KLanes on the way.
func dotQ6_KQ8_K(w, a []byte, n int) float32 {
	var (
		acc [8]float32
		pb  [prepQ6_KBytes]byte
	)
	for i := range n / qkK {
		b := (*[bytesQ6_K]byte)(w[i*bytesQ6_K:])
		prepareQ6_K(a[i*bytesQ8_K:], pb[:], qkK)
		accumulateQ6K(&acc, b, &pb)
	}
	return hsum8(&acc)
}

// accumulateQ6K adds the lanes of the Q6_K block b with the prepared Q8_K
// block pb to acc in ggml's order: converted, times d = f32(y.d·f16(x.d))
// with one rounding.
func accumulateQ6K(acc *[8]float32, b *[bytesQ6_K]byte, pb *[prepQ6_KBytes]byte) {
	d := float32(prepF32(pb[:], prepQ6_KScale) * loadF16(b[208:]))
	lanes := q6KLanes(b, pb)
	for k, v := range lanes {
		acc[k] = fma32(d, float32(v), acc[k])
	}
}

// q6KLanes returns the eight int32 lanes of one Q6_K block b with the
// prepared Q8_K block pb as ggml's AVX2 loop forms them: lane k adds, over
// the eight 32-element chunks of the block (chunk c covers elements
// 32c..32c+31), the products q·a of the chunk's elements 4k..4k+3 with q
// the unsigned 6-bit code (0..63), each times its sub-block scale, and then
// subtracts 32·(scales[2k]·bsums[2k] + scales[2k+1]·bsums[2k+1]), which
// removes the codes' offset of 32 (the two terms sum to Σ scale·(q−32)·a
// over the block, but the lanes hold different shares of it). The sums
// wrap as int32 arithmetic does.
//
// The products go eight at a time through the word-parallel sums of
// swar.go as Σ (q−32)·a, which keeps them within its bounds: once for the
// whole word and once with the last four codes set to 32 (a zero weight),
// which splits it into its two lanes; each lane then gets back 32 times
// the sum of its four activations, which pb holds.
func q6KLanes(b *[bytesQ6_K]byte, pb *[prepQ6_KBytes]byte) (lanes [8]int32) {
	const (
		bits45 = 0x3030303030303030 // bits 4 and 5 of every byte
		first4 = 0xffffffff00000000 // elements 0..3 of a reversed word
		fill32 = 0x0000000020202020 // code 32 for its elements 4..7
	)
	sc := (*[qkK / 16]byte)(b[192:])
	sums := (*[qkK / 4 * 4]byte)(pb[prepQ6_KQuads:])
	for h := range 2 {
		ql, qh := (*[64]byte)(b[64*h:]), (*[32]byte)(b[128+32*h:])
		for w := range 4 { // elements 8w..8w+7 of each chunk: lanes 2w and 2w+1
			l := 8 * w
			l0, l1, hb := rev(ql[l:]), rev(ql[l+32:]), rev(qh[l:])
			codes := [4]uint64{l0&lowNibbles | hb<<4&bits45, l1&lowNibbles | hb<<2&bits45, l0>>4&lowNibbles | hb&bits45, l1>>4&lowNibbles | hb>>2&bits45}
			for m, c := range codes { // chunk 4h+m
				g := 16*h + 4*m + w // its word pair, and its two fours 2g, 2g+1
				ps := pb[prepPair*g : prepPair*g+prepPair]
				all := hsum(mulPrepBytes(32, c, ps))
				lo := hsum(mulPrepBytes(32, c&first4|fill32, ps))
				s := int32(int8(sc[8*h+2*m+w/2]))
				lanes[2*w] += s * (lo + 32*prepI32(sums[:], 8*g))
				lanes[2*w+1] += s * (all - lo + 32*prepI32(sums[:], 8*g+4))
			}
		}
	}
	for k := range lanes {
		lanes[k] -= 32 * (int32(int8(sc[2*k]))*prepI32(pb[:], prepQ6_KBsums+8*k) + int32(int8(sc[2*k+1]))*prepI32(pb[:], prepQ6_KBsums+8*k+4))
	}
	return lanes
}

// hsum8 adds eight float lanes in the order of ggml's hsum_float_8: the
// upper four onto the lower four, then lanes 2 and 3 onto 0 and 1, then
// lane 1 onto lane 0.
func hsum8(v *[8]float32) float32 {
	s0, s1, s2, s3 := v[0]+v[4], v[1]+v[5], v[2]+v[6], v[3]+v[7]
	return (s0 + s2) + (s1 + s3)
}

// fma32 returns a·b+c rounded once to float32, as VFMADD231PS does. The
// product of two float32 is exact in float64, so the float64 sum s is the
// exact result rounded once; rounding s to float32 then gives the exact
// result's rounding unless s landed on a float32 midpoint (a float64 of
// the midpoint pattern, or one in float32's subnormal range), which
// fma32Tie settles.
func fma32(a, b, c float32) float32 {
	p, z := float64(float64(a)*float64(b)), float64(c) // the conversion forbids fusing
	s := p + z
	if bits := math.Float64bits(s); bits&(1<<29-1) != 1<<28 && bits&(0x7ff<<52) >= (1023-125)<<52 {
		return float32(s)
	}
	return fma32Tie(p, z, s)
}

// fma32Tie rounds p+z, whose float64 rounding is s, to float32 through
// rounding to odd: s gets its last bit set when it is inexact, which
// float32 rounding (29 bits fewer) then takes to the right neighbour.
func fma32Tie(p, z, s float64) float32 {
	// Two-sum: e is the exact error p+z−s.
	t := s - p
	e := (p - (s - t)) + (z - t)
	if bits := math.Float64bits(s); e != 0 && bits&1 == 0 {
		if (e > 0) == (s > 0) {
			bits++ // away from zero, toward p+z
		} else {
			bits--
		}
		s = math.Float64frombits(bits)
	}
	return float32(s)
}
