package quant

import "github.com/odbench/odbench/gguf"

// avx512Dot4 returns the AVX-512 VNNI four-activation kernels, by weight
// type. MatMul takes the packed path below for the types that have one
// (from 4 activation rows on) and the AVX2 four-row kernels for the others
// but Q6_K: its products follow the float order of ggml's one-row kernel
// bit for bit (see dotQ6_KQ8_K), which the packed layout cannot, so Q6_K
// has no packed path and takes dotQ6_Kx4AVX512, in that order. Q8_0 has
// none for the same reason (see dotQ8_0Q8_0: eight float lanes per output
// carried across all blocks, where the packed tiles sum each chunk of 64
// blocks on its own) and takes dotQ8_0x4VNNI, in that order. Q4_K has a
// packed path of its own in llama.cpp's gemm order (matmulq4k.go). F16
// batches that tinyBLAS refuses (see avx512Batch) take ggml_vec_dot_f16
// for each activation row, as llama.cpp does.
func avx512Dot4() map[gguf.Type]kernel4 {
	return map[gguf.Type]kernel4{
		gguf.TypeF16:  repeat4(dotF16AVX512),
		gguf.TypeQ6_K: asmKernel4(gguf.TypeQ6_K, dotQ6_Kx4AVX512),
		gguf.TypeQ8_0: asmKernel4(gguf.TypeQ8_0, dotQ8_0x4VNNI),
	}
}

// init registers the packed MatMul paths of the avx512vnni set.
func init() {
	tileKernels["avx512vnni"] = map[gguf.Type]tiled{
		gguf.TypeQ4_0: {pack: asmPack(gguf.TypeQ4_0, packQ4_0AVX512), kernel: asmTile(tileAVX512), quantize: quantActs, offset: 8},
	}
}

// asmPack adapts an assembly weight packer of type t, which takes nb of
// the type's blocks, to tiled.pack, checking the bounds of the rows and of
// dst first.
func asmPack(t gguf.Type, f func(dst, w *byte, rowBytes, nb, rows int)) func(dst, w []byte, rowBytes, nb, rows int) {
	per := t.BlockSize() / q80Elems // packed blocks per block of t
	wb := t.BlockBytes()
	return func(dst, w []byte, rowBytes, nb, rows int) {
		if nb < 1 || nb%per != 0 || rows < 1 || rows > tileLanes || rowBytes > 1<<31/tileLanes {
			panic("quant: packing weights: bad shape")
		}
		_ = dst[nb*weightBlock-1]
		_ = w[(rows-1)*rowBytes+nb/per*wb-1]
		f(&dst[0], &w[0], rowBytes, nb/per, rows)
	}
}

// asmTile adapts an assembly tile kernel to tiled.kernel, checking the
// bounds of the packed blocks and the outputs first.
func asmTile(f func(wp, a *byte, nb int, y *float32, ystride, lanes, acts int, add bool)) func(wp, a []byte, nb int, y []float32, ystride, lanes, acts int, add bool) {
	return func(wp, a []byte, nb int, y []float32, ystride, lanes, acts int, add bool) {
		if nb < 1 || lanes < 1 || lanes > tileLanes || acts < 1 || acts > groupActs {
			panic("quant: tile kernel: bad shape")
		}
		_ = wp[nb*weightBlock-1]
		_ = a[nb*actBlock-1]
		_ = y[(acts-1)*ystride+lanes-1]
		f(&wp[0], &a[0], nb, &y[0], ystride, lanes, acts, add)
	}
}

// quantActs adapts quantActsAVX512 to tiled.quantize, checking the bounds
// of the packed group first.
func quantActs(dst []byte, i int, x []float32, offset int32) {
	nb := len(x) / q80Elems
	if nb == 0 {
		return
	}
	if len(x) != nb*q80Elems || i < 0 || i >= groupActs {
		panic("quant: quantizing activations: bad shape")
	}
	_ = dst[nb*actBlock-1]
	quantActsAVX512(&dst[32*i], &dst[actScales+4*i], &x[0], nb, int(offset))
}
