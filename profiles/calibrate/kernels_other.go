//go:build !amd64 && !arm64

package calibrate

// archSets returns no set: this architecture runs the pure-Go kernels.
func archSets() []kernelSet { return nil }
