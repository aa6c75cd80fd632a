//go:build !android

package ollama_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/odbench/odbench/runners"
	"github.com/odbench/odbench/runners/ollama"
	"github.com/odbench/odbench/serve/servetest"
)

// TestAgainstServe benches `odbench serve` (the tiny model on the real
// llama.cpp library) through Ollama's API over loopback.
func TestAgainstServe(t *testing.T) {
	url, m := servetest.Start(t, "")
	count := func(s string) int {
		toks, _ := m.Tokenize(s, true, true)
		return len(toks)
	}
	sw := runners.RemoteSweep{Runner: ollama.Runner{}, Model: servetest.Name, Options: runners.Options{Endpoint: url},
		Tests: []runners.Test{{NPrompt: 16}, {NGen: 8}, {NPrompt: 8, NGen: 4}}, Config: runners.Config{Repetitions: 2, Seed: 1}, Count: count}
	doc, err := sw.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.MarshalIndent(doc, "", " ")
	t.Logf("%s", data)
	if len(doc.Results) != 3 {
		t.Fatalf("%d results, want 3", len(doc.Results))
	}
	for _, r := range doc.Results {
		if r.Runner != "ollama" || r.Repetitions != 2 || len(r.SamplesTs) != 2 || r.AvgTs <= 0 || !strings.HasPrefix(r.ModelType, "llama ") {
			t.Errorf("%s: %+v", r.Test, r.BenchResult)
		}
		rs := r.Remote
		if rs.API != "ollama/generate" || rs.Parallel != 1 || rs.TTFT.N != 2 || rs.PromptSizing != "tokenizer" || rs.ServerMs["eval_duration"] <= 0 {
			t.Errorf("%s: remote %+v", r.Test, rs)
		}
		if want := max(r.NPrompt, 1); rs.PromptTokens < float64(want) || rs.PromptTokens > float64(want+1) {
			t.Errorf("%s: the server counted %.1f prompt tokens, want %d", r.Test, rs.PromptTokens, want)
		}
		if r.NPrompt > 0 && r.TTFTMs <= 0 || r.NPrompt == 0 && r.TTFTMs != 0 {
			t.Errorf("%s: ttft %v ms", r.Test, r.TTFTMs)
		}
		if r.NGen > 0 && (rs.ITL == nil || rs.ITL.N != 2*r.NGen || rs.ServerGenTs <= 0) {
			t.Errorf("%s: itl %+v server gen %v t/s", r.Test, rs.ITL, rs.ServerGenTs)
		}
	}
}
