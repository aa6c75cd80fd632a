// Package native is odbench's pure-Go inference engine: it runs GGUF models
// of the llama, qwen2, qwen3, gemma3 and phi3 architectures on the CPU,
// reading the weights in place from the memory-mapped file, and registers
// itself as the runner "native".
//
// The configuration (Config), the weights (views into the file) and the run
// state (KV cache and buffers, sized once) are kept apart; a forward pass
// allocates nothing.
package native

import (
	"context"
	"errors"
	"fmt"
	"runtime"

	"github.com/odbench/odbench/gguf"
	"github.com/odbench/odbench/quant"
	"github.com/odbench/odbench/runners"
)

// Default sizes when Options leave them zero.
const (
	defaultCtx    = 4096 // context length, capped by the training context
	defaultUBatch = 512  // tokens per forward pass
)

// Engine is a loaded model with one sequence.
type Engine struct {
	file    *gguf.File
	cfg     Config
	w       *weights
	pool    *quant.Pool // workers of every parallel region
	st      *state
	smp     *sampler
	history []int32 // every token in the cache, in order; capacity nCtx
}

// Open loads the GGUF model at path: the configuration from its metadata,
// the weights as views into the mapping, and a KV cache of the option's
// type and length.
func Open(path string, opts runners.Options) (*Engine, error) {
	f, err := gguf.Open(path)
	if err != nil {
		return nil, err
	}
	e, err := newEngine(f, opts)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("load %s: %w", path, err)
	}
	return e, nil
}

func newEngine(f *gguf.File, opts runners.Options) (*Engine, error) {
	embd, ok := f.Tensor("token_embd.weight")
	if !ok || len(embd.Dims) != 2 {
		return nil, errors.New("tensor token_embd.weight is missing or not 2-D")
	}
	if embd.Dims[1] > 1<<24 {
		return nil, fmt.Errorf("tensor token_embd.weight claims %d tokens", embd.Dims[1])
	}
	cfg, err := configFromMetadata(&f.Metadata, int(embd.Dims[1]))
	if err != nil {
		return nil, err
	}
	w, err := loadWeights(f, &cfg)
	if err != nil {
		return nil, err
	}
	kvType, err := parseKVType(opts.KVType)
	if err != nil {
		return nil, err
	}
	nCtx := opts.CtxSize
	if nCtx <= 0 {
		nCtx = min(defaultCtx, cfg.NCtxTrain)
	}
	kv, err := newKVCache(kvType, cfg.NLayer, nCtx, cfg.NHeadKV, cfg.HeadDim)
	if err != nil {
		return nil, err
	}
	nBatch := opts.UBatchSize
	if nBatch <= 0 {
		nBatch = defaultUBatch
	}
	nBatch = min(nBatch, nCtx)
	threads := opts.Threads
	if threads <= 0 {
		threads = runtime.NumCPU()
	}
	e := &Engine{file: f, cfg: cfg, w: w, pool: quant.NewPool(threads),
		smp: newSampler(cfg.NVocab), history: make([]int32, 0, nCtx)}
	e.st = newState(&e.cfg, w, e.pool, newMatMuler(e.pool), kv, nBatch)
	return e, nil
}

// Config returns the model's configuration.
func (e *Engine) Config() Config { return e.cfg }

// NCtx is the capacity of the KV cache in tokens.
func (e *Engine) NCtx() int { return e.st.kv.nCtx }

// Pos is the number of tokens in the cache.
func (e *Engine) Pos() int { return e.st.pos }

// Reset empties the sequence.
func (e *Engine) Reset() {
	e.st.pos = 0
	e.history = e.history[:0]
}

// Decode appends tokens to the sequence and evaluates them in batches;
// afterwards Logits holds the logits of the last token. It returns
// runners.ErrContextFull (wrapped) when they do not fit, and the context's
// error when it is cancelled between batches.
func (e *Engine) Decode(ctx context.Context, tokens []int32) error {
	if len(tokens) == 0 {
		return errors.New("decode: no tokens")
	}
	if e.st.pos+len(tokens) > e.st.kv.nCtx {
		return fmt.Errorf("decode %d tokens at position %d: %w (%d tokens)", len(tokens), e.st.pos, runners.ErrContextFull, e.st.kv.nCtx)
	}
	for len(tokens) > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		n := min(len(tokens), e.st.nBatch)
		if err := e.st.forward(tokens[:n]); err != nil {
			return fmt.Errorf("decode: %w", err)
		}
		e.history = append(e.history, tokens[:n]...)
		tokens = tokens[n:]
	}
	return nil
}

// Logits returns the logits of the last decoded token ([NVocab]), valid
// until the next Decode.
func (e *Engine) Logits() []float32 { return e.st.logits }

// Sample picks the next token from the last logits.
func (e *Engine) Sample(p runners.SamplerParams) int32 {
	return e.smp.sample(e.st.logits, e.history, p)
}

// Memory reports the bytes of the weights, the KV cache and the buffers.
func (e *Engine) Memory() runners.MemoryUsage {
	return runners.MemoryUsage{
		WeightsBytes: uint64(e.file.DataBytes()),
		KVBytes:      e.st.kv.bytes(),
		ComputeBytes: e.st.bufferBytes(),
	}
}

// Close stops the workers and unmaps the file.
func (e *Engine) Close() error {
	e.pool.Close()
	return e.file.Close()
}
