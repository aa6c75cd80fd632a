package main

import (
	"context"
	"flag"
	"strings"

	"github.com/odbench/odbench/runners"
	_ "github.com/odbench/odbench/runners/llamacpp" // registers "llamacpp" (not on android)
	_ "github.com/odbench/odbench/runners/native"   // registers "native", the embedded default
)

// defaultRunner is the engine commands use unless --runner names another:
// the pure-Go engine, which needs nothing installed.
const defaultRunner = "native"

// runnerFlags are the flags of commands that load one model into one
// in-process runner (run, serve).
type runnerFlags struct {
	runner  *string
	threads *int
	ngl     *int
	libDir  *string
}

// addRunnerFlags registers --runner, -t, -ngl and --llama-lib on fs.
func addRunnerFlags(fs *flag.FlagSet) runnerFlags {
	return runnerFlags{
		runner:  fs.String("runner", defaultRunner, "engine: "+strings.Join(runners.Names(), ", ")),
		threads: fs.Int("t", 0, "CPU threads (0: the runner's default)"),
		ngl:     fs.Int("ngl", 99, "layers offloaded to a GPU (llamacpp runner)"),
		libDir:  fs.String("llama-lib", "", "folder of the llama.cpp library (llamacpp runner; default: $ODBENCH_LLAMA_LIB, then the usual places)"),
	}
}

// get returns the chosen runner; an unknown name is a usage error.
func (f runnerFlags) get() (runners.Runner, error) {
	r, err := runners.Get(*f.runner)
	if err != nil {
		return nil, usageError{err.Error()}
	}
	return r, nil
}

// load loads the model at path into r with the flags' options and a
// context of nCtx tokens (0: the runner's default).
func (f runnerFlags) load(ctx context.Context, r runners.Runner, path string, nCtx int) (runners.Model, error) {
	return r.Load(ctx, path, runners.Options{Threads: *f.threads, GPULayers: *f.ngl, CtxSize: nCtx, LibDir: *f.libDir})
}
