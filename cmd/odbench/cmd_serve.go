package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/odbench/odbench/models"
	"github.com/odbench/odbench/results"
	"github.com/odbench/odbench/serve"
)

func init() {
	register(command{name: "serve", summary: "Serve a model over OpenAI-compatible and Ollama HTTP APIs, on this machine only by default.", run: runServe})
}

const serveSynopsis = `serve --model FILE|NAME [--runner llamacpp|native] [--addr 127.0.0.1:8080] [--name NAME]
       [--chat-template llama3|chatml|gemma|phi3] [-c N] [-t N] [-ngl N] [--json]

Endpoints: /v1/models, /v1/completions, /v1/chat/completions (streaming, usage), /health,
/api/generate, /api/chat, /api/show, /api/ps, /api/tags, /api/version.
Requests run one at a time. Ctrl-C stops the server.`

// serveInfo is the --json line odbench serve prints once it listens (schema odbench/serve/v1).
type serveInfo struct {
	Schema       string  `json:"schema"`
	URL          string  `json:"url"` // base URL of both APIs
	Model        string  `json:"model"`
	Name         string  `json:"name"` // the name requests use
	Runner       string  `json:"runner"`
	ChatTemplate string  `json:"chat_template,omitempty"` // family, "" when chats cannot be rendered
	LoadMs       float64 `json:"load_ms"`
}

func runServe(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "serve", serveSynopsis)
	model := fs.String("model", "", "GGUF model file, or a name from `odbench models` (required)")
	rf := addRunnerFlags(fs)
	addr := fs.String("addr", "127.0.0.1:8080", "address to listen on (a non-loopback address exposes the model to the network)")
	name := fs.String("name", "", "model name clients ask for (default: the file name without .gguf)")
	tmpl := fs.String("chat-template", "", "chat template family (default: detected from the model's tokenizer.chat_template)")
	nCtx := fs.Int("c", 4096, "context length, tokens (capped by the model's training context)")
	asJSON := fs.Bool("json", false, "print one JSON object once listening, instead of a line of text")
	if err := parseFlags(fs, e, args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return usagef("unexpected argument %q", fs.Arg(0))
	case *model == "":
		return usagef("--model is required")
	case *nCtx < 1:
		return usagef("-c must be positive")
	}
	path, err := models.Resolve(*model)
	if err != nil {
		return err
	}
	r, err := rf.get()
	if err != nil {
		return err
	}
	if r.Name() == "ollama" || r.Name() == "openai" {
		return usagef("--runner %s is a client of a server; serve runs an in-process runner (llamacpp, native)", r.Name())
	}
	meta, err := serve.MetaFromFile(path)
	if err != nil {
		return err
	}
	if *name == "" {
		*name = strings.TrimSuffix(filepath.Base(path), filepath.Ext(path))
	}
	if meta.ContextLength > 0 {
		*nCtx = min(*nCtx, meta.ContextLength)
	}
	start := time.Now()
	m, err := rf.load(ctx, r, path, *nCtx)
	if err != nil {
		return err
	}
	defer m.Close()
	load := time.Since(start)
	srv, err := serve.New(serve.Config{Model: m, Name: *name, Runner: r.Name(), Meta: meta, ChatTemplate: *tmpl,
		LoadDuration: load, Version: "odbench"})
	if err != nil {
		return usageError{err.Error()}
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *addr, err)
	}
	if host, _, err := net.SplitHostPort(ln.Addr().String()); err == nil {
		if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
			fmt.Fprintf(e.stderr, "odbench serve: warning: listening on %s, which other machines can reach\n", ln.Addr())
		}
	}
	info := serveInfo{Schema: results.Schema("serve"), URL: "http://" + ln.Addr().String(), Model: path, Name: *name, Runner: r.Name(),
		LoadMs: float64(load.Microseconds()) / 1e3}
	tmplNote := ""
	if fam, err := srv.TemplateName(); err == nil {
		info.ChatTemplate = fam
		tmplNote = "chat template " + fam
	} else {
		tmplNote = "chat endpoints unavailable: " + err.Error()
	}
	if *asJSON {
		if err := writeJSON(e.stdout, info); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(e.stdout, "odbench serve: %s as %q at %s (%s runner, loaded in %.0f ms; %s)\n", path, *name, info.URL, r.Name(), info.LoadMs, tmplNote)
	}
	// Requests share ctx, so Ctrl-C also stops a generation in progress.
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, BaseContext: func(net.Listener) context.Context { return ctx }}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("serve on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("stop the server: %w", err)
	}
	return nil
}
