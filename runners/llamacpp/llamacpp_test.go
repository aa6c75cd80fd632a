//go:build !android

package llamacpp

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"

	"github.com/odbench/odbench/results/schema"
	"github.com/odbench/odbench/runners"
	"github.com/odbench/odbench/runners/runnertest"
)

// load loads the tiny model through the real library, skipping the test
// when the library is not installed.
func load(t *testing.T, opts runners.Options) runners.Model {
	t.Helper()
	lib, err := FindLibrary("")
	if errors.Is(err, ErrLibraryNotFound) {
		t.Skipf("llama.cpp library absent (run `make llama-lib`): %v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("llama.cpp library: %s (release %q, from %s)", lib.Dir, lib.Release, lib.From)
	path := runnertest.WriteLlama(t, t.TempDir(), "tiny.gguf", 1)
	r, err := runners.Get("llamacpp")
	if err != nil {
		t.Fatal(err)
	}
	if opts.Threads == 0 {
		opts.Threads = 1
	}
	m, err := r.Load(context.Background(), path, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := m.Close(); err != nil {
			t.Error(err)
		}
	})
	return m
}

func TestInfo(t *testing.T) {
	m := load(t, runners.Options{CtxSize: 128})
	in := m.Info()
	if in.Arch != "llama" || in.NVocab != runnertest.NVocab || in.NLayer != runnertest.NLayer ||
		in.NEmbd != runnertest.NEmbd || in.NHeadKV != runnertest.NHeadKV || in.NCtx < 128 || in.NCtxTrain != runnertest.NCtxTrain {
		t.Fatalf("info = %+v", in)
	}
	if m.BOS() != runnertest.BOS || !m.IsEOG(runnertest.EOS) || m.IsEOG(65) {
		t.Fatalf("BOS %d, IsEOG(EOS) %v", m.BOS(), m.IsEOG(runnertest.EOS))
	}
	if in.Threads != 1 {
		t.Fatalf("threads = %d, want 1", in.Threads)
	}
}

func TestTokensRoundTrip(t *testing.T) {
	m := load(t, runners.Options{CtxSize: 64})
	const text = "in the thin hen, 2026: ünïcødé ✓"
	toks, err := m.Tokenize(text, true, false)
	if err != nil {
		t.Fatal(err)
	}
	if toks[0] != runnertest.BOS {
		t.Fatalf("first token %d, want BOS %d", toks[0], runnertest.BOS)
	}
	// " the" is one merged token: "Ġt" + "he" → "Ġthe".
	if !slices.Contains(toks, 256+2) || !slices.Contains(toks, 256+3) {
		t.Fatalf("tokens %v lack the merged tokens Ġthe (258) and in (259)", toks)
	}
	var got []byte
	for _, tok := range toks[1:] {
		p, err := m.TokenPiece(tok)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, p...)
	}
	if string(got) != text {
		t.Fatalf("round trip %q, want %q", got, text)
	}
	if _, err := m.TokenPiece(runnertest.NVocab); err == nil {
		t.Fatal("TokenPiece accepted a token outside the vocabulary")
	}
}

func TestLogitsShape(t *testing.T) {
	m := load(t, runners.Options{CtxSize: 64})
	lr, ok := m.(runners.LogitsReader)
	if !ok {
		t.Fatal("llamacpp model has no Logits")
	}
	if _, err := lr.Logits(); err == nil {
		t.Fatal("Logits before any Decode should fail")
	}
	if err := m.Decode(context.Background(), []int32{runnertest.BOS, 'h', 'e'}); err != nil {
		t.Fatal(err)
	}
	l, err := lr.Logits()
	if err != nil {
		t.Fatal(err)
	}
	if len(l) != runnertest.NVocab {
		t.Fatalf("logits length %d, want n_vocab %d", len(l), runnertest.NVocab)
	}
	distinct := map[float32]bool{}
	for _, v := range l {
		distinct[v] = true
	}
	if len(distinct) < runnertest.NVocab/2 {
		t.Fatalf("only %d distinct logits: the model did not compute", len(distinct))
	}
	// The same prefix after a Reset gives the same logits.
	first := slices.Clone(l)
	if err := m.Reset(); err != nil {
		t.Fatal(err)
	}
	if err := m.Decode(context.Background(), []int32{runnertest.BOS, 'h'}); err != nil {
		t.Fatal(err)
	}
	if err := m.Decode(context.Background(), []int32{'e'}); err != nil {
		t.Fatal(err)
	}
	again, _ := lr.Logits()
	for i := range first {
		if d := first[i] - again[i]; d > 1e-3 || d < -1e-3 {
			t.Fatalf("logit %d: %g in one batch, %g in two", i, first[i], again[i])
		}
	}
}

