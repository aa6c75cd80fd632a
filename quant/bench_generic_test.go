package quant

import (
	"math/rand/v2"
	"testing"

	"github.com/odbench/odbench/gguf"
)

// BenchmarkVecDotGeneric measures the pure-Go dot of one 4096-element
// weight row with a quantized activation row; MB/s counts weight bytes.
func BenchmarkVecDotGeneric(b *testing.B) {
	const n = 4096
	rng := rand.New(rand.NewPCG(7, 8))
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	for _, typ := range allTypes {
		act := VecDotType(typ)
		if act == NoType {
			continue
		}
		wb, _ := gguf.RowBytes(typ, n)
		ab, _ := gguf.RowBytes(act, n)
		w, a := make([]byte, wb), make([]byte, ab)
		if err := Quantize(typ, x, w); err != nil {
			b.Fatal(err)
		}
		if err := Quantize(act, x, a); err != nil {
			b.Fatal(err)
		}
		b.Run(typ.String(), func(b *testing.B) {
			b.SetBytes(wb)
			for b.Loop() {
				VecDotGeneric(typ, w, a, n)
			}
		})
	}
}

// BenchmarkQuantizeActivation measures the per-token activation quantizers
// on a 4096-element row; MB/s counts float32 input bytes.
func BenchmarkQuantizeActivation(b *testing.B) {
	const n = 4096
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(i%97) - 48
	}
	y := make([]byte, n/qk0*bytesQ8_1+n/qkK*bytesQ8_K)
	for name, f := range map[string]func([]float32, []byte){
		"Q8_0": QuantizeQ8_0Row, "Q8_1": QuantizeQ8_1Row, "Q8_K": QuantizeQ8_KRow,
	} {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(4 * n)
			for b.Loop() {
				f(x, y)
			}
		})
	}
}
