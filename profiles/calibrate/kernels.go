package calibrate

// Kernel shapes. Every kernel set computes the same results as the
// pure-Go kernels in this file, which are the fallback and the reference
// that the SIMD kernels are tested against.
const (
	// blockWords is the granule of read and triad lengths: slices passed
	// to them hold a multiple of 32 elements (256 bytes of uint64, 128
	// bytes of float32).
	blockWords = 32
	// fmaLanes is the number of float32 accumulators of the FMA kernel:
	// 12 AVX registers of 8 lanes or 24 NEON registers of 4, enough
	// independent chains to cover FMA latency × throughput.
	fmaLanes = 96
	// flopsPerFMAIter is the FP32 operations of one FMA kernel iteration
	// (a fused multiply-add counts 2).
	flopsPerFMAIter = fmaLanes * 2
	// dotLanes is the number of int32 accumulators of the int8 dot kernel:
	// 8 AVX registers of 8 lanes or 16 NEON registers of 4.
	dotLanes = 64
	// opsPerDotIter is the int8 operations of one dot kernel iteration:
	// each lane adds 4 byte products, and a multiply-add counts 2.
	opsPerDotIter = dotLanes * 4 * 2
)

// kernelSet is one implementation of the calibration kernels.
type kernelSet struct {
	// name says which code ran: "avx2+fma", "neon+dotprod", "generic".
	name string
	// read returns the XOR of all words of p; len(p) % blockWords == 0.
	read func(p []uint64) uint64
	// triad sets a[i] = b[i] + s*c[i]; len(a) % blockWords == 0 and b, c
	// are at least as long as a.
	triad func(a, b, c []float32, s float32)
	// fma adds x*y to each of the fmaLanes accumulators, iters times.
	fma func(acc *[fmaLanes]float32, x, y float32, iters int)
	// dot adds, iters times, to accumulator i the dot product of the four
	// bytes a[4*(i%4):][:4] and b[4*(i%4):][:4]. The values of a must lie in
	// 0..127 and those of b in -128..127 with |a|·|b| sums of two products
	// below 32768, so that x86's unsigned×signed products with 16-bit
	// saturation and Arm's signed×signed products agree.
	dot func(acc *[dotLanes]int32, a, b *[16]int8, iters int)
}

// generic is the pure-Go kernel set.
var generic = kernelSet{name: "generic", read: readGeneric, triad: triadGeneric, fma: fmaGeneric, dot: dotGeneric}

func readGeneric(p []uint64) uint64 {
	var x0, x1, x2, x3 uint64
	for i := 0; i+4 <= len(p); i += 4 {
		x0 ^= p[i]
		x1 ^= p[i+1]
		x2 ^= p[i+2]
		x3 ^= p[i+3]
	}
	for _, v := range p[len(p)&^3:] {
		x0 ^= v
	}
	return x0 ^ x1 ^ x2 ^ x3
}

func triadGeneric(a, b, c []float32, s float32) {
	b, c = b[:len(a)], c[:len(a)]
	for i := range a {
		a[i] = b[i] + s*c[i]
	}
}

func fmaGeneric(acc *[fmaLanes]float32, x, y float32, iters int) {
	for range iters {
		for i := range acc {
			acc[i] += x * y
		}
	}
}

func dotGeneric(acc *[dotLanes]int32, a, b *[16]int8, iters int) {
	var lane [4]int32
	for l := range lane {
		for k := range 4 {
			lane[l] += int32(a[4*l+k]) * int32(b[4*l+k])
		}
	}
	for range iters {
		for i := range acc {
			acc[i] += lane[i%4]
		}
	}
}
