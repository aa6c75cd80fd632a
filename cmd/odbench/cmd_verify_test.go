package main

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/odbench/odbench/gguf"
	"github.com/odbench/odbench/runners/native/nativetest"
)

func TestVerifyCommand(t *testing.T) {
	model := filepath.Join(t.TempDir(), "tiny.gguf")
	if err := nativetest.Write(model, nativetest.Default("llama", gguf.TypeQ8_0)); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"no model", []string{"verify"}, exitUsage},
		{"bad greedy", []string{"verify", "--model", model, "--greedy", "0"}, exitUsage},
		{"missing file", []string{"verify", "--model", filepath.Join(t.TempDir(), "none.gguf"), "--against", "native"}, exitFailure},
		{"unknown reference", []string{"verify", "--model", model, "--against", "nosuch"}, exitFailure},
		{"native against itself", []string{"verify", "--model", model, "--against", "native", "--positions", "8", "--greedy", "8", "-t", "1", "--json"}, exitOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			got := runMain(context.Background(), tt.args, env{stdout: &out, stderr: &errb})
			if got != tt.want {
				t.Fatalf("exit %d, want %d; stderr: %s", got, tt.want, errb.String())
			}
			if tt.want != exitOK {
				return
			}
			var v struct {
				Schema string
				Pass   bool
				Greedy struct{ Identical int }
			}
			if err := json.Unmarshal(out.Bytes(), &v); err != nil {
				t.Fatalf("not JSON: %v\n%s", err, out.String())
			}
			if v.Schema != "odbench/verify/v1" || !v.Pass || v.Greedy.Identical != 8 {
				t.Errorf("report = %s", out.String())
			}
		})
	}
}
