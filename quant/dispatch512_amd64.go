package quant

import "github.com/odbench/odbench/gguf"

// avx512Dot returns the AVX-512 VNNI one-row kernels, by weight type.
func avx512Dot() map[gguf.Type]kernel {
	return map[gguf.Type]kernel{
		gguf.TypeQ4_0: asmKernel(gguf.TypeQ4_0, dotQ4_0AVX512),
		gguf.TypeQ8_0: asmKernel(gguf.TypeQ8_0, dotQ8_0AVX512),
	}
}
