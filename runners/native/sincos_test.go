package native

import (
	"math"
	"testing"
)

// TestSincosfGlibc checks sincosf against values glibc 2.36's sinf and cosf
// return on x86-64 with FMA, one case per branch (direct polynomial, fast
// reduction, integer reduction, each with both signs), all chosen where the
// float64 functions rounded to float32 differ from glibc in at least one
// result. The same check over 10⁶ floats spread over the whole range
// (x = k·4099 and its negative) found no difference.
func TestSincosfGlibc(t *testing.T) {
	for _, tc := range []struct{ x, sin, cos uint32 }{
		{0x3ca9fdbe, 0x3ca9fa9f, 0x3f7ff1e4}, // 0.020750877
		{0xbca9fdbe, 0xbca9fa9f, 0x3f7ff1e4}, // -0.020750877
		{0x3f374825, 0x3f280545, 0x3f41252f}, // 0.7159446
		{0x3f81f623, 0x3f5982c2, 0x3f07000f}, // 1.015324
		{0xbf81f623, 0xbf5982c2, 0x3f07000f}, // -1.015324
		{0x42f03ab1, 0x3f2b805b, 0x3f3e0fae}, // 120.11463
		{0xc2f03ab1, 0xbf2b805b, 0x3f3e0fae}, // -120.11463
		{0x42f98c70, 0xbf46d600, 0x3f213efa}, // 124.77429
	} {
		x := math.Float32frombits(tc.x)
		s, c := sincosf(x)
		if math.Float32bits(s) != tc.sin || math.Float32bits(c) != tc.cos {
			t.Errorf("sincosf(%g) = %g, %g; want %g, %g", x, s, c, math.Float32frombits(tc.sin), math.Float32frombits(tc.cos))
		}
	}
	for _, x := range []float32{0, 1e-5, -1e-5} {
		if s, c := sincosf(x); s != x || c != 1 {
			t.Errorf("sincosf(%g) = %g, %g; want %g, 1", x, s, c, x)
		}
	}
	if s, c := sincosf(float32(math.Inf(1))); !math.IsNaN(float64(s)) || !math.IsNaN(float64(c)) {
		t.Errorf("sincosf(+Inf) = %g, %g; want NaN, NaN", s, c)
	}
}

// TestRopeTableGGML checks RoPE tables against ggml_rope_ext of
// libggml-cpu (neox, 256 dimensions, base 10000, ext_factor 0), which
// rotated a row of ones and zeros so that its output is the table: the
// cos and sin of frequency i at position p.
func TestRopeTableGGML(t *testing.T) {
	cs := make([]float32, 256)
	for _, tc := range []struct {
		pos, i   int
		cos, sin uint32
	}{
		{1, 10, 0x3f623dd5, 0x3eef96e1},  // sin one ulp off before sincosf
		{1, 25, 0x3f7c80b9, 0x3e28ae50},  // sin likewise
		{2, 5, 0x3e326c4f, 0x3f7c157f},   // cos likewise
		{127, 0, 0x3e6def8b, 0x3f78fe49}, // angle 127: the integer reduction
	} {
		ropeTable(cs, tc.pos, 256, 10000, 1, 1, nil)
		if c, s := math.Float32bits(cs[2*tc.i]), math.Float32bits(cs[2*tc.i+1]); c != tc.cos || s != tc.sin {
			t.Errorf("pos %d frequency %d: cos, sin = %#08x, %#08x; want %#08x, %#08x", tc.pos, tc.i, c, s, tc.cos, tc.sin)
		}
	}
}
