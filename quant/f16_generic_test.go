package quant

import (
	"math"
	"testing"
)

// halfValue returns the exact value of a finite binary16 from its fields.
func halfValue(h uint16) float64 {
	exp := int(h>>10) & 0x1f
	mant := float64(h & 0x3ff)
	v := math.Ldexp(mant, -24) // subnormal
	if exp != 0 {
		v = math.Ldexp(1024+mant, exp-25)
	}
	if h&0x8000 != 0 {
		v = -v
	}
	return v
}

func TestFP16ToFP32Exhaustive(t *testing.T) {
	for i := range 1 << 16 {
		h := uint16(i)
		got := FP16ToFP32(h)
		switch exp, mant := h>>10&0x1f, h&0x3ff; {
		case exp == 0x1f && mant == 0:
			if !math.IsInf(float64(got), 0) || math.Signbit(float64(got)) != (h&0x8000 != 0) {
				t.Fatalf("FP16ToFP32(%#04x) = %v, want ±Inf", h, got)
			}
		case exp == 0x1f:
			b := math.Float32bits(got)
			want := uint32(h&0x8000)<<16 | 0x7fc00000 | uint32(mant)<<13
			if b != want {
				t.Fatalf("FP16ToFP32(%#04x) = %#08x, want quiet NaN %#08x", h, b, want)
			}
		default:
			if want := halfValue(h); float64(got) != want || math.Signbit(float64(got)) != (h&0x8000 != 0) {
				t.Fatalf("FP16ToFP32(%#04x) = %g, want %g", h, got, want)
			}
		}
	}
}

// TestFP32ToFP16Rounding checks every half value, the midpoints between
// neighbouring halves (ties go to the even one) and the floats next to the
// midpoints, on both signs.
func TestFP32ToFP16Rounding(t *testing.T) {
	check := func(f float32, want uint16) {
		t.Helper()
		if got := FP32ToFP16(f); got != want {
			t.Fatalf("FP32ToFP16(%g = %#08x) = %#04x, want %#04x", f, math.Float32bits(f), got, want)
		}
	}
	for h := uint16(0); h < 0x7c00; h++ {
		for _, sign := range []uint16{0, 0x8000} {
			a := FP16ToFP32(h | sign)
			check(a, h|sign)
			next := h + 1 // 0x7c00 is infinity: the midpoint to it is the overflow boundary
			mid := float32((halfValue(h) + halfValue(next)) / 2)
			if next == 0x7c00 {
				mid = 65520
			}
			if sign != 0 {
				mid = -mid
			}
			even := h
			if h&1 == 1 {
				even = next
			}
			check(mid, even|sign)
			check(math.Nextafter32(mid, 0), h|sign)
			check(math.Nextafter32(mid, 2*mid), next|sign)
		}
	}
	check(float32(math.Inf(1)), 0x7c00)
	check(float32(math.Inf(-1)), 0xfc00)
	check(math.MaxFloat32, 0x7c00)
	check(math.SmallestNonzeroFloat32, 0)
	check(-math.SmallestNonzeroFloat32, 0x8000)
	check(math.Float32frombits(0x7fc00123), 0x7e00)
	check(math.Float32frombits(0xff800001), 0xfe00)
}

func TestBF16(t *testing.T) {
	for i := range 1 << 16 {
		h := uint16(i)
		f := BF16ToFP32(h)
		if math.Float32bits(f) != uint32(h)<<16 {
			t.Fatalf("BF16ToFP32(%#04x) = %#08x", h, math.Float32bits(f))
		}
		if f != f { // NaN: made quiet, upper payload kept
			if got, want := FP32ToBF16(f), h|0x40; got != want {
				t.Fatalf("FP32ToBF16(NaN %#08x) = %#04x, want %#04x", math.Float32bits(f), got, want)
			}
			continue
		}
		if got := FP32ToBF16(f); got != h {
			t.Fatalf("FP32ToBF16(%g) = %#04x, want %#04x", f, got, h)
		}
		if h&0x7fff >= 0x7f80 {
			continue // infinity: no upper neighbour
		}
		mid := math.Float32frombits(uint32(h)<<16 | 0x8000)
		want := h + uint16(h&1) // ties to even
		if got := FP32ToBF16(mid); got != want {
			t.Fatalf("FP32ToBF16(tie %#08x) = %#04x, want %#04x", math.Float32bits(mid), got, want)
		}
		if got := FP32ToBF16(math.Float32frombits(uint32(h)<<16 | 0x8001)); got != h+1 {
			t.Fatalf("FP32ToBF16(above tie of %#04x) = %#04x", h, got)
		}
	}
}

func TestTruncInt32(t *testing.T) {
	for _, c := range []struct {
		f    float32
		want int32
	}{
		{2.9, 2}, {-2.9, -2}, {0, 0}, {16.5, 16},
		{2147483520, 2147483520}, {-2147483648, math.MinInt32},
		{2147483648, math.MinInt32}, {float32(math.Inf(1)), math.MinInt32},
		{float32(math.Inf(-1)), math.MinInt32}, {float32(math.NaN()), math.MinInt32},
	} {
		if got := truncInt32(c.f); got != c.want {
			t.Errorf("truncInt32(%g) = %d, want %d", c.f, got, c.want)
		}
	}
}
