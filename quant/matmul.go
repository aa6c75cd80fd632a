package quant

import (
	"encoding/binary"
	"sync/atomic"

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
	// packed holds the packed path's state between calls.
	packed *packedState
	// q4k holds the packed Q4_K path's state between calls.
	q4k *q4KState
}

// packedState is the packed path's work descriptors and buffers.
type packedState struct {
	pack  packJob
	tiles packedJob
	acts  []byte   // packed activation groups
	bufs  [][]byte // packed weight chunks, one per worker
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
// across the pool (nil runs on the calling goroutine). Where the active
// kernel set has a packed path for t (avx512vnni: Q4_0 and Q8_0)
// and n is at least minPackedActs, the activations are quantized straight
// into packed groups and the weights decoded once per chunk of 16 rows for
// all n (matMulPacked); Q4_K has a packed path of its own (matMulQ4K).
// Shapes that do not fit the buffers panic.
func MatMul(p *Pool, t gguf.Type, w []byte, rows, cols int, x []float32, n int, y []float32, scratch *Scratch) {
	sh := checkShape("MatMul", t, w, rows, cols, x, n, y)
	if scratch == nil {
		scratch = new(Scratch)
	}
	if k, ok := tileKernels[active.name][t]; ok && n >= minPackedActs {
		matMulPacked(p, k, t, w, rows, cols, x, n, y, scratch, sh)
		return
	}
	if k, ok := q4KTiles[active.name]; ok && t == gguf.TypeQ4_K && n >= minPackedActs {
		matMulQ4K(p, k, w, rows, cols, x, n, y, scratch, sh)
		return
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

	k, k4, a, actBytes := active.kernels(t, a, n, rows, sh.actBytes, cols, scratch)
	j := &scratch.mm
	actTiles := (n + tileActs - 1) / tileActs
	*j = matMulJob{
		k: k, k4: k4, w: w, a: a,
		rows: rows, cols: cols, n: n, rowBytes: sh.rowBytes, actBytes: actBytes,
		actTiles: actTiles, y: y, scales: scales, scalesPerRow: cols / q80Elems,
		packed: j.packed, q4k: j.q4k,
	}
	p.parallel(actTiles*((rows+tileRows-1)/tileRows), 1, j)
	*j = matMulJob{packed: j.packed, q4k: j.q4k}
}

// The packed path of MatMul, for the weight types that the active kernel
// set has a tiled entry for. The activation rows are quantized (to Q8_0)
// straight into packed groups of groupActs rows
// (tiled.quantize); each worker packs chunks of chunkBlocks blocks (whole
// rows for the paths whose float order carries across blocks: tiled.whole)
// of tileLanes weight rows (tiled.pack) into its own buffer and multiplies
// each chunk with every group (tiled.kernel), so one weight decode serves
// all n activation rows and each activation quant is read once per 16
// weight rows.
const (
	// minPackedActs is the fewest activation rows MatMul takes the packed
	// path for: with fewer, packing the weights costs more than the
	// four-row kernels do.
	minPackedActs = 4
	groupActs     = 8  // activation rows per packed group
	tileLanes     = 16 // weight rows per packed chunk
	chunkBlocks   = 64 // blocks per packed chunk: 36 KiB of packed weights
	// maxItemTiles is the most chunks of tileLanes weight rows a worker
	// packs at once.
	maxItemTiles = 4
	// weightBlock is the packed weight bytes per block of a chunk: the
	// quants of 16 rows and their f32 scales at weightScales.
	weightBlock  = 576
	weightScales = 512
	// A packed activation block of a group holds the 32 quants of row i
	// at 32i, its f32 scale at actScales+4i and its int32 biases, which
	// take back what the weights' offset k adds, from actBiases+b·i for
	// the b bytes of biases per row of the path (actBlockBytes).
	actScales = 256
	actBiases = 288
)

// actBlockBytes is the size of a packed activation block with biasBytes
// of biases per row.
func actBlockBytes(biasBytes int) int { return actBiases + groupActs*biasBytes }

// tiled is a weight type's packed path. The layouts are those
// kernels512x4_amd64.s describes.
type tiled struct {
	// pack decodes nb blocks of 32 elements (a whole number of the
	// type's blocks) of rows (1 to tileLanes) weight rows, the first at w
	// and the next ones rowBytes further, into dst (nb·weightBlock
	// bytes): per block, the unsigned quants u of dword k of the rows in
	// dword lanes [16k, 16k+16), then their f32 scales.
	pack func(dst, w []byte, rowBytes, nb, rows int)
	// kernel computes the dot products of a packed chunk wp of nb blocks
	// with the packed group a, over the same blocks, and stores (adds,
	// with add) activation row i's to y[i*ystride : i*ystride+lanes] for
	// the first acts rows of the group.
	kernel func(wp, a []byte, nb int, y []float32, ystride, lanes, acts int, add bool)
	// quantize quantizes the activation row x (a whole number of the
	// weight type's blocks) to Q8_0 as quantizeActivations does into row i
	// of the packed group dst, with biasBytes of biases: 4, one bias
	// −offset·Σa, or 32, eight, −offset·Σ of the four quants of each dword.
	quantize func(dst []byte, i int, x []float32, offset int32, biasBytes int)
	// offset is k in the weight u-k that an unsigned quant u stands for.
	offset int32
	// biasBytes is the bytes of biases per activation row of a packed
	// block: 4 or 32 (see quantize).
	biasBytes int
	// whole is set for kernels that must see all blocks of a row at once
	// (their float order carries across blocks): MatMul then packs whole
	// rows rather than chunks of chunkBlocks blocks.
	whole bool
}

// actBlock is the size of t's packed activation blocks.
func (t tiled) actBlock() int { return actBlockBytes(t.biasBytes) }

// chunk is the blocks per packed weight chunk that t takes for rows of nb
// blocks.
func (t tiled) chunk(nb int) int {
	if t.whole {
		return nb
	}
	return min(chunkBlocks, nb)
}

// tileKernels holds the packed paths by kernel set name and weight type;
// the architecture files register theirs in init. MatMul looks the active
// set up in it at each call, so the benchmarks that swap sets get each
// set's own path.
var tileKernels = map[string]map[gguf.Type]tiled{}

// packJob quantizes the activation rows of groups [lo, hi) into packed.
type packJob struct {
	t      tiled
	x      []float32
	n      int
	cols   int
	packed []byte
}

func (j *packJob) do(lo, hi int) {
	nb := j.cols / q80Elems
	ab, bb := j.t.actBlock(), j.t.biasBytes
	for g := lo; g < hi; g++ {
		dst := j.packed[g*nb*ab : (g+1)*nb*ab]
		for i := range groupActs {
			if r := g*groupActs + i; r < j.n {
				j.t.quantize(dst, i, j.x[r*j.cols:(r+1)*j.cols], j.t.offset, bb)
				continue
			}
			for b := range nb { // a row past n: zero quants, scales and biases
				blk := dst[b*ab:]
				clear(blk[32*i : 32*i+32])
				clear(blk[actScales+4*i : actScales+4*i+4])
				clear(blk[actBiases+bb*i : actBiases+bb*(i+1)])
			}
		}
	}
}

// packedJob computes Y = X·Wᵀ from packed groups. Its items are the
// workers' buffers: each worker takes blocks of tiles·tileLanes weight rows
// from next until none are left, packs a chunk of them at a time into its
// buffer bufs[item] and multiplies it with every group, the first chunk
// storing to y and the next ones adding. A group's chunk (20 KiB for 64
// blocks) stays in L1 for the tiles of a block; the packed chunks of the
// block (up to 144 KiB for 64 blocks) stay in L2 for all groups.
type packedJob struct {
	t        tiled
	w        []byte
	rows, n  int
	nb       int
	rowBytes int
	wt       gguf.Type
	tiles    int // blocks of tileLanes weight rows per item, up to maxItemTiles
	cb       int // blocks per chunk (tiled.chunk)
	packed   []byte
	y        []float32
	bufs     [][]byte
	next     atomic.Int64
}

func (j *packedJob) do(lo, hi int) {
	for s := lo; s < hi; s++ {
		j.work(j.bufs[s])
	}
}

func (j *packedJob) work(buf []byte) {
	groups := (j.n + groupActs - 1) / groupActs
	chunk := j.cb * weightBlock
	ab := j.t.actBlock()
	for {
		r0 := int(j.next.Add(1)-1) * j.tiles * tileLanes
		if r0 >= j.rows {
			return
		}
		r1 := min(r0+j.tiles*tileLanes, j.rows)
		for c0 := 0; c0 < j.nb; c0 += j.cb {
			cb := min(j.cb, j.nb-c0)
			woff := c0 * q80Elems / j.wt.BlockSize() * j.wt.BlockBytes()
			for r := r0; r < r1; r += tileLanes {
				k := (r - r0) / tileLanes
				j.t.pack(buf[k*chunk:(k+1)*chunk], j.w[r*j.rowBytes+woff:], j.rowBytes, cb, min(tileLanes, r1-r))
			}
			for g := range groups {
				a := j.packed[(g*j.nb+c0)*ab:]
				acts := min(groupActs, j.n-g*groupActs)
				for r := r0; r < r1; r += tileLanes {
					k := (r - r0) / tileLanes
					j.t.kernel(buf[k*chunk:(k+1)*chunk], a, cb, j.y[g*groupActs*j.rows+r:], j.rows, min(tileLanes, r1-r), acts, c0 > 0)
				}
			}
		}
	}
}

// matMulPacked is MatMul through the packed path tk.
func matMulPacked(p *Pool, tk tiled, t gguf.Type, w []byte, rows, cols int, x []float32, n int, y []float32, scratch *Scratch, sh shape) {
	nb := cols / q80Elems
	groups := (n + groupActs - 1) / groupActs
	if scratch.mm.packed == nil {
		scratch.mm.packed = new(packedState)
	}
	j := scratch.mm.packed
	need := groups * nb * tk.actBlock()
	if cap(j.acts) < need {
		j.acts = make([]byte, need)
	}
	packed := j.acts[:need]
	pj := &j.pack
	*pj = packJob{t: tk, x: x, n: n, cols: cols, packed: packed}
	p.parallel(groups, 1, pj)
	*pj = packJob{}
	if nb == 0 || n == 0 {
		clear(y[:n*rows])
		return
	}

	workers := p.Threads()
	cb := tk.chunk(nb)
	for len(j.bufs) < workers {
		j.bufs = append(j.bufs, nil)
	}
	for i, b := range j.bufs[:workers] {
		if len(b) < maxItemTiles*cb*weightBlock {
			j.bufs[i] = make([]byte, maxItemTiles*cb*weightBlock)
		}
	}
	pk := &j.tiles
	pk.t, pk.w, pk.wt, pk.rows, pk.n, pk.nb, pk.rowBytes, pk.cb = tk, w, t, rows, n, nb, sh.rowBytes, cb
	// As many tiles per item as leave each worker 4 items or more.
	pk.tiles = min(maxItemTiles, max(1, rows/(tileLanes*4*workers)))
	pk.packed, pk.y, pk.bufs = packed, y, j.bufs
	pk.next.Store(0)
	p.parallel(workers, 1, pk)
	pk.t, pk.w, pk.packed, pk.y, pk.bufs = tiled{}, nil, nil, nil, nil
}
