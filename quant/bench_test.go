package quant

import (
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/odbench/odbench/gguf"
)

// Benchmarks of the drivers on weights larger than the last-level cache:
//
//	go test -run '^$' -bench 'MatVec|MatMul' -benchtime 3x ./quant/
//
// Shapes are rows×cols: 4096×4096 (an attention projection of an 8B model)
// and 14336×4096 (its feed-forward up/gate projection: 14336 rows of 4096).
// Each runs on one thread and on all cores (GOMAXPROCS), with the kernels
// this CPU picks and with the pure-Go generic ones. MatVec reports the
// weight bytes streamed per second (MB/s from SetBytes, and GB/s); MatMul
// multiplies by a 512-row activation batch (a 512-token prefill) and reports
// GFLOP/s counted as 2·rows·cols·n. BenchmarkReadBandwidth is the ceiling
// of MatVec measured the same way at the same moment: a plain Go loop that
// reads a buffer of the Q8_0 14336×4096 weight's size on the same pool.
// BenchmarkKernel times the kernels the drivers run alone
// on one 4096-element row that stays in L1 (one activation row, and four
// for the four-row kernels of MatMul), in GOP/s (2 per multiply-add); a
// set's prepared kernels take the rows prepared once, outside the timing.

var benchTypes = []gguf.Type{gguf.TypeQ4_0, gguf.TypeQ4_K, gguf.TypeQ6_K, gguf.TypeQ8_0}

var benchShapes = []struct{ rows, cols int }{{4096, 4096}, {14336, 4096}}

// benchWeights caches one random weight matrix per type and shape.
var benchWeights = map[string][]byte{}

func benchWeight(t gguf.Type, rows, cols int) []byte {
	key := fmt.Sprint(t, rows, cols)
	if w, ok := benchWeights[key]; ok {
		return w
	}
	rng := rand.New(rand.NewPCG(uint64(t), uint64(rows)))
	w := randomBlocks(rng, t, rows*cols/t.BlockSize())
	benchWeights[key] = w
	return w
}

// benchCases runs f for every type, shape, thread count and kernel set.
func benchCases(b *testing.B, f func(b *testing.B, p *Pool, t gguf.Type, rows, cols int)) {
	sets := kernelSets()
	for _, t := range benchTypes {
		for _, sh := range benchShapes {
			for _, threads := range []int{1, runtime.GOMAXPROCS(0)} {
				for _, set := range sets {
					name := fmt.Sprintf("%v/%dx%d/threads=%d/kernel=%s", t, sh.rows, sh.cols, threads, set.name)
					b.Run(name, func(b *testing.B) {
						saved := active
						active = set
						defer func() { active = saved }()
						p := NewPool(threads)
						defer p.Close()
						f(b, p, t, sh.rows, sh.cols)
					})
				}
			}
		}
	}
}

func BenchmarkMatVec(b *testing.B) {
	benchCases(b, func(b *testing.B, p *Pool, t gguf.Type, rows, cols int) {
		w := benchWeight(t, rows, cols)
		x := floatRow(rand.New(rand.NewPCG(1, 1)), "normal", cols)
		y := make([]float32, rows)
		var s Scratch
		b.SetBytes(int64(len(w)))
		b.ResetTimer()
		for b.Loop() {
			MatVec(p, t, w, rows, cols, x, y, &s)
		}
		b.ReportMetric(float64(len(w))*float64(b.N)/b.Elapsed().Seconds()/1e9, "GB/s")
	})
}

func BenchmarkMatMul(b *testing.B) {
	const n = 512
	benchCases(b, func(b *testing.B, p *Pool, t gguf.Type, rows, cols int) {
		w := benchWeight(t, rows, cols)
		x := floatRow(rand.New(rand.NewPCG(1, 1)), "normal", n*cols)
		y := make([]float32, n*rows)
		var s Scratch
		b.ResetTimer()
		for b.Loop() {
			MatMul(p, t, w, rows, cols, x, n, y, &s)
		}
		b.ReportMetric(2*float64(rows)*float64(cols)*n*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
	})
}

func BenchmarkKernel(b *testing.B) {
	const n = 4096
	sets := kernelSets()
	for _, t := range append(benchTypes, gguf.TypeQ5_K, gguf.TypeF16) {
		rng := rand.New(rand.NewPCG(2, 2))
		var w []byte
		if t.Quantized() {
			w = randomBlocks(rng, t, n/t.BlockSize())
		} else {
			w = quantizeRow(b, t, floatRow(rng, "normal", n))
		}
		ab, _ := gguf.RowBytes(VecDotType(t), n)
		a := make([]byte, 4*ab)
		for i := range 4 {
			copy(a[i*int(ab):], quantizeRow(b, VecDotType(t), floatRow(rng, "normal", n)))
		}
		y := make([]float32, 4)
		var scales []float32
		if VecDotType(t) == gguf.TypeQ8_0 {
			scales = make([]float32, 4*n/q80Elems)
			actScales4(a, int(ab), n/q80Elems, scales)
		}
		for _, set := range sets {
			var s Scratch
			k, k4, p, stride := set.kernels(t, a, 4, 1, int(ab), n, &s)
			b.Run(fmt.Sprintf("%v/rows=1/kernel=%s", t, set.name), func(b *testing.B) {
				for b.Loop() {
					y[0] = k(w, p, n)
				}
				b.ReportMetric(2*n*float64(b.N)/b.Elapsed().Seconds()/1e9, "GOP/s")
			})
			b.Run(fmt.Sprintf("%v/rows=4/kernel=%s", t, set.name), func(b *testing.B) {
				for b.Loop() {
					k4(w, p, stride, n, scales, y, 1)
				}
				b.ReportMetric(4*2*n*float64(b.N)/b.Elapsed().Seconds()/1e9, "GOP/s")
			})
		}
	}
}

// readJob sums the 64-bit words of b, 4 KiB per item.
type readJob struct {
	b   []byte
	sum atomic.Uint64
}

func (j *readJob) do(lo, hi int) {
	var s0, s1, s2, s3 uint64
	b := j.b[lo*4096 : hi*4096]
	for len(b) >= 64 {
		c := b[:64:64]
		s0 += binary.LittleEndian.Uint64(c[0:]) + binary.LittleEndian.Uint64(c[32:])
		s1 += binary.LittleEndian.Uint64(c[8:]) + binary.LittleEndian.Uint64(c[40:])
		s2 += binary.LittleEndian.Uint64(c[16:]) + binary.LittleEndian.Uint64(c[48:])
		s3 += binary.LittleEndian.Uint64(c[24:]) + binary.LittleEndian.Uint64(c[56:])
		b = b[64:]
	}
	j.sum.Add(s0 + s1 + s2 + s3)
}

func BenchmarkReadBandwidth(b *testing.B) {
	w := benchWeight(gguf.TypeQ8_0, 14336, 4096)
	for _, threads := range []int{1, runtime.GOMAXPROCS(0)} {
		b.Run(fmt.Sprintf("threads=%d", threads), func(b *testing.B) {
			p := NewPool(threads)
			defer p.Close()
			j := &readJob{b: w}
			b.SetBytes(int64(len(w) / 4096 * 4096))
			for b.Loop() {
				p.parallel(len(w)/4096, 16, j)
			}
			b.ReportMetric(float64(len(w)/4096*4096)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GB/s")
		})
	}
}
