package quant

import (
	"encoding/binary"
	"math"
)

// Q8_0 block (34 bytes, 32 elements): d f16 at 0, qs[32] int8 at 2; the
// value is q·d.
// Q8_1 block (36 bytes, 32 elements): d f16 at 0, s f16 at 2 (s = d·Σq),
// qs[32] int8 at 4.
// Q8_K block (292 bytes, 256 elements): d f32 at 0, qs[256] int8 at 4,
// bsums[16] int16 at 260 (the sum of each run of 16 quants).

const (
	bytesQ8_0 = 2 + qk0
	bytesQ8_1 = 4 + qk0
	bytesQ8_K = 4 + qkK + qkK/16*2
)

// quantizeQ8Block quantizes one 32-element block into qs with d = amax/127
// and q = round(x/d) (halves away from zero), as quantize_row_q8_0_ref and
// quantize_row_q8_1_ref do. It returns d and Σq.
func quantizeQ8Block(x *[qk0]float32, qs []byte) (d float32, sum int32) {
	var amax float32
	for _, v := range x {
		if a := abs32(v); !(amax > a) { // C's MAX(amax, a), NaN included
			amax = a
		}
	}
	d = amax / 127
	var id float32
	if d != 0 {
		id = 1 / d
	}
	qs = qs[:qk0]
	for j, v := range x {
		// roundf: halves away from zero. In float64 the addition of ±0.5
		// to a float32 value is exact, so truncation gives roundf's result.
		f := float64(float32(v * id))
		q := int8(truncInt32f64(f + math.Copysign(0.5, f)))
		qs[j] = uint8(q)
		sum += int32(q)
	}
	return d, sum
}

// QuantizeQ8_0Row quantizes an activation row to Q8_0, byte-identical to
// quantize_row_q8_0_ref. len(x) must be a multiple of 32 and y must hold
// len(x)/32·34 bytes; it allocates nothing.
func QuantizeQ8_0Row(x []float32, y []byte) {
	for i := range len(x) / qk0 {
		b := (*[bytesQ8_0]byte)(y[i*bytesQ8_0:])
		d, _ := quantizeQ8Block((*[qk0]float32)(x[i*qk0:]), b[2:])
		storeF16(b[:], d)
	}
}

// QuantizeQ8_1Row quantizes an activation row to Q8_1, byte-identical to
// quantize_row_q8_1_ref. len(x) must be a multiple of 32 and y must hold
// len(x)/32·36 bytes; it allocates nothing.
func QuantizeQ8_1Row(x []float32, y []byte) {
	for i := range len(x) / qk0 {
		b := (*[bytesQ8_1]byte)(y[i*bytesQ8_1:])
		d, sum := quantizeQ8Block((*[qk0]float32)(x[i*qk0:]), b[4:])
		storeF16(b[0:], d)
		storeF16(b[2:], float32(sum)*d)
	}
}

// QuantizeQ8_KRow quantizes an activation row to Q8_K, byte-identical to
// quantize_row_q8_K_ref: d = v/-127 where v is the element of largest
// magnitude, q = min(127, nearest(x/d)), bsums the sums of 16 quants. An
// all-zero block gets d = 0 and zero quants and sums. len(x) must be a
// multiple of 256 and y must hold len(x)/256·292 bytes; it allocates nothing.
func QuantizeQ8_KRow(x []float32, y []byte) {
	for i := range len(x) / qkK {
		xb := (*[qkK]float32)(x[i*qkK:])
		b := (*[bytesQ8_K]byte)(y[i*bytesQ8_K:])
		var amax, vmax float32
		for _, v := range xb {
			if a := abs32(v); a > amax {
				amax, vmax = a, v
			}
		}
		if amax == 0 {
			clear(b[:])
			continue
		}
		iscale := -127 / vmax
		for j, v := range xb {
			b[4+j] = uint8(int8(min(127, nearestInt(iscale*v))))
		}
		for j := range qkK / 16 {
			var s int32
			for _, q := range b[4+16*j : 4+16*j+16] {
				s += int32(int8(q))
			}
			binary.LittleEndian.PutUint16(b[4+qkK+2*j:], uint16(int16(s)))
		}
		binary.LittleEndian.PutUint32(b[:], math.Float32bits(1/iscale))
	}
}

func dequantizeRowQ8_0(y []byte, x []float32) {
	for i := range len(x) / qk0 {
		b := (*[bytesQ8_0]byte)(y[i*bytesQ8_0:])
		dequantizeInt8(b[2:], loadF16(b[:]), x[i*qk0:(i+1)*qk0])
	}
}

func dequantizeRowQ8_1(y []byte, x []float32) {
	for i := range len(x) / qk0 {
		b := (*[bytesQ8_1]byte)(y[i*bytesQ8_1:])
		dequantizeInt8(b[4:], loadF16(b[:]), x[i*qk0:(i+1)*qk0])
	}
}

func dequantizeRowQ8_K(y []byte, x []float32) {
	for i := range len(x) / qkK {
		b := (*[bytesQ8_K]byte)(y[i*bytesQ8_K:])
		d := math.Float32frombits(binary.LittleEndian.Uint32(b[:]))
		dequantizeInt8(b[4:], d, x[i*qkK:(i+1)*qkK])
	}
}

// dequantizeInt8 sets x[j] = q[j]·d for the int8 quants q.
func dequantizeInt8(q []byte, d float32, x []float32) {
	q = q[:len(x)]
	for j, v := range q {
		x[j] = float32(int8(v)) * d
	}
}

// dotQ8_0Q8_0 is ggml_vec_dot_q8_0_q8_0 in the float order ggml-cpu
// follows on x86 (the AVX2 and AVX-512 builds, and llamafile's
// tinyBLAS_Q0_AVX, which prefill takes, alike): the eight int32 sums of
// each block's runs of four products (lane l covering elements 4l..4l+3)
// are converted to float and fused-multiply-added, with
// d = f32(f16(w.d)·f16(a.d)), into eight float lanes, which hsum8 adds at
// the end. The fast kernels reproduce this bit for bit.
func dotQ8_0Q8_0(w, a []byte, n int) float32 {
	var acc [8]float32
	for i := range n / qk0 {
		wb, ab := (*[bytesQ8_0]byte)(w[i*bytesQ8_0:]), (*[bytesQ8_0]byte)(a[i*bytesQ8_0:])
		var lanes [8]int32
		for j, q := range wb[2:] {
			lanes[j/4] += int32(int8(q)) * int32(int8(ab[2+j]))
		}
		accumulateQ8_0(&acc, loadF16(wb[:])*loadF16(ab[:]), &lanes)
	}
	return hsum8(&acc)
}

// accumulateQ8_0 adds the int32 lanes of one Q8_0 block, converted and
// times its scale product d (exact: two f16 make at most 22 bits), to acc
// with one rounding each, as VFMADD231PS does.
func accumulateQ8_0(acc *[8]float32, d float32, lanes *[8]int32) {
	for k, v := range lanes {
		acc[k] = fma32(d, float32(v), acc[k])
	}
}
