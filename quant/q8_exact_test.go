package quant

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/odbench/odbench/gguf"
)

// The Q8_0 products follow the float order of ggml's x86 kernels bit for
// bit (see dotQ8_0Q8_0): these tests hold every fast Q8_0 path to the
// generic one exactly, not within a tolerance.

// q8Case is one Q8_0 weight row and four Q8_0 activation rows of n
// elements.
type q8Case struct {
	what string
	n    int
	w    []byte
	acts [4][]byte
}

// q8Cases returns rows of 1 to 256 blocks: random-byte and
// reference-quantized weights; activations quantized from rows of every
// kind, and random bytes in −127..127 (the range ggml's quantizer gives
// and VPSIGNB needs) with random scales.
func q8Cases(t *testing.T, rng *rand.Rand) []q8Case {
	var cs []q8Case
	for _, nb := range []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 13, 16, 17, 31, 64, 67, 256} {
		n := nb * qk0
		for _, wk := range weightKinds(gguf.TypeQ8_0) {
			c := q8Case{what: fmt.Sprintf("nb=%d weights %s", nb, wk), n: n}
			if wk == "random-bytes" {
				c.w = randomBlocks(rng, gguf.TypeQ8_0, nb)
			} else {
				c.w = quantizeRow(t, gguf.TypeQ8_0, floatRow(rng, wk, n))
			}
			for i := range c.acts {
				if i == 3 {
					a := randomBlocks(rng, gguf.TypeQ8_0, nb)
					for j := range a {
						if j%bytesQ8_0 >= 2 && a[j] == 0x80 {
							a[j] = 0x81
						}
					}
					c.acts[i] = a
					continue
				}
				x := floatRow(rng, rowKinds[(i+nb)%len(rowKinds)], n)
				c.acts[i] = make([]byte, nb*bytesQ8_0)
				quantizeActivations("test", gguf.TypeQ8_0, x, c.acts[i])
			}
			cs = append(cs, c)
		}
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

// TestQ8_0MatMulEqualsMatVec checks, for every kernel set that follows
// ggml's x86 order (the amd64 ones), that MatMul's
// Q8_0 products (whatever path it takes for the batch size) equal MatVec's
// of each activation row bit for bit, and those the generic dot gives.
func TestQ8_0MatMulEqualsMatVec(t *testing.T) {
	var sets []kernelSet
	for _, s := range kernelSets() {
		if s.name != generic.name {
			sets = append(sets, s)
		}
	}
	if runtime.GOARCH != "amd64" {
		t.Skip("only the amd64 kernel sets follow ggml's x86 order")
	}
	rng := rand.New(rand.NewPCG(85, 86))
	pool := NewPool(2)
	defer pool.Close()
	var scratch Scratch
	saved := active
	defer func() { active = saved }()
	for _, set := range sets {
		active = set
		for _, tc := range []struct{ rows, nb, n int }{{5, 1, 1}, {17, 3, 4}, {33, 9, 11}, {40, 64, 8}, {70, 128, 19}} {
			t.Run(fmt.Sprintf("%s/rows=%d/nb=%d/n=%d", set.name, tc.rows, tc.nb, tc.n), func(t *testing.T) {
				cols := tc.nb * qk0
				w := randomBlocks(rng, gguf.TypeQ8_0, tc.rows*tc.nb)
				x := make([]float32, tc.n*cols)
				for i := range tc.n {
					copy(x[i*cols:], floatRow(rng, rowKinds[i%len(rowKinds)], cols))
				}
				y := make([]float32, tc.n*tc.rows)
				MatMul(pool, gguf.TypeQ8_0, w, tc.rows, cols, x, tc.n, y, &scratch)
				yv := make([]float32, tc.rows)
				a := make([]byte, tc.nb*bytesQ8_0)
				rb := tc.nb * bytesQ8_0
				for i := range tc.n {
					xi := x[i*cols : (i+1)*cols]
					MatVec(pool, gguf.TypeQ8_0, w, tc.rows, cols, xi, yv, &scratch)
					quantizeActivations("test", gguf.TypeQ8_0, xi, a)
					for r := range tc.rows {
						got, vec := y[i*tc.rows+r], yv[r]
						want := dotQ8_0Q8_0(w[r*rb:(r+1)*rb], a, cols)
						if math.Float32bits(got) != math.Float32bits(vec) || math.Float32bits(vec) != math.Float32bits(want) {
							t.Fatalf("row %d activation %d: MatMul %g, MatVec %g, generic %g", r, i, got, vec, want)
						}
					}
				}
			})
		}
	}
}
