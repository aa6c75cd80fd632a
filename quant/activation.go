package quant

import "github.com/odbench/odbench/gguf"

// quantizeActivations quantizes one activation row x to the activation type
// t (a VecDotType) into dst, which holds at least a row of t. It is the
// quantizer MatVec and MatMul apply to their inputs, kept apart from the
// reference quantizers that write weight files. The caller has checked t
// and the lengths, so a failure is a bug and panics with the name of the
// driver in op.
func quantizeActivations(op string, t gguf.Type, x []float32, dst []byte) {
	if err := Quantize(t, x, dst); err != nil {
		panic("quant: " + op + ": " + err.Error())
	}
}
