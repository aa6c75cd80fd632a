package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/odbench/odbench/results"
	"github.com/odbench/odbench/runners/runnertest"
)

// modelsEnv points every store at an empty temporary home, so the test
// sees only the folder it passes with --dir.
func modelsEnv(t *testing.T) string {
	home := t.TempDir()
	t.Setenv("HOME", home)
	for _, k := range []string{"OLLAMA_MODELS", "HF_HOME", "HF_HUB_CACHE", "LLAMA_CACHE", "XDG_CACHE_HOME"} {
		t.Setenv(k, "")
	}
	return home
}

func TestModelsCommand(t *testing.T) {
	wd, _ := os.Getwd()
	home := modelsEnv(t)
	t.Chdir(home) // the listing names the model by the relative path given
	dir := "models"
	os.MkdirAll(dir, 0o755)
	runnertest.WriteLlama(t, dir, "tiny.gguf", 1)
	var out, errb bytes.Buffer
	if code := runMain(context.Background(), []string{"models", "--dir", dir}, env{stdout: &out, stderr: &errb}); code != exitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	got := out.String()
	golden := filepath.Join(wd, "testdata", "models.golden")
	if *update {
		os.WriteFile(golden, []byte(got), 0o644)
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output:\n%s\nwant:\n%s", got, want)
	}
	out.Reset()
	if code := runMain(context.Background(), []string{"models", "--json", "--dir", dir}, env{stdout: &out, stderr: &errb}); code != exitOK {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var doc results.Models
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil || doc.Schema != "odbench/models/v1" || len(doc.Models) != 1 ||
		doc.Models[0].Architecture != "llama" || doc.Models[0].FileType != "F32" || len(doc.Searched) != 7 {
		t.Errorf("json %v: %s", err, out.String())
	}
}
