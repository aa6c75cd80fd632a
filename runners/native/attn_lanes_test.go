package native

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestGGMLDotLanesMatchGeneric holds the dispatched lane sum (assembly on
// AVX-512 CPUs) to the Go reference bit for bit, for every length up to
// five steps of 64 and values over six decades, with poison past the end
// that a read beyond the length would pick up.
func TestGGMLDotLanesMatchGeneric(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	for n := 0; n <= 5*ggmlStep; n++ {
		for range 8 {
			a := make([]float32, n+ggmlLanes)
			b := make([]float32, n+ggmlLanes)
			for i := range n {
				a[i] = float32(rng.NormFloat64())
				b[i] = float32(rng.NormFloat64() * math.Pow(10, float64(rng.IntN(6)-3)))
			}
			for i := n; i < len(a); i++ {
				a[i], b[i] = float32(math.NaN()), 1e30
			}
			want := ggmlLanesGeneric(a[:n], b[:n])
			if got := ggmlDotLanes(a[:n], b[:n]); math.Float32bits(got) != math.Float32bits(want) {
				t.Fatalf("n=%d: %v, reference %v", n, got, want)
			}
		}
	}
}

// TestScale2MatchesLdexp checks the power-of-two scaling of expGGML against
// one rounding of the exact float64 product, including results that are
// subnormal, for every exponent expGGML can reach.
func TestScale2MatchesLdexp(t *testing.T) {
	xs := []float32{0.70710677, 0.75, 0.9999999, 1, 1.0000001, 1.2345678, 1.4142135, 1.9999999}
	for n := -192; n <= 192; n++ {
		for _, x := range xs {
			want := float32(math.Ldexp(float64(x), n))
			if got := scale2(x, n); math.Float32bits(got) != math.Float32bits(want) {
				t.Fatalf("scale2(%g, %d) = %g (%#x), want %g (%#x)", x, n, got, math.Float32bits(got), want, math.Float32bits(want))
			}
		}
	}
}
