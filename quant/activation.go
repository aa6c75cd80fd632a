package quant

import (
	"math"

	"github.com/odbench/odbench/gguf"
)

// quantizeActivations quantizes one activation row x to the activation type
// t (a VecDotType) into dst, which holds at least a row of t. It is the
// quantizer MatVec and MatMul apply to their inputs, kept apart from the
// reference quantizers that write weight files: llama.cpp quantizes
// activations at run time with ggml-cpu's own quantizers, whose rules for
// Q8_0 and Q8_1 differ from the reference ones (see quantizeQ8BlockRuntime),
// and a single flipped int8 moves every output of the product. Q8_K
// activations take the reference rules, as ggml-cpu does on every CPU. The
// caller has checked t and the lengths, so a failure is a bug and panics
// with the name of the driver in op.
func quantizeActivations(op string, t gguf.Type, x []float32, dst []byte) {
	switch t {
	case gguf.TypeQ8_0:
		for i := range len(x) / qk0 {
			b := (*[bytesQ8_0]byte)(dst[i*bytesQ8_0:])
			d, _ := quantizeQ8BlockRuntime((*[qk0]float32)(x[i*qk0:]), b[2:])
			storeF16(b[:], d)
		}
	case gguf.TypeQ8_1:
		for i := range len(x) / qk0 {
			b := (*[bytesQ8_1]byte)(dst[i*bytesQ8_1:])
			d, sum := quantizeQ8BlockRuntime((*[qk0]float32)(x[i*qk0:]), b[4:])
			storeF16(b[0:], d)
			storeF16(b[2:], float32(sum)*d)
		}
	default:
		if err := Quantize(t, x, dst); err != nil {
			panic("quant: " + op + ": " + err.Error())
		}
	}
}

// quantizeQ8BlockRuntime quantizes one 32-element activation block into qs
// the way ggml-cpu's quantize_row_q8_0 and quantize_row_q8_1 do on x86
// (AVX2 and AVX-512 builds): d = amax/127 as the reference, but the
// multiplier is 127/amax rather than 1/d, and q = x·(127/amax) is rounded
// half to even rather than half away from zero. Both differ from
// quantizeQ8Block on some inputs; TestQuantizeActivationsRuntimeRules pins
// such inputs. It returns d and Σq.
func quantizeQ8BlockRuntime(x *[qk0]float32, qs []byte) (d float32, sum int32) {
	var amax float32
	for _, v := range x {
		amax = max(amax, abs32(v))
	}
	d = amax / 127
	var id float32
	if amax != 0 {
		id = 127 / amax
	}
	qs = qs[:qk0]
	for j, v := range x {
		// |v·id| ≤ 127 (plus rounding), so the int8 conversion is exact.
		q := int8(math.RoundToEven(float64(float32(v * id))))
		qs[j] = uint8(q)
		sum += int32(q)
	}
	return d, sum
}
