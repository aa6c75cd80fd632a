package native

import "math"

// sincosf returns the sine and cosine of x rounded to float32 as glibc's
// sincosf (and its sinf and cosf, which agree with it) computes them on
// x86-64 CPUs with FMA, whose multiply-adds GCC fuses: llama.cpp's RoPE
// takes its cos and sin from there. glibc is accurate to 0.56 ulp, not
// correctly rounded, so about one value in a hundred differs by one ulp
// from the float64 functions rounded to float32, and that ulp can flip the
// f16 rounding of a query or key. The steps: below 2⁻¹² the argument and
// 1; below π/4 (compared on the top 12 bits) the polynomials directly;
// below 120 a reduction by π/2 with one multiply-add; beyond it an exact
// integer reduction with 4/π to 192 bits. Non-finite x gives NaNs.
func sincosf(x float32) (sin, cos float32) {
	top := abstop12(x)
	switch {
	case top < abstop12(0x1p-12):
		return x, 1
	case top < abstop12(math.Pi/4):
		return sincosPoly(float64(x), 0, &sincosTable[0])
	case top < abstop12(120):
		xd := float64(x)
		n := (int32(xd*sincosHpiInv24) + 0x800000) >> 24
		r := math.FMA(-float64(n), sincosHpi, xd)
		return sincosQuadrant(r, int(n), int(n))
	case top < abstop12(float32(math.Inf(1))):
		xi := math.Float32bits(x)
		r, n := reduceLarge(xi)
		return sincosQuadrant(r, n, n+int(xi>>31))
	default:
		nan := float32(math.NaN())
		return nan, nan
	}
}

// sincosQuadrant evaluates the polynomials on r, reduced from the argument
// by n quarter turns: sine and cosine swap for odd n, and the sign of r and
// the polynomial set follow q, which is n plus one for the negative
// arguments of the integer reduction (which ignores the sign) and n
// otherwise.
func sincosQuadrant(r float64, n, q int) (sin, cos float32) {
	p := &sincosTable[0]
	if q&2 != 0 {
		p = &sincosTable[1]
	}
	return sincosPoly(r*sincosSign[q&3], n, p)
}

// abstop12 is the top 12 bits of x's encoding without the sign: glibc
// compares magnitudes on them.
func abstop12(x float32) uint32 { return math.Float32bits(x) >> 20 & 0x7ff }

// sincosCoef is one of glibc's two polynomial sets for sincosf: cosine
// c0..c4 (in x²) and sine s1..s3; the second set negates the cosine.
type sincosCoef struct{ c0, c1, c2, c3, c4, s1, s2, s3 float64 }

var sincosTable = [2]sincosCoef{
	{1, -0x1.ffffffd0c621cp-2, 0x1.55553e1068f19p-5, -0x1.6c087e89a359dp-10, 0x1.99343027bf8c3p-16,
		-0x1.555545995a603p-3, 0x1.1107605230bc4p-7, -0x1.994eb3774cf24p-13},
	{-1, 0x1.ffffffd0c621cp-2, -0x1.55553e1068f19p-5, 0x1.6c087e89a359dp-10, -0x1.99343027bf8c3p-16,
		-0x1.555545995a603p-3, 0x1.1107605230bc4p-7, -0x1.994eb3774cf24p-13},
}

// sincosSign is the sign of the reduced argument in quadrants 0..3.
var sincosSign = [4]float64{1, -1, -1, 1}

const (
	sincosHpiInv24 = 0x1.45F306DC9C883p+23 // 2/π · 2²⁴
	sincosHpi      = 0x1.921FB54442D18p0   // π/2
	sincosPi63     = 0x1.921FB54442D18p-62 // 2π · 2⁻⁶⁴
)

// sincosPoly evaluates sine and cosine on x in [−π/4, π/4] in glibc's order
// with its multiply-adds fused, and swaps them for odd quadrants n.
func sincosPoly(x float64, n int, p *sincosCoef) (sin, cos float32) {
	x2 := x * x
	x4 := x2 * x2
	x3 := x2 * x
	c2 := math.FMA(x2, p.c4, p.c3)
	s1 := math.FMA(x2, p.s3, p.s2)
	c1 := math.FMA(x2, p.c1, p.c0)
	x5 := x3 * x2
	x6 := x4 * x2
	s := math.FMA(x3, p.s1, x)
	c := math.FMA(x4, p.c2, c1)
	sin, cos = float32(math.FMA(x5, s1, s)), float32(math.FMA(x6, c2, c))
	if n&1 != 0 {
		sin, cos = cos, sin
	}
	return sin, cos
}

// invPio4 is 4/π to 192 bits, big-endian; reduceLarge reads 32-bit windows
// of it that end at each byte.
var invPio4 = [24]byte{
	0xa2, 0xf9, 0x83, 0x6e, 0x4e, 0x44, 0x15, 0x29, 0xfc, 0x27, 0x57, 0xd1,
	0xf5, 0x34, 0xdd, 0xc0, 0xdb, 0x62, 0x95, 0x99, 0x3c, 0x43, 0x90, 0x41,
}

// invPio4Word returns the 32 bits of invPio4 that end with byte i (fewer
// leading bytes for i < 3).
func invPio4Word(i int) uint32 {
	var w uint32
	for j := max(0, i-3); j <= i; j++ {
		w = w<<8 | uint32(invPio4[j])
	}
	return w
}

// reduceLarge reduces the float32 encoded by xi (magnitude ≥ 120; the sign
// is ignored) modulo π/2 with integer arithmetic, as glibc does: a 32×96-bit
// product with 4/π gives the quadrant n and the remainder in fixed point.
func reduceLarge(xi uint32) (float64, int) {
	k := int(xi>>26) & 15
	shift := (xi >> 23) & 7
	m := (xi&0xffffff | 0x800000) << shift
	r0 := uint64(m * invPio4Word(k))
	r1 := uint64(m) * uint64(invPio4Word(k+4))
	r2 := uint64(m) * uint64(invPio4Word(k+8))
	r0 = r2>>32 | r0<<32
	r0 += r1
	n := (r0 + 1<<61) >> 62
	r0 -= n << 62
	return float64(int64(r0)) * sincosPi63, int(n)
}
