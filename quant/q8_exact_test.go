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
	for _, set := range archKernelSets() {
		if runtime.GOARCH == "amd64" && (set.dot[gguf.TypeQ8_0] == nil || set.dot4[gguf.TypeQ8_0] == nil) {
			t.Fatalf("%s: no Q8_0 one-row or four-row kernel", set.name)
		}
	}
	rng := rand.New(rand.NewPCG(83, 84))
	cases := q8Cases(t, rng)
	checkKernelsBitExact(t, gguf.TypeQ8_0, cases, dotQ8_0Q8_0, dotQ8_0Q8_0)
	checkTileBitExact(t, cases)
}

// checkTileBitExact holds every Q8_0 packed MatMul tile to dotQ8_0Q8_0
// bit for bit on cases: the case's weight row packed into lane 0 of a
// chunk of the whole row and its four activation rows into a group, the
// other rows of which are zeros.
func checkTileBitExact(t *testing.T, cases []exactCase) {
	for name, set := range tileKernels {
		tk, ok := set[gguf.TypeQ8_0]
		if !ok {
			continue
		}
		t.Run("tile/"+name, func(t *testing.T) {
			for _, c := range cases {
				nb := c.n / qk0
				stride := len(c.acts[0])
				a4 := make([]byte, 4*stride)
				for i, a := range c.acts {
					copy(a4[i*stride:], a)
				}
				packed := make([]byte, nb*tk.actBlock())
				packActs(packed, a4, stride, 4, nb, tk.offset, tk.biasBytes)
				wp := make([]byte, nb*weightBlock)
				tk.pack(wp, c.w, len(c.w), nb, 1)
				const ystride = 3
				y := make([]float32, 3*ystride+1)
				tk.kernel(wp, packed, nb, y, ystride, 1, 4, false)
				for i, a := range c.acts {
					if got, want := y[i*ystride], dotQ8_0Q8_0(c.w, a, c.n); math.Float32bits(got) != math.Float32bits(want) {
						t.Errorf("%s activations %d: tile %g, generic %g", c.what, i, got, want)
					}
				}
			}
		})
	}
}
