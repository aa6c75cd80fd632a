// Package nativetest writes tiny GGUF models with random weights for the
// tests of the native engine and of verify: every supported architecture,
// any weight type, with a small SentencePiece vocabulary that llama.cpp
// also loads.
package nativetest

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/odbench/odbench/gguf"
	"github.com/odbench/odbench/quant"
)

// Spec is the shape and storage of a tiny model. Zero fields take the
// defaults of Default.
type Spec struct {
	Arch    string
	NEmbd   int // must be a multiple of 256 for k-quant weights
	NLayer  int
	NHead   int
	NHeadKV int
	HeadDim int
	NFF     int
	NVocab  int // at least 300 (byte tokens and a few pieces)
	SWA     int // gemma3 sliding window
	// Type is the storage of the matrices; Mix overrides it per tensor
	// name suffix (e.g. "attn_v.weight": Q6_K), as real files mix types.
	Type gguf.Type
	Mix  map[string]gguf.Type
	// Tied drops output.weight so the embedding table is the output head.
	Tied bool
	// RopeFreqs adds a Llama 3 style rope_freqs.weight tensor.
	RopeFreqs bool
	Seed      uint64
}

// Default returns the defaults for arch: 256 wide, 2 blocks (6 for
// gemma3, so one global layer follows five sliding ones), 4 heads of 64
// with 2 key/value heads, 512 hidden, 320 tokens.
func Default(arch string, t gguf.Type) Spec {
	s := Spec{Arch: arch, NEmbd: 256, NLayer: 2, NHead: 4, NHeadKV: 2, HeadDim: 64, NFF: 512, NVocab: 320, Type: t, Seed: 1}
	if arch == "gemma3" {
		s.NLayer, s.SWA = 6, 8
	}
	return s
}

// QKM returns the per-tensor mix of llama.cpp's Q4_K_M: Q4_K everywhere,
// Q6_K for attn_v, ffn_down and the output head.
func QKM() (gguf.Type, map[string]gguf.Type) {
	return gguf.TypeQ4_K, map[string]gguf.Type{
		"attn_v.weight": gguf.TypeQ6_K, "ffn_down.weight": gguf.TypeQ6_K, "output.weight": gguf.TypeQ6_K,
		"attn_qkv.weight": gguf.TypeQ6_K,
	}
}

// bigramBoost is the strength of the output head's bigram path, in logits.
const bigramBoost = 12

type writer struct {
	w       *gguf.Writer
	s       Spec
	rng     *rand.Rand
	pending []pendingTensor // data written after every tensor is declared
	err     error
}

// typeOf returns the storage type of a matrix.
func (w *writer) typeOf(name string) gguf.Type {
	for suffix, t := range w.s.Mix {
		if len(name) >= len(suffix) && name[len(name)-len(suffix):] == suffix {
			return t
		}
	}
	return w.s.Type
}

// tensor adds a tensor of the given dims filled by gen and stored as t.
func (w *writer) tensor(name string, t gguf.Type, dims []uint64, gen func(i int) float32) {
	if w.err != nil {
		return
	}
	n := 1
	for _, d := range dims {
		n *= int(d)
	}
	x := make([]float32, n)
	for i := range x {
		x[i] = gen(i)
	}
	size, err := gguf.TensorBytes(t, dims)
	if err != nil {
		w.err = fmt.Errorf("%s: %w", name, err)
		return
	}
	b := make([]byte, size)
	if err := quant.Quantize(t, x, b); err != nil {
		w.err = fmt.Errorf("%s: %w", name, err)
		return
	}
	if err := w.w.AddTensor(name, t, dims); err != nil {
		w.err = err
		return
	}
	w.pending = append(w.pending, pendingTensor{name, b})
}

// normal returns a generator of N(mean, std²) values.
func (w *writer) normal(mean, std float64) func(int) float32 {
	return func(int) float32 { return float32(mean + std*w.rng.NormFloat64()) }
}

// matrix adds a rows × cols weight matrix with entries of scale 1/sqrt(cols).
func (w *writer) matrix(name string, cols, rows int) {
	w.tensor(name, w.typeOf(name), []uint64{uint64(cols), uint64(rows)}, w.normal(0, 1/math.Sqrt(float64(cols))))
}

