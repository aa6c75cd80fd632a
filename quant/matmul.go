package quant

import (
	"encoding/binary"

	"github.com/odbench/odbench/gguf"
)

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

// The block of the Q8_0 activations whose scales actScales4 lays out.
var (
	q80Elems = gguf.TypeQ8_0.BlockSize()
	q80Bytes = gguf.TypeQ8_0.BlockBytes()
)

// quantizeJob quantizes activation rows [lo, hi) of x into a and, for Q8_0,
// lays out the scales of each whole group of four rows in scales.
type quantizeJob struct {
	t        gguf.Type
	x        []float32
	cols     int
	a        []byte
	actBytes int
	scales   []float32
}

func (j *quantizeJob) do(lo, hi int) {
	for i := lo; i < hi; i++ {
		quantizeActivations("MatMul", j.t, j.x[i*j.cols:(i+1)*j.cols], j.a[i*j.actBytes:(i+1)*j.actBytes])
	}
	if j.scales == nil {
		return
	}
	nb := j.cols / q80Elems
	for g := lo &^ 3; g+4 <= hi; g += 4 { // lo is a multiple of 4: the pool hands out groups of 4
		actScales4(j.a[g*j.actBytes:], j.actBytes, nb, j.scales[g*nb:(g+4)*nb])
	}
}

// actScales4 writes the f16 block scales of four Q8_0 activation rows of
// nb blocks (the first at a, the next ones astride bytes further) to s as
// float32, interleaved: s[4*b+k] is the scale of block b of row k, so that
// a four-row kernel reads the scales of one block with one load.
func actScales4(a []byte, astride, nb int, s []float32) {
	_ = s[4*nb-1]
	for k := range 4 {
		row := a[k*astride:]
		for b := range nb {
			s[4*b+k] = FP16ToFP32(binary.LittleEndian.Uint16(row[b*q80Bytes:]))
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
	// scales holds the f32 block scales of Q8_0 activations, laid out by
	// actScales4 for each group of four rows: scalesPerRow per row.
	scales       []float32
	scalesPerRow int
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
			var sc []float32
			if j.scales != nil {
				sc = j.scales[i*j.scalesPerRow:]
			}
			for r := r0; r < r1; r++ {
				j.k4(j.w[r*j.rowBytes:(r+1)*j.rowBytes], a, j.actBytes, j.cols, sc, j.y[i*j.rows+r:], j.rows)
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
	var scales []float32
	if sh.act == gguf.TypeQ8_0 {
		scales = scratch.scaleBuf(n / 4 * 4 * (cols / q80Elems))
	}
	q := &scratch.q
	*q = quantizeJob{t: sh.act, x: x, cols: cols, a: a, actBytes: sh.actBytes, scales: scales}
	p.parallel(n, 4, q)
	*q = quantizeJob{}

	j := &scratch.mm
	actTiles := (n + tileActs - 1) / tileActs
	*j = matMulJob{
		k: active.dot[t], k4: active.dot4[t], w: w, a: a,
		rows: rows, cols: cols, n: n, rowBytes: sh.rowBytes, actBytes: sh.actBytes,
		actTiles: actTiles, y: y, scales: scales, scalesPerRow: cols / q80Elems,
	}
	p.parallel(actTiles*((rows+tileRows-1)/tileRows), 1, j)
	*j = matMulJob{}
}
