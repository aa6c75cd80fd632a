package serve

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/odbench/odbench/runners"
	"github.com/odbench/odbench/runners/ollama"
)

// ollamaError writes an error as Ollama does: {"error": "..."}.
func ollamaError(w http.ResponseWriter, status int, err error) {
	writeJSON(w, status, map[string]string{"error": err.Error()})
}

// ollamaGen turns Ollama's options into a generation with Ollama's
// defaults (temperature 0.8, top_k 40, top_p 0.9, no token limit).
func ollamaGen(o ollama.Options) genRequest {
	g := genRequest{n: o.NumPredict, sampler: runners.SamplerParams{Temperature: 0.8, TopK: 40, TopP: 0.9, Seed: uint64(o.Seed)}}
	if o.Temperature != nil {
		g.sampler.Temperature = *o.Temperature
	}
	if o.TopK > 0 {
		g.sampler.TopK = o.TopK
	}
	if o.TopP > 0 {
		g.sampler.TopP = o.TopP
	}
	if o.Seed == 0 {
		g.sampler.Seed = uint64(time.Now().UnixNano())
	}
	return g
}

func (s *Server) ollamaGenerate(w http.ResponseWriter, r *http.Request) {
	var req ollama.GenerateRequest
	if err := decodeBody(w, r, &req); err != nil {
		ollamaError(w, http.StatusBadRequest, err)
		return
	}
	if !s.knows(req.Model) {
		ollamaError(w, http.StatusNotFound, s.errUnknownModel(req.Model))
		return
	}
	if req.Prompt == "" { // Ollama's way to load a model: answer done at once
		writeJSON(w, http.StatusOK, ollama.Chunk{Model: req.Model, CreatedAt: time.Now().UTC(), Done: true, DoneReason: "load"})
		return
	}
	g := ollamaGen(req.Options)
	g.prompt = req.Prompt
	if !req.Raw && s.tmplErr == nil {
		var msgs []Message
		if req.System != "" {
			msgs = append(msgs, Message{Role: "system", Content: req.System})
		}
		var err error
		if g.prompt, err = s.renderChat(append(msgs, Message{Role: "user", Content: req.Prompt})); err != nil {
			ollamaError(w, statusOf(err), err)
			return
		}
	}
	s.ollamaRun(w, r, req.Model, req.Stream, g, false)
}

func (s *Server) ollamaChat(w http.ResponseWriter, r *http.Request) {
	var req ollama.ChatRequest
	if err := decodeBody(w, r, &req); err != nil {
		ollamaError(w, http.StatusBadRequest, err)
		return
	}
	if !s.knows(req.Model) {
		ollamaError(w, http.StatusNotFound, s.errUnknownModel(req.Model))
		return
	}
	msgs := make([]Message, len(req.Messages))
	for i, m := range req.Messages {
		msgs[i] = Message{Role: m.Role, Content: m.Content}
	}
	g := ollamaGen(req.Options)
	var err error
	if g.prompt, err = s.renderChat(msgs); err != nil {
		ollamaError(w, statusOf(err), err)
		return
	}
	s.ollamaRun(w, r, req.Model, req.Stream, g, true)
}

