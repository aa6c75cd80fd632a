package quant

// llamafile's tinyBLAS order for F16 weights, which llama.cpp's CPU
// backend on AVX-512 takes for a matrix product of two or more activation
// rows (the activations rounded to f16) when the row length is a multiple
// of f16TinyLanes and the weight rows of f16TinyRows: element k of each
// output in lane k%16 of one register, fused multiply-adds in the order of
// k, then the sixteen lanes reduced by Reduce16. A single activation row,
// or a shape tinyBLAS refuses, takes ggml_vec_dot_f16 (f16ggml.go).
const (
	f16TinyLanes = 16 // elements per step: tinyBLAS refuses other lengths
	f16TinyRows  = 4  // tinyBLAS refuses weight row counts not a multiple of it
)

// dotF16TinyGeneric is the F16 dot product of n elements (a multiple of
// f16TinyLanes) of w and a in tinyBLAS's order. It is the reference of the
// assembly versions, which give the same bits.
func dotF16TinyGeneric(w, a []byte, n int) float32 {
	var acc [f16TinyLanes]float32
	for k := range n {
		acc[k%f16TinyLanes] = fma32(loadF16(w[2*k:]), loadF16(a[2*k:]), acc[k%f16TinyLanes])
	}
	return Reduce16(&acc)
}

// Reduce16 sums sixteen lanes as _mm512_reduce_add_ps does: the upper
// half onto the lower, then the upper quarter, then lanes 0+2 and 1+3, and
// those two. The engine's attention, which follows the same AVX-512 code,
// reduces with it too.
func Reduce16(x *[16]float32) float32 {
	var t [8]float32
	for i := range t {
		t[i] = x[i] + x[i+8]
	}
	u0, u1, u2, u3 := t[0]+t[4], t[1]+t[5], t[2]+t[6], t[3]+t[7]
	return (u0 + u2) + (u1 + u3)
}
