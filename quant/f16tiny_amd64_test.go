package quant

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/odbench/odbench/gguf"
	"golang.org/x/sys/cpu"
)

// randomF16Row returns n f16 values of w-like magnitude (normal) or, with
// wide, spread over six decades.
func randomF16Row(rng *rand.Rand, n int, wide bool) []byte {
	b := make([]byte, 2*n)
	for k := range n {
		v := rng.NormFloat64()
		if wide {
			v *= math.Pow(10, float64(rng.IntN(6)-3))
		}
		storeF16(b[2*k:], float32(v))
	}
	return b
}

// TestF16TinyMatchesGeneric holds the AVX-512 kernels of tinyBLAS's F16
// order to dotF16TinyGeneric bit for bit, one-row and four-row (the
// activation rows with a gap between them, the outputs strided), for every
// length up to 40 steps.
func TestF16TinyMatchesGeneric(t *testing.T) {
	if !cpu.X86.HasAVX512F || !cpu.X86.HasAVX512BW || !cpu.X86.HasAVX512VL || !cpu.X86.HasAVX512VNNI {
		t.Skip("no AVX-512 VNNI on this CPU")
	}
	rng := rand.New(rand.NewPCG(31, 32))
	for steps := 0; steps <= 40; steps++ {
		n := steps * f16TinyLanes
		w := randomF16Row(rng, n, false)
		stride := 2*n + 6
		a4 := make([]byte, 4*stride)
		for i := range 4 {
			copy(a4[i*stride:], randomF16Row(rng, n, true))
		}
		const ystride = 3
		y := make([]float32, 3*ystride+1)
		dotF16TinyX4AVX512(w, a4, stride, n, nil, y, ystride)
		for i := range 4 {
			a := a4[i*stride : i*stride+2*n]
			want := dotF16TinyGeneric(w, a, n)
			if got := dotF16TinyAVX512(w, a, n); math.Float32bits(got) != math.Float32bits(want) {
				t.Errorf("n=%d row %d: one-row %v, reference %v", n, i, got, want)
			}
			if got := y[i*ystride]; math.Float32bits(got) != math.Float32bits(want) {
				t.Errorf("n=%d row %d: four-row %v, reference %v", n, i, got, want)
			}
		}
	}
}

// TestF16MatMulOrders checks that MatMul of F16 weights on the avx512vnni
// set takes the order llama.cpp's AVX-512 build takes for each shape:
// tinyBLAS's for two or more activation rows when the row length is a
// multiple of 16 and the weight rows of 4, ggml_vec_dot_f16's otherwise.
func TestF16MatMulOrders(t *testing.T) {
	var set *kernelSet
	for _, s := range archKernelSets() {
		if s.name == "avx512vnni" {
			set = &s
		}
	}
	if set == nil {
		t.Skip("no avx512vnni kernel set on this CPU")
	}
	saved := active
	defer func() { active = saved }()
	active = set.complete()
	pool := NewPool(2)
	defer pool.Close()
	var scratch Scratch
	rng := rand.New(rand.NewPCG(33, 34))
	for _, tc := range []struct {
		rows, cols, n int
		tiny          bool
	}{
		{8, 64, 2, true}, {12, 256, 7, true}, {36, 4096 / 8, 13, true},
		{8, 64, 1, false},   // one activation row: vec_dot
		{6, 64, 5, false},   // rows not a multiple of 4
		{8, 72, 5, false},   // a row length not a multiple of 16
		{16, 200, 9, false}, // both: 200 = 3 steps of 64 and 8 past them
	} {
		t.Run(fmt.Sprintf("rows=%d/cols=%d/n=%d", tc.rows, tc.cols, tc.n), func(t *testing.T) {
			w := randomF16Row(rng, tc.rows*tc.cols, false)
			x := make([]float32, tc.n*tc.cols)
			for i := range x {
				x[i] = float32(rng.NormFloat64() * math.Pow(10, float64(rng.IntN(4)-2)))
			}
			y := make([]float32, tc.n*tc.rows)
			MatMul(pool, gguf.TypeF16, w, tc.rows, tc.cols, x, tc.n, y, &scratch)
			a := make([]byte, 2*tc.cols)
			for i := range tc.n {
				quantizeActivations("test", gguf.TypeF16, x[i*tc.cols:(i+1)*tc.cols], a)
				for r := range tc.rows {
					wr := w[2*r*tc.cols : 2*(r+1)*tc.cols]
					want := dotF16GGML(wr, a, tc.cols, f16GGMLStepsGeneric)
					if tc.tiny {
						want = dotF16TinyGeneric(wr, a, tc.cols)
					}
					if got := y[i*tc.rows+r]; math.Float32bits(got) != math.Float32bits(want) {
						t.Fatalf("row %d activation %d: %v, want %v (tinyBLAS order: %v)", r, i, got, want, tc.tiny)
					}
				}
			}
		})
	}
}
