package openai

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/odbench/odbench/runners"
	"github.com/odbench/odbench/runners/remotetest"
)

const models = `{"object":"list","data":[{"id":"Llama-3.2-1B-Instruct-Q4_K_M.gguf","object":"model","created":1763629900,"owned_by":"llamacpp","meta":{"vocab_type":2,"n_vocab":128256,"n_ctx_train":131072,"n_embd":2048,"n_params":1235814432,"size":799862912}}]}`

// replay answers /v1/models and streams a recorded answer file, an event
// at a time, to the completion endpoints; it keeps the last request and
// its Authorization header.
func replay(t *testing.T, file string) (string, *[]byte, *string) {
	data, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	var last []byte
	var auth string
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth = r.Header.Get("Authorization")
		if r.URL.Path == "/v1/models" {
			w.Write([]byte(models))
			return
		}
		var b bytes.Buffer
		b.ReadFrom(r.Body)
		last = b.Bytes()
		w.Header().Set("Content-Type", "text/event-stream")
		for _, ev := range strings.SplitAfter(string(data), "\n\n") {
			w.Write([]byte(ev))
			w.(http.Flusher).Flush()
			time.Sleep(time.Millisecond)
		}
	}))
	t.Cleanup(hs.Close)
	return hs.URL, &last, &auth
}

