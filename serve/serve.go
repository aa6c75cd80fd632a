// Package serve is `odbench serve`: one in-process model (any
// runners.Model: llamacpp, native) behind an OpenAI-compatible API
// (/v1/models, /v1/completions, /v1/chat/completions, /health) and Ollama's
// API (/api/generate, /api/chat, /api/show, /api/ps, /api/tags,
// /api/version), with Ollama's timing fields and llama-server's timings.
//
// A Model holds one sequence and is not safe for concurrent use, so the
// server runs one request at a time; the others wait their turn (a
// client that gives up leaves the queue).
package serve

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/odbench/odbench/gguf"
	"github.com/odbench/odbench/runners"
)

// Meta is what the server tells about its model beyond runners.ModelInfo,
// from the GGUF file's metadata.
type Meta struct {
	ChatTemplate  string         // tokenizer.chat_template (Jinja); "" when absent
	FileType      string         // llama-quantize name, e.g. "Q4_K_M"
	ContextLength int            // the training context, tokens; 0 when absent
	Info          map[string]any // scalar metadata for /api/show's model_info
}

// MetaFromFile reads a GGUF file's Meta.
func MetaFromFile(path string) (Meta, error) {
	f, err := gguf.Open(path)
	if err != nil {
		return Meta{}, err
	}
	defer f.Close()
	m := Meta{Info: map[string]any{}}
	m.ChatTemplate, _ = f.Metadata.String("tokenizer.chat_template")
	if n, ok := f.ArchUint("context_length"); ok {
		m.ContextLength = int(n)
	}
	if ft, ok := f.FileType(); ok {
		m.FileType = ft.String()
	}
	for _, k := range f.Metadata.Keys() {
		if v, ok := f.Metadata.Get(k); ok && k != "tokenizer.chat_template" {
			if x, ok := scalar(v); ok {
				m.Info[k] = x
			}
		}
	}
	m.Info["general.parameter_count"] = f.ParamCount()
	return m, nil
}

// scalar returns a metadata value as a JSON scalar; arrays are left out
// (as Ollama leaves out the vocabulary).
func scalar(v gguf.Value) (any, bool) {
	switch x := v.Any().(type) {
	case string, bool:
		return x, true
	case float32:
		return float64(x), true
	case float64:
		return x, true
	}
	if i, ok := v.Int(); ok {
		return i, true
	}
	if u, ok := v.Uint(); ok {
		return u, true
	}
	return nil, false
}

// Config describes the served model.
type Config struct {
	Model  runners.Model
	Name   string // the name clients ask for, e.g. "tiny" (":latest" is accepted too)
	Runner string // the engine, for /api/show
	Meta   Meta
	// ChatTemplate names the family to render chats with (llama3, chatml,
	// gemma, phi3); "" detects it from Meta.ChatTemplate.
	ChatTemplate string
	// LoadDuration is how long loading the model took; the first request
	// reports it as Ollama's load_duration.
	LoadDuration time.Duration
	Version      string // for /api/version
}

// Server answers the APIs over one model.
type Server struct {
	cfg      Config
	tmpl     Template
	tmplErr  error // why chats cannot be rendered; nil when they can
	turn     chan struct{}
	loadOnce atomic.Bool // the load duration was reported
	nextID   atomic.Int64
	started  time.Time
}

// New returns a server for cfg. A chat template that cannot be rendered
// is not an error here: chat requests then get it as their error.
func New(cfg Config) (*Server, error) {
	if cfg.Model == nil || cfg.Name == "" {
		return nil, errors.New("serve: a model and its name are required")
	}
	s := &Server{cfg: cfg, turn: make(chan struct{}, 1), started: time.Now()}
	if cfg.ChatTemplate != "" {
		if s.tmpl, s.tmplErr = TemplateByName(cfg.ChatTemplate); s.tmplErr != nil {
			return nil, s.tmplErr
		}
	} else {
		s.tmpl, s.tmplErr = DetectTemplate(cfg.Meta.ChatTemplate)
	}
	return s, nil
}

// TemplateName returns the chat template family in use, or the reason there is none.
func (s *Server) TemplateName() (string, error) { return s.tmpl.Name, s.tmplErr }

// Handler returns the HTTP handler of every endpoint.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	mux.HandleFunc("GET /v1/models", s.openaiModels)
	mux.HandleFunc("POST /v1/completions", s.openaiCompletions)
	mux.HandleFunc("POST /v1/chat/completions", s.openaiChat)
	mux.HandleFunc("POST /api/generate", s.ollamaGenerate)
	mux.HandleFunc("POST /api/chat", s.ollamaChat)
	mux.HandleFunc("POST /api/show", s.ollamaShow)
	mux.HandleFunc("GET /api/tags", s.ollamaTags)
	mux.HandleFunc("GET /api/ps", s.ollamaPs)
	mux.HandleFunc("GET /api/version", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]string{"version": s.cfg.Version})
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		fmt.Fprintln(w, "odbench is running")
	})
	return mux
}

// knows reports whether a request's model name is the served model.
func (s *Server) knows(name string) bool {
	return name == s.cfg.Name || name == s.cfg.Name+":latest"
}

// errUnknownModel is the error for a model name the server does not serve.
func (s *Server) errUnknownModel(name string) error {
	return fmt.Errorf("model %q not found: this server serves %q", name, s.cfg.Name)
}

