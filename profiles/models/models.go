// Package models holds the catalog of model shapes that people run on
// devices (one embedded JSON file per model, each sourced from the model's
// published config) and derives from a shape the exact tensor layout that
// llama.cpp's GGUF files use for its architecture.
package models

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"
	"sync"
)

// RoPE describes the rotary position embedding of a model.
type RoPE struct {
	// Theta is the base frequency (rope_theta) of the global-attention layers.
	Theta float64 `json:"theta"`
	// LocalTheta is the base frequency of sliding-window layers (gemma3), 0 when the same as Theta.
	LocalTheta float64 `json:"local_theta,omitempty"`
	// Neox is true when rotation pairs element i with i+d/2 (GPT-NeoX style),
	// false when it pairs adjacent elements (original llama style).
	Neox bool `json:"neox"`
	// Dimensions is the number of rotated elements per head (partial rotary), 0 means the whole head.
	Dimensions int `json:"dimensions,omitempty"`
	// Scaling is the context-extension scheme, nil when none.
	Scaling *RoPEScaling `json:"scaling,omitempty"`
}

// RoPEScaling is a RoPE context-extension scheme.
type RoPEScaling struct {
	Type           string  `json:"type"` // llama3, linear, longrope
	Factor         float64 `json:"factor,omitempty"`
	LowFreqFactor  float64 `json:"low_freq_factor,omitempty"`  // llama3
	HighFreqFactor float64 `json:"high_freq_factor,omitempty"` // llama3
	// OriginalContext is the context length the model was pre-trained with, in tokens.
	OriginalContext int `json:"original_context,omitempty"`
}

// Model is the shape of one model: everything that fixes its tensor
// layout, memory and compute, and nothing about its weights' values.
type Model struct {
	ID   string `json:"id"`   // catalog id, e.g. "llama-3.2-1b"
	Name string `json:"name"` // display name
	// Architecture is the GGUF general.architecture: llama, qwen2, qwen3, gemma3, phi3.
	Architecture  string `json:"architecture"`
	Layers        int    `json:"layers"`
	EmbeddingSize int    `json:"embedding_size"` // hidden size, n_embd
	Heads         int    `json:"heads"`          // query heads
	KVHeads       int    `json:"kv_heads"`       // key/value heads (grouped-query attention)
	HeadSize      int    `json:"head_size"`      // elements per head
	FFNSize       int    `json:"ffn_size"`       // feed-forward intermediate size
	VocabSize     int    `json:"vocab_size"`     // rows of the token embedding
	MaxContext    int    `json:"max_context"`    // tokens
	RoPE          RoPE   `json:"rope"`
	// NormEps is the RMSNorm epsilon.
	NormEps float64 `json:"norm_eps"`
	// TiedEmbeddings is true when the output head reuses the token embedding (no output.weight).
	TiedEmbeddings bool `json:"tied_embeddings"`
	// AttentionBias is true when Q, K and V projections carry biases (qwen2).
	AttentionBias bool `json:"attention_bias,omitempty"`
	// QKNorm is true when queries and keys are RMS-normalised per head (qwen3, gemma3).
	QKNorm bool `json:"qk_norm,omitempty"`
	// SlidingWindow is the attention window of local layers in tokens, 0 when every layer is global.
	SlidingWindow int `json:"sliding_window,omitempty"`
	// SlidingWindowPattern is N when every N-th layer is global and the others local (gemma3: 6).
	SlidingWindowPattern int `json:"sliding_window_pattern,omitempty"`
	// PublishedParams is the parameter count the publisher states (model card or
	// safetensors metadata), kept to check the shape; 0 when not known (shapes read from files).
	PublishedParams int64 `json:"published_params,omitempty"`
	// TokenizerPre is the GGUF tokenizer.ggml.pre of the real model's tokenizer, where it is byte-level BPE.
	TokenizerPre string `json:"tokenizer_pre,omitempty"`
	// Source names the published config the entry was taken from.
	Source string `json:"source"`
}

// ErrUnknownModel is returned (wrapped) by Lookup for an id not in the catalog.
var ErrUnknownModel = errors.New("unknown model")

//go:embed *.json
var catalogFS embed.FS

var (
	catalogOnce sync.Once
	catalog     []Model
	catalogErr  error
)

// All returns every catalog model, sorted by id.
func All() ([]Model, error) {
	catalogOnce.Do(func() { catalog, catalogErr = loadCatalog() })
	return append([]Model(nil), catalog...), catalogErr
}

