package main

import (
	"github.com/odbench/odbench/gguf"
	modelstore "github.com/odbench/odbench/models"
)

// openModelArg opens the GGUF file that a --model value names: a path, or a
// name from `odbench models` (ollama:NAME:TAG, hf:OWNER/REPO:QUANT, ...)
// resolved to the file on disk. Nothing is downloaded.
func openModelArg(arg string) (*gguf.File, error) {
	path, err := modelstore.Resolve(arg)
	if err != nil {
		return nil, err
	}
	return gguf.Open(path)
}
