package gguf

import (
	"sort"

	"github.com/odbench/odbench/results"
)

// Summary returns the facts `odbench inspect` shows: sizes, the per-type
// byte mix, the architecture's hyperparameters, tokenizer and RoPE. Schema
// is set; Path is the File's Path.
func (f *File) Summary() results.Inspect {
	s := results.Inspect{
		Schema:        results.InspectSchema,
		Path:          f.Path,
		FileBytes:     f.Size,
		GGUFVersion:   f.Version,
		Alignment:     f.Alignment,
		MetadataCount: f.Metadata.Len(),
		TensorCount:   len(f.Tensors),
		Architecture:  f.Architecture(),
		Parameters:    f.ParamCount(),
		TensorBytes:   f.DataBytes(),
	}
	s.Name, _ = f.Metadata.String("general.name")
	if ft, ok := f.FileType(); ok {
		s.FileType = ft.String()
	}
	if s.Parameters > 0 {
		s.BitsPerWeight = float64(s.TensorBytes) * 8 / float64(s.Parameters)
	}
	s.Types = f.typeMix(s.TensorBytes)
	s.Model = results.InspectModel{
		ContextLength:     f.archCount("context_length"),
		EmbeddingLength:   f.archCount("embedding_length"),
		BlockCount:        f.archCount("block_count"),
		HeadCount:         f.archCount("attention.head_count"),
		HeadCountKV:       f.archCount("attention.head_count_kv"),
		KeyLength:         f.archCount("attention.key_length"),
		ValueLength:       f.archCount("attention.value_length"),
		FeedForwardLength: f.archCount("feed_forward_length"),
		ExpertCount:       f.archCount("expert_count"),
		ExpertUsedCount:   f.archCount("expert_used_count"),
		VocabSize:         f.vocabSize(),
	}
	if model, ok := f.Metadata.String("tokenizer.ggml.model"); ok {
		tok := &results.InspectTokenizer{Model: model}
		tok.Pre, _ = f.Metadata.String("tokenizer.ggml.pre")
		if v, ok := f.Metadata.Get("tokenizer.ggml.tokens"); ok {
			tok.Tokens = v.Len()
		}
		if v, ok := f.Metadata.Get("tokenizer.ggml.merges"); ok {
			tok.Merges = v.Len()
		}
		_, tok.ChatTemplate = f.Metadata.Get("tokenizer.chat_template")
		s.Tokenizer = tok
	}
	rope := results.InspectRoPE{DimensionCount: f.archCount("rope.dimension_count")}
	rope.FreqBase, _ = f.ArchFloat("rope.freq_base")
	rope.ScalingType, _ = f.Metadata.String(f.ArchKey("rope.scaling.type"))
	rope.ScalingFactor, _ = f.ArchFloat("rope.scaling.factor")
	rope.OriginalContextLength = f.archCount("rope.scaling.original_context_length")
	_, rope.FreqFactors = f.Tensor("rope_freqs.weight")
	if rope != (results.InspectRoPE{}) {
		s.RoPE = &rope
	}
	return s
}

// typeMix sums tensors, elements and bytes per ggml type, most bytes first.
func (f *File) typeMix(total int64) []results.InspectType {
	byType := map[Type]*results.InspectType{}
	for _, ti := range f.Tensors {
		it := byType[ti.Type]
		if it == nil {
			it = &results.InspectType{Type: ti.Type.String(), BitsPerWeight: ti.Type.BitsPerWeight()}
			byType[ti.Type] = it
		}
		it.Tensors++
		it.Elements += ti.NumElements()
		it.Bytes += ti.Size
	}
	mix := make([]results.InspectType, 0, len(byType))
	for _, it := range byType {
		if total > 0 {
			it.Share = float64(it.Bytes) / float64(total)
		}
		mix = append(mix, *it)
	}
	sort.Slice(mix, func(i, j int) bool {
		if mix[i].Bytes != mix[j].Bytes {
			return mix[i].Bytes > mix[j].Bytes
		}
		return mix[i].Type < mix[j].Type
	})
	return mix
}

// archCount reads the integer "<arch>.<suffix>"; for a per-layer array it
// returns the largest element. Absent or non-integer keys give 0.
func (f *File) archCount(suffix string) uint64 {
	v, ok := f.Metadata.Get(f.ArchKey(suffix))
	if !ok {
		return 0
	}
	if v.Type() != ValueArray {
		u, _ := v.Uint()
		return u
	}
	var m uint64
	for i := range v.Len() {
		if u, ok := v.Index(i).Uint(); ok && u > m {
			m = u
		}
	}
	return m
}

// vocabSize reads "<arch>.vocab_size", else counts the tokenizer's tokens,
// else takes the rows of token_embd.weight.
func (f *File) vocabSize() uint64 {
	if n := f.archCount("vocab_size"); n > 0 {
		return n
	}
	if v, ok := f.Metadata.Get("tokenizer.ggml.tokens"); ok && v.Len() > 0 {
		return uint64(v.Len())
	}
	if ti, ok := f.Tensor("token_embd.weight"); ok && len(ti.Dims) == 2 {
		return ti.Dims[1]
	}
	return 0
}
