package quant

import (
	"encoding/binary"
	"math"
	"sync/atomic"

	"github.com/odbench/odbench/gguf"
)

// The packed Q4_K path of MatMul, for the kernel sets that register one in
// q4KTiles. It follows llama.cpp's x86 matrix product for repacked Q4_K
// weights bit for bit: the activation rows in groups of four in its gemm
// order (dotQ4_KQ8_KGemm), through the tile kernel, and the last n%4 rows
// in its gemv order, through the one-row kernel. The activations are
// quantized to Q8_K as quantizeActivations does; each worker packs the
// whole width of 16 weight rows at a time (q4KPath.pack) and multiplies
// them with every group of eight activation rows, so the float
// accumulators of each output live in registers from the first
// super-block to the last.
//
// A packed super-block (q4KBlock bytes) of 16 weight rows holds, row r in
// dword lane r of each 64-byte vector:
//   - at 512j+64k: the quants (0..15) of elements 4k..4k+3 of sub-block j,
//     one byte each (j, k = 0..7);
//   - at q4KScales+64j: the 6-bit scale of sub-block j as an int32;
//   - at q4KMins+64p: the 6-bit mins of sub-blocks 2p and 2p+1 as the
//     low and high int16 of a dword (p = 0..3);
//   - at q4KD and q4KDmin: d and dmin as float32.
//
// Lanes past the packed rows are zeros.
const (
	q4KScales = 4096
	q4KMins   = q4KScales + 8*64
	q4KD      = q4KMins + 4*64
	q4KDmin   = q4KD + 64
	q4KBlock  = q4KDmin + 64
	// q4KExBytes is the bytes per super-block of an activation row's
	// sub-block sums (q4KActSums).
	q4KExBytes = 16
)

// q4KTile is a tile kernel of the packed Q4_K path: the products of the 16
// packed weight rows wp (nsb super-blocks, the first lanes of them valid)
// with acts (4 or 8) Q8_K activation rows, row i at a[i*astride:] with its
// sums (q4KActSums) at ex[i*exstride:], in dotQ4_KQ8_KGemm's order; row
// i's go to y[i*ystride : i*ystride+lanes].
type q4KTile func(wp, a []byte, astride int, ex []byte, exstride, nsb int, y []float32, ystride, lanes, acts int)

// q4KPath is a kernel set's packed Q4_K path: its weight packer, which
// does what q4KPack does, and its tile kernel.
type q4KPath struct {
	pack func(dst, w []byte, rowBytes, nsb, rows int)
	tile q4KTile
}

// q4KTiles holds the packed Q4_K paths by kernel set name; the
// architecture files register theirs in init.
var q4KTiles = map[string]q4KPath{}

// q4KPack packs nsb super-blocks of rows (1 to 16) Q4_K weight rows, the
// first at w and the next ones rowBytes further, into dst (nsb·q4KBlock
// bytes) in the layout above: the reference of the packers in q4KTiles.
func q4KPack(dst, w []byte, rowBytes, nsb, rows int) {
	dst = dst[:nsb*q4KBlock]
	if rows < tileLanes {
		clear(dst)
	}
	for s := range nsb {
		blk := dst[s*q4KBlock : (s+1)*q4KBlock]
		for r := range rows {
			b := w[r*rowBytes+s*bytesQ4_K : r*rowBytes+(s+1)*bytesQ4_K]
			for p := range qkK / 64 {
				for k := range 8 {
					v := binary.LittleEndian.Uint32(b[16+32*p+4*k:])
					binary.LittleEndian.PutUint32(blk[512*(2*p)+64*k+4*r:], v&0x0f0f0f0f)
					binary.LittleEndian.PutUint32(blk[512*(2*p+1)+64*k+4*r:], v>>4&0x0f0f0f0f)
				}
				s0, m0 := scaleMinK4(2*p, b[4:16])
				s1, m1 := scaleMinK4(2*p+1, b[4:16])
				binary.LittleEndian.PutUint32(blk[q4KScales+64*(2*p)+4*r:], uint32(s0))
				binary.LittleEndian.PutUint32(blk[q4KScales+64*(2*p+1)+4*r:], uint32(s1))
				binary.LittleEndian.PutUint32(blk[q4KMins+64*p+4*r:], uint32(m0)|uint32(m1)<<16)
			}
			binary.LittleEndian.PutUint32(blk[q4KD+4*r:], math.Float32bits(loadF16(b[0:])))
			binary.LittleEndian.PutUint32(blk[q4KDmin+4*r:], math.Float32bits(loadF16(b[2:])))
		}
	}
}

// q4KActSums writes, for each of the nsb super-blocks of the Q8_K row a,
// the activation sums of its sub-blocks 2p and 2p+1 (p = 0..3) as the low
// and high int16 of dword p of ex[16s:] (each at most 32·128 in magnitude).
func q4KActSums(a []byte, nsb int, ex []byte) {
	for s := range nsb {
		ab := (*[bytesQ8_K]byte)(a[s*bytesQ8_K:])
		for p := range qkK / 64 {
			lo, hi := q8KBsumPair(ab, 2*p), q8KBsumPair(ab, 2*p+1)
			binary.LittleEndian.PutUint32(ex[s*q4KExBytes+4*p:], uint32(uint16(lo))|uint32(uint16(hi))<<16)
		}
	}
}

