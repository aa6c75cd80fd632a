//go:build !android

package llamacpp

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"

	"github.com/hybridgroup/yzma/pkg/llama"

	"github.com/odbench/odbench/runners"
)

func init() { runners.Register(Runner{}) }

// Runner loads models with llama.cpp. Set ODBENCH_LLAMA_LOG=1 to see
// llama.cpp's own log on stderr.
type Runner struct{}

// Name returns "llamacpp".
func (Runner) Name() string { return "llamacpp" }

// The process loads one llama.cpp library, once.
var (
	libMu  sync.Mutex
	libDir string
)

// loadLibrary loads the library that dir (or the search) names, once; a
// later call with no dir uses it, one naming another folder is refused.
func loadLibrary(dir string) error {
	libMu.Lock()
	defer libMu.Unlock()
	if libDir != "" && dir == "" {
		return nil
	}
	lib, err := FindLibrary(dir)
	if err != nil {
		return err
	}
	if libDir != "" {
		if lib.Dir != libDir {
			return fmt.Errorf("llama.cpp is already loaded from %s; one process loads one library, not also %s", libDir, lib.Dir)
		}
		return nil
	}
	if err := llama.Load(lib.Dir); err != nil {
		return fmt.Errorf("load llama.cpp from %s: %w (a library that lacks this function is not llama.cpp release %s, which yzma %s speaks: run `make llama-lib` or pass --llama-lib DIR)",
			lib.Dir, err, Release, YzmaVersion)
	}
	if os.Getenv("ODBENCH_LLAMA_LOG") == "" {
		llama.LogSet(llama.LogSilent())
	}
	llama.Init()
	libDir = lib.Dir
	return nil
}

// Load opens the GGUF file at path with llama.cpp. Zero options take
// llama-bench's defaults: batch 2048, micro-batch 512, llama.cpp's thread
// count, a context of min(4096, the training context).
func (Runner) Load(ctx context.Context, path string, opts runners.Options) (runners.Model, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("open model: %w", err)
	}
	typeK, err := ggmlType(opts.KVType)
	if err != nil {
		return nil, err
	}
	typeV, err := ggmlType(opts.KVTypeV)
	if err != nil {
		return nil, err
	}
	if typeV != llama.GGMLTypeF16 && !opts.FlashAttn {
		return nil, fmt.Errorf("a %s V cache needs flash attention (-fa 1) in llama.cpp", opts.KVTypeV)
	}
	if err := loadLibrary(opts.LibDir); err != nil {
		return nil, err
	}
	gpuBefore := gpuUsed()
	mp := llama.ModelDefaultParams()
	mp.NGpuLayers = int32(opts.GPULayers)
	if opts.GPULayers < 0 {
		mp.NGpuLayers = 999
	}
	mp.LoadMode = llama.LoadModeMmap
	if opts.NoMmap {
		mp.LoadMode = llama.LoadModeNone
	}
	mdl, err := llama.ModelLoadFromFile(path, mp)
	if err != nil {
		return nil, fmt.Errorf("llama.cpp could not load %s (ODBENCH_LLAMA_LOG=1 shows its log): %w", path, err)
	}
	m := &model{mdl: mdl, vocab: llama.ModelGetVocab(mdl), ngl: int(mp.NGpuLayers), typeK: opts.KVType, typeV: opts.KVTypeV}
	cp := llama.ContextDefaultParams()
	cp.NCtx = uint32(opts.CtxSize)
	if opts.CtxSize <= 0 {
		cp.NCtx = uint32(min(4096, max(llama.ModelNCtxTrain(mdl), 1)))
	}
	cp.NBatch, cp.NUbatch = 2048, 512
	if opts.BatchSize > 0 {
		cp.NBatch = uint32(opts.BatchSize)
	}
	if opts.UBatchSize > 0 {
		cp.NUbatch = uint32(opts.UBatchSize)
	}
	if opts.Threads > 0 {
		cp.NThreads, cp.NThreadsBatch = int32(opts.Threads), int32(opts.Threads)
	}
	cp.FlashAttentionType = llama.FlashAttentionTypeDisabled
	if opts.FlashAttn {
		cp.FlashAttentionType = llama.FlashAttentionTypeEnabled
	}
	cp.TypeK, cp.TypeV = typeK, typeV
	cp.NoPerf = 1
	lctx, err := llama.InitFromModel(mdl, cp)
	if err != nil {
		llama.ModelFree(mdl)
		return nil, fmt.Errorf("llama.cpp could not make a context for %s (n_ctx %d, type_k %q, type_v %q, flash_attn %v): %w", path, cp.NCtx, opts.KVType, opts.KVTypeV, opts.FlashAttn, err)
	}
	m.lctx = lctx
	m.batch = int(llama.NBatch(lctx))
	m.info = infoOf(mdl, m.vocab, lctx)
	if m.mem, err = llama.GetMemory(lctx); err != nil {
		m.Close()
		return nil, fmt.Errorf("llama.cpp context for %s: %w", path, err)
	}
	if after := gpuUsed(); after > gpuBefore {
		m.gpuBytes = after - gpuBefore
	}
	return m, nil
}

