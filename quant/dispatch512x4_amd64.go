package quant

import "github.com/odbench/odbench/gguf"

// avx512Dot4 returns the AVX-512 VNNI four-activation kernels, by weight
// type: none, as MatMul takes the packed path below for the types that
// have one (from 4 activation rows on) and the AVX2 four-row kernels for
// the others.
func avx512Dot4() map[gguf.Type]kernel4 {
	return map[gguf.Type]kernel4{}
}

// init registers the packed MatMul paths of the avx512vnni set.
func init() {
	tileKernels["avx512vnni"] = map[gguf.Type]tiled{
		gguf.TypeQ4_0: {pack: asmPack(gguf.TypeQ4_0, packQ4_0AVX512), kernel: asmTile(tileAVX512), quantize: quantActs, offset: 8},
		gguf.TypeQ8_0: {pack: asmPack(gguf.TypeQ8_0, packQ8_0AVX512), kernel: asmTile(tileAVX512), quantize: quantActs, offset: 128},
		gguf.TypeQ4_K: {pack: asmPackK(gguf.TypeQ4_K, packQ4_KAVX512, packQ4_KScales), kernel: asmTile(tileMinsAVX512), quantize: quantActsQ8_K},
		gguf.TypeQ6_K: {pack: asmPackK(gguf.TypeQ6_K, packQ6_KAVX512, packQ6_KScales), kernel: asmTile(tileQ6_KAVX512), quantize: quantActsQ8_K, offset: 32},
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

// asmPackK adapts the assembly quant packer f of a k-quant type t to
// tiled.pack, with scales packing the scales in Go.
func asmPackK(t gguf.Type, f func(dst, w *byte, rowBytes, nb, rows int), scales func(dst, w []byte, rowBytes, nb, rows int)) func(dst, w []byte, rowBytes, nb, rows int) {
	quants := asmPack(t, f)
	return func(dst, w []byte, rowBytes, nb, rows int) {
		quants(dst, w, rowBytes, nb, rows)
		scales(dst, w, rowBytes, nb, rows)
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

// quantActsQ8_K adapts quantActsQ8_KAVX512 to tiled.quantize, checking the
// bounds of the packed group first.
func quantActsQ8_K(dst []byte, i int, x []float32, offset int32) {
	nsb := len(x) / 256
	if nsb == 0 {
		return
	}
	if len(x) != nsb*256 || i < 0 || i >= groupActs {
		panic("quant: quantizing activations: bad shape")
	}
	_ = dst[8*nsb*actBlock-1]
	quantActsQ8_KAVX512(&dst[32*i], &dst[actScales+4*i], &x[0], nsb, int(offset))
}
