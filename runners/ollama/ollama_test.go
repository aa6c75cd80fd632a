package ollama

import (
	"bufio"
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

func read(t *testing.T, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// replay serves the recorded answers in testdata, a line at a time, and
// hands the last request body it got to check.
func replay(t *testing.T) (string, *[]byte) {
	var last []byte
	meta := map[string]string{"/api/show": read(t, "show.json"), "/api/tags": read(t, "tags.json"), "/api/ps": read(t, "ps.json")}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			var b bytes.Buffer
			b.ReadFrom(r.Body)
			last = b.Bytes()
		}
		if body, ok := meta[r.URL.Path]; ok {
			w.Write([]byte(body))
			return
		}
		stream := map[string]string{"/api/generate": "generate_stream.ndjson", "/api/chat": "chat_stream.ndjson"}[r.URL.Path]
		if stream == "" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/x-ndjson")
		sc := bufio.NewScanner(strings.NewReader(read(t, stream)))
		for sc.Scan() {
			w.Write(append(sc.Bytes(), '\n'))
			w.(http.Flusher).Flush()
			time.Sleep(time.Millisecond)
		}
	}))
	t.Cleanup(hs.Close)
	return hs.URL, &last
}

func TestReplayGenerate(t *testing.T) {
	url, last := replay(t)
	m, err := Runner{}.Load(context.Background(), "llama3.2:1b", runners.Options{Endpoint: url, CtxSize: 4096})
	if err != nil {
		t.Fatal(err)
	}
	in := m.Info()
	want := runners.ModelInfo{Arch: "llama", Description: "llama 1.2B Q8_0", FileType: "Q8_0", NParams: 1235814432, SizeBytes: 1321098329,
		NVocab: 128256, NCtxTrain: 131072, NLayer: 16, NEmbd: 2048, NHead: 32, NHeadKV: 8}
	if in != want {
		t.Errorf("info %+v\nwant %+v", in, want)
	}
	c := m.(runners.Completer)
	if c.API() != "ollama/generate" {
		t.Errorf("API %q", c.API())
	}
	comp, err := c.Complete(context.Background(), runners.CompletionRequest{Prompt: " the sky", NPredict: 5, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	var req map[string]any
	if err := json.Unmarshal(*last, &req); err != nil {
		t.Fatal(err)
	}
	opts, _ := req["options"].(map[string]any)
	if req["raw"] != true || req["stream"] != true || req["keep_alive"] != KeepAlive || req["prompt"] != " the sky" ||
		opts["num_predict"] != float64(5) || opts["temperature"] != float64(0) || opts["seed"] != float64(3) || opts["num_ctx"] != float64(4096) {
		t.Errorf("request %s", *last)
	}
	if len(comp.TokenTimes) != 5 || comp.Text != " The sky is blue because" || comp.PromptTokens != 9 || comp.GenTokens != 5 || comp.StopReason != "length" {
		t.Errorf("completion: %d tokens %q prompt %d gen %d stop %q", len(comp.TokenTimes), comp.Text, comp.PromptTokens, comp.GenTokens, comp.StopReason)
	}
	wantNs := map[string]int64{"total_duration": 1034512845, "load_duration": 912338190, "prompt_eval_duration": 52101000, "eval_duration": 63251000}
	for k, v := range wantNs {
		if comp.ServerNs[k] != v {
			t.Errorf("server %s = %d, want %d", k, comp.ServerNs[k], v)
		}
	}
	if comp.VRAMBytes != 2019393792 {
		t.Errorf("VRAM %d, want /api/ps's size_vram", comp.VRAMBytes)
	}
	for i := 1; i < len(comp.TokenTimes); i++ {
		if comp.TokenTimes[i].Before(comp.TokenTimes[i-1]) || comp.TokenTimes[0].Before(comp.Sent) {
			t.Fatal("token times out of order")
		}
	}
}

func TestReplayChat(t *testing.T) {
	url, last := replay(t)
	m, err := Runner{}.Load(context.Background(), "llama3.2:1b", runners.Options{Endpoint: url + "/api/chat"})
	if err != nil {
		t.Fatal(err)
	}
	comp, err := m.(runners.Completer).Complete(context.Background(), runners.CompletionRequest{Prompt: "hi", NPredict: 3})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(*last, []byte(`"messages":[{"role":"user","content":"hi"}]`)) || bytes.Contains(*last, []byte("num_ctx")) {
		t.Errorf("request %s", *last)
	}
	if len(comp.TokenTimes) != 3 || comp.Text != "Hello! How" || comp.StopReason != "stop" || comp.PromptTokens != 26 || comp.ServerNs["eval_duration"] != 38122000 {
		t.Errorf("completion %+v", comp)
	}
}

func TestFaults(t *testing.T) {
	meta := map[string]string{"/api/show": `{"details":{"family":"llama"},"model_info":{}}`, "/api/tags": `{"models":[]}`}
	good := []string{`{"model":"m","created_at":"2026-11-20T09:12:01Z","response":"a","done":false}`}
	for _, f := range remotetest.Faults {
		t.Run(string(f), func(t *testing.T) {
			url := remotetest.Server(t, f, meta, good, `{"model":"m","response":"b","done":fal`)
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
			var want error
			switch f {
			case remotetest.Hang, remotetest.HangMid:
				want = runners.ErrNoAnswer
			case remotetest.EndEarly, remotetest.Cut:
				want = runners.ErrIncomplete
			}
			var he *runners.HTTPError
			switch {
			case want != nil && !errors.Is(err, want):
				t.Errorf("error %v, want %v", err, want)
			case f == remotetest.Garbage && !strings.Contains(err.Error(), "malformed JSON"):
				t.Errorf("error %v, want malformed JSON", err)
			case f == remotetest.Status && (!errors.As(err, &he) || he.Status != 500 || he.Message != "model runner crashed"):
				t.Errorf("error %v, want HTTP 500 with the server's message", err)
			}
			t.Log(err)
		})
	}
	url := remotetest.Server(t, remotetest.Status, nil, nil, "")
	if _, err := (Runner{}).Load(context.Background(), "m", runners.Options{Endpoint: url}); err == nil || !strings.Contains(err.Error(), "model runner crashed") {
		t.Errorf("Load against a failing server: %v", err)
	}
	if _, err := (Runner{}).Load(context.Background(), "m", runners.Options{}); err == nil || !strings.Contains(err.Error(), "--url") {
		t.Errorf("Load without an endpoint: %v", err)
	}
}
