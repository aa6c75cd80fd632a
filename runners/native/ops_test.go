package native

import (
	"math"
	"testing"
)

// TestGeglu checks GeGLU against the GELU tanh formula: zero at or below
// −10, the identity at or above 10, and in between GELU of the input
// rounded to f16, itself rounded to f16 (within f16's half ulp of the
// float64 formula), times the up projection.
func TestGeglu(t *testing.T) {
	gelu := func(x float64) float64 {
		return 0.5 * x * (1 + math.Tanh(math.Sqrt(2/math.Pi)*x*(1+0.044715*x*x)))
	}
	for _, tc := range []struct {
		x, up float32
		want  float64 // NaN: the formula on the f16 input, within f16 rounding
	}{
		{-12, 3, 0},
		{-10, 3, 0},
		{10, 0.5, 5},
		{25, 2, 50},
		{1, 1, math.NaN()},
		{-1, 2, math.NaN()},
		{0.3337, -1.5, math.NaN()},
		{-3.21, 1, math.NaN()},
		{9.99, 1, math.NaN()},
		{0, 7, 0},
	} {
		gate := []float32{tc.x}
		geglu(gate, []float32{tc.up})
		got := float64(gate[0])
		if !math.IsNaN(tc.want) {
			if got != tc.want {
				t.Errorf("geglu(%g)·%g = %g, want %g", tc.x, tc.up, got, tc.want)
			}
			continue
		}
		x16 := float64(float32FromF16(tc.x))
		want := gelu(x16) * float64(tc.up)
		if tol := math.Abs(want)*1e-3 + 1e-7; math.Abs(got-want) > tol {
			t.Errorf("geglu(%g)·%g = %g, want %g ± %g", tc.x, tc.up, got, want, tol)
		}
	}
}

// float32FromF16 rounds x to the nearest f16 value.
func float32FromF16(x float32) float32 {
	f := float64(x)
	e := math.Floor(math.Log2(math.Abs(f)))
	ulp := math.Pow(2, e-10)
	return float32(math.RoundToEven(f/ulp) * ulp)
}

// TestGeluTableGGML checks entries of geluTable against ggml_table_gelu_f16
// as libggml-cpu (llama.cpp's x86 build, GCC) fills it, read from the
// library after ggml_cpu_init. 0xbfff is the one entry of the 65536 where
// GCC's fused multiply-add in 1 + a·x·x changes the f16 result.
func TestGeluTableGGML(t *testing.T) {
	tab := geluTable()
	for _, tc := range []struct{ x, want uint16 }{
		{0xbfff, 0xa9d3}, // -1.999: the fused entry (0xa9d2 unfused)
		{0x3c00, 0x3abb}, // 1
		{0xbc00, 0xb115}, // -1
		{0x4000, 0x3fd2}, // 2
		{0xc000, 0xa9d0}, // -2
		{0x3555, 0x32b9},
		{0xc233, 0x9963},
		{0x0001, 0x0000},
		{0x8001, 0x8000},
		{0x48ff, 0x48ff},
	} {
		if got := tab[tc.x]; got != tc.want {
			t.Errorf("geluTable[%#04x] = %#04x, want %#04x", tc.x, got, tc.want)
		}
	}
}
