package models_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/odbench/odbench/gguf"
	"github.com/odbench/odbench/profiles/models"
	"github.com/odbench/odbench/synth"
)

// TestFromGGUFRoundTrip writes catalog-like shapes with synth and reads
// them back: every field that fixes the layout survives.
func TestFromGGUFRoundTrip(t *testing.T) {
	shapes := []string{
		`"architecture":"qwen2","attention_bias":true,"rope":{"theta":1000000,"neox":true}`,
		`"architecture":"qwen3","qk_norm":true,"tied_embeddings":true,"rope":{"theta":1000000,"neox":true}`,
		`"architecture":"gemma3","qk_norm":true,"tied_embeddings":true,"sliding_window":512,"sliding_window_pattern":6,"rope":{"theta":1000000,"neox":true}`,
		`"architecture":"phi3","rope":{"theta":10000,"neox":true,"dimensions":48}`,
		`"architecture":"llama","rope":{"theta":10000}`,
	}
	for i, extra := range shapes {
		js := fmt.Sprintf(`{"id":"m%d","name":"M%d","layers":3,"embedding_size":256,"heads":4,"kv_heads":2,
			"head_size":64,"ffn_size":512,"vocab_size":1024,"max_context":2048,"norm_eps":1e-6,"source":"test",%s}`, i, i, extra)
		want, err := models.Parse([]byte(js))
		if err != nil {
			t.Fatal(err)
		}
		path := filepath.Join(t.TempDir(), want.ID+".gguf")
		if _, err := synth.Write(context.Background(), path, synth.Options{Model: want, FileType: gguf.FileTypeQ8_0}); err != nil {
			t.Fatal(err)
		}
		f, err := gguf.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		got, err := models.FromGGUF(f)
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		if got.Params() != want.Params() || fmt.Sprint(got.Tensors()) != fmt.Sprint(want.Tensors()) {
			t.Errorf("%s: read back %d params, want %d", want.Architecture, got.Params(), want.Params())
		}
		if got.GQA() != 2 || got.HeadSize != 64 || got.RopeDims() != want.RopeDims() || got.MaxContext != 2048 ||
			got.NormEps < 0.99e-6 || got.NormEps > 1.01e-6 || got.SlidingWindow != want.SlidingWindow {
			t.Errorf("%s: read back %+v", want.Architecture, got)
		}
	}
}

func TestFromGGUFRejects(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.gguf")
	w, err := gguf.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w.SetString("general.architecture", "llama")
	w.SetUint32("llama.block_count", 2)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := gguf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := models.FromGGUF(f); err == nil {
		t.Fatal("a file without embedding_length was accepted")
	}
}
