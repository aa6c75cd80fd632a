package native

import (
	"fmt"

	"github.com/odbench/odbench/gguf"
	"github.com/odbench/odbench/quant"
)

// kernelSupports reports whether weights of type t can be multiplied.
func kernelSupports(t gguf.Type) bool { return quant.VecDotType(t) != quant.NoType }

// dequantRow converts len(dst) elements of type t to float32.
func dequantRow(t gguf.Type, src []byte, dst []float32) error {
	return quant.Dequantize(t, src, dst)
}

// rowBytes is the stored size of n elements of type t (n a whole number of blocks).
func rowBytes(t gguf.Type, n int) int {
	b, err := gguf.RowBytes(t, int64(n))
	if err != nil {
		panic(fmt.Sprintf("native: %v", err)) // shapes are checked at load
	}
	return int(b)
}

// matMuler multiplies weight matrices with activations. A batch of
// activation rows (prefill) goes to quant.MatMul on the quant package's
// pool. A single row (decode) is split into contiguous row ranges that the
// engine's pool hands out, each worker calling quant.MatVec on its range
// with its own scratch: the products queued with add before one flush run
// as one parallel region, and each worker streams long contiguous runs of
// the weights. Scratches and the task function are made once, so the
// steady state allocates nothing.
type matMuler struct {
	qpool   *quant.Pool     // prefill
	pool    *pool           // decode
	split   int             // row ranges per matrix in decode
	scratch quant.Scratch   // prefill
	worker  []quant.Scratch // decode, one per worker of pool
	parts   []mvPart        // decode products queued by add
	partFn  func(worker, task int)
}

// mvPart is rows [lo, hi) of one queued decode product y = W·x.
type mvPart struct {
	m      *matrix
	lo, hi int
	x, y   []float32
}

// maxQueued is the most matrices queued before one flush (Q, K and V);
// queuing more would grow parts and allocate.
const maxQueued = 3

func newMatMuler(qp *quant.Pool, p *pool) *matMuler {
	mm := &matMuler{qpool: qp, pool: p, split: p.workers,
		worker: make([]quant.Scratch, p.workers), parts: make([]mvPart, 0, maxQueued*p.workers)}
	mm.partFn = mm.part
	return mm
}

// part computes the rows of queued part task on worker.
func (mm *matMuler) part(worker, task int) {
	t := &mm.parts[task]
	m, rb := t.m, t.m.rowBytes()
	quant.MatVec(nil, m.Type, m.Data[t.lo*rb:t.hi*rb], t.hi-t.lo, m.Cols, t.x, t.y[t.lo:t.hi], &mm.worker[worker])
}

// add computes y[i·Rows + r] = W[r] · x[i·Cols : (i+1)·Cols] for i < n:
// at once when n > 1, at the next flush when n == 1.
func (mm *matMuler) add(m *matrix, x []float32, n int, y []float32) {
	if n > 1 {
		quant.MatMul(mm.qpool, m.Type, m.Data, m.Rows, m.Cols, x, n, y, &mm.scratch)
		return
	}
	for p := range mm.split {
		lo, hi := m.Rows*p/mm.split, m.Rows*(p+1)/mm.split
		if lo < hi {
			mm.parts = append(mm.parts, mvPart{m: m, lo: lo, hi: hi, x: x[:m.Cols], y: y[:m.Rows]})
		}
	}
}

// flush runs the queued decode products.
func (mm *matMuler) flush() {
	mm.pool.run(len(mm.parts), mm.partFn)
	clear(mm.parts)
	mm.parts = mm.parts[:0]
}

// mul computes one product, as add followed by flush.
func (mm *matMuler) mul(m *matrix, x []float32, n int, y []float32) {
	mm.add(m, x, n, y)
	mm.flush()
}
