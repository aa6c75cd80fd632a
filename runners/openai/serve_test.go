//go:build !android

package openai_test

import (
	"context"
	"strings"
	"testing"

	"github.com/odbench/odbench/runners"
	"github.com/odbench/odbench/runners/openai"
	"github.com/odbench/odbench/serve/servetest"
)

// TestAgainstServe benches `odbench serve` (the tiny model on the real
// llama.cpp library) through the OpenAI API over loopback, two streams at
// once, with the prompts sized by calibration.
func TestAgainstServe(t *testing.T) {
	for _, api := range []string{"/v1", "/v1/chat/completions"} {
		t.Run(api, func(t *testing.T) {
			url, _ := servetest.Start(t, "chatml")
			sw := runners.RemoteSweep{Runner: openai.Runner{}, Model: servetest.Name, Options: runners.Options{Endpoint: url + api},
				Tests: []runners.Test{{NPrompt: 32}, {NGen: 8}}, Config: runners.Config{Repetitions: 2, Seed: 3}, Parallel: 2}
			doc, err := sw.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if len(doc.Results) != 2 {
				t.Fatalf("%d results, want 2", len(doc.Results))
			}
			for _, r := range doc.Results {
				rs := r.Remote
				if r.Runner != "openai" || r.Repetitions != 2 || rs.Parallel != 2 || len(rs.StreamTs) != 4 || rs.AggregateTs <= 0 || rs.TTFT.N != 4 ||
					rs.PromptSizing != "calibrated" || rs.ServerMs["prompt_duration"] <= 0 || rs.EarlyStops != 0 {
					t.Errorf("%s: %+v\nremote %+v", r.Test, r.BenchResult, rs)
				}
				if r.NGen > 0 && (rs.ITL == nil || rs.ITL.N != 4*r.NGen) {
					t.Errorf("%s: itl %+v", r.Test, rs.ITL)
				}
			}
			// Calibration sizes a prompt within a few tokens of the length asked
			// (the tiny vocabulary splits a word into 1 to 7 tokens). The chat
			// template, spelled out in bytes, is longer than 32 tokens itself.
			p := doc.Results[0].Remote.PromptTokens
			switch {
			case api == "/v1" && (p < 16 || p > 48):
				t.Errorf("pp32: the server counted %.1f prompt tokens", p)
			case api != "/v1" && (p < 32 || len(doc.Notes) == 0 || !strings.Contains(doc.Notes[len(doc.Notes)-1], "adds about")):
				t.Errorf("chat pp32: the server counted %.1f prompt tokens; notes %q", p, doc.Notes)
			}
		})
	}
}
