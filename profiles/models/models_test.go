package models

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestCatalogParamsMatchPublished(t *testing.T) {
	all, err := All()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"llama-3.2-1b", "llama-3.2-3b", "llama-3.1-8b", "qwen2.5-0.5b", "qwen2.5-1.5b",
		"qwen2.5-3b", "qwen2.5-7b", "qwen3-0.6b", "qwen3-1.7b", "qwen3-4b", "qwen3-8b", "gemma-3-1b",
		"gemma-3-4b", "phi-3.5-mini", "phi-4-mini", "mistral-7b-v0.3", "smollm2-135m", "smollm2-360m",
		"smollm2-1.7b", "tinyllama-1.1b"}
	if len(all) < len(want) {
		t.Fatalf("catalog has %d models, want at least %d", len(all), len(want))
	}
	for _, id := range want {
		m, err := Lookup(id)
		if err != nil {
			t.Errorf("Lookup(%s): %v", id, err)
			continue
		}
		if !strings.HasPrefix(m.Source, "huggingface.co/") {
			t.Errorf("%s: source %q does not name the published config", id, m.Source)
		}
		got := m.Params()
		rel := math.Abs(float64(got-m.PublishedParams)) / float64(m.PublishedParams)
		// Exact published counts match to a few rope-factor elements; rounded
		// model-card figures ("1.7B") to their rounding.
		if rel > 0.015 {
			t.Errorf("%s: %d parameters from the shape, published %d (%.2f%% off)", id, got, m.PublishedParams, 100*rel)
		}
	}
}

func TestExactParamCounts(t *testing.T) {
	// Counts published in the models' safetensors metadata; the GGUF layout
	// adds only the 32-element rope_freqs tensor of the llama3 scaling.
	for id, want := range map[string]int64{
		"llama-3.2-1b":    1235814400 + 32,
		"llama-3.1-8b":    8030261248 + 64,
		"qwen2.5-0.5b":    494032768,
		"mistral-7b-v0.3": 7248023552,
		"tinyllama-1.1b":  1100048384,
	} {
		m, err := Lookup(id)
		if err != nil {
			t.Fatal(err)
		}
		if got := m.Params(); got != want {
			t.Errorf("%s: %d parameters, want %d", id, got, want)
		}
	}
}

func TestLayoutNames(t *testing.T) {
	tests := []struct {
		id          string
		has, hasNot []string
	}{
		{"llama-3.2-1b", []string{"rope_freqs.weight", "token_embd.weight", "blk.15.ffn_down.weight", "output_norm.weight"}, []string{"output.weight", "blk.16.attn_q.weight", "blk.0.attn_q.bias"}},
		{"llama-3.1-8b", []string{"output.weight", "blk.31.attn_v.weight"}, nil},
		{"qwen2.5-0.5b", []string{"blk.0.attn_q.bias", "blk.0.attn_k.bias", "blk.0.attn_v.bias"}, []string{"blk.0.attn_q_norm.weight", "rope_freqs.weight"}},
		{"qwen3-0.6b", []string{"blk.27.attn_q_norm.weight", "blk.27.attn_k_norm.weight"}, []string{"blk.0.attn_q.bias"}},
		{"gemma-3-1b", []string{"blk.0.post_attention_norm.weight", "blk.0.post_ffw_norm.weight"}, []string{"output.weight"}},
		{"phi-3.5-mini", []string{"blk.0.attn_qkv.weight", "blk.0.ffn_up.weight", "rope_factors_long.weight", "output.weight"}, []string{"blk.0.attn_q.weight", "blk.0.ffn_gate.weight"}},
	}
	for _, tt := range tests {
		m, err := Lookup(tt.id)
		if err != nil {
			t.Fatal(err)
		}
		names := map[string]Tensor{}
		for _, ts := range m.Tensors() {
			if _, dup := names[ts.Name]; dup {
				t.Errorf("%s: tensor %s twice", tt.id, ts.Name)
			}
			names[ts.Name] = ts
		}
		for _, n := range tt.has {
			if _, ok := names[n]; !ok {
				t.Errorf("%s: missing %s", tt.id, n)
			}
		}
		for _, n := range tt.hasNot {
			if _, ok := names[n]; ok {
				t.Errorf("%s: unexpected %s", tt.id, n)
			}
		}
	}
	m, _ := Lookup("phi-4-mini")
	for _, ts := range m.Tensors() {
		if ts.Name == "blk.0.attn_qkv.weight" && (ts.Dims[0] != 3072 || ts.Dims[1] != 3072+2*1024) {
			t.Errorf("phi-4-mini attn_qkv dims %v", ts.Dims)
		}
		if ts.Name == "rope_factors_long.weight" && ts.Dims[0] != 48 {
			t.Errorf("phi-4-mini rope factors dims %v, want [48] (partial rotary 96)", ts.Dims)
		}
	}
}

func TestLookupUnknown(t *testing.T) {
	_, err := Lookup("no-such-model")
	if !errors.Is(err, ErrUnknownModel) || !strings.Contains(err.Error(), "llama-3.2-1b") {
		t.Fatalf("err = %v, want ErrUnknownModel listing the known ids", err)
	}
}

func TestParseRejectsBadShapes(t *testing.T) {
	tests := map[string]string{
		"unknown field":  `{"id":"x","architecture":"llama","bogus":1}`,
		"unknown arch":   `{"id":"x","architecture":"mamba","layers":1,"embedding_size":8,"heads":1,"kv_heads":1,"head_size":8,"ffn_size":8,"vocab_size":8,"max_context":8,"rope":{"theta":1},"norm_eps":1e-5}`,
		"zero layers":    `{"id":"x","architecture":"llama","layers":0,"embedding_size":8,"heads":1,"kv_heads":1,"head_size":8,"ffn_size":8,"vocab_size":8,"max_context":8,"rope":{"theta":1},"norm_eps":1e-5}`,
		"huge vocab":     `{"id":"x","architecture":"llama","layers":1,"embedding_size":8,"heads":1,"kv_heads":1,"head_size":8,"ffn_size":8,"vocab_size":99999999999,"max_context":8,"rope":{"theta":1},"norm_eps":1e-5}`,
		"heads not kv×n": `{"id":"x","architecture":"llama","layers":1,"embedding_size":8,"heads":3,"kv_heads":2,"head_size":8,"ffn_size":8,"vocab_size":8,"max_context":8,"rope":{"theta":1},"norm_eps":1e-5}`,
	}
	for name, js := range tests {
		if _, err := Parse([]byte(js)); err == nil {
			t.Errorf("%s: Parse accepted %s", name, js)
		}
	}
}
