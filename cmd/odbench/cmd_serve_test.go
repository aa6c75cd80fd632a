//go:build !android

package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/odbench/odbench/runners/llamacpp"
	"github.com/odbench/odbench/runners/runnertest"
)

// TestServeCommand starts `odbench serve` on the tiny model with the real
// llama.cpp library on a free loopback port, asks it for /health and a
// completion, and stops it as Ctrl-C would.
func TestServeCommand(t *testing.T) {
	if _, err := llamacpp.FindLibrary(""); err != nil {
		t.Skipf("llama.cpp library absent (run `make llama-lib`): %v", err)
	}
	path := runnertest.WriteLlama(t, t.TempDir(), "tiny.gguf", 3)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		done <- runMain(ctx, []string{"serve", "--model", path, "--runner", "llamacpp", "--addr", "127.0.0.1:0", "--json", "-t", "1", "--chat-template", "chatml"},
			env{stdout: pw, stderr: io.Discard})
		pw.Close()
	}()
	var info serveInfo
	if err := json.NewDecoder(pr).Decode(&info); err != nil {
		t.Fatalf("no JSON object from serve: %v", err)
	}
	go io.Copy(io.Discard, pr)
	if info.Schema != "odbench/serve/v1" || info.Name != "tiny" || info.ChatTemplate != "chatml" || info.Runner != "llamacpp" {
		t.Fatalf("%+v", info)
	}
	resp, err := http.Get(info.URL + "/health")
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("health: %v %v", err, resp)
	}
	resp.Body.Close()
	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Errorf("exit %d after Ctrl-C, want 0", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop after Ctrl-C")
	}
}
