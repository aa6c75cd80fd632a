//go:build amd64 || arm64

package quant

import "github.com/odbench/odbench/gguf"

// blockSizes returns the elements of one block of weight type t and the
// bytes that block and its activations (of type VecDotType(t)) take.
func blockSizes(t gguf.Type) (elems, wbytes, abytes int) {
	at := VecDotType(t)
	return t.BlockSize(), t.BlockBytes(), at.BlockBytes() * (t.BlockSize() / at.BlockSize())
}

// asmKernel adapts an assembly kernel over nb blocks of weight type t to the
// kernel signature. The bounds checks run once per row, so a short row
// panics here instead of letting the assembly read past it.
func asmKernel(t gguf.Type, f func(w, a *byte, nb int) float32) kernel {
	bs, wb, ab := blockSizes(t)
	return func(w, a []byte, n int) float32 {
		nb := n / bs
		if nb == 0 {
			return 0
		}
		_ = w[nb*wb-1]
		_ = a[nb*ab-1]
		return f(&w[0], &a[0], nb)
	}
}

// asmKernel4 adapts a four-activation assembly kernel of weight type t,
// checking the bounds of all four activation rows, their block scales (for
// Q8_0 activations) and the outputs first.
func asmKernel4(t gguf.Type, f func(w, a *byte, astride, nb int, scales, y *float32, ystride int)) kernel4 {
	bs, wb, ab := blockSizes(t)
	q80 := VecDotType(t) == gguf.TypeQ8_0
	return func(w, a []byte, astride, n int, scales, y []float32, ystride int) {
		nb := n / bs
		_ = y[3*ystride]
		if nb == 0 {
			y[0], y[ystride], y[2*ystride], y[3*ystride] = 0, 0, 0, 0
			return
		}
		_ = w[nb*wb-1]
		_ = a[3*astride+nb*ab-1]
		var sp *float32
		if q80 { // the Q8_0 blocks are as large as the weight blocks
			_ = scales[4*nb-1]
			sp = &scales[0]
		}
		f(&w[0], &a[0], astride, nb, sp, &y[0], ystride)
	}
}

// f16Kernel adapts an F16·F16 assembly kernel that takes runs of run
// elements: the assembly does the whole runs, VecDotGeneric the rest of a
// row of any length.
func f16Kernel(run int, f func(w, a *byte, nb int) float32) kernel {
	return func(w, a []byte, n int) float32 {
		whole := n / run * run
		var s float32
		if whole > 0 {
			_ = w[2*whole-1]
			_ = a[2*whole-1]
			s = f(&w[0], &a[0], whole/run)
		}
		if whole < n {
			s += VecDotGeneric(gguf.TypeF16, w[2*whole:], a[2*whole:], n-whole)
		}
		return s
	}
}

// f16Kernel4 adapts a four-activation F16 kernel that takes runs of run
// elements; VecDotGeneric adds the rest of each row.
func f16Kernel4(run int, f func(w, a *byte, astride, nb int, scales, y *float32, ystride int)) kernel4 {
	return func(w, a []byte, astride, n int, _, y []float32, ystride int) {
		whole := n / run * run
		_ = y[3*ystride]
		if whole > 0 {
			_ = w[2*whole-1]
			_ = a[3*astride+2*whole-1]
			f(&w[0], &a[0], astride, whole/run, nil, &y[0], ystride)
		} else {
			y[0], y[ystride], y[2*ystride], y[3*ystride] = 0, 0, 0, 0
		}
		if whole < n {
			for k := range 4 {
				y[k*ystride] += VecDotGeneric(gguf.TypeF16, w[2*whole:], a[k*astride+2*whole:], n-whole)
			}
		}
	}
}
