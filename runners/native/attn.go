package native

import (
	"math"

	"github.com/odbench/odbench/quant"
)

// The attention over an F16 cache follows llama.cpp's CPU graph without
// flash attention step by step, with ggml's AVX-512 summation orders and
// exponential, so that the two engines round alike: a probability that
// rounds to the other neighbouring f16 value shifts the attention output
// by about 1e-3, which flips int8 activation quants in the next products,
// and from there the engines drift apart by the quantization noise.

// ggmlLanes and ggmlAccs are the float32 lanes of one AVX-512 register and
// the registers ggml_vec_dot_f16 accumulates in: element k of a step of
// 64 goes to register (k/16)%4, lane k%16.
const (
	ggmlLanes = 16
	ggmlAccs  = 4
	ggmlStep  = ggmlLanes * ggmlAccs
)

// fma32 is a float32 fused multiply-add: the float64 product of two
// float32 values is exact, so one rounding of the float64 sum and one to
// float32 give the fused result except in cases rarer than 2⁻²⁸.
func fma32(a, b, c float32) float32 {
	return float32(math.FMA(float64(a), float64(b), float64(c)))
}

// dotF16GGML returns Σ a[k]·b[k] summed as ggml_vec_dot_f16 sums on
// AVX-512 (a and b hold f16 values). When padded, a and b are the leading
// part of longer rows whose tail is zero, so every element goes through
// the vector lanes; otherwise the elements past the last whole step of 64
// are added in float64 after the reduction, as ggml does.
func dotF16GGML(a, b []float32, padded bool) float32 {
	b = b[:len(a)]
	n := len(a)
	if !padded {
		n &^= ggmlStep - 1
	}
	s := float64(ggmlDotLanes(a[:n], b[:n]))
	for k := n; k < len(a); k++ {
		s += float64(float32(a[k] * b[k]))
	}
	return float32(s)
}

// ggmlLanesGeneric returns Σ a[k]·b[k] over len(a) elements, summed in
// ggml_vec_dot_f16's AVX-512 lanes and reduced as it reduces them. It is
// the reference of the assembly versions, which give the same bits.
func ggmlLanesGeneric(a, b []float32) float32 {
	b = b[:len(a)]
	var acc [ggmlAccs][ggmlLanes]float32
	for k := range a {
		r := &acc[(k/ggmlLanes)%ggmlAccs][k%ggmlLanes]
		*r = fma32(a[k], b[k], *r)
	}
	var x [ggmlLanes]float32
	for l := range ggmlLanes {
		x[l] = (acc[0][l] + acc[2][l]) + (acc[1][l] + acc[3][l])
	}
	return quant.Reduce16(&x)
}

// tinyLanesGeneric returns Σ a[k]·b[k] as llamafile's tinyBLAS sums one
// output of an F16 matrix product on AVX-512, the path llama.cpp takes for
// the attention products of a batch of two or more tokens: element k in
// lane k%16 of one register, fused multiply-adds in the order of k, then
// quant.Reduce16. It is the reference of the assembly versions, which give the
// same bits.
func tinyLanesGeneric(a, b []float32) float32 {
	b = b[:len(a)]
	var acc [ggmlLanes]float32
	for k := range a {
		acc[k%ggmlLanes] = fma32(a[k], b[k], acc[k%ggmlLanes])
	}
	return quant.Reduce16(&acc)
}

// expGGML is ggml's AVX-512 ggml_v_expf for one lane: a rounding of
// x·log2(e) to n, a two-part reduction b = x - n·ln2, a degree-5
// polynomial and a scaling by 2ⁿ; 0 or +Inf beyond |n| > 192.
func expGGML(x float32) float32 {
	const r = 0x1.8p23
	z := fma32(x, 0x1.715476p+0, r)
	n := z - r
	b := fma32(-n, 0x1.7f7d1cp-20, fma32(-n, 0x1.62e4p-1, x))
	if n > 192 || n < -192 {
		if n <= 0 {
			return 0
		}
		return float32(math.Inf(1))
	}
	u := b * b
	j := fma32(fma32(fma32(0x1.0e4020p-7, b, 0x1.573e2ep-5), u, fma32(0x1.555e66p-3, b, 0x1.fffdb6p-2)), u,
		fma32(0x1.ffffecp-1, b, 1))
	return scale2(j, int(n))
}

// scale2 returns x·2ⁿ rounded once to float32, as _mm512_scalef_ps does
// for |n| ≤ 192: a multiplication by the power of two when that is a
// normal float32, which is exact unless the product is subnormal and then
// rounds once.
func scale2(x float32, n int) float32 {
	if n >= -126 && n <= 127 {
		return x * math.Float32frombits(uint32(n+127)<<23)
	}
	return float32(math.Ldexp(float64(x), n))
}

// softmaxGGML replaces x by softmax(scale·x) as ggml_compute_forward_soft_max
// computes it on AVX-512: exponentials by expGGML, each run of 16 summed by
// quant.Reduce16 and the runs summed in float64, then one multiplication by the
// float32 reciprocal of the sum. x is the leading part of a row padded
// with masked (zero-probability) entries.
func softmaxGGML(x []float32, scale float32) {
	m := float32(math.Inf(-1))
	for i := range x {
		x[i] *= scale
		m = max(m, x[i])
	}
	scaleInto(x, float32(1/ggmlExpSum(x, m)))
}

// expSumGeneric replaces x[i] by expGGML(x[i] - m) and returns the sum of
// the results, each run of 16 summed by quant.Reduce16 and the runs summed in
// float64, as ggml's soft_max sums on AVX-512. It is the reference of the
// assembly versions, which give the same bits.
func expSumGeneric(x []float32, m float32) float64 {
	var sum float64
	for i := 0; i < len(x); i += ggmlLanes {
		var v [ggmlLanes]float32
		for l := range min(ggmlLanes, len(x)-i) {
			e := expGGML(x[i+l] - m)
			x[i+l] = e
			v[l] = e
		}
		sum += float64(quant.Reduce16(&v))
	}
	return sum
}

// siluMulGeneric writes silu(gate[i])·up[i] into gate, as ggml_vec_swiglu_f32
// computes it with ggml_v_silu on AVX-512. It is the reference of the
// assembly versions, which give the same bits.
func siluMulGeneric(gate, up []float32) {
	up = up[:len(gate)]
	for i, g := range gate {
		gate[i] = silu(g) * up[i]
	}
}
