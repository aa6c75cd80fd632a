package quant

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/odbench/odbench/gguf"
)

// edgeActivations returns an activation row of type at (Q8_0 or Q8_K) and
// n elements whose quants are all q (the quantizers never give −128, but
// the kernels must take it), with scales of one and consistent Q8_K sums.
func edgeActivations(at gguf.Type, n int, q int8) []byte {
	ab, _ := gguf.RowBytes(at, int64(n))
	a := make([]byte, ab)
	for b := 0; b < len(a); b += at.BlockBytes() {
		blk := a[b : b+at.BlockBytes()]
		switch at {
		case gguf.TypeQ8_0:
			binary.LittleEndian.PutUint16(blk, FP32ToFP16(1))
			for j := range qk0 {
				blk[2+j] = byte(q)
			}
		case gguf.TypeQ8_K:
			binary.LittleEndian.PutUint32(blk, math.Float32bits(1))
			for j := range qkK {
				blk[4+j] = byte(q)
			}
			for j := range qkK / 16 {
				binary.LittleEndian.PutUint16(blk[4+qkK+2*j:], uint16(16*int16(q)))
			}
		}
	}
	return a
}

// edgeWeights returns nb blocks of type t with every quant byte set to c
// and scales of one: with c = 0xff every nibble is at its largest.
func edgeWeights(t gguf.Type, nb int, c byte) []byte {
	w := make([]byte, nb*t.BlockBytes())
	for i := range w {
		w[i] = c
	}
	for blk := range nb {
		for _, off := range scaleOffsets[t] {
			binary.LittleEndian.PutUint16(w[blk*t.BlockBytes()+off:], FP32ToFP16(1))
		}
	}
	return w
}

// preparedDot prepares a and runs the prepared kernel of pk on it.
func preparedDot(pk preparedKernel, w, a []byte, n int) float32 {
	p := make([]byte, pk.bytes(n))
	pk.prepare(a, p, n)
	return pk.dot(w, p, n)
}

// TestPreparedKernelsMatchGeneric holds every prepared kernel of every
// kernel set of this CPU to VecDotGeneric, on random lengths, on random and
// adversarial rows and on rows of extreme quants that fill the SWAR lanes
// the most. The generic set's must match bit for bit where they sum the
// same integers in the same float32 order, and within rounding for Q8_0
// and Q6_K, whose references follow llama.cpp's x86 lane order; the other
// sets' sum in an order of their own, within rounding.
func TestPreparedKernelsMatchGeneric(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, set := range kernelSets() {
		for typ, pk := range set.prep {
			at := VecDotType(typ)
			exact := set.name == generic.name && typ != gguf.TypeQ8_0 && typ != gguf.TypeQ6_K
			t.Run(set.name+"/"+typ.String(), func(t *testing.T) {
				check := func(w, a []byte, n int, what string) {
					t.Helper()
					got, want := preparedDot(pk, w, a, n), VecDotGeneric(typ, w, a, n)
					if got == want || math.IsNaN(float64(got)) && math.IsNaN(float64(want)) {
						return
					}
					if exact || !(math.Abs(float64(got)-float64(want)) <= dotTolerance(t, typ, w, a, n)) {
						t.Errorf("%s: prepared %g, generic %g", what, got, want)
					}
				}
				for _, n := range testLengths(typ, rng) {
					nb := n / typ.BlockSize()
					for _, wk := range weightKinds(typ) {
						for _, ak := range rowKinds {
							w := randomBlocks(rng, typ, nb)
							if wk != "random-bytes" {
								w = quantizeRow(t, typ, floatRow(rng, wk, n))
							}
							a := quantizeRow(t, at, floatRow(rng, ak, n))
							check(w, a, n, fmt.Sprintf("n=%d weights %s activations %s", n, wk, ak))
						}
					}
					for _, c := range []byte{0x00, 0x0f, 0x80, 0xf0, 0xff, 0x7f, 0xaa} {
						for _, q := range []int8{-128, -127, 127, 1} {
							check(edgeWeights(typ, nb, c), edgeActivations(at, n, q), n, fmt.Sprintf("n=%d weight bytes %#x activations %d", n, c, q))
						}
					}
				}
			})
		}
	}
}

