package quant

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/odbench/odbench/gguf"
)

// scaleOffsets lists, per weight type, the offsets inside one block of its
// f16 scale fields: random bytes there could be Inf or NaN, so the random
// blocks of the tests and benchmarks get finite scales written there.
var scaleOffsets = map[gguf.Type][]int{
	gguf.TypeQ4_0: {0},
	gguf.TypeQ4_1: {0, 2},
	gguf.TypeQ5_0: {0},
	gguf.TypeQ5_1: {0, 2},
	gguf.TypeQ8_0: {0},
	gguf.TypeQ2_K: {80, 82},
	gguf.TypeQ3_K: {108},
	gguf.TypeQ4_K: {0, 2},
	gguf.TypeQ5_K: {0, 2},
	gguf.TypeQ6_K: {208},
}

// randomBlocks returns nb random blocks of the quantized type t with finite
// scales of magnitude below 2^-4: every bit pattern of the codes occurs.
func randomBlocks(rng *rand.Rand, t gguf.Type, nb int) []byte {
	b := make([]byte, nb*t.BlockBytes())
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	for blk := range nb {
		for _, off := range scaleOffsets[t] {
			d := float32(rng.NormFloat64()) / 16
			binary.LittleEndian.PutUint16(b[blk*t.BlockBytes()+off:], FP32ToFP16(d))
		}
	}
	return b
}

// floatRow returns n floats of the named shape: the rows the kernels must
// handle beyond plain random data.
func floatRow(rng *rand.Rand, kind string, n int) []float32 {
	x := make([]float32, n)
	switch kind {
	case "normal":
		for i := range x {
			x[i] = float32(rng.NormFloat64())
		}
	case "zeros":
	case "outlier":
		for i := range x {
			x[i] = float32(rng.NormFloat64()) * 1e-3
		}
		x[rng.IntN(n)] = 1e4
	case "max": // every element at ± one magnitude: codes at both ends
		// (1000 keeps Q8_1's f16 block sum s = d·Σq finite)
		for i := range x {
			x[i] = 1000
			if rng.IntN(2) == 0 {
				x[i] = -1000
			}
		}
	case "tiny": // f16 subnormal scales
		for i := range x {
			x[i] = float32(rng.NormFloat64()) * 1e-6
		}
	default:
		panic("unknown row kind " + kind)
	}
	return x
}

var rowKinds = []string{"normal", "zeros", "outlier", "max", "tiny"}

// quantizeRow quantizes x to type t with the reference quantizer.
func quantizeRow(tb testing.TB, t gguf.Type, x []float32) []byte {
	tb.Helper()
	n, err := gguf.RowBytes(t, int64(len(x)))
	if err != nil {
		tb.Fatal(err)
	}
	b := make([]byte, n)
	if err := Quantize(t, x, b); err != nil {
		tb.Fatal(err)
	}
	return b
}

// dotTolerance bounds the float32 rounding difference between two
// summation orders of the dot product of w and a: a small multiple of the
// sum of the magnitudes of the terms. For the formats with a block minimum
// (two f16 fields: value = d·sc·q − dmin·m, or d·q + m) the two parts are
// summed separately, and they can be much larger than the weight they make
// up, so each counts on its own.
func dotTolerance(tb testing.TB, t gguf.Type, w, a []byte, n int) float64 {
	tb.Helper()
	af := make([]float32, n)
	if err := Dequantize(VecDotType(t), a, af); err != nil {
		tb.Fatal(err)
	}
	parts := [][]byte{w}
	if offs := scaleOffsets[t]; len(offs) == 2 {
		parts = nil
		for _, off := range offs { // zero one field: the other part remains
			p := append([]byte(nil), w...)
			for blk := 0; blk+t.BlockBytes() <= len(p); blk += t.BlockBytes() {
				binary.LittleEndian.PutUint16(p[blk+off:], 0)
			}
			parts = append(parts, p)
		}
	}
	if t == gguf.TypeQ6_K {
		// The x86 order sums the unsigned codes q+32 in float lanes and
		// subtracts 32·Σa·scale, so its rounding grows with the offset
		// too: a row of codes 0 dequantizes to that offset, −32·d·scale.
		p := append([]byte(nil), w...)
		for blk := 0; blk+t.BlockBytes() <= len(p); blk += t.BlockBytes() {
			clear(p[blk : blk+192]) // ql[128] and qh[64]
		}
		parts = append(parts, p)
	}
	var mag float64
	wf := make([]float32, n)
	for _, p := range parts {
		if err := Dequantize(t, p, wf); err != nil {
			tb.Fatal(err)
		}
		for i := range wf {
			mag += math.Abs(float64(wf[i]) * float64(af[i]))
		}
	}
	return 1e-5*mag + 1e-30
}

// checkDot fails the test when got differs from VecDotGeneric beyond the
// rounding tolerance.
func checkDot(t *testing.T, typ gguf.Type, w, a []byte, n int, got float32, what string) {
	t.Helper()
	want := VecDotGeneric(typ, w, a, n)
	if d := math.Abs(float64(got) - float64(want)); got != want && !(d <= dotTolerance(t, typ, w, a, n)) {
		t.Errorf("%s: got %g, generic %g (diff %g)", what, got, want, d)
	}
}

