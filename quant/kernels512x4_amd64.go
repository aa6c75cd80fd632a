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

// tileMinsAVX512 is tileAVX512 for weights with block minimums (Q4_K),
// whose quants need no offset: it ignores the biases.
//
//go:noescape
func tileMinsAVX512(wp, a *byte, nb int, y *float32, ystride, lanes, acts int, add bool)

// packQ4_0AVX512 packs nb blocks of rows (1 to 16) Q4_0 weight rows, the
// first at w and the next ones rowBytes further, to dst; the lanes past
// rows are zeros.
//
//go:noescape
func packQ4_0AVX512(dst, w *byte, rowBytes, nb, rows int)

// packQ8_0AVX512 packs Q8_0 weight rows as packQ4_0AVX512 does Q4_0 ones.
//
//go:noescape
func packQ8_0AVX512(dst, w *byte, rowBytes, nb, rows int)

// tileQ6_KAVX512 is tileAVX512 for Q6_K, whose blocks of 32 have two
// sub-block scales.
//
//go:noescape
func tileQ6_KAVX512(wp, a *byte, nb int, y *float32, ystride, lanes, acts int, add bool)

// packQ6_KAVX512 packs the quants of nb super-blocks of Q6_K weight rows
// as packQ4_KAVX512 does Q4_K ones.
//
//go:noescape
func packQ6_KAVX512(dst, w *byte, rowBytes, nb, rows int)

// packQ4_KAVX512 packs the quants of nb super-blocks of Q4_K weight rows
// (8·nb packed blocks) as packQ4_0AVX512 does; the scales and minimums are
// the caller's.
//
//go:noescape
func packQ4_KAVX512(dst, w *byte, rowBytes, nb, rows int)

// quantActsAVX512 quantizes nb blocks of activations at x to Q8_0 as
// quantizeActivations does and writes block b's 32 quants to q[384b:], its
// f32 scale (rounded to f16) to s[384b:], its bias −offset·Σq to
// s[384b+32:] and zero to s[384b+64:]: one row of packed activation groups.
//
//go:noescape
func quantActsAVX512(q, s *byte, x *float32, nb int, offset int)

// quantActsQ8_KAVX512 quantizes nsb super-blocks of activations at x to
// Q8_K as QuantizeQ8_KRow does and writes them as 8·nsb packed blocks:
// block k's 32 quants to q[384k:], its f32 scale to s[384k:], the biases
// −offset·Σq of its two halves to s[384k+32:] and s[384k+96:] and −d·Σq to
// s[384k+64:].
//
//go:noescape
func quantActsQ8_KAVX512(q, s *byte, x *float32, nsb, offset int)
