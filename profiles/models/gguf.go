package models

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/odbench/odbench/gguf"
)

// FromGGUF reads the shape of the model in a parsed GGUF file from its
// metadata and tensors. The id is the file's base name without extension.
func FromGGUF(f *gguf.File) (Model, error) {
	arch := f.Architecture()
	if arch == "" {
		return Model{}, fmt.Errorf("%s: no general.architecture", f.Path)
	}
	m := Model{
		ID:           strings.TrimSuffix(filepath.Base(f.Path), filepath.Ext(f.Path)),
		Architecture: arch,
		Source:       f.Path,
	}
	m.Name, _ = f.Metadata.String("general.name")
	if m.Name == "" {
		m.Name = m.ID
	}
	need := []struct {
		key string
		dst *int
	}{
		{"block_count", &m.Layers}, {"embedding_length", &m.EmbeddingSize}, {"attention.head_count", &m.Heads},
		{"feed_forward_length", &m.FFNSize}, {"context_length", &m.MaxContext},
	}
	for _, n := range need {
		u, ok := f.ArchUint(n.key)
		if !ok || u == 0 || u > maxDim {
			return Model{}, fmt.Errorf("%s: metadata %s missing or out of range", f.Path, f.ArchKey(n.key))
		}
		*n.dst = int(u)
	}
	m.KVHeads = m.Heads
	if u, ok := f.ArchUint("attention.head_count_kv"); ok && u > 0 && u <= maxDim {
		m.KVHeads = int(u)
	}
	m.HeadSize = m.EmbeddingSize / m.Heads
	if u, ok := f.ArchUint("attention.key_length"); ok && u > 0 && u <= maxDim {
		m.HeadSize = int(u)
	}
	if u, ok := f.ArchUint("rope.dimension_count"); ok && u > 0 && int(u) < m.HeadSize {
		m.RoPE.Dimensions = int(u)
	}
	m.RoPE.Theta = 10000
	if v, ok := f.ArchFloat("rope.freq_base"); ok && v > 0 {
		m.RoPE.Theta = v
	}
	m.RoPE.Neox = arch != "llama"
	m.NormEps = 1e-5
	if v, ok := f.ArchFloat("attention.layer_norm_rms_epsilon"); ok && v > 0 {
		m.NormEps = v
	}
	if u, ok := f.ArchUint("attention.sliding_window"); ok && arch == "gemma3" {
		m.SlidingWindow, m.SlidingWindowPattern = int(min(u, maxDim)), 6
	}
	m.TiedEmbeddings = true
	for _, t := range f.Tensors {
		switch {
		case t.Name == "token_embd.weight" && len(t.Dims) == 2 && t.Dims[1] <= maxDim:
			m.VocabSize = int(t.Dims[1])
		case t.Name == "output.weight":
			m.TiedEmbeddings = false
		case strings.HasSuffix(t.Name, ".attn_q.bias"):
			m.AttentionBias = true
		case strings.HasSuffix(t.Name, ".attn_q_norm.weight"):
			m.QKNorm = true
		case t.Name == "rope_freqs.weight":
			m.RoPE.Scaling = &RoPEScaling{Type: "llama3"}
		case t.Name == "rope_factors_long.weight":
			m.RoPE.Scaling = &RoPEScaling{Type: "longrope"}
		}
	}
	if m.VocabSize == 0 {
		return Model{}, fmt.Errorf("%s: no 2-D token_embd.weight to size the vocabulary", f.Path)
	}
	if err := m.Validate(); err != nil {
		return Model{}, fmt.Errorf("%s: %w", f.Path, err)
	}
	return m, nil
}
