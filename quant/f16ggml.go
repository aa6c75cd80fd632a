package quant

// ggml_vec_dot_f16's order on AVX-512, which llama.cpp's CPU backend runs
// for an F16 weight row times one F16 activation row: element k of each
// step of 64 is multiplied into lane k%16 of accumulator (k/16)%4 with a
// fused multiply-add; the accumulators are added as (0+2)+(1+3) and the
// sixteen lanes reduced (halves, quarters, then the two pairs); the
// elements past the last whole step are added in float64, each product
// rounded to float32 first, and the float64 sum is rounded to float32.

// f16GGMLStep is the elements of one step: four registers of 16 lanes.
const f16GGMLStep = 64

// dotF16GGML returns the F16 dot product of n elements of w and a in
// ggml's AVX-512 order, the whole steps summed by steps (the lanes of
// f16GGMLStepsGeneric or an assembly version of them).
func dotF16GGML(w, a []byte, n int, steps func(w, a []byte, nsteps int) float32) float32 {
	whole := n / f16GGMLStep * f16GGMLStep
	var s float64
	if whole > 0 {
		s = float64(steps(w[:2*whole], a[:2*whole], whole/f16GGMLStep))
	}
	for k := whole; k < n; k++ {
		s += float64(loadF16(w[2*k:]) * loadF16(a[2*k:]))
	}
	return float32(s)
}

// f16GGMLStepsGeneric sums nsteps whole steps of w and a in ggml's lanes
// and reduces them. It is the reference of the assembly versions.
func f16GGMLStepsGeneric(w, a []byte, nsteps int) float32 {
	var acc [4][16]float32
	for k := range nsteps * f16GGMLStep {
		r := &acc[(k/16)%4][k%16]
		*r = fma32(loadF16(w[2*k:]), loadF16(a[2*k:]), *r)
	}
	var x [16]float32
	for l := range x {
		x[l] = (acc[0][l] + acc[2][l]) + (acc[1][l] + acc[3][l])
	}
	return Reduce16(&x)
}
