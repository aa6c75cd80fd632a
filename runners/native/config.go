package native

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/odbench/odbench/gguf"
)

// ErrUnsupportedArch is returned (wrapped) when a file's architecture is not
// one the engine runs; the message lists the supported ones.
var ErrUnsupportedArch = errors.New("unsupported architecture")

// activation is the gate activation of a gated feed-forward block.
type activation int

const (
	actSiLU activation = iota // SwiGLU: silu(gate) * up
	actGELU                   // GeGLU: gelu_tanh(gate) * up
)

// archSpec is what distinguishes one supported architecture from another.
type archSpec struct {
	ropeNeoX    bool       // rotate pairs (i, i+n/2) instead of (2i, 2i+1)
	act         activation // gate activation
	qkNorm      bool       // RMSNorm each head of Q and K before RoPE (qwen3, gemma3)
	postNorms   bool       // RMSNorm the attention and FFN outputs before the residual add (gemma3)
	embedScale  bool       // multiply embeddings by sqrt(n_embd) (gemma3)
	swaPattern  int        // every swaPattern-th layer is global, the others slide (gemma3: 6); 0: none
	swaRopeBase float32    // RoPE base of sliding layers (gemma3: 10000)
	// scaleQueries multiplies the queries by AttnScale after RoPE, before
	// they are rounded for the product with the keys, and leaves the
	// scores unscaled, as llama.cpp's gemma3 graph does (gemma3).
	scaleQueries bool
}

var archSpecs = map[string]archSpec{
	"llama":  {act: actSiLU},
	"qwen2":  {ropeNeoX: true, act: actSiLU},
	"qwen3":  {ropeNeoX: true, act: actSiLU, qkNorm: true},
	"gemma3": {ropeNeoX: true, act: actGELU, qkNorm: true, postNorms: true, embedScale: true, swaPattern: 6, swaRopeBase: 10000, scaleQueries: true},
	"phi3":   {ropeNeoX: true, act: actSiLU},
}

