package synth

import (
	"fmt"
	"math"
	"strings"

	"github.com/odbench/odbench/gguf"
	"github.com/odbench/odbench/profiles/models"
)

// quantizationVersion is ggml's GGML_QNT_VERSION, written by llama.cpp's quantizer.
const quantizationVersion = 2

// setMetadata writes the general and architecture keys llama.cpp reads.
func setMetadata(w *gguf.Writer, m models.Model, ft gguf.FileType, seed uint64) {
	a := m.Architecture
	w.SetString("general.architecture", a)
	w.SetString("general.type", "model")
	w.SetString("general.name", fmt.Sprintf("%s (synthetic %s, seed %d)", m.Name, ft, seed))
	w.SetUint32("general.file_type", uint32(ft))
	w.SetUint32("general.quantization_version", quantizationVersion)
	w.SetUint32(a+".vocab_size", uint32(m.VocabSize))
	w.SetUint32(a+".context_length", uint32(m.MaxContext))
	w.SetUint32(a+".embedding_length", uint32(m.EmbeddingSize))
	w.SetUint32(a+".block_count", uint32(m.Layers))
	w.SetUint32(a+".feed_forward_length", uint32(m.FFNSize))
	w.SetUint32(a+".attention.head_count", uint32(m.Heads))
	w.SetUint32(a+".attention.head_count_kv", uint32(m.KVHeads))
	w.SetUint32(a+".attention.key_length", uint32(m.HeadSize))
	w.SetUint32(a+".attention.value_length", uint32(m.HeadSize))
	w.SetFloat32(a+".attention.layer_norm_rms_epsilon", float32(m.NormEps))
	w.SetFloat32(a+".rope.freq_base", float32(m.RoPE.Theta))
	w.SetUint32(a+".rope.dimension_count", uint32(m.RopeDims()))
	if m.SlidingWindow > 0 {
		w.SetUint32(a+".attention.sliding_window", uint32(m.SlidingWindow))
	}
	if sc := m.RoPE.Scaling; sc != nil {
		switch sc.Type {
		case "linear":
			w.SetString(a+".rope.scaling.type", "linear")
			w.SetFloat32(a+".rope.scaling.factor", float32(sc.Factor))
		case "longrope":
			// The attention factor of LongRoPE: sqrt(1 + ln(scale) / ln(original context)).
			scale := float64(m.MaxContext) / float64(sc.OriginalContext)
			w.SetUint32(a+".rope.scaling.original_context_length", uint32(sc.OriginalContext))
			w.SetFloat32(a+".rope.scaling.attn_factor", float32(math.Sqrt(1+math.Log(scale)/math.Log(float64(sc.OriginalContext)))))
		}
	}
}

// setTokenizer writes a byte-level BPE tokenizer.
func setTokenizer(w *gguf.Writer, m models.Model, v *Vocab) {
	pre := m.TokenizerPre
	if pre == "" {
		pre = "default"
	}
	w.SetString("tokenizer.ggml.model", "gpt2")
	w.SetString("tokenizer.ggml.pre", pre)
	w.SetStrings("tokenizer.ggml.tokens", v.Tokens)
	w.SetInt32s("tokenizer.ggml.token_type", v.Types)
	w.SetStrings("tokenizer.ggml.merges", v.Merges)
	w.SetUint32("tokenizer.ggml.bos_token_id", v.BOS)
	w.SetUint32("tokenizer.ggml.eos_token_id", v.EOS)
	w.SetBool("tokenizer.ggml.add_bos_token", true)
}

// hasTokenizer reports whether f carries a tokenizer.
func hasTokenizer(f *gguf.File) bool {
	_, ok := f.Metadata.Get("tokenizer.ggml.tokens")
	return ok
}

// copyTokenizerKeys copies every tokenizer.* key of f (vocabulary, merges,
// special tokens, chat template) as it is.
func copyTokenizerKeys(w *gguf.Writer, f *gguf.File) {
	for _, k := range f.Metadata.Keys() {
		if strings.HasPrefix(k, "tokenizer.") {
			v, _ := f.Metadata.Get(k)
			w.SetKV(k, v)
		}
	}
}
