package calibrate

import (
	"math/rand/v2"
	"testing"
)

// TestNativeMatchesGeneric checks each SIMD kernel of this CPU against
// the pure-Go reference on random inputs.
func TestNativeMatchesGeneric(t *testing.T) {
	if native.name == generic.name {
		t.Skip("no SIMD kernels on this CPU: the generic kernels are the reference")
	}
	t.Logf("native kernels: %s", native.name)
	rng := rand.New(rand.NewPCG(1, 2))
	t.Run("read", func(t *testing.T) {
		for _, n := range []int{0, blockWords, 7 * blockWords, 1024 * blockWords} {
			p := make([]uint64, n)
			for i := range p {
				p[i] = rng.Uint64()
			}
			if got, want := native.read(p), generic.read(p); got != want {
				t.Errorf("len %d: read = %#x, want %#x", n, got, want)
			}
		}
	})
	t.Run("triad", func(t *testing.T) {
		for _, n := range []int{0, blockWords, 9 * blockWords} {
			b, c := make([]float32, n), make([]float32, n)
			for i := range b {
				b[i], c[i] = rng.Float32()*100-50, rng.Float32()*100-50
			}
			got, want := make([]float32, n), make([]float32, n)
			native.triad(got, b, c, 2)
			generic.triad(want, b, c, 2)
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("len %d: a[%d] = %v, want %v", n, i, got[i], want[i])
				}
			}
		}
	})
	t.Run("fma", func(t *testing.T) {
		for _, iters := range []int{0, 1, 5, 1000} {
			var got, want [fmaLanes]float32
			for i := range got {
				got[i] = float32(i) - 40
				want[i] = got[i]
			}
			native.fma(&got, 0.5, 0.25, iters)
			generic.fma(&want, 0.5, 0.25, iters)
			if got != want {
				t.Errorf("iters %d: acc = %v, want %v", iters, got, want)
			}
		}
	})
	t.Run("dot", func(t *testing.T) {
		var a, b [16]int8
		for i := range a {
			a[i], b[i] = int8(rng.IntN(101)), int8(rng.IntN(201)-100)
		}
		for _, iters := range []int{0, 1, 7, 1000} {
			var got, want [dotLanes]int32
			for i := range got {
				got[i] = int32(i * 1000)
				want[i] = got[i]
			}
			native.dot(&got, &a, &b, iters)
			generic.dot(&want, &a, &b, iters)
			if got != want {
				t.Errorf("iters %d: acc = %v, want %v", iters, got, want)
			}
		}
	})
}

// TestGenericKernels checks the reference kernels against values worked
// out by hand.
func TestGenericKernels(t *testing.T) {
	if got := readGeneric([]uint64{1, 2, 4, 8, 16}); got != 31 {
		t.Errorf("readGeneric = %d, want 31", got)
	}
	a := make([]float32, 2)
	triadGeneric(a, []float32{1, 2}, []float32{3, 4}, 0.5)
	if a[0] != 2.5 || a[1] != 4 {
		t.Errorf("triadGeneric = %v, want [2.5 4]", a)
	}
	var acc [fmaLanes]float32
	fmaGeneric(&acc, 2, 3, 4)
	if acc[0] != 24 || acc[fmaLanes-1] != 24 {
		t.Errorf("fmaGeneric lanes = %v, %v, want 24", acc[0], acc[fmaLanes-1])
	}
	var x, y [16]int8
	for i := range x {
		x[i], y[i] = int8(i), -1
	}
	var dot [dotLanes]int32
	dotGeneric(&dot, &x, &y, 2)
	// lane l sums bytes 4l..4l+3: -(4l+0+4l+1+4l+2+4l+3) = -(16l+6), twice.
	for i, want := range []int32{-12, -44, -76, -108} {
		if dot[i] != want || dot[i+4] != want {
			t.Errorf("dotGeneric lane %d = %d, %d, want %d", i, dot[i], dot[i+4], want)
		}
	}
}
