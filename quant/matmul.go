package quant

import "github.com/odbench/odbench/gguf"

// Tile sizes of MatMul. A tile is a block of tileRows weight rows times a
// block of tileActs activation rows. Within a tile, four activation rows at
// a time (a few KiB each: they stay in L1) meet every weight row of the
// block (tens of KiB: they stay in L2), so each weight byte fetched from
// memory serves tileActs activations and each activation byte serves
// tileRows weight rows.
const (
	tileRows = 32
	tileActs = 64
)

// quantizeJob quantizes activation rows [lo, hi) of x into a.
type quantizeJob struct {
	t        gguf.Type
	x        []float32
	cols     int
	a        []byte
	actBytes int
}

func (j *quantizeJob) do(lo, hi int) {
	for i := lo; i < hi; i++ {
		if err := Quantize(j.t, j.x[i*j.cols:(i+1)*j.cols], j.a[i*j.actBytes:(i+1)*j.actBytes]); err != nil {
			panic("quant: MatMul: " + err.Error()) // unreachable: checkShape checked type and length
		}
	}
}

// matMulJob computes the tiles [lo, hi) of Y = X·Wᵀ. Tiles are numbered
// activation block first, so consecutive tiles share their weight rows.
type matMulJob struct {
	k        kernel
	k4       kernel4
	w, a     []byte
	rows     int
	cols     int
	n        int
	rowBytes int
	actBytes int
	actTiles int
	y        []float32
}

func (j *matMulJob) do(lo, hi int) {
	for tile := lo; tile < hi; tile++ {
		r0 := tile / j.actTiles * tileRows
		r1 := min(r0+tileRows, j.rows)
		i0 := tile % j.actTiles * tileActs
		i1 := min(i0+tileActs, j.n)
		i := i0
		for ; i+4 <= i1; i += 4 {
			a := j.a[i*j.actBytes:]
			for r := r0; r < r1; r++ {
				j.k4(j.w[r*j.rowBytes:(r+1)*j.rowBytes], a, j.actBytes, j.cols, j.y[i*j.rows+r:], j.rows)
			}
		}
		for ; i < i1; i++ {
			a := j.a[i*j.actBytes : (i+1)*j.actBytes]
			for r := r0; r < r1; r++ {
				j.y[i*j.rows+r] = j.k(j.w[r*j.rowBytes:(r+1)*j.rowBytes], a, j.cols)
			}
		}
	}
}

// MatMul computes Y[i][r] = W[r,:]·X[i,:] for n activation rows (a prefill
// batch): w holds a row-major rows×cols weight matrix of type t, x holds n
// rows of cols floats and y receives n rows of rows floats. The activation
// rows are quantized once to VecDotType(t) in scratch (nil allocates one for
// this call); cache-sized tiles of weight rows × activation rows are split
// across the pool (nil runs on the calling goroutine). Shapes that do not fit
// the buffers panic.
func MatMul(p *Pool, t gguf.Type, w []byte, rows, cols int, x []float32, n int, y []float32, scratch *Scratch) {
	sh := checkShape("MatMul", t, w, rows, cols, x, n, y)
	if scratch == nil {
		scratch = new(Scratch)
	}
	a := scratch.actBuf(n * sh.actBytes)
	q := &scratch.q
	*q = quantizeJob{t: sh.act, x: x, cols: cols, a: a, actBytes: sh.actBytes}
	p.parallel(n, 4, q)
	*q = quantizeJob{}

	j := &scratch.mm
	actTiles := (n + tileActs - 1) / tileActs
	*j = matMulJob{
		k: active.dot[t], k4: active.dot4[t], w: w, a: a,
		rows: rows, cols: cols, n: n, rowBytes: sh.rowBytes, actBytes: sh.actBytes,
		actTiles: actTiles, y: y,
	}
	p.parallel(actTiles*((rows+tileRows-1)/tileRows), 1, j)
	*j = matMulJob{}
}
