package runners

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/odbench/odbench/results"
)

// Sweep is one `odbench bench` run: every test on the model loaded with
// every option set, as llama-bench runs every combination of its lists.
type Sweep struct {
	Runner  Runner
	Model   string    // path of the GGUF file (or a server's model name)
	Options []Options // one load per option set; CtxSize is set to what the tests need
	Tests   []Test
	Config  Config
	// Notes are added to the document's notes (energy, device source, ...).
	Notes []string
	// OnResult, when not nil, is called with each finished result.
	OnResult func(results.BenchResult)
}

// Run runs the sweep and returns the bench document. When ctx is cancelled
// (Ctrl-C) it returns the document with the results finished so far, the
// interrupted test's finished repetitions included and Interrupted set,
// together with ctx's error. On another error it returns the results so
// far and the error.
func (s Sweep) Run(ctx context.Context) (*results.Bench, error) {
	doc := &results.Bench{Schema: results.BenchSchema, CreatedAt: time.Now().UTC(), Notes: append([]string{}, s.Notes...), Results: []results.BenchResult{}}
	nCtx := ContextFor(s.Tests)
	for i, opts := range s.Options {
		opts.CtxSize = nCtx
		if !ResetPeakRSS() && i == 1 {
			doc.Notes = append(doc.Notes, "peak RSS is the process's since it started: this OS cannot reset it between option sets")
		}
		err := s.runOptions(ctx, opts, doc)
		if IsInterrupted(err) && ctx.Err() != nil {
			doc.Interrupted = true
		}
		if err != nil {
			return doc, err
		}
	}
	return doc, nil
}

func (s Sweep) runOptions(ctx context.Context, opts Options, doc *results.Bench) error {
	start := time.Now()
	m, err := s.Runner.Load(ctx, s.Model, opts)
	if err != nil {
		return fmt.Errorf("%s: %w", s.Runner.Name(), err)
	}
	loadMs := float64(time.Since(start).Microseconds()) / 1e3
	defer m.Close()
	in := m.Info()
	base := results.BenchResult{
		Runner: s.Runner.Name(), ModelFilename: s.Model, ModelType: in.Description, ModelSize: in.SizeBytes, ModelNParams: in.NParams,
		NBatch: opts.BatchSize, NUBatch: opts.UBatchSize, NThreads: in.Threads, TypeK: typeName(opts.KVType), TypeV: typeName(opts.KVTypeV),
		NGPULayers: opts.GPULayers, FlashAttn: opts.FlashAttn, UseMmap: !opts.NoMmap, LoadMs: loadMs,
	}
	for _, t := range s.Tests {
		meas, err := Run(ctx, m, t, s.Config)
		if len(meas.Ns) > 0 {
			r := meas.Result(base)
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

// ContextFor returns the context the tests need: the most tokens one holds.
func ContextFor(tests []Test) int {
	n := 0
	for _, t := range tests {
		n = max(n, t.Tokens())
	}
	return n
}

func typeName(kv string) string {
	if kv == "" {
		return "f16"
	}
	return kv
}

// ErrNoTests is returned by Tests when the lists ask for no test.
var ErrNoTests = errors.New("no test to run: every -p, -n and -pg is 0")

// Tests expands llama-bench's lists into tests: at each depth, a pp test
// per prompt length, a tg test per generation length, and a pg test per
// pair; zero lengths are skipped (-p 0 turns pp tests off).
func Tests(prompts, gens []int, pairs [][2]int, depths []int) ([]Test, error) {
	var ts []Test
	for _, d := range depths {
		for _, p := range prompts {
			if p > 0 {
				ts = append(ts, Test{NPrompt: p, NDepth: d})
			}
		}
		for _, n := range gens {
			if n > 0 {
				ts = append(ts, Test{NGen: n, NDepth: d})
			}
		}
		for _, pg := range pairs {
			if pg[0] > 0 || pg[1] > 0 {
				ts = append(ts, Test{NPrompt: pg[0], NGen: pg[1], NDepth: d})
			}
		}
	}
	if len(ts) == 0 {
		return nil, ErrNoTests
	}
	return ts, nil
}
