package calibrate

import "golang.org/x/sys/cpu"

// native is the fastest kernel set this CPU runs.
var native = generic

func init() {
	if cpu.X86.HasAVX2 && cpu.X86.HasFMA {
		native = kernelSet{name: "avx2+fma", read: readAVX2, triad: triadAVX2, fma: fmaAVX2, dot: dotAVX2}
	}
}

// Implemented in kernels_amd64.s; the contracts are those of kernelSet.

//go:noescape
func readAVX2(p []uint64) uint64

//go:noescape
func triadAVX2(a, b, c []float32, s float32)

//go:noescape
func fmaAVX2(acc *[fmaLanes]float32, x, y float32, iters int)

//go:noescape
func dotAVX2(acc *[dotLanes]int32, a, b *[16]int8, iters int)
