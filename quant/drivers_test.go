package quant

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/odbench/odbench/gguf"
)

// dotTypes returns every weight type that has a dot product.
func dotTypes() []gguf.Type {
	var ts []gguf.Type
	for _, t := range gguf.Types() {
		if VecDotType(t) != NoType {
			ts = append(ts, t)
		}
	}
	return ts
}

// testMatrix returns a rows×cols weight of type typ made by the reference
// quantizer from normal floats, and its row size in bytes.
func testMatrix(tb testing.TB, rng *rand.Rand, typ gguf.Type, rows, cols int) ([]byte, int) {
	tb.Helper()
	return quantizeRow(tb, typ, floatRow(rng, "normal", rows*cols)), len(quantizeRow(tb, typ, make([]float32, cols)))
}

// checkProduct compares y (n×rows) with a naive loop of VecDotGeneric over
// each weight row and each activation row quantized on its own by
// quantizeActivations, the drivers' quantizer.
func checkProduct(t *testing.T, typ gguf.Type, w []byte, rowBytes, rows, cols int, x []float32, n int, y []float32) {
	t.Helper()
	bad := 0
	for i := range n {
		at := VecDotType(typ)
		ab, _ := gguf.RowBytes(at, int64(cols))
		a := make([]byte, ab)
		quantizeActivations("checkProduct", at, x[i*cols:(i+1)*cols], a)
		for r := range rows {
			wr := w[r*rowBytes : (r+1)*rowBytes]
			want := VecDotGeneric(typ, wr, a, cols)
			got := y[i*rows+r]
			if d := math.Abs(float64(got) - float64(want)); got != want && !(d <= dotTolerance(t, typ, wr, a, cols)) {
				if bad++; bad <= 5 {
					t.Errorf("y[%d][%d] = %g, naive %g", i, r, got, want)
				}
			}
		}
	}
}

// colsFor returns a row length of nb blocks of typ, at least 64 elements.
func colsFor(typ gguf.Type, nb int) int {
	return max(nb*typ.BlockSize(), 64)
}

func TestMatVecMatchesNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	pool := NewPool(3)
	defer pool.Close()
	for _, typ := range dotTypes() {
		for _, tc := range []struct {
			rows, nb int
			pool     *Pool
		}{{1, 1, nil}, {37, 3, pool}, {70, 2, NewPool(1)}, {5, 1, pool}} {
			cols := colsFor(typ, tc.nb)
			t.Run(fmt.Sprintf("%v/%dx%d/threads=%d", typ, tc.rows, cols, tc.pool.Threads()), func(t *testing.T) {
				w, rb := testMatrix(t, rng, typ, tc.rows, cols)
				x := floatRow(rng, "normal", cols)
				y := make([]float32, tc.rows)
				MatVec(tc.pool, typ, w, tc.rows, cols, x, y, nil)
				checkProduct(t, typ, w, rb, tc.rows, cols, x, 1, y)
			})
		}
	}
}

// TestMatMulMatchesNaive runs MatMul with every kernel set of this CPU on
// weights from the reference quantizer and on random blocks, with shapes
// that leave partial tiles, groups and chunks.
func TestMatMulMatchesNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	pool := NewPool(3)
	defer pool.Close()
	var scratch Scratch
	saved := active
	defer func() { active = saved }()
	for _, set := range kernelSets() {
		active = set
		for _, typ := range dotTypes() {
			for _, tc := range []struct {
				rows, nb, n int
				pool        *Pool
				random      bool
			}{{1, 1, 1, nil, false}, {37, 2, 9, pool, false}, {70, 1, 70, pool, true}, {33, 1, 4, nil, false}, {17, 0, 23, pool, true}} {
				cols := colsFor(typ, tc.nb)
				if tc.nb == 0 { // past one chunk of the packed path
					cols = 9 * 256
				}
				t.Run(fmt.Sprintf("%s/%v/%dx%d/n=%d/threads=%d/random=%v", set.name, typ, tc.rows, cols, tc.n, tc.pool.Threads(), tc.random), func(t *testing.T) {
					w, rb := testMatrix(t, rng, typ, tc.rows, cols)
					if tc.random && typ.Quantized() {
						w = randomBlocks(rng, typ, tc.rows*cols/typ.BlockSize())
					}
					x := make([]float32, tc.n*cols)
					for i := range tc.n {
						copy(x[i*cols:], floatRow(rng, rowKinds[i%len(rowKinds)], cols))
					}
					y := make([]float32, tc.n*tc.rows)
					MatMul(tc.pool, typ, w, tc.rows, cols, x, tc.n, y, &scratch)
					checkProduct(t, typ, w, rb, tc.rows, cols, x, tc.n, y)
				})
			}
		}
	}
}