// Lookup returns the catalog model with the given id (case-insensitive).
func Lookup(id string) (Model, error) {
	all, err := All()
	if err != nil {
		return Model{}, err
	}
	for _, m := range all {
		if strings.EqualFold(m.ID, id) {
			return m, nil
		}
	}
	ids := make([]string, len(all))
	for i, m := range all {
		ids[i] = m.ID
	}
	return Model{}, fmt.Errorf("%w %q (known: %s)", ErrUnknownModel, id, strings.Join(ids, ", "))
}

func loadCatalog() ([]Model, error) {
	entries, err := catalogFS.ReadDir(".")
	if err != nil {
		return nil, fmt.Errorf("model catalog: %w", err)
	}
	var ms []Model
	for _, e := range entries {
		name := e.Name()
		data, err := catalogFS.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("model catalog %s: %w", name, err)
		}
		m, err := Parse(data)
		if err != nil {
			return nil, fmt.Errorf("model catalog %s: %w", name, err)
		}
		if want := strings.TrimSuffix(path.Base(name), ".json"); m.ID != want {
			return nil, fmt.Errorf("model catalog %s: id %q does not match the file name", name, m.ID)
		}
		ms = append(ms, m)
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].ID < ms[j].ID })
	return ms, nil
}

// Parse decodes one model shape from JSON and validates it.
func Parse(data []byte) (Model, error) {
	var m Model
	dec := json.NewDecoder(strings.NewReader(string(data)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return Model{}, err
	}
	return m, m.Validate()
}

// maxDim bounds every size of a shape, so that products of a few of them
// cannot overflow and a hostile file cannot ask for absurd allocations.
const maxDim = 1 << 24

// Validate checks that the shape is complete and self-consistent.
func (m Model) Validate() error {
	if m.ID == "" || m.Architecture == "" {
		return fmt.Errorf("model %q: id and architecture are required", m.ID)
	}
	if _, ok := archs[m.Architecture]; !ok {
		return fmt.Errorf("model %s: architecture %q is not supported (supported: %s)", m.ID, m.Architecture, strings.Join(Architectures(), ", "))
	}
	for _, f := range []struct {
		name string
		v    int
	}{
		{"layers", m.Layers}, {"embedding_size", m.EmbeddingSize}, {"heads", m.Heads},
		{"kv_heads", m.KVHeads}, {"head_size", m.HeadSize}, {"ffn_size", m.FFNSize},
		{"vocab_size", m.VocabSize}, {"max_context", m.MaxContext},
	} {
		if f.v <= 0 || f.v > maxDim {
			return fmt.Errorf("model %s: %s = %d, want 1..%d", m.ID, f.name, f.v, maxDim)
		}
	}
	if m.Heads%m.KVHeads != 0 {
		return fmt.Errorf("model %s: heads %d is not a multiple of kv_heads %d", m.ID, m.Heads, m.KVHeads)
	}
	if m.RoPE.Dimensions < 0 || m.RoPE.Dimensions > m.HeadSize || m.RoPE.Dimensions%2 != 0 {
		return fmt.Errorf("model %s: rope dimensions %d, want an even number up to head_size %d", m.ID, m.RoPE.Dimensions, m.HeadSize)
	}
	if m.RoPE.Theta <= 0 || m.NormEps <= 0 {
		return fmt.Errorf("model %s: rope theta and norm_eps must be positive", m.ID)
	}
	if m.SlidingWindow < 0 || m.SlidingWindowPattern < 0 {
		return fmt.Errorf("model %s: negative sliding window", m.ID)
	}
	return nil
}

// RopeDims returns the number of rotated elements per head.
func (m Model) RopeDims() int {
	if m.RoPE.Dimensions > 0 {
		return m.RoPE.Dimensions
	}
	return m.HeadSize
}

// GQA returns the number of query heads that share one key/value head.
func (m Model) GQA() int { return m.Heads / m.KVHeads }

// LocalLayer reports whether layer i attends only within the sliding window.
func (m Model) LocalLayer(i int) bool {
	return m.SlidingWindow > 0 && m.SlidingWindowPattern > 0 && (i+1)%m.SlidingWindowPattern != 0
}

// Params returns the total number of parameters: every element of every
// tensor of the GGUF layout, the output head counted once when tied.
func (m Model) Params() int64 {
	var n int64
	for _, t := range m.Tensors() {
		n += t.Elements()
	}
	return n
}