// TestPreparedKernelsCompleted checks that complete gives every prepared
// kernel a four-row kernel with the same results, and that override drops
// the prepared kernels of the types it gives a dot kernel.
func TestPreparedKernelsCompleted(t *testing.T) {
	if len(genericPrepared) == 0 {
		t.Fatal("the generic set has no prepared kernels")
	}
	rng := rand.New(rand.NewPCG(13, 14))
	for typ, pk := range generic.complete().prep {
		const n = 512
		stride := pk.bytes(n) + 8
		w := randomBlocks(rng, typ, n/typ.BlockSize())
		p := make([]byte, 3*stride+pk.bytes(n))
		for i := range 4 {
			pk.prepare(quantizeRow(t, VecDotType(typ), floatRow(rng, "normal", n)), p[i*stride:], n)
		}
		y := make([]float32, 7)
		pk.dot4(w, p, stride, n, nil, y, 2)
		for i := range 4 {
			if want := pk.dot(w, p[i*stride:], n); y[2*i] != want {
				t.Errorf("%v row %d: dot4 %g, dot %g", typ, i, y[2*i], want)
			}
		}
	}
	o := generic.override("o", map[gguf.Type]kernel{gguf.TypeQ4_0: generic.complete().dot[gguf.TypeQ4_0]}, nil, nil).complete()
	if _, ok := o.prep[gguf.TypeQ4_0]; ok {
		t.Error("override kept the prepared Q4_0 kernel")
	}
	if _, ok := o.prep[gguf.TypeQ8_0]; !ok {
		t.Error("override dropped the prepared Q8_0 kernel")
	}
}

// TestGenericDriversPrepared runs MatVec and MatMul with the generic set,
// whose prepared kernels they take, against the naive loop, and checks
// that steady-state calls allocate nothing.
func TestGenericDriversPrepared(t *testing.T) {
	rng := rand.New(rand.NewPCG(15, 16))
	pool := NewPool(2)
	defer pool.Close()
	saved := active
	defer func() { active = saved }()
	active = chooseKernels(true)
	var s Scratch
	for typ := range active.prep {
		for _, tc := range []struct {
			rows, nb, n int
			pool        *Pool
		}{{1, 1, 1, nil}, {37, 3, 5, pool}, {20, 2, 3, nil}} {
			cols := colsFor(typ, tc.nb)
			t.Run(fmt.Sprintf("%v/%dx%d/n=%d", typ, tc.rows, cols, tc.n), func(t *testing.T) {
				w := randomBlocks(rng, typ, tc.rows*cols/typ.BlockSize())
				rb := len(w) / tc.rows
				x := make([]float32, tc.n*cols)
				for i := range tc.n {
					copy(x[i*cols:], floatRow(rng, rowKinds[i%len(rowKinds)], cols))
				}
				y := make([]float32, tc.n*tc.rows)
				MatVec(tc.pool, typ, w, tc.rows, cols, x, y, &s)
				checkProduct(t, typ, w, rb, tc.rows, cols, x, 1, y)
				MatMul(tc.pool, typ, w, tc.rows, cols, x, tc.n, y, &s)
				checkProduct(t, typ, w, rb, tc.rows, cols, x, tc.n, y)
				if a := testing.AllocsPerRun(5, func() { MatVec(tc.pool, typ, w, tc.rows, cols, x, y, &s) }); a != 0 {
					t.Errorf("MatVec: %v allocations per call", a)
				}
				if a := testing.AllocsPerRun(5, func() { MatMul(tc.pool, typ, w, tc.rows, cols, x, tc.n, y, &s) }); a != 0 {
					t.Errorf("MatMul: %v allocations per call", a)
				}
			})
		}
	}
}
