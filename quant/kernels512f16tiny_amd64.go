package quant

// f16TinyAVX512 is dotF16TinyGeneric in AVX-512 assembly
// (kernels512f16tiny_amd64.s) over steps ≥ 1 runs of f16TinyLanes
// elements at w and a.
//
//go:noescape
func f16TinyAVX512(w, a *byte, steps int) float32

// f16TinyX4AVX512 is f16TinyAVX512 for one weight row and four activation
// rows astride bytes apart, storing to y[0], y[ystride], y[2·ystride] and
// y[3·ystride].
//
//go:noescape
func f16TinyX4AVX512(w, a *byte, astride, steps int, y *float32, ystride int)

// dotF16TinyAVX512 is the AVX-512 one-row kernel of tinyBLAS's F16 order
// for n elements, a multiple of f16TinyLanes; it checks the bounds.
func dotF16TinyAVX512(w, a []byte, n int) float32 {
	if n == 0 {
		return 0
	}
	_ = w[2*n-1]
	_ = a[2*n-1]
	return f16TinyAVX512(&w[0], &a[0], n/f16TinyLanes)
}

// dotF16TinyX4AVX512 is the four-row kernel of tinyBLAS's F16 order; it
// checks the bounds.
func dotF16TinyX4AVX512(w, a []byte, astride, n int, _, y []float32, ystride int) {
	if n == 0 {
		y[0], y[ystride], y[2*ystride], y[3*ystride] = 0, 0, 0, 0
		return
	}
	_ = w[2*n-1]
	_ = a[3*astride+2*n-1]
	_ = y[3*ystride]
	f16TinyX4AVX512(&w[0], &a[0], astride, n/f16TinyLanes, &y[0], ystride)
}
