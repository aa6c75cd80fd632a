//go:build !((linux && !android) || windows)

package probe

import (
	"fmt"
	"runtime"

	"github.com/odbench/odbench/results"
)

// nvmlGPUs reports that NVML is not loaded on this system: Android needs
// cgo to load libraries and macOS has no NVIDIA driver.
func nvmlGPUs() ([]results.GPU, error) {
	return nil, fmt.Errorf("NVML is not loaded on %s", runtime.GOOS)
}
