package quant

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"

	"github.com/odbench/odbench/gguf"
)

// The Q6_K products follow the float order of ggml's x86 kernel bit for
// bit (see dotQ6_KQ8_K): these tests hold every fast Q6_K path to the
// generic one exactly, not within a tolerance.

// TestFMA32RoundsOnce compares fma32 with a·b+c computed exactly and
// rounded once to float32, on random operands and on sums built to lie on
// or next to a float32 rounding boundary, where rounding through float64
// first would go wrong.
func TestFMA32RoundsOnce(t *testing.T) {
	rng := rand.New(rand.NewPCG(61, 62))
	type triple struct{ a, b, c float32 }
	cases := []triple{
		{1, 1, 0}, {0, 5, -0}, {3, -7, 21}, {1e-20, 1e-20, 1},
		// a·b+c = 2 + 2^-22 + 2^-23 − 2^-53, just below a float32 tie: the
		// float64 sum rounds onto the tie and float32 then rounds it up.
		{0x1p-23 + 0x1p-38, 1 - 0x1p-15, 2 + 0x1p-22},
		// The same below 2^-126, where float32 has fewer bits.
		{0x1p-150 + 0x1p-165, 1 - 0x1p-15, 0x1p-126 + 0x1p-148},
		{1e-20, 1.5e-20, 0}, {3e-39, 0.5, -1e-45},
	}
	for range 200000 {
		a := float32(rng.NormFloat64()) * float32(math.Ldexp(1, rng.IntN(20)-10))
		b := float32(rng.NormFloat64()) * float32(math.Ldexp(1, rng.IntN(20)-10))
		c := float32(rng.NormFloat64()) * float32(math.Ldexp(1, rng.IntN(40)-20))
		cases = append(cases, triple{a, b, c})
		// c near −a·b: heavy cancellation.
		cases = append(cases, triple{a, b, -float32(float64(a) * float64(b))})
		// Small integers times a float32 scale, as the kernels see them.
		cases = append(cases, triple{float32(rng.Int32N(1 << 26)), a, c})
	}
	for _, tc := range cases {
		exact := new(big.Float).SetPrec(200).SetFloat64(float64(tc.a))
		exact.Mul(exact, new(big.Float).SetFloat64(float64(tc.b)))
		exact.Add(exact, new(big.Float).SetFloat64(float64(tc.c)))
		want, _ := exact.Float32()
		if got := fma32(tc.a, tc.b, tc.c); math.Float32bits(got) != math.Float32bits(want) && !(got == 0 && want == 0) {
			t.Fatalf("fma32(%g, %g, %g) = %g, want %g", tc.a, tc.b, tc.c, got, want)
		}
	}
}

// TestQ6KLanes checks q6KLanes against its definition, element by element
// over the unpacked codes, on random blocks with activations of every row
// kind, and that the lanes add up to the block's Σ scale·(q−32)·a.
func TestQ6KLanes(t *testing.T) {
	rng := rand.New(rand.NewPCG(63, 64))
	for i := range 500 {
		w := randomBlocks(rng, gguf.TypeQ6_K, 1)
		a := quantizeRow(t, gguf.TypeQ8_K, floatRow(rng, rowKinds[i%len(rowKinds)], qkK))
		b, ab := (*[bytesQ6_K]byte)(w), (*[bytesQ8_K]byte)(a)
		q := unpackQ6K(b)
		var want [8]int32
		var dot, sum int32
		for e := range qkK {
			sc, qa := int32(int8(b[192+e/16])), int32(int8(ab[4+e]))
			want[e%32/4] += sc * (int32(q[e]) + 32) * qa
			want[e/32] -= 32 * sc * qa // lane k takes bsums 2k and 2k+1
			dot += sc * int32(q[e]) * qa
		}
		var pb [prepQ6_KBytes]byte
		prepareQ6_K(a, pb[:], qkK)
		got := q6KLanes(b, &pb)
		for _, v := range got {
			sum += v
		}
		if got != want || sum != dot {
			t.Fatalf("block %d: lanes %v (sum %d), want %v (block dot %d)", i, got, sum, want, dot)
		}
	}
}

// TestQ6_KKernelsBitExact holds every Q6_K one-row and four-row kernel of
// this CPU to dotQ6_KQ8_K bit for bit. Only the x86 kernels follow that
// order (ggml's x86 one); the others are held to a tolerance by
// TestFastKernelsMatchGeneric.
func TestQ6_KKernelsBitExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(65, 66))
	checkKernelsBitExact(t, gguf.TypeQ6_K, exactCases(t, rng, gguf.TypeQ6_K, kBlockCounts), dotQ6_KQ8_K, dotQ6_KQ8_K)
}
