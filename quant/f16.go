package quant

import (
	"encoding/binary"
	"math"
)

// FP16ToFP32 converts an IEEE binary16 value to float32 exactly. A NaN keeps
// its payload and comes out quiet, as in ggml. It has no branches on the
// value: a normal or special half is re-biased by a multiplication by
// 2^-112, a subnormal one is built as 0.5 + mant·2^-24 and 0.5 subtracted.
func FP16ToFP32(h uint16) float32 {
	w := uint32(h) << 16
	sign := w & 0x80000000
	twoW := w + w
	normal := math.Float32frombits(twoW>>4+0x70000000) * 0x1p-112
	subnormal := math.Float32frombits(twoW>>17|0x3f000000) - 0.5
	bits := math.Float32bits(normal)
	if twoW < 1<<27 {
		bits = math.Float32bits(subnormal)
	}
	return math.Float32frombits(sign | bits)
}

// FP32ToFP16 converts f to IEEE binary16, rounding to nearest with ties to
// even; values too large become infinity and every NaN becomes the quiet NaN
// 0x7e00 with f's sign, as ggml's conversion does.
func FP32ToFP16(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	exp := int32(b>>23) & 0xff
	mant := b & 0x7fffff
	switch {
	case exp == 0xff && mant != 0:
		return sign | 0x7e00
	case exp >= 127+16: // ≥ 2^16, or infinity
		return sign | 0x7c00
	case exp > 127-15: // a normal half, or a rounding carry into the next binade
		m := roundShift(mant|0x800000, 13)             // 1024..2048 including the implicit bit
		return sign | uint16(uint32(exp-127+14)<<10+m) // a carry to 31 gives infinity
	case exp >= 127-15-11: // a subnormal half in units of 2^-24
		return sign | uint16(roundShift(mant|0x800000, uint32(126-exp)))
	default: // below half of the smallest subnormal
		return sign
	}
}

// roundShift returns m >> s rounded to nearest, ties to even (1 ≤ s < 32).
func roundShift(m, s uint32) uint32 {
	q := m >> s
	r := m & (1<<s - 1)
	half := uint32(1) << (s - 1)
	if r > half || r == half && q&1 == 1 {
		q++
	}
	return q
}

// BF16ToFP32 converts a bfloat16 value to float32 exactly.
func BF16ToFP32(h uint16) float32 { return math.Float32frombits(uint32(h) << 16) }

// FP32ToBF16 converts f to bfloat16, rounding to nearest with ties to even;
// a NaN keeps its upper payload bits and is made quiet, as ggml does.
func FP32ToBF16(f float32) uint16 {
	b := math.Float32bits(f)
	if b&0x7fffffff > 0x7f800000 {
		return uint16(b>>16) | 0x40
	}
	return uint16((b + 0x7fff + (b>>16)&1) >> 16)
}

func quantizeRowF32(x []float32, y []byte) {
	for i, v := range x {
		binary.LittleEndian.PutUint32(y[4*i:], math.Float32bits(v))
	}
}

func dequantizeRowF32(y []byte, x []float32) {
	for i := range x {
		x[i] = math.Float32frombits(binary.LittleEndian.Uint32(y[4*i:]))
	}
}

func quantizeRowF16(x []float32, y []byte) {
	for i, v := range x {
		binary.LittleEndian.PutUint16(y[2*i:], FP32ToFP16(v))
	}
}

// fp16Table maps every binary16 bit pattern to its float32 value (256 KiB,
// built at start-up in about 0.1 ms) for the row loops and block scales.
var fp16Table = func() *[1 << 16]float32 {
	var t [1 << 16]float32
	for i := range t {
		t[i] = FP16ToFP32(uint16(i))
	}
	return &t
}()

func dequantizeRowF16(y []byte, x []float32) {
	tab := fp16Table
	y = y[:2*len(x)]
	for i := range x {
		x[i] = tab[uint16(y[2*i])|uint16(y[2*i+1])<<8]
	}
}

func quantizeRowBF16(x []float32, y []byte) {
	for i, v := range x {
		binary.LittleEndian.PutUint16(y[2*i:], FP32ToBF16(v))
	}
}

func dequantizeRowBF16(y []byte, x []float32) {
	for i := range x {
		x[i] = BF16ToFP32(binary.LittleEndian.Uint16(y[2*i:]))
	}
}

// dotF32 sums float32 products in float64, like ggml's generic F32 dot.
func dotF32(w, a []byte, n int) float32 {
	var s float64
	for i := range n {
		p := math.Float32frombits(binary.LittleEndian.Uint32(w[4*i:])) * math.Float32frombits(binary.LittleEndian.Uint32(a[4*i:]))
		s += float64(p)
	}
	return float32(s)
}

// dotF16 sums the float32 products of F16 values in float64.
func dotF16(w, a []byte, n int) float32 {
	tab := fp16Table
	w, a = w[:2*n], a[:2*n]
	var s float64
	for i := 0; i < 2*n; i += 2 {
		p := tab[uint16(w[i])|uint16(w[i+1])<<8] * tab[uint16(a[i])|uint16(a[i+1])<<8]
		s += float64(p)
	}
	return float32(s)
}

// dotBF16 sums the float32 products of BF16 values in float64.
func dotBF16(w, a []byte, n int) float32 {
	var s float64
	for i := range n {
		p := BF16ToFP32(binary.LittleEndian.Uint16(w[2*i:])) * BF16ToFP32(binary.LittleEndian.Uint16(a[2*i:]))
		s += float64(p)
	}
	return float32(s)
}

// loadF16 reads the little-endian binary16 value at the start of b as float32.
func loadF16(b []byte) float32 { return fp16Table[binary.LittleEndian.Uint16(b)] }

// storeF16 writes f as a little-endian binary16 value at the start of b.
func storeF16(b []byte, f float32) { binary.LittleEndian.PutUint16(b, FP32ToFP16(f)) }

// abs32 returns |f| by clearing the sign bit, as C's fabsf does.
func abs32(f float32) float32 { return math.Float32frombits(math.Float32bits(f) &^ (1 << 31)) }

// truncInt32 converts f to int32 rounding toward zero, giving
// math.MinInt32 for NaN and for values out of range the way x86's CVTTSS2SI
// does. ggml's reference quantizers convert floats to small integers with a
// C cast, which its x86 build compiles to that instruction; the cast meets
// such values when a block's scale is so small that its inverse is
// infinite. Go leaves the result of such a conversion to the platform
// (arm64 saturates), so this keeps the bytes the same on every one.
func truncInt32(f float32) int32 { return truncInt32f64(float64(f)) }

// truncInt32f64 is truncInt32 for a float64 (x86's CVTTSD2SI).
func truncInt32f64(f float64) int32 {
	if f > -2147483649 && f < 2147483648 {
		return int32(f)
	}
	return math.MinInt32
}
