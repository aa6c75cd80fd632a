package models

import (
	"fmt"
	"sort"
)

// archs lists the GGUF architectures whose tensor layout this package knows.
var archs = map[string]bool{"llama": true, "qwen2": true, "qwen3": true, "gemma3": true, "phi3": true}

// Architectures returns the supported GGUF architecture names, sorted.
func Architectures() []string {
	var names []string
	for a := range archs {
		names = append(names, a)
	}
	sort.Strings(names)
	return names
}

// Tensor is one tensor of a model's GGUF layout.
type Tensor struct {
	Name string // llama.cpp's GGUF name, e.g. "blk.3.attn_v.weight"
	// Dims is the ggml shape: Dims[0] is the contiguous row length (input
	// features of a projection), Dims[1] the number of rows (output features).
	Dims []uint64
	// Layer is the block index, -1 for tensors outside the blocks.
	Layer int
}

// Elements returns the number of elements of the tensor.
func (t Tensor) Elements() int64 {
	n := int64(1)
	for _, d := range t.Dims {
		n *= int64(d)
	}
	return n
}

// Tensors returns the tensors of the model in the order llama.cpp's
// converter writes them, with llama.cpp's names and shapes.
func (m Model) Tensors() []Tensor {
	e := uint64(m.EmbeddingSize)
	q := uint64(m.Heads * m.HeadSize)
	kv := uint64(m.KVHeads * m.HeadSize)
	ff := uint64(m.FFNSize)
	var ts []Tensor
	add := func(layer int, name string, dims ...uint64) {
		if layer >= 0 {
			name = fmt.Sprintf("blk.%d.%s", layer, name)
		}
		ts = append(ts, Tensor{Name: name, Dims: dims, Layer: layer})
	}
	if sc := m.RoPE.Scaling; sc != nil {
		half := uint64(m.RopeDims() / 2)
		switch {
		case m.Architecture == "llama" && sc.Type == "llama3":
			add(-1, "rope_freqs.weight", half)
		case m.Architecture == "phi3" && sc.Type == "longrope":
			add(-1, "rope_factors_long.weight", half)
			add(-1, "rope_factors_short.weight", half)
		}
	}
	add(-1, "token_embd.weight", e, uint64(m.VocabSize))
	for i := 0; i < m.Layers; i++ {
		add(i, "attn_norm.weight", e)
		if m.Architecture == "phi3" {
			add(i, "attn_qkv.weight", e, q+2*kv)
		} else {
			add(i, "attn_q.weight", e, q)
			add(i, "attn_k.weight", e, kv)
			add(i, "attn_v.weight", e, kv)
		}
		if m.AttentionBias {
			add(i, "attn_q.bias", q)
			add(i, "attn_k.bias", kv)
			add(i, "attn_v.bias", kv)
		}
		if m.QKNorm {
			add(i, "attn_q_norm.weight", uint64(m.HeadSize))
			add(i, "attn_k_norm.weight", uint64(m.HeadSize))
		}
		add(i, "attn_output.weight", q, e)
		if m.Architecture == "gemma3" {
			add(i, "post_attention_norm.weight", e)
		}
		add(i, "ffn_norm.weight", e)
		if m.Architecture == "phi3" {
			add(i, "ffn_up.weight", e, 2*ff) // gate and up fused
		} else {
			add(i, "ffn_gate.weight", e, ff)
			add(i, "ffn_up.weight", e, ff)
		}
		add(i, "ffn_down.weight", ff, e)
		if m.Architecture == "gemma3" {
			add(i, "post_ffw_norm.weight", e)
		}
	}
	add(-1, "output_norm.weight", e)
	if !m.TiedEmbeddings {
		add(-1, "output.weight", e, uint64(m.VocabSize))
	}
	return ts
}