// testLengths returns the row lengths the kernel tests try for type t:
// whole numbers of blocks, fixed ones and three drawn from rng, and for the
// one-element "blocks" of F16, lengths on both sides of the SIMD widths.
func testLengths(t gguf.Type, rng *rand.Rand) []int {
	if t.BlockSize() == 1 {
		return []int{1, 7, 31, 32, 33, 64, 100, 257, 1000, 1 + rng.IntN(3000)}
	}
	var ns []int
	for _, nb := range []int{1, 2, 3, 5, 8, 13, 1 + rng.IntN(40), 1 + rng.IntN(40), 1 + rng.IntN(40)} {
		ns = append(ns, nb*t.BlockSize())
	}
	return ns
}

// weightKinds returns the weight rows the kernel tests try for type t:
// every row kind through the reference quantizer, and for the block
// formats random bytes too (for F16 they would be NaNs).
func weightKinds(t gguf.Type) []string {
	if t.Quantized() {
		return append(rowKinds[:len(rowKinds):len(rowKinds)], "random-bytes")
	}
	return rowKinds
}

// TestFastKernelsMatchGeneric compares every assembly kernel of this CPU
// with VecDotGeneric on random lengths and on random and adversarial rows.
func TestFastKernelsMatchGeneric(t *testing.T) {
	sets := archKernelSets()
	if len(sets) == 0 {
		t.Skip("no fast kernels on this CPU")
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for _, fast := range sets {
		for typ, k := range fast.dot {
			at := VecDotType(typ)
			t.Run(fast.name+"/"+typ.String(), func(t *testing.T) {
				for _, n := range testLengths(typ, rng) {
					nb := n / typ.BlockSize()
					for _, wk := range weightKinds(typ) {
						for _, ak := range rowKinds {
							var w []byte
							if wk == "random-bytes" {
								w = randomBlocks(rng, typ, nb)
							} else {
								w = quantizeRow(t, typ, floatRow(rng, wk, n))
							}
							a := quantizeRow(t, at, floatRow(rng, ak, n))
							checkDot(t, typ, w, a, n, k(w, a, n), fmt.Sprintf("n=%d weights %s activations %s", n, wk, ak))
						}
					}
				}
			})
		}
	}
}

// TestFastKernel4MatchGeneric checks the four-activation kernels the same
// way, with the activation rows at a stride larger than one row.
func TestFastKernel4MatchGeneric(t *testing.T) {
	sets := archKernelSets()
	if len(sets) == 0 {
		t.Skip("no four-row kernels on this CPU")
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for _, fast := range sets {
		for typ, k4 := range fast.dot4 {
			at := VecDotType(typ)
			t.Run(fast.name+"/"+typ.String(), func(t *testing.T) {
				for _, n := range testLengths(typ, rng) {
					nb := n / typ.BlockSize()
					ab, _ := gguf.RowBytes(at, int64(n))
					stride := int(ab) + at.BlockBytes()
					for _, wk := range weightKinds(typ) {
						w := randomBlocks(rng, typ, nb)
						if wk != "random-bytes" {
							w = quantizeRow(t, typ, floatRow(rng, wk, n))
						}
						a := make([]byte, 4*stride)
						for i := range 4 {
							copy(a[i*stride:], quantizeRow(t, at, floatRow(rng, rowKinds[(i+nb)%len(rowKinds)], n)))
						}
						var scales []float32
						if at == gguf.TypeQ8_0 {
							scales = make([]float32, 4*n/q80Elems)
							actScales4(a, stride, n/q80Elems, scales)
						}
						const ystride = 3
						y := make([]float32, 3*ystride+1)
						k4(w, a, stride, n, scales, y, ystride)
						for i := range 4 {
							checkDot(t, typ, w, a[i*stride:i*stride+int(ab)], n, y[i*ystride], fmt.Sprintf("n=%d weights %s activation row %d", n, wk, i))
						}
					}
				}
			})
		}
	}
}

func TestKernelName(t *testing.T) {
	t.Logf("kernels: %s", KernelName())
	if got := chooseKernels(true).name; got != "generic" {
		t.Errorf("forced generic set is named %q", got)
	}
	if KernelName() != active.name || KernelName() == "" {
		t.Errorf("KernelName() = %q, active set %q", KernelName(), active.name)
	}
	// Every type with a dot product has a kernel in both sets.
	for _, s := range []kernelSet{active, chooseKernels(true)} {
		for _, typ := range gguf.Types() {
			_, ok := s.dot[typ]
			_, ok4 := s.dot4[typ]
			if want := VecDotType(typ) != NoType; ok != want || ok4 != want {
				t.Errorf("set %s, type %v: has kernel %v/%v, want %v", s.name, typ, ok, ok4, want)
			}
		}
	}
}
