// Package synth writes synthetic GGUF models: the exact tensor names,
// shapes, types and metadata llama.cpp uses for a model's architecture,
// with random weights (deterministic by seed) and a valid byte-level BPE
// tokenizer. Speed does not depend on weight values, so a benchmark of a
// synthetic file is a benchmark of the real model's shape.
//
// Files are streamed tensor by tensor and row chunk by row chunk: memory
// stays bounded whatever the model's size. Quantized tensors are written
// directly as random valid blocks (random quants, scales chosen so the
// dequantized weights have standard deviation 0.02) instead of quantizing
// floats, so a 1B model takes seconds.
package synth

import (
	"context"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"math"
	"math/rand/v2"
	"strings"

	"github.com/odbench/odbench/gguf"
	"github.com/odbench/odbench/profiles/models"
	"github.com/odbench/odbench/profiles/recipe"
)

// Options say what to write.
type Options struct {
	// Model is the shape to write (a catalog model, or one read from a file).
	Model models.Model
	// FileType is the llama.cpp file type whose recipe picks each tensor's type.
	FileType gguf.FileType
	// Seed makes the weights deterministic.
	Seed uint64
	// Vocab is the tokenizer; nil means GeneratedVocab padded to the model's vocabulary size.
	Vocab *Vocab
	// Like, when set, is the file the shape was read from: its 1-D F32
	// tensors (norms, RoPE factors) are copied instead of generated, and
	// so is its tokenizer (every tokenizer.* key) unless Vocab is set.
	Like *gguf.File
}

// Result describes the written file.
type Result struct {
	Path      string
	Tensors   int
	Params    int64
	DataBytes int64 // tensor data without padding
	TypeBytes map[gguf.Type]int64
}

// chunkBytes is the size of the buffer rows are generated into.
const chunkBytes = 4 << 20

// Write writes the synthetic model to path atomically: on any error or
// cancellation nothing is left at path.
func Write(ctx context.Context, path string, o Options) (Result, error) {
	m := o.Model
	if err := m.Validate(); err != nil {
		return Result{}, fmt.Errorf("synth: %w", err)
	}
	layout, err := recipe.Plan(o.FileType, recipe.ShapeOf(m))
	if err != nil {
		return Result{}, fmt.Errorf("synth %s: %w", m.ID, err)
	}
	copyTokenizer := o.Vocab == nil && o.Like != nil && hasTokenizer(o.Like)
	vocab := o.Vocab
	if vocab == nil && !copyTokenizer {
		v, err := GeneratedVocab(m.VocabSize)
		if err != nil {
			return Result{}, fmt.Errorf("synth %s: %w", m.ID, err)
		}
		vocab = &v
	}
	if vocab != nil && len(vocab.Tokens) != m.VocabSize {
		return Result{}, fmt.Errorf("synth %s: vocabulary has %d tokens, the model %d", m.ID, len(vocab.Tokens), m.VocabSize)
	}
	w, err := gguf.Create(path)
	if err != nil {
		return Result{}, fmt.Errorf("synth: %w", err)
	}
	setMetadata(w, m, o.FileType, o.Seed)
	if copyTokenizer {
		copyTokenizerKeys(w, o.Like)
	} else {
		setTokenizer(w, m, vocab)
	}
	res := Result{Path: path, TypeBytes: layout.TypeBytes(), DataBytes: layout.Bytes, Tensors: len(layout.Tensors), Params: m.Params()}
	for _, t := range layout.Tensors {
		if err := w.AddTensor(t.Name, t.Type, t.Dims); err != nil {
			w.Abort()
			return Result{}, fmt.Errorf("synth: %w", err)
		}
	}
	buf := make([]byte, chunkBytes)
	for _, t := range layout.Tensors {
		if err := writeTensor(ctx, w, m, t, o, buf); err != nil {
			w.Abort()
			return Result{}, fmt.Errorf("synth %s: tensor %s: %w", path, t.Name, err)
		}
	}
	if err := w.Close(); err != nil {
		return Result{}, fmt.Errorf("synth: %w", err)
	}
	return res, nil
}

// tensorRNG returns the random stream of one tensor: it depends on the seed
// and the tensor's name only, so a tensor's values do not change when
// another tensor's type does.
func tensorRNG(seed uint64, name string) *rand.ChaCha8 {
	var key [32]byte
	binary.LittleEndian.PutUint64(key[:], seed)
	h := fnv.New64a()
	h.Write([]byte(name))
	binary.LittleEndian.PutUint64(key[8:], h.Sum64())
	return rand.NewChaCha8(key)
}

