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
