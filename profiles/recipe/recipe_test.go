package recipe

import (
	"errors"
	"fmt"
	"testing"

	"github.com/odbench/odbench/gguf"
	"github.com/odbench/odbench/profiles/models"
)

func lookup(t *testing.T, id string) models.Model {
	t.Helper()
	m, err := models.Lookup(id)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// Byte mixes worked out by hand from llama.cpp's rules for Llama 3.2 1B
// (16 layers, tied embeddings, 128256×2048 embedding). use_more_bits picks
// layers 0, 1, 4, 7, 10, 13, 14 and 15.
func TestLlama32_1BByteMix(t *testing.T) {
	const (
		embd   = 128256 * 2048
		qo     = 2048 * 2048
		kv     = 2048 * 512
		ffn    = 2048 * 8192
		f32    = (16*2*2048 + 2048 + 32) * 4 // norms and rope_freqs
		q6k    = 210.0 / 256
		q4k    = 144.0 / 256
		q8     = 34.0 / 32
		q40    = 18.0 / 32
		layers = 16
	)
	tests := []struct {
		ft   gguf.FileType
		want map[gguf.Type]int64
	}{
		{gguf.FileTypeQ4_K_M, map[gguf.Type]int64{
			gguf.TypeQ6_K: int64(q6k * (embd + 8*kv + 8*ffn)),
			gguf.TypeQ4_K: int64(q4k * (layers*(2*qo+kv+2*ffn) + 8*kv + 8*ffn)),
			gguf.TypeF32:  f32,
		}},
		{gguf.FileTypeQ8_0, map[gguf.Type]int64{
			gguf.TypeQ8_0: int64(q8 * (embd + layers*(2*qo+2*kv+3*ffn))),
			gguf.TypeF32:  f32,
		}},
		{gguf.FileTypeQ4_0, map[gguf.Type]int64{
			gguf.TypeQ6_K: int64(q6k * embd),
			gguf.TypeQ4_0: int64(q40 * layers * (2*qo + 2*kv + 3*ffn)),
			gguf.TypeF32:  f32,
		}},
		{gguf.FileTypeF16, map[gguf.Type]int64{
			gguf.TypeF16: 2 * (embd + layers*(2*qo+2*kv+3*ffn)),
			gguf.TypeF32: f32,
		}},
		{gguf.FileTypeQ3_K_M, map[gguf.Type]int64{
			gguf.TypeQ6_K: int64(q6k * embd),
			// attn_v: Q5_K in layers 0-1; ffn_down: Q5_K in layer 0 (16/16 = 1).
			gguf.TypeQ5_K: int64(176.0 / 256 * (2*kv + ffn)),
			gguf.TypeQ4_K: int64(q4k * (14*kv + 15*ffn + layers*qo)),
			gguf.TypeQ3_K: int64(110.0 / 256 * layers * (qo + kv + 2*ffn)),
			gguf.TypeF32:  f32,
		}},
	}
	m := lookup(t, "llama-3.2-1b")
	for _, tt := range tests {
		t.Run(tt.ft.String(), func(t *testing.T) {
			l, err := Plan(tt.ft, ShapeOf(m))
			if err != nil {
				t.Fatal(err)
			}
			got := l.TypeBytes()
			if fmt.Sprint(got) != fmt.Sprint(tt.want) {
				t.Errorf("byte mix\n got %v\nwant %v", got, tt.want)
			}
			var sum int64
			for _, b := range tt.want {
				sum += b
			}
			if l.Bytes != sum {
				t.Errorf("Bytes = %d, want %d", l.Bytes, sum)
			}
		})
	}
}

func TestPerTensorRules(t *testing.T) {
	m8 := lookup(t, "llama-3.1-8b") // 32 layers, GQA 4, untied
	q05 := lookup(t, "qwen2.5-0.5b")
	phi := lookup(t, "phi-3.5-mini") // GQA 1, fused qkv
	tests := []struct {
		m      models.Model
		ft     gguf.FileType
		tensor string
		want   gguf.Type
	}{
		{m8, gguf.FileTypeQ4_K_M, "output.weight", gguf.TypeQ6_K},
		{m8, gguf.FileTypeQ4_K_M, "token_embd.weight", gguf.TypeQ4_K}, // untied: default type
		{m8, gguf.FileTypeQ4_K_M, "blk.3.attn_v.weight", gguf.TypeQ6_K},
		{m8, gguf.FileTypeQ4_K_M, "blk.4.attn_v.weight", gguf.TypeQ4_K},
		{m8, gguf.FileTypeQ4_K_M, "blk.7.ffn_down.weight", gguf.TypeQ4_K},
		{m8, gguf.FileTypeQ4_K_M, "blk.6.ffn_down.weight", gguf.TypeQ6_K},
		{m8, gguf.FileTypeQ4_K_M, "blk.28.ffn_down.weight", gguf.TypeQ6_K},
		{m8, gguf.FileTypeQ4_K_M, "blk.0.attn_norm.weight", gguf.TypeF32},
		{m8, gguf.FileTypeQ4_K_M, "rope_freqs.weight", gguf.TypeF32},
		{m8, gguf.FileTypeQ8_0, "output.weight", gguf.TypeQ8_0},
		{m8, gguf.FileTypeQ2_K, "blk.9.attn_v.weight", gguf.TypeQ4_K}, // GQA 4
		{m8, gguf.FileTypeQ2_K, "blk.9.ffn_down.weight", gguf.TypeQ3_K},
		{m8, gguf.FileTypeQ2_K, "blk.9.attn_output.weight", gguf.TypeQ3_K},
		{m8, gguf.FileTypeQ2_K, "blk.9.ffn_up.weight", gguf.TypeQ2_K},
		{m8, gguf.FileTypeQ4_K_S, "blk.3.attn_v.weight", gguf.TypeQ5_K},
		{m8, gguf.FileTypeQ4_K_S, "blk.4.attn_v.weight", gguf.TypeQ4_K},
		{m8, gguf.FileTypeQ4_K_S, "blk.3.ffn_down.weight", gguf.TypeQ5_K},
		{m8, gguf.FileTypeQ4_K_S, "blk.4.ffn_down.weight", gguf.TypeQ4_K},
		{m8, gguf.FileTypeQ5_K_S, "blk.0.attn_v.weight", gguf.TypeQ5_K},
		{m8, gguf.FileTypeQ6_K, "blk.0.ffn_gate.weight", gguf.TypeQ6_K},
		{m8, gguf.FileTypeBF16, "output.weight", gguf.TypeBF16},
		{m8, gguf.FileTypeF32, "blk.0.ffn_gate.weight", gguf.TypeF32},
		// Qwen2.5 0.5B: 896-wide rows are not multiples of 256.
		{q05, gguf.FileTypeQ4_K_M, "token_embd.weight", gguf.TypeQ8_0},
		{q05, gguf.FileTypeQ4_K_M, "blk.5.attn_q.weight", gguf.TypeQ5_0},
		{q05, gguf.FileTypeQ4_K_M, "blk.0.attn_v.weight", gguf.TypeQ8_0}, // Q6_K falls back to Q8_0
		{q05, gguf.FileTypeQ4_K_M, "blk.6.ffn_down.weight", gguf.TypeQ4_K},
		{q05, gguf.FileTypeQ4_K_M, "blk.0.attn_q.bias", gguf.TypeF32},
		{q05, gguf.FileTypeQ5_K_M, "blk.5.ffn_up.weight", gguf.TypeQ5_1},
		{q05, gguf.FileTypeQ2_K, "blk.5.ffn_up.weight", gguf.TypeQ4_0},
		{phi, gguf.FileTypeQ4_K_M, "blk.0.attn_qkv.weight", gguf.TypeQ6_K},
		{phi, gguf.FileTypeQ4_K_M, "blk.5.attn_qkv.weight", gguf.TypeQ4_K},
		{phi, gguf.FileTypeQ2_K, "blk.5.attn_qkv.weight", gguf.TypeQ3_K}, // GQA 1
	}
	for _, tt := range tests {
		l, err := Plan(tt.ft, ShapeOf(tt.m))
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, ts := range l.Tensors {
			if ts.Name == tt.tensor {
				found = true
				if ts.Type != tt.want {
					t.Errorf("%s %s %s = %v, want %v", tt.m.ID, tt.ft, tt.tensor, ts.Type, tt.want)
				}
			}
		}
		if !found {
			t.Errorf("%s: no tensor %s", tt.m.ID, tt.tensor)
		}
	}
}

func TestUnsupportedFileType(t *testing.T) {
	if _, err := ParseFileType("IQ2_XXS"); !errors.Is(err, ErrUnsupported) {
		t.Errorf("IQ2_XXS: err = %v, want ErrUnsupported", err)
	}
	if _, err := ParseFileType("Q9_Z"); err == nil {
		t.Error("Q9_Z accepted")
	}
	if ft, err := ParseFileType("q4_k_m"); err != nil || ft != gguf.FileTypeQ4_K_M {
		t.Errorf("q4_k_m = %v, %v", ft, err)
	}
	if _, err := Plan(gguf.FileTypeQ4_K_M, Shape{}); err == nil {
		t.Error("empty shape accepted")
	}
}