// ggmlType maps a KV cache type name to ggml's type; "" is f16.
func ggmlType(name string) (llama.GGMLType, error) {
	switch strings.ToLower(name) {
	case "", "f16":
		return llama.GGMLTypeF16, nil
	case "f32":
		return llama.GGMLTypeF32, nil
	case "q8_0":
		return llama.GGMLTypeQ8_0, nil
	case "q4_0":
		return llama.GGMLTypeQ4_0, nil
	}
	return 0, fmt.Errorf("KV cache type %q: want f16, f32, q8_0 or q4_0", name)
}

// gpuUsed returns the memory in use on the GPU devices llama.cpp sees, in bytes.
func gpuUsed() uint64 {
	var used uint64
	for i := range llama.GGMLBackendDeviceCount() {
		dev := llama.GGMLBackendDeviceGet(i)
		if llama.GGMLBackendDevType(dev) != llama.GGMLBackendDeviceTypeGPU {
			continue
		}
		free, total := llama.GGMLBackendDeviceMemory(dev)
		used += total - free
	}
	return used
}

func infoOf(mdl llama.Model, vocab llama.Vocab, lctx llama.Context) runners.ModelInfo {
	desc := llama.ModelDesc(mdl)
	arch, _ := llama.ModelMetaValStr(mdl, "general.architecture")
	in := runners.ModelInfo{
		Arch:        arch,
		Description: desc,
		NParams:     llama.ModelNParams(mdl),
		SizeBytes:   llama.ModelSize(mdl),
		NVocab:      int(llama.VocabNTokens(vocab)),
		NCtxTrain:   int(llama.ModelNCtxTrain(mdl)),
		NCtx:        int(llama.NCtx(lctx)),
		NLayer:      int(llama.ModelNLayer(mdl)),
		NEmbd:       int(llama.ModelNEmbd(mdl)),
		NHead:       int(llama.ModelNHead(mdl)),
		NHeadKV:     int(llama.ModelNHeadKV(mdl)),
		Threads:     int(llama.NThreads(lctx)),
	}
	if f := strings.Fields(desc); len(f) > 0 {
		in.FileType = f[len(f)-1]
	}
	return in
}

// model is one llama.cpp model with one context (sequence 0).
type model struct {
	mdl      llama.Model
	lctx     llama.Context
	mem      llama.Memory
	vocab    llama.Vocab
	info     runners.ModelInfo
	ngl      int
	typeK    string // KV cache types as named in Options
	typeV    string
	gpuBytes uint64
	batch    int           // tokens per llama_decode call
	pos      int           // tokens in the sequence
	toks     []llama.Token // Decode's conversion buffer
	logits   []float32     // Logits' copy

	smpl     llama.Sampler // sampler chain for smplKey; 0 before the first Sample
	smplKey  runners.SamplerParams
	adapters []llama.AdapterLora
	scales   []float32
}

func (m *model) Info() runners.ModelInfo { return m.info }

