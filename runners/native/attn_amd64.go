package native

import (
	"os"

	"golang.org/x/sys/cpu"
)

// ggmlDotLanes is ggmlLanesGeneric, in AVX-512 assembly where the CPU has
// it (same bits; ODBENCH_GENERIC=1 forces the Go code).
var ggmlDotLanes = ggmlLanesGeneric

func init() {
	if cpu.X86.HasAVX512F && os.Getenv("ODBENCH_GENERIC") != "1" {
		ggmlDotLanes = ggmlLanesAVX512Slices
	}
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
