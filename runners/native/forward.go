package native

import (
	"fmt"
	"math"

	"github.com/odbench/odbench/gguf"
	"github.com/odbench/odbench/quant"
)

// state is the run state of one sequence: the KV cache, the position and
// every buffer the forward pass writes. It is sized once for a batch of up
// to nBatch tokens, so a forward pass allocates nothing.
type state struct {
	cfg    *Config
	w      *weights
	pool   *quant.Pool
	mm     *matMuler
	kv     *kvCache
	nBatch int // most tokens per forward pass
	pos    int // tokens in the cache

	x    []float32 // [nBatch × NEmbd] residual stream
	xb   []float32 // [nBatch × NEmbd] normalised input of a block
	q    []float32 // [nBatch × QDim]
	k    []float32 // [nBatch × KVDim]
	v    []float32 // [nBatch × KVDim]
	qkv  []float32 // [nBatch × (QDim + 2·KVDim)] fused projection output
	att  []float32 // [nBatch × QDim] attention output
	out  []float32 // [nBatch × NEmbd] block output before the residual add
	gate []float32 // [nBatch × 2·NFF] gate (and, fused, up) projection
	up   []float32 // [nBatch × NFF]
	rope []float32 // [nBatch × NRot] cos/sin pairs of the layer in flight

	logits []float32 // [nLogits × NVocab]

	// Attention scratch, one per worker.
	scores     [][]float32 // [NHead/NHeadKV × nCtx]
	attScratch []*quant.Scratch
	vRow       [][]float32 // [HeadDim]
	// F16-cache attention scratch (attnF16), one per worker.
	qF16   [][]float32 // [NHead/NHeadKV × HeadDim] queries rounded to f16
	vals   [][]float32 // [HeadDim × nCtx] values of the positions in view, transposed
	attnFn func(worker, task int)

	// The keys and transposed values of the layer in flight as float32,
	// per key/value head, made once per layer by prepKV for a batch of
	// tokens, whose attention tasks would otherwise each convert the same
	// cached rows again. Allocated at the first batch when they fit
	// kvSharedMax; nil otherwise.
	kShared  [][]float32 // [NHeadKV][nCtx × HeadDim]
	vShared  [][]float32 // [NHeadKV][HeadDim × nCtx]
	kvLayer  int         // layer whose keys and values they hold; -1 when none
	kvEnd    int         // positions they hold: 0 .. kvEnd-1
	kvPrepFn func(worker, task int)

	// Operands of the attention region in flight.
	attLayer int
	attPos0  int
	attSWA   int
	attBatch bool // two or more tokens: llama.cpp's tinyBLAS summation order
}

func newState(cfg *Config, w *weights, p *quant.Pool, mm *matMuler, kv *kvCache, nBatch int) *state {
	c := cfg
	s := &state{cfg: c, w: w, pool: p, mm: mm, kv: kv, nBatch: nBatch}
	f := func(n int) []float32 { return make([]float32, n) }
	s.x, s.xb = f(nBatch*c.NEmbd), f(nBatch*c.NEmbd)
	s.q, s.k, s.v = f(nBatch*c.QDim()), f(nBatch*c.KVDim()), f(nBatch*c.KVDim())
	s.qkv = f(nBatch * (c.QDim() + 2*c.KVDim()))
	s.att, s.out = f(nBatch*c.QDim()), f(nBatch*c.NEmbd)
	s.gate, s.up = f(nBatch*2*c.NFF), f(nBatch*c.NFF)
	s.rope = f(nBatch * c.NRot)
	s.logits = f(c.NVocab)
	workers := p.Threads()
	s.scores = make([][]float32, workers)
	s.attScratch = make([]*quant.Scratch, workers)
	s.vRow = make([][]float32, workers)
	if kv.typ == gguf.TypeF16 {
		s.qF16, s.vals = make([][]float32, workers), make([][]float32, workers)
	}
	for i := range workers {
		s.scores[i] = f(c.NHead / c.NHeadKV * kv.nCtx)
		s.attScratch[i] = new(quant.Scratch)
		s.vRow[i] = f(c.HeadDim)
		if s.qF16 != nil {
			s.qF16[i] = f(c.NHead / c.NHeadKV * c.HeadDim)
			s.vals[i] = f(kv.nCtx * c.HeadDim)
		}
	}
	s.attnFn = s.attnTask
	s.kvPrepFn = s.prepKVTask
	s.kvLayer = -1
	return s
}

// kvSharedMax bounds the memory of the shared float32 keys and values.
const kvSharedMax = 64 << 20

