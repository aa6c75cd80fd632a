package quant

// NEON+dotprod kernels in kernels_arm64.s. Each takes the addresses of the
// first weight block and the first activation block and the number of
// blocks nb (at least 1); the Go wrappers check that both rows hold nb
// blocks.

//go:noescape
func dotQ4_0NEON(w, a *byte, nb int) float32

//go:noescape
func dotQ8_0NEON(w, a *byte, nb int) float32

//go:noescape
func dotQ4_KNEON(w, a *byte, nb int) float32

//go:noescape
func dotQ6_KNEON(w, a *byte, nb int) float32
