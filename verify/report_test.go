package verify

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"github.com/odbench/odbench/results"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func sampleReport() Report {
	return Report{
		Schema: results.Schema("verify"), Model: "llama-q4_0.gguf", Tested: "native", Reference: "llamacpp",
		Tokenization: &Tokenization{Chunks: 3, Tokens: 2048, MismatchChunks: 1, FirstMismatch: 17, Example: "tested [5 6] , reference [56] after 17 equal tokens"},
		Logits:       Logits{Positions: 64, MaxAbsDiff: 0.0377, MeanKL: 6.02e-06, MaxKL: 4.89e-05, Top1: 1, BatchMaxAbsDiff: 0.0311, Pass: true},
		Greedy:       Greedy{Want: 4, Identical: 2, Reference: []int32{1, 2, 3, 4}, Tested: []int32{1, 2, 9, 9}},
		Thresholds:   DefaultThresholds,
	}
}

func TestReportGolden(t *testing.T) {
	var b bytes.Buffer
	if err := sampleReport().WriteText(&b); err != nil {
		t.Fatal(err)
	}
	golden(t, "report.txt.golden", b.Bytes())
	j, err := json.MarshalIndent(sampleReport(), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "report.json.golden", append(j, '\n'))
}
