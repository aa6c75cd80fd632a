package serve

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/odbench/odbench/runners"
	"github.com/odbench/odbench/runners/openai"
)

// openaiError writes an error in the OpenAI format.
func openaiError(w http.ResponseWriter, status int, err error) {
	typ := "server_error"
	if status < 500 {
		typ = "invalid_request_error"
	}
	writeJSON(w, status, map[string]any{"error": map[string]any{"message": err.Error(), "type": typ, "code": status}})
}

func (s *Server) openaiModels(w http.ResponseWriter, _ *http.Request) {
	in := s.cfg.Model.Info()
	writeJSON(w, http.StatusOK, openai.ModelList{Object: "list", Data: []openai.ModelEntry{{
		ID: s.cfg.Name, Object: "model", Created: s.started.Unix(), OwnedBy: "odbench",
		Meta: &openai.ModelMeta{NVocab: in.NVocab, NCtxTrain: in.NCtxTrain, NEmbd: in.NEmbd, NParams: in.NParams, Size: in.SizeBytes},
	}}})
}

// openaiParams are the sampling and streaming fields both endpoints share.
type openaiParams struct {
	model       string
	maxTokens   *int
	temperature *float32
	topP        *float32
	seed        *uint64
	stream      bool
	usage       bool
	ignoreEOS   bool
}

// genRequest turns the shared fields into a generation; defaultMax is the
// endpoint's default max_tokens (≤ 0: until the context is full).
func (p openaiParams) genRequest(defaultMax int) genRequest {
	g := genRequest{n: defaultMax, ignoreEOS: p.ignoreEOS, sampler: runners.SamplerParams{Temperature: 1, Seed: uint64(time.Now().UnixNano())}}
	if p.maxTokens != nil {
		g.n = *p.maxTokens
	}
	if p.temperature != nil {
		g.sampler.Temperature = *p.temperature
	}
	if p.topP != nil {
		g.sampler.TopP = *p.topP
	}
	if p.seed != nil {
		g.sampler.Seed = *p.seed
	}
	return g
}

func (s *Server) openaiCompletions(w http.ResponseWriter, r *http.Request) {
	var req openai.CompletionRequest
	if err := decodeBody(w, r, &req); err != nil {
		openaiError(w, http.StatusBadRequest, err)
		return
	}
	p := openaiParams{req.Model, req.MaxTokens, req.Temperature, req.TopP, req.Seed, req.Stream, req.StreamOptions != nil && req.StreamOptions.IncludeUsage, req.IgnoreEOS}
	g := p.genRequest(16) // OpenAI's default max_tokens for completions
	var err error
	if g.prompt, g.tokens, err = promptOf(req.Prompt); err != nil {
		openaiError(w, http.StatusBadRequest, err)
		return
	}
	s.openaiRun(w, r, p, g, "text_completion")
}

// promptOf reads a completion prompt: a string, a one-string array, or an
// array of token ids.
func promptOf(raw json.RawMessage) (string, []int32, error) {
	var text string
	if json.Unmarshal(raw, &text) == nil {
		return text, nil, nil
	}
	var texts []string
	if json.Unmarshal(raw, &texts) == nil && len(texts) == 1 {
		return texts[0], nil, nil
	}
	var toks []int32
	if json.Unmarshal(raw, &toks) == nil && len(toks) > 0 {
		return "", toks, nil
	}
	return "", nil, fmt.Errorf("%w: prompt must be a string, one string in an array, or an array of token ids", errBadRequest)
}

// chatMessage is an OpenAI chat message whose content is a string or an
// array of parts ({"type": "text", "text": ...}).
type chatMessage struct {
	Role    string          `json:"role"`
	Content json.RawMessage `json:"content"`
}

func (m chatMessage) text() (string, error) {
	var s string
	if json.Unmarshal(m.Content, &s) == nil {
		return s, nil
	}
	var parts []struct {
		Type string `json:"type"`
		Text string `json:"text"`
	}
	if err := json.Unmarshal(m.Content, &parts); err != nil {
		return "", fmt.Errorf("%w: message content must be a string or an array of text parts", errBadRequest)
	}
	var b strings.Builder
	for _, p := range parts {
		if p.Type != "text" {
			return "", fmt.Errorf("%w: content part of type %q: this server takes text only", errBadRequest, p.Type)
		}
		b.WriteString(p.Text)
	}
	return b.String(), nil
}

