package quant

import (
	"fmt"

	"github.com/odbench/odbench/gguf"
)

// Scratch holds the buffers of MatVec and MatMul between calls: the
// activations quantized to the weight type's VecDotType and the per-call
// work descriptors. Reusing one Scratch makes steady-state calls allocation
// free. A Scratch serves one call at a time; the zero value is ready to use.
type Scratch struct {
	act    []byte    // quantized activation rows, n × RowBytes(VecDotType(t), cols)
	prep   []byte    // activation rows in the active set's prepared layout, if any
	scales []float32 // f32 scales of Q8_0 activation blocks (actScales4 layout)
	mv     matVecJob
	mm     matMulJob
	q      quantizeJob
}

// actBuf returns the activation buffer grown to n bytes.
func (s *Scratch) actBuf(n int) []byte {
	if cap(s.act) < n {
		s.act = make([]byte, n)
	}
	s.act = s.act[:n]
	return s.act
}

// scaleBuf returns the activation scale buffer grown to n floats.
func (s *Scratch) scaleBuf(n int) []float32 {
	if cap(s.scales) < n {
		s.scales = make([]float32, n)
	}
	s.scales = s.scales[:n]
	return s.scales
}

// shape holds the checked sizes of one matrix product.
type shape struct {
	act      gguf.Type // activation type
	rowBytes int       // bytes of one weight row
	actBytes int       // bytes of one quantized activation row
}

// checkShape validates a product of a rows×cols weight of type t with n
// activation rows. The drivers have no error result: a mismatch is a
// programming error in the caller, so it panics with the sizes.
func checkShape(op string, t gguf.Type, w []byte, rows, cols int, x []float32, n int, y []float32) shape {
	at := VecDotType(t)
	if at == NoType {
		panic(fmt.Sprintf("quant: %s: no dot product for %v", op, t))
	}
	rb, err := gguf.RowBytes(t, int64(cols))
	if err != nil {
		panic(fmt.Sprintf("quant: %s: %v", op, err))
	}
	ab, err := gguf.RowBytes(at, int64(cols))
	if err != nil {
		panic(fmt.Sprintf("quant: %s: %v", op, err))
	}
	if rows < 0 || n < 0 || len(w) < rows*int(rb) || len(x) < n*cols || len(y) < n*rows {
		panic(fmt.Sprintf("quant: %s %v: %d×%d weight, %d activation rows: have %d weight bytes (need %d), %d inputs (need %d), %d outputs (need %d)",
			op, t, rows, cols, n, len(w), rows*int(rb), len(x), n*cols, len(y), n*rows))
	}
	return shape{act: at, rowBytes: int(rb), actBytes: int(ab)}
}

// matVecJob computes y[r] = W[r,:]·a for a range of rows.
type matVecJob struct {
	k        kernel
	w, a     []byte
	rowBytes int
	cols     int
	y        []float32
}

func (j *matVecJob) do(lo, hi int) {
	for r := lo; r < hi; r++ {
		j.y[r] = j.k(j.w[r*j.rowBytes:(r+1)*j.rowBytes], j.a, j.cols)
	}
}

// matVecSplits is how many contiguous row ranges each worker's share of a
// matrix-vector product is cut into. Each range is one long sequential read,
// which the hardware prefetchers follow; finer hand-outs interleave the
// workers' streams and cost a third of the bandwidth on a two-core VM.
// Two ranges per worker still let a worker that started late hand its
// second range to one that finished early.
const matVecSplits = 2

// matVecGrain returns the rows of one hand-out: rows split into
// matVecSplits ranges per worker, at least 16 rows.
func matVecGrain(p *Pool, rows int) int {
	parts := p.Threads() * matVecSplits
	return max((rows+parts-1)/parts, 16)
}

// MatVec computes y[r] = W[r,:]·x for r < rows, where w holds a row-major
// rows×cols weight matrix of type t (each row gguf.RowBytes(t, cols) bytes,
// as stored in a GGUF file), x holds cols floats and y receives rows floats.
// x is quantized once to VecDotType(t) in scratch (nil allocates one for
// this call) and the rows are split across the pool (nil runs on the
// calling goroutine). Shapes that do not fit the buffers panic.
func MatVec(p *Pool, t gguf.Type, w []byte, rows, cols int, x []float32, y []float32, scratch *Scratch) {
	sh := checkShape("MatVec", t, w, rows, cols, x, 1, y)
	if scratch == nil {
		scratch = new(Scratch)
	}
	v := scratch.vec(sh, t, x[:cols])
	j := &scratch.mv
	*j = matVecJob{k: v.k, w: w, a: v.a, rowBytes: sh.rowBytes, cols: cols, y: y}
	p.parallel(rows, matVecGrain(p, rows), j)
	*j = matVecJob{}
}

// Vec is an activation row quantized once for products with the rows of
// weights of one type (MatVecRows), so that callers that split a product
// into row ranges themselves quantize it once. It holds buffers of the
// Scratch that made it and is valid until that Scratch is used again.
type Vec struct {
	t        gguf.Type
	cols     int
	rowBytes int // bytes of one weight row
	k        kernel
	a        []byte
}

// Vec quantizes x, one activation row of len(x) floats, for weights of type
// t. Shapes that do not fit the type panic, as in MatVec.
func (s *Scratch) Vec(t gguf.Type, x []float32) Vec {
	sh := checkShape("Vec", t, nil, 0, len(x), x, 1, nil)
	return s.vec(sh, t, x)
}

// vec quantizes the checked activation row x into s.
func (s *Scratch) vec(sh shape, t gguf.Type, x []float32) Vec {
	a := s.actBuf(sh.actBytes)
	quantizeActivations("MatVec", sh.act, x, a)
	k, _, a, _ := active.kernels(t, a, 1, 0, sh.actBytes, len(x), s)
	return Vec{t: t, cols: len(x), rowBytes: sh.rowBytes, k: k, a: a}
}

// MatVecRows computes y[r] = W[r,:]·v for r < rows on the calling
// goroutine, where w holds rows weight rows of v's type and width, as in
// MatVec. Shapes that do not fit panic.
func MatVecRows(w []byte, rows int, v Vec, y []float32) {
	if rows < 0 || len(w) < rows*v.rowBytes || len(y) < rows {
		panic(fmt.Sprintf("quant: MatVecRows %v: %d rows of %d bytes: have %d weight bytes and %d outputs", v.t, rows, v.rowBytes, len(w), len(y)))
	}
	j := matVecJob{k: v.k, w: w, a: v.a, rowBytes: v.rowBytes, cols: v.cols, y: y}
	j.do(0, rows)
}
