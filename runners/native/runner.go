package native

import (
	"context"
	"errors"
	"fmt"

	"github.com/odbench/odbench/gguf"
	"github.com/odbench/odbench/runners"
	"github.com/odbench/odbench/tokenizer"
)

func init() { runners.Register(Runner{}) }

// Runner is the native engine as a runners.Runner named "native".
type Runner struct{}

// Name returns "native".
func (Runner) Name() string { return "native" }

// Load opens the GGUF file at path. Options used: Threads (0: all CPUs),
// CtxSize (0: min(4096, training context)), UBatchSize (tokens per forward
// pass, 0: 512), KVType ("f16" or "q8_0"). The engine runs on the CPU:
// GPULayers is ignored, as a CPU-only llama.cpp build ignores -ngl, and
// GPULayers() reports that no layer was offloaded.
func (Runner) Load(ctx context.Context, path string, opts runners.Options) (runners.Model, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	e, err := Open(path, opts)
	if err != nil {
		return nil, err
	}
	m := &model{Engine: e}
	if m.tok, err = tokenizer.FromMetadata(&e.file.Metadata); err != nil {
		m.tokErr = fmt.Errorf("%s: %w", path, err)
	}
	m.info = m.describe(opts)
	return m, nil
}

// model adapts an Engine and its tokenizer to runners.Model.
type model struct {
	*Engine
	tok    *tokenizer.Tokenizer
	tokErr error // why the file's vocabulary could not be loaded; nil when tok is set
	info   runners.ModelInfo
}

var (
	_ runners.Model          = (*model)(nil)
	_ runners.LogitsReader   = (*model)(nil)
	_ runners.MemoryReporter = (*model)(nil)
	_ runners.GPUOffloader   = (*model)(nil)
)

// GPULayers returns 0: every layer runs on the CPU.
func (m *model) GPULayers() int { return 0 }

func (m *model) describe(opts runners.Options) runners.ModelInfo {
	f, c := m.file, m.cfg
	ft := dominantType(f)
	if t, ok := f.FileType(); ok && t.Valid() {
		ft = t.String()
	}
	np := uint64(f.ParamCount())
	threads := opts.Threads
	if threads <= 0 {
		threads = m.pool.Threads()
	}
	return runners.ModelInfo{
		Arch:        c.Arch,
		Description: fmt.Sprintf("%s %s %s", c.Arch, sizeLabel(np), ft),
		FileType:    ft,
		NParams:     np,
		SizeBytes:   uint64(f.DataBytes()),
		NVocab:      c.NVocab,
		NCtxTrain:   c.NCtxTrain,
		NCtx:        m.NCtx(),
		NLayer:      c.NLayer,
		NEmbd:       c.NEmbd,
		NHead:       c.NHead,
		NHeadKV:     c.NHeadKV,
		Threads:     threads,
	}
}

// dominantType names the type holding the most tensor bytes.
func dominantType(f *gguf.File) string {
	var best gguf.Type
	var most int64 = -1
	for t, n := range f.TypeBytes() {
		if n > most || n == most && t < best {
			best, most = t, n
		}
	}
	return best.String()
}

// sizeLabel renders a parameter count the way model names do: 135M, 1.2B, 8B.
func sizeLabel(n uint64) string {
	switch {
	case n >= 10e9:
		return fmt.Sprintf("%.0fB", float64(n)/1e9)
	case n >= 1e9:
		return fmt.Sprintf("%.1fB", float64(n)/1e9)
	case n >= 1e6:
		return fmt.Sprintf("%.0fM", float64(n)/1e6)
	}
	return fmt.Sprintf("%.0fK", float64(n)/1e3)
}

func (m *model) Info() runners.ModelInfo { return m.info }

func (m *model) Tokenize(text string, addSpecial, parseSpecial bool) ([]int32, error) {
	if m.tok == nil {
		return nil, m.tokErr
	}
	return m.tok.Encode(text, addSpecial, parseSpecial), nil
}

func (m *model) TokenPiece(tok int32) ([]byte, error) {
	if m.tok == nil {
		return nil, m.tokErr
	}
	if tok < 0 || int(tok) >= m.tok.VocabSize() {
		return nil, fmt.Errorf("token id %d is outside the vocabulary of %d", tok, m.tok.VocabSize())
	}
	return m.tok.Piece(tok), nil
}

// BOS returns the BOS id when the vocabulary adds one, else -1.
func (m *model) BOS() int32 {
	if m.tok == nil || !m.tok.AddBOS() {
		return -1
	}
	return m.tok.BOS()
}

func (m *model) IsEOG(tok int32) bool { return m.tok != nil && m.tok.IsEOG(tok) }

func (m *model) Reset() error {
	m.Engine.Reset()
	return nil
}

func (m *model) Sample(p runners.SamplerParams) (int32, error) {
	if m.Pos() == 0 {
		return 0, errors.New("sample: no token decoded yet")
	}
	return m.Engine.Sample(p), nil
}

func (m *model) Logits() ([]float32, error) {
	if m.Pos() == 0 {
		return nil, errors.New("no token decoded yet")
	}
	return m.Engine.Logits(), nil
}
