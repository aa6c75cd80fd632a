package quant

import (
	"github.com/odbench/odbench/gguf"
	"golang.org/x/sys/cpu"
)

// avx512Dot returns the AVX-512 VNNI one-row kernels, by weight type.
// Q8_0 takes the AVX2 one, which follows ggml's float order as fast (see
// kernels512_amd64.s). F16 follows ggml_vec_dot_f16's AVX-512 order.
func avx512Dot() map[gguf.Type]kernel {
	return map[gguf.Type]kernel{
		gguf.TypeF16:  dotF16AVX512,
		gguf.TypeQ4_K: asmKernel(gguf.TypeQ4_K, dotQ4_KAVX512),
		gguf.TypeQ6_K: asmKernel(gguf.TypeQ6_K, dotQ6_KAVX512),
	}
}

// avx512Batch returns the AVX-512 kernels of the orders llama.cpp's
// AVX-512 build takes for batches: tinyBLAS's for F16 weights.
func avx512Batch() map[gguf.Type]batchKernel {
	return map[gguf.Type]batchKernel{
		gguf.TypeF16: {dot: dotF16TinyAVX512, dot4: dotF16TinyX4AVX512, colMul: f16TinyLanes, rowMul: f16TinyRows},
	}
}

// avx512Prepared returns the AVX-512 VNNI kernels that take prepared
// activation rows, by weight type. The Q4_0 one needs AVX512-VBMI too;
// without it (Cascade Lake) Q4_0 takes the AVX2 kernel.
func avx512Prepared() map[gguf.Type]preparedKernel {
	if !cpu.X86.HasAVX512VBMI {
		return nil
	}
	return map[gguf.Type]preparedKernel{
		gguf.TypeQ4_0: {bytes: prepPairRowBytes, prepare: prepareQ4_0AVX512, dot: dotQ4_0PreparedAVX512},
	}
}
