package native

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestDotLanesMatchGeneric holds the dispatched lane sums of ggml's
// vec_dot_f16 and of tinyBLAS (assembly on AVX-512 CPUs) to their Go
// references bit for bit, for every length up to five steps of 64 and
// values over six decades, with poison past the end that a read beyond the
// length would pick up.
func TestDotLanesMatchGeneric(t *testing.T) {
	for _, tc := range []struct {
		name            string
		ref, dispatched func(a, b []float32) float32
	}{
		{"vec_dot_f16", ggmlLanesGeneric, ggmlDotLanes},
		{"tinyBLAS", tinyLanesGeneric, tinyDotLanes},
	} {
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
				want := tc.ref(a[:n], b[:n])
				if got := tc.dispatched(a[:n], b[:n]); math.Float32bits(got) != math.Float32bits(want) {
					t.Fatalf("%s, n=%d: %v, reference %v", tc.name, n, got, want)
				}
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

// ggmlInput returns n floats for the exponential tests: normal values over
// several scales, and some far beyond the range where ggml_v_expf
// saturates to 0 or +Inf.
func ggmlInput(rng *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	for i := range x {
		switch rng.IntN(8) {
		case 0:
			x[i] = float32(rng.NormFloat64() * 300)
		case 1:
			x[i] = float32(rng.NormFloat64() * 1e-3)
		default:
			x[i] = float32(rng.NormFloat64() * 8)
		}
	}
	return x
}

// TestGGMLExpSumMatchesGeneric holds the dispatched softmax exponentials
// and their sum (assembly on AVX-512 CPUs) to the Go reference bit for
// bit, for every length up to 100, leaving the elements past the end
// untouched.
func TestGGMLExpSumMatchesGeneric(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for n := 0; n <= 100; n++ {
		for range 6 {
			x := ggmlInput(rng, n+ggmlLanes)
			m := float32(math.Inf(-1))
			for _, v := range x[:n] {
				m = max(m, v)
			}
			want := append([]float32(nil), x...)
			wantSum := expSumGeneric(want[:n], m)
			gotSum := ggmlExpSum(x[:n], m)
			if gotSum != wantSum {
				t.Fatalf("n=%d: sum %v, reference %v", n, gotSum, wantSum)
			}
			for i := range x {
				if math.Float32bits(x[i]) != math.Float32bits(want[i]) {
					t.Fatalf("n=%d: x[%d] = %v, reference %v", n, i, x[i], want[i])
				}
			}
		}
	}
}

// TestGGMLSiluMulMatchesGeneric holds the dispatched SwiGLU (assembly on
// AVX-512 CPUs) to the Go reference bit for bit, for every length up to
// 100, leaving the elements past the end untouched.
func TestGGMLSiluMulMatchesGeneric(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for n := 0; n <= 100; n++ {
		for range 6 {
			gate, up := ggmlInput(rng, n+ggmlLanes), ggmlInput(rng, n+ggmlLanes)
			want := append([]float32(nil), gate...)
			siluMulGeneric(want[:n], up[:n])
			ggmlSiluMul(gate[:n], up[:n])
			for i := range gate {
				if math.Float32bits(gate[i]) != math.Float32bits(want[i]) {
					t.Fatalf("n=%d: gate[%d] = %v, reference %v", n, i, gate[i], want[i])
				}
			}
		}
	}
}
