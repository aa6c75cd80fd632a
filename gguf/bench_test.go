package gguf

import (
	"fmt"
	"path/filepath"
	"testing"
)

// BenchmarkOpenLlama3Header opens a file with a Llama-3-sized tokenizer
// (128,256 tokens, scores, token types, 280,000 merges) and the 144 layer
// tensor infos of Llama 3.2 1B (with empty data, so the file stays small): the
// cost of reading a real model's header.
func BenchmarkOpenLlama3Header(b *testing.B) {
	path := filepath.Join(b.TempDir(), "h.gguf")
	w, err := Create(path)
	if err != nil {
		b.Fatal(err)
	}
	tokens := make([]string, 128256)
	scores := make([]float32, len(tokens))
	types := make([]int32, len(tokens))
	for i := range tokens {
		tokens[i] = fmt.Sprintf("Ġtok%d", i)
	}
	merges := make([]string, 280000)
	for i := range merges {
		merges[i] = fmt.Sprintf("Ġa%d b%d", i, i)
	}
	w.SetString("general.architecture", "llama")
	w.SetStrings("tokenizer.ggml.tokens", tokens)
	w.SetFloat32s("tokenizer.ggml.scores", scores)
	w.SetInt32s("tokenizer.ggml.token_type", types)
	w.SetStrings("tokenizer.ggml.merges", merges)
	var names []string
	for l := range 16 {
		for _, n := range []string{"attn_norm", "attn_q", "attn_k", "attn_v", "attn_output", "ffn_norm", "ffn_gate", "ffn_up", "ffn_down"} {
			names = append(names, fmt.Sprintf("blk.%d.%s.weight", l, n))
			if err := w.AddTensor(names[len(names)-1], TypeQ4_K, []uint64{0, 2048}); err != nil {
				b.Fatal(err)
			}
		}
	}
	for _, name := range names {
		if err := w.WriteTensor(name, nil); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		f, err := Open(path)
		if err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
}
