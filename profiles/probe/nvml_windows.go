package probe

import (
	"fmt"
	"syscall"
)

// openNVML loads the NVIDIA management library that the driver installs.
func openNVML() (uintptr, error) {
	h, err := syscall.LoadLibrary("nvml.dll")
	if err != nil {
		return 0, fmt.Errorf("no NVIDIA driver library nvml.dll: %w", err)
	}
	return uintptr(h), nil
}

// nvmlSymbol finds a function in the loaded library.
func nvmlSymbol(lib uintptr, name string) (uintptr, error) {
	return syscall.GetProcAddress(syscall.Handle(lib), name)
}
