package quant

// AVX2+FMA+F16C kernels in kernels_amd64.s. Each takes the addresses of the
// first weight block and the first activation block and the number of
// blocks nb; the Go wrappers below check that both rows hold nb blocks.

//go:noescape
func dotF16AVX2(w, a *byte, nb int) float32

//go:noescape
func dotQ4_0AVX2(w, a *byte, nb int) float32

//go:noescape
func dotQ4_1AVX2(w, a *byte, nb int) float32

//go:noescape
func dotQ5_0AVX2(w, a *byte, nb int) float32

//go:noescape
func dotQ5_1AVX2(w, a *byte, nb int) float32

//go:noescape
func dotQ8_0AVX2(w, a *byte, nb int) float32

//go:noescape
func dotQ2_KAVX2(w, a *byte, nb int) float32

//go:noescape
func dotQ3_KAVX2(w, a *byte, nb int) float32

//go:noescape
func dotQ4_KAVX2(w, a *byte, nb int) float32

//go:noescape
func dotQ5_KAVX2(w, a *byte, nb int) float32

//go:noescape
func dotQ6_KAVX2(w, a *byte, nb int) float32

// Four-activation kernels for MatMul: the dot products of one weight row
// of nb blocks with the activation rows at a, a+astride, a+2·astride and
// a+3·astride go to y[0], y[ystride], y[2·ystride] and y[3·ystride];
// scales holds the f32 block scales of Q8_0 activations (actScales4).

//go:noescape
func dotF16x4AVX2(w, a *byte, astride, nb int, scales, y *float32, ystride int)

//go:noescape
func dotQ4_0x4AVX2(w, a *byte, astride, nb int, scales, y *float32, ystride int)

//go:noescape
func dotQ8_0x4AVX2(w, a *byte, astride, nb int, scales, y *float32, ystride int)

//go:noescape
func dotQ2_Kx4AVX2(w, a *byte, astride, nb int, scales, y *float32, ystride int)

//go:noescape
func dotQ3_Kx4AVX2(w, a *byte, astride, nb int, scales, y *float32, ystride int)

//go:noescape
func dotQ4_Kx4AVX2(w, a *byte, astride, nb int, scales, y *float32, ystride int)

//go:noescape
func dotQ5_Kx4AVX2(w, a *byte, astride, nb int, scales, y *float32, ystride int)

//go:noescape
func dotQ6_Kx4AVX2(w, a *byte, astride, nb int, scales, y *float32, ystride int)
