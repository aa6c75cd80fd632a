package native

import (
	"math"
	"sync"

	"github.com/odbench/odbench/quant"
)

// rmsNorm writes x / sqrt(mean(x²) + eps) * w to dst; dst may alias x.
// Squares are rounded to float32 and summed in float64, and the scale is
// 1.0f/sqrtf(mean+eps) in float32 steps, as ggml does.
func rmsNorm(dst, x, w []float32, eps float32) {
	var ss float64
	for _, v := range x {
		ss += float64(v * v)
	}
	mean := float32(ss / float64(len(x)))
	// The float64 square root of a float32, rounded to float32, is sqrtf's.
	scale := 1 / float32(math.Sqrt(float64(mean+eps)))
	w = w[:len(x)]
	dst = dst[:len(x)]
	for i, v := range x {
		dst[i] = v * scale * w[i]
	}
}

// ropeTable fills cs with (cos, sin) pairs, times mscale, for the nRot/2
// rotary frequencies at position pos: angle i is
// scale * pos * base^(-2i/nRot) / factors[i]. The angle advances by
// repeated float32 multiplication and cos and sin come from sincosf, as in
// ggml, so the rounding matches llama.cpp. factors may be nil (all ones).
func ropeTable(cs []float32, pos int, nRot int, base, scale, mscale float32, factors []float32) {
	thetaScale := float32(math.Pow(float64(base), -2/float64(nRot)))
	theta := float32(pos)
	for i := 0; i < nRot/2; i++ {
		t := theta
		if factors != nil {
			t /= factors[i]
		}
		t *= scale
		s, c := sincosf(t)
		cs[2*i] = c * mscale
		cs[2*i+1] = s * mscale
		theta *= thetaScale
	}
}

// ropeApply rotates the leading len(cs) dimensions of one head x in place.
// neox pairs x[i] with x[i+n/2]; otherwise x[2i] pairs with x[2i+1].
func ropeApply(x, cs []float32, neox bool) {
	half := len(cs) / 2
	if neox {
		lo, hi := x[:half], x[half:2*half]
		for i := range half {
			lo[i], hi[i] = rotate(lo[i], hi[i], cs[2*i], cs[2*i+1])
		}
		return
	}
	x = x[:2*half]
	for i := range half {
		x[2*i], x[2*i+1] = rotate(x[2*i], x[2*i+1], cs[2*i], cs[2*i+1])
	}
}

// rotate returns (x0·c - x1·s, x0·s + x1·c) with the multiply-adds fused
// the way the compiler fuses ggml's rotate_pairs on x86 with FMA: the
// product with x0 is the fused one, the one with x1 is rounded first.
func rotate(x0, x1, c, s float32) (float32, float32) {
	return fma32(x0, c, -float32(x1*s)), fma32(x0, s, float32(x1*c))
}

// silu is x * sigmoid(x), computed as ggml's vectorised SiLU does: x / (1 +
// exp(-x)) with ggml's exponential.
func silu(x float32) float32 {
	return x / (1 + expGGML(-x))
}

// geluTanh is the tanh approximation of GELU that Gemma uses, in float32
// steps as ggml_gelu_f32 computes it in llama.cpp's x86 build, where GCC
// fuses 1 + a·x·x into one multiply-add of a·x and x; that fusion is what
// makes every entry of geluTable equal ggml_table_gelu_f16.
func geluTanh(x float32) float32 {
	const c, a = 0.79788456080286535587989211986876, 0.044715 // sqrt(2/pi)
	inner := fma32(a*x, x, 1)
	return 0.5 * x * (1 + float32(math.Tanh(float64(float32(c*x)*inner))))
}

// geluTable holds geluTanh of every f16 value, rounded to f16, as ggml's
// ggml_table_gelu_f16; it is made at the first use.
var geluTable = sync.OnceValue(func() *[1 << 16]uint16 {
	var t [1 << 16]uint16
	for i := range t {
		t[i] = quant.FP32ToFP16(geluTanh(quant.FP16ToFP32(uint16(i))))
	}
	return &t
})

// geglu writes gelu(gate[i])·up[i] into gate as ggml_vec_geglu_f32 does
// with GGML_GELU_FP16, the default of its CPU backend: 0 at or below −10,
// the input itself at or above 10, and otherwise the table value of the
// input rounded to f16.
func geglu(gate, up []float32) {
	up = up[:len(gate)]
	t := geluTable()
	for i, g := range gate {
		switch {
		case g <= -10:
			gate[i] = 0
		case g >= 10:
			gate[i] = g * up[i]
		default:
			gate[i] = quant.FP16ToFP32(t[quant.FP32ToFP16(g)]) * up[i]
		}
	}
}

// gatedAct writes act(gate[i]) * up[i] into gate.
func gatedAct(gate, up []float32, act activation) {
	up = up[:len(gate)]
	switch act {
	case actGELU:
		geglu(gate, up)
	default:
		ggmlSiluMul(gate, up)
	}
}

// addInto adds src to dst element-wise.
func addInto(dst, src []float32) {
	src = src[:len(dst)]
	for i := range dst {
		dst[i] += src[i]
	}
}

// scaleInto multiplies x by s in place.
func scaleInto(x []float32, s float32) {
	for i := range x {
		x[i] *= s
	}
}

// softmaxScaled replaces x by softmax(scale·x); the sum is taken in float64.
func softmaxScaled(x []float32, scale float32) {
	m := float32(math.Inf(-1))
	for i := range x {
		x[i] *= scale
		m = max(m, x[i])
	}
	var sum float64
	for i, v := range x {
		e := float32(math.Exp(float64(v - m)))
		x[i] = e
		sum += float64(e)
	}
	scaleInto(x, float32(1/sum))
}
