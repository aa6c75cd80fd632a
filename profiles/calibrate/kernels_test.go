package calibrate

import (
	"math/rand/v2"
	"testing"
)

// TestArchSetsMatchGeneric checks every SIMD kernel set this CPU runs
// against the pure-Go reference on random inputs.
func TestArchSetsMatchGeneric(t *testing.T) {
	sets := archSets()
	if len(sets) == 0 {
		t.Skip("no SIMD kernels on this CPU: the generic kernels are the reference")
	}
	if native.name != sets[len(sets)-1].name {
		t.Errorf("native kernels %q, want the fastest set, %q", native.name, sets[len(sets)-1].name)
	}
	for _, k := range sets {
		t.Run(k.name, func(t *testing.T) { testMatchesGeneric(t, k) })
	}
}

// testMatchesGeneric checks the kernels of k against those of generic.
func testMatchesGeneric(t *testing.T, k kernelSet) {
	rng := rand.New(rand.NewPCG(1, 2))
	t.Run("read", func(t *testing.T) {
		for _, n := range []int{0, blockWords, 7 * blockWords, 1024 * blockWords} {
			p := make([]uint64, n)
			for i := range p {
				p[i] = rng.Uint64()
			}
			if got, want := k.read(p), generic.read(p); got != want {
				t.Errorf("len %d: read = %#x, want %#x", n, got, want)
			}
		}
	})
	t.Run("triad", func(t *testing.T) {
		for _, n := range []int{0, blockWords, 9 * blockWords} {
			// b and c run one block past a: the kernel must stop at len(a).
			b, c := make([]float32, n+blockWords), make([]float32, n+blockWords)
			for i := range b {
				b[i], c[i] = rng.Float32()*100-50, rng.Float32()*100-50
			}
			got, want := make([]float32, n+blockWords), make([]float32, n+blockWords)
			k.triad(got[:n], b, c, 2)
			generic.triad(want[:n], b, c, 2)
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("len %d: a[%d] = %v, want %v", n, i, got[i], want[i])
				}
			}
		}
	})
	if k.fmaLanes <= 0 || k.dotLanes <= 0 || k.dotLanes%dotGroups != 0 {
		t.Fatalf("%d FMA and %d dot accumulators: want positive counts, the dot's a multiple of %d", k.fmaLanes, k.dotLanes, dotGroups)
	}
	t.Run("fma", func(t *testing.T) {
		for _, iters := range []int{0, 1, 5, 1000} {
			got, want := make([]float32, k.fmaLanes), make([]float32, k.fmaLanes)
			for i := range got {
				got[i] = float32(i) - 40
				want[i] = got[i]
			}
			k.fma(got, 0.5, 0.25, iters)
			generic.fma(want, 0.5, 0.25, iters)
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("iters %d: acc[%d] = %v, want %v", iters, i, got[i], want[i])
				}
			}
		}
	})
	t.Run("dot", func(t *testing.T) {
		var a, b [16]int8
		for i := range a {
			a[i], b[i] = int8(rng.IntN(101)), int8(rng.IntN(201)-100)
		}
		for _, iters := range []int{0, 1, 7, 1000} {
			got, want := make([]int32, k.dotLanes), make([]int32, k.dotLanes)
			for i := range got {
				got[i] = int32(i * 1000)
				want[i] = got[i]
			}
			k.dot(got, &a, &b, iters)
			generic.dot(want, &a, &b, iters)
			for i := range got {
				if got[i] != want[i] {
					t.Fatalf("iters %d: acc[%d] = %d, want %d", iters, i, got[i], want[i])
				}
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
	acc := make([]float32, 7)
	fmaGeneric(acc, 2, 3, 4)
	if acc[0] != 24 || acc[6] != 24 {
		t.Errorf("fmaGeneric lanes = %v, %v, want 24", acc[0], acc[6])
	}
	var x, y [16]int8
	for i := range x {
		x[i], y[i] = int8(i), -1
	}
	dot := make([]int32, 2*dotGroups)
	dotGeneric(dot, &x, &y, 2)
	// lane l sums bytes 4l..4l+3: -(4l+0+4l+1+4l+2+4l+3) = -(16l+6), twice.
	for i, want := range []int32{-12, -44, -76, -108} {
		if dot[i] != want || dot[i+4] != want {
			t.Errorf("dotGeneric lane %d = %d, %d, want %d", i, dot[i], dot[i+4], want)
		}
	}
}
