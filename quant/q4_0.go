package quant

// Q4_0 block (18 bytes, 32 elements): d f16 at 0, qs[16] at 2. Element j
// (j < 16) is the low nibble of qs[j], element j+16 its high nibble; the
// value is (q-8)·d.

// qk0 is the block size of the 32-element formats (Q4_0 ... Q8_1).
const qk0 = 32

const bytesQ4_0 = 2 + qk0/2

// quantizeRowQ4_0 follows quantize_row_q4_0_ref: d = v/-8 where v is the
// element of largest magnitude (the first one on ties), q = min(15,
// trunc(x/d + 8.5)).
func quantizeRowQ4_0(x []float32, y []byte) {
	for i := range len(x) / qk0 {
		xb := (*[qk0]float32)(x[i*qk0:])
		b := (*[bytesQ4_0]byte)(y[i*bytesQ4_0:])
		var amax, vmax float32
		for _, v := range xb {
			if a := abs32(v); amax < a {
				amax, vmax = a, v
			}
		}
		d := vmax / -8
		var id float32
		if d != 0 {
			id = 1 / d
		}
		storeF16(b[:], d)
		for j := range qk0 / 2 {
			x0 := float32(xb[j] * id)
			x1 := float32(xb[j+qk0/2] * id)
			q0 := min(15, int8(truncInt32(x0+8.5)))
			q1 := min(15, int8(truncInt32(x1+8.5)))
			b[2+j] = uint8(q0) | uint8(q1)<<4
		}
	}
}

func dequantizeRowQ4_0(y []byte, x []float32) {
	for i := range len(x) / qk0 {
		b := (*[bytesQ4_0]byte)(y[i*bytesQ4_0:])
		xb := (*[qk0]float32)(x[i*qk0:])
		d := loadF16(b[:])
		for j := range qk0 / 2 {
			xb[j] = float32(int32(b[2+j]&15)-8) * d
			xb[j+qk0/2] = float32(int32(b[2+j]>>4)-8) * d
		}
	}
}

// dotQ4_0Q8_0 is ggml_vec_dot_q4_0_q8_0: an integer sum per block scaled by
// the product of the two block scales.
func dotQ4_0Q8_0(w, a []byte, n int) float32 {
	var sum float32
	w, a = w[:n/qk0*bytesQ4_0], a[:n/qk0*bytesQ8_0]
	for len(w) >= bytesQ4_0 && len(a) >= bytesQ8_0 {
		wb, ab := (*[bytesQ4_0]byte)(w), (*[bytesQ8_0]byte)(a)
		s, _ := dotNibbles16((*[16]byte)(wb[2:]), (*[qk0]byte)(ab[2:]), 8) // Σ(q-8)·a
		sum += float32(float32(s) * loadF16(wb[:]) * loadF16(ab[:]))
		w, a = w[bytesQ4_0:], a[bytesQ8_0:]
	}
	return sum
}
