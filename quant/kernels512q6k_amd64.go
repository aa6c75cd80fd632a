package quant

// dotQ6_KAVX512 is the AVX-512 VNNI (F, BW, VL, VNNI) Q6_K one-row kernel
// of kernels512q6k_amd64.s: dotQ6_KQ8_K over nb super-blocks of the weight
// row w and the Q8_K activation row a, in the same float order bit for bit.
// asmKernel checks the bounds.
//
//go:noescape
func dotQ6_KAVX512(w, a *byte, nb int) float32

// dotQ6_Kx4AVX512 is dotQ6_KAVX512 for four activation rows, the first at a
// and the next ones astride bytes further, storing to y[0], y[ystride],
// y[2·ystride] and y[3·ystride]; it ignores scales. asmKernel4 checks the
// bounds.
//
//go:noescape
func dotQ6_Kx4AVX512(w, a *byte, astride, nb int, scales, y *float32, ystride int)
