//go:build !android

package serve_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/odbench/odbench/runners/ollama"
	"github.com/odbench/odbench/runners/openai"
	"github.com/odbench/odbench/serve/servetest"
)

// post sends body as JSON and returns the status and the answer.
func post(t *testing.T, url string, body any) (int, []byte) {
	t.Helper()
	data, _ := json.Marshal(body)
	resp, err := http.Post(url, "application/json", bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, out
}

func get(t *testing.T, url string, v any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, resp.Status)
	}
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

// sse returns the data of each server-sent event.
func sse(t *testing.T, body []byte) []string {
	t.Helper()
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(body))
	for sc.Scan() {
		if d, ok := strings.CutPrefix(sc.Text(), "data: "); ok {
			out = append(out, d)
		}
	}
	return out
}

func ptr[T any](v T) *T { return &v }

func TestOpenAICompletions(t *testing.T) {
	url, m := servetest.Start(t, "")
	prompt := "the quick brown fox"
	want, err := m.Tokenize(prompt, true, true)
	if err != nil {
		t.Fatal(err)
	}
	req := map[string]any{"model": servetest.Name, "prompt": prompt, "max_tokens": 8, "temperature": 0, "seed": 1,
		"stream": true, "stream_options": map[string]bool{"include_usage": true}, "ignore_eos": true}
	status, body := post(t, url+"/v1/completions", req)
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, body)
	}
	events := sse(t, body)
	if len(events) < 3 || events[len(events)-1] != "[DONE]" {
		t.Fatalf("events %q: want chunks then [DONE]", events)
	}
	var text strings.Builder
	tokens := 0
	var usage *openai.Usage
	var finish string
	for _, e := range events[:len(events)-1] {
		var ch openai.Chunk
		if err := json.Unmarshal([]byte(e), &ch); err != nil {
			t.Fatalf("event %q: %v", e, err)
		}
		if ch.Object != "text_completion" || ch.Model != servetest.Name {
			t.Errorf("chunk object %q model %q", ch.Object, ch.Model)
		}
		if ch.Usage != nil {
			usage = ch.Usage
		}
		if len(ch.Choices) == 1 {
			if ch.Choices[0].FinishReason != nil {
				finish = *ch.Choices[0].FinishReason
			} else {
				tokens++
				text.WriteString(*ch.Choices[0].Text)
			}
		}
	}
	if tokens != 8 || finish != "length" {
		t.Errorf("%d token chunks, finish %q; want 8, length", tokens, finish)
	}
	if usage == nil || usage.PromptTokens != len(want) || usage.CompletionTokens != 8 {
		t.Errorf("usage %+v, want prompt_tokens %d, completion_tokens 8", usage, len(want))
	}
	// The same request whole gives the same text (greedy decoding).
	req["stream"] = false
	status, body = post(t, url+"/v1/completions", req)
	var whole openai.Chunk
	if err := json.Unmarshal(body, &whole); status != http.StatusOK || err != nil || len(whole.Choices) != 1 {
		t.Fatalf("whole answer: status %d, %v: %s", status, err, body)
	}
	if *whole.Choices[0].Text != text.String() || whole.Usage.CompletionTokens != 8 || whole.Timings == nil || whole.Timings.PromptN != len(want) {
		t.Errorf("whole answer %q usage %+v timings %+v; streamed %q", *whole.Choices[0].Text, whole.Usage, whole.Timings, text.String())
	}
	// A prompt of token ids.
	status, body = post(t, url+"/v1/completions", map[string]any{"prompt": []int{260, 72, 101}, "max_tokens": 2, "temperature": 0, "ignore_eos": true})
	if err := json.Unmarshal(body, &whole); status != http.StatusOK || err != nil || whole.Usage.PromptTokens != 3 || whole.Usage.CompletionTokens != 2 {
		t.Errorf("token-id prompt: status %d %v usage %+v: %s", status, err, whole.Usage, body)
	}
}

func TestOpenAIErrors(t *testing.T) {
	url, _ := servetest.Start(t, "")
	for _, tc := range []struct {
		name, path string
		body       any
		status     int
		says       string
	}{
		{"unknown model", "/v1/completions", map[string]any{"model": "llama9", "prompt": "hi"}, 404, `serves "tiny"`},
		{"no chat template", "/v1/chat/completions", map[string]any{"messages": []map[string]string{{"role": "user", "content": "hi"}}}, 400, "no chat template"},
		{"bad prompt", "/v1/completions", map[string]any{"prompt": 12}, 400, "prompt must be"},
		{"token outside the vocabulary", "/v1/completions", map[string]any{"prompt": []int{99999}}, 400, "outside the vocabulary"},
		{"prompt longer than the context", "/v1/completions", map[string]any{"prompt": strings.Repeat("ab ", 600)}, 400, "the context holds 512"},
		{"not JSON", "/v1/completions", "{", 400, "not the JSON expected"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body := post(t, url+tc.path, tc.body)
			var e struct {
				Error struct {
					Message string `json:"message"`
				} `json:"error"`
			}
			json.Unmarshal(body, &e)
			if status != tc.status || !strings.Contains(e.Error.Message, tc.says) {
				t.Errorf("status %d, error %q; want %d with %q", status, e.Error.Message, tc.status, tc.says)
			}
		})
	}
}