func TestReplayCompletions(t *testing.T) {
	t.Setenv("ODBENCH_API_KEY", "sk-test")
	url, last, auth := replay(t, "completions_stream.sse")
	name := "Llama-3.2-1B-Instruct-Q4_K_M.gguf"
	m, err := Runner{}.Load(context.Background(), name, runners.Options{Endpoint: url + "/v1/"})
	if err != nil {
		t.Fatal(err)
	}
	if in := m.Info(); in.NParams != 1235814432 || in.SizeBytes != 799862912 || in.NVocab != 128256 || in.Description != name {
		t.Errorf("info %+v", in)
	}
	c := m.(runners.Completer)
	comp, err := c.Complete(context.Background(), runners.CompletionRequest{Prompt: "Why", NPredict: 4, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	var req map[string]any
	json.Unmarshal(*last, &req)
	if req["prompt"] != "Why" || req["max_tokens"] != float64(4) || req["stream"] != true || req["ignore_eos"] != true ||
		req["temperature"] != float64(0) || req["seed"] != float64(9) || *auth != "Bearer sk-test" || c.API() != "openai/completions" {
		t.Errorf("request %s, authorization %q", *last, *auth)
	}
	if len(comp.TokenTimes) != 4 || comp.Text != " The sky is blue" || comp.PromptTokens != 7 || comp.GenTokens != 4 || comp.StopReason != "length" ||
		comp.ServerNs["prompt_duration"] != 21884000 || comp.ServerNs["predicted_duration"] != 48415000 {
		t.Errorf("completion %+v", comp)
	}
}

func TestReplayChat(t *testing.T) {
	t.Setenv("ODBENCH_API_KEY", "")
	t.Setenv("OPENAI_API_KEY", "")
	url, last, auth := replay(t, "chat_stream.sse")
	m, err := Runner{}.Load(context.Background(), "qwen2.5-0.5b-instruct", runners.Options{Endpoint: url + "/v1/chat/completions"})
	if err != nil {
		t.Fatal(err)
	}
	comp, err := m.(runners.Completer).Complete(context.Background(), runners.CompletionRequest{Prompt: "hello", NPredict: 8})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(*last, []byte(`"messages":[{"role":"user","content":"hello"}]`)) || *auth != "" {
		t.Errorf("request %s, authorization %q", *last, *auth)
	}
	// The opening role chunk is not a token; no usage was sent.
	if len(comp.TokenTimes) != 2 || comp.Text != "Hi there" || comp.StopReason != "stop" || comp.PromptTokens != 0 || comp.ServerNs != nil {
		t.Errorf("completion %+v", comp)
	}
}

func TestFaults(t *testing.T) {
	meta := map[string]string{"/v1/models": models}
	good := []string{`data: {"choices":[{"text":"a","index":0,"finish_reason":null}],"object":"text_completion"}`, ""}
	for _, f := range remotetest.Faults {
		t.Run(string(f), func(t *testing.T) {
			url := remotetest.Server(t, f, meta, good, `data: {"choices":[{"text":"b",`)
			start := time.Now()
			m, err := Runner{}.Load(context.Background(), "m", runners.Options{Endpoint: url})
			if f == remotetest.Down {
				if err == nil || !strings.Contains(err.Error(), "is the server running") {
					t.Fatalf("Load on a closed port: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			comp, err := m.(runners.Completer).Complete(context.Background(), runners.CompletionRequest{Prompt: "x", NPredict: 4, IdleTimeout: 300 * time.Millisecond})
			if err == nil {
				t.Fatalf("no error; completion %+v", comp)
			}
			if took := time.Since(start); took > 5*time.Second {
				t.Errorf("took %v, want about the idle timeout", took)
			}
			var he *runners.HTTPError
			switch f {
			case remotetest.Hang, remotetest.HangMid:
				if !errors.Is(err, runners.ErrNoAnswer) {
					t.Errorf("error %v, want ErrNoAnswer", err)
				}
			case remotetest.EndEarly, remotetest.Cut:
				if !errors.Is(err, runners.ErrIncomplete) {
					t.Errorf("error %v, want ErrIncomplete", err)
				}
			case remotetest.Garbage:
				if !strings.Contains(err.Error(), "malformed JSON") {
					t.Errorf("error %v, want malformed JSON", err)
				}
			case remotetest.Status:
				if !errors.As(err, &he) || he.Status != 500 || he.Message != "model runner crashed" {
					t.Errorf("error %v, want HTTP 500 with the server's message", err)
				}
			}
		})
	}
}

func TestMidStreamError(t *testing.T) {
	url := remotetest.Server(t, remotetest.EndEarly, map[string]string{"/v1/models": models},
		[]string{`data: {"choices":[{"text":"a","index":0,"finish_reason":null}]}`, "", `data: {"error":{"message":"out of memory","type":"server_error"}}`, ""}, "")
	m, err := Runner{}.Load(context.Background(), "m", runners.Options{Endpoint: url})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.(runners.Completer).Complete(context.Background(), runners.CompletionRequest{Prompt: "x", NPredict: 4}); err == nil || !strings.Contains(err.Error(), "mid-stream: out of memory") {
		t.Errorf("error %v, want the server's message", err)
	}
}

// TestStrictServer checks that the extensions a strict server refuses are
// dropped: OpenAI's API answers 400 for ignore_eos and for stream_options.
func TestStrictServer(t *testing.T) {
	var bodies []string
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/models" {
			w.Write([]byte(models))
			return
		}
		var b bytes.Buffer
		b.ReadFrom(r.Body)
		bodies = append(bodies, b.String())
		for _, field := range []string{"ignore_eos", "stream_options"} {
			if strings.Contains(b.String(), field) {
				w.WriteHeader(http.StatusBadRequest)
				w.Write([]byte(`{"error":{"message":"Unrecognized request argument supplied: ` + field + `","type":"invalid_request_error"}}`))
				return
			}
		}
		w.Write([]byte("data: {\"choices\":[{\"text\":\"a\",\"index\":0,\"finish_reason\":null}]}\n\ndata: [DONE]\n\n"))
	}))
	defer hs.Close()
	m, err := Runner{}.Load(context.Background(), "m", runners.Options{Endpoint: hs.URL})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		comp, err := m.(runners.Completer).Complete(context.Background(), runners.CompletionRequest{Prompt: "x", NPredict: 1})
		if err != nil || len(comp.TokenTimes) != 1 {
			t.Fatalf("%v %+v", err, comp)
		}
	}
	if len(bodies) != 4 { // refused twice, then accepted twice
		t.Errorf("%d requests, want 4: %q", len(bodies), bodies)
	}
}
