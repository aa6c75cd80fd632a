package quant

// f16GGMLStepsAVX512 is f16GGMLStepsGeneric in AVX-512 assembly
// (kernels512f16_amd64.s), over nsteps ≥ 1 steps at w and a.
//
//go:noescape
func f16GGMLStepsAVX512(w, a *byte, nsteps int) float32

// f16GGMLSteps adapts f16GGMLStepsAVX512 to dotF16GGML, checking bounds.
func f16GGMLSteps(w, a []byte, nsteps int) float32 {
	_ = w[2*f16GGMLStep*nsteps-1]
	_ = a[2*f16GGMLStep*nsteps-1]
	return f16GGMLStepsAVX512(&w[0], &a[0], nsteps)
}

// dotF16AVX512 is the AVX-512 F16 one-row kernel: ggml_vec_dot_f16's order.
func dotF16AVX512(w, a []byte, n int) float32 { return dotF16GGML(w, a, n, f16GGMLSteps) }
