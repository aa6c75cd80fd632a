package calibrate

import "golang.org/x/sys/cpu"

// native is the fastest kernel set this CPU runs: NEON is always present
// on arm64; the int8 kernel needs the dot-product extension (SDOT).
var native = kernelSet{name: "neon", read: readNEON, triad: triadNEON, fma: fmaNEON, dot: dotGeneric}

func init() {
	if cpu.ARM64.HasASIMDDP {
		native.name, native.dot = "neon+dotprod", dotNEON
	}
}

// Implemented in kernels_arm64.s; the contracts are those of kernelSet.

//go:noescape
func readNEON(p []uint64) uint64

//go:noescape
func triadNEON(a, b, c []float32, s float32)

//go:noescape
func fmaNEON(acc *[fmaLanes]float32, x, y float32, iters int)

//go:noescape
func dotNEON(acc *[dotLanes]int32, a, b *[16]int8, iters int)