// TestDriversAllocateNothing checks that steady-state calls with a reused
// Scratch allocate nothing, on the pool and on the caller alone.
func TestDriversAllocateNothing(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	const rows, cols, n = 64, 512, 8
	pool := NewPool(2)
	defer pool.Close()
	for _, typ := range []gguf.Type{gguf.TypeQ4_0, gguf.TypeQ4_K, gguf.TypeF16} {
		w, _ := testMatrix(t, rng, typ, rows, cols)
		x := floatRow(rng, "normal", n*cols)
		y := make([]float32, n*rows)
		var s Scratch
		for _, p := range []*Pool{nil, pool} {
			if a := testing.AllocsPerRun(5, func() { MatVec(p, typ, w, rows, cols, x, y, &s) }); a != 0 {
				t.Errorf("%v: MatVec with %d threads: %v allocations per call", typ, p.Threads(), a)
			}
			if a := testing.AllocsPerRun(5, func() { MatMul(p, typ, w, rows, cols, x, n, y, &s) }); a != 0 {
				t.Errorf("%v: MatMul with %d threads: %v allocations per call", typ, p.Threads(), a)
			}
		}
	}
}

// TestPoolSharedAndClosed runs products from several goroutines on one pool,
// then on the closed pool, and checks every result.
func TestPoolSharedAndClosed(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	const rows, cols = 100, 256
	typ := gguf.TypeQ8_0
	w, rb := testMatrix(t, rng, typ, rows, cols)
	pool := NewPool(4)
	if pool.Threads() != 4 {
		t.Fatalf("Threads() = %d, want 4", pool.Threads())
	}
	var wg sync.WaitGroup
	xs := make([][]float32, 4)
	ys := make([][]float32, 4)
	for g := range xs {
		xs[g] = floatRow(rng, "normal", cols)
		ys[g] = make([]float32, rows)
		wg.Go(func() {
			var s Scratch
			for range 20 {
				MatVec(pool, typ, w, rows, cols, xs[g], ys[g], &s)
			}
		})
	}
	wg.Wait()
	for g := range xs {
		checkProduct(t, typ, w, rb, rows, cols, xs[g], 1, ys[g])
	}
	pool.Close()
	if pool.Threads() != 1 {
		t.Errorf("closed pool: Threads() = %d, want 1", pool.Threads())
	}
	clear(ys[0])
	MatVec(pool, typ, w, rows, cols, xs[0], ys[0], nil)
	checkProduct(t, typ, w, rb, rows, cols, xs[0], 1, ys[0])
}

func TestDriversPanicOnBadShapes(t *testing.T) {
	w := make([]byte, 2*18)
	x := make([]float32, 64)
	y := make([]float32, 2)
	for name, call := range map[string]func(){
		"short weight":      func() { MatVec(nil, gguf.TypeQ4_0, w, 3, 32, x, y, nil) },
		"partial block":     func() { MatVec(nil, gguf.TypeQ4_0, w, 1, 48, x, y, nil) },
		"short output":      func() { MatMul(nil, gguf.TypeQ4_0, w, 2, 32, x, 2, y, nil) },
		"no dot product":    func() { MatVec(nil, gguf.TypeQ8_K, w, 1, 32, x, y, nil) },
		"short activations": func() { MatMul(nil, gguf.TypeQ4_0, w, 1, 32, x, 3, make([]float32, 3), nil) },
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", name)
				}
			}()
			call()
		}()
	}
}

