//go:build !amd64

package probe

// liveHypervisor returns "": only amd64 has a portable hypervisor signature.
func liveHypervisor() string { return "" }
