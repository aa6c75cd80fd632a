package runners

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/odbench/odbench/results"
)

// Test is one llama-bench test: NPrompt tokens evaluated in one batch,
// then NGen tokens generated one at a time, with NDepth tokens already in
// the KV cache. pp is {NPrompt: N}, tg {NGen: N}, pg {NPrompt, NGen}.
type Test struct {
	NPrompt, NGen, NDepth int
}

// Name is the test's name in llama-bench's notation: "pp512", "tg128",
// "pp512+tg128", with " @ d4096" at a depth.
func (t Test) Name() string {
	var s string
	switch {
	case t.NPrompt > 0 && t.NGen > 0:
		s = fmt.Sprintf("pp%d+tg%d", t.NPrompt, t.NGen)
	case t.NPrompt > 0:
		s = fmt.Sprintf("pp%d", t.NPrompt)
	default:
		s = fmt.Sprintf("tg%d", t.NGen)
	}
	if t.NDepth > 0 {
		s += fmt.Sprintf(" @ d%d", t.NDepth)
	}
	return s
}

// Tokens is the context the test needs: depth, prompt and generated tokens.
func (t Test) Tokens() int { return t.NDepth + t.NPrompt + t.NGen }

// Config sets how the harness runs a test.
type Config struct {
	// Repetitions is the number of timed repetitions (llama-bench -r); 0 means 5.
	Repetitions int
	// NoWarmup skips the untimed warm-up run before the repetitions.
	NoWarmup bool
	// Seed makes the random token ids reproducible.
	Seed uint64
	// Energy, when not nil, is read around every timed region.
	Energy EnergyMeter
	// Progress, when not nil, is called after the warm-up (rep 0) and after
	// every repetition (1..n).
	Progress func(t Test, rep, of int)
}

// Measurement is what the harness measured on one test: one entry per
// finished repetition in every slice.
type Measurement struct {
	Test   Test
	Start  time.Time
	Ns     []uint64  // duration of the timed region, ns
	TTFTNs []uint64  // prompt evaluation + first sample, ns; empty without a prompt
	Joules []float64 // energy of the timed region, J; empty without a meter
	// EnergySource is the meter's Source, "" without one.
	EnergySource string
	PeakRSS      uint64 // bytes, after the last repetition; 0 when unknown
	GPUBytes     uint64 // GPU memory the model reports; 0 when unknown
}

// Run measures test t on model m the way llama-bench does. Before every
// repetition the KV cache is cleared and, at a depth, filled with NDepth
// random tokens (untimed). The timed region evaluates NPrompt random token
// ids (BOS first) in one Decode call, then NGen random tokens one Decode
// at a time, without sampling. TTFT is measured on tests with a prompt:
// the prompt's Decode plus one greedy Sample, which is kept out of the
// timed region. When ctx is cancelled Run returns the repetitions finished
// so far together with ctx's error.
func Run(ctx context.Context, m Model, t Test, cfg Config) (Measurement, error) {
	if t.NPrompt < 0 || t.NGen < 0 || t.NDepth < 0 || t.NPrompt+t.NGen == 0 {
		return Measurement{}, fmt.Errorf("test %+v: needs a positive prompt or generation length", t)
	}
	reps := cfg.Repetitions
	if reps <= 0 {
		reps = 5
	}
	nVocab := m.Info().NVocab
	if nVocab <= 0 {
		return Measurement{}, fmt.Errorf("test %s: model reports a vocabulary of %d tokens", t.Name(), nVocab)
	}
	g := tokenSource{rng: rand.New(rand.NewPCG(cfg.Seed, 0x6f6462656e6368)), nVocab: nVocab, bos: m.BOS()}
	meas := Measurement{Test: t, Start: time.Now()}
	if cfg.Energy != nil {
		meas.EnergySource = cfg.Energy.Source()
	}
	if !cfg.NoWarmup {
		if err := warmup(ctx, m, t, &g); err != nil {
			return meas, err
		}
		if cfg.Progress != nil {
			cfg.Progress(t, 0, reps)
		}
	}
	for rep := 1; rep <= reps; rep++ {
		if err := ctx.Err(); err != nil {
			return meas.finish(m), err
		}
		if err := runOnce(ctx, m, t, cfg, &g, &meas); err != nil {
			return meas.finish(m), err
		}
		if cfg.Progress != nil {
			cfg.Progress(t, rep, reps)
		}
	}
	return meas.finish(m), m.Reset()
}

func (meas Measurement) finish(m Model) Measurement {
	meas.PeakRSS, _ = PeakRSS()
	if mr, ok := m.(MemoryReporter); ok {
		meas.GPUBytes = mr.Memory().GPUBytes
	}
	return meas
}

