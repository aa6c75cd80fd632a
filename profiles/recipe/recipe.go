// Package recipe decides the ggml type of every tensor of a model for a
// llama.cpp file type (Q4_K_M, Q8_0, ...), following the rules of
// llama.cpp's quantizer: which tensors stay F32, which get more bits
// (output head, attn_v and ffn_down in some layers), and the fallback when
// a row length is not a multiple of the type's block size. From the
// per-tensor types it computes the exact bytes of the weights.
package recipe

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/odbench/odbench/gguf"
	"github.com/odbench/odbench/profiles/models"
)

// ErrUnsupported is returned (wrapped) for a file type this package has no recipe for.
var ErrUnsupported = errors.New("unsupported file type")

// defaultType maps every supported file type to the type most of its tensors get.
var defaultType = map[gguf.FileType]gguf.Type{
	gguf.FileTypeF32:    gguf.TypeF32,
	gguf.FileTypeF16:    gguf.TypeF16,
	gguf.FileTypeBF16:   gguf.TypeBF16,
	gguf.FileTypeQ4_0:   gguf.TypeQ4_0,
	gguf.FileTypeQ4_1:   gguf.TypeQ4_1,
	gguf.FileTypeQ5_0:   gguf.TypeQ5_0,
	gguf.FileTypeQ5_1:   gguf.TypeQ5_1,
	gguf.FileTypeQ8_0:   gguf.TypeQ8_0,
	gguf.FileTypeQ2_K:   gguf.TypeQ2_K,
	gguf.FileTypeQ3_K_S: gguf.TypeQ3_K,
	gguf.FileTypeQ3_K_M: gguf.TypeQ3_K,
	gguf.FileTypeQ3_K_L: gguf.TypeQ3_K,
	gguf.FileTypeQ4_K_S: gguf.TypeQ4_K,
	gguf.FileTypeQ4_K_M: gguf.TypeQ4_K,
	gguf.FileTypeQ5_K_S: gguf.TypeQ5_K,
	gguf.FileTypeQ5_K_M: gguf.TypeQ5_K,
	gguf.FileTypeQ6_K:   gguf.TypeQ6_K,
}

// MainType returns the type most tensors of file type ft get, 0 (F32) when ft has no recipe.
func MainType(ft gguf.FileType) gguf.Type { return defaultType[ft] }

// FileTypes returns the file types with a recipe, in id order.
func FileTypes() []gguf.FileType {
	var fts []gguf.FileType
	for ft := range defaultType {
		fts = append(fts, ft)
	}
	sort.Slice(fts, func(i, j int) bool { return fts[i] < fts[j] })
	return fts
}

// ParseFileType parses a file type name ("q4_k_m") and checks that it has a recipe.
func ParseFileType(s string) (gguf.FileType, error) {
	ft, err := gguf.ParseFileType(s)
	if err != nil {
		return 0, err
	}
	if _, ok := defaultType[ft]; !ok {
		return 0, fmt.Errorf("%w %s (supported: %s)", ErrUnsupported, ft, names(FileTypes()))
	}
	return ft, nil
}

func names(fts []gguf.FileType) string {
	s := make([]string, len(fts))
	for i, ft := range fts {
		s[i] = ft.String()
	}
	return strings.Join(s, ", ")
}

// Shape is what the rules look at: the architecture, the number of blocks,
// the grouped-query factor and the tensors with their shapes.
type Shape struct {
	Layers  int
	GQA     int // query heads per key/value head
	Tensors []models.Tensor
}

// ShapeOf returns the shape of a catalog model.
func ShapeOf(m models.Model) Shape {
	return Shape{Layers: m.Layers, GQA: m.GQA(), Tensors: m.Tensors()}
}

// Tensor is one tensor of a layout with its type and bytes.
type Tensor struct {
	models.Tensor
	Type  gguf.Type
	Bytes int64
}

// Layout is the per-tensor result of a recipe.
type Layout struct {
	FileType gguf.FileType
	Tensors  []Tensor
	// Bytes is the sum of the tensors' bytes (no alignment padding, no metadata).
	Bytes int64
	// Fallbacks counts the tensors whose row length forced another type.
	Fallbacks int
}

// TypeBytes returns the bytes per ggml type.
func (l Layout) TypeBytes() map[gguf.Type]int64 {
	m := map[gguf.Type]int64{}
	for _, t := range l.Tensors {
		m[t.Type] += t.Bytes
	}
	return m
}

// Bytes of the tensor named name, 0 when absent.
func (l Layout) TensorBytes(name string) int64 {
	for _, t := range l.Tensors {
		if t.Name == name {
			return t.Bytes
		}
	}
	return 0
}

// Plan applies the recipe of file type ft to every tensor of s.
func Plan(ft gguf.FileType, s Shape) (Layout, error) {
	def, ok := defaultType[ft]
	if !ok {
		return Layout{}, fmt.Errorf("%w %s (supported: %s)", ErrUnsupported, ft, names(FileTypes()))
	}
	if s.Layers <= 0 || s.GQA <= 0 {
		return Layout{}, fmt.Errorf("recipe %s: shape needs layers and a grouped-query factor, got %d and %d", ft, s.Layers, s.GQA)
	}
	r := rules{ft: ft, def: def, layers: s.Layers, gqa: s.GQA, tied: true}
	for _, t := range s.Tensors {
		if t.Name == "output.weight" {
			r.tied = false
		}
	}
	l := Layout{FileType: ft, Tensors: make([]Tensor, 0, len(s.Tensors))}
	for _, t := range s.Tensors {
		typ, fell := r.typeOf(t)
		if fell {
			l.Fallbacks++
		}
		b, err := gguf.TensorBytes(typ, t.Dims)
		if err != nil {
			return Layout{}, fmt.Errorf("recipe %s: tensor %s: %w", ft, t.Name, err)
		}
		l.Tensors = append(l.Tensors, Tensor{Tensor: t, Type: typ, Bytes: b})
		l.Bytes += b
	}
	return l, nil
}

