//go:build !amd64 && !arm64

package quant

// archKernelSets has no assembly to offer on this architecture.
func archKernelSets() []kernelSet { return nil }
