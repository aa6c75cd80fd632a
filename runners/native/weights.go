package native

import (
	"fmt"

	"github.com/odbench/odbench/gguf"
)

// matrix is a weight matrix viewed in place in the mapped file: Rows rows
// of Cols elements (ggml dims [Cols, Rows]) stored as Type blocks. y = W·x
// maps a Cols-vector to a Rows-vector.
type matrix struct {
	Type gguf.Type
	Rows int
	Cols int
	Data []byte // Rows × RowBytes, read-only view of the mapping
}

// rowBytes is the stored size of one row.
func (m *matrix) rowBytes() int { return len(m.Data) / m.Rows }

// layer holds the weights of one transformer block. Vectors are small and
// converted to float32 at load; matrices stay in the file.
type layer struct {
	attnNorm []float32 // [NEmbd]
	// Either wqkv (fused, rows QDim+2·KVDim: q, then k, then v) or wq/wk/wv.
	wqkv       *matrix
	wq, wk, wv *matrix
	bq, bk, bv []float32 // [QDim], [KVDim], [KVDim]; nil when absent
	qNorm      []float32 // [HeadDim] (qk-norm architectures)
	kNorm      []float32 // [HeadDim]
	wo         *matrix   // [QDim → NEmbd]
	postAttn   []float32 // [NEmbd] (post-norm architectures)
	ffnNorm    []float32 // [NEmbd]
	// Either wgateUp (fused, rows 2·NFF: gate, then up) or wgate/wup.
	wgateUp     *matrix
	wgate, wup  *matrix
	wdown       *matrix   // [NFF → NEmbd]
	postFFN     []float32 // [NEmbd] (post-norm architectures)
	ropeFactors []float32 // [NRot/2] frequency divisors; nil: none
}

// weights are all tensors of a model.
type weights struct {
	embd       *matrix // token_embd: NVocab rows of NEmbd
	outputNorm []float32
	output     *matrix // NVocab rows of NEmbd; the embedding table when tied
	layers     []layer
}

// loader resolves tensors by name from an open file.
type loader struct {
	f   *gguf.File
	cfg *Config
}

func (ld *loader) tensor(name string) (gguf.TensorInfo, []byte, bool, error) {
	ti, ok := ld.f.Tensor(name)
	if !ok {
		return ti, nil, false, nil
	}
	data, err := ld.f.TensorData(ti)
	if err != nil {
		return ti, nil, false, err
	}
	return ti, data, true, nil
}

// matrix loads a 2-D tensor of cols × rows; a missing optional tensor gives nil.
func (ld *loader) matrix(name string, cols, rows int, required bool) (*matrix, error) {
	ti, data, ok, err := ld.tensor(name)
	if err != nil {
		return nil, err
	}
	if !ok {
		if required {
			return nil, fmt.Errorf("tensor %s is missing", name)
		}
		return nil, nil
	}
	if len(ti.Dims) != 2 || ti.Dims[0] != uint64(cols) || ti.Dims[1] != uint64(rows) {
		return nil, fmt.Errorf("tensor %s has shape %v, want [%d %d]", name, ti.Dims, cols, rows)
	}
	if !kernelSupports(ti.Type) {
		return nil, fmt.Errorf("tensor %s has type %s, which the engine cannot multiply", name, ti.Type)
	}
	if cols%ti.Type.BlockSize() != 0 {
		return nil, fmt.Errorf("tensor %s: row length %d is not a multiple of the %s block size %d", name, cols, ti.Type, ti.Type.BlockSize())
	}
	return &matrix{Type: ti.Type, Rows: rows, Cols: cols, Data: data}, nil
}

// vector loads a 1-D tensor of n elements as float32; a missing optional one gives nil.
func (ld *loader) vector(name string, n int, required bool) ([]float32, error) {
	ti, data, ok, err := ld.tensor(name)
	if err != nil {
		return nil, err
	}
	if !ok {
		if required {
			return nil, fmt.Errorf("tensor %s is missing", name)
		}
		return nil, nil
	}
	if len(ti.Dims) != 1 || ti.Dims[0] != uint64(n) {
		return nil, fmt.Errorf("tensor %s has shape %v, want [%d]", name, ti.Dims, n)
	}
	out := make([]float32, n)
	if err := dequantRow(ti.Type, data, out); err != nil {
		return nil, fmt.Errorf("tensor %s: %w", name, err)
	}
	return out, nil
}

