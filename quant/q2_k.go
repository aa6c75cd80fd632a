package quant

// Q2_K block (84 bytes, 256 elements): scales[16] at 0 (low nibble: the
// 4-bit scale, high nibble: the 4-bit min of each run of 16), qs[64] at 16
// (2-bit quants, see pack2), d f16 at 80, dmin f16 at 82. The value of
// element e is d·(scales[e/16]&15)·q - dmin·(scales[e/16]>>4).

const bytesQ2_K = qkK/16 + qkK/4 + 2 + 2

var q2KParams = qkx2Params{nmax: 3, rmin: -0.5, rdelta: 0.1, nstep: 15, useMAD: true}

// quantizeRowQ2_K follows quantize_row_q2_K_ref.
func quantizeRowQ2_K(x []float32, y []byte) {
	for i := range len(x) / qkK {
		xb := (*[qkK]float32)(x[i*qkK:])
		b := (*[bytesQ2_K]byte)(y[i*bytesQ2_K:])
		var (
			L              [qkK]uint8
			laux           [16]uint8
			weights        [16]float32
			scales, mins   [qkK / 16]float32
			maxScale, maxM float32
		)
		for j := range qkK / 16 {
			sub := xb[16*j : 16*j+16]
			for l, v := range sub {
				weights[l] = abs32(v)
			}
			scales[j], mins[j] = makeQKX2Quants(q2KParams, sub, weights[:], L[16*j:], laux[:])
			maxScale = max(maxScale, scales[j])
			maxM = max(maxM, mins[j])
		}
		sc := b[:qkK/16]
		clear(sc)
		var d, dmin float32
		if maxScale > 0 {
			iscale := 15 / maxScale
			for j, s := range scales {
				sc[j] = uint8(nearestInt(iscale * s))
			}
			d = maxScale / 15
		}
		if maxM > 0 {
			iscale := 15 / maxM
			for j, m := range mins {
				sc[j] |= uint8(nearestInt(iscale*m) << 4)
			}
			dmin = maxM / 15
		}
		storeF16(b[80:], d)
		storeF16(b[82:], dmin)
		d, dmin = loadF16(b[80:]), loadF16(b[82:])
		for j := range qkK / 16 {
			dj := d * float32(sc[j]&15)
			if dj == 0 {
				continue
			}
			dm := dmin * float32(sc[j]>>4)
			for l := 16 * j; l < 16*j+16; l++ {
				L[l] = uint8(clampInt(nearestInt((xb[l]+dm)/dj), 0, 3))
			}
		}
		pack2(&L, b[16:80])
	}
}

func dequantizeRowQ2_K(y []byte, x []float32) {
	for i := range len(x) / qkK {
		b := (*[bytesQ2_K]byte)(y[i*bytesQ2_K:])
		xb := (*[qkK]float32)(x[i*qkK:])
		d, dmin := loadF16(b[80:]), loadF16(b[82:])
		q := unpack2(b[16:80])
		for j, sc := range b[:qkK/16] {
			dl, ml := d*float32(sc&15), dmin*float32(sc>>4)
			for l := 16 * j; l < 16*j+16; l++ {
				xb[l] = float32(dl*float32(q[l])) - ml
			}
		}
	}
}

// dotQ2_KQ8_K is ggml_vec_dot_q2_K_q8_K: the mins enter through the
// activation's bsums.
func dotQ2_KQ8_K(w, a []byte, n int) float32 {
	var sum float32
	for i := range n / qkK {
		b := (*[bytesQ2_K]byte)(w[i*bytesQ2_K:])
		ab := (*[bytesQ8_K]byte)(a[i*bytesQ8_K:])
		qa := sums2(b[16:80], nil, (*[qkK]byte)(ab[4:]))
		var isum, summs int32
		for j, sc := range b[:qkK/16] {
			summs += q8KBsum(ab[:], j) * int32(sc>>4)
			isum += int32(sc&15) * qa[j]
		}
		ad := q8KScale(ab[:])
		dall, dmin := ad*loadF16(b[80:]), ad*loadF16(b[82:])
		sum += float32(dall*float32(isum)) - float32(dmin*float32(summs))
	}
	return sum
}

// sums2 returns Σ q·a for the sixteen 16-element runs of a block whose
// quants have their low two bits in qs (laid out by pack2) and, when hm is
// not nil, a third bit in hm as Q3_K stores it (bit k of hm[l] for element
// 32k+l), in which case q is the 3-bit value minus 4 (−4..3). a holds the
// Q8_K quants.
func sums2(qs, hm []byte, aq *[qkK]byte) (qa [qkK / 16]int32) {
	const (
		low2    = 0x0303030303030303 // bits 0 and 1 of every byte
		lowBits = 0x0101010101010101 // bit 0 of every byte
	)
	qs = qs[:qkK/4]
	var (
		off uint64
		hb  [4]uint64 // the words of hm, reversed
	)
	if hm != nil {
		hm, off = hm[:qkK/8], 4
		hb = [4]uint64{rev(hm[0:]), rev(hm[8:]), rev(hm[16:]), rev(hm[24:])}
	}
	for h := range 2 {
		for c := range 4 { // bytes 8c..8c+7 of the half's 32 bytes of qs
			r, hw, as := rev(qs[32*h+8*c:]), hb[c]>>(4*h)<<2, (*[128]byte)(aq[128*h:])
			// Elements 32j+8c..32j+8c+7 of the half: bits 2j, 2j+1 of r and bit j of hw>>2.
			e := 8 * c
			x0 := hsum(mulBytes(r&low2|hw&(lowBits<<2), le64(as[e:]), off))
			x1 := hsum(mulBytes(r>>2&low2|hw>>1&(lowBits<<2), le64(as[e+32:]), off))
			x2 := hsum(mulBytes(r>>4&low2|hw>>2&(lowBits<<2), le64(as[e+64:]), off))
			x3 := hsum(mulBytes(r>>6&low2|hw>>3&(lowBits<<2), le64(as[e+96:]), off))
			j := 8*h + c/2 // the run of element 8c of the half's first 32
			qa[j] += x0
			qa[j+2] += x1
			qa[j+4] += x2
			qa[j+6] += x3
		}
	}
	return qa
}