func (m *model) Tokenize(text string, addSpecial, parseSpecial bool) ([]int32, error) {
	toks := llama.Tokenize(m.vocab, text, addSpecial, parseSpecial)
	if len(toks) == 0 && text != "" && !addSpecial {
		return nil, fmt.Errorf("llama.cpp tokenized %d bytes of text to no tokens", len(text))
	}
	out := make([]int32, len(toks))
	for i, t := range toks {
		out[i] = int32(t)
	}
	return out, nil
}

func (m *model) TokenPiece(tok int32) ([]byte, error) {
	if err := m.checkToken(tok); err != nil {
		return nil, err
	}
	buf := make([]byte, 64)
	n := llama.TokenToPiece(m.vocab, llama.Token(tok), buf, 0, true)
	if n < 0 {
		buf = make([]byte, -n)
		n = llama.TokenToPiece(m.vocab, llama.Token(tok), buf, 0, true)
	}
	if n < 0 {
		return nil, fmt.Errorf("llama.cpp could not render token %d", tok)
	}
	return buf[:n], nil
}

func (m *model) BOS() int32 {
	bos := llama.VocabBOS(m.vocab)
	if bos == llama.TokenNull || !llama.VocabGetAddBOS(m.vocab) {
		return -1
	}
	return int32(bos)
}

func (m *model) IsEOG(tok int32) bool { return llama.VocabIsEOG(m.vocab, llama.Token(tok)) }

func (m *model) checkToken(tok int32) error {
	if tok < 0 || int(tok) >= m.info.NVocab {
		return fmt.Errorf("token id %d outside the vocabulary of %d", tok, m.info.NVocab)
	}
	return nil
}

func (m *model) Reset() error {
	m.pos = 0
	if m.smpl != 0 {
		llama.SamplerReset(m.smpl)
	}
	return llama.MemoryClear(m.mem, true)
}

func (m *model) Decode(ctx context.Context, tokens []int32) error {
	if m.pos+len(tokens) > m.info.NCtx {
		return fmt.Errorf("%w: %d tokens in the sequence + %d > n_ctx %d", runners.ErrContextFull, m.pos, len(tokens), m.info.NCtx)
	}
	for len(tokens) > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		n := min(len(tokens), m.batch)
		m.toks = m.toks[:0]
		for _, t := range tokens[:n] {
			if err := m.checkToken(t); err != nil {
				return err
			}
			m.toks = append(m.toks, llama.Token(t))
		}
		rc, err := llama.Decode(m.lctx, llama.BatchGetOne(m.toks))
		switch {
		case err != nil:
			return fmt.Errorf("llama_decode: %w", err)
		case rc == 1:
			return fmt.Errorf("%w: llama.cpp found no KV cache slot for %d tokens", runners.ErrContextFull, n)
		case rc != 0:
			return fmt.Errorf("llama_decode returned %d", rc)
		}
		m.pos += n
		tokens = tokens[n:]
	}
	// A GPU backend may still be computing: wait, as llama-bench does, so
	// that the harness times the work and not its launch.
	return llama.Synchronize(m.lctx)
}

// Logits returns a copy of the last decoded token's logits (NVocab values),
// reused by the next call.
func (m *model) Logits() ([]float32, error) {
	if m.pos == 0 {
		return nil, errors.New("no token decoded yet")
	}
	l, err := llama.GetLogitsIth(m.lctx, -1, m.info.NVocab)
	if err != nil || l == nil {
		return nil, fmt.Errorf("llama.cpp has no logits for the last token: %v", err)
	}
	m.logits = append(m.logits[:0], l...)
	return m.logits, nil
}

// Sample draws the next token with a llama.cpp sampler chain built for p
// (rebuilt when p changes): penalties, top-k, top-p, min-p, temperature and
// a seeded draw, or greedy at temperature 0. The chain accepts the token.
func (m *model) Sample(p runners.SamplerParams) (int32, error) {
	if m.pos == 0 {
		return 0, errors.New("sample: no token decoded yet")
	}
	if m.smpl == 0 || p != m.smplKey {
		if m.smpl != 0 {
			llama.SamplerFree(m.smpl)
		}
		m.smpl, m.smplKey = newChain(p), p
	}
	tok := llama.SamplerSample(m.smpl, m.lctx, -1)
	if tok == llama.TokenNull {
		return 0, errors.New("llama.cpp sampled no token")
	}
	return int32(tok), nil
}

