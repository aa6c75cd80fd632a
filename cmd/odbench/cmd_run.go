package main

import (
	"context"
	"fmt"
	modelstore "github.com/odbench/odbench/models"
	"time"

	"github.com/odbench/odbench/results"
	"github.com/odbench/odbench/runners"
)

func init() {
	register(command{name: "run", summary: "Generate text from a prompt, streaming it: does the model work on this device?", run: runRun})
}

// runResult is the --json output of odbench run (schema odbench/run/v1).
type runResult struct {
	Schema       string  `json:"schema"`
	Runner       string  `json:"runner"`
	Model        string  `json:"model"`
	Text         string  `json:"text"`          // the generated text, prompt excluded
	PromptTokens int     `json:"prompt_tokens"` // BOS included
	GenTokens    int     `json:"gen_tokens"`
	StopReason   string  `json:"stop_reason"` // "eog" (end-of-generation token) or "length"
	Seed         uint64  `json:"seed"`
	LoadMs       float64 `json:"load_ms"`
	TTFTMs       float64 `json:"ttft_ms"`   // prompt evaluation + first sample
	PromptTs     float64 `json:"prompt_ts"` // prompt tokens/s
	GenTs        float64 `json:"gen_ts"`    // generated tokens/s after the first
	PeakRSSBytes uint64  `json:"peak_rss_bytes"`
}

func runRun(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "run", "run --model FILE -p PROMPT [-n 128] [--temp 0.8] [--seed S] [--runner R] [--json]")
	model := fs.String("model", "", "GGUF model file, or a name from `odbench models` (required)")
	prompt := fs.String("p", "", "prompt text (required)")
	n := fs.Int("n", 128, "tokens to generate at most")
	temp := fs.Float64("temp", 0.8, "sampling temperature; 0 is greedy")
	topK := fs.Int("top-k", 40, "keep the K most likely tokens (0: off)")
	topP := fs.Float64("top-p", 0.95, "keep the smallest set with this probability (1: off)")
	minP := fs.Float64("min-p", 0.05, "drop tokens below this share of the top probability (0: off)")
	repeat := fs.Float64("repeat-penalty", 1, "penalty of the last 64 tokens (1: off)")
	seed := fs.Uint64("seed", 0, "seed of the sampler (0: from the clock, printed)")
	rf := addRunnerFlags(fs)
	asJSON := fs.Bool("json", false, "print one JSON object at the end instead of streaming")
	if err := parseFlags(fs, e, args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return usagef("unexpected argument %q", fs.Arg(0))
	case *model == "":
		return usagef("--model FILE is required")
	case *prompt == "":
		return usagef("-p PROMPT is required")
	case *n < 1:
		return usagef("-n must be at least 1")
	}
	r, err := rf.get()
	if err != nil {
		return err
	}
	path, err := modelstore.Resolve(*model)
	if err != nil {
		return err
	}
	if *seed == 0 {
		*seed = uint64(time.Now().UnixNano())
	}
	start := time.Now()
	m, err := rf.load(ctx, r, path, 0)
	if err != nil {
		return err
	}
	defer m.Close()
	out := runResult{Schema: results.Schema("run"), Runner: r.Name(), Model: *model, Seed: *seed,
		LoadMs: float64(time.Since(start).Microseconds()) / 1e3}
	sp := runners.SamplerParams{Temperature: float32(*temp), TopK: *topK, TopP: float32(*topP), MinP: float32(*minP),
		RepeatPenalty: float32(*repeat), Seed: *seed}
	stream := func(piece []byte) error {
		if *asJSON {
			return nil
		}
		_, err := e.stdout.Write(piece)
		return err
	}
	gen, err := runners.Generate(ctx, m, *prompt, *n, sp, stream)
	out.Text, out.PromptTokens, out.GenTokens, out.StopReason = gen.Text, gen.PromptTokens, gen.GenTokens, gen.StopReason
	out.TTFTMs, out.PromptTs, out.GenTs = gen.TTFTMs, gen.PromptTs, gen.GenTs
	out.PeakRSSBytes, _ = runners.PeakRSS()
	if *asJSON {
		if err != nil {
			return err
		}
		return writeJSON(e.stdout, out)
	}
	fmt.Fprintln(e.stdout)
	fmt.Fprintf(e.stderr, "odbench run: %d prompt tokens, %d generated (%s); load %.0f ms, TTFT %.0f ms, prompt %.1f t/s, generation %.1f t/s; seed %d\n",
		out.PromptTokens, out.GenTokens, out.StopReason, out.LoadMs, out.TTFTMs, out.PromptTs, out.GenTs, out.Seed)
	return err
}
