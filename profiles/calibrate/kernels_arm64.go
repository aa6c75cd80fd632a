package calibrate

import "golang.org/x/sys/cpu"

// Accumulator counts of the arm64 kernels: enough chains for cores with
// four FMA or dot-product pipes of 4-cycle latency.
const (
	fmaLanesNEON = 24 * 4 // 24 registers of 4 float32
	dotLanesNEON = 16 * 4 // 16 registers of 4 int32
)

// neon is the NEON set, with the pure-Go int8 dot that neonDotprod
// replaces.
var neon = kernelSet{name: "neon", read: readNEON, triad: triadNEON,
	fmaLanes: fmaLanesNEON, fma: func(acc []float32, x, y float32, iters int) {
		fmaNEON((*[fmaLanesNEON]float32)(acc), x, y, iters)
	},
	dotLanes: dotLanesNEON, dot: dotGeneric}

// neonDotprod is the NEON set with the SDOT int8 dot.
var neonDotprod = kernelSet{name: "neon+dotprod", read: neon.read, triad: neon.triad,
	fmaLanes: neon.fmaLanes, fma: neon.fma,
	dotLanes: dotLanesNEON, dot: func(acc []int32, a, b *[16]int8, iters int) {
		dotNEON((*[dotLanesNEON]int32)(acc), a, b, iters)
	}}

// archSets returns the SIMD kernel set of this CPU: NEON is always present
// on arm64; the int8 kernel needs the dot-product extension (SDOT).
func archSets() []kernelSet {
	if cpu.ARM64.HasASIMDDP {
		return []kernelSet{neonDotprod}
	}
	return []kernelSet{neon}
}

// Implemented in kernels_arm64.s; the contracts are those of kernelSet.

//go:noescape
func readNEON(p []uint64) uint64

//go:noescape
func triadNEON(a, b, c []float32, s float32)

//go:noescape
func fmaNEON(acc *[fmaLanesNEON]float32, x, y float32, iters int)

//go:noescape
func dotNEON(acc *[dotLanesNEON]int32, a, b *[16]int8, iters int)
