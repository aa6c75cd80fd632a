package calibrate

import "golang.org/x/sys/cpu"

// Accumulator counts of the amd64 kernels. FMA latency is 4 cycles with
// two FMA pipes on Zen 4/5 and on Intel cores since Skylake, so 8
// independent chains keep the pipes full; the kernels hold more, for
// margin.
const (
	fmaLanesAVX2   = 12 * 8  // 12 YMM registers of 8 float32
	dotLanesAVX2   = 8 * 8   // 8 YMM registers of 8 int32
	fmaLanesAVX512 = 16 * 16 // 16 ZMM registers of 16 float32
	dotLanesAVX512 = 16 * 16 // 16 ZMM registers of 16 int32
)

// avx2 is the AVX2+FMA set.
var avx2 = kernelSet{name: "avx2+fma", read: readAVX2, triad: triadAVX2,
	fmaLanes: fmaLanesAVX2, fma: func(acc []float32, x, y float32, iters int) {
		fmaAVX2((*[fmaLanesAVX2]float32)(acc), x, y, iters)
	},
	dotLanes: dotLanesAVX2, dot: func(acc []int32, a, b *[16]int8, iters int) {
		dotAVX2((*[dotLanesAVX2]int32)(acc), a, b, iters)
	}}

// avx512 is the AVX-512 set: ZMM read, triad and FMA, and the AVX2 int8
// dot, which avx512VNNI replaces.
var avx512 = kernelSet{name: "avx512", read: readAVX512, triad: triadAVX512,
	fmaLanes: fmaLanesAVX512, fma: func(acc []float32, x, y float32, iters int) {
		fmaAVX512((*[fmaLanesAVX512]float32)(acc), x, y, iters)
	},
	dotLanes: avx2.dotLanes, dot: avx2.dot}

// avx512VNNI is the AVX-512 set with the VPDPBUSD int8 dot.
var avx512VNNI = kernelSet{name: "avx512+vnni", read: avx512.read, triad: avx512.triad,
	fmaLanes: avx512.fmaLanes, fma: avx512.fma,
	dotLanes: dotLanesAVX512, dot: func(acc []int32, a, b *[16]int8, iters int) {
		dotVNNI512((*[dotLanesAVX512]int32)(acc), a, b, iters)
	}}

// archSets returns the SIMD kernel sets this CPU runs, slowest first: AVX2
// when it has AVX2 and FMA, then AVX-512 when it has AVX-512F/BW/VL (with
// the VNNI dot when it has AVX512-VNNI). golang.org/x/sys/cpu reports a
// feature only when the OS also saves its registers.
func archSets() []kernelSet {
	if !cpu.X86.HasAVX2 || !cpu.X86.HasFMA {
		return nil
	}
	sets := []kernelSet{avx2}
	switch {
	case !cpu.X86.HasAVX512F || !cpu.X86.HasAVX512BW || !cpu.X86.HasAVX512VL:
	case cpu.X86.HasAVX512VNNI:
		sets = append(sets, avx512VNNI)
	default:
		sets = append(sets, avx512)
	}
	return sets
}

// Implemented in kernels_amd64.s and kernels512_amd64.s; the contracts
// are those of kernelSet.

//go:noescape
func readAVX2(p []uint64) uint64

//go:noescape
func triadAVX2(a, b, c []float32, s float32)

//go:noescape
func fmaAVX2(acc *[fmaLanesAVX2]float32, x, y float32, iters int)

//go:noescape
func dotAVX2(acc *[dotLanesAVX2]int32, a, b *[16]int8, iters int)

//go:noescape
func readAVX512(p []uint64) uint64

//go:noescape
func triadAVX512(a, b, c []float32, s float32)

//go:noescape
func fmaAVX512(acc *[fmaLanesAVX512]float32, x, y float32, iters int)

//go:noescape
func dotVNNI512(acc *[dotLanesAVX512]int32, a, b *[16]int8, iters int)
