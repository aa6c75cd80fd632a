package quant

// NEON+dotprod kernels in kernels_arm64.s. Each takes the addresses of the
// first weight block and the first activation block and the number of
// blocks nb (at least 1); the Go wrappers check that both rows hold nb
// blocks.

//go:noescape
func dotF16NEON(w, a *byte, nb int) float32

//go:noescape
func dotQ2_KNEON(w, a *byte, nb int) float32

//go:noescape
func dotQ3_KNEON(w, a *byte, nb int) float32

//go:noescape
func dotQ4_0NEON(w, a *byte, nb int) float32

//go:noescape
func dotQ4_1NEON(w, a *byte, nb int) float32

//go:noescape
func dotQ5_0NEON(w, a *byte, nb int) float32

//go:noescape
func dotQ5_1NEON(w, a *byte, nb int) float32

//go:noescape
func dotQ8_0NEON(w, a *byte, nb int) float32

//go:noescape
func dotQ4_KNEON(w, a *byte, nb int) float32

//go:noescape
func dotQ5_KNEON(w, a *byte, nb int) float32

//go:noescape
func dotQ6_KNEON(w, a *byte, nb int) float32

// Four-activation kernels for MatMul: the dot products of one weight row
// of nb blocks with the activation rows at a, a+astride, a+2·astride and
// a+3·astride go to y[0], y[ystride], y[2·ystride] and y[3·ystride];
// scales holds the f32 block scales of Q8_0 activations (actScales4).

//go:noescape
func dotF16x4NEON(w, a *byte, astride, nb int, scales, y *float32, ystride int)

//go:noescape
func dotQ2_Kx4NEON(w, a *byte, astride, nb int, scales, y *float32, ystride int)

//go:noescape
func dotQ3_Kx4NEON(w, a *byte, astride, nb int, scales, y *float32, ystride int)

//go:noescape
func dotQ4_0x4NEON(w, a *byte, astride, nb int, scales, y *float32, ystride int)

//go:noescape
func dotQ8_0x4NEON(w, a *byte, astride, nb int, scales, y *float32, ystride int)

//go:noescape
func dotQ4_Kx4NEON(w, a *byte, astride, nb int, scales, y *float32, ystride int)

//go:noescape
func dotQ5_Kx4NEON(w, a *byte, astride, nb int, scales, y *float32, ystride int)

//go:noescape
func dotQ6_Kx4NEON(w, a *byte, astride, nb int, scales, y *float32, ystride int)