// genRequest is one generation, from either API.
type genRequest struct {
	prompt    string  // text, special tokens parsed; used when tokens is nil
	tokens    []int32 // prompt token ids
	n         int     // tokens to generate at most; ≤ 0: until the context is full
	sampler   runners.SamplerParams
	ignoreEOS bool // an end-of-generation token is generated like any other
}

// genResult is a finished generation with Ollama's counts and durations.
type genResult struct {
	promptTokens, genTokens int
	stop                    string // "stop" (end of generation) or "length"
	tail                    string // an unfinished UTF-8 character before the end of generation, for the final message
	waitNs                  int64  // waiting for the model
	loadNs                  int64  // the model's load time, on the first request only
	promptNs, evalNs        int64  // prompt evaluation; sampling and decoding the generated tokens
	totalNs                 int64  // from the request's arrival to the end
}

// errBadRequest marks an error in the request (HTTP 400).
var errBadRequest = errors.New("bad request")

// generate runs one request on the model, in its turn, calling emit with
// the text of each generated token (possibly "" while a UTF-8 character is
// incomplete). emit's error stops the generation.
func (s *Server) generate(ctx context.Context, req genRequest, emit func(text string) error) (genResult, error) {
	arrived := time.Now()
	var r genResult
	select {
	case s.turn <- struct{}{}:
	case <-ctx.Done():
		return r, ctx.Err()
	}
	defer func() { <-s.turn }()
	r.waitNs = time.Since(arrived).Nanoseconds()
	if !s.loadOnce.Swap(true) {
		r.loadNs = s.cfg.LoadDuration.Nanoseconds()
	}
	m := s.cfg.Model
	toks := req.tokens
	if toks == nil {
		var err error
		if toks, err = m.Tokenize(req.prompt, true, true); err != nil {
			return r, fmt.Errorf("tokenize the prompt: %w", err)
		}
	}
	in := m.Info()
	switch {
	case len(toks) == 0:
		return r, fmt.Errorf("%w: the prompt is empty", errBadRequest)
	case len(toks) >= in.NCtx:
		return r, fmt.Errorf("%w: the prompt has %d tokens; the context holds %d", errBadRequest, len(toks), in.NCtx)
	}
	for _, t := range toks {
		if t < 0 || int(t) >= in.NVocab {
			return r, fmt.Errorf("%w: token id %d is outside the vocabulary of %d", errBadRequest, t, in.NVocab)
		}
	}
	n := in.NCtx - len(toks)
	if req.n > 0 {
		n = min(n, req.n)
	}
	r.promptTokens = len(toks)
	if err := m.Reset(); err != nil {
		return r, err
	}
	t0 := time.Now()
	if err := m.Decode(ctx, toks); err != nil {
		return r, fmt.Errorf("prompt of %d tokens: %w", len(toks), err)
	}
	t1 := time.Now()
	r.promptNs = t1.Sub(t0).Nanoseconds()
	var pending []byte // the start of a UTF-8 character split across tokens
	r.stop = "length"
	for r.genTokens < n {
		tok, err := m.Sample(req.sampler)
		if err != nil {
			return r, err
		}
		if m.IsEOG(tok) && !req.ignoreEOS {
			r.stop = "stop"
			break
		}
		piece, err := m.TokenPiece(tok)
		if err != nil {
			return r, err
		}
		r.genTokens++
		pending = append(pending, piece...)
		cut := completeUTF8(pending)
		if r.genTokens == n { // the last token: nothing will complete a split character
			pending = []byte(strings.ToValidUTF8(string(pending), "\uFFFD"))
			cut = len(pending)
		}
		if err := emit(string(pending[:cut])); err != nil {
			return r, err
		}
		pending = append(pending[:0], pending[cut:]...)
		if r.genTokens == n {
			break
		}
		if err := m.Decode(ctx, []int32{tok}); err != nil {
			return r, fmt.Errorf("token %d: %w", r.genTokens, err)
		}
	}
	r.tail = strings.ToValidUTF8(string(pending), "\uFFFD")
	end := time.Now()
	r.evalNs = end.Sub(t1).Nanoseconds()
	r.totalNs = end.Sub(arrived).Nanoseconds()
	return r, nil
}

// completeUTF8 returns the length of b's prefix that ends on a complete
// UTF-8 character (bytes that can never start one count as complete).
func completeUTF8(b []byte) int {
	for i := len(b) - 1; i >= 0 && i >= len(b)-utf8.UTFMax; i-- {
		if !utf8.RuneStart(b[i]) {
			continue
		}
		if utf8.FullRune(b[i:]) {
			return len(b)
		}
		return i
	}
	return len(b)
}

// writeJSON writes v with a status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// statusOf maps a generation error to an HTTP status.
func statusOf(err error) int {
	switch {
	case errors.Is(err, errBadRequest):
		return http.StatusBadRequest
	case errors.Is(err, ErrNoTemplate), errors.Is(err, ErrUnknownTemplate):
		return http.StatusBadRequest
	case errors.Is(err, context.Canceled):
		return 499 // the client went away
	}
	return http.StatusInternalServerError
}

// decodeBody decodes a request's JSON body into v (at most 64 MiB).
func decodeBody(w http.ResponseWriter, r *http.Request, v any) error {
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<20)).Decode(v); err != nil {
		return fmt.Errorf("%w: the body is not the JSON expected: %v", errBadRequest, err)
	}
	return nil
}

// flush sends what was written so far to the client.
func flush(w http.ResponseWriter) {
	if f, ok := w.(http.Flusher); ok {
		f.Flush()
	}
}