func newChain(p runners.SamplerParams) llama.Sampler {
	chain := llama.SamplerChainInit(llama.SamplerChainDefaultParams())
	if p.RepeatPenalty > 0 && p.RepeatPenalty != 1 {
		lastN := p.RepeatLastN
		if lastN <= 0 {
			lastN = 64
		}
		llama.SamplerChainAdd(chain, llama.SamplerInitPenalties(0, int32(lastN), p.RepeatPenalty, 0, 0))
	}
	if p.Temperature <= 0 {
		llama.SamplerChainAdd(chain, llama.SamplerInitGreedy())
		return chain
	}
	if p.TopK > 0 {
		llama.SamplerChainAdd(chain, llama.SamplerInitTopK(int32(p.TopK)))
	}
	if p.TopP > 0 && p.TopP < 1 {
		llama.SamplerChainAdd(chain, llama.SamplerInitTopP(p.TopP, 1))
	}
	if p.MinP > 0 {
		llama.SamplerChainAdd(chain, llama.SamplerInitMinP(p.MinP, 1))
	}
	llama.SamplerChainAdd(chain, llama.SamplerInitTemp(p.Temperature))
	llama.SamplerChainAdd(chain, llama.SamplerInitDist(uint32(p.Seed)))
	return chain
}

// Memory reports the weights' size, the KV cache (n_ctx × layers × K and V
// rows at their types) and what GPU memory grew by while loading.
func (m *model) Memory() runners.MemoryUsage {
	kBytes, _ := runners.KVBytesPerElem(m.typeK)
	vBytes, _ := runners.KVBytesPerElem(m.typeV)
	in := m.info
	var kv uint64
	if in.NHead > 0 {
		headDim := in.NEmbd / in.NHead
		kv = uint64(float64(in.NCtx*in.NLayer*in.NHeadKV*headDim) * (kBytes + vBytes))
	}
	return runners.MemoryUsage{WeightsBytes: in.SizeBytes, KVBytes: kv, GPUBytes: m.gpuBytes}
}

// GPULayers returns the layers offloaded: none without a GPU backend.
func (m *model) GPULayers() int {
	if !llama.SupportsGpuOffload() || llama.GGMLBackendDeviceByType(llama.GGMLBackendDeviceTypeGPU) == 0 {
		return 0
	}
	return min(m.ngl, m.info.NLayer+1)
}

// LoadLoRA applies a llama.cpp GGUF LoRA adapter at scale, beside those already applied.
func (m *model) LoadLoRA(path string, scale float32) error {
	a, err := llama.AdapterLoraInit(m.mdl, path)
	if err != nil {
		return fmt.Errorf("load LoRA adapter %s: %w", path, err)
	}
	m.adapters, m.scales = append(m.adapters, a), append(m.scales, scale)
	if rc := llama.SetAdaptersLora(m.lctx, m.adapters, m.scales); rc != 0 {
		return fmt.Errorf("apply LoRA adapter %s: llama.cpp returned %d", path, rc)
	}
	return nil
}

func (m *model) Close() error {
	if m.smpl != 0 {
		llama.SamplerFree(m.smpl)
		m.smpl = 0
	}
	if m.lctx != 0 {
		llama.Free(m.lctx)
		m.lctx = 0
	}
	if m.mdl != 0 {
		err := llama.ModelFree(m.mdl)
		m.mdl = 0
		return err
	}
	return nil
}

// The optional capabilities this runner has.
var (
	_ runners.LogitsReader   = (*model)(nil)
	_ runners.MemoryReporter = (*model)(nil)
	_ runners.GPUOffloader   = (*model)(nil)
	_ runners.LoRALoader     = (*model)(nil)
)