// TestPackedActivations checks each kernel set's tiled.quantize byte for
// byte against its reference, quantizeActivations and packActs (every
// packed path takes Q8_0 activations), on every row kind and on NaNs.
func TestPackedActivations(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	const cols = 2 * 256
	nb := cols / q80Elems
	for name, set := range tileKernels {
		for typ, tk := range set {
			for i, kind := range append(rowKinds[:len(rowKinds):len(rowKinds)], "nan", "nan-last") {
				var x []float32
				switch kind {
				case "nan":
					x = floatRow(rng, "normal", cols)
					x[40] = float32(math.NaN())
				case "nan-last":
					x = floatRow(rng, "normal", cols)
					x[q80Elems-1] = float32(math.NaN())
				default:
					x = floatRow(rng, kind, cols)
				}
				row := i % groupActs
				ab, bb := tk.actBlock(), tk.biasBytes
				ref := make([]byte, nb*ab)
				if VecDotType(typ) != gguf.TypeQ8_0 {
					t.Fatalf("%s/%v: no reference for %v activations", name, typ, VecDotType(typ))
				}
				a := make([]byte, (row+1)*nb*q80Bytes) // the rows before row: zeros
				quantizeActivations("test", gguf.TypeQ8_0, x, a[row*nb*q80Bytes:])
				packActs(ref, a, nb*q80Bytes, row+1, nb, tk.offset, bb)
				got := make([]byte, nb*ab)
				tk.quantize(got, row, x, tk.offset, bb)
				fields := [][2]int{{32 * row, 32}, {actScales + 4*row, 4}, {actBiases + bb*row, bb}}
				for b := range nb {
					for _, f := range fields {
						o := b*ab + f[0]
						if g, w := got[o:o+f[1]], ref[o:o+f[1]]; string(g) != string(w) {
							t.Errorf("%s/%v/%s: block %d, bytes %d+%d: %x, want %x", name, typ, kind, b, f[0], f[1], g, w)
						}
					}
				}
			}
		}
	}
}

// packActs is the reference of tiled.quantize for Q8_0 activations: it
// lays out rows (1 to groupActs) Q8_0 activation rows of nb blocks, the
// first at a and the next ones astride bytes further, as one packed group
// in dst (nb·actBlockBytes(biasBytes) bytes). Per block: the 32 quants of
// row i at 32i, its f32 scale at actScales+4i and its biases, which take
// back what the weights' offset adds, at actBiases+biasBytes·i: one,
// −offset·Σa (biasBytes 4), or one per dword, −offset·Σ of its four quants
// (biasBytes 32). Rows past rows are zeros.
func packActs(dst, a []byte, astride, rows, nb int, offset int32, biasBytes int) {
	ab := actBlockBytes(biasBytes)
	span := 32 * 4 / biasBytes // quants per bias: 32 or 4
	for b := range nb {
		blk := dst[b*ab : (b+1)*ab]
		for i := range groupActs {
			q := blk[32*i : 32*i+32]
			var scale float32
			if i < rows {
				src := a[i*astride+b*q80Bytes : i*astride+(b+1)*q80Bytes]
				scale = FP16ToFP32(binary.LittleEndian.Uint16(src))
				copy(q, src[2:])
			} else {
				clear(q)
			}
			binary.LittleEndian.PutUint32(blk[actScales+4*i:], math.Float32bits(scale))
			for k := range biasBytes / 4 {
				var sum int32
				for _, v := range q[span*k : span*(k+1)] {
					sum += int32(int8(v))
				}
				binary.LittleEndian.PutUint32(blk[actBiases+biasBytes*i+4*k:], uint32(-offset*sum))
			}
		}
	}
}

// BenchmarkTileKernel times the kernels of MatMul's packed path alone on
// one packed chunk of 16 weight rows (chunkBlocks blocks, in L1) and one
// packed group of 8 activation rows, in GOP/s (2 per multiply-add).
func BenchmarkTileKernel(b *testing.B) {
	const cols = chunkBlocks * 32
	rng := rand.New(rand.NewPCG(2, 2))
	for name, set := range tileKernels {
		for typ, tk := range set {
			w, rb := testMatrix(b, rng, typ, tileLanes, cols)
			wp := make([]byte, chunkBlocks*weightBlock)
			tk.pack(wp, w, rb, chunkBlocks, tileLanes)
			packed := make([]byte, chunkBlocks*tk.actBlock())
			for i := range groupActs {
				tk.quantize(packed, i, floatRow(rng, "normal", cols), tk.offset, tk.biasBytes)
			}
			y := make([]float32, groupActs*tileLanes)
			b.Run(fmt.Sprintf("%v/kernel=%s", typ, name), func(b *testing.B) {
				for b.Loop() {
					tk.kernel(wp, packed, chunkBlocks, y, tileLanes, tileLanes, groupActs, false)
				}
				b.ReportMetric(2*tileLanes*groupActs*cols*float64(b.N)/b.Elapsed().Seconds()/1e9, "GOP/s")
			})
		}
	}
}
