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
		fmt.Fprintln(tw, "NAME\tSIZE\tARCH\tQUANT\tPARAMS\tFILE")
		for _, m := range doc.Models {
			arch, quant, params := m.Architecture, m.FileType, fmt.Sprintf("%.0fM", float64(m.Parameters)/1e6)
			if m.Parameters >= 1e9 {
				params = fmt.Sprintf("%.1fB", float64(m.Parameters)/1e9)
			}
			if m.Error != "" {
				arch, quant, params = "?", "?", "?"
			}
			file := m.Path
			if file == m.Name {
				file = "" // a plain path names itself
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", m.Name, humanBytes(m.SizeBytes), arch, quant, params, file)
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

// humanBytes formats a size in MiB below a GiB, in GiB above.
func humanBytes(n int64) string {
	if n < 1<<30 {
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	}
	return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
}