// prepKV converts the cached keys and values of layer il at positions
// 0 .. end-1 to float32 for the attention tasks of a batch, when the
// shared buffers fit kvSharedMax, and otherwise leaves the tasks to
// convert their own.
func (s *state) prepKV(il, end int) {
	c := s.cfg
	if s.kv.typ != gguf.TypeF16 {
		return
	}
	if s.kShared == nil {
		if 2*4*s.kv.nCtx*c.KVDim() > kvSharedMax {
			return
		}
		s.kShared, s.vShared = make([][]float32, c.NHeadKV), make([][]float32, c.NHeadKV)
		for h := range c.NHeadKV {
			s.kShared[h] = make([]float32, s.kv.nCtx*c.HeadDim)
			s.vShared[h] = make([]float32, s.kv.nCtx*c.HeadDim)
		}
	}
	s.kvLayer, s.kvEnd = il, end
	s.pool.Run(c.NHeadKV, s.kvPrepFn)
}

// prepKVTask converts the keys and values of key/value head kvh for prepKV.
func (s *state) prepKVTask(worker, kvh int) {
	H, end, stride := s.cfg.HeadDim, s.kvEnd, s.kv.nCtx
	mustDequant(s.kv.typ, s.kv.keys(s.kvLayer, kvh, 0, end), s.kShared[kvh][:end*H])
	transposeValues(s.kv, s.kvLayer, kvh, 0, end, s.vRow[worker], s.vShared[kvh], stride)
}

// transposeValues writes the cached values of head kvh in layer il at
// positions lo .. lo+n-1 into vals, dimension d of position lo+j at
// d·stride + j; row is a HeadDim scratch row.
func transposeValues(kv *kvCache, il, kvh, lo, n int, row, vals []float32, stride int) {
	for j := range n {
		mustDequant(kv.typ, kv.value(il, kvh, lo+j), row)
		for d, v := range row {
			vals[d*stride+j] = v
		}
	}
}

// embed writes the embedding rows of tokens into x.
func (s *state) embed(tokens []int32) error {
	c := s.cfg
	e := s.w.embd
	rb := e.rowBytes()
	for i, t := range tokens {
		if t < 0 || int(t) >= c.NVocab {
			return fmt.Errorf("token id %d is outside the vocabulary of %d", t, c.NVocab)
		}
		row := s.x[i*c.NEmbd : (i+1)*c.NEmbd]
		if err := dequantRow(e.Type, e.Data[int(t)*rb:(int(t)+1)*rb], row); err != nil {
			return fmt.Errorf("embedding of token %d: %w", t, err)
		}
		if c.spec.embedScale {
			scaleInto(row, float32(math.Sqrt(float64(c.NEmbd))))
		}
	}
	return nil
}

// forward evaluates up to nBatch tokens at positions pos, pos+1, ... and
// leaves the logits of the last one in s.logits. The caller checks that the
// tokens fit in the cache.
func (s *state) forward(tokens []int32) error {
	c := s.cfg
	n := len(tokens)
	if err := s.embed(tokens); err != nil {
		return err
	}
	for il := range s.w.layers {
		s.block(il, n)
	}
	s.pos += n
	last := s.x[(n-1)*c.NEmbd : n*c.NEmbd]
	rmsNorm(s.xb[:c.NEmbd], last, s.w.outputNorm, c.Eps)
	s.mm.mul(s.w.output, s.xb[:c.NEmbd], 1, s.logits)
	return nil
}