// SupportedArchitectures returns the architectures the engine runs, sorted.
func SupportedArchitectures() []string {
	names := make([]string, 0, len(archSpecs))
	for n := range archSpecs {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Config is the shape and hyper-parameters of a model, read from GGUF metadata.
type Config struct {
	Arch      string
	NVocab    int     // vocabulary size (rows of the embedding table)
	NCtxTrain int     // training context length in tokens
	NEmbd     int     // residual stream width
	NLayer    int     // transformer blocks
	NHead     int     // query heads
	NHeadKV   int     // key/value heads (GQA: NHead is a multiple)
	HeadDim   int     // width of one head (key_length = value_length)
	NFF       int     // feed-forward hidden width
	NRot      int     // leading head dimensions RoPE rotates (≤ HeadDim, even)
	Eps       float32 // RMSNorm epsilon
	RopeBase  float32 // RoPE frequency base of global layers
	RopeScale float32 // RoPE frequency scale (1 / linear scaling factor)
	// RopeAttnFactor multiplies RoPE's cos and sin, so it scales Q and K
	// (rope.scaling.attn_factor, LongRoPE's magnitude correction); 1: none.
	RopeAttnFactor float32
	AttnScale      float32 // multiplier of Q·K (of Q where spec.scaleQueries)
	SWA            int     // sliding window in tokens of the sliding layers; 0: none

	spec archSpec
}

// QDim is the width of all query heads together.
func (c *Config) QDim() int { return c.NHead * c.HeadDim }

// KVDim is the width of all key (or value) heads together.
func (c *Config) KVDim() int { return c.NHeadKV * c.HeadDim }

// slidingLayer reports whether layer il attends over a sliding window.
func (c *Config) slidingLayer(il int) bool {
	p := c.spec.swaPattern
	return c.SWA > 0 && p > 0 && il%p < p-1
}

// scoreScale is the multiplier of the scores Q·K in the softmax: 1 where
// the queries were scaled instead.
func (c *Config) scoreScale() float32 {
	if c.spec.scaleQueries {
		return 1
	}
	return c.AttnScale
}

// ropeBase returns the RoPE frequency base and scale of layer il.
func (c *Config) ropeParams(il int) (base, scale float32) {
	if c.slidingLayer(il) {
		return c.spec.swaRopeBase, 1
	}
	return c.RopeBase, c.RopeScale
}

// metaReader reads arch-prefixed keys and remembers the first error.
type metaReader struct {
	md   *gguf.Metadata
	arch string
	err  error
}

func (r *metaReader) uint(key string, def int, required bool) int {
	k := r.arch + "." + key
	v, ok := r.md.Uint(k)
	if !ok {
		_, present := r.md.Get(k)
		if present && r.err == nil {
			r.err = fmt.Errorf("metadata %s is not a non-negative integer", k)
		}
		if required && !present && r.err == nil {
			r.err = fmt.Errorf("metadata %s is missing", k)
		}
		return def
	}
	if v > math.MaxInt32 {
		if r.err == nil {
			r.err = fmt.Errorf("metadata %s = %d is too large", k, v)
		}
		return def
	}
	return int(v)
}

func (r *metaReader) float(key string, def float32) float32 {
	v, ok := r.md.Float(r.arch + "." + key)
	if !ok {
		return def
	}
	return float32(v)
}

// configFromMetadata reads the model configuration of an architecture the
// engine supports; nVocab comes from the embedding table's shape.
func configFromMetadata(md *gguf.Metadata, nVocab int) (Config, error) {
	arch, ok := md.String("general.architecture")
	if !ok {
		return Config{}, errors.New("metadata general.architecture is missing")
	}
	spec, ok := archSpecs[arch]
	if !ok {
		return Config{}, fmt.Errorf("%w %q (supported: %s)", ErrUnsupportedArch, arch, strings.Join(SupportedArchitectures(), ", "))
	}
	r := &metaReader{md: md, arch: arch}
	c := Config{Arch: arch, NVocab: nVocab, spec: spec}
	c.NCtxTrain = r.uint("context_length", 4096, false)
	c.NEmbd = r.uint("embedding_length", 0, true)
	c.NLayer = r.uint("block_count", 0, true)
	c.NFF = r.uint("feed_forward_length", 0, true)
	c.NHead = r.uint("attention.head_count", 0, true)
	c.NHeadKV = r.uint("attention.head_count_kv", c.NHead, false)
	if r.err != nil {
		return Config{}, r.err
	}
	if c.NEmbd == 0 || c.NLayer == 0 || c.NFF == 0 || c.NHead == 0 || c.NHeadKV == 0 {
		return Config{}, fmt.Errorf("metadata of %s has a zero dimension (embedding %d, blocks %d, ffn %d, heads %d/%d)",
			arch, c.NEmbd, c.NLayer, c.NFF, c.NHead, c.NHeadKV)
	}
	if c.NHead%c.NHeadKV != 0 {
		return Config{}, fmt.Errorf("metadata: %d heads is not a multiple of %d key/value heads", c.NHead, c.NHeadKV)
	}
	c.HeadDim = r.uint("attention.key_length", c.NEmbd/c.NHead, false)
	if vl := r.uint("attention.value_length", c.HeadDim, false); vl != c.HeadDim {
		return Config{}, fmt.Errorf("metadata: key length %d differs from value length %d, which the engine does not support", c.HeadDim, vl)
	}
	c.NRot = r.uint("rope.dimension_count", c.HeadDim, false)
	if r.err != nil {
		return Config{}, r.err
	}
	if c.HeadDim == 0 || c.HeadDim%2 != 0 || c.NRot%2 != 0 || c.NRot > c.HeadDim {
		return Config{}, fmt.Errorf("metadata: head width %d with %d rotary dimensions is not supported", c.HeadDim, c.NRot)
	}
	c.Eps = r.float("attention.layer_norm_rms_epsilon", 1e-5)
	c.RopeBase = r.float("rope.freq_base", 10000)
	c.RopeScale = 1
	scaling, _ := md.String(arch + ".rope.scaling.type")
	switch scaling {
	case "", "none":
	case "linear":
		if f := r.float("rope.scaling.factor", 1); f > 0 {
			c.RopeScale = 1 / f
		}
	default:
		return Config{}, fmt.Errorf("metadata: RoPE scaling %q is not supported (none, linear)", scaling)
	}
	if f := r.float("rope.scale_linear", 0); f > 0 {
		c.RopeScale = 1 / f
	}
	c.RopeAttnFactor = r.float("rope.scaling.attn_factor", 1)
	c.AttnScale = float32(1 / math.Sqrt(float64(c.HeadDim)))
	if arch == "gemma3" && c.NLayer == 62 {
		// Gemma 3 27B scales queries by the model width per head, not the head width.
		c.AttnScale = float32(1 / math.Sqrt(float64(c.NEmbd/c.NHead)))
	}
	if spec.swaPattern > 0 {
		c.SWA = r.uint("attention.sliding_window", 0, false)
		c.spec.swaRopeBase = r.float("rope.freq_base_swa", spec.swaRopeBase)
	}
	if r.err != nil {
		return Config{}, r.err
	}
	return c, nil
}
