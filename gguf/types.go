package gguf

import (
	"errors"
	"fmt"
	"math"
	"math/bits"
	"strings"
)

// Type is a ggml tensor type id, as stored in a GGUF tensor info.
type Type uint32

// The ggml tensor types, with the ids ggml.h gives them. Ids 4, 5, 31-33 and
// 36-38 belonged to types that ggml has removed from GGUF files.
const (
	TypeF32     Type = 0
	TypeF16     Type = 1
	TypeQ4_0    Type = 2
	TypeQ4_1    Type = 3
	TypeQ5_0    Type = 6
	TypeQ5_1    Type = 7
	TypeQ8_0    Type = 8
	TypeQ8_1    Type = 9
	TypeQ2_K    Type = 10
	TypeQ3_K    Type = 11
	TypeQ4_K    Type = 12
	TypeQ5_K    Type = 13
	TypeQ6_K    Type = 14
	TypeQ8_K    Type = 15
	TypeIQ2_XXS Type = 16
	TypeIQ2_XS  Type = 17
	TypeIQ3_XXS Type = 18
	TypeIQ1_S   Type = 19
	TypeIQ4_NL  Type = 20
	TypeIQ3_S   Type = 21
	TypeIQ2_S   Type = 22
	TypeIQ4_XS  Type = 23
	TypeI8      Type = 24
	TypeI16     Type = 25
	TypeI32     Type = 26
	TypeI64     Type = 27
	TypeF64     Type = 28
	TypeIQ1_M   Type = 29
	TypeBF16    Type = 30
	TypeTQ1_0   Type = 34
	TypeTQ2_0   Type = 35
	TypeMXFP4   Type = 39
	TypeNVFP4   Type = 40
	TypeQ1_0    Type = 41
	TypeQ2_0    Type = 42
)

// typeInfo is one row of the type table: the name ggml prints, the number
// of elements in one block and the bytes one block takes on disk (the
// sizeof of the block struct in ggml-common.h).
type typeInfo struct {
	name       string
	blockSize  int
	blockBytes int
}

// qkK is the super-block size of the k-quants and most i-quants.
const qkK = 256

// typeTable is indexed by Type; a zero row marks an id that is not a type.
var typeTable = [...]typeInfo{
	TypeF32:     {"F32", 1, 4},
	TypeF16:     {"F16", 1, 2},
	TypeQ4_0:    {"Q4_0", 32, 2 + 16},
	TypeQ4_1:    {"Q4_1", 32, 2 + 2 + 16},
	TypeQ5_0:    {"Q5_0", 32, 2 + 4 + 16},
	TypeQ5_1:    {"Q5_1", 32, 2 + 2 + 4 + 16},
	TypeQ8_0:    {"Q8_0", 32, 2 + 32},
	TypeQ8_1:    {"Q8_1", 32, 2 + 2 + 32},
	TypeQ2_K:    {"Q2_K", qkK, qkK/16 + qkK/4 + 2 + 2},
	TypeQ3_K:    {"Q3_K", qkK, qkK/8 + qkK/4 + 12 + 2},
	TypeQ4_K:    {"Q4_K", qkK, 2 + 2 + 12 + qkK/2},
	TypeQ5_K:    {"Q5_K", qkK, 2 + 2 + 12 + qkK/8 + qkK/2},
	TypeQ6_K:    {"Q6_K", qkK, qkK/2 + qkK/4 + qkK/16 + 2},
	TypeQ8_K:    {"Q8_K", qkK, 4 + qkK + qkK/16*2},
	TypeIQ2_XXS: {"IQ2_XXS", qkK, 2 + qkK/8*2},
	TypeIQ2_XS:  {"IQ2_XS", qkK, 2 + qkK/8*2 + qkK/32},
	TypeIQ3_XXS: {"IQ3_XXS", qkK, 2 + 3*qkK/8},
	TypeIQ1_S:   {"IQ1_S", qkK, 2 + qkK/8 + qkK/32*2},
	TypeIQ4_NL:  {"IQ4_NL", 32, 2 + 16},
	TypeIQ3_S:   {"IQ3_S", qkK, 2 + qkK/4 + qkK/32 + qkK/8 + qkK/64},
	TypeIQ2_S:   {"IQ2_S", qkK, 2 + qkK/4 + qkK/32 + qkK/32},
	TypeIQ4_XS:  {"IQ4_XS", qkK, 2 + 2 + qkK/64 + qkK/2},
	TypeI8:      {"I8", 1, 1},
	TypeI16:     {"I16", 1, 2},
	TypeI32:     {"I32", 1, 4},
	TypeI64:     {"I64", 1, 8},
	TypeF64:     {"F64", 1, 8},
	TypeIQ1_M:   {"IQ1_M", qkK, qkK/8 + qkK/16 + qkK/32},
	TypeBF16:    {"BF16", 1, 2},
	TypeTQ1_0:   {"TQ1_0", qkK, (qkK-4*qkK/64)/5 + qkK/64 + 2},
	TypeTQ2_0:   {"TQ2_0", qkK, qkK/4 + 2},
	TypeMXFP4:   {"MXFP4", 32, 1 + 16},
	TypeNVFP4:   {"NVFP4", 64, 4 + 32},
	TypeQ1_0:    {"Q1_0", 128, 2 + 16},
	TypeQ2_0:    {"Q2_0", 64, 2 + 16},
}

