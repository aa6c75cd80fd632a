package vectorfile

import (
	"math"
	"math/rand/v2"
)

// RandomRow returns n values (n a multiple of 16) in runs of 16, each run
// with its own kind (zero, constant, one-signed uniform, near-Gaussian,
// heavy-tailed) and its own power-of-two scale between 2^-20 and 2^10,
// with an occasional outlier. Every value is made from rng's integers with
// exact or correctly rounded float operations, so the rows are the same
// on every platform and need not be stored: the digest vectors keep only
// a hash of what llama.cpp made of them.
func RandomRow(rng *rand.Rand, n int) []float32 {
	x := make([]float32, n)
	unit := func() float32 { return float32(rng.Uint32()>>8) / (1 << 24) } // [0, 1), exact
	for i := 0; i < n; i += 16 {
		s := float32(math.Ldexp(1, rng.IntN(31)-20))
		kind := rng.IntN(8)
		for j := i; j < i+16; j++ {
			// near-Gaussian: a sum of four uniforms, centred (exact in float32)
			g := (unit() + unit()) + (unit() + unit()) - 2
			var v float32
			switch kind {
			case 0:
				v = 0
			case 1:
				v = s
			case 2:
				v = -s * unit()
			case 3:
				v = s * unit()
			case 4:
				v = s * g / (0.05 + unit()) // heavy tails
			default:
				v = s * g
			}
			x[j] = v
		}
		if rng.IntN(10) == 0 {
			x[i+rng.IntN(16)] *= 100
		}
	}
	return x
}

// DigestRows returns the count rows (256 or 512 elements each) of the
// digest vectors of ggml type id t.
func DigestRows(t uint32, count int) [][]float32 {
	rng := rand.New(rand.NewPCG(uint64(t), 0x646967))
	rows := make([][]float32, count)
	for i := range rows {
		rows[i] = RandomRow(rng, 256*(1+rng.IntN(2)))
	}
	return rows
}

// DigestCount is the number of rows per type in the digest vectors.
const DigestCount = 300
