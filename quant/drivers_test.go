package quant

import (
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
// each weight row and each activation row quantized on its own.
func checkProduct(t *testing.T, typ gguf.Type, w []byte, rowBytes, rows, cols int, x []float32, n int, y []float32) {
	t.Helper()
	bad := 0
	for i := range n {
		a := quantizeRow(t, VecDotType(typ), x[i*cols:(i+1)*cols])
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

func TestMatMulMatchesNaive(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	pool := NewPool(3)
	defer pool.Close()
	var scratch Scratch
	for _, typ := range dotTypes() {
		for _, tc := range []struct {
			rows, nb, n int
			pool        *Pool
		}{{1, 1, 1, nil}, {37, 2, 9, pool}, {70, 1, 70, pool}, {33, 1, 4, nil}} {
			cols := colsFor(typ, tc.nb)
			t.Run(fmt.Sprintf("%v/%dx%d/n=%d/threads=%d", typ, tc.rows, cols, tc.n, tc.pool.Threads()), func(t *testing.T) {
				w, rb := testMatrix(t, rng, typ, tc.rows, cols)
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
