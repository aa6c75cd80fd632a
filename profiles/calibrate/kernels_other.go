//go:build !amd64 && !arm64

package calibrate

// native is the pure-Go kernel set on architectures without SIMD kernels.
var native = generic