// norm adds a norm weight vector near one.
func (w *writer) norm(name string, n int) {
	w.tensor(name, gguf.TypeF32, []uint64{uint64(n)}, w.normal(1, 0.1))
}

// bias adds a small bias vector.
func (w *writer) bias(name string, n int) {
	w.tensor(name, gguf.TypeF32, []uint64{uint64(n)}, w.normal(0, 0.1))
}

type pendingTensor struct {
	name string
	data []byte
}

// Write writes the model of spec s to path.
func Write(path string, s Spec) error {
	d := Default(s.Arch, s.Type)
	fill := func(v *int, def int) {
		if *v == 0 {
			*v = def
		}
	}
	fill(&s.NEmbd, d.NEmbd)
	fill(&s.NLayer, d.NLayer)
	fill(&s.NHead, d.NHead)
	fill(&s.NHeadKV, d.NHeadKV)
	fill(&s.HeadDim, d.HeadDim)
	fill(&s.NFF, d.NFF)
	fill(&s.NVocab, d.NVocab)
	fill(&s.SWA, d.SWA)
	if s.NVocab < 300 {
		return fmt.Errorf("nativetest: vocabulary of %d tokens is below 300", s.NVocab)
	}
	gw, err := gguf.Create(path)
	if err != nil {
		return err
	}
	w := &writer{w: gw, s: s, rng: rand.New(rand.NewPCG(s.Seed, 7))}
	w.metadata()
	w.tensors()
	for _, p := range w.pending {
		if w.err == nil {
			w.err = gw.WriteTensor(p.name, p.data)
		}
	}
	if w.err != nil {
		gw.Abort()
		return fmt.Errorf("nativetest: write %s: %w", path, w.err)
	}
	return gw.Close()
}

func (w *writer) metadata() {
	s, g := w.s, w.w
	a := s.Arch + "."
	g.SetUint32("general.alignment", 32)
	g.SetString("general.architecture", s.Arch)
	g.SetString("general.name", "tiny "+s.Arch)
	g.SetUint32(a+"context_length", 2048)
	g.SetUint32(a+"embedding_length", uint32(s.NEmbd))
	g.SetUint32(a+"block_count", uint32(s.NLayer))
	g.SetUint32(a+"feed_forward_length", uint32(s.NFF))
	g.SetUint32(a+"attention.head_count", uint32(s.NHead))
	g.SetUint32(a+"attention.head_count_kv", uint32(s.NHeadKV))
	g.SetUint32(a+"attention.key_length", uint32(s.HeadDim))
	g.SetUint32(a+"attention.value_length", uint32(s.HeadDim))
	g.SetUint32(a+"rope.dimension_count", uint32(s.HeadDim))
	g.SetFloat32(a+"attention.layer_norm_rms_epsilon", 1e-6)
	base := float32(10000)
	if s.Arch == "gemma3" {
		base = 1e6
		g.SetUint32(a+"attention.sliding_window", uint32(s.SWA))
	}
	g.SetFloat32(a+"rope.freq_base", base)
	if s.Arch == "phi3" {
		g.SetUint32(a+"rope.scaling.original_context_length", 2048)
	}

	tokens, scores, types := vocab(s.NVocab)
	g.SetString("tokenizer.ggml.model", "llama")
	g.SetStrings("tokenizer.ggml.tokens", tokens)
	g.SetFloat32s("tokenizer.ggml.scores", scores)
	g.SetInt32s("tokenizer.ggml.token_type", types)
	g.SetUint32("tokenizer.ggml.bos_token_id", 1)
	g.SetUint32("tokenizer.ggml.eos_token_id", 2)
	g.SetUint32("tokenizer.ggml.unknown_token_id", 0)
	g.SetBool("tokenizer.ggml.add_bos_token", true)
	g.SetBool("tokenizer.ggml.add_eos_token", false)
}

