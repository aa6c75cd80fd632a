package quant

import (
	"github.com/odbench/odbench/gguf"
	"golang.org/x/sys/cpu"
)

// archKernelSets returns the NEON kernels when the CPU has the dot-product
// instructions (SDOT: Cortex-A55/A75 and later, Apple M1 and later); older
// cores run the generic Go code.
func archKernelSets() []kernelSet {
	if !cpu.ARM64.HasASIMD || !cpu.ARM64.HasASIMDDP {
		return nil
	}
	return []kernelSet{{name: "neon-dotprod", dot: map[gguf.Type]kernel{
		gguf.TypeF16:  f16Kernel(16, dotF16NEON),
		gguf.TypeQ2_K: asmKernel(gguf.TypeQ2_K, dotQ2_KNEON),
		gguf.TypeQ3_K: asmKernel(gguf.TypeQ3_K, dotQ3_KNEON),
		gguf.TypeQ4_0: asmKernel(gguf.TypeQ4_0, dotQ4_0NEON),
		gguf.TypeQ4_1: asmKernel(gguf.TypeQ4_1, dotQ4_1NEON),
		gguf.TypeQ5_0: asmKernel(gguf.TypeQ5_0, dotQ5_0NEON),
		gguf.TypeQ5_1: asmKernel(gguf.TypeQ5_1, dotQ5_1NEON),
		gguf.TypeQ8_0: asmKernel(gguf.TypeQ8_0, dotQ8_0NEON),
		gguf.TypeQ4_K: asmKernel(gguf.TypeQ4_K, dotQ4_KNEON),
		gguf.TypeQ5_K: asmKernel(gguf.TypeQ5_K, dotQ5_KNEON),
		gguf.TypeQ6_K: asmKernel(gguf.TypeQ6_K, dotQ6_KNEON),
	}, dot4: map[gguf.Type]kernel4{
		gguf.TypeF16:  f16Kernel4(8, dotF16x4NEON),
		gguf.TypeQ4_0: asmKernel4(gguf.TypeQ4_0, dotQ4_0x4NEON),
		gguf.TypeQ8_0: asmKernel4(gguf.TypeQ8_0, dotQ8_0x4NEON),
		gguf.TypeQ2_K: asmKernel4(gguf.TypeQ2_K, dotQ2_Kx4NEON),
		gguf.TypeQ3_K: asmKernel4(gguf.TypeQ3_K, dotQ3_Kx4NEON),
		gguf.TypeQ4_K: asmKernel4(gguf.TypeQ4_K, dotQ4_Kx4NEON),
		gguf.TypeQ5_K: asmKernel4(gguf.TypeQ5_K, dotQ5_Kx4NEON),
		gguf.TypeQ6_K: asmKernel4(gguf.TypeQ6_K, dotQ6_Kx4NEON),
	}}}
}
