package quant

import (
	"errors"
	"fmt"

	"github.com/odbench/odbench/gguf"
)

// ErrUnsupported is returned (wrapped) for a type this package cannot convert.
var ErrUnsupported = errors.New("unsupported tensor type")

// ErrBadLength is returned (wrapped) when a row length is not a whole number
// of blocks or a buffer is too short for the row.
var ErrBadLength = errors.New("bad row length")

// format holds the pure-Go row functions of one type. Each function works on
// a whole number of blocks and trusts its caller for the lengths: len(x)
// elements and exactly the row's bytes.
type format struct {
	quantize   func(x []float32, y []byte)
	dequantize func(y []byte, x []float32)
	// dot returns the dot product of an n-element weight row w with an
	// activation row of type dotType; nil for activation-only types.
	dot     func(w, act []byte, n int) float32
	dotType gguf.Type
}

// formats is indexed by gguf.Type; a nil quantize marks a type without support.
var formats = [...]format{
	gguf.TypeF32:  {quantizeRowF32, dequantizeRowF32, dotF32, gguf.TypeF32},
	gguf.TypeF16:  {quantizeRowF16, dequantizeRowF16, dotF16, gguf.TypeF16},
	gguf.TypeBF16: {quantizeRowBF16, dequantizeRowBF16, dotBF16, gguf.TypeBF16},
	gguf.TypeQ4_0: {quantizeRowQ4_0, dequantizeRowQ4_0, dotQ4_0Q8_0, gguf.TypeQ8_0},
	gguf.TypeQ4_1: {quantizeRowQ4_1, dequantizeRowQ4_1, dotQ4_1Q8_1, gguf.TypeQ8_1},
	gguf.TypeQ5_0: {quantizeRowQ5_0, dequantizeRowQ5_0, dotQ5_0Q8_0, gguf.TypeQ8_0},
	gguf.TypeQ5_1: {quantizeRowQ5_1, dequantizeRowQ5_1, dotQ5_1Q8_1, gguf.TypeQ8_1},
	gguf.TypeQ8_0: {QuantizeQ8_0Row, dequantizeRowQ8_0, dotQ8_0Q8_0, gguf.TypeQ8_0},
	gguf.TypeQ8_1: {QuantizeQ8_1Row, dequantizeRowQ8_1, nil, 0},
	gguf.TypeQ2_K: {quantizeRowQ2_K, dequantizeRowQ2_K, dotQ2_KQ8_K, gguf.TypeQ8_K},
	gguf.TypeQ3_K: {quantizeRowQ3_K, dequantizeRowQ3_K, dotQ3_KQ8_K, gguf.TypeQ8_K},
	gguf.TypeQ4_K: {quantizeRowQ4_K, dequantizeRowQ4_K, dotQ4_KQ8_K, gguf.TypeQ8_K},
	gguf.TypeQ5_K: {quantizeRowQ5_K, dequantizeRowQ5_K, dotQ5_KQ8_K, gguf.TypeQ8_K},
	gguf.TypeQ6_K: {quantizeRowQ6_K, dequantizeRowQ6_K, dotQ6_KQ8_K, gguf.TypeQ8_K},
	gguf.TypeQ8_K: {QuantizeQ8_KRow, dequantizeRowQ8_K, nil, 0},
}

// NoType is what VecDotType returns for a type without a dot product; it is
// not a valid gguf.Type.
const NoType = gguf.Type(^uint32(0))

func lookup(t gguf.Type) (*format, error) {
	if int(t) < len(formats) && formats[t].quantize != nil {
		return &formats[t], nil
	}
	return nil, fmt.Errorf("%w: %v", ErrUnsupported, t)
}

// Supported reports whether Quantize and Dequantize handle type t.
func Supported(t gguf.Type) bool {
	_, err := lookup(t)
	return err == nil
}

// rowBytes returns the bytes of n elements of type t, or an error when n is
// not a whole number of blocks.
func rowBytes(t gguf.Type, n int) (int, error) {
	b, err := gguf.RowBytes(t, int64(n))
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrBadLength, err)
	}
	return int(b), nil
}

