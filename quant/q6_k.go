package quant

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

// dotQ6_KQ8_K is ggml_vec_dot_q6_K_q8_K.
func dotQ6_KQ8_K(w, a []byte, n int) float32 {
	var sum float32
	for i := range n / qkK {
		b := (*[bytesQ6_K]byte)(w[i*bytesQ6_K:])
		ab := (*[bytesQ8_K]byte)(a[i*bytesQ8_K:])
		isum := scaledSumQ6K(b, (*[qkK]byte)(ab[4:]))
		sum += float32(loadF16(b[208:]) * q8KScale(ab[:]) * float32(isum))
	}
	return sum
}

// scaledSumQ6K returns Σ scales[j]·Σ (q−32)·a over the sixteen 16-element
// runs j of a Q6_K block with the Q8_K quants aq. Each 128-element half
// takes its low four bits from 64 bytes of ql (elements l and l+64 share
// byte l, l+32 and l+96 byte l+32) and its top two bits from 32 bytes of qh
// (bits 0-1, 2-3, 4-5, 6-7 of byte l for elements l, l+32, l+64, l+96):
// eight bytes of each give one word of eight elements in each of the four
// runs 8h+r, 8h+r+2, 8h+r+4 and 8h+r+6 (r = l/16). Each word has its own
// hsum: eight terms within [−32·127, 32·128].
func scaledSumQ6K(b *[bytesQ6_K]byte, aq *[qkK]byte) int32 {
	const bits45 = 0x3030303030303030 // bits 4 and 5 of every byte
	sc := (*[qkK / 16]byte)(b[192:])
	var isum int32
	for h := range 2 {
		ql, qh, as := (*[64]byte)(b[64*h:]), (*[32]byte)(b[128+32*h:]), (*[128]byte)(aq[128*h:])
		for r := range 2 {
			var s0, s1, s2, s3 int32 // runs 8h+r, 8h+r+2, 8h+r+4, 8h+r+6
			for l := 16 * r; l < 16*r+16; l += 8 {
				l0, l1, hb := rev(ql[l:]), rev(ql[l+32:]), rev(qh[l:])
				s0 += hsum(mulBytes(l0&lowNibbles|hb<<4&bits45, le64(as[l:]), 32))
				s1 += hsum(mulBytes(l1&lowNibbles|hb<<2&bits45, le64(as[l+32:]), 32))
				s2 += hsum(mulBytes(l0>>4&lowNibbles|hb&bits45, le64(as[l+64:]), 32))
				s3 += hsum(mulBytes(l1>>4&lowNibbles|hb>>2&bits45, le64(as[l+96:]), 32))
			}
			j := 8*h + r
			isum += int32(int8(sc[j]))*s0 + int32(int8(sc[j+2]))*s1 + int32(int8(sc[j+4]))*s2 + int32(int8(sc[j+6]))*s3
		}
	}
	return isum
}
