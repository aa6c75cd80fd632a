// Package openai measures any OpenAI-compatible server (llama-server, LM
// Studio, LocalAI, vLLM, `odbench serve`) over /v1/completions or
// /v1/chat/completions, streaming server-sent events; it reads `usage` and
// llama-server's `timings` when the server sends them.
//
// The runner connects only to the address in Options.Endpoint. An endpoint
// whose path ends in /chat/completions sends chat requests; any other
// sends completions to <endpoint>/v1/completions (or <endpoint>/completions
// when the endpoint already ends in /v1). The API key comes from
// ODBENCH_API_KEY or OPENAI_API_KEY when set.
package openai

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/odbench/odbench/runners"
)

func init() { runners.Register(Runner{}) }

// Runner is the "openai" runner.
type Runner struct{}

// Name returns "openai".
func (Runner) Name() string { return "openai" }

// APIKey returns the key sent as a bearer token: $ODBENCH_API_KEY, else
// $OPENAI_API_KEY, else none.
func APIKey() string {
	if k := os.Getenv("ODBENCH_API_KEY"); k != "" {
		return k
	}
	return os.Getenv("OPENAI_API_KEY")
}

// metaTimeout bounds the /v1/models call of Load.
const metaTimeout = 30 * time.Second

// Load checks that the server answers /v1/models and returns a Model whose
// Complete streams requests for model name. The model's description comes
// from the server's entry for it (llama-server's meta) when there is one.
func (Runner) Load(ctx context.Context, name string, opts runners.Options) (runners.Model, error) {
	base, err := runners.ParseEndpoint(opts.Endpoint)
	if err != nil {
		return nil, err
	}
	m := &model{client: runners.NewHTTPClient(), name: name, key: APIKey()}
	switch {
	case strings.HasSuffix(base, "/chat/completions"):
		m.url, m.chat = base, true
		base = strings.TrimSuffix(base, "/chat/completions")
	case strings.HasSuffix(base, "/completions"):
		m.url = base
		base = strings.TrimSuffix(base, "/completions")
	default:
		base = strings.TrimSuffix(base, "/v1") + "/v1"
		m.url = base + "/completions"
	}
	ctx, cancel := context.WithTimeout(ctx, metaTimeout)
	defer cancel()
	var list ModelList
	if err := runners.CallJSON(ctx, m.client, base+"/models", m.key, nil, &list); err != nil {
		return nil, fmt.Errorf("openai server: %w", err)
	}
	m.ModelInfo.Description = name
	for _, e := range list.Data {
		if e.ID == name && e.Meta != nil {
			m.ModelInfo = runners.ModelInfo{Description: name, NVocab: e.Meta.NVocab, NCtxTrain: e.Meta.NCtxTrain,
				NEmbd: e.Meta.NEmbd, NParams: e.Meta.NParams, SizeBytes: e.Meta.Size}
		}
	}
	return m, nil
}

// model is a model behind an OpenAI-compatible server.
type model struct {
	runners.RemoteModel
	client *http.Client
	url    string
	name   string
	key    string
	chat   bool
	// The server refused these fields once: they are no longer sent.
	noIgnoreEOS, noUsage atomic.Bool
}

// API names the endpoint the requests go to.
func (m *model) API() string {
	if m.chat {
		return "openai/chat"
	}
	return "openai/completions"
}

// Complete streams one request (asking for n tokens whatever the model
// says, where the server takes ignore_eos, and for the usage) and returns
// its tokens' arrival times and the server's counts.
//
// A server that refuses the ignore_eos or stream_options fields (HTTP 400
// naming them: OpenAI's own API, older servers) is asked again without
// them, and never again with them.
func (m *model) Complete(ctx context.Context, req runners.CompletionRequest) (runners.Completion, error) {
	for {
		c, err := m.complete(ctx, req)
		var he *runners.HTTPError
		if !errors.As(err, &he) || he.Status != http.StatusBadRequest {
			return c, err
		}
		switch {
		case strings.Contains(he.Message, "ignore_eos") && !m.noIgnoreEOS.Swap(true):
		case strings.Contains(he.Message, "stream_options") && !m.noUsage.Swap(true):
		default:
			return c, err
		}
	}
}

func (m *model) complete(ctx context.Context, req runners.CompletionRequest) (runners.Completion, error) {
	n, temp, seed := req.NPredict, req.Temperature, req.Seed
	var so *StreamOptions
	if !m.noUsage.Load() {
		so = &StreamOptions{IncludeUsage: true}
	}
	ignore := !m.noIgnoreEOS.Load()
	var body any
	if m.chat {
		body = ChatRequest{Model: m.name, Messages: []Message{{Role: "user", Content: req.Prompt}}, MaxTokens: &n,
			Temperature: &temp, Seed: &seed, Stream: true, StreamOptions: so, IgnoreEOS: ignore}
	} else {
		prompt, _ := json.Marshal(req.Prompt)
		body = CompletionRequest{Model: m.name, Prompt: prompt, MaxTokens: &n, Temperature: &temp, Seed: &seed,
			Stream: true, StreamOptions: so, IgnoreEOS: ignore}
	}
	var c runners.Completion
	var text strings.Builder
	sent, err := runners.Stream(ctx, m.client, m.url, m.key, body, req.IdleTimeout, func(line []byte, at time.Time) (bool, error) {
		data, ok := bytes.CutPrefix(line, []byte("data:"))
		if !ok { // SSE comments, event names and ids
			return false, nil
		}
		data = bytes.TrimSpace(data)
		if string(data) == "[DONE]" {
			return true, nil
		}
		var ch Chunk
		if err := json.Unmarshal(data, &ch); err != nil {
			return false, fmt.Errorf("malformed JSON from the server: %q: %w", data, err)
		}
		if len(ch.Error) > 0 {
			return false, runners.StreamError(ch.Error)
		}
		if piece, ok := ch.token(); ok {
			c.TokenTimes = append(c.TokenTimes, at)
			text.WriteString(piece)
		}
		ch.fill(&c)
		return false, nil
	})
	c.Sent, c.Text = sent, text.String()
	if err != nil {
		return runners.Completion{}, err
	}
	return c, nil
}

// token returns the text of the chunk's first choice and whether the
// chunk is a token: it carries text, or is a text chunk before the finish
// (a chat's opening delta, with the role and no text, and a bare finish are not).
func (ch Chunk) token() (string, bool) {
	if len(ch.Choices) == 0 {
		return "", false
	}
	c := ch.Choices[0]
	var s *string
	switch {
	case c.Text != nil:
		s = c.Text
	case c.Delta != nil && (c.Delta.Role == "" || c.Delta.Content != nil && *c.Delta.Content != ""):
		s = c.Delta.Content
	}
	if s == nil {
		return "", false
	}
	return *s, *s != "" || c.FinishReason == nil
}

// fill copies the chunk's finish reason, usage and timings into c.
func (ch Chunk) fill(c *runners.Completion) {
	if len(ch.Choices) > 0 && ch.Choices[0].FinishReason != nil {
		c.StopReason = *ch.Choices[0].FinishReason
	}
	if ch.Usage != nil {
		c.PromptTokens, c.GenTokens = ch.Usage.PromptTokens, ch.Usage.CompletionTokens
	}
	if t := ch.Timings; t != nil {
		c.ServerNs = map[string]int64{"prompt_duration": int64(t.PromptMs * 1e6), "predicted_duration": int64(t.PredictedMs * 1e6)}
		if c.PromptTokens == 0 {
			c.PromptTokens, c.GenTokens = t.PromptN, t.PredictedN
		}
	}
}