// block runs transformer block il on the n tokens in x.
func (s *state) block(il, n int) {
	c := s.cfg
	l := &s.w.layers[il]
	E, Q, KV, H := c.NEmbd, c.QDim(), c.KVDim(), c.HeadDim

	for i := range n {
		rmsNorm(s.xb[i*E:(i+1)*E], s.x[i*E:(i+1)*E], l.attnNorm, c.Eps)
	}
	q, k, v := s.q[:n*Q], s.k[:n*KV], s.v[:n*KV]
	if l.wqkv != nil {
		qkv := s.qkv[:n*(Q+2*KV)]
		s.mm.mul(l.wqkv, s.xb, n, qkv)
		for i := range n {
			row := qkv[i*(Q+2*KV):]
			copy(q[i*Q:(i+1)*Q], row[:Q])
			copy(k[i*KV:(i+1)*KV], row[Q:Q+KV])
			copy(v[i*KV:(i+1)*KV], row[Q+KV:Q+2*KV])
		}
	} else {
		s.mm.add(l.wq, s.xb, n, q)
		s.mm.add(l.wk, s.xb, n, k)
		s.mm.add(l.wv, s.xb, n, v)
		s.mm.flush()
	}
	base, scale := c.ropeParams(il)
	for i := range n {
		qi, ki, vi := q[i*Q:(i+1)*Q], k[i*KV:(i+1)*KV], v[i*KV:(i+1)*KV]
		if l.bq != nil {
			addInto(qi, l.bq)
		}
		if l.bk != nil {
			addInto(ki, l.bk)
		}
		if l.bv != nil {
			addInto(vi, l.bv)
		}
		cs := s.rope[i*c.NRot : (i+1)*c.NRot]
		ropeTable(cs, s.pos+i, c.NRot, base, scale, c.RopeAttnFactor, l.ropeFactors)
		for h := 0; h < c.NHead; h++ {
			head := qi[h*H : (h+1)*H]
			if l.qNorm != nil {
				rmsNorm(head, head, l.qNorm, c.Eps)
			}
			ropeApply(head, cs, c.spec.ropeNeoX)
			if c.spec.scaleQueries {
				scaleInto(head, c.AttnScale)
			}
		}
		for h := 0; h < c.NHeadKV; h++ {
			head := ki[h*H : (h+1)*H]
			if l.kNorm != nil {
				rmsNorm(head, head, l.kNorm, c.Eps)
			}
			ropeApply(head, cs, c.spec.ropeNeoX)
		}
		s.kv.store(il, s.pos+i, ki, vi)
	}

	s.attLayer, s.attPos0, s.attSWA = il, s.pos, 0
	if c.slidingLayer(il) {
		s.attSWA = c.SWA
	}
	s.kvLayer, s.attBatch = -1, n > 1
	if n > 1 {
		s.prepKV(il, s.pos+n)
	}
	s.pool.Run(n*c.NHeadKV, s.attnFn)

	out := s.out[:n*E]
	s.mm.mul(l.wo, s.att[:n*Q], n, out)
	for i := range n {
		o := out[i*E : (i+1)*E]
		if l.postAttn != nil {
			rmsNorm(o, o, l.postAttn, c.Eps)
		}
		addInto(s.x[i*E:(i+1)*E], o)
		rmsNorm(s.xb[i*E:(i+1)*E], s.x[i*E:(i+1)*E], l.ffnNorm, c.Eps)
	}

	F := c.NFF
	var hidden []float32 // [n × NFF] activated hidden layer
	if l.wgateUp != nil {
		gu := s.gate[:n*2*F]
		s.mm.mul(l.wgateUp, s.xb, n, gu)
		hidden = s.up[:n*F]
		for i := range n {
			row := gu[i*2*F : (i+1)*2*F]
			gatedAct(row[:F], row[F:], c.spec.act)
			copy(hidden[i*F:(i+1)*F], row[:F])
		}
	} else {
		g, u := s.gate[:n*F], s.up[:n*F]
		s.mm.add(l.wgate, s.xb, n, g)
		s.mm.add(l.wup, s.xb, n, u)
		s.mm.flush()
		gatedAct(g, u, c.spec.act)
		hidden = g
	}
	s.mm.mul(l.wdown, hidden, n, out)
	for i := range n {
		o := out[i*E : (i+1)*E]
		if l.postFFN != nil {
			rmsNorm(o, o, l.postFFN, c.Eps)
		}
		addInto(s.x[i*E:(i+1)*E], o)
	}
}

// attnTask computes the attention of one token of the batch for the query
// heads of one key/value head: softmax-weighted values over the cached
// positions the token may see (causal, and within the sliding window on
// sliding layers). Task t is token t/NHeadKV, key/value head t%NHeadKV.
func (s *state) attnTask(worker, task int) {
	c := s.cfg
	H, group := c.HeadDim, c.NHead/c.NHeadKV
	i, kvh := task/c.NHeadKV, task%c.NHeadKV
	pos := s.attPos0 + i
	lo := 0
	if s.attSWA > 0 {
		lo = max(0, pos-s.attSWA+1)
	}
	n := pos + 1 - lo
	kv := s.kv
	qs := s.q[(i*c.NHead+kvh*group)*H : (i*c.NHead+(kvh+1)*group)*H] // [group × H]
	scores := s.scores[worker][:group*n]                             // [group × n]
	out := s.att[(i*c.NHead+kvh*group)*H : (i*c.NHead+(kvh+1)*group)*H]
	if kv.typ == gguf.TypeF16 {
		s.attnF16(worker, kvh, lo, n, qs, scores, out)
		return
	}
	quant.MatMul(nil, kv.typ, kv.keys(s.attLayer, kvh, lo, pos+1), n, H, qs, group, scores, s.attScratch[worker])
	for g := range group {
		softmaxScaled(scores[g*n:(g+1)*n], c.scoreScale())
	}
	clear(out)
	vr := s.vRow[worker]
	for j := range n {
		if err := dequantRow(kv.typ, kv.value(s.attLayer, kvh, lo+j), vr); err != nil {
			panic(fmt.Sprintf("native: attention: %v", err))
		}
		for g := range group {
			p := scores[g*n+j]
			o := out[g*H : (g+1)*H]
			for d, x := range vr {
				o[d] += p * x
			}
		}
	}
}

