package synth

import (
	"bytes"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/odbench/odbench/gguf"
	"github.com/odbench/odbench/quant"
)

// TestFillDequantizes checks every synthesized type through the project's
// reference dequantizer: finite values, mean about 0 and std about weightStd
// for weights, about 1 for norms.
func TestFillDequantizes(t *testing.T) {
	types := []gguf.Type{gguf.TypeF32, gguf.TypeF16, gguf.TypeBF16, gguf.TypeQ4_0, gguf.TypeQ4_1,
		gguf.TypeQ5_0, gguf.TypeQ5_1, gguf.TypeQ8_0, gguf.TypeQ2_K, gguf.TypeQ3_K, gguf.TypeQ4_K,
		gguf.TypeQ5_K, gguf.TypeQ6_K}
	const n = 256 * 64
	for _, typ := range types {
		t.Run(typ.String(), func(t *testing.T) {
			nb, err := gguf.RowBytes(typ, n)
			if err != nil {
				t.Fatal(err)
			}
			buf := make([]byte, nb)
			rng := rand.NewChaCha8([32]byte{1})
			if err := fill(buf, typ, kindWeight, rng); err != nil {
				t.Fatal(err)
			}
			if typ == gguf.TypeQ8_0 {
				for off := 0; off < len(buf); off += 34 {
					if i := bytes.IndexByte(buf[off+2:off+34], 0x80); i >= 0 {
						t.Fatalf("block at %d holds -128 at %d", off, i)
					}
				}
			}
			vals := make([]float32, n)
			if err := quant.Dequantize(typ, buf, vals); err != nil {
				t.Fatal(err)
			}
			mean, std := stats(t, vals)
			// Q4_0, Q5_0 and Q3_K levels are asymmetric (-8..7 ...): their mean is -d/2.
			if math.Abs(mean) > 0.25*weightStd || math.Abs(std-weightStd) > 0.05*weightStd {
				t.Errorf("mean %.5f std %.5f, want about 0 and %.3f", mean, std, weightStd)
			}
		})
	}
}

func TestFillNorms(t *testing.T) {
	buf := make([]byte, 4*1024)
	if err := fill(buf, gguf.TypeF32, kindNorm, rand.NewChaCha8([32]byte{2})); err != nil {
		t.Fatal(err)
	}
	vals := make([]float32, 1024)
	if err := quant.Dequantize(gguf.TypeF32, buf, vals); err != nil {
		t.Fatal(err)
	}
	if mean, std := stats(t, vals); math.Abs(mean-1) > 0.01 || std > 0.05 {
		t.Errorf("norm mean %.4f std %.4f, want about 1 and small", mean, std)
	}
	if err := fill(make([]byte, 18), gguf.TypeQ4_0, kindNorm, rand.NewChaCha8([32]byte{})); err == nil {
		t.Error("a quantized norm was accepted")
	}
	if err := fill(make([]byte, 17), gguf.TypeQ4_0, kindWeight, rand.NewChaCha8([32]byte{})); err == nil {
		t.Error("a partial block was accepted")
	}
	if err := fill(make([]byte, 66), gguf.TypeIQ2_XXS, kindWeight, rand.NewChaCha8([32]byte{})); err == nil {
		t.Error("IQ2_XXS was accepted")
	}
}

func stats(t *testing.T, vals []float32) (mean, std float64) {
	t.Helper()
	var s, s2 float64
	for i, v := range vals {
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			t.Fatalf("value %d is %v", i, v)
		}
		s += float64(v)
		s2 += float64(v) * float64(v)
	}
	mean = s / float64(len(vals))
	return mean, math.Sqrt(s2/float64(len(vals)) - mean*mean)
}

// BenchmarkFill measures block generation, the CPU part of synth, in bytes/s:
// go test -run XX -bench Fill -benchtime 20x ./synth
func BenchmarkFill(b *testing.B) {
	for _, typ := range []gguf.Type{gguf.TypeQ4_K, gguf.TypeQ6_K, gguf.TypeQ8_0, gguf.TypeF16} {
		b.Run(typ.String(), func(b *testing.B) {
			n := int64(1 << 20) // elements
			nb, _ := gguf.RowBytes(typ, n)
			buf := make([]byte, nb)
			rng := rand.NewChaCha8([32]byte{})
			b.SetBytes(nb)
			for b.Loop() {
				if err := fill(buf, typ, kindWeight, rng); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestHasByte80(t *testing.T) {
	for _, tt := range []struct {
		w    uint64
		want bool
	}{
		{0, false}, {0x80, true}, {0x8000000000000000, true}, {0x7f81ff00, false},
		{0x0080000000000000, true}, {0x8181818181818181, false}, {0x0100000000008001, true},
	} {
		if got := hasByte80(tt.w); got != tt.want {
			t.Errorf("hasByte80(%#x) = %v, want %v", tt.w, got, tt.want)
		}
	}
	// Every single-byte position and value.
	for pos := 0; pos < 8; pos++ {
		for v := 0; v < 256; v++ {
			w := uint64(v) << (8 * pos)
			if got := hasByte80(w); got != (v == 0x80) {
				t.Fatalf("hasByte80(%#x) = %v", w, got)
			}
		}
	}
}