func TestOpenAIChat(t *testing.T) {
	url, _ := servetest.Start(t, "chatml")
	status, body := post(t, url+"/v1/chat/completions", map[string]any{"model": servetest.Name, "max_tokens": 5, "temperature": 0, "ignore_eos": true, "stream": true,
		"messages": []map[string]any{{"role": "system", "content": "be brief"}, {"role": "user", "content": []map[string]string{{"type": "text", "text": "hello"}}}}})
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, body)
	}
	tokens := 0
	for _, e := range sse(t, body) {
		var ch openai.Chunk
		if e == "[DONE]" || json.Unmarshal([]byte(e), &ch) != nil || len(ch.Choices) == 0 {
			continue
		}
		if ch.Object != "chat.completion.chunk" || ch.Choices[0].Delta == nil {
			t.Fatalf("chunk %s", e)
		}
		if ch.Choices[0].FinishReason == nil {
			tokens++
		}
	}
	if tokens != 5 {
		t.Errorf("%d content chunks, want 5", tokens)
	}
}

func TestOllamaAPI(t *testing.T) {
	url, m := servetest.Start(t, "llama3")
	prompt := "in the house"
	want, _ := m.Tokenize(prompt, true, true)
	status, body := post(t, url+"/api/generate", ollama.GenerateRequest{Model: servetest.Name, Prompt: prompt, Raw: true,
		Options: ollama.Options{NumPredict: 6, Temperature: ptr(float32(0))}})
	if status != http.StatusOK {
		t.Fatalf("status %d: %s", status, body)
	}
	lines := bytes.Split(bytes.TrimSpace(body), []byte("\n"))
	if len(lines) != 7 {
		t.Fatalf("%d NDJSON lines, want 6 tokens and the final one:\n%s", len(lines), body)
	}
	var last ollama.Chunk
	if err := json.Unmarshal(lines[6], &last); err != nil {
		t.Fatal(err)
	}
	if !last.Done || last.DoneReason != "length" && last.DoneReason != "stop" || last.PromptEvalCount != len(want) ||
		last.PromptEvalDuration <= 0 || last.TotalDuration < last.PromptEvalDuration+last.EvalDuration {
		t.Errorf("final chunk %s", lines[6])
	}
	for _, l := range lines[:6] {
		var c ollama.Chunk
		if err := json.Unmarshal(l, &c); err != nil || c.Done || c.Model != servetest.Name || c.CreatedAt.IsZero() {
			t.Errorf("token chunk %s: %v", l, err)
		}
	}
	// Chat, not streamed.
	status, body = post(t, url+"/api/chat", map[string]any{"model": servetest.Name + ":latest", "stream": false,
		"messages": []ollama.Message{{Role: "user", Content: "hi"}}, "options": map[string]any{"num_predict": 3, "temperature": 0}})
	var chat ollama.Chunk
	if err := json.Unmarshal(body, &chat); status != http.StatusOK || err != nil || !chat.Done || chat.Message == nil || chat.EvalCount > 3 || chat.EvalCount < 1 {
		t.Errorf("chat: status %d %v: %s", status, err, body)
	}
	status, body = post(t, url+"/api/generate", map[string]any{"model": "llama3.2:1b", "prompt": "x"})
	if status != http.StatusNotFound || !strings.Contains(string(body), `"error":"model \"llama3.2:1b\" not found`) {
		t.Errorf("unknown model: %d %s", status, body)
	}
	var show ollama.ShowResponse
	status, body = post(t, url+"/api/show", map[string]string{"model": servetest.Name})
	if err := json.Unmarshal(body, &show); status != 200 || err != nil || show.Details.Family != "llama" || show.Details.Format != "gguf" ||
		show.ModelInfo["llama.block_count"] != float64(2) || show.ModelInfo["general.architecture"] != "llama" {
		t.Errorf("show: %d %v %s", status, err, body)
	}
	var tags ollama.TagsResponse
	get(t, url+"/api/tags", &tags)
	var ps ollama.PsResponse
	get(t, url+"/api/ps", &ps)
	if len(tags.Models) != 1 || tags.Models[0].Name != "tiny:latest" || tags.Models[0].Size == 0 || len(ps.Models) != 1 || ps.Models[0].ExpiresAt == nil {
		t.Errorf("tags %+v ps %+v", tags, ps)
	}
	var v ollama.VersionResponse
	get(t, url+"/api/version", &v)
	var h map[string]string
	get(t, url+"/health", &h)
	var list openai.ModelList
	get(t, url+"/v1/models", &list)
	if v.Version != "test" || h["status"] != "ok" || len(list.Data) != 1 || list.Data[0].ID != servetest.Name || list.Data[0].Meta.NVocab != 262 {
		t.Errorf("version %+v health %v models %+v", v, h, list)
	}
}
