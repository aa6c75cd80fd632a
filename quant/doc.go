// Package quant converts tensors between float32 and ggml's block formats
// (F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q8_1, Q2_K..Q6_K, Q8_K) and
// computes dot products of a quantized weight row with an activation row.
//
// Every block layout is the one in ggml's ggml-common.h, byte for byte, so
// rows read from a GGUF file can be used in place. The reference quantizers
// (Quantize, QuantizeQ8_0Row, QuantizeQ8_KRow ...) produce the same bytes as
// llama.cpp's quantize_row_<type>_ref for the same input: they follow its
// float32 arithmetic step by step, round with the same rules, and wrap
// every product that feeds an addition in an explicit float32 conversion so
// that the Go compiler cannot fuse it into a multiply-add that ggml's build
// does not use. Float-to-integer casts follow x86's rules for NaN and
// out-of-range values (see truncInt32), so the bytes do not depend on the
// platform. The committed vectors in testdata/vectors prove the identity:
// rows of inputs with the bytes and floats that llama.cpp's own library
// (libggml-base.so, called by internal/vectorgen) made of them, and SHA-256
// digests of its output for 300 generated rows per type.
//
// The pure-Go functions in this package (Dequantize, Quantize,
// VecDotGeneric) are the reference that the per-architecture kernels are
// tested against, and the path that runs where no kernel exists.
// VecDotGeneric sums the integer products inside a block of the 2- to
// 6-bit formats eight elements at a time in 64-bit words (swar.go); the sums
// are exact, so its results stay bit-identical to ggml's generic code.
//
// A dot product pairs a weight type with the activation type ggml pairs it
// with (VecDotType): Q4_0, Q5_0 and Q8_0 with Q8_0; Q4_1 and Q5_1 with Q8_1;
// the k-quants with Q8_K; F32, F16 and BF16 with themselves.
package quant
