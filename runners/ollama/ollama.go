// Package ollama measures a running Ollama server over its HTTP API:
// /api/generate (raw prompts) or /api/chat streaming NDJSON, /api/show for
// the model's details and /api/ps for where it is loaded. Ollama's own
// durations (nanoseconds) are reported beside the client's timings.
//
// The runner connects only to the address in Options.Endpoint. An endpoint
// whose path is /api/chat sends chat requests; any other sends raw
// /api/generate requests.
package ollama

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/odbench/odbench/runners"
)

func init() { runners.Register(Runner{}) }

// Runner is the "ollama" runner.
type Runner struct{}

// Name returns "ollama".
func (Runner) Name() string { return "ollama" }

// KeepAlive is how long the server keeps the model loaded after a request,
// so that only the first request of a bench loads it.
const KeepAlive = "10m"

// defaultCtx is Ollama's default context; num_ctx is sent only above it,
// since another value makes Ollama reload the model.
const defaultCtx = 2048

// metaTimeout bounds the metadata calls of Load.
const metaTimeout = 30 * time.Second

// Load asks the server at opts.Endpoint about model name (/api/show) and
// returns a Model whose Complete streams requests to it. It loads nothing:
// the first request does.
func (Runner) Load(ctx context.Context, name string, opts runners.Options) (runners.Model, error) {
	base, err := runners.ParseEndpoint(opts.Endpoint)
	if err != nil {
		return nil, err
	}
	chat := strings.HasSuffix(base, "/api/chat")
	base = strings.TrimSuffix(strings.TrimSuffix(base, "/api/chat"), "/api/generate")
	m := &model{client: runners.NewHTTPClient(), base: base, name: name, chat: chat, opts: opts}
	ctx, cancel := context.WithTimeout(ctx, metaTimeout)
	defer cancel()
	var show ShowResponse
	if err := runners.CallJSON(ctx, m.client, base+"/api/show", "", map[string]string{"model": name}, &show); err != nil {
		return nil, fmt.Errorf("ollama model %q: %w", name, err)
	}
	m.ModelInfo = show.info()
	var tags TagsResponse
	if err := runners.CallJSON(ctx, m.client, base+"/api/tags", "", nil, &tags); err == nil {
		for _, t := range tags.Models {
			if t.Name == name || t.Model == name || t.Name == name+":latest" {
				m.ModelInfo.SizeBytes = t.Size
			}
		}
	}
	return m, nil
}

// model is a model served by Ollama.
type model struct {
	runners.RemoteModel
	client *http.Client
	base   string
	name   string
	chat   bool
	opts   runners.Options

	psOnce sync.Once
	vram   uint64
}

// API names the endpoint the requests go to.
func (m *model) API() string {
	if m.chat {
		return "ollama/chat"
	}
	return "ollama/generate"
}

// Complete streams one request and returns its tokens' arrival times and
// Ollama's counts and durations.
func (m *model) Complete(ctx context.Context, req runners.CompletionRequest) (runners.Completion, error) {
	o := Options{NumPredict: req.NPredict, Temperature: &req.Temperature, Seed: int64(req.Seed)}
	if m.opts.CtxSize > defaultCtx {
		o.NumCtx = m.opts.CtxSize
	}
	if m.opts.Threads > 0 {
		o.NumThread = m.opts.Threads
	}
	stream := true
	url, body := m.base+"/api/generate", any(GenerateRequest{Model: m.name, Prompt: req.Prompt, Raw: true, Stream: &stream, KeepAlive: KeepAlive, Options: o})
	if m.chat {
		url, body = m.base+"/api/chat", ChatRequest{Model: m.name, Messages: []Message{{Role: "user", Content: req.Prompt}}, Stream: &stream, KeepAlive: KeepAlive, Options: o}
	}
	var c runners.Completion
	var text strings.Builder
	sent, err := runners.Stream(ctx, m.client, url, "", body, req.IdleTimeout, func(line []byte, at time.Time) (bool, error) {
		var ch Chunk
		if err := json.Unmarshal(line, &ch); err != nil {
			return false, fmt.Errorf("malformed JSON from the server: %q: %w", line, err)
		}
		if len(ch.Error) > 0 {
			return false, runners.StreamError(ch.Error)
		}
		piece := ch.Response
		if ch.Message != nil {
			piece = ch.Message.Content
		}
		if !ch.Done { // Ollama streams a token a chunk; the final chunk carries the counts
			c.TokenTimes = append(c.TokenTimes, at)
		}
		text.WriteString(piece)
		if ch.Done {
			ch.fill(&c)
		}
		return ch.Done, nil
	})
	c.Sent, c.Text = sent, text.String()
	if err != nil {
		return runners.Completion{}, err
	}
	m.psOnce.Do(func() { m.vram = m.sizeVRAM(ctx) })
	c.VRAMBytes = m.vram
	return c, nil
}

// sizeVRAM asks /api/ps how much of the model is in GPU memory; 0 when
// the server does not say.
func (m *model) sizeVRAM(ctx context.Context) uint64 {
	ctx, cancel := context.WithTimeout(ctx, metaTimeout)
	defer cancel()
	var ps PsResponse
	if runners.CallJSON(ctx, m.client, m.base+"/api/ps", "", nil, &ps) != nil {
		return 0
	}
	for _, p := range ps.Models {
		if p.Name == m.name || p.Model == m.name || p.Name == m.name+":latest" {
			return p.SizeVRAM
		}
	}
	return 0
}

// fill copies the final chunk's counts and durations into c.
func (ch Chunk) fill(c *runners.Completion) {
	c.StopReason = ch.DoneReason
	c.PromptTokens, c.GenTokens = ch.PromptEvalCount, ch.EvalCount
	c.ServerNs = map[string]int64{}
	for k, v := range map[string]int64{"total_duration": ch.TotalDuration, "load_duration": ch.LoadDuration,
		"prompt_eval_duration": ch.PromptEvalDuration, "eval_duration": ch.EvalDuration} {
		if v > 0 {
			c.ServerNs[k] = v
		}
	}
}

// info turns /api/show's answer into a ModelInfo.
func (s ShowResponse) info() runners.ModelInfo {
	arch, _ := s.ModelInfo["general.architecture"].(string)
	num := func(key string) int {
		f, _ := s.ModelInfo[key].(float64)
		return int(f)
	}
	in := runners.ModelInfo{
		Arch:      arch,
		FileType:  s.Details.QuantizationLevel,
		NCtxTrain: num(arch + ".context_length"),
		NLayer:    num(arch + ".block_count"),
		NEmbd:     num(arch + ".embedding_length"),
		NHead:     num(arch + ".attention.head_count"),
		NHeadKV:   num(arch + ".attention.head_count_kv"),
		NVocab:    num(arch + ".vocab_size"),
	}
	if f, ok := s.ModelInfo["general.parameter_count"].(float64); ok {
		in.NParams = uint64(f)
	}
	if in.Arch == "" {
		in.Arch = s.Details.Family
	}
	in.Description = strings.Join(strings.Fields(strings.Join([]string{in.Arch, s.Details.ParameterSize, s.Details.QuantizationLevel}, " ")), " ")
	return in
}

// ParameterSize formats a parameter count as Ollama does: "1.2B", "135M".
func ParameterSize(n uint64) string {
	switch {
	case n >= 1e9:
		return strconv.FormatFloat(float64(n)/1e9, 'f', 1, 64) + "B"
	case n >= 1e6:
		return strconv.FormatFloat(float64(n)/1e6, 'f', 0, 64) + "M"
	}
	return strconv.FormatUint(n, 10)
}
