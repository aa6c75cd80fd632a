package native

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/odbench/odbench/gguf"
)

func metadata(arch string, kv map[string]any) *gguf.Metadata {
	md := &gguf.Metadata{}
	if arch != "" {
		md.Set("general.architecture", gguf.MustValue(arch))
	}
	base := map[string]any{
		"embedding_length": uint32(512), "block_count": uint32(12), "feed_forward_length": uint32(1024),
		"attention.head_count": uint32(8), "attention.head_count_kv": uint32(2),
	}
	for k, v := range kv {
		base[k] = v
	}
	for k, v := range base {
		if v != nil {
			md.Set(arch+"."+k, gguf.MustValue(v))
		}
	}
	return md
}

func TestConfigFromMetadata(t *testing.T) {
	tests := []struct {
		name    string
		arch    string
		kv      map[string]any
		wantErr string
		check   func(t *testing.T, c Config)
	}{
		{name: "llama defaults", arch: "llama", check: func(t *testing.T, c Config) {
			if c.HeadDim != 64 || c.NRot != 64 || c.RopeBase != 10000 || c.RopeScale != 1 || c.RopeAttnFactor != 1 ||
				c.Eps != 1e-5 || c.spec.ropeNeoX || c.SWA != 0 || c.slidingLayer(0) {
				t.Errorf("config = %+v", c)
			}
			if math.Abs(float64(c.AttnScale)-0.125) > 1e-7 {
				t.Errorf("attention scale %v, want 1/8", c.AttnScale)
			}
			if c.spec.scaleQueries || c.scoreScale() != c.AttnScale {
				t.Errorf("llama scales the scores: scaleQueries %v, score scale %v", c.spec.scaleQueries, c.scoreScale())
			}
		}},
		{name: "linear scaling", arch: "llama", kv: map[string]any{"rope.scaling.type": "linear", "rope.scaling.factor": float32(8)}, check: func(t *testing.T, c Config) {
			if c.RopeScale != 0.125 {
				t.Errorf("rope scale %v, want 0.125", c.RopeScale)
			}
		}},
		{name: "yarn refused", arch: "qwen2", kv: map[string]any{"rope.scaling.type": "yarn"}, wantErr: `RoPE scaling "yarn"`},
		{name: "gemma3 sliding pattern", arch: "gemma3", kv: map[string]any{"attention.sliding_window": uint32(512), "rope.freq_base": float32(1e6)}, check: func(t *testing.T, c Config) {
			for il, want := range []bool{true, true, true, true, true, false, true} {
				if c.slidingLayer(il) != want {
					t.Errorf("layer %d sliding = %v", il, !want)
				}
			}
			if b, _ := c.ropeParams(0); b != 10000 {
				t.Errorf("sliding layer RoPE base %v, want 10000", b)
			}
			if b, _ := c.ropeParams(5); b != 1e6 {
				t.Errorf("global layer RoPE base %v, want 1e6", b)
			}
			if !c.spec.scaleQueries || c.scoreScale() != 1 {
				t.Errorf("gemma3 scales the queries: scaleQueries %v, score scale %v (want 1)", c.spec.scaleQueries, c.scoreScale())
			}
		}},
		{name: "gemma3 27B attention scale", arch: "gemma3", kv: map[string]any{"block_count": uint32(62), "attention.key_length": uint32(128), "attention.value_length": uint32(128)}, check: func(t *testing.T, c Config) {
			if want := float32(1 / math.Sqrt(64)); c.AttnScale != want {
				t.Errorf("attention scale %v, want %v (1/sqrt(n_embd/n_head))", c.AttnScale, want)
			}
		}},
		{name: "missing architecture", wantErr: "general.architecture is missing"},
		{name: "missing block count", arch: "qwen3", kv: map[string]any{"block_count": nil}, wantErr: "qwen3.block_count is missing"},
		{name: "bad GQA", arch: "phi3", kv: map[string]any{"attention.head_count_kv": uint32(3)}, wantErr: "not a multiple"},
		{name: "key and value widths differ", arch: "llama", kv: map[string]any{"attention.value_length": uint32(32)}, wantErr: "value length"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := configFromMetadata(metadata(tt.arch, tt.kv), 1000)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
	_, err := configFromMetadata(metadata("falcon", nil), 1000)
	if !errors.Is(err, ErrUnsupportedArch) || !strings.Contains(err.Error(), "gemma3, llama, phi3, qwen2, qwen3") {
		t.Errorf("falcon: err = %v", err)
	}
}
