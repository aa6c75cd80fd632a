package quant

import (
	"github.com/odbench/odbench/gguf"
	"golang.org/x/sys/cpu"
)

// archKernelSets returns the kernel sets this CPU can run, slowest first:
// AVX2 when it has AVX2, FMA and F16C (cpu.X86.HasAVX2 already includes the
// OS saving the YMM registers), then AVX-512 with VNNI when it has
// AVX-512F/BW/VL and AVX512-VNNI. The AVX-512 set takes the AVX2 kernels
// for the types it has none of its own for.
func archKernelSets() []kernelSet {
	if !cpu.X86.HasAVX2 || !cpu.X86.HasFMA || !cpu.X86.HasF16C {
		return nil
	}
	sets := []kernelSet{avx2Kernels()}
	if cpu.X86.HasAVX512F && cpu.X86.HasAVX512BW && cpu.X86.HasAVX512VL && cpu.X86.HasAVX512VNNI {
		s := sets[0].override("avx512vnni", avx512Dot(), avx512Dot4(), avx512Prepared())
		s.batch = avx512Batch()
		sets = append(sets, s)
	}
	return sets
}

// avx2Kernels is the AVX2+FMA set.
func avx2Kernels() kernelSet {
	return kernelSet{name: "avx2", dot: map[gguf.Type]kernel{
		gguf.TypeF16:  f16Kernel(32, dotF16AVX2),
		gguf.TypeQ4_0: asmKernel(gguf.TypeQ4_0, dotQ4_0AVX2),
		gguf.TypeQ4_1: asmKernel(gguf.TypeQ4_1, dotQ4_1AVX2),
		gguf.TypeQ5_0: asmKernel(gguf.TypeQ5_0, dotQ5_0AVX2),
		gguf.TypeQ5_1: asmKernel(gguf.TypeQ5_1, dotQ5_1AVX2),
		gguf.TypeQ8_0: asmKernel(gguf.TypeQ8_0, dotQ8_0AVX2),
		gguf.TypeQ2_K: asmKernel(gguf.TypeQ2_K, dotQ2_KAVX2),
		gguf.TypeQ3_K: asmKernel(gguf.TypeQ3_K, dotQ3_KAVX2),
		gguf.TypeQ4_K: asmKernel(gguf.TypeQ4_K, dotQ4_KAVX2),
		gguf.TypeQ5_K: asmKernel(gguf.TypeQ5_K, dotQ5_KAVX2),
		gguf.TypeQ6_K: asmKernel(gguf.TypeQ6_K, dotQ6_KAVX2),
	}, dot4: map[gguf.Type]kernel4{
		gguf.TypeF16:  f16Kernel4(8, dotF16x4AVX2),
		gguf.TypeQ4_0: asmKernel4(gguf.TypeQ4_0, dotQ4_0x4AVX2),
		gguf.TypeQ8_0: asmKernel4(gguf.TypeQ8_0, dotQ8_0x4AVX2),
		gguf.TypeQ2_K: asmKernel4(gguf.TypeQ2_K, dotQ2_Kx4AVX2),
		gguf.TypeQ3_K: asmKernel4(gguf.TypeQ3_K, dotQ3_Kx4AVX2),
		gguf.TypeQ4_K: asmKernel4(gguf.TypeQ4_K, dotQ4_Kx4AVX2),
		gguf.TypeQ5_K: asmKernel4(gguf.TypeQ5_K, dotQ5_Kx4AVX2),
		gguf.TypeQ6_K: asmKernel4(gguf.TypeQ6_K, dotQ6_Kx4AVX2),
	}}
}
