package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/odbench/odbench/runners"
	"github.com/odbench/odbench/verify"
)

func init() {
	register(command{name: "verify", summary: "Check the native engine against llama.cpp on a model: tokens, logits, greedy text.", run: runVerify})
}

const verifySynopsis = `verify --model FILE [--against llamacpp] [--text FILE] [--prompt TEXT]
       [--positions 64] [--greedy 64] [-t N] [--llama-lib DIR] [--json]

Checks, each with a verdict: tokenization of the text (identical ids), logits
on the prompt token by token (top-1 agreement ≥ 99%, mean KL ≤ 1e-3) and a
greedy continuation (identical for --greedy tokens). Exits 1 when one fails.`

// defaultPrompt is the prompt of the logits and greedy checks when neither
// --prompt nor --text gives one.
const defaultPrompt = "The North Wind and the Sun were disputing which was the stronger, when a traveller came along wrapped in a warm cloak. They agreed that the one who first succeeded in making the traveller take his cloak off should be considered stronger than the other."

func runVerify(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "verify", verifySynopsis)
	model := fs.String("model", "", "GGUF model file (required)")
	tested := fs.String("runner", "native", "engine under test")
	against := fs.String("against", "llamacpp", "reference engine")
	textFile := fs.String("text", "", "text file to compare tokenization on (its start is the prompt when --prompt is absent)")
	prompt := fs.String("prompt", "", "prompt of the logits and greedy checks (default: a fixed English paragraph)")
	positions := fs.Int("positions", 64, "prompt tokens whose logits are compared")
	greedy := fs.Int("greedy", verify.DefaultThresholds.NGreedy, "greedy tokens that must be identical")
	threads := fs.Int("t", 0, "threads of both engines (0: each engine's default)")
	libDir := fs.String("llama-lib", "", "folder of the llama.cpp library (default: $ODBENCH_LLAMA_LIB, then the usual places)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	if err := parseFlags(fs, e, args); err != nil {
		return err
	}
	if *model == "" {
		return usagef("--model is required")
	}
	if *positions < 1 || *greedy < 1 {
		return usagef("--positions and --greedy must be at least 1")
	}
	opts := verify.Options{Prompt: *prompt, NPositions: *positions, Thresholds: verify.DefaultThresholds}
	opts.Thresholds.NGreedy = *greedy
	if *textFile != "" {
		b, err := os.ReadFile(*textFile)
		if err != nil {
			return fmt.Errorf("read text: %w", err)
		}
		opts.Text = string(b)
		if opts.Prompt == "" {
			opts.Prompt = string(b[:min(len(b), 4096)])
		}
	}
	if opts.Prompt == "" {
		opts.Prompt = defaultPrompt
	}
	// Room for the prompt and the continuation in both engines.
	lopts := runners.Options{Threads: *threads, CtxSize: *positions + *greedy + 16, LibDir: *libDir}
	load := func(name string) (runners.Model, error) {
		r, err := runners.Get(name)
		if err != nil {
			return nil, err
		}
		m, err := r.Load(ctx, *model, lopts)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		return m, nil
	}
	a, err := load(*tested)
	if err != nil {
		return err
	}
	defer a.Close()
	b, err := load(*against)
	if err != nil {
		return err
	}
	defer b.Close()
	rep, err := verify.Run(ctx, a, b, opts)
	if err != nil {
		return err
	}
	rep.Model, rep.Tested, rep.Reference = filepath.Base(*model), *tested, *against
	if *asJSON {
		err = writeJSON(e.stdout, rep)
	} else {
		err = rep.WriteText(e.stdout)
	}
	if err != nil {
		return err
	}
	if !rep.Pass {
		return fmt.Errorf("%s differs from %s on %s", *tested, *against, *model)
	}
	return nil
}