// q4KActJob quantizes activation rows [lo, hi) to Q8_K and writes their
// sub-block sums.
type q4KActJob struct {
	x        []float32
	cols     int
	a, ex    []byte
	actBytes int
	exBytes  int
}

func (j *q4KActJob) do(lo, hi int) {
	for i := lo; i < hi; i++ {
		a := j.a[i*j.actBytes : (i+1)*j.actBytes]
		quantizeActivations("MatMul", VecDotType(gguf.TypeQ4_K), j.x[i*j.cols:(i+1)*j.cols], a)
		q4KActSums(a, j.cols/qkK, j.ex[i*j.exBytes:(i+1)*j.exBytes])
	}
}

// q4KJob computes Y = X·Wᵀ through the packed Q4_K path. Its items are the
// workers' buffers: each worker takes 16 weight rows at a time from next
// until none are left, packs them into its buffer bufs[item] and
// multiplies them with every group of 8 activation rows (the last one of 4
// where n%8 ≥ 4), the last n%4 rows one at a time.
type q4KJob struct {
	path     q4KPath
	one      kernel
	w, a, ex []byte
	rows     int
	cols     int
	n        int
	rowBytes int
	actBytes int
	exBytes  int
	y        []float32
	bufs     [][]byte
	next     atomic.Int64
}

func (j *q4KJob) do(lo, hi int) {
	for s := lo; s < hi; s++ {
		j.work(j.bufs[s])
	}
}

func (j *q4KJob) work(buf []byte) {
	nsb := j.cols / qkK
	for {
		r0 := int(j.next.Add(1)-1) * tileLanes
		if r0 >= j.rows {
			return
		}
		lanes := min(tileLanes, j.rows-r0)
		j.path.pack(buf, j.w[r0*j.rowBytes:], j.rowBytes, nsb, lanes)
		full := j.n - j.n%4 // the rows in groups of four
		i := 0
		for i < full {
			acts := min(groupActs, full-i)
			j.path.tile(buf, j.a[i*j.actBytes:], j.actBytes, j.ex[i*j.exBytes:], j.exBytes, nsb, j.y[i*j.rows+r0:], j.rows, lanes, acts)
			i += acts
		}
		for ; i < j.n; i++ {
			a := j.a[i*j.actBytes : (i+1)*j.actBytes]
			for r := r0; r < r0+lanes; r++ {
				j.y[i*j.rows+r] = j.one(j.w[r*j.rowBytes:(r+1)*j.rowBytes], a, j.cols)
			}
		}
	}
}

// q4KState is the packed Q4_K path's work descriptors and buffers.
type q4KState struct {
	act  q4KActJob
	mm   q4KJob
	a    []byte   // Q8_K activation rows
	ex   []byte   // their sub-block sums
	bufs [][]byte // packed weight rows, one per worker
}

// matMulQ4K is MatMul of Q4_K weights through the packed path path.
func matMulQ4K(p *Pool, path q4KPath, w []byte, rows, cols int, x []float32, n int, y []float32, scratch *Scratch, sh shape) {
	if scratch.mm.q4k == nil {
		scratch.mm.q4k = new(q4KState)
	}
	st := scratch.mm.q4k
	nsb := cols / qkK
	exBytes := nsb * q4KExBytes
	st.a = growBytes(st.a, n*sh.actBytes)
	st.ex = growBytes(st.ex, n*exBytes)
	aj := &st.act
	*aj = q4KActJob{x: x, cols: cols, a: st.a, ex: st.ex, actBytes: sh.actBytes, exBytes: exBytes}
	p.parallel(n, 4, aj)
	*aj = q4KActJob{}
	if nsb == 0 {
		clear(y[:n*rows])
		return
	}
	workers := p.Threads()
	if len(st.bufs) < workers || len(st.bufs[0]) < nsb*q4KBlock {
		st.bufs = make([][]byte, workers)
		for i := range st.bufs {
			st.bufs[i] = make([]byte, nsb*q4KBlock)
		}
	}
	j := &st.mm
	j.path, j.one, j.w, j.a, j.ex = path, active.dot[gguf.TypeQ4_K], w, st.a, st.ex
	j.rows, j.cols, j.n, j.rowBytes, j.actBytes, j.exBytes = rows, cols, n, sh.rowBytes, sh.actBytes, exBytes
	j.y, j.bufs = y, st.bufs
	j.next.Store(0)
	p.parallel(workers, 1, j)
	j.path, j.one, j.w, j.a, j.ex, j.y, j.bufs = q4KPath{}, nil, nil, nil, nil, nil, nil
}

// growBytes returns b resliced to n bytes, reallocated if it is too small.
func growBytes(b []byte, n int) []byte {
	if cap(b) < n {
		return make([]byte, n)
	}
	return b[:n]
}
