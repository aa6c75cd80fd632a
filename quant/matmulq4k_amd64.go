package quant

// q4KTileAVX512 is the AVX-512 VNNI tile kernel of the packed Q4_K path
// (kernels512q4kx_amd64.s): q4KTile over nsb super-blocks, with the
// activation rows astride bytes and their sums exstride bytes apart.
// q4KTileAsm checks the bounds.
//
//go:noescape
func q4KTileAVX512(wp, a *byte, astride int, ex *byte, exstride, nsb int, y *float32, ystride, lanes, acts int)

// q4KPackAVX512 is q4KPack over nsb super-blocks (kernels512q4kx_amd64.s);
// q4KPackAsm checks the bounds.
//
//go:noescape
func q4KPackAVX512(dst, w *byte, rowBytes, nsb, rows int)

// init registers the packed Q4_K path of the avx512vnni set.
func init() {
	q4KTiles["avx512vnni"] = q4KPath{pack: q4KPackAsm, tile: q4KTileAsm}
}

// q4KPackAsm adapts q4KPackAVX512 to q4KPath.pack, checking the bounds of
// the rows and of dst first.
func q4KPackAsm(dst, w []byte, rowBytes, nsb, rows int) {
	if nsb < 1 || rows < 1 || rows > tileLanes || rowBytes < nsb*bytesQ4_K || rowBytes > 1<<31/tileLanes {
		panic("quant: packing Q4_K weights: bad shape")
	}
	_ = dst[nsb*q4KBlock-1]
	_ = w[(rows-1)*rowBytes+nsb*bytesQ4_K-1]
	q4KPackAVX512(&dst[0], &w[0], rowBytes, nsb, rows)
}

// q4KTileAsm adapts q4KTileAVX512 to q4KTile, checking the bounds of the
// packed weights, the activation rows, their sums and the outputs first.
func q4KTileAsm(wp, a []byte, astride int, ex []byte, exstride, nsb int, y []float32, ystride, lanes, acts int) {
	if nsb < 1 || lanes < 1 || lanes > tileLanes || acts != 4 && acts != 8 || astride < nsb*bytesQ8_K || exstride < nsb*q4KExBytes {
		panic("quant: Q4_K tile kernel: bad shape")
	}
	_ = wp[nsb*q4KBlock-1]
	_ = a[(acts-1)*astride+nsb*bytesQ8_K-1]
	_ = ex[(acts-1)*exstride+nsb*q4KExBytes-1]
	_ = y[(acts-1)*ystride+lanes-1]
	q4KTileAVX512(&wp[0], &a[0], astride, &ex[0], exstride, nsb, &y[0], ystride, lanes, acts)
}