// attnF16 is attnTask over an F16 cache, computed as llama.cpp's CPU graph
// without flash attention computes it (see attn.go): the queries rounded to
// f16 and dotted with the keys, softmaxGGML, the probabilities rounded to
// f16 and dotted with each dimension of the values. qs holds the group's
// queries, scores receives [group × n] probabilities and out [group ×
// HeadDim] outputs; the positions in view are lo .. lo+n-1.
func (s *state) attnF16(worker, kvh, lo, n int, qs, scores, out []float32) {
	c, kv := s.cfg, s.kv
	H, group := c.HeadDim, c.NHead/c.NHeadKV
	qf := s.qF16[worker]
	for d, v := range qs {
		qf[d] = quant.FP16ToFP32(quant.FP32ToFP16(v))
	}
	// The keys and the values transposed once for all query heads of the
	// group (dimension d of position lo+j at d·stride + j): shared when
	// prepKV made them for this layer, else converted here.
	var keys, vals []float32
	stride := n
	kr := s.vRow[worker]
	if s.kvLayer == s.attLayer {
		keys, vals, stride = s.kShared[kvh][lo*H:(lo+n)*H], s.vShared[kvh][lo:], kv.nCtx
	} else {
		vals = s.vals[worker][:n*H]
		transposeValues(kv, s.attLayer, kvh, lo, n, kr, vals, n)
	}
	for j := range n {
		if keys != nil {
			kr = keys[j*H : (j+1)*H]
		} else {
			mustDequant(kv.typ, kv.keys(s.attLayer, kvh, lo+j, lo+j+1), kr)
		}
		for g := range group {
			scores[g*n+j] = s.dotF16(kr, qf[g*H:(g+1)*H], false)
		}
	}
	for g := range group {
		p := scores[g*n : (g+1)*n]
		softmaxGGML(p, c.scoreScale())
		for j, v := range p {
			p[j] = quant.FP16ToFP32(quant.FP32ToFP16(v))
		}
		for d := range H {
			out[g*H+d] = s.dotF16(p, vals[d*stride:d*stride+n], true)
		}
	}
}

// dotF16 is one dot product of the F16 attention as llama.cpp computes it:
// for a batch of two or more tokens its attention products go through
// llamafile's tinyBLAS (tinyDotLanes) when their length is a multiple of
// 16, which the padded value products always are, and otherwise through
// ggml_vec_dot_f16 (dotF16GGML). padded says that a and b are the leading
// part of rows padded with zeros.
func (s *state) dotF16(a, b []float32, padded bool) float32 {
	if s.attBatch && (padded || len(a)%ggmlLanes == 0) {
		return tinyDotLanes(a, b[:len(a)])
	}
	return dotF16GGML(a, b, padded)
}

// mustDequant converts one cached row; the cache's widths were checked
// when it was made, so an error is a bug.
func mustDequant(t gguf.Type, src []byte, dst []float32) {
	if err := dequantRow(t, src, dst); err != nil {
		panic(fmt.Sprintf("native: attention: %v", err))
	}
}

// bufferBytes is the memory of the forward pass's buffers.
func (s *state) bufferBytes() uint64 {
	n := 0
	for _, b := range [][]float32{s.x, s.xb, s.q, s.k, s.v, s.qkv, s.att, s.out, s.gate, s.up, s.rope, s.logits} {
		n += 4 * len(b)
	}
	for w := range s.scores {
		n += 4*len(s.scores[w]) + 4*len(s.vRow[w])
	}
	for w := range s.qF16 {
		n += 4 * (len(s.qF16[w]) + len(s.vals[w]))
	}
	for h := range s.kShared {
		n += 4 * (len(s.kShared[h]) + len(s.vShared[h]))
	}
	return uint64(n)
}
