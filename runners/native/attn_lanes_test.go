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
