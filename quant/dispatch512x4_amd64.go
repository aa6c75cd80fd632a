package quant

import "github.com/odbench/odbench/gguf"

// avx512Dot4 returns the AVX-512 VNNI four-activation kernels, by weight
// type.
func avx512Dot4() map[gguf.Type]kernel4 {
	return map[gguf.Type]kernel4{}
}