// warmup runs the test's prompt and one generated token once, untimed, as
// llama-bench does before its repetitions.
func warmup(ctx context.Context, m Model, t Test, g *tokenSource) error {
	if err := m.Reset(); err != nil {
		return fmt.Errorf("warm-up: %w", err)
	}
	if t.NPrompt > 0 {
		if err := m.Decode(ctx, g.prompt(t.NPrompt)); err != nil {
			return fmt.Errorf("warm-up: %w", err)
		}
	}
	if t.NGen > 0 {
		if err := m.Decode(ctx, g.prompt(1)); err != nil {
			return fmt.Errorf("warm-up: %w", err)
		}
	}
	return nil
}

// runOnce runs one repetition and appends its figures to meas; a
// repetition that fails or is interrupted appends nothing.
func runOnce(ctx context.Context, m Model, t Test, cfg Config, g *tokenSource, meas *Measurement) error {
	if err := m.Reset(); err != nil {
		return err
	}
	if t.NDepth > 0 {
		if err := m.Decode(ctx, g.prompt(t.NDepth)); err != nil {
			return fmt.Errorf("%s: fill the cache to depth %d: %w", t.Name(), t.NDepth, err)
		}
	}
	prompt := g.prompt(t.NPrompt)
	gen := g.prompt(t.NGen)
	var e0 float64
	if cfg.Energy != nil {
		var err error
		if e0, err = cfg.Energy.Joules(); err != nil {
			return fmt.Errorf("read %s energy: %w", cfg.Energy.Source(), err)
		}
	}
	var elapsed, ttft time.Duration
	if t.NPrompt > 0 {
		start := time.Now()
		if err := m.Decode(ctx, prompt); err != nil {
			return fmt.Errorf("%s: prompt: %w", t.Name(), err)
		}
		elapsed = time.Since(start)
		if _, err := m.Sample(SamplerParams{}); err != nil {
			return fmt.Errorf("%s: first token: %w", t.Name(), err)
		}
		ttft = time.Since(start)
	}
	if t.NGen > 0 {
		start := time.Now()
		for i := range gen {
			if err := m.Decode(ctx, gen[i:i+1]); err != nil {
				return fmt.Errorf("%s: token %d: %w", t.Name(), i, err)
			}
		}
		elapsed += time.Since(start)
	}
	if cfg.Energy != nil {
		e1, err := cfg.Energy.Joules()
		if err != nil {
			return fmt.Errorf("read %s energy: %w", cfg.Energy.Source(), err)
		}
		meas.Joules = append(meas.Joules, e1-e0)
	}
	meas.Ns = append(meas.Ns, uint64(elapsed.Nanoseconds()))
	if t.NPrompt > 0 {
		meas.TTFTNs = append(meas.TTFTNs, uint64(ttft.Nanoseconds()))
	}
	return nil
}

// tokenSource draws the random token ids of the tests.
type tokenSource struct {
	rng    *rand.Rand
	nVocab int
	bos    int32
}

// prompt returns n random token ids, the first one BOS when the model has one.
func (g *tokenSource) prompt(n int) []int32 {
	toks := make([]int32, n)
	for i := range toks {
		toks[i] = int32(g.rng.IntN(g.nVocab))
	}
	if n > 0 && g.bos >= 0 {
		toks[0] = g.bos
	}
	return toks
}

// Result turns a measurement into a result row: base holds the model and
// option fields (runner, model_*, n_batch, ...); Result fills the test,
// timing, TTFT, memory and energy fields (AddCeilings the ceilings).
func (meas Measurement) Result(base results.BenchResult) results.BenchResult {
	r := base
	t := meas.Test
	r.Test, r.NPrompt, r.NGen, r.NDepth = t.Name(), t.NPrompt, t.NGen, t.NDepth
	r.TestTime = meas.Start.UTC()
	r.Repetitions = len(meas.Ns)
	r.SamplesNs = append([]uint64{}, meas.Ns...)
	r.SamplesTs = make([]float64, len(meas.Ns))
	ns := make([]float64, len(meas.Ns))
	tokens := float64(t.NPrompt + t.NGen)
	for i, v := range meas.Ns {
		ns[i] = float64(v)
		if v > 0 {
			r.SamplesTs[i] = tokens * 1e9 / float64(v)
		}
	}
	nsStats, tsStats := Summarize(ns), Summarize(r.SamplesTs)
	r.AvgNs, r.StddevNs = uint64(math.Round(nsStats.Mean)), uint64(math.Round(nsStats.Stddev))
	r.AvgTs, r.StddevTs = tsStats.Mean, tsStats.Stddev
	if len(meas.TTFTNs) > 0 {
		ttft := make([]float64, len(meas.TTFTNs))
		for i, v := range meas.TTFTNs {
			ttft[i] = float64(v) / 1e6
		}
		r.TTFTMs = Summarize(ttft).Mean
	}
	r.PeakRSSBytes, r.GPUMemBytes = meas.PeakRSS, meas.GPUBytes
	if len(meas.Joules) > 0 && tokens > 0 {
		r.JoulesPerToken = Summarize(meas.Joules).Mean / tokens
		r.EnergySource = meas.EnergySource
	}
	return r
}

// IsInterrupted reports whether err comes from a cancelled context (Ctrl-C).
func IsInterrupted(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
