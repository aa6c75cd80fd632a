package quant

import "encoding/binary"

// Q5_0 block (22 bytes, 32 elements): d f16 at 0, qh u32 at 2, qs[16] at 6;
// the value is (q-16)·d.
// Q5_1 block (24 bytes, 32 elements): d f16 at 0, m f16 at 2, qh u32 at 4,
// qs[16] at 8; the value is q·d + m.
// In both, element j (j < 16) keeps its low four bits in the low nibble of
// qs[j] and element j+16 in the high nibble; bit j of qh is the fifth bit of
// element j.

const (
	bytesQ5_0 = 2 + 4 + qk0/2
	bytesQ5_1 = 4 + 4 + qk0/2
)

// quantizeRowQ5_0 follows quantize_row_q5_0_ref: d = v/-16 where v is the
// element of largest magnitude, q = min(31, trunc(x/d + 16.5)).
func quantizeRowQ5_0(x []float32, y []byte) {
	for i := range len(x) / qk0 {
		xb := (*[qk0]float32)(x[i*qk0:])
		b := (*[bytesQ5_0]byte)(y[i*bytesQ5_0:])
		var amax, vmax float32
		for _, v := range xb {
			if a := abs32(v); amax < a {
				amax, vmax = a, v
			}
		}
		d := vmax / -16
		var id float32
		if d != 0 {
			id = 1 / d
		}
		storeF16(b[:], d)
		var q [qk0]uint8
		for j, v := range xb {
			q[j] = uint8(min(31, int8(truncInt32(float32(v*id)+16.5))))
		}
		packQ5(&q, b[2:6], b[6:])
	}
}

// quantizeRowQ5_1 follows quantize_row_q5_1_ref: m = min, d = (max-min)/31,
// q = uint8(trunc((x-m)/d + 0.5)) without a clamp, as in ggml.
func quantizeRowQ5_1(x []float32, y []byte) {
	for i := range len(x) / qk0 {
		xb := (*[qk0]float32)(x[i*qk0:])
		b := (*[bytesQ5_1]byte)(y[i*bytesQ5_1:])
		vmin, vmax := minMax(xb[:])
		d := (vmax - vmin) / 31
		var id float32
		if d != 0 {
			id = 1 / d
		}
		storeF16(b[0:], d)
		storeF16(b[2:], vmin)
		var q [qk0]uint8
		for j, v := range xb {
			q[j] = uint8(truncInt32(float32((v-vmin)*id) + 0.5))
		}
		packQ5(&q, b[4:8], b[8:])
	}
}

// packQ5 stores 32 five-bit values: the fifth bits in the u32 qh, the low
// nibbles in qs[16].
func packQ5(q *[qk0]uint8, qh, qs []byte) {
	var h uint32
	for j := range qk0 / 2 {
		qs[j] = q[j]&15 | (q[j+qk0/2]&15)<<4
		h |= uint32(q[j]>>4&1) << j
		h |= uint32(q[j+qk0/2]>>4&1) << (j + qk0/2)
	}
	binary.LittleEndian.PutUint32(qh, h)
}

// unpackQ5 returns the 32 five-bit values (0..31) of a block.
func unpackQ5(qh, qs []byte) (q [qk0]int32) {
	h := binary.LittleEndian.Uint32(qh)
	for j := range qk0 / 2 {
		q[j] = int32(qs[j]&15) | int32(h>>j&1)<<4
		q[j+qk0/2] = int32(qs[j]>>4) | int32(h>>(j+qk0/2)&1)<<4
	}
	return q
}

func dequantizeRowQ5_0(y []byte, x []float32) {
	for i := range len(x) / qk0 {
		b := (*[bytesQ5_0]byte)(y[i*bytesQ5_0:])
		xb := (*[qk0]float32)(x[i*qk0:])
		d := loadF16(b[:])
		q := unpackQ5(b[2:6], b[6:])
		for j, v := range q {
			xb[j] = float32(v-16) * d
		}
	}
}

func dequantizeRowQ5_1(y []byte, x []float32) {
	for i := range len(x) / qk0 {
		b := (*[bytesQ5_1]byte)(y[i*bytesQ5_1:])
		xb := (*[qk0]float32)(x[i*qk0:])
		d, m := loadF16(b[0:]), loadF16(b[2:])
		q := unpackQ5(b[4:8], b[8:])
		for j, v := range q {
			xb[j] = float32(float32(v)*d) + m
		}
	}
}

// dotQ5_0Q8_0 is ggml_vec_dot_q5_0_q8_0.
func dotQ5_0Q8_0(w, a []byte, n int) float32 {
	var sum float32
	w, a = w[:n/qk0*bytesQ5_0], a[:n/qk0*bytesQ8_0]
	for len(w) >= bytesQ5_0 && len(a) >= bytesQ8_0 {
		wb, ab := (*[bytesQ5_0]byte)(w), (*[bytesQ8_0]byte)(a)
		s := dotQ5((*[4]byte)(wb[2:]), (*[16]byte)(wb[6:]), (*[qk0]byte)(ab[2:]), 16)
		sum += float32(loadF16(wb[:]) * loadF16(ab[:]) * float32(s))
		w, a = w[bytesQ5_0:], a[bytesQ8_0:]
	}
	return sum
}

// dotQ5_1Q8_1 is ggml_vec_dot_q5_1_q8_1.
func dotQ5_1Q8_1(w, a []byte, n int) float32 {
	var sum float32
	w, a = w[:n/qk0*bytesQ5_1], a[:n/qk0*bytesQ8_1]
	for len(w) >= bytesQ5_1 && len(a) >= bytesQ8_1 {
		wb, ab := (*[bytesQ5_1]byte)(w), (*[bytesQ8_1]byte)(a)
		s := dotQ5((*[4]byte)(wb[4:]), (*[16]byte)(wb[8:]), (*[qk0]byte)(ab[4:]), 0)
		dd := loadF16(wb[0:]) * loadF16(ab[0:])
		sum += float32(dd*float32(s)) + float32(loadF16(wb[2:])*loadF16(ab[2:]))
		w, a = w[bytesQ5_1:], a[bytesQ8_1:]
	}
	return sum
}

// bitBytes[b] holds 1 in byte 7−k for every bit k set in b: eight fifth
// bits spread over the bytes of a reversed weight word of mulBytes.
var bitBytes = func() (t [256]uint64) {
	for b := range t {
		for k := range 8 {
			t[b] |= uint64(b>>k&1) << (8 * (7 - k))
		}
	}
	return t
}()

// dotQ5 returns Σ(q−off)·a over a Q5_0 or Q5_1 block: qh holds the fifth
// bit of element j in bit j, qs the low nibbles of elements j and j+16 in
// byte j, a the 32 int8 activations. off is 16 (Q5_0) or 0 (Q5_1): the
// eight terms of a word stay within ±31·128.
func dotQ5(qh *[4]byte, qs *[16]byte, a *[qk0]byte, off uint64) int32 {
	r0, r1 := rev(qs[0:]), rev(qs[8:])
	return hsum(mulBytes(r0&lowNibbles|bitBytes[qh[0]]<<4, le64(a[0:]), off)) +
		hsum(mulBytes(r1&lowNibbles|bitBytes[qh[1]]<<4, le64(a[8:]), off)) +
		hsum(mulBytes(r0>>4&lowNibbles|bitBytes[qh[2]]<<4, le64(a[16:]), off)) +
		hsum(mulBytes(r1>>4&lowNibbles|bitBytes[qh[3]]<<4, le64(a[24:]), off))
}
