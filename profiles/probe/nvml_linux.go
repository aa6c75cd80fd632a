//go:build !android

package probe

import (
	"fmt"

	"github.com/ebitengine/purego"
)

// openNVML loads the NVIDIA management library that the driver installs.
func openNVML() (uintptr, error) {
	lib, err := purego.Dlopen("libnvidia-ml.so.1", purego.RTLD_NOW|purego.RTLD_GLOBAL)
	if err != nil {
		return 0, fmt.Errorf("no NVIDIA driver library libnvidia-ml.so.1: %w", err)
	}
	return lib, nil
}

// nvmlSymbol finds a function in the loaded library.
func nvmlSymbol(lib uintptr, name string) (uintptr, error) {
	return purego.Dlsym(lib, name)
}
