//go:build !android

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"github.com/odbench/odbench/results"
	"github.com/odbench/odbench/serve/servetest"
)

// TestBenchRemote runs `odbench bench` through both HTTP runners against
// `odbench serve` (the tiny model on the real llama.cpp library).
func TestBenchRemote(t *testing.T) {
	url, _ := servetest.Start(t, "")
	for _, tc := range []struct {
		runner   string
		parallel int
		api      string
	}{
		{"openai", 1, "openai/completions"},
		{"ollama", 2, "ollama/generate"},
	} {
		t.Run(tc.runner, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := runMain(context.Background(), []string{"bench", "--runner", tc.runner, "--url", url, "--model", servetest.Name,
				"-p", "16", "-n", "4", "-r", "2", "--parallel", strconv.Itoa(tc.parallel), "-o", "json"}, env{stdout: &out, stderr: &errb})
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errb.String())
			}
			var doc results.RemoteBench
			if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
				t.Fatal(err)
			}
			if doc.Schema != results.BenchSchema || len(doc.Results) != 2 {
				t.Fatalf("%s", out.String())
			}
			for _, r := range doc.Results {
				if r.Runner != tc.runner || r.Repetitions != 2 || r.AvgTs <= 0 || r.Remote.API != tc.api || r.Remote.AggregateTs <= 0 ||
					r.Remote.Parallel != tc.parallel || len(r.Remote.StreamTs) != 2*tc.parallel {
					t.Errorf("%s: %+v", r.Test, r)
				}
			}
		})
	}
	var out, errb bytes.Buffer
	if code := runMain(context.Background(), []string{"bench", "--runner", "ollama", "--model", "x"}, env{stdout: &out, stderr: &errb}); code != exitUsage ||
		!strings.Contains(errb.String(), "--url") {
		t.Errorf("without --url: exit %d: %s", code, errb.String())
	}
}
