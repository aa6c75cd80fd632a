//go:build !amd64 && !arm64

package quant

// archKernels has no assembly to offer on this architecture.
func archKernels() kernelSet { return generic }
