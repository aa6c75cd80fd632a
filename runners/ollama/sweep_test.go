package ollama

import (
	"bufio"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/odbench/odbench/runners"
)

// flaky replays the recorded answer to the first n generate requests and
// misbehaves on the next: cut closes the connection, otherwise it hangs.
func flaky(t *testing.T, n int32, cut bool) string {
	var count atomic.Int32
	stream := read(t, "generate_stream.ndjson")
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/show":
			w.Write([]byte(read(t, "show.json")))
			return
		case "/api/tags", "/api/ps":
			w.Write([]byte(`{"models":[]}`))
			return
		}
		r.Body.Close()
		sc := bufio.NewScanner(strings.NewReader(stream))
		sc.Scan()
		w.Write(append(sc.Bytes(), '\n'))
		w.(http.Flusher).Flush()
		if count.Add(1) > n {
			if cut {
				conn, _, _ := w.(http.Hijacker).Hijack()
				conn.Close()
			} else {
				<-r.Context().Done()
			}
			return
		}
		for sc.Scan() {
			time.Sleep(time.Millisecond)
			w.Write(append(sc.Bytes(), '\n'))
			w.(http.Flusher).Flush()
		}
	}))
	t.Cleanup(hs.Close)
	return hs.URL
}

func TestSweepKeepsFinishedRepetitions(t *testing.T) {
	// Two calibration requests, the warm-up, one good repetition, then a cut.
	sw := runners.RemoteSweep{Runner: Runner{}, Model: "llama3.2:1b", Options: runners.Options{Endpoint: flaky(t, 4, true)},
		Tests: []runners.Test{{NGen: 4}}, Config: runners.Config{Repetitions: 3}, IdleTimeout: time.Second}
	doc, err := sw.Run(context.Background())
	if !errors.Is(err, runners.ErrIncomplete) {
		t.Fatalf("error %v, want ErrIncomplete", err)
	}
	if doc.Interrupted || len(doc.Results) != 1 {
		t.Fatalf("interrupted %v, %d results", doc.Interrupted, len(doc.Results))
	}
	r := doc.Results[0]
	if r.Repetitions != 1 || len(r.SamplesTs) != 1 || r.Test != "tg4" || r.Remote.ITL == nil || r.Remote.ITL.N != 4 {
		t.Errorf("result %+v", r)
	}
	// The replayed load_duration of the first request is the load time.
	if r.LoadMs != 912.33819 || r.Remote.ServerMs["eval_duration"] != 63.251 || !strings.HasPrefix(r.Remote.PromptSizing, "assumed") { // the replay counts 9 prompt tokens whatever the prompt
		t.Errorf("load %v ms, server %v, sizing %q", r.LoadMs, r.Remote.ServerMs, r.Remote.PromptSizing)
	}
}

func TestSweepInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	sw := runners.RemoteSweep{Runner: Runner{}, Model: "llama3.2:1b", Options: runners.Options{Endpoint: flaky(t, 5, false)},
		Tests: []runners.Test{{NPrompt: 8, NGen: 4}}, Config: runners.Config{Repetitions: 5}}
	sw.Config.Progress = func(_ runners.Test, rep, _ int) {
		if rep == 2 {
			time.AfterFunc(100*time.Millisecond, cancel) // while the third repetition hangs
		}
	}
	doc, err := sw.Run(ctx)
	if !errors.Is(err, context.Canceled) || !doc.Interrupted {
		t.Fatalf("error %v, interrupted %v", err, doc.Interrupted)
	}
	if len(doc.Results) != 1 || doc.Results[0].Repetitions != 2 || doc.Results[0].TTFTMs <= 0 {
		t.Fatalf("results %+v", doc.Results)
	}
}
