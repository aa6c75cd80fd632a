// Package models finds the GGUF models already on this machine — the
// Ollama store, LM Studio, the Hugging Face hub cache, llama.cpp's cache
// and folders the user names — and resolves names such as
// "ollama:llama3.2:1b" or "hf:bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M"
// to the file on disk. It reads folders and GGUF headers; it never
// downloads anything.
package models

import (
	"os"
	"path/filepath"
)

// Sources, as names start with them ("ollama:...").
const (
	SourceOllama   = "ollama"
	SourceLMStudio = "lmstudio"
	SourceHF       = "hf"
	SourceLlamaCpp = "llamacpp"
	SourceDir      = "dir"
)

// Roots are the folders of each store. Every store may have several.
type Roots struct {
	Ollama   []string // holding manifests/ and blobs/
	LMStudio []string // publisher/repo/file.gguf
	HF       []string // the hub cache: models--owner--repo/snapshots/REV/...
	LlamaCpp []string // flat *.gguf
	Dirs     []string // any folder, searched recursively
}

// DefaultRoots returns the stores' usual places on this machine, from the
// environment (OLLAMA_MODELS, HF_HUB_CACHE, HF_HOME, LLAMA_CACHE,
// XDG_CACHE_HOME) and the home folder.
func DefaultRoots() Roots {
	home, _ := os.UserHomeDir()
	return RootsFrom(os.Getenv, home)
}

// RootsFrom is DefaultRoots with the environment and the home folder given.
func RootsFrom(getenv func(string) string, home string) Roots {
	var r Roots
	in := func(elem ...string) string { return filepath.Join(append([]string{home}, elem...)...) }
	cache := getenv("XDG_CACHE_HOME")
	if cache == "" {
		cache = in(".cache")
	}
	if d := getenv("OLLAMA_MODELS"); d != "" {
		r.Ollama = []string{d}
	} else {
		r.Ollama = []string{in(".ollama", "models"), "/usr/share/ollama/.ollama/models"}
	}
	r.LMStudio = []string{in(".lmstudio", "models"), filepath.Join(cache, "lm-studio", "models")}
	switch {
	case getenv("HF_HUB_CACHE") != "":
		r.HF = []string{getenv("HF_HUB_CACHE")}
	case getenv("HF_HOME") != "":
		r.HF = []string{filepath.Join(getenv("HF_HOME"), "hub")}
	default:
		r.HF = []string{filepath.Join(cache, "huggingface", "hub")}
	}
	if d := getenv("LLAMA_CACHE"); d != "" {
		r.LlamaCpp = []string{d}
	} else {
		r.LlamaCpp = []string{filepath.Join(cache, "llama.cpp")}
	}
	return r
}
