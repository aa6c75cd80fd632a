package runners

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"sync"
	"time"

	"github.com/odbench/odbench/results"
)

// Completer is a Model behind a server (ollama, openai): it runs whole
// requests instead of token-level Decode and Sample, which such a Model
// answers with ErrUnsupported. RemoteSweep measures it.
type Completer interface {
	// Complete sends one streaming request and returns when the server
	// has finished it. A stream that ends before the server says it is
	// done, a malformed message or a silence longer than the request's
	// idle timeout is an error, never a short Completion.
	Complete(ctx context.Context, req CompletionRequest) (Completion, error)
	// API names the endpoint the requests go to, e.g. "ollama/generate".
	API() string
}

// CompletionRequest is one request to a server.
type CompletionRequest struct {
	Prompt      string        // sent as is: no chat template on completion endpoints
	NPredict    int           // tokens to generate
	Temperature float32       // 0: greedy
	Seed        uint64        // sampler seed
	IdleTimeout time.Duration // longest silence of the server; 0: DefaultIdleTimeout
}

// DefaultIdleTimeout is how long a request waits for the server's next
// byte (the first one included, which may wait for a model to load).
const DefaultIdleTimeout = 2 * time.Minute

// Completion is a finished request, timed on the client.
type Completion struct {
	Sent       time.Time   // when the request was sent
	TokenTimes []time.Time // when each streamed token arrived
	Text       string      // the generated text
	// PromptTokens and GenTokens are the server's counts; 0 when it sent none.
	PromptTokens, GenTokens int
	// StopReason is the server's: "length", "stop", ...
	StopReason string
	// ServerNs are the server's own durations, nanoseconds, by its field names.
	ServerNs map[string]int64
	// VRAMBytes is the model's GPU memory as the server reports it; 0 unknown.
	VRAMBytes uint64
}

// TokenCounter returns the number of tokens the served model makes of
// text (a tokenizer built from the model's GGUF file).
type TokenCounter func(text string) int

// RemoteSweep is `odbench bench` against a server: the tests of DESIGN.md
// as requests, each repetition Parallel streams at once. Every test
// requests n_gen+1 tokens: its timed region runs from sending the request
// to the last token for tests with a prompt (the prompt's evaluation, the
// first token, then n_gen tokens generated one at a time, as the in-process
// harness decodes n_gen tokens after the prompt), and from the first to the
// last token for tg tests. TTFT is from sending to the first token.
// load_ms is the server's own load time from the first request when it
// reports one (Ollama's load_duration, which keep_alive confines to that
// request), else the time the runner's Load took (its metadata calls).
type RemoteSweep struct {
	Runner  Runner
	Model   string  // the server's model name
	Options Options // Endpoint is the server's base URL
	Tests   []Test
	Config  Config
	// Parallel is the number of streams per repetition; 0 means 1.
	Parallel int
	// Count sizes the prompts; nil: calibrated from the server's counts.
	Count TokenCounter
	// IdleTimeout bounds every wait for the server; 0: DefaultIdleTimeout.
	IdleTimeout time.Duration
	Notes       []string
	// OnResult, when not nil, is called with each finished result.
	OnResult func(results.RemoteResult)
}

// ErrIncomplete is returned (wrapped) when a server's answer ended before
// it was complete: the stream closed, or the server stopped too early to
// time the test.
var ErrIncomplete = errors.New("incomplete answer")

// Run runs the sweep. On Ctrl-C it returns the finished results, the
// interrupted test's finished repetitions included, with Interrupted set
// and ctx's error; on another error the results so far and the error.
func (s RemoteSweep) Run(ctx context.Context) (*results.RemoteBench, error) {
	doc := &results.RemoteBench{Bench: results.Bench{Schema: results.BenchSchema, CreatedAt: time.Now().UTC(),
		Notes: append([]string{}, s.Notes...)}, Results: []results.RemoteResult{}}
	err := s.run(ctx, doc)
	if err != nil && IsInterrupted(err) && ctx.Err() != nil {
		doc.Interrupted = true
	}
	return doc, err
}