// removedTypes names the ids ggml once used and no longer accepts in GGUF files.
var removedTypes = map[Type]string{
	4: "Q4_2", 5: "Q4_3", 31: "Q4_0_4_4", 32: "Q4_0_4_8", 33: "Q4_0_8_8",
	36: "IQ4_NL_4_4", 37: "IQ4_NL_4_8", 38: "IQ4_NL_8_8",
}

// Types returns every valid type in id order.
func Types() []Type {
	var ts []Type
	for i := range typeTable {
		if Type(i).Valid() {
			ts = append(ts, Type(i))
		}
	}
	return ts
}

func (t Type) info() typeInfo {
	if int(t) < len(typeTable) {
		return typeTable[t]
	}
	return typeInfo{}
}

// Valid reports whether t is a type that GGUF files may hold today.
func (t Type) Valid() bool { return t.info().blockSize > 0 }

// String returns ggml's name of the type, e.g. "Q4_K"; an unknown id prints
// as "type(N)" and a removed one as "Q4_0_4_4(removed)".
func (t Type) String() string {
	if t.Valid() {
		return t.info().name
	}
	if n, ok := removedTypes[t]; ok {
		return n + "(removed)"
	}
	return fmt.Sprintf("type(%d)", uint32(t))
}

// ParseType returns the type with the given name, ignoring case ("q4_k", "F16").
func ParseType(s string) (Type, error) {
	for _, t := range Types() {
		if strings.EqualFold(s, t.info().name) {
			return t, nil
		}
	}
	return 0, fmt.Errorf("unknown ggml type %q", s)
}

// BlockSize returns the number of elements in one block (1 for F32, F16,
// BF16 and the integer types), or 0 for an invalid type.
func (t Type) BlockSize() int { return t.info().blockSize }

// BlockBytes returns the bytes one block takes, or 0 for an invalid type.
func (t Type) BlockBytes() int { return t.info().blockBytes }

// Quantized reports whether t stores elements in blocks of more than one.
func (t Type) Quantized() bool { return t.info().blockSize > 1 }

// BitsPerWeight returns the bits one element takes on disk, e.g. 4.5 for Q4_0.
func (t Type) BitsPerWeight() float64 {
	in := t.info()
	if in.blockSize == 0 {
		return 0
	}
	return float64(in.blockBytes*8) / float64(in.blockSize)
}

// ErrBadShape is returned (wrapped) when a row length is not a multiple of the
// type's block size or a tensor's byte count does not fit in an int64.
var ErrBadShape = errors.New("bad tensor shape")

// RowBytes returns the bytes of n consecutive elements of type t. n must be a
// non-negative multiple of the type's block size.
func RowBytes(t Type, n int64) (int64, error) {
	in := t.info()
	if in.blockSize == 0 {
		return 0, fmt.Errorf("%w: unknown type %v", ErrBadShape, t)
	}
	if n < 0 || n%int64(in.blockSize) != 0 {
		return 0, fmt.Errorf("%w: %d elements of %v is not a multiple of its block size %d", ErrBadShape, n, t, in.blockSize)
	}
	blocks := n / int64(in.blockSize)
	hi, lo := bits.Mul64(uint64(blocks), uint64(in.blockBytes))
	if hi != 0 || lo > math.MaxInt64 {
		return 0, fmt.Errorf("%w: %d elements of %v overflow int64 bytes", ErrBadShape, n, t)
	}
	return int64(lo), nil
}

// NumElements returns the product of dims, or an error when it overflows an int64.
func NumElements(dims []uint64) (int64, error) {
	n := uint64(1)
	for _, d := range dims {
		hi, lo := bits.Mul64(n, d)
		if hi != 0 || lo > math.MaxInt64 {
			return 0, fmt.Errorf("%w: dims %v: element count overflows int64", ErrBadShape, dims)
		}
		n = lo
	}
	return int64(n), nil
}

// TensorBytes returns the bytes of a tensor of type t and shape dims
// (dims[0] is the contiguous row length, which must be a multiple of the
// block size). Every product is checked for overflow.
func TensorBytes(t Type, dims []uint64) (int64, error) {
	n, err := NumElements(dims)
	if err != nil {
		return 0, err
	}
	row := int64(1)
	if len(dims) > 0 {
		row = int64(dims[0]) // fits: NumElements checked the product
	}
	rb, err := RowBytes(t, row)
	if err != nil || row == 0 {
		return 0, err
	}
	rows := uint64(n / row)
	hi, lo := bits.Mul64(rows, uint64(rb))
	if hi != 0 || lo > math.MaxInt64 {
		return 0, fmt.Errorf("%w: %v %v: byte count overflows int64", ErrBadShape, t, dims)
	}
	return int64(lo), nil
}
