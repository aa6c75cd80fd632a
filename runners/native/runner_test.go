package native

import (
	"context"
	"strings"
	"testing"

	"github.com/odbench/odbench/gguf"
	"github.com/odbench/odbench/runners"
	"github.com/odbench/odbench/runners/native/nativetest"
)

func loadModel(t *testing.T, s nativetest.Spec, opts runners.Options) runners.Model {
	t.Helper()
	r, err := runners.Get("native")
	if err != nil {
		t.Fatal(err)
	}
	m, err := r.Load(context.Background(), writeModel(t, s), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func TestRunnerModel(t *testing.T) {
	s := nativetest.Default("qwen2", gguf.TypeQ8_0)
	m := loadModel(t, s, runners.Options{Threads: 1, CtxSize: 128, GPULayers: 99})
	info := m.Info()
	if info.Arch != "qwen2" || info.NVocab != s.NVocab || info.NLayer != s.NLayer || info.NCtx != 128 ||
		info.NHead != s.NHead || info.NHeadKV != s.NHeadKV || info.FileType != "Q8_0" || info.NParams == 0 ||
		!strings.HasPrefix(info.Description, "qwen2 ") {
		t.Errorf("Info = %+v", info)
	}
	if g, ok := m.(runners.GPUOffloader); !ok || g.GPULayers() != 0 {
		t.Errorf("GPU layers: want an offloader reporting 0")
	}
	lr := m.(runners.LogitsReader)
	if _, err := lr.Logits(); err == nil {
		t.Error("Logits before any Decode succeeded")
	}
	if _, err := m.Sample(runners.SamplerParams{}); err == nil {
		t.Error("Sample before any Decode succeeded")
	}

	const text = "the sea hears the star"
	ids, err := m.Tokenize(text, true, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) < 2 || ids[0] != m.BOS() || m.BOS() != 1 {
		t.Fatalf("Tokenize(%q) = %v, BOS %d", text, ids, m.BOS())
	}
	var b strings.Builder
	for _, id := range ids[1:] {
		p, err := m.TokenPiece(id)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(p)
	}
	if got := strings.TrimPrefix(b.String(), " "); got != text {
		t.Errorf("pieces give %q, want %q", got, text)
	}
	if _, err := m.TokenPiece(int32(s.NVocab)); err == nil {
		t.Error("TokenPiece outside the vocabulary succeeded")
	}
	if !m.IsEOG(2) || m.IsEOG(ids[1]) {
		t.Error("IsEOG: want </s> (2) to end generation and a word piece not to")
	}

	ctx := context.Background()
	gen := func() []int32 {
		if err := m.Reset(); err != nil {
			t.Fatal(err)
		}
		if err := m.Decode(ctx, ids); err != nil {
			t.Fatal(err)
		}
		var out []int32
		for range 8 {
			tok, err := m.Sample(runners.SamplerParams{Temperature: 0.7, Seed: 5})
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, tok)
			if err := m.Decode(ctx, []int32{tok}); err != nil {
				t.Fatal(err)
			}
		}
		return out
	}
	if a, b := gen(), gen(); !equalInts(a, b) {
		t.Errorf("seeded generation differs after Reset: %v, %v", a, b)
	}
	l, err := lr.Logits()
	if err != nil || len(l) != s.NVocab {
		t.Fatalf("Logits: %d values, %v", len(l), err)
	}
	mem := m.(runners.MemoryReporter).Memory()
	if mem.WeightsBytes == 0 || mem.KVBytes == 0 || mem.ComputeBytes == 0 {
		t.Errorf("Memory = %+v", mem)
	}
}

// TestHarness runs the shared measurement harness on the native runner.
func TestHarness(t *testing.T) {
	m := loadModel(t, nativetest.Default("llama", gguf.TypeQ4_0), runners.Options{Threads: 1, CtxSize: 64})
	meas, err := runners.Run(context.Background(), m, runners.Test{NPrompt: 16, NGen: 4}, runners.Config{Repetitions: 2})
	if err != nil {
		t.Fatal(err)
	}
	if len(meas.Ns) != 2 || len(meas.TTFTNs) != 2 || meas.Ns[0] == 0 {
		t.Errorf("measurement = %+v", meas)
	}
}