// vocab builds a SentencePiece vocabulary: <unk>, <s>, </s>, the 256 byte
// tokens, then word pieces with falling scores.
func vocab(n int) ([]string, []float32, []int32) {
	tokens := []string{"<unk>", "<s>", "</s>"}
	types := []int32{2, 3, 3}
	for b := range 256 {
		tokens = append(tokens, fmt.Sprintf("<0x%02X>", b))
		types = append(types, 6)
	}
	// Chat-format control tokens, which llama.cpp looks up by text for some architectures.
	for _, c := range []string{"<|endoftext|>", "<|end|>", "<|user|>", "<|assistant|>"} {
		tokens = append(tokens, c)
		types = append(types, 3)
	}
	seen := map[string]bool{}
	add := func(p string) {
		if len(tokens) < n && !seen[p] {
			seen[p] = true
			tokens = append(tokens, p)
			types = append(types, 1)
		}
	}
	add("▁")
	for c := 'a'; c <= 'z'; c++ {
		add(string(c))
		add("▁" + string(c))
	}
	for _, p := range []string{"e", "t", "h", "n", "s", "r", "d", "l", "o", "i"} {
		for _, q := range []string{"e", "a", "o", "n", "r", "s", "t", "h"} {
			add(p + q)
			add("▁" + p + q)
		}
	}
	for i := 0; len(tokens) < n; i++ {
		add(fmt.Sprintf("▁w%d", i))
	}
	scores := make([]float32, len(tokens))
	for i := range scores {
		if types[i] == 1 {
			scores[i] = -float32(i)
		}
	}
	return tokens, scores, types
}

func (w *writer) tensors() {
	s := w.s
	E, Q, KV, F := s.NEmbd, s.NHead*s.HeadDim, s.NHeadKV*s.HeadDim, s.NFF
	emb := make([]float32, E*s.NVocab)
	for i := range emb {
		emb[i] = float32(w.rng.NormFloat64())
	}
	w.tensor("token_embd.weight", w.typeOf("token_embd.weight"), []uint64{uint64(E), uint64(s.NVocab)}, func(i int) float32 { return emb[i] })
	w.norm("output_norm.weight", E)
	if !s.Tied {
		// Besides random weights, row j of a separate head gets bigramBoost/E
		// times the embedding of token j+1, so the token after t is most
		// likely t-1 by a margin of a few logits, as in a trained model,
		// and two engines' rounding noise does not decide the top token
		// at a near-tie.
		rnd := w.normal(0, 1/math.Sqrt(float64(E)))
		w.tensor("output.weight", w.typeOf("output.weight"), []uint64{uint64(E), uint64(s.NVocab)}, func(i int) float32 {
			row, col := i/E, i%E
			next := (row + 1) % s.NVocab
			return rnd(i) + float32(bigramBoost/float64(E))*emb[next*E+col]
		})
	}
	if s.RopeFreqs {
		w.tensor("rope_freqs.weight", gguf.TypeF32, []uint64{uint64(s.HeadDim / 2)}, func(i int) float32 { return 1 + float32(i%4) })
	}
	for i := range s.NLayer {
		b := func(n string) string { return fmt.Sprintf("blk.%d.%s", i, n) }
		w.norm(b("attn_norm.weight"), E)
		if s.Arch == "phi3" {
			w.matrix(b("attn_qkv.weight"), E, Q+2*KV)
		} else {
			w.matrix(b("attn_q.weight"), E, Q)
			w.matrix(b("attn_k.weight"), E, KV)
			w.matrix(b("attn_v.weight"), E, KV)
		}
		if s.Arch == "qwen2" {
			w.bias(b("attn_q.bias"), Q)
			w.bias(b("attn_k.bias"), KV)
			w.bias(b("attn_v.bias"), KV)
		}
		if s.Arch == "qwen3" || s.Arch == "gemma3" {
			w.norm(b("attn_q_norm.weight"), s.HeadDim)
			w.norm(b("attn_k_norm.weight"), s.HeadDim)
		}
		w.matrix(b("attn_output.weight"), Q, E)
		if s.Arch == "gemma3" {
			w.norm(b("post_attention_norm.weight"), E)
		}
		w.norm(b("ffn_norm.weight"), E)
		if s.Arch == "phi3" {
			w.matrix(b("ffn_up.weight"), E, 2*F)
		} else {
			w.matrix(b("ffn_gate.weight"), E, F)
			w.matrix(b("ffn_up.weight"), E, F)
		}
		w.matrix(b("ffn_down.weight"), F, E)
		if s.Arch == "gemma3" {
			w.norm(b("post_ffw_norm.weight"), E)
		}
	}
}