// Quantize converts len(src) floats into type t, writing RowBytes(t,
// len(src)) bytes at the start of dst. len(src) must be a multiple of the
// type's block size. The output is byte-identical to llama.cpp's
// quantize_row_<t>_ref (ggml_fp32_to_fp16_row for F16,
// ggml_fp32_to_bf16_row_ref for BF16) on every platform; that is tested on
// finite inputs, denormals included, and for F16 and BF16 also on NaNs and
// infinities.
func Quantize(t gguf.Type, src []float32, dst []byte) error {
	f, err := lookup(t)
	if err != nil {
		return fmt.Errorf("quantize: %w", err)
	}
	nb, err := rowBytes(t, len(src))
	if err != nil {
		return fmt.Errorf("quantize %v: %w", t, err)
	}
	if len(dst) < nb {
		return fmt.Errorf("quantize %v: %w: %d elements need %d bytes, have %d", t, ErrBadLength, len(src), nb, len(dst))
	}
	f.quantize(src, dst[:nb])
	return nil
}

// Dequantize converts len(dst) elements of type t, read from the start of
// src, to float32. len(dst) must be a multiple of the type's block size and
// src must hold at least RowBytes(t, len(dst)) bytes. The values are the
// ones llama.cpp's dequantize_row_<t> gives, bit for bit.
func Dequantize(t gguf.Type, src []byte, dst []float32) error {
	f, err := lookup(t)
	if err != nil {
		return fmt.Errorf("dequantize: %w", err)
	}
	nb, err := rowBytes(t, len(dst))
	if err != nil {
		return fmt.Errorf("dequantize %v: %w", t, err)
	}
	if len(src) < nb {
		return fmt.Errorf("dequantize %v: %w: %d elements need %d bytes, have %d", t, ErrBadLength, len(dst), nb, len(src))
	}
	f.dequantize(src[:nb], dst)
	return nil
}

// VecDotType returns the activation type that a weight row of type t is
// dotted with, as ggml pairs them (Q4_0→Q8_0, Q4_1→Q8_1, Q5_0→Q8_0,
// Q5_1→Q8_1, Q8_0→Q8_0, Q2_K..Q6_K→Q8_K, F32, F16 and BF16 → themselves),
// or NoType when t has no dot product here.
func VecDotType(t gguf.Type) gguf.Type {
	f, err := lookup(t)
	if err != nil || f.dot == nil {
		return NoType
	}
	return f.dotType
}

// VecDotGeneric returns the dot product of n elements of a weight row w of
// type t with an activation row act of type VecDotType(t), computed in pure
// Go: integer sums inside a block, float32 scaling per block, the way ggml's
// generic C code does it (float64 accumulation for F32, F16 and BF16).
//
// It is the reference for the fast kernels. The caller checks the shapes
// once per matrix, so a call with an unsupported type, an n that is not a
// whole number of blocks or rows shorter than n elements is a programming
// error and panics.
func VecDotGeneric(t gguf.Type, w, act []byte, n int) float32 {
	f, err := lookup(t)
	if err != nil || f.dot == nil {
		panic(fmt.Sprintf("quant: VecDotGeneric: no dot product for %v", t))
	}
	wb, err := rowBytes(t, n)
	if err != nil {
		panic("quant: VecDotGeneric: " + err.Error())
	}
	ab, _ := rowBytes(f.dotType, n) // the activation block size divides every weight block size
	if len(w) < wb || len(act) < ab {
		panic(fmt.Sprintf("quant: VecDotGeneric %v: %d elements need %d weight and %d activation bytes, have %d and %d", t, n, wb, ab, len(w), len(act)))
	}
	return f.dot(w[:wb], act[:ab], n)
}

// DotF32Generic returns the dot product of a weight row w of type t with
// the float32 activations x (len(x) elements), dequantizing w one block at
// a time on the stack and summing the float32 products in float64. It is
// the reference for kernels that keep activations in float32 instead of
// quantizing them. Like VecDotGeneric it panics on an unsupported type, a
// length that is not a whole number of blocks or a short w.
func DotF32Generic(t gguf.Type, w []byte, x []float32) float32 {
	f, err := lookup(t)
	if err != nil {
		panic("quant: DotF32Generic: " + err.Error())
	}
	wb, err := rowBytes(t, len(x))
	if err != nil || len(w) < wb {
		panic(fmt.Sprintf("quant: DotF32Generic %v: %d elements need %d weight bytes, have %d", t, len(x), wb, len(w)))
	}
	// Chunks of up to 256 elements: a whole number of blocks of every type.
	var buf [qkK]float32
	bs, bb := t.BlockSize(), t.BlockBytes()
	var s float64
	for i := 0; i < len(x); i += qkK {
		xs := x[i:min(i+qkK, len(x))]
		f.dequantize(w[i/bs*bb:(i+len(xs))/bs*bb], buf[:len(xs)])
		for j, v := range xs {
			s += float64(buf[j] * v)
		}
	}
	return float32(s)
}
