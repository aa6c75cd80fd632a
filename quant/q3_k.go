package quant

// Q3_K block (110 bytes, 256 elements): hmask[32] at 0 (bit j/32 of byte
// j%32 is the high bit of element j), qs[64] at 32 (low two bits, see
// pack2), scales[12] at 96 (sixteen 6-bit scales biased by 32, see
// q3KScale), d f16 at 108. The value of element e is
// d·(scale[e/16]-32)·(q-4) with q the 3-bit quant.

const bytesQ3_K = qkK/8 + qkK/4 + 12 + 2

// q3KScale returns the 6-bit scale j (0..15) of the packed scales[12]: its
// low four bits are a nibble of bytes 0..7 (low nibbles for j < 8), its high
// two bits sit in byte 8 + j%4 at bit 2·(j/4).
func q3KScale(sc []byte, j int) int32 {
	lo := sc[j%8] & 15
	if j >= 8 {
		lo = sc[j-8] >> 4
	}
	return int32(lo | (sc[8+j%4]>>(2*(j/4))&3)<<4)
}

// quantizeRowQ3_K follows quantize_row_q3_K_ref.
func quantizeRowQ3_K(x []float32, y []byte) {
	for i := range len(x) / qkK {
		xb := (*[qkK]float32)(x[i*qkK:])
		b := (*[bytesQ3_K]byte)(y[i*bytesQ3_K:])
		var (
			L                [qkK]int8
			scales           [qkK / 16]float32
			maxScale, amaxSc float32
		)
		for j := range qkK / 16 {
			scales[j] = makeQ3Quants(4, xb[16*j:16*j+16], L[16*j:])
			if a := abs32(scales[j]); a > amaxSc {
				amaxSc, maxScale = a, scales[j]
			}
		}
		sc := b[96:108]
		clear(sc)
		var d float32
		if maxScale != 0 {
			iscale := -32 / maxScale
			for j, s := range scales {
				l := uint8(clampInt(int32(int8(nearestInt(iscale*s))), -32, 31) + 32)
				if j < 8 {
					sc[j] = l & 15
				} else {
					sc[j-8] |= (l & 15) << 4
				}
				sc[8+j%4] |= (l >> 4) << (2 * (j / 4))
			}
			d = 1 / iscale
		}
		storeF16(b[108:], d)
		d = loadF16(b[108:])
		for j := range qkK / 16 {
			dj := d * float32(int8(q3KScale(sc, j)-32))
			if dj == 0 {
				continue
			}
			for l := 16 * j; l < 16*j+16; l++ {
				L[l] = int8(clampInt(nearestInt(xb[l]/dj), -4, 3) + 4)
			}
		}
		hmask := b[:qkK/8]
		clear(hmask)
		var low [qkK]uint8
		for j, l := range L {
			if l > 3 {
				hmask[j%32] |= 1 << (j / 32)
				l -= 4
			}
			low[j] = uint8(l)
		}
		pack2(&low, b[32:96])
	}
}

// unpackQ3K returns the 256 quants of a block as q-4 (-4..3).
func unpackQ3K(b *[bytesQ3_K]byte) [qkK]int8 {
	q := unpack2(b[32:96])
	hm := b[:qkK/8]
	for k := range qkK / 32 {
		run := q[32*k : 32*k+32]
		for l, h := range hm {
			run[l] -= int8(^h>>k&1) << 2
		}
	}
	return q
}

func dequantizeRowQ3_K(y []byte, x []float32) {
	for i := range len(x) / qkK {
		b := (*[bytesQ3_K]byte)(y[i*bytesQ3_K:])
		xb := (*[qkK]float32)(x[i*qkK:])
		d := loadF16(b[108:])
		q := unpackQ3K(b)
		for j := range qkK / 16 {
			dl := d * float32(q3KScale(b[96:108], j)-32)
			for l := 16 * j; l < 16*j+16; l++ {
				xb[l] = dl * float32(q[l])
			}
		}
	}
}

// dotQ3_KQ8_K is ggml_vec_dot_q3_K_q8_K.
func dotQ3_KQ8_K(w, a []byte, n int) float32 {
	var sum float32
	for i := range n / qkK {
		b := (*[bytesQ3_K]byte)(w[i*bytesQ3_K:])
		ab := (*[bytesQ8_K]byte)(a[i*bytesQ8_K:])
		qa := sums2(b[32:96], b[:qkK/8], (*[qkK]byte)(ab[4:]))
		sc := (*[12]byte)(b[96:108])
		var isum int32
		for j := range 8 { // scales j and j+8 as q3KScale unpacks them
			hi := sc[8+j%4] >> (2 * (j / 4))
			isum += (int32(sc[j]&15|hi&3<<4) - 32) * qa[j]
			isum += (int32(sc[j]>>4|hi>>4&3<<4) - 32) * qa[j+8]
		}
		sum += float32(loadF16(b[108:]) * q8KScale(ab[:]) * float32(isum))
	}
	return sum
}