// rules holds what llama.cpp's type choice depends on.
type rules struct {
	ft     gguf.FileType
	def    gguf.Type
	layers int
	gqa    int
	tied   bool // no output.weight: the token embedding is the output head
}

// category is the role of a tensor, as the quantizer groups them.
type category int

const (
	catOther category = iota
	catTokenEmbd
	catOutput
	catAttnV // attn_v and fused attn_qkv
	catAttnOutput
	catFFNDown
)

func categorize(name string) category {
	switch {
	case name == "output.weight":
		return catOutput
	case name == "token_embd.weight":
		return catTokenEmbd
	case strings.Contains(name, "attn_qkv.weight"), strings.Contains(name, "attn_v.weight"):
		return catAttnV
	case strings.Contains(name, "attn_output.weight"):
		return catAttnOutput
	case strings.Contains(name, "ffn_down"):
		return catFFNDown
	}
	return catOther
}

// quantizable reports whether the quantizer converts the tensor at all:
// only matrices named *weight, never norms. Others stay F32.
func quantizable(t models.Tensor) bool {
	return len(t.Dims) >= 2 && strings.HasSuffix(t.Name, "weight") && !strings.Contains(t.Name, "_norm.weight")
}

// useMoreBits picks the layers that get a higher type in the _M recipes: the
// first and last eighth, and every third layer in between.
func useMoreBits(i, n int) bool {
	return i < n/8 || i >= 7*n/8 || (i-n/8)%3 == 2
}

// typeOf returns the tensor's type and whether the row-length fallback changed it.
func (r rules) typeOf(t models.Tensor) (gguf.Type, bool) {
	if !quantizable(t) {
		return gguf.TypeF32, false
	}
	if !r.def.Quantized() {
		return r.def, false
	}
	typ := r.chooseQuantized(t)
	return fallback(typ, int64(t.Dims[0]))
}

func (r rules) chooseQuantized(t models.Tensor) gguf.Type {
	cat := categorize(t.Name)
	i, n := t.Layer, r.layers
	ft := r.ft
	switch {
	case cat == catOutput || (r.tied && cat == catTokenEmbd):
		if int64(t.Dims[0])%int64(r.def.BlockSize()) != 0 || r.def == gguf.TypeQ8_0 {
			return gguf.TypeQ8_0
		}
		return gguf.TypeQ6_K
	case cat == catAttnV:
		switch {
		case ft == gguf.FileTypeQ2_K && r.gqa >= 4:
			return gguf.TypeQ4_K
		case ft == gguf.FileTypeQ2_K:
			return gguf.TypeQ3_K
		case ft == gguf.FileTypeQ3_K_M && i < 2:
			return gguf.TypeQ5_K
		case ft == gguf.FileTypeQ3_K_M:
			return gguf.TypeQ4_K
		case ft == gguf.FileTypeQ3_K_L:
			return gguf.TypeQ5_K
		case (ft == gguf.FileTypeQ4_K_M || ft == gguf.FileTypeQ5_K_M) && useMoreBits(i, n):
			return gguf.TypeQ6_K
		case ft == gguf.FileTypeQ4_K_S && i < 4:
			return gguf.TypeQ5_K
		}
	case cat == catFFNDown:
		switch {
		case ft == gguf.FileTypeQ2_K:
			return gguf.TypeQ3_K
		case ft == gguf.FileTypeQ3_K_M && i < n/16:
			return gguf.TypeQ5_K
		case ft == gguf.FileTypeQ3_K_M:
			return gguf.TypeQ4_K
		case ft == gguf.FileTypeQ3_K_L:
			return gguf.TypeQ5_K
		case (ft == gguf.FileTypeQ4_K_M || ft == gguf.FileTypeQ5_K_M) && useMoreBits(i, n):
			return gguf.TypeQ6_K
		case ft == gguf.FileTypeQ4_K_S && i < n/8:
			return gguf.TypeQ5_K
		}
	case cat == catAttnOutput:
		switch ft {
		case gguf.FileTypeQ2_K:
			return gguf.TypeQ3_K
		case gguf.FileTypeQ3_K_M:
			return gguf.TypeQ4_K
		case gguf.FileTypeQ3_K_L:
			return gguf.TypeQ5_K
		}
	}
	return r.def
}

// fallbackOf is the type the quantizer uses when a row length is not a
// multiple of the chosen type's block size.
var fallbackOf = map[gguf.Type]gguf.Type{
	gguf.TypeQ2_K: gguf.TypeQ4_0,
	gguf.TypeQ3_K: gguf.TypeQ4_0,
	gguf.TypeQ4_K: gguf.TypeQ5_0,
	gguf.TypeQ5_K: gguf.TypeQ5_1,
	gguf.TypeQ6_K: gguf.TypeQ8_0,
}

func fallback(typ gguf.Type, rowLen int64) (gguf.Type, bool) {
	if rowLen%int64(typ.BlockSize()) == 0 {
		return typ, false
	}
	if fb, ok := fallbackOf[typ]; ok && rowLen%int64(fb.BlockSize()) == 0 {
		return fb, true
	}
	return gguf.TypeF16, true
}
