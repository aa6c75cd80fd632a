package quant

import (
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/odbench/odbench/gguf"
)

// The Q4_K products follow the float order of llama.cpp's repacked Q4_K
// weights bit for bit (see q4KAcc): these tests hold every fast Q4_K path
// to the generic one exactly, not within a tolerance.

// q4KWant returns the Q4_K·Q8_K dot product of n elements computed from
// its definition: the integer sums over the unpacked codes, scales and
// mins (the mins against the Q8_K bsums, as llama.cpp takes them) of every
// run of elems elements (256: llama.cpp's gemv, 64: its gemm), each fed to
// q4KAcc's two accumulators.
func q4KWant(w, a []byte, n, elems int) float32 {
	var acc, accMin float32
	for i := range n / qkK {
		b := w[i*bytesQ4_K : (i+1)*bytesQ4_K]
		ab := (*[bytesQ8_K]byte)(a[i*bytesQ8_K:])
		q := unpackQ4K(b[16:])
		ad := q8KScale(ab[:])
		for r := 0; r < qkK; r += elems {
			var isum, msum int32
			for e := r; e < r+elems; e++ {
				sc, _ := scaleMinK4(e/32, b[4:16])
				isum += int32(sc) * int32(q[e]) * int32(int8(ab[4+e]))
			}
			for k := r / 16; k < (r+elems)/16; k++ {
				_, m := scaleMinK4(k/2, b[4:16])
				msum += int32(m) * q8KBsum(ab[:], k)
			}
			acc = fma32(float32(isum), loadF16(b[0:])*ad, acc)
			accMin = fma32(float32(msum), loadF16(b[2:])*ad, accMin)
		}
	}
	return acc - accMin
}

// TestQ4_KGenericOrder checks dotQ4_KQ8_K, the prepared generic kernel and
// dotQ4_KQ8_KGemm against q4KWant bit for bit.
func TestQ4_KGenericOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(71, 72))
	pk := genericPrepared[gguf.TypeQ4_K]
	for _, c := range exactCases(t, rng, gguf.TypeQ4_K, kBlockCounts) {
		for i, a := range c.acts {
			want := q4KWant(c.w, a, c.n, qkK)
			if got := dotQ4_KQ8_K(c.w, a, c.n); math.Float32bits(got) != math.Float32bits(want) {
				t.Errorf("%s activations %d: dotQ4_KQ8_K %g, want %g", c.what, i, got, want)
			}
			if got, want := dotQ4_KQ8_KGemm(c.w, a, c.n), q4KWant(c.w, a, c.n, 64); math.Float32bits(got) != math.Float32bits(want) {
				t.Errorf("%s activations %d: dotQ4_KQ8_KGemm %g, want %g", c.what, i, got, want)
			}
			p := make([]byte, pk.bytes(c.n))
			pk.prepare(a, p, c.n)
			if got := pk.dot(c.w, p, c.n); math.Float32bits(got) != math.Float32bits(want) {
				t.Errorf("%s activations %d: prepared %g, want %g", c.what, i, got, want)
			}
		}
	}
}

// TestQ4_KKernelsBitExact holds every Q4_K one-row kernel of this CPU to
// dotQ4_KQ8_K and every four-row kernel to dotQ4_KQ8_KGemm bit for bit.
// Only the x86 kernels follow those orders; the others are held to a
// tolerance by TestFastKernelsMatchGeneric.
func TestQ4_KKernelsBitExact(t *testing.T) {
	rng := rand.New(rand.NewPCG(73, 74))
	checkKernelsBitExact(t, gguf.TypeQ4_K, exactCases(t, rng, gguf.TypeQ4_K, kBlockCounts), dotQ4_KQ8_K, dotQ4_KQ8_KGemm)
}

// TestQ4_KMatMulOrder checks, for every x86 kernel set, that MatMul's Q4_K
// products follow llama.cpp's matrix product bit for bit: the activation
// rows in groups of four in its gemm order (dotQ4_KQ8_KGemm), the last n%4
// in its gemv order, equal to MatVec's and to dotQ4_KQ8_K.
func TestQ4_KMatMulOrder(t *testing.T) {
	sets := archKernelSets()
	if len(sets) == 0 || runtime.GOARCH != "amd64" {
		t.Skip("no x86 kernels on this CPU")
	}
	rng := rand.New(rand.NewPCG(75, 76))
	pool := NewPool(2)
	defer pool.Close()
	var scratch Scratch
	saved := active
	defer func() { active = saved }()
	for _, set := range sets {
		active = set
		for _, tc := range []struct{ rows, nb, n int }{{5, 1, 1}, {17, 3, 4}, {33, 9, 11}, {40, 16, 8}, {9, 2, 70}} {
			t.Run(fmt.Sprintf("%s/rows=%d/nb=%d/n=%d", set.name, tc.rows, tc.nb, tc.n), func(t *testing.T) {
				cols := tc.nb * qkK
				w := randomBlocks(rng, gguf.TypeQ4_K, tc.rows*tc.nb)
				x := make([]float32, tc.n*cols)
				for i := range tc.n {
					copy(x[i*cols:], floatRow(rng, rowKinds[i%len(rowKinds)], cols))
				}
				y := make([]float32, tc.n*tc.rows)
				MatMul(pool, gguf.TypeQ4_K, w, tc.rows, cols, x, tc.n, y, &scratch)
				yv := make([]float32, tc.rows)
				a := make([]byte, tc.nb*bytesQ8_K)
				rb := tc.nb * bytesQ4_K
				for i := range tc.n {
					xi := x[i*cols : (i+1)*cols]
					MatVec(pool, gguf.TypeQ4_K, w, tc.rows, cols, xi, yv, &scratch)
					quantizeActivations("test", gguf.TypeQ8_K, xi, a)
					for r := range tc.rows {
						got, vec := y[i*tc.rows+r], yv[r]
						want := dotQ4_KQ8_K(w[r*rb:(r+1)*rb], a, cols)
						if math.Float32bits(vec) != math.Float32bits(want) {
							t.Fatalf("row %d activation %d: MatVec %g, generic %g", r, i, vec, want)
						}
						if i < tc.n-tc.n%4 {
							want = dotQ4_KQ8_KGemm(w[r*rb:(r+1)*rb], a, cols)
						}
						if math.Float32bits(got) != math.Float32bits(want) {
							t.Fatalf("row %d activation %d of %d: MatMul %g, generic %g", r, i, tc.n, got, want)
						}
					}
				}
			})
		}
	}
}

// TestQ4_KPackers holds the weight packer of every packed Q4_K path to
// q4KPack byte for byte, for every number of rows of a tile, with random
// bytes for weights (every scale, min and nibble pattern) and a gap
// between the rows.
func TestQ4_KPackers(t *testing.T) {
	rng := rand.New(rand.NewPCG(77, 78))
	const nsb = 3
	rowBytes := nsb*bytesQ4_K + 8
	w := make([]byte, tileLanes*rowBytes)
	for i := range w {
		w[i] = byte(rng.Uint32())
	}
	for name, path := range q4KTiles {
		for rows := 1; rows <= tileLanes; rows++ {
			want := make([]byte, nsb*q4KBlock)
			q4KPack(want, w, rowBytes, nsb, rows)
			got := make([]byte, nsb*q4KBlock)
			for i := range got {
				got[i] = 0xa5 // the packer must clear the lanes past rows
			}
			path.pack(got, w, rowBytes, nsb, rows)
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("%s rows=%d: byte %d (super-block %d, offset %d) is %#x, want %#x", name, rows, i, i/q4KBlock, i%q4KBlock, got[i], want[i])
				}
			}
		}
	}
}
