package quant

// AVX-512 VNNI kernels of MatMul's packed path, in kernels512x4_amd64.s.
// The Go wrappers in dispatch512x4_amd64.go check the bounds.

// tileAVX512 computes the dot products of the 16 packed weight rows at wp
// with the 8 packed activation rows at a, over nb blocks, and stores them
// (adds them with add) to y: activation row i's to the first lanes floats
// at y[i*ystride:], for the first acts rows.
//
//go:noescape
func tileAVX512(wp, a *byte, nb int, y *float32, ystride, lanes, acts int, add bool)

// packQ4_0AVX512 packs nb blocks of rows (1 to 16) Q4_0 weight rows, the
// first at w and the next ones rowBytes further, to dst; the lanes past
// rows are zeros.
//
//go:noescape
func packQ4_0AVX512(dst, w *byte, rowBytes, nb, rows int)

// tileQ8_0AVX512 is tileAVX512 for Q8_0 weights and activations, in the
// float order of dotQ8_0Q8_0: the products of all nb blocks, carried in
// eight float lanes per output, which it adds up at the end.
//
//go:noescape
func tileQ8_0AVX512(wp, a *byte, nb int, y *float32, ystride, lanes, acts int, add bool)

// packQ8_0AVX512 packs nb blocks of rows (1 to 16) Q8_0 weight rows, the
// first at w and the next ones rowBytes further, to dst; the lanes past
// rows are quants 0 (u = 128) with scale 0.
//
//go:noescape
func packQ8_0AVX512(dst, w *byte, rowBytes, nb, rows int)

// quantActsAVX512 quantizes nb blocks of activations at x to Q8_0 as
// quantizeActivations does and writes block j's 32 quants to
// q[stride·j:], its f32 scale (rounded to f16) to s[stride·j:] and its
// biases to b[stride·j:]: with dwords, the eight −offset·Σ of the four
// quants of each dword, else one, −offset·Σq. This is one row of packed
// activation groups of stride bytes per block.
//
//go:noescape
func quantActsAVX512(q, s, b *byte, x *float32, nb, offset, stride int, dwords bool)

// dotQ8_0x4VNNI is dotQ8_0x4AVX2 with AVX512-VNNI dot products (in
// kernels_amd64.s, beside it): the same results bit for bit.
//
//go:noescape
func dotQ8_0x4VNNI(w, a *byte, astride, nb int, scales, y *float32, ystride int)