func (s RemoteSweep) run(ctx context.Context, doc *results.RemoteBench) error {
	for _, t := range s.Tests {
		if t.NDepth > 0 {
			return fmt.Errorf("%s: depth tests need the KV cache filled before the timed region, which a server does not expose; use -d 0", t.Name())
		}
	}
	opts := s.Options
	opts.CtxSize = ContextFor(s.Tests) + 1
	start := time.Now()
	m, err := s.Runner.Load(ctx, s.Model, opts)
	if err != nil {
		return fmt.Errorf("%s: %w", s.Runner.Name(), err)
	}
	defer m.Close()
	loadMs := float64(time.Since(start).Microseconds()) / 1e3
	c, ok := m.(Completer)
	if !ok {
		return fmt.Errorf("%s: %w: the runner does not serve requests; use Sweep", s.Runner.Name(), ErrUnsupported)
	}
	in := m.Info()
	sizer := &promptSizer{count: s.Count, rng: rand.New(rand.NewPCG(s.Config.Seed, 0x72656d6f7465))}
	first, err := sizer.calibrate(ctx, c, s.idle())
	if err != nil {
		return err
	}
	if sizer.count == nil && !sizer.assumed {
		for _, t := range s.Tests {
			if t.NPrompt > 0 && float64(t.NPrompt) < sizer.overhead+sizer.perWord {
				doc.Notes = append(doc.Notes, fmt.Sprintf("the server adds about %.0f tokens to every prompt (BOS, chat template): %s sends the shortest prompt, one word", sizer.overhead, t.Name()))
			}
		}
	}
	if ns, ok := first.ServerNs["load_duration"]; ok {
		loadMs = float64(ns) / 1e6 // the server's own load time, from the first request
	}
	base := results.BenchResult{Runner: s.Runner.Name(), ModelFilename: s.Model, ModelType: in.Description, ModelSize: in.SizeBytes,
		ModelNParams: in.NParams, NThreads: in.Threads, TypeK: "f16", TypeV: "f16", NGPULayers: opts.GPULayers, UseMmap: true, LoadMs: loadMs}
	for _, t := range s.Tests {
		r, err := s.runTest(ctx, c, t, sizer, base)
		if r.Repetitions > 0 {
			doc.Results = append(doc.Results, r)
			if s.OnResult != nil {
				s.OnResult(r)
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// AddRemoteCeilings is AddCeilings for a server's results: doc.Device
// gives the rates (meaningful when the server runs on this device), fp the
// model's footprint (from --tokenizer-model). It returns AddCeilings' note.
func AddRemoteCeilings(doc *results.RemoteBench, fp *Footprint) string {
	common := doc.Common()
	note := AddCeilings(common, fp)
	for i, r := range common.Results {
		doc.Results[i].CeilingTs, doc.Results[i].CeilingShare = r.CeilingTs, r.CeilingShare
	}
	return note
}

func (s RemoteSweep) idle() time.Duration {
	if s.IdleTimeout > 0 {
		return s.IdleTimeout
	}
	return DefaultIdleTimeout
}

// stream is one finished request of a repetition, reduced to its figures.
type stream struct {
	c        Completion
	regionNs float64 // timed region scaled to the test's tokens, ns
	tokens   int     // tokens actually in the timed region (fewer after an early stop)
	end      time.Time
	early    bool
}

// runTest measures one test, after one untimed warm-up request.
func (s RemoteSweep) runTest(ctx context.Context, c Completer, t Test, sizer *promptSizer, base results.BenchResult) (results.RemoteResult, error) {
	par := max(s.Parallel, 1)
	reps := s.Config.Repetitions
	if reps <= 0 {
		reps = 5
	}
	acc := remoteAcc{test: t, start: time.Now()}
	if !s.Config.NoWarmup {
		if _, err := s.send(ctx, c, t, sizer.prompt(max(t.NPrompt, 1))); err != nil {
			return acc.result(s, base, c, sizer, par), fmt.Errorf("%s: warm-up: %w", t.Name(), err)
		}
		if s.Config.Progress != nil {
			s.Config.Progress(t, 0, reps)
		}
	}
	for rep := 1; rep <= reps; rep++ {
		if err := ctx.Err(); err != nil {
			return acc.result(s, base, c, sizer, par), err
		}
		streams, err := s.repetition(ctx, c, t, sizer, par)
		if err != nil {
			return acc.result(s, base, c, sizer, par), fmt.Errorf("%s: repetition %d: %w", t.Name(), rep, err)
		}
		acc.add(streams)
		if s.Config.Progress != nil {
			s.Config.Progress(t, rep, reps)
		}
	}
	return acc.result(s, base, c, sizer, par), nil
}

// repetition runs par requests at once; it fails when any of them fails.
func (s RemoteSweep) repetition(ctx context.Context, c Completer, t Test, sizer *promptSizer, par int) ([]stream, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	out := make([]stream, par)
	errs := make([]error, par)
	prompts := make([]string, par)
	for i := range prompts {
		prompts[i] = sizer.prompt(max(t.NPrompt, 1))
	}
	var wg sync.WaitGroup
	for i := range par {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out[i], errs[i] = s.send(ctx, c, t, prompts[i])
			if errs[i] != nil {
				cancel()
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil && !errors.Is(err, context.Canceled) {
			return nil, err
		}
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// send runs one request of test t and times it.
func (s RemoteSweep) send(ctx context.Context, c Completer, t Test, prompt string) (stream, error) {
	comp, err := c.Complete(ctx, CompletionRequest{Prompt: prompt, NPredict: t.NGen + 1, Seed: s.Config.Seed, IdleTimeout: s.idle()})
	if err != nil {
		return stream{}, err
	}
	n := len(comp.TokenTimes)
	if n == 0 {
		return stream{}, fmt.Errorf("%w: the server streamed no token", ErrIncomplete)
	}
	st := stream{c: comp, end: comp.TokenTimes[n-1]}
	first := comp.TokenTimes[0]
	gen := min(n-1, t.NGen) // tokens generated one at a time after the first
	st.tokens = t.NPrompt + gen
	if gen < t.NGen {
		st.early = true
		if t.NGen > 0 && gen == 0 {
			return stream{}, fmt.Errorf("%w: the server stopped (%q) after its first token; a tg test needs at least two", ErrIncomplete, comp.StopReason)
		}
	}
	var genNs float64
	if t.NGen > 0 {
		genNs = float64(st.end.Sub(first).Nanoseconds()) * float64(t.NGen) / float64(gen)
	}
	if t.NPrompt > 0 {
		st.regionNs = float64(first.Sub(comp.Sent).Nanoseconds()) + genNs
	} else {
		st.regionNs = genNs
	}
	return st, nil
}

// remoteAcc accumulates the repetitions of one test.
type remoteAcc struct {
	test     Test
	start    time.Time
	ns       []uint64  // per repetition: mean region of its streams
	agg      []float64 // per repetition: aggregate tokens/s
	streamTs []float64
	ttft     []float64 // ms, every request
	itl      []float64 // ms, every gap
	prompt   []float64 // server-reported prompt tokens
	early    int
	server   map[string][]float64 // ms by name
	promptTs []float64
	genTs    []float64
	vram     uint64
}

func (a *remoteAcc) add(streams []stream) {
	tokens := float64(a.test.NPrompt + a.test.NGen)
	var sum, done float64
	begin, end := streams[0].c.Sent, streams[0].end
	for _, st := range streams {
		sum += st.regionNs
		done += float64(st.tokens)
		a.streamTs = append(a.streamTs, tokens*1e9/st.regionNs)
		if st.c.Sent.Before(begin) {
			begin = st.c.Sent
		}
		if st.end.After(end) {
			end = st.end
		}
		tt := st.c.TokenTimes
		a.ttft = append(a.ttft, ms(tt[0].Sub(st.c.Sent)))
		for i := 1; i < len(tt); i++ {
			a.itl = append(a.itl, ms(tt[i].Sub(tt[i-1])))
		}
		if st.c.PromptTokens > 0 {
			a.prompt = append(a.prompt, float64(st.c.PromptTokens))
		}
		if st.early {
			a.early++
		}
		a.addServer(st.c)
	}
	a.ns = append(a.ns, uint64(math.Round(sum/float64(len(streams)))))
	if a.test.NPrompt == 0 { // tg streams are timed from their first token
		begin = streams[0].c.TokenTimes[0]
		for _, st := range streams {
			if first := st.c.TokenTimes[0]; first.Before(begin) {
				begin = first
			}
		}
	}
	a.agg = append(a.agg, done/end.Sub(begin).Seconds())
}

// addServer records a request's server-side durations and rates.
func (a *remoteAcc) addServer(c Completion) {
	if a.server == nil {
		a.server = map[string][]float64{}
	}
	for k, v := range c.ServerNs {
		a.server[k] = append(a.server[k], float64(v)/1e6)
	}
	// Ollama's names, then llama-server's (timings.prompt_ms, predicted_ms).
	promptNs, genNs := c.ServerNs["prompt_eval_duration"], c.ServerNs["eval_duration"]
	if promptNs == 0 && genNs == 0 {
		promptNs, genNs = c.ServerNs["prompt_duration"], c.ServerNs["predicted_duration"]
	}
	if promptNs > 0 && c.PromptTokens > 0 {
		a.promptTs = append(a.promptTs, float64(c.PromptTokens)*1e9/float64(promptNs))
	}
	if genNs > 0 && c.GenTokens > 1 {
		a.genTs = append(a.genTs, float64(c.GenTokens)*1e9/float64(genNs))
	}
	a.vram = max(a.vram, c.VRAMBytes)
}

// result builds the row through the common Measurement.Result, so the
// common fields mean what they mean for the in-process runners.
func (a *remoteAcc) result(s RemoteSweep, base results.BenchResult, c Completer, sizer *promptSizer, par int) results.RemoteResult {
	meas := Measurement{Test: a.test, Start: a.start, Ns: a.ns}
	if a.test.NPrompt > 0 {
		for _, v := range a.ttft {
			meas.TTFTNs = append(meas.TTFTNs, uint64(v*1e6))
		}
	}
	// PeakRSS stays 0: the memory that matters is the server's, which it does not report.
	r := results.RemoteResult{BenchResult: meas.Result(base)}
	rs := &r.Remote
	rs.Endpoint, rs.API, rs.Parallel = s.Options.Endpoint, c.API(), par
	rs.AggregateTs = Summarize(a.agg).Mean
	rs.StreamTs = append([]float64{}, a.streamTs...)
	rs.TTFT = percentiles(a.ttft)
	if len(a.itl) > 0 {
		p := percentiles(a.itl)
		rs.ITL = &p
	}
	rs.PromptTokens = Summarize(a.prompt).Mean
	rs.PromptSizing = sizer.method()
	rs.EarlyStops = a.early
	if len(a.server) > 0 {
		rs.ServerMs = map[string]float64{}
		for k, v := range a.server {
			rs.ServerMs[k] = Summarize(v).Mean
		}
	}
	rs.ServerPromptTs, rs.ServerGenTs = Summarize(a.promptTs).Mean, Summarize(a.genTs).Mean
	rs.VRAMBytes = a.vram
	r.GPUMemBytes = a.vram
	return r
}

func ms(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }

// percentiles summarizes xs with nearest-rank percentiles.
func percentiles(xs []float64) results.Percentiles {
	if len(xs) == 0 {
		return results.Percentiles{}
	}
	s := append([]float64{}, xs...)
	sort.Float64s(s)
	rank := func(p float64) float64 {
		i := int(math.Ceil(p/100*float64(len(s)))) - 1
		return s[min(max(i, 0), len(s)-1)]
	}
	return results.Percentiles{N: len(s), Mean: Summarize(s).Mean, P50: rank(50), P90: rank(90), P99: rank(99), Max: s[len(s)-1]}
}
