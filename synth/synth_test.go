package synth

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/odbench/odbench/gguf"
	"github.com/odbench/odbench/profiles/models"
	"github.com/odbench/odbench/profiles/recipe"
	"github.com/odbench/odbench/quant"
)

// tinyModel returns a 2-layer shape of an architecture, small enough to
// write in milliseconds, wide enough (256) for the k-quants.
func tinyModel(t *testing.T, arch string, extra string) models.Model {
	t.Helper()
	js := fmt.Sprintf(`{"id":"tiny-%s","name":"Tiny %s","architecture":%q,"layers":2,"embedding_size":256,
		"heads":4,"kv_heads":2,"head_size":64,"ffn_size":512,"vocab_size":2048,"max_context":4096,
		"norm_eps":1e-5,"source":"test"%s}`, arch, arch, arch, extra)
	m, err := models.Parse([]byte(js))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func tinyModels(t *testing.T) []models.Model {
	return []models.Model{
		tinyModel(t, "llama", `,"tied_embeddings":true,"rope":{"theta":500000,"scaling":{"type":"llama3","factor":32,"low_freq_factor":1,"high_freq_factor":4,"original_context":8192}}`),
		tinyModel(t, "qwen2", `,"attention_bias":true,"rope":{"theta":1000000,"neox":true}`),
		tinyModel(t, "qwen3", `,"qk_norm":true,"tied_embeddings":true,"rope":{"theta":1000000,"neox":true}`),
		tinyModel(t, "gemma3", `,"qk_norm":true,"tied_embeddings":true,"sliding_window":512,"sliding_window_pattern":6,"rope":{"theta":1000000,"neox":true,"scaling":{"type":"linear","factor":8}}`),
		tinyModel(t, "phi3", `,"rope":{"theta":10000,"neox":true,"dimensions":48,"scaling":{"type":"longrope","original_context":1024}}`),
	}
}

func TestWriteMatchesLayout(t *testing.T) {
	for i, m := range tinyModels(t) {
		fts := []gguf.FileType{gguf.FileTypeQ4_K_M}
		if i == 0 { // every architecture once, every kind of type on one
			fts = append(fts, gguf.FileTypeQ8_0, gguf.FileTypeF16, gguf.FileTypeQ2_K, gguf.FileTypeQ5_K_M, gguf.FileTypeQ4_0)
		}
		for _, ft := range fts {
			t.Run(m.Architecture+"/"+ft.String(), func(t *testing.T) {
				path := filepath.Join(t.TempDir(), "m.gguf")
				res, err := Write(context.Background(), path, Options{Model: m, FileType: ft, Seed: 7})
				if err != nil {
					t.Fatal(err)
				}
				f, err := gguf.Open(path)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				want, _ := recipe.Plan(ft, recipe.ShapeOf(m))
				if len(f.Tensors) != len(want.Tensors) {
					t.Fatalf("%d tensors, want %d", len(f.Tensors), len(want.Tensors))
				}
				for i, ti := range f.Tensors {
					w := want.Tensors[i]
					if ti.Name != w.Name || ti.Type != w.Type || fmt.Sprint(ti.Dims) != fmt.Sprint(w.Dims) {
						t.Errorf("tensor %d = %s %v %v, want %s %v %v", i, ti.Name, ti.Type, ti.Dims, w.Name, w.Type, w.Dims)
					}
				}
				if f.DataBytes() != res.DataBytes || res.DataBytes != want.Bytes {
					t.Errorf("data bytes %d, result %d, recipe %d", f.DataBytes(), res.DataBytes, want.Bytes)
				}
				if got, _ := f.ArchUint("block_count"); got != 2 {
					t.Errorf("block_count %d", got)
				}
				if got, _ := f.FileType(); got != ft {
					t.Errorf("general.file_type %v, want %v", got, ft)
				}
				if got, _ := f.Metadata.Uint("general.quantization_version"); got != 2 {
					t.Errorf("quantization_version %d", got)
				}
				if toks, _ := f.Metadata.Strings("tokenizer.ggml.tokens"); len(toks) != m.VocabSize {
					t.Errorf("%d tokens, want %d", len(toks), m.VocabSize)
				}
				checkValues(t, f)
			})
		}
	}
}

// checkValues dequantizes every tensor of f: all finite, norms near 1,
// matrices with std near weightStd.
func checkValues(t *testing.T, f *gguf.File) {
	t.Helper()
	for _, ti := range f.Tensors {
		data, err := f.TensorData(ti)
		if err != nil {
			t.Fatal(err)
		}
		vals := make([]float32, ti.NumElements())
		if err := quant.Dequantize(ti.Type, data, vals); err != nil {
			t.Fatalf("%s: %v", ti.Name, err)
		}
		mean, std := stats(t, vals)
		switch {
		case strings.HasSuffix(ti.Name, "_norm.weight"):
			if math.Abs(mean-1) > 0.02 {
				t.Errorf("%s: mean %.3f, want about 1", ti.Name, mean)
			}
		case strings.HasPrefix(ti.Name, "rope_"):
			for _, v := range vals {
				if v < 1 || v > 32 {
					t.Errorf("%s: factor %v outside [1, 32]", ti.Name, v)
				}
			}
		case len(ti.Dims) == 2:
			if math.Abs(std-weightStd) > 0.1*weightStd {
				t.Errorf("%s (%v): std %.4f, want about %.3f", ti.Name, ti.Type, std, weightStd)
			}
		}
	}
}

func TestSeedDeterminism(t *testing.T) {
	m := tinyModels(t)[0]
	dir := t.TempDir()
	sum := func(name string, seed uint64) [32]byte {
		path := filepath.Join(dir, name)
		if _, err := Write(context.Background(), path, Options{Model: m, FileType: gguf.FileTypeQ4_K_M, Seed: seed}); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		// general.name carries the seed; compare the tensor data only.
		f, err := gguf.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		return sha256.Sum256(data[f.DataOffset:])
	}
	a, b, c := sum("a.gguf", 1), sum("b.gguf", 1), sum("c.gguf", 2)
	if a != b {
		t.Error("the same seed gave different weights")
	}
	if a == c {
		t.Error("different seeds gave the same weights")
	}
}

func TestLlama3RopeFactors(t *testing.T) {
	m, err := models.Lookup("llama-3.2-1b")
	if err != nil {
		t.Fatal(err)
	}
	f := llama3RopeFactors(m, 32)
	// Highest frequencies are not scaled, lowest by the factor 32, and the
	// factors grow monotonically in between.
	if f[0] != 1 || f[31] != 32 {
		t.Errorf("factors[0] = %v, factors[31] = %v, want 1 and 32", f[0], f[31])
	}
	for i := 1; i < len(f); i++ {
		if f[i] < f[i-1] {
			t.Errorf("factor %d = %v < factor %d = %v", i, f[i], i-1, f[i-1])
		}
	}
}

func TestCancelLeavesNoFile(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	path := filepath.Join(t.TempDir(), "m.gguf")
	_, err := Write(ctx, path, Options{Model: tinyModels(t)[0], FileType: gguf.FileTypeQ8_0})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 0 {
		t.Fatalf("left behind: %v", entries)
	}
}

func TestLikeCopiesShape(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src.gguf")
	m := tinyModels(t)[0]
	v, err := GeneratedVocab(m.VocabSize)
	if err != nil {
		t.Fatal(err)
	}
	v.Tokens[m.VocabSize-1] = "<|only-in-the-source|>"
	if _, err := Write(context.Background(), src, Options{Model: m, FileType: gguf.FileTypeQ4_K_M, Seed: 3, Vocab: &v}); err != nil {
		t.Fatal(err)
	}
	f, err := gguf.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	like, err := models.FromGGUF(f)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(dir, "dst.gguf")
	if _, err := Write(context.Background(), dst, Options{Model: like, FileType: gguf.FileTypeQ8_0, Seed: 4, Like: f}); err != nil {
		t.Fatal(err)
	}
	g, err := gguf.Open(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if len(g.Tensors) != len(f.Tensors) {
		t.Fatalf("%d tensors, source has %d", len(g.Tensors), len(f.Tensors))
	}
	for i, ti := range g.Tensors {
		if ti.Name != f.Tensors[i].Name || fmt.Sprint(ti.Dims) != fmt.Sprint(f.Tensors[i].Dims) {
			t.Errorf("tensor %d = %s %v, source %s %v", i, ti.Name, ti.Dims, f.Tensors[i].Name, f.Tensors[i].Dims)
		}
	}
	// The tokenizer and the RoPE factors are copied from the source, not generated.
	ta, _ := f.Metadata.Strings("tokenizer.ggml.tokens")
	tb, _ := g.Metadata.Strings("tokenizer.ggml.tokens")
	if fmt.Sprint(ta) != fmt.Sprint(tb) || tb[len(tb)-1] != "<|only-in-the-source|>" {
		t.Error("the tokenizer differs from the source")
	}
	a, _ := f.Tensor("rope_freqs.weight")
	b, _ := g.Tensor("rope_freqs.weight")
	da, _ := f.TensorData(a)
	db, _ := g.TensorData(b)
	if !bytes.Equal(da, db) {
		t.Error("rope_freqs differs from the source")
	}
}
