package runners

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"
)

// clockServer is a request-level model on a virtual clock: it serves one
// request at a time, each taking ttft to its first token and itl between
// tokens, and stops after stopAfter tokens when that is set.
type clockServer struct {
	RemoteModel
	mu        sync.Mutex
	now       time.Time
	ttft, itl time.Duration
	stopAfter int
	group     int // requests sent at once (the sweep's Parallel)
	n         int
	sent      time.Time
}

func (s *clockServer) API() string { return "test/clock" }

func (s *clockServer) Complete(_ context.Context, req CompletionRequest) (Completion, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.n%s.group == 0 { // the first of a repetition's requests: all were sent now
		s.sent = s.now
	}
	s.n++
	n := req.NPredict
	if s.stopAfter > 0 {
		n = min(n, s.stopAfter)
	}
	c := Completion{Sent: s.sent, PromptTokens: 5, GenTokens: n}
	t := s.now.Add(s.ttft)
	for range n {
		c.TokenTimes = append(c.TokenTimes, t)
		t = t.Add(s.itl)
	}
	s.now = c.TokenTimes[n-1]
	return c, nil
}

type clockRunner struct{ s *clockServer }

func (clockRunner) Name() string { return "clock" }
func (r clockRunner) Load(context.Context, string, Options) (Model, error) {
	return r.s, nil
}

func TestRemoteSweepFigures(t *testing.T) {
	const ttft, itl = 40 * time.Millisecond, 10 * time.Millisecond
	run := func(s *clockServer, tests []Test, par int) []float64 {
		s.now, s.n, s.group = time.Unix(0, 0), 0, par
		sw := RemoteSweep{Runner: clockRunner{s}, Model: "m", Tests: tests, Config: Config{Repetitions: 2, NoWarmup: true}, Parallel: par}
		doc, err := sw.Run(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		var got []float64
		for _, r := range doc.Results {
			got = append(got, r.AvgTs, r.Remote.AggregateTs, r.Remote.TTFT.Mean, float64(r.Remote.EarlyStops))
			if r.Repetitions != 2 || len(r.Remote.StreamTs) != 2*par {
				t.Errorf("%s: %d repetitions, %d streams", r.Test, r.Repetitions, len(r.Remote.StreamTs))
			}
		}
		return got
	}
	near := func(name string, got, want []float64) {
		t.Helper()
		for i := range want {
			if i >= len(got) || math.Abs(got[i]-want[i]) > 1e-6*math.Max(1, math.Abs(want[i])) {
				t.Errorf("%s: got %v, want %v", name, got, want)
				return
			}
		}
	}
	// One stream: pp16 is timed to the first token, tg8 over 8 gaps after
	// it, pp16+tg8 to the 9th token.
	s := &clockServer{ttft: ttft, itl: itl}
	tests := []Test{{NPrompt: 16}, {NGen: 8}, {NPrompt: 16, NGen: 8}}
	near("one stream", run(s, tests, 1), []float64{
		16 / 0.040, 16 / 0.040, 40, 0,
		1 / 0.010, 1 / 0.010, 40, 0,
		24 / 0.120, 24 / 0.120, 40, 0,
	})
	// Two streams on a server that serves one request at a time: the
	// second waits for the first; each stream's tg rate stays 100 t/s and
	// the aggregate counts the wait.
	near("two serialized streams", run(s, []Test{{NGen: 8}}, 2), []float64{1 / 0.010, 16 / (0.080 + 0.040 + 0.080), (40 + 160) / 2.0, 0})
	// A server that stops after 5 tokens: tg8 is scaled from its 4 gaps;
	// the aggregate counts the tokens generated.
	s = &clockServer{ttft: ttft, itl: itl, stopAfter: 5}
	near("early stop", run(s, []Test{{NGen: 8}}, 1), []float64{1 / 0.010, 1 / 0.010, 40, 2})
}

func TestPercentiles(t *testing.T) {
	xs := make([]float64, 100)
	for i := range xs {
		xs[99-i] = float64(i + 1)
	}
	p := percentiles(xs)
	if p.N != 100 || p.P50 != 50 || p.P90 != 90 || p.P99 != 99 || p.Max != 100 || p.Mean != 50.5 {
		t.Errorf("%+v", p)
	}
	if p := percentiles([]float64{7}); p.P50 != 7 || p.P99 != 7 {
		t.Errorf("one value: %+v", p)
	}
}

func TestPromptSizer(t *testing.T) {
	// A vocabulary of one token per two bytes, plus BOS.
	count := func(s string) int { return 1 + (len(s)+1)/2 }
	p := &promptSizer{count: count, rng: newTestRand()}
	for _, n := range []int{1, 2, 17, 512} {
		if got := count(p.prompt(n)); got != max(n, 2) {
			t.Errorf("prompt(%d) has %d tokens", n, got)
		}
	}
	// Calibrated from a server that counts 3 tokens a word plus 2.
	s := &wordServer{}
	p = &promptSizer{rng: newTestRand()}
	if _, err := p.calibrate(context.Background(), s, time.Second); err != nil {
		t.Fatal(err)
	}
	if p.perWord != 3 || p.overhead != 2 || p.method() != "calibrated" {
		t.Errorf("fit %v a word + %v (%s)", p.perWord, p.overhead, p.method())
	}
	if got := s.count(p.prompt(512)); got < 510 || got > 514 {
		t.Errorf("prompt(512) has %d tokens", got)
	}
}

func newTestRand() *rand.Rand { return rand.New(rand.NewPCG(1, 2)) }

// wordServer counts 3 prompt tokens a word plus 2, and streams one token.
type wordServer struct{ RemoteModel }

func (wordServer) API() string { return "test/words" }

func (wordServer) count(prompt string) int { return 3*len(strings.Fields(prompt)) + 2 }

func (s *wordServer) Complete(_ context.Context, req CompletionRequest) (Completion, error) {
	now := time.Now()
	return Completion{Sent: now, TokenTimes: []time.Time{now}, PromptTokens: s.count(req.Prompt), GenTokens: 1}, nil
}

func TestRemoteSweepRefusesDepth(t *testing.T) {
	sw := RemoteSweep{Runner: clockRunner{&clockServer{}}, Tests: []Test{{NGen: 4, NDepth: 128}}}
	if _, err := sw.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "-d 0") {
		t.Errorf("depth test: %v", err)
	}
}