// ollamaRun runs a generation and answers it as NDJSON chunks (stream
// unset or true) or one object, ending with Ollama's counts and durations.
func (s *Server) ollamaRun(w http.ResponseWriter, r *http.Request, name string, stream *bool, g genRequest, chat bool) {
	chunk := func(text string) ollama.Chunk {
		c := ollama.Chunk{Model: name, CreatedAt: time.Now().UTC()}
		if chat {
			c.Message = &ollama.Message{Role: "assistant", Content: text}
		} else {
			c.Response = text
		}
		return c
	}
	streaming := stream == nil || *stream
	var text strings.Builder
	started := false
	emit := func(t string) error {
		if !streaming {
			text.WriteString(t)
			return nil
		}
		if !started {
			w.Header().Set("Content-Type", "application/x-ndjson")
			w.WriteHeader(http.StatusOK)
			started = true
		}
		data, _ := json.Marshal(chunk(t))
		if _, err := fmt.Fprintf(w, "%s\n", data); err != nil {
			return err
		}
		flush(w)
		return nil
	}
	res, err := s.generate(r.Context(), g, emit)
	if err != nil {
		if !started {
			ollamaError(w, statusOf(err), err)
			return
		}
		data, _ := json.Marshal(map[string]string{"error": err.Error()})
		fmt.Fprintf(w, "%s\n", data)
		return
	}
	last := chunk(text.String() + res.tail)
	last.Done, last.DoneReason = true, res.stop
	last.TotalDuration, last.LoadDuration = res.totalNs, res.loadNs
	last.PromptEvalCount, last.PromptEvalDuration = res.promptTokens, res.promptNs
	last.EvalCount, last.EvalDuration = res.genTokens, res.evalNs
	if !started {
		writeJSON(w, http.StatusOK, last)
		return
	}
	data, _ := json.Marshal(last)
	fmt.Fprintf(w, "%s\n", data)
	flush(w)
}

// details describes the model as Ollama does.
func (s *Server) details() ollama.Details {
	in := s.cfg.Model.Info()
	q := s.cfg.Meta.FileType
	if q == "" {
		q = in.FileType
	}
	return ollama.Details{Format: "gguf", Family: in.Arch, Families: []string{in.Arch},
		ParameterSize: ollama.ParameterSize(in.NParams), QuantizationLevel: q}
}

func (s *Server) ollamaShow(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Model string `json:"model"`
		Name  string `json:"name"` // older clients
	}
	if err := decodeBody(w, r, &req); err != nil {
		ollamaError(w, http.StatusBadRequest, err)
		return
	}
	name := req.Model
	if name == "" {
		name = req.Name
	}
	if !s.knows(name) {
		ollamaError(w, http.StatusNotFound, s.errUnknownModel(name))
		return
	}
	in := s.cfg.Model.Info()
	info := map[string]any{"general.architecture": in.Arch, "general.parameter_count": in.NParams}
	for k, v := range s.cfg.Meta.Info {
		info[k] = v
	}
	writeJSON(w, http.StatusOK, ollama.ShowResponse{Template: s.cfg.Meta.ChatTemplate, Details: s.details(), ModelInfo: info,
		Parameters: fmt.Sprintf("num_ctx %d", in.NCtx), Capabilities: []string{"completion"}, ModifiedAt: s.started.UTC(),
		Modelfile: fmt.Sprintf("# served by odbench (%s runner)\n", s.cfg.Runner)})
}

// entry is the model's line in /api/tags and /api/ps.
func (s *Server) entry() ollama.ModelEntry {
	name := s.cfg.Name
	if !strings.Contains(name, ":") {
		name += ":latest"
	}
	return ollama.ModelEntry{Name: name, Model: name, Size: s.cfg.Model.Info().SizeBytes, Details: s.details()}
}

func (s *Server) ollamaTags(w http.ResponseWriter, _ *http.Request) {
	e := s.entry()
	t := s.started.UTC()
	e.ModifiedAt = &t
	writeJSON(w, http.StatusOK, ollama.TagsResponse{Models: []ollama.ModelEntry{e}})
}

func (s *Server) ollamaPs(w http.ResponseWriter, _ *http.Request) {
	e := s.entry()
	never := time.Date(2318, 1, 1, 0, 0, 0, 0, time.UTC) // loaded for as long as the server runs
	e.ExpiresAt = &never
	if mr, ok := s.cfg.Model.(runners.MemoryReporter); ok {
		e.SizeVRAM = mr.Memory().GPUBytes
	}
	writeJSON(w, http.StatusOK, ollama.PsResponse{Models: []ollama.ModelEntry{e}})
}
