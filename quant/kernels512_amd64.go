package quant

// AVX-512 VNNI Q4_0 kernels (kernels512_amd64.s).

// prepPairBytes is the bytes of one pair of Q8_0 activation blocks as
// prepQ4_0AVX512 lays them out: 64 quants, 16 int32 biases and 16 f32
// scales.
const prepPairBytes = 3 * 64

// prepPairRowBytes returns the bytes of a prepared row of n elements: an
// odd last block takes a whole pair.
func prepPairRowBytes(n int) int { return (n/qk0 + 1) / 2 * prepPairBytes }

// prepareQ4_0AVX512 lays out the Q8_0 activation row a of n elements in p
// (prepPairRowBytes(n) bytes) for dotQ4_0AVX512.
func prepareQ4_0AVX512(a, p []byte, n int) {
	nb := n / qk0
	if nb == 0 {
		return
	}
	_ = a[nb*bytesQ8_0-1]
	_ = p[prepPairRowBytes(n)-1]
	prepQ4_0AVX512(&a[0], &p[0], nb)
}

// dotQ4_0PreparedAVX512 is the prepared Q4_0 kernel: the dot product of
// the weight row w of n elements with the activation row p prepared by
// prepareQ4_0AVX512, checking the bounds of both first.
func dotQ4_0PreparedAVX512(w, p []byte, n int) float32 {
	nb := n / qk0
	if nb == 0 {
		return 0
	}
	_ = w[nb*bytesQ4_0-1]
	_ = p[prepPairRowBytes(n)-1]
	return dotQ4_0AVX512(&w[0], &p[0], nb)
}

// prepQ4_0AVX512 lays out nb Q8_0 blocks at a as kernels512_amd64.s
// describes, in (nb+1)/2 pairs at p.
//
//go:noescape
func prepQ4_0AVX512(a, p *byte, nb int)

// dotQ4_0AVX512 is the dot product of nb Q4_0 blocks at w with the
// prepared activation pairs at p.
//
//go:noescape
func dotQ4_0AVX512(w, p *byte, nb int) float32
