//go:build !amd64

package probe

// liveHypervisor returns "": only amd64 has a portable hypervisor signature.
func liveHypervisor() string { return "" }

// liveCaches finds nothing: only amd64 describes its caches to user code
// (CPUID).
func liveCaches(int) (cpuidCacheSizes, bool) { return cpuidCacheSizes{}, false }
