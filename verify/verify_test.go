package verify

import (
	"context"
	"math"
	"path/filepath"
	"testing"

	"github.com/odbench/odbench/gguf"
	"github.com/odbench/odbench/runners"
	"github.com/odbench/odbench/runners/llamacpp"
	"github.com/odbench/odbench/runners/native"
	"github.com/odbench/odbench/runners/native/nativetest"
)

const prompt = "the north wind and the sun were disputing which was the stronger, when a traveller came along wrapped in a warm cloak."

func writeModel(t *testing.T, s nativetest.Spec) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "model.gguf")
	if err := nativetest.Write(path, s); err != nil {
		t.Fatal(err)
	}
	return path
}

func load(t *testing.T, r runners.Runner, path string) runners.Model {
	t.Helper()
	m, err := r.Load(context.Background(), path, runners.Options{Threads: 1, CtxSize: 256})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func TestMetrics(t *testing.T) {
	p := []float32{1, 2, 3}
	if kl := KL(p, p); kl != 0 {
		t.Errorf("KL(p, p) = %g", kl)
	}
	// KL of softmax([0, 0]) from softmax([0, ln 3]) = ln 2 - (ln 4)/2 ... computed by hand:
	// P = (1/2, 1/2), Q = (1/4, 3/4): ½ln2 + ½ln(2/3).
	want := 0.5*math.Log(2) + 0.5*math.Log(2.0/3)
	if kl := KL([]float32{0, 0}, []float32{0, float32(math.Log(3))}); math.Abs(kl-want) > 1e-6 {
		t.Errorf("KL = %g, want %g", kl, want)
	}
	if d := MaxAbsDiff([]float32{1, -2}, []float32{1.5, 1}); d != 3 {
		t.Errorf("MaxAbsDiff = %g, want 3", d)
	}
	if a := Argmax([]float32{1, 5, 5, 2}); a != 1 {
		t.Errorf("Argmax = %d, want 1", a)
	}
	if c := chunks("ab\ncd\nef", 4); len(c) != 3 || c[0] != "ab\n" || c[2] != "ef" {
		t.Errorf("chunks = %q", c)
	}
}

// TestSelfAndPerturbed compares the native engine with itself (every check
// passes exactly) and with a model of other weights (the checks fail).
func TestSelfAndPerturbed(t *testing.T) {
	s := nativetest.Default("llama", gguf.TypeQ8_0)
	a := load(t, native.Runner{}, writeModel(t, s))
	b := load(t, native.Runner{}, writeModel(t, s))
	rep, err := Run(context.Background(), a, b, Options{Text: prompt + "\n" + prompt, Prompt: prompt, NPositions: 24, Thresholds: Thresholds{MinTop1: 0.99, MaxMeanKL: 1e-3, NGreedy: 16}})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Pass || rep.Logits.MaxAbsDiff != 0 || rep.Greedy.Identical != 16 || rep.Tokenization.Tokens == 0 {
		t.Errorf("same file: %+v", rep)
	}
	s.Seed = 99
	c := load(t, native.Runner{}, writeModel(t, s))
	rep, err = Run(context.Background(), a, c, Options{Prompt: prompt, NPositions: 24, Thresholds: Thresholds{MinTop1: 0.99, MaxMeanKL: 1e-3, NGreedy: 16}})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Pass || rep.Logits.Pass || rep.Logits.MeanKL < 1e-2 {
		t.Errorf("other weights passed: %+v", rep.Logits)
	}
}

// TestAgainstLlamaCpp holds the native engine against the real llama.cpp
// library on tiny models of every architecture in every weight type (with
// -short or under the race detector, one pair: the race detector checks the
// engine's concurrency, which every pair exercises alike).
func TestAgainstLlamaCpp(t *testing.T) {
	if _, err := llamacpp.FindLibrary(""); err != nil {
		t.Skipf("llama.cpp library absent (run `make llama-lib`): %v", err)
	}
	qkm, mix := nativetest.QKM()
	types := map[string]struct {
		t   gguf.Type
		mix map[string]gguf.Type
	}{
		"F32": {gguf.TypeF32, nil}, "F16": {gguf.TypeF16, nil}, "Q8_0": {gguf.TypeQ8_0, nil},
		"Q4_0": {gguf.TypeQ4_0, nil}, "Q4_K_M": {qkm, mix}, "Q6_K": {gguf.TypeQ6_K, nil},
	}
	pairs := [][2]string{{"llama", "Q4_0"}}
	if !testing.Short() && !raceEnabled {
		pairs = nil
		for _, arch := range native.SupportedArchitectures() {
			for _, ty := range []string{"F32", "F16", "Q8_0", "Q4_0", "Q4_K_M", "Q6_K"} {
				pairs = append(pairs, [2]string{arch, ty})
			}
		}
	}
	for _, p := range pairs {
		arch, tt := p[0], types[p[1]]
		t.Run(arch+"/"+p[1], func(t *testing.T) {
			s := nativetest.Default(arch, tt.t)
			s.Mix = tt.mix
			path := writeModel(t, s)
			nat := load(t, native.Runner{}, path)
			ref := load(t, llamacpp.Runner{}, path)
			rep, err := Run(context.Background(), nat, ref, Options{Text: prompt, Prompt: prompt})
			if err != nil {
				t.Fatal(err)
			}
			l := rep.Logits
			t.Logf("positions %d, max|Δ| %.3g, KL mean %.3g max %.3g, top-1 %.1f%%, batch max|Δ| %.3g, greedy %d/%d",
				l.Positions, l.MaxAbsDiff, l.MeanKL, l.MaxKL, 100*l.Top1, l.BatchMaxAbsDiff, rep.Greedy.Identical, rep.Greedy.Want)
			if !rep.Pass {
				t.Errorf("verify failed: tokens %+v, logits %+v, greedy %d/%d", rep.Tokenization, l, rep.Greedy.Identical, rep.Greedy.Want)
			}
		})
	}
}
