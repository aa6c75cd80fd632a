package quant

import "math"

// Q4_1 block (20 bytes, 32 elements): d f16 at 0, m f16 at 2, qs[16] at 4;
// nibbles ordered as in Q4_0; the value is q·d + m.

const bytesQ4_1 = 4 + qk0/2

// quantizeRowQ4_1 follows quantize_row_q4_1_ref: m = min, d = (max-min)/15,
// q = min(15, trunc((x-m)/d + 0.5)).
func quantizeRowQ4_1(x []float32, y []byte) {
	for i := range len(x) / qk0 {
		xb := (*[qk0]float32)(x[i*qk0:])
		b := (*[bytesQ4_1]byte)(y[i*bytesQ4_1:])
		vmin, vmax := minMax(xb[:])
		d := (vmax - vmin) / 15
		var id float32
		if d != 0 {
			id = 1 / d
		}
		storeF16(b[0:], d)
		storeF16(b[2:], vmin)
		for j := range qk0 / 2 {
			x0 := float32((xb[j] - vmin) * id)
			x1 := float32((xb[j+qk0/2] - vmin) * id)
			q0 := min(15, int8(truncInt32(x0+0.5)))
			q1 := min(15, int8(truncInt32(x1+0.5)))
			b[4+j] = uint8(q0) | uint8(q1)<<4
		}
	}
}

// minMax returns the smallest and largest element the way ggml's legacy
// quantizers find them (starting from ±FLT_MAX).
func minMax(x []float32) (lo, hi float32) {
	lo, hi = math.MaxFloat32, -math.MaxFloat32
	for _, v := range x {
		if v < lo {
			lo = v
		}
		if v > hi {
			hi = v
		}
	}
	return lo, hi
}

func dequantizeRowQ4_1(y []byte, x []float32) {
	for i := range len(x) / qk0 {
		b := (*[bytesQ4_1]byte)(y[i*bytesQ4_1:])
		xb := (*[qk0]float32)(x[i*qk0:])
		d, m := loadF16(b[0:]), loadF16(b[2:])
		for j := range qk0 / 2 {
			xb[j] = float32(float32(b[4+j]&15)*d) + m
			xb[j+qk0/2] = float32(float32(b[4+j]>>4)*d) + m
		}
	}
}

// dotQ4_1Q8_1 is ggml_vec_dot_q4_1_q8_1: the min term uses the activation
// block's s = d·Σq.
func dotQ4_1Q8_1(w, a []byte, n int) float32 {
	var sum float32
	w, a = w[:n/qk0*bytesQ4_1], a[:n/qk0*bytesQ8_1]
	for len(w) >= bytesQ4_1 && len(a) >= bytesQ8_1 {
		wb, ab := (*[bytesQ4_1]byte)(w), (*[bytesQ8_1]byte)(a)
		lo, hi := dotNibbles16((*[16]byte)(wb[4:]), (*[qk0]byte)(ab[4:]), 0)
		s := lo + hi
		dd := loadF16(wb[0:]) * loadF16(ab[0:])
		sum += float32(dd*float32(s)) + float32(loadF16(wb[2:])*loadF16(ab[2:]))
		w, a = w[bytesQ4_1:], a[bytesQ8_1:]
	}
	return sum
}
