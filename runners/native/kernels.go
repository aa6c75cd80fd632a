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

// matMuler multiplies weight matrices with activations on the engine's
// pool. A batch of activation rows (prefill) goes to quant.MatMul. A single
// row (decode) is quantized once per weight type at the flush and the
// matrix split into contiguous row ranges that the pool hands out, each worker calling quant.MatVecRows on its range: the
// products queued with add before one flush run as one parallel region,
// and each worker streams long contiguous runs of the weights. Scratches
// and the task function are made once, so the steady state allocates
// nothing.
type matMuler struct {
	pool    *quant.Pool
	split   int           // row ranges per matrix in decode
	scratch quant.Scratch // prefill
	parts   []mvPart      // decode products queued by add
	vecs    [maxQueued]mvVec
	nVec    int // vecs in use by the queued parts
	partFn  func(worker, task int)
}

// mvPart is rows [lo, hi) of one queued decode product y = W·x, x being
// vecs[vec].
type mvPart struct {
	m      *matrix
	lo, hi int
	vec    int
	y      []float32
}

// mvVec is one activation row of the queued products, quantized for one
// weight type at the flush.
type mvVec struct {
	x       []float32
	t       gguf.Type
	scratch quant.Scratch
	v       quant.Vec
}

// maxQueued is the most matrices queued before one flush (Q, K and V);
// queuing more would grow parts and allocate.
const maxQueued = 3

func newMatMuler(p *quant.Pool) *matMuler {
	split := p.Threads()
	mm := &matMuler{pool: p, split: split, parts: make([]mvPart, 0, maxQueued*split)}
	mm.partFn = mm.part
	return mm
}

// part computes the rows of queued part task.
func (mm *matMuler) part(_, task int) {
	t := &mm.parts[task]
	rb := t.m.rowBytes()
	quant.MatVecRows(t.m.Data[t.lo*rb:t.hi*rb], t.hi-t.lo, mm.vecs[t.vec].v, t.y[t.lo:t.hi])
}

// add computes y[i·Rows + r] = W[r] · x[i·Cols : (i+1)·Cols] for i < n:
// at once when n > 1, at the next flush when n == 1.
func (mm *matMuler) add(m *matrix, x []float32, n int, y []float32) {
	if n > 1 {
		quant.MatMul(mm.pool, m.Type, m.Data, m.Rows, m.Cols, x, n, y, &mm.scratch)
		return
	}
	x = x[:m.Cols]
	vec := 0
	for vec < mm.nVec && (mm.vecs[vec].t != m.Type || &mm.vecs[vec].x[0] != &x[0] || len(mm.vecs[vec].x) != len(x)) {
		vec++
	}
	if vec == mm.nVec {
		mm.vecs[vec].x, mm.vecs[vec].t = x, m.Type
		mm.nVec++
	}
	for p := range mm.split {
		lo, hi := m.Rows*p/mm.split, m.Rows*(p+1)/mm.split
		if lo < hi {
			mm.parts = append(mm.parts, mvPart{m: m, lo: lo, hi: hi, vec: vec, y: y[:m.Rows]})
		}
	}
}

// flush quantizes the activation rows of the queued decode products, once
// per row and weight type, and runs the products.
func (mm *matMuler) flush() {
	for i := range mm.nVec {
		v := &mm.vecs[i]
		v.v = v.scratch.Vec(v.t, v.x)
	}
	mm.pool.Run(len(mm.parts), mm.partFn)
	clear(mm.parts)
	mm.parts = mm.parts[:0]
	for i := range mm.nVec {
		mm.vecs[i].x, mm.vecs[i].v = nil, quant.Vec{}
	}
	mm.nVec = 0
}

// mul computes one product, as add followed by flush.
func (mm *matMuler) mul(m *matrix, x []float32, n int, y []float32) {
	mm.add(m, x, n, y)
	mm.flush()
}
