package quant

// dotQ4_KAVX512 is the AVX-512 VNNI (F, BW, VL, VNNI) Q4_K one-row kernel
// of kernels512q4k_amd64.s: dotQ4_KQ8_K over nb super-blocks of the weight
// row w and the Q8_K activation row a, bit for bit. asmKernel checks the
// bounds.
//
//go:noescape
func dotQ4_KAVX512(w, a *byte, nb int) float32
