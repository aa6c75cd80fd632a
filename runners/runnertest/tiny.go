// Package runnertest writes small real models for the tests of runners
// and of the commands that drive them, the way net/http/httptest serves
// real HTTP: a tiny llama-architecture GGUF file with random weights and a
// byte-level BPE vocabulary, which llama.cpp and the native engine load.
package runnertest

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"testing"

	"github.com/odbench/odbench/gguf"
)

// Shape of the tiny model.
const (
	NLayer    = 2
	NEmbd     = 64
	NHead     = 4
	NHeadKV   = 2
	NFF       = 128
	NCtxTrain = 512
)

// Merges are the BPE merges of the tiny vocabulary, in rank order; the
// tokens they make follow the 256 byte tokens.
var Merges = []string{"h e", "Ġ t", "Ġt he", "i n"}

// Special token ids, after the byte tokens and the merged tokens.
const (
	BOS = 256 + 4
	EOS = BOS + 1
	// NVocab is the vocabulary size: bytes, merges, BOS and EOS.
	NVocab = EOS + 1
)

// byteToken returns the GPT-2 byte-level BPE token text of byte b: printable
// Latin-1 bytes stand for themselves, the others map to U+0100 onwards.
func byteToken(b int) string {
	printable := func(c int) bool {
		return (c >= '!' && c <= '~') || (c >= 0xA1 && c <= 0xAC) || (c >= 0xAE && c <= 0xFF)
	}
	if printable(b) {
		return string(rune(b))
	}
	n := 0
	for c := 0; c < b; c++ {
		if !printable(c) {
			n++
		}
	}
	return string(rune(256 + n))
}

// Vocab returns the token texts and types (1 normal, 3 control) of the tiny model.
func Vocab() ([]string, []int32) {
	tokens := make([]string, 0, NVocab)
	for b := range 256 {
		tokens = append(tokens, byteToken(b))
	}
	tokens = append(tokens, "he", "Ġt", "Ġthe", "in", "<|bos|>", "<|eos|>")
	types := make([]int32, len(tokens))
	for i := range types {
		types[i] = 1
	}
	types[BOS], types[EOS] = 3, 3
	return tokens, types
}

// WriteLlama writes the tiny llama model, F32 weights drawn from seed, to
// dir/name and returns its path. It fails the test on error.
func WriteLlama(t testing.TB, dir, name string, seed uint64) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := writeLlama(path, seed); err != nil {
		t.Fatalf("write tiny model: %v", err)
	}
	return path
}

func writeLlama(path string, seed uint64) error {
	w, err := gguf.Create(path)
	if err != nil {
		return err
	}
	tokens, types := Vocab()
	w.SetString("general.architecture", "llama")
	w.SetString("general.name", "odbench tiny llama")
	w.SetUint32("general.file_type", 0)
	w.SetUint32("llama.block_count", NLayer)
	w.SetUint32("llama.context_length", NCtxTrain)
	w.SetUint32("llama.embedding_length", NEmbd)
	w.SetUint32("llama.feed_forward_length", NFF)
	w.SetUint32("llama.attention.head_count", NHead)
	w.SetUint32("llama.attention.head_count_kv", NHeadKV)
	w.SetUint32("llama.rope.dimension_count", NEmbd/NHead)
	w.SetFloat32("llama.rope.freq_base", 10000)
	w.SetFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5)
	w.SetString("tokenizer.ggml.model", "gpt2")
	w.SetString("tokenizer.ggml.pre", "gpt-2")
	w.SetStrings("tokenizer.ggml.tokens", tokens)
	w.SetInt32s("tokenizer.ggml.token_type", types)
	w.SetStrings("tokenizer.ggml.merges", Merges)
	w.SetUint32("tokenizer.ggml.bos_token_id", BOS)
	w.SetUint32("tokenizer.ggml.eos_token_id", EOS)
	w.SetBool("tokenizer.ggml.add_bos_token", true)

	type tensor struct {
		name string
		dims []uint64
		norm bool // RMSNorm weight: ones
	}
	kv := uint64(NEmbd / NHead * NHeadKV)
	ts := []tensor{{"token_embd.weight", []uint64{NEmbd, NVocab}, false}}
	for l := range NLayer {
		p := fmt.Sprintf("blk.%d.", l)
		ts = append(ts,
			tensor{p + "attn_norm.weight", []uint64{NEmbd}, true},
			tensor{p + "attn_q.weight", []uint64{NEmbd, NEmbd}, false},
			tensor{p + "attn_k.weight", []uint64{NEmbd, kv}, false},
			tensor{p + "attn_v.weight", []uint64{NEmbd, kv}, false},
			tensor{p + "attn_output.weight", []uint64{NEmbd, NEmbd}, false},
			tensor{p + "ffn_norm.weight", []uint64{NEmbd}, true},
			tensor{p + "ffn_gate.weight", []uint64{NEmbd, NFF}, false},
			tensor{p + "ffn_up.weight", []uint64{NEmbd, NFF}, false},
			tensor{p + "ffn_down.weight", []uint64{NFF, NEmbd}, false},
		)
	}
	ts = append(ts, tensor{"output_norm.weight", []uint64{NEmbd}, true}, tensor{"output.weight", []uint64{NEmbd, NVocab}, false})
	for _, t := range ts {
		if err := w.AddTensor(t.name, gguf.TypeF32, t.dims); err != nil {
			w.Abort()
			return err
		}
	}
	rng := rand.New(rand.NewPCG(seed, 1))
	for _, t := range ts {
		n := 1
		for _, d := range t.dims {
			n *= int(d)
		}
		data := make([]byte, 4*n)
		for i := range n {
			v := float32(1)
			if !t.norm {
				v = float32(rng.NormFloat64() * 0.5)
			}
			binary.LittleEndian.PutUint32(data[4*i:], math.Float32bits(v))
		}
		if err := w.WriteTensor(t.name, data); err != nil {
			w.Abort()
			return err
		}
	}
	return w.Close()
}
