package calibrate

// Kernel shapes. Every kernel set computes the same results as the
// pure-Go kernels in this file, which are the fallback and the reference
// that the SIMD kernels are tested against.
const (
	// blockWords is the granule of read and triad lengths: slices passed
	// to them hold a multiple of 32 elements (256 bytes of uint64, 128
	// bytes of float32).
	blockWords = 32
	// dotGroups is the number of 4-byte groups of the int8 dot kernel's
	// 16-byte inputs: accumulator i takes group i % dotGroups, so that
	// every 128-bit register lane holds the same four sums.
	dotGroups = 4
)

// kernelSet is one implementation of the calibration kernels. The FMA and
// dot kernels keep their accumulators in registers, so each set has its
// own number of them: as many independent chains (registers × lanes) as
// cover the instruction's latency × throughput on the CPUs it targets.
type kernelSet struct {
	// name says which code ran: "avx512+vnni", "avx512", "avx2+fma",
	// "neon+dotprod", "neon", "generic".
	name string
	// read returns the XOR of all words of p; len(p) % blockWords == 0.
	read func(p []uint64) uint64
	// triad sets a[i] = b[i] + s*c[i]; len(a) % blockWords == 0 and b, c
	// are at least as long as a.
	triad func(a, b, c []float32, s float32)
	// fmaLanes is the number of float32 accumulators of fma.
	fmaLanes int
	// fma adds x*y to each of the accumulators, iters times;
	// len(acc) == fmaLanes.
	fma func(acc []float32, x, y float32, iters int)
	// dotLanes is the number of int32 accumulators of dot, a multiple of
	// dotGroups.
	dotLanes int
	// dot adds, iters times, to accumulator i the dot product of the four
	// bytes a[4*(i%4):][:4] and b[4*(i%4):][:4]; len(acc) == dotLanes. The
	// values of a must lie in 0..127 and those of b in -128..127 with
	// |a|·|b| sums of two products below 32768, so that x86's
	// unsigned×signed products (with 16-bit saturation in AVX2) and Arm's
	// signed×signed products agree.
	dot func(acc []int32, a, b *[16]int8, iters int)
}

// flopsPerFMAIter is the FP32 operations of one iteration of k.fma (a
// fused multiply-add counts 2).
func (k kernelSet) flopsPerFMAIter() int { return 2 * k.fmaLanes }

// opsPerDotIter is the int8 operations of one iteration of k.dot: each
// lane adds 4 byte products, and a multiply-add counts 2.
func (k kernelSet) opsPerDotIter() int { return 4 * 2 * k.dotLanes }

// native is the fastest kernel set this CPU runs.
var native = fastest(archSets())

// fastest returns the last of sets, which archSets orders slowest first,
// or the generic set when there is none.
func fastest(sets []kernelSet) kernelSet {
	if len(sets) == 0 {
		return generic
	}
	return sets[len(sets)-1]
}

// generic is the pure-Go kernel set.
// Its accumulator counts are those of the AVX2 set; any count works.
var generic = kernelSet{name: "generic", read: readGeneric, triad: triadGeneric,
	fmaLanes: 96, fma: fmaGeneric, dotLanes: 64, dot: dotGeneric}

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

func fmaGeneric(acc []float32, x, y float32, iters int) {
	for range iters {
		for i := range acc {
			acc[i] += x * y
		}
	}
}

func dotGeneric(acc []int32, a, b *[16]int8, iters int) {
	var lane [dotGroups]int32
	for l := range lane {
		for k := range 4 {
			lane[l] += int32(a[4*l+k]) * int32(b[4*l+k])
		}
	}
	for range iters {
		for i := range acc {
			acc[i] += lane[i%dotGroups]
		}
	}
}
