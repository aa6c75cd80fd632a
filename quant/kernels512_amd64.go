package quant

// AVX-512 VNNI one-row kernels (kernels512_amd64.s); the bounds are checked
// by asmKernel.

//go:noescape
func dotQ4_0AVX512(w, a *byte, nb int) float32