// kindOf says how a tensor's values look: norms near 1, everything else
// (matrices, biases) small random values.
func kindOf(name string) valueKind {
	if strings.HasSuffix(name, "_norm.weight") {
		return kindNorm
	}
	return kindWeight
}

// writeTensor streams one tensor in chunks of whole rows.
func writeTensor(ctx context.Context, w *gguf.Writer, m models.Model, t recipe.Tensor, o Options, buf []byte) error {
	tw, err := w.TensorWriter(t.Name)
	if err != nil {
		return err
	}
	if data := copied(o.Like, t); data != nil {
		_, err := tw.Write(data)
		return err
	}
	if vals := fixedValues(m, t.Name); vals != nil {
		b := make([]byte, 4*len(vals))
		for i, v := range vals {
			binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(v))
		}
		_, err := tw.Write(b)
		return err
	}
	rowBytes, err := gguf.RowBytes(t.Type, int64(t.Dims[0]))
	if err != nil {
		return err
	}
	if rowBytes == 0 || rowBytes > int64(len(buf)) {
		return fmt.Errorf("a row of %d bytes does not fit the %d-byte chunk", rowBytes, len(buf))
	}
	rowsPerChunk := int64(len(buf)) / rowBytes
	rng := tensorRNG(o.Seed, t.Name)
	kind := kindOf(t.Name)
	rows := t.Bytes / rowBytes
	for done := int64(0); done < rows; {
		if err := ctx.Err(); err != nil {
			return err
		}
		n := min(rowsPerChunk, rows-done)
		chunk := buf[:n*rowBytes]
		if err := fill(chunk, t.Type, kind, rng); err != nil {
			return err
		}
		if _, err := tw.Write(chunk); err != nil {
			return err
		}
		done += n
	}
	return nil
}

// copied returns the data of t in the source file when t is a 1-D F32
// tensor there with the same shape, nil otherwise.
func copied(like *gguf.File, t recipe.Tensor) []byte {
	if like == nil || len(t.Dims) != 1 || t.Type != gguf.TypeF32 {
		return nil
	}
	src, ok := like.Tensor(t.Name)
	if !ok || src.Type != gguf.TypeF32 || len(src.Dims) != 1 || src.Dims[0] != t.Dims[0] {
		return nil
	}
	data, err := like.TensorData(src)
	if err != nil {
		return nil
	}
	return data
}

// fixedValues returns the computed contents of the RoPE factor tensors, nil for others.
func fixedValues(m models.Model, name string) []float32 {
	half := m.RopeDims() / 2
	switch name {
	case "rope_freqs.weight":
		return llama3RopeFactors(m, half)
	case "rope_factors_long.weight", "rope_factors_short.weight":
		// The published long/short factors are per-model data; 1.0 keeps
		// the rotation valid and costs the same.
		f := make([]float32, half)
		for i := range f {
			f[i] = 1
		}
		return f
	}
	return nil
}

// llama3RopeFactors computes the frequency divisors of Llama 3's RoPE
// scaling: 1 for high frequencies (wavelength below orig/high_freq_factor),
// the scaling factor for low frequencies (wavelength above
// orig/low_freq_factor), and a smooth blend between.
func llama3RopeFactors(m models.Model, half int) []float32 {
	sc := m.RoPE.Scaling
	f := make([]float32, half)
	if sc.OriginalContext <= 0 || sc.Factor <= 0 || sc.LowFreqFactor <= 0 || sc.HighFreqFactor <= sc.LowFreqFactor {
		for i := range f {
			f[i] = 1 // parameters unknown (a shape read from a file): no scaling
		}
		return f
	}
	dim := float64(m.RopeDims())
	lowWave := float64(sc.OriginalContext) / sc.LowFreqFactor
	highWave := float64(sc.OriginalContext) / sc.HighFreqFactor
	for i := range f {
		freq := 1 / math.Pow(m.RoPE.Theta, float64(2*i)/dim)
		wave := 2 * math.Pi / freq
		switch {
		case wave < highWave:
			f[i] = 1
		case wave > lowWave:
			f[i] = float32(sc.Factor)
		default:
			smooth := (float64(sc.OriginalContext)/wave - sc.LowFreqFactor) / (sc.HighFreqFactor - sc.LowFreqFactor)
			f[i] = float32(1 / ((1-smooth)/sc.Factor + smooth))
		}
	}
	return f
}
