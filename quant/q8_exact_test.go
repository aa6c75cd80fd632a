package quant

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/odbench/odbench/gguf"
)

// The Q8_0 products follow the float order of ggml's x86 kernels bit for
// bit (see dotQ8_0Q8_0): these tests hold every fast Q8_0 path to the
// generic one exactly, not within a tolerance.

// q8Cases returns the exactCases of Q8_0 rows of 1 to 256 blocks, the last
// activation row of each made of random bytes in −127..127 (the range
// ggml's quantizer gives and VPSIGNB needs) with random scales.
func q8Cases(t *testing.T, rng *rand.Rand) []exactCase {
	cs := exactCases(t, rng, gguf.TypeQ8_0, []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 16, 17, 31, 64, 67, 256})
	for _, c := range cs {
		a := randomBlocks(rng, gguf.TypeQ8_0, c.n/qk0)
		for j := range a {
			if j%bytesQ8_0 >= 2 && a[j] == 0x80 {
				a[j] = 0x81
			}
		}
		c.acts[3] = a
	}
	return cs
}

// TestQ8_0KernelsBitExact holds every Q8_0 one-row and four-row kernel of
// this CPU to dotQ8_0Q8_0 bit for bit. Only the x86 kernels follow that
// order (ggml's x86 one); the others are held to a tolerance by
// TestFastKernelsMatchGeneric.
func TestQ8_0KernelsBitExact(t *testing.T) {
	sets := archKernelSets()
	if len(sets) == 0 || runtime.GOARCH != "amd64" {
		t.Skip("no x86 kernels on this CPU")
	}
	rng := rand.New(rand.NewPCG(83, 84))
	cases := q8Cases(t, rng)
	for _, set := range sets {
		k, k4 := set.dot[gguf.TypeQ8_0], set.dot4[gguf.TypeQ8_0]
		if k == nil || k4 == nil {
			t.Fatalf("%s: no Q8_0 one-row or four-row kernel", set.name)
		}
		t.Run(set.name, func(t *testing.T) {
			for _, c := range cases {
				nb := c.n / qk0
				stride := nb*bytesQ8_0 + bytesQ8_0 // a gap between the rows
				a4 := make([]byte, 4*stride)
				for i, a := range c.acts {
					copy(a4[i*stride:], a)
				}
				scales := make([]float32, 4*nb)
				actScales4(a4, stride, nb, scales)
				const ystride = 3
				y := make([]float32, 3*ystride+1)
				k4(c.w, a4, stride, c.n, scales, y, ystride)
				for i, a := range c.acts {
					want := dotQ8_0Q8_0(c.w, a, c.n)
					if got := k(c.w, a, c.n); math.Float32bits(got) != math.Float32bits(want) {
						t.Errorf("%s activations %d: one-row kernel %g, generic %g", c.what, i, got, want)
					}
					if got := y[i*ystride]; math.Float32bits(got) != math.Float32bits(want) {
						t.Errorf("%s activations %d: four-row kernel %g, generic %g", c.what, i, got, want)
					}
				}
			}
		})
	}
}
