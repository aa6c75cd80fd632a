package quant

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/odbench/odbench/gguf"
	"golang.org/x/sys/cpu"
)

// TestF16GGMLStepsMatchGeneric holds the AVX-512 F16 kernel to the Go
// reference of ggml_vec_dot_f16's order bit for bit, for every length up
// to five steps of 64 (whole steps in assembly, the rest in float64), on
// values over six decades, and checks that it is the avx512vnni set's F16
// kernel.
func TestF16GGMLStepsMatchGeneric(t *testing.T) {
	if !cpu.X86.HasAVX512F || !cpu.X86.HasAVX512BW || !cpu.X86.HasAVX512VL || !cpu.X86.HasAVX512VNNI {
		t.Skip("no AVX-512 VNNI on this CPU")
	}
	rng := rand.New(rand.NewPCG(21, 22))
	for n := 0; n <= 5*f16GGMLStep+3; n++ {
		for range 4 {
			w, a := make([]byte, 2*n), make([]byte, 2*n)
			for k := range n {
				storeF16(w[2*k:], float32(rng.NormFloat64()))
				storeF16(a[2*k:], float32(rng.NormFloat64()*math.Pow(10, float64(rng.IntN(6)-3))))
			}
			want := dotF16GGML(w, a, n, f16GGMLStepsGeneric)
			if got := dotF16AVX512(w, a, n); math.Float32bits(got) != math.Float32bits(want) {
				t.Fatalf("n=%d: %v, reference %v", n, got, want)
			}
		}
	}
	for _, s := range archKernelSets() {
		if s.name == "avx512vnni" {
			w, a := make([]byte, 256), make([]byte, 256)
			for k := range 128 {
				storeF16(w[2*k:], float32(k%7)-3)
				storeF16(a[2*k:], float32(k%5)-2)
			}
			if got, want := s.dot[gguf.TypeF16](w, a, 128), dotF16GGML(w, a, 128, f16GGMLStepsGeneric); got != want {
				t.Errorf("avx512vnni F16 kernel %v, ggml order %v", got, want)
			}
		}
	}
}
