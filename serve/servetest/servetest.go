//go:build !android

// Package servetest starts `odbench serve` for tests, for real: the tiny
// model of runnertest loaded through the real llama.cpp library, behind
// the serve handler on a loopback listener. Tests skip, saying why, when
// the library is absent.
package servetest

import (
	"context"
	"net/http/httptest"
	"testing"

	"github.com/odbench/odbench/runners"
	"github.com/odbench/odbench/runners/llamacpp"
	"github.com/odbench/odbench/runners/runnertest"
	"github.com/odbench/odbench/serve"
)

// Name is the model name the server serves.
const Name = "tiny"

// Start serves the tiny model with the given chat template family ("" for
// none: the tiny model's metadata has no template) and returns the
// server's base URL and the model. The server and the model close when
// the test ends.
func Start(t testing.TB, chatTemplate string) (string, runners.Model) {
	t.Helper()
	if _, err := llamacpp.FindLibrary(""); err != nil {
		t.Skipf("llama.cpp library absent (run `make llama-lib`): %v", err)
	}
	path := runnertest.WriteLlama(t, t.TempDir(), "tiny.gguf", 7)
	meta, err := serve.MetaFromFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := llamacpp.Runner{}.Load(context.Background(), path, runners.Options{CtxSize: runnertest.NCtxTrain, Threads: 1})
	if err != nil {
		t.Fatalf("load the tiny model with llama.cpp: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	srv, err := serve.New(serve.Config{Model: m, Name: Name, Runner: "llamacpp", Meta: meta, ChatTemplate: chatTemplate, Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return hs.URL, m
}