func (s *Server) openaiChat(w http.ResponseWriter, r *http.Request) {
	var req struct {
		openai.ChatRequest
		Messages []chatMessage `json:"messages"`
	}
	if err := decodeBody(w, r, &req); err != nil {
		openaiError(w, http.StatusBadRequest, err)
		return
	}
	msgs := make([]Message, len(req.Messages))
	for i, m := range req.Messages {
		text, err := m.text()
		if err != nil {
			openaiError(w, http.StatusBadRequest, err)
			return
		}
		msgs[i] = Message{Role: m.Role, Content: text}
	}
	p := openaiParams{req.Model, req.MaxTokens, req.Temperature, req.TopP, req.Seed, req.Stream, req.StreamOptions != nil && req.StreamOptions.IncludeUsage, req.IgnoreEOS}
	g := p.genRequest(0)
	var err error
	if g.prompt, err = s.renderChat(msgs); err != nil {
		openaiError(w, statusOf(err), err)
		return
	}
	s.openaiRun(w, r, p, g, "chat.completion")
}

// renderChat renders msgs with the model's chat template.
func (s *Server) renderChat(msgs []Message) (string, error) {
	if s.tmplErr != nil {
		return "", s.tmplErr
	}
	if len(msgs) == 0 {
		return "", fmt.Errorf("%w: no messages", errBadRequest)
	}
	text, err := s.tmpl.Render(msgs)
	if err != nil {
		return "", fmt.Errorf("%w: %v", errBadRequest, err)
	}
	return text, nil
}

// openaiRun runs a generation and answers it whole or as server-sent
// events; object is "text_completion" or "chat.completion".
func (s *Server) openaiRun(w http.ResponseWriter, r *http.Request, p openaiParams, g genRequest, object string) {
	if p.model != "" && !s.knows(p.model) {
		openaiError(w, http.StatusNotFound, s.errUnknownModel(p.model))
		return
	}
	chat := object == "chat.completion"
	id := fmt.Sprintf("odbench-%d", s.nextID.Add(1))
	head := openai.Chunk{ID: id, Object: object, Created: time.Now().Unix(), Model: s.cfg.Name}
	choice := func(text string, finish *string) openai.Choice {
		c := openai.Choice{FinishReason: finish}
		if chat {
			c.Delta = &openai.Delta{Content: &text}
		} else {
			c.Text = &text
		}
		return c
	}
	if !p.stream {
		var text strings.Builder
		res, err := s.generate(r.Context(), g, func(t string) error { text.WriteString(t); return nil })
		if err != nil {
			openaiError(w, statusOf(err), err)
			return
		}
		text.WriteString(res.tail)
		out := head
		c := openai.Choice{FinishReason: &res.stop}
		if chat {
			c.Message = &openai.Message{Role: "assistant", Content: text.String()}
		} else {
			t := text.String()
			c.Text = &t
		}
		out.Choices, out.Usage, out.Timings = []openai.Choice{c}, usageOf(res), timingsOf(res)
		writeJSON(w, http.StatusOK, out)
		return
	}
	started := false
	event := func(v any) error {
		if !started {
			w.Header().Set("Content-Type", "text/event-stream")
			w.Header().Set("Cache-Control", "no-cache")
			w.WriteHeader(http.StatusOK)
			started = true
		}
		data, _ := json.Marshal(v)
		if _, err := fmt.Fprintf(w, "data: %s\n\n", data); err != nil {
			return err
		}
		flush(w)
		return nil
	}
	if chat {
		head.Object = "chat.completion.chunk"
	}
	res, err := s.generate(r.Context(), g, func(t string) error {
		ch := head
		ch.Choices = []openai.Choice{choice(t, nil)}
		return event(ch)
	})
	if err != nil {
		if !started {
			openaiError(w, statusOf(err), err)
			return
		}
		event(map[string]any{"error": map[string]any{"message": err.Error(), "type": "server_error"}})
		return
	}
	last := head
	last.Choices, last.Timings = []openai.Choice{choice(res.tail, &res.stop)}, timingsOf(res)
	if event(last) != nil {
		return
	}
	if p.usage {
		u := head
		u.Choices, u.Usage = []openai.Choice{}, usageOf(res)
		if event(u) != nil {
			return
		}
	}
	fmt.Fprint(w, "data: [DONE]\n\n")
	flush(w)
}

func usageOf(res genResult) *openai.Usage {
	return &openai.Usage{PromptTokens: res.promptTokens, CompletionTokens: res.genTokens, TotalTokens: res.promptTokens + res.genTokens}
}

// timingsOf gives llama-server's timings: prompt evaluation, and the
// generated tokens (sampling and decoding).
func timingsOf(res genResult) *openai.Timings {
	return &openai.Timings{PromptN: res.promptTokens, PromptMs: float64(res.promptNs) / 1e6, PredictedN: res.genTokens, PredictedMs: float64(res.evalNs) / 1e6}
}
