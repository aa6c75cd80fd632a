package quant

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/odbench/odbench/gguf"
)

// TestX86OrderMatMulEqualsMatVec checks, for the types whose products all
// follow one llama.cpp x86 order (Q8_0 and Q6_K) and every kernel set that
// follows it (the amd64 ones), that MatMul's products, whatever path it
// takes for the batch size, equal MatVec's of each activation row bit for
// bit, and those VecDotGeneric gives.
func TestX86OrderMatMulEqualsMatVec(t *testing.T) {
	if runtime.GOARCH != "amd64" {
		t.Skip("only the amd64 kernel sets follow ggml's x86 order")
	}
	var sets []kernelSet
	for _, s := range kernelSets() {
		if s.name != generic.name {
			sets = append(sets, s)
		}
	}
	rng := rand.New(rand.NewPCG(85, 86))
	pool := NewPool(2)
	defer pool.Close()
	var scratch Scratch
	saved := active
	defer func() { active = saved }()
	for _, typ := range []gguf.Type{gguf.TypeQ8_0, gguf.TypeQ6_K} {
		at := VecDotType(typ)
		for _, set := range sets {
			active = set
			for _, tc := range []struct{ rows, nb, n int }{{5, 1, 1}, {17, 3, 4}, {33, 9, 11}, {40, 16, 8}, {70, 64, 19}, {300, 70, 13}} {
				t.Run(fmt.Sprintf("%v/%s/rows=%d/nb=%d/n=%d", typ, set.name, tc.rows, tc.nb, tc.n), func(t *testing.T) {
					cols := tc.nb * typ.BlockSize()
					w := randomBlocks(rng, typ, tc.rows*tc.nb)
					x := make([]float32, tc.n*cols)
					for i := range tc.n {
						copy(x[i*cols:], floatRow(rng, rowKinds[i%len(rowKinds)], cols))
					}
					y := make([]float32, tc.n*tc.rows)
					MatMul(pool, typ, w, tc.rows, cols, x, tc.n, y, &scratch)
					yv := make([]float32, tc.rows)
					a := make([]byte, tc.nb*at.BlockBytes()*typ.BlockSize()/at.BlockSize())
					rb := tc.nb * typ.BlockBytes()
					for i := range tc.n {
						xi := x[i*cols : (i+1)*cols]
						MatVec(pool, typ, w, tc.rows, cols, xi, yv, &scratch)
						quantizeActivations("test", at, xi, a)
						for r := range tc.rows {
							got, vec := y[i*tc.rows+r], yv[r]
							want := VecDotGeneric(typ, w[r*rb:(r+1)*rb], a, cols)
							if math.Float32bits(got) != math.Float32bits(vec) || math.Float32bits(vec) != math.Float32bits(want) {
								t.Fatalf("row %d activation %d: MatMul %g, MatVec %g, generic %g", r, i, got, vec, want)
							}
						}
					}
				})
			}
		}
	}
}

// exactCase is one weight row and four activation rows of n elements.
type exactCase struct {
	what string
	n    int
	w    []byte
	acts *[4][]byte
}

// kBlockCounts are the super-block counts of the k-quant cases.
var kBlockCounts = []int{1, 2, 3, 4, 5, 7, 8, 13, 16, 17, 40}

// exactCases returns rows of typ of each block count in nbs: random-byte
// and reference-quantized weights, with activations quantized from rows of
// every kind.
func exactCases(t *testing.T, rng *rand.Rand, typ gguf.Type, nbs []int) []exactCase {
	at := VecDotType(typ)
	var cs []exactCase
	for _, nb := range nbs {
		n := nb * typ.BlockSize()
		for _, wk := range weightKinds(typ) {
			c := exactCase{what: fmt.Sprintf("nb=%d weights %s", nb, wk), n: n, acts: new([4][]byte)}
			if wk == "random-bytes" {
				c.w = randomBlocks(rng, typ, nb)
			} else {
				c.w = quantizeRow(t, typ, floatRow(rng, wk, n))
			}
			ab, _ := gguf.RowBytes(at, int64(n))
			for i := range c.acts {
				c.acts[i] = make([]byte, ab)
				quantizeActivations("test", at, floatRow(rng, rowKinds[(i+nb)%len(rowKinds)], n), c.acts[i])
			}
			cs = append(cs, c)
		}
	}
	return cs
}

// checkKernelsBitExact holds the one-row kernel of typ of every x86 kernel
// set to one and its four-row kernel to four, bit for bit, on cases (the
// four activation rows of a case laid out with a gap between them);
// kernels a set lacks are left out. Only the x86 kernels follow ggml's x86
// orders; the others are held to a tolerance by TestFastKernelsMatchGeneric.
func checkKernelsBitExact(t *testing.T, typ gguf.Type, cases []exactCase, one, four func(w, a []byte, n int) float32) {
	t.Helper()
	sets := archKernelSets()
	if len(sets) == 0 || runtime.GOARCH != "amd64" {
		t.Skip("no x86 kernels on this CPU")
	}
	at := VecDotType(typ)
	for _, set := range sets {
		k, k4 := set.dot[typ], set.dot4[typ]
		t.Run(set.name, func(t *testing.T) {
			for _, c := range cases {
				stride := len(c.acts[0]) + at.BlockBytes() // a gap between the rows
				a4 := make([]byte, 4*stride)
				for i, a := range c.acts {
					copy(a4[i*stride:], a)
				}
				var scales []float32
				if at == gguf.TypeQ8_0 {
					nb := c.n / qk0
					scales = make([]float32, 4*nb)
					actScales4(a4, stride, nb, scales)
				}
				const ystride = 3
				y := make([]float32, 3*ystride+1)
				if k4 != nil {
					k4(c.w, a4, stride, c.n, scales, y, ystride)
				}
				for i, a := range c.acts {
					if want := one(c.w, a, c.n); k != nil {
						if got := k(c.w, a, c.n); math.Float32bits(got) != math.Float32bits(want) {
							t.Errorf("%s activations %d: one-row kernel %g, generic %g", c.what, i, got, want)
						}
					}
					if want := four(c.w, a, c.n); k4 != nil {
						if got := y[i*ystride]; math.Float32bits(got) != math.Float32bits(want) {
							t.Errorf("%s activations %d: four-row kernel %g, generic %g", c.what, i, got, want)
						}
					}
				}
			}
		})
	}
}
