package native

import (
	"context"
	"errors"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/odbench/odbench/gguf"
	"github.com/odbench/odbench/runners"
	"github.com/odbench/odbench/runners/native/nativetest"
)

// testTokens is a prompt longer than gemma3's test sliding window (8).
var testTokens = []int32{1, 265, 290, 300, 17, 42, 311, 260, 299, 5, 270, 281, 318}

func writeModel(t *testing.T, s nativetest.Spec) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "model.gguf")
	if err := nativetest.Write(path, s); err != nil {
		t.Fatal(err)
	}
	return path
}

func openEngine(t *testing.T, path string, opts runners.Options) *Engine {
	t.Helper()
	e, err := Open(path, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

// stepLogits decodes tokens one at a time and returns the logits after each.
func stepLogits(t *testing.T, e *Engine, tokens []int32) [][]float32 {
	t.Helper()
	out := make([][]float32, len(tokens))
	for i, tok := range tokens {
		if err := e.Decode(context.Background(), []int32{tok}); err != nil {
			t.Fatal(err)
		}
		out[i] = append([]float32(nil), e.Logits()...)
	}
	return out
}

// relErr is max |a-b| over max |b|.
func relErr(a []float32, b []float64) float64 {
	var d, m float64
	for i := range b {
		d = max(d, math.Abs(float64(a[i])-b[i]))
		m = max(m, math.Abs(b[i]))
	}
	return d / m
}

func argmax[T float32 | float64](x []T) int {
	best := 0
	for i, v := range x {
		if v > x[best] {
			best = i
		}
	}
	return best
}

// TestEngineMatchesReference runs every architecture in several weight
// types (Q4_0 alone with -short or under the race detector) against the
// float64 reference forward: stepwise decoding and one batched prefill
// must both agree with it.
func TestEngineMatchesReference(t *testing.T) {
	qkm, mix := nativetest.QKM()
	types := []struct {
		name string
		t    gguf.Type
		mix  map[string]gguf.Type
		tol  float64 // relative error of the logits allowed
	}{
		{"F32", gguf.TypeF32, nil, 3e-3},
		{"F16", gguf.TypeF16, nil, 1e-2},
		{"Q8_0", gguf.TypeQ8_0, nil, 2e-2},
		{"Q4_0", gguf.TypeQ4_0, nil, 3e-2},
		{"Q4_K_M", qkm, mix, 3e-2},
		{"Q6_K", gguf.TypeQ6_K, nil, 3e-2},
	}
	for _, arch := range SupportedArchitectures() {
		for _, tt := range types {
			if (testing.Short() || raceEnabled) && tt.name != "Q4_0" {
				continue // the race detector slows the arithmetic ten- to twentyfold
			}
			t.Run(arch+"/"+tt.name, func(t *testing.T) {
				s := nativetest.Default(arch, tt.t)
				s.Mix = tt.mix
				s.Tied = arch == "gemma3"
				s.RopeFreqs = arch == "llama"
				path := writeModel(t, s)
				e := openEngine(t, path, runners.Options{Threads: 2})
				ref := &refModel{t: t, f: e.file, arch: arch, c: e.cfg}
				want := ref.logits(testTokens)
				got := stepLogits(t, e, testTokens)
				worst := 0.0
				for i := range want {
					err := relErr(got[i], want[i])
					worst = max(worst, err)
					if err > tt.tol {
						t.Errorf("position %d: relative error %.2g > %.2g", i, err, tt.tol)
					}
					if argmax(got[i]) != argmax(want[i]) {
						t.Logf("position %d: top token %d, reference %d", i, argmax(got[i]), argmax(want[i]))
					}
				}
				t.Logf("worst relative error of the logits: %.2g", worst)
				e.Reset()
				if err := e.Decode(context.Background(), testTokens); err != nil {
					t.Fatal(err)
				}
				last := len(testTokens) - 1
				if err := relErr(e.Logits(), want[last]); err > tt.tol {
					t.Errorf("batched prefill: relative error %.2g > %.2g", err, tt.tol)
				}
			})
		}
	}
}

// TestKVCacheQ8_0 checks that the Q8_0 cache stays close to the F16 one.
func TestKVCacheQ8_0(t *testing.T) {
	path := writeModel(t, nativetest.Default("llama", gguf.TypeF32))
	f16 := stepLogits(t, openEngine(t, path, runners.Options{Threads: 2}), testTokens)
	q8 := stepLogits(t, openEngine(t, path, runners.Options{Threads: 2, KVType: "q8_0"}), testTokens)
	for i := range f16 {
		want := make([]float64, len(f16[i]))
		for j, v := range f16[i] {
			want[j] = float64(v)
		}
		if err := relErr(q8[i], want); err > 2e-2 {
			t.Errorf("position %d: Q8_0 cache differs from F16 by %.2g", i, err)
		}
	}
	if _, err := Open(path, runners.Options{KVType: "q4_1"}); err == nil || !strings.Contains(err.Error(), "q4_1") {
		t.Errorf("KV type q4_1: err = %v, want a refusal naming it", err)
	}
}

func TestUnsupportedArchitecture(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.gguf")
	w, err := gguf.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w.SetString("general.architecture", "mamba")
	if err := w.AddTensor("token_embd.weight", gguf.TypeF32, []uint64{32, 8}); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteTensor("token_embd.weight", make([]byte, 32*8*4)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = Open(path, runners.Options{})
	if !errors.Is(err, ErrUnsupportedArch) {
		t.Fatalf("err = %v, want ErrUnsupportedArch", err)
	}
	for _, a := range SupportedArchitectures() {
		if !strings.Contains(err.Error(), a) {
			t.Errorf("error %q does not list %s", err, a)
		}
	}
}

func TestContextFull(t *testing.T) {
	path := writeModel(t, nativetest.Default("llama", gguf.TypeQ8_0))
	e := openEngine(t, path, runners.Options{Threads: 1, CtxSize: 8})
	if err := e.Decode(context.Background(), testTokens); !errors.Is(err, runners.ErrContextFull) {
		t.Fatalf("err = %v, want ErrContextFull", err)
	}
	if err := e.Decode(context.Background(), []int32{1, 400}); err == nil {
		t.Fatal("token 400 of a 320-token vocabulary was accepted")
	}
}

// TestDecodeAllocatesNothing checks the steady state of generation.
func TestDecodeAllocatesNothing(t *testing.T) {
	path := writeModel(t, nativetest.Default("qwen3", gguf.TypeQ4_0))
	e := openEngine(t, path, runners.Options{Threads: 2, CtxSize: 256})
	ctx := context.Background()
	if err := e.Decode(ctx, testTokens); err != nil {
		t.Fatal(err)
	}
	tok := []int32{7}
	allocs := testing.AllocsPerRun(50, func() {
		if err := e.Decode(ctx, tok); err != nil {
			t.Fatal(err)
		}
		tok[0] = e.Sample(runners.SamplerParams{Temperature: 0.8, TopK: 40, TopP: 0.9, MinP: 0.05, RepeatPenalty: 1.1, Seed: 3})
	})
	if allocs != 0 {
		t.Errorf("Decode + Sample of one token allocates %v times", allocs)
	}
}

// benchEngine opens a model of 1024 wide, 4 blocks, Q4_0, on 2 threads.
func benchEngine(b *testing.B) *Engine {
	s := nativetest.Default("llama", gguf.TypeQ4_0)
	s.NEmbd, s.NLayer, s.NHead, s.NHeadKV, s.NFF, s.NVocab = 1024, 4, 16, 4, 4096, 4096
	path := filepath.Join(b.TempDir(), "bench.gguf")
	if err := nativetest.Write(path, s); err != nil {
		b.Fatal(err)
	}
	e, err := Open(path, runners.Options{Threads: 2, CtxSize: 1024})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { e.Close() })
	return e
}

// BenchmarkDecodeToken times the generation of one token after a
// 64-token prompt.
func BenchmarkDecodeToken(b *testing.B) {
	e := benchEngine(b)
	ctx := context.Background()
	prompt := make([]int32, 64)
	for i := range prompt {
		prompt[i] = int32(300 + i)
	}
	if err := e.Decode(ctx, prompt); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if e.Pos() >= e.NCtx()-1 {
			b.StopTimer()
			e.Reset()
			if err := e.Decode(ctx, prompt); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
		}
		if err := e.Decode(ctx, []int32{int32(300 + i%1000)}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPrefill times a 128-token prompt in one batch.
func BenchmarkPrefill(b *testing.B) {
	e := benchEngine(b)
	ctx := context.Background()
	prompt := make([]int32, 128)
	for i := range prompt {
		prompt[i] = int32(300 + i)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		e.Reset()
		if err := e.Decode(ctx, prompt); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(prompt))/b.Elapsed().Seconds(), "tokens/s")
}