// generate decodes prompt then samples n tokens with p.
func generate(t *testing.T, m runners.Model, prompt []int32, n int, p runners.SamplerParams) []int32 {
	t.Helper()
	if err := m.Reset(); err != nil {
		t.Fatal(err)
	}
	if err := m.Decode(context.Background(), prompt); err != nil {
		t.Fatal(err)
	}
	var out []int32
	for range n {
		tok, err := m.Sample(p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, tok)
		if err := m.Decode(context.Background(), []int32{tok}); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func TestGenerationDeterministic(t *testing.T) {
	m := load(t, runners.Options{CtxSize: 128})
	prompt := []int32{runnertest.BOS, 'T', 'h', 'e'}
	greedy := runners.SamplerParams{Seed: 42}
	a := generate(t, m, prompt, 24, greedy)
	b := generate(t, m, prompt, 24, greedy)
	if !slices.Equal(a, b) {
		t.Fatalf("greedy generation differs:\n%v\n%v", a, b)
	}
	// Greedy means argmax of the logits.
	lr := m.(runners.LogitsReader)
	if err := m.Reset(); err != nil {
		t.Fatal(err)
	}
	if err := m.Decode(context.Background(), prompt); err != nil {
		t.Fatal(err)
	}
	l, _ := lr.Logits()
	if best := int32(argmax(l)); best != a[0] {
		t.Fatalf("greedy first token %d, argmax %d", a[0], best)
	}
	// Seeded sampling repeats for one seed and (almost surely) differs for another.
	hot := runners.SamplerParams{Temperature: 1.5, Seed: 1}
	s1, s2 := generate(t, m, prompt, 24, hot), generate(t, m, prompt, 24, hot)
	if !slices.Equal(s1, s2) {
		t.Fatalf("seeded sampling differs:\n%v\n%v", s1, s2)
	}
	hot.Seed = 2
	if s3 := generate(t, m, prompt, 24, hot); slices.Equal(s1, s3) {
		t.Fatalf("seeds 1 and 2 sampled the same 24 tokens %v", s1)
	}
}

func argmax(xs []float32) int {
	best := 0
	for i, x := range xs {
		if x > xs[best] {
			best = i
		}
	}
	return best
}

func TestDecodeErrors(t *testing.T) {
	m := load(t, runners.Options{CtxSize: 16, BatchSize: 4})
	nCtx := m.Info().NCtx // llama.cpp rounds the context up to 256
	if err := m.Decode(context.Background(), make([]int32, nCtx+1)); !errors.Is(err, runners.ErrContextFull) {
		t.Fatalf("%d tokens in a context of %d: err = %v, want ErrContextFull", nCtx+1, nCtx, err)
	}
	if err := m.Decode(context.Background(), []int32{runnertest.NVocab}); err == nil {
		t.Fatal("Decode accepted a token outside the vocabulary")
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := m.Decode(ctx, []int32{1, 2}); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled Decode: err = %v", err)
	}
	// Batches of 4 fill the context exactly.
	if err := m.Reset(); err != nil {
		t.Fatal(err)
	}
	toks := make([]int32, nCtx)
	for i := range toks {
		toks[i] = int32('a' + i%26)
	}
	if err := m.Decode(context.Background(), toks); err != nil {
		t.Fatalf("%d tokens in batches of 4: %v", nCtx, err)
	}
}

func TestHarness(t *testing.T) {
	m := load(t, runners.Options{CtxSize: 128})
	var progress []int
	cfg := runners.Config{Repetitions: 3, Seed: 1, Progress: func(_ runners.Test, rep, _ int) { progress = append(progress, rep) }}
	for _, test := range []runners.Test{{NPrompt: 16}, {NGen: 8}, {NPrompt: 8, NGen: 4, NDepth: 32}} {
		progress = nil
		meas, err := runners.Run(context.Background(), m, test, cfg)
		if err != nil {
			t.Fatalf("%s: %v", test.Name(), err)
		}
		if len(meas.Ns) != 3 || !slices.Equal(progress, []int{0, 1, 2, 3}) {
			t.Fatalf("%s: %d samples, progress %v", test.Name(), len(meas.Ns), progress)
		}
		if (test.NPrompt > 0) != (len(meas.TTFTNs) == 3) {
			t.Fatalf("%s: %d TTFT samples", test.Name(), len(meas.TTFTNs))
		}
		for i, ns := range meas.Ns {
			if ns == 0 || (len(meas.TTFTNs) > 0 && test.NGen == 0 && meas.TTFTNs[i] < ns) {
				t.Fatalf("%s: sample %d: %d ns, TTFT %v", test.Name(), i, ns, meas.TTFTNs)
			}
		}
		if meas.PeakRSS == 0 {
			t.Fatalf("%s: no peak RSS", test.Name())
		}
	}
	// A test that does not fit in the context fails with ErrContextFull.
	if _, err := runners.Run(context.Background(), m, runners.Test{NPrompt: m.Info().NCtx, NDepth: 1}, cfg); !errors.Is(err, runners.ErrContextFull) {
		t.Fatalf("err = %v, want ErrContextFull", err)
	}
	// Cancelled after the second repetition: two samples and the context's error.
	ctx, cancel := context.WithCancel(context.Background())
	cfg.Progress = func(_ runners.Test, rep, _ int) {
		if rep == 2 {
			cancel()
		}
	}
	meas, err := runners.Run(ctx, m, runners.Test{NGen: 4}, cfg)
	if !runners.IsInterrupted(err) || len(meas.Ns) != 2 {
		t.Fatalf("interrupted run: err %v, %d samples", err, len(meas.Ns))
	}
}

func TestGenerate(t *testing.T) {
	m := load(t, runners.Options{CtxSize: 64})
	var streamed []byte
	emit := func(p []byte) error { streamed = append(streamed, p...); return nil }
	g, err := runners.Generate(context.Background(), m, "in the", 10, runners.SamplerParams{}, emit)
	if err != nil {
		t.Fatal(err)
	}
	if g.PromptTokens != 3 || string(streamed) != g.Text || g.TTFTMs <= 0 {
		t.Fatalf("generation %+v, streamed %q", g, streamed)
	}
	if g.StopReason == "length" && g.GenTokens != 10 || g.StopReason == "eog" && g.GenTokens >= 10 {
		t.Fatalf("stop %q after %d tokens", g.StopReason, g.GenTokens)
	}
	again, err := runners.Generate(context.Background(), m, "in the", 10, runners.SamplerParams{}, func([]byte) error { return nil })
	if err != nil || again.Text != g.Text {
		t.Fatalf("greedy generation not repeated: %q vs %q (%v)", again.Text, g.Text, err)
	}
	// A context of 256 fills up before 300 tokens.
	long, err := runners.Generate(context.Background(), m, "in", 300, runners.SamplerParams{Temperature: 1, Seed: 3}, func([]byte) error { return nil })
	if err != nil || (long.StopReason != "context" && long.StopReason != "eog") {
		t.Fatalf("long generation: %+v, %v", long, err)
	}
}

func TestSweep(t *testing.T) {
	path := runnertest.WriteLlama(t, t.TempDir(), "tiny.gguf", 2)
	if _, err := FindLibrary(""); err != nil {
		t.Skipf("llama.cpp library absent (run `make llama-lib`): %v", err)
	}
	r, _ := runners.Get("llamacpp")
	sw := runners.Sweep{
		Runner: r, Model: path, Tests: []runners.Test{{NPrompt: 8}, {NGen: 4, NDepth: 8}},
		Options: []runners.Options{{Threads: 1, BatchSize: 2048, UBatchSize: 512}, {Threads: 1, BatchSize: 4, UBatchSize: 4, KVType: "q8_0"}},
		Config:  runners.Config{Repetitions: 2, NoWarmup: true},
	}
	doc, err := sw.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(doc.Results) != 4 || doc.Interrupted {
		t.Fatalf("%d results, interrupted %v", len(doc.Results), doc.Interrupted)
	}
	last := doc.Results[3]
	if last.Test != "tg4 @ d8" || last.NBatch != 4 || last.TypeK != "q8_0" || last.TypeV != "f16" || last.Repetitions != 2 ||
		last.ModelType != "llama ?B all F32" || last.ModelNParams == 0 || last.LoadMs <= 0 {
		t.Fatalf("last result %+v", last)
	}
	data, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate("bench.v1.json", data); err != nil {
		t.Fatal(err)
	}
	// Interrupted during the second test: the first test and the finished repetitions remain.
	sw.Options = sw.Options[:1]
	ctx, cancel := context.WithCancel(context.Background())
	sw.Config.Repetitions = 3
	sw.Config.Progress = func(t runners.Test, rep, _ int) {
		if t.NGen > 0 && rep == 1 {
			cancel()
		}
	}
	doc, err = sw.Run(ctx)
	if !runners.IsInterrupted(err) || !doc.Interrupted || len(doc.Results) != 2 || doc.Results[1].Repetitions != 1 {
		t.Fatalf("interrupted sweep: err %v, interrupted %v, results %d", err, doc.Interrupted, len(doc.Results))
	}
}
