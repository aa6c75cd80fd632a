package main

import (
	"context"
	"fmt"
	"os"
	"sort"

	"github.com/odbench/odbench/gguf"
	"github.com/odbench/odbench/profiles/models"
	"github.com/odbench/odbench/profiles/recipe"
	"github.com/odbench/odbench/results"
	"github.com/odbench/odbench/synth"
)

func init() {
	register(command{name: "synth", summary: "Write a GGUF with a model's exact shape and random weights.", run: runSynth})
}

// synthInfo is the --json output of odbench synth.
type synthInfo struct {
	Schema    string           `json:"schema"`
	Path      string           `json:"path"`
	Model     string           `json:"model"`
	FileType  string           `json:"file_type"`
	Seed      uint64           `json:"seed"`
	Tensors   int              `json:"tensors"`
	Params    int64            `json:"params"`
	FileBytes int64            `json:"file_bytes"`
	TypeBytes map[string]int64 `json:"type_bytes"`
}

func runSynth(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "synth", "synth --model ID | --like FILE [--quant TYPE] [--seed N] [--vocab DIR] -o OUT.gguf [--json]")
	modelID := fs.String("model", "", "catalog model id: "+catalogIDs())
	like := fs.String("like", "", "copy the shape of this GGUF file")
	quantName := fs.String("quant", "", "llama.cpp file type: Q4_K_M, Q5_K_M, Q3_K_M, Q4_K_S, Q5_K_S, Q6_K, Q8_0, Q4_0, Q4_1, Q5_0, Q5_1, Q2_K, F16, BF16, F32 (default Q4_K_M, or the --like file's type)")
	seed := fs.Uint64("seed", 1, "random seed of the weights")
	vocabDir := fs.String("vocab", "", "folder with a GPT-2-layout encoder.json and vocab.bpe (default: a small generated vocabulary)")
	out := fs.String("o", "", "output GGUF path")
	asJSON := fs.Bool("json", false, "print one JSON object")
	if err := parseFlags(fs, e, args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return usagef("unexpected argument %q", fs.Arg(0))
	case (*modelID == "") == (*like == ""):
		return usagef("give exactly one of --model and --like")
	case *out == "":
		return usagef("-o OUT.gguf is required")
	}
	o := synth.Options{Seed: *seed, FileType: gguf.FileTypeQ4_K_M}
	if *modelID != "" {
		m, err := models.Lookup(*modelID)
		if err != nil {
			return usagef("%v", err)
		}
		o.Model = m
	} else {
		f, err := openModelArg(*like)
		if err != nil {
			return err
		}
		defer f.Close()
		if o.Model, err = models.FromGGUF(f); err != nil {
			return err
		}
		if ft, ok := f.FileType(); ok {
			o.FileType = ft
		}
		o.Like = f
	}
	if *quantName != "" {
		ft, err := recipe.ParseFileType(*quantName)
		if err != nil {
			return usagef("--quant: %v", err)
		}
		o.FileType = ft
	}
	if *vocabDir != "" {
		v, err := synth.LoadVocab(*vocabDir, o.Model.VocabSize)
		if err != nil {
			return err
		}
		o.Vocab = &v
	}
	res, err := synth.Write(ctx, *out, o)
	if err != nil {
		return err
	}
	st, err := os.Stat(res.Path)
	if err != nil {
		return err
	}
	info := synthInfo{Schema: results.Schema("synth"), Path: res.Path, Model: o.Model.ID, FileType: o.FileType.String(),
		Seed: *seed, Tensors: res.Tensors, Params: res.Params, FileBytes: st.Size(), TypeBytes: map[string]int64{}}
	for t, b := range res.TypeBytes {
		info.TypeBytes[t.String()] = b
	}
	if *asJSON {
		return writeJSON(e.stdout, info)
	}
	fmt.Fprintf(e.stdout, "wrote %s: %s %s, %d tensors, %d parameters, %d bytes (%.1f MB)\n", res.Path, o.Model.ID, o.FileType, res.Tensors, res.Params, st.Size(), float64(st.Size())/1e6)
	types := make([]string, 0, len(info.TypeBytes))
	for t := range info.TypeBytes {
		types = append(types, t)
	}
	sort.Strings(types)
	for _, t := range types {
		fmt.Fprintf(e.stdout, "  %-5s %14d bytes\n", t, info.TypeBytes[t])
	}
	return nil
}
