package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/odbench/odbench/models"
)

func init() {
	register(command{name: "models", summary: "List the GGUF models already on this machine (Ollama, LM Studio, Hugging Face cache, llama.cpp cache).", run: runModels})
}

const modelsSynopsis = `models [--dir D ...] [--json]

Looks in the Ollama store ($OLLAMA_MODELS or ~/.ollama/models), LM Studio (~/.lmstudio/models,
~/.cache/lm-studio/models), the Hugging Face hub cache ($HF_HUB_CACHE, $HF_HOME/hub or
~/.cache/huggingface/hub), llama.cpp's cache ($LLAMA_CACHE or ~/.cache/llama.cpp) and each --dir.
Every NAME listed works as --model NAME in the other commands. Nothing is downloaded.`

func runModels(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "models", modelsSynopsis)
	var dirs stringList
	fs.Func("dir", "also search this folder (repeatable, or comma-separated)", func(v string) error {
		var l stringList
		if err := l.Set(v); err != nil {
			return err
		}
		dirs = append(dirs, l...)
		return nil
	})
	asJSON := fs.Bool("json", false, "print one JSON object (schema odbench/models/v1)")
	if err := parseFlags(fs, e, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	roots := models.DefaultRoots()
	roots.Dirs = dirs
	doc := models.Find(roots)
	if *asJSON {
		return writeJSON(e.stdout, doc)
	}
	if len(doc.Models) == 0 {
		fmt.Fprintln(e.stdout, "No GGUF models found. Searched:")
		for _, s := range doc.Searched {
			fmt.Fprintf(e.stdout, "  %-8s %s\n", s.Source, s.Path)
		}
	} else {
		tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tSIZE\tARCH\tQUANT\tPARAMS\tPATH")
		for _, m := range doc.Models {
			arch, quant, params := m.Architecture, m.FileType, fmt.Sprintf("%.2fB", float64(m.Parameters)/1e9)
			if m.Error != "" {
				arch, quant, params = "?", "?", "?"
			}
			fmt.Fprintf(tw, "%s\t%.2f GB\t%s\t%s\t%s\t%s\n", m.Name, float64(m.SizeBytes)/1e9, arch, quant, params, m.Path)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	for _, m := range doc.Models {
		if m.Error != "" {
			fmt.Fprintf(e.stderr, "odbench models: %s: %s\n", m.Name, m.Error)
		}
	}
	for _, w := range doc.Warnings {
		fmt.Fprintf(e.stderr, "odbench models: warning: %s\n", w)
	}
	return nil
}
