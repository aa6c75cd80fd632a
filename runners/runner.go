// Package runners defines the Runner interface that every inference engine
// implements (native, llamacpp, ollama, openai), a registry of runners by
// name, and the one measurement harness that times them all the same way.
//
// A Runner loads a Model; a Model holds one sequence (a KV cache) that
// Decode appends tokens to. Optional capabilities (logits, memory report,
// GPU offload, LoRA adapters) are small interfaces a Model may implement;
// callers check them by type assertion.
package runners

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
)

// Options are the load-time settings of a model, named after llama-bench's
// flags. A zero value means "the runner's default" for every field.
type Options struct {
	Threads    int    // CPU threads for evaluation (-t); 0: the runner's default
	BatchSize  int    // logical batch size in tokens (-b); 0: 2048
	UBatchSize int    // physical micro-batch size in tokens (-ub); 0: 512
	CtxSize    int    // context (KV cache) length in tokens (-c); 0: enough for the test
	GPULayers  int    // layers offloaded to a GPU (-ngl); -1 means all, 0 none
	KVType     string // K cache element type (-ctk): "f16" (default), "q8_0", ...
	KVTypeV    string // V cache element type (-ctv): "f16" (default), "q8_0", ...; llama.cpp quantizes V only with flash attention
	FlashAttn  bool   // use flash attention (-fa)
	NoMmap     bool   // read the file into memory instead of mapping it (-mmp 0)
	LibDir     string // folder of a shared library the runner loads (llamacpp); "" searches the usual places
	// Endpoint is the address of a server for HTTP runners (ollama, openai); "" for in-process runners.
	Endpoint string
}

// Runner is an inference engine that loads models.
type Runner interface {
	// Name is the registry name: "native", "llamacpp", "ollama", "openai".
	Name() string
	// Load opens the model at path (a GGUF file, or a server-side model name
	// for HTTP runners) with opts. The context bounds the load only.
	Load(ctx context.Context, path string, opts Options) (Model, error)
}

// ModelInfo describes a loaded model. Counts are plain numbers, sizes bytes.
type ModelInfo struct {
	Arch        string // general.architecture, e.g. "llama"
	Description string // llama.cpp-style description, e.g. "llama 1B Q4_0"
	FileType    string // dominant weight type, e.g. "Q4_0"
	NParams     uint64 // number of weights
	SizeBytes   uint64 // bytes of all tensors
	NVocab      int    // vocabulary size; logits have this length
	NCtxTrain   int    // context length the model was trained with
	NCtx        int    // context length of this loaded instance (KV cache capacity)
	NLayer      int    // transformer blocks
	NEmbd       int    // embedding width
	NHead       int    // attention heads
	NHeadKV     int    // key/value heads (GQA)
	Threads     int    // CPU threads this instance evaluates with; 0 when not applicable
}

// Model is one loaded model with one sequence. It is not safe for
// concurrent use.
type Model interface {
	// Info describes the model.
	Info() ModelInfo
	// Tokenize turns text into token ids. addSpecial adds BOS (and EOS) as
	// the model's metadata asks; parseSpecial turns "<|...|>" text into
	// special tokens.
	Tokenize(text string, addSpecial, parseSpecial bool) ([]int32, error)
	// TokenPiece returns the bytes that token tok renders to. Concatenated
	// pieces give the text; one piece may hold part of a UTF-8 character.
	TokenPiece(tok int32) ([]byte, error)
	// BOS returns the beginning-of-sequence token id, or -1 when the model has none.
	BOS() int32
	// IsEOG reports whether tok ends generation (EOS, EOT, ...).
	IsEOG(tok int32) bool
	// Reset clears the sequence (the KV cache).
	Reset() error
	// Decode appends tokens to the sequence and evaluates them, in batches
	// of Options.BatchSize; afterwards the logits of the last token are
	// available to Sample (and Logits). It returns when the evaluation is
	// done (not merely queued on a GPU), so the harness can time it, and
	// ErrContextFull when the tokens do not fit in the context.
	Decode(ctx context.Context, tokens []int32) error
	// Sample picks the next token from the logits of the last decoded token.
	Sample(p SamplerParams) (int32, error)
	// Close releases the model; the Model must not be used afterwards.
	Close() error
}

// SamplerParams choose the next token. The zero value is greedy decoding.
// Samplers apply in the order penalty, top-k, top-p, min-p, temperature.
type SamplerParams struct {
	Temperature   float32 // 0: greedy (argmax)
	TopK          int     // keep the K most likely tokens; 0: off
	TopP          float32 // keep the smallest set with probability ≥ P; 0 or 1: off
	MinP          float32 // drop tokens below MinP × the top probability; 0: off
	RepeatPenalty float32 // divide logits of recent tokens by this (llama.cpp rule); 0 or 1: off
	RepeatLastN   int     // tokens looked back for the penalty; 0: 64
	Seed          uint64  // seed of the random draw when Temperature > 0
}

// ErrContextFull is returned (wrapped) by Decode when the tokens do not fit in the context.
var ErrContextFull = errors.New("context full")

// ErrUnsupported is returned (wrapped) when a runner lacks a requested feature.
var ErrUnsupported = errors.New("not supported by this runner")

// LogitsReader is a Model that exposes the raw logits of the last decoded
// token: a slice of ModelInfo.NVocab values, valid until the next Decode.
type LogitsReader interface {
	Logits() ([]float32, error)
}

// MemoryUsage is the memory a loaded model holds, in bytes. A zero field means unknown.
type MemoryUsage struct {
	WeightsBytes uint64 // model weights resident (host and device)
	KVBytes      uint64 // KV cache
	ComputeBytes uint64 // scratch buffers
	GPUBytes     uint64 // of the above, what lives in GPU memory
}

// MemoryReporter is a Model that knows its memory use.
type MemoryReporter interface {
	Memory() MemoryUsage
}

// GPUOffloader is a Model that can run layers on a GPU; GPULayers is the
// number of layers actually offloaded.
type GPUOffloader interface {
	GPULayers() int
}

// LoRALoader is a Model that applies LoRA adapters (llama.cpp GGUF adapter format).
type LoRALoader interface {
	LoadLoRA(path string, scale float32) error
}

var (
	mu       sync.RWMutex
	registry = map[string]Runner{}
)

// Register adds a runner to the registry; runner packages call it from init.
// It panics when the name is taken, as that is a programming error.
func Register(r Runner) {
	mu.Lock()
	defer mu.Unlock()
	if _, dup := registry[r.Name()]; dup {
		panic("runners: runner registered twice: " + r.Name())
	}
	registry[r.Name()] = r
}

// ErrUnknownRunner is returned (wrapped) by Get for a name nobody registered.
var ErrUnknownRunner = errors.New("unknown runner")

// Get returns the runner registered under name.
func Get(name string) (Runner, error) {
	mu.RLock()
	defer mu.RUnlock()
	if r, ok := registry[name]; ok {
		return r, nil
	}
	return nil, fmt.Errorf("%w %q (available: %v)", ErrUnknownRunner, name, namesLocked())
}

// Names returns the registered runner names, sorted.
func Names() []string {
	mu.RLock()
	defer mu.RUnlock()
	return namesLocked()
}

func namesLocked() []string {
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
