package native

import (
	"os"

	"golang.org/x/sys/cpu"
)

// The ggml arithmetic of attn.go, in AVX-512 assembly where the CPU has it
// (same bits as the Go references; ODBENCH_GENERIC=1 forces the Go code).
var (
	ggmlDotLanes = ggmlLanesGeneric
	tinyDotLanes = tinyLanesGeneric
	ggmlExpSum   = expSumGeneric
	ggmlSiluMul  = siluMulGeneric
)

func init() {
	if cpu.X86.HasAVX512F && os.Getenv("ODBENCH_GENERIC") != "1" {
		ggmlDotLanes, ggmlExpSum, ggmlSiluMul = ggmlLanesAVX512Slices, expSumAVX512Slice, siluMulAVX512Slices
		tinyDotLanes = tinyLanesAVX512Slices
	}
}

func tinyLanesAVX512Slices(a, b []float32) float32 {
	if len(a) == 0 {
		return 0
	}
	_ = b[len(a)-1]
	return tinyLanesAVX512(&a[0], &b[0], len(a))
}

func expSumAVX512Slice(x []float32, m float32) float64 {
	if len(x) == 0 {
		return 0
	}
	return expSumAVX512(&x[0], len(x), m)
}

func siluMulAVX512Slices(gate, up []float32) {
	if len(gate) == 0 {
		return
	}
	_ = up[len(gate)-1]
	siluMulAVX512(&gate[0], &up[0], len(gate))
}

func ggmlLanesAVX512Slices(a, b []float32) float32 {
	if len(a) == 0 {
		return 0
	}
	_ = b[len(a)-1]
	return ggmlLanesAVX512(&a[0], &b[0], len(a))
}

// ggmlLanesAVX512 is ggmlLanesGeneric over the n elements at a and b.
//
//go:noescape
func ggmlLanesAVX512(a, b *float32, n int) float32

// expSumAVX512 is expSumGeneric over the n elements at x.
//
//go:noescape
func expSumAVX512(x *float32, n int, m float32) float64

// siluMulAVX512 is siluMulGeneric over the n elements at gate and up.
//
//go:noescape
func siluMulAVX512(gate, up *float32, n int)

// tinyLanesAVX512 is tinyLanesGeneric over the n elements at a and b.
//
//go:noescape
func tinyLanesAVX512(a, b *float32, n int) float32