// loadWeights resolves every tensor the architecture needs and checks its shape.
func loadWeights(f *gguf.File, cfg *Config) (*weights, error) {
	ld := &loader{f: f, cfg: cfg}
	var w weights
	var err error
	c := cfg
	if w.embd, err = ld.matrix("token_embd.weight", c.NEmbd, c.NVocab, true); err != nil {
		return nil, err
	}
	if w.outputNorm, err = ld.vector("output_norm.weight", c.NEmbd, true); err != nil {
		return nil, err
	}
	if w.output, err = ld.matrix("output.weight", c.NEmbd, c.NVocab, false); err != nil {
		return nil, err
	}
	if w.output == nil {
		w.output = w.embd
	}
	ropeFactors, err := ld.vector("rope_freqs.weight", c.NRot/2, false)
	if err != nil {
		return nil, err
	}
	if ropeFactors == nil {
		// Phi-3 long-context files carry two sets; within the original context the short one applies.
		if ropeFactors, err = ld.vector("rope_factors_short.weight", c.NRot/2, false); err != nil {
			return nil, err
		}
	}
	w.layers = make([]layer, c.NLayer)
	for i := range w.layers {
		if err := ld.layer(&w.layers[i], i, ropeFactors); err != nil {
			return nil, err
		}
	}
	return &w, nil
}

func (ld *loader) layer(l *layer, i int, ropeFactors []float32) error {
	c := ld.cfg
	name := func(s string) string { return fmt.Sprintf("blk.%d.%s", i, s) }
	var err error
	vec := func(dst *[]float32, s string, n int, required bool) {
		if err == nil {
			*dst, err = ld.vector(name(s), n, required)
		}
	}
	mat := func(dst **matrix, s string, cols, rows int, required bool) {
		if err == nil {
			*dst, err = ld.matrix(name(s), cols, rows, required)
		}
	}
	l.ropeFactors = ropeFactors
	vec(&l.attnNorm, "attn_norm.weight", c.NEmbd, true)
	mat(&l.wqkv, "attn_qkv.weight", c.NEmbd, c.QDim()+2*c.KVDim(), false)
	if err == nil && l.wqkv == nil {
		mat(&l.wq, "attn_q.weight", c.NEmbd, c.QDim(), true)
		mat(&l.wk, "attn_k.weight", c.NEmbd, c.KVDim(), true)
		mat(&l.wv, "attn_v.weight", c.NEmbd, c.KVDim(), true)
	}
	vec(&l.bq, "attn_q.bias", c.QDim(), false)
	vec(&l.bk, "attn_k.bias", c.KVDim(), false)
	vec(&l.bv, "attn_v.bias", c.KVDim(), false)
	vec(&l.qNorm, "attn_q_norm.weight", c.HeadDim, c.spec.qkNorm)
	vec(&l.kNorm, "attn_k_norm.weight", c.HeadDim, c.spec.qkNorm)
	mat(&l.wo, "attn_output.weight", c.QDim(), c.NEmbd, true)
	vec(&l.postAttn, "post_attention_norm.weight", c.NEmbd, c.spec.postNorms)
	vec(&l.ffnNorm, "ffn_norm.weight", c.NEmbd, true)
	mat(&l.wgate, "ffn_gate.weight", c.NEmbd, c.NFF, false)
	if err == nil {
		if l.wgate == nil {
			mat(&l.wgateUp, "ffn_up.weight", c.NEmbd, 2*c.NFF, true)
		} else {
			mat(&l.wup, "ffn_up.weight", c.NEmbd, c.NFF, true)
		}
	}
	mat(&l.wdown, "ffn_down.weight", c.NFF, c.NEmbd, true)
	vec(&l.postFFN, "post_ffw_norm.weight", c.NEmbd, c.spec.postNorms)
	return err
}
