// Package profiles holds device profiles: this package reads saved ones
// back; its subpackages probe this device (probe), measure it (calibrate)
// and print a profile (render).
package profiles

import (
	"fmt"

	"github.com/odbench/odbench/results"
)

// Load reads a device profile written by `odbench detect --save` on this
// or another machine, and checks that it describes a usable device.
func Load(path string) (results.Device, error) {
	var d results.Device
	if err := results.ReadJSONFile(path, results.DeviceSchema, &d); err != nil {
		return results.Device{}, err
	}
	switch {
	case d.CPU.LogicalCores <= 0:
		return results.Device{}, fmt.Errorf("read %s: cpu.logical_cores is %d, want at least 1", path, d.CPU.LogicalCores)
	case d.Memory.TotalBytes == 0:
		return results.Device{}, fmt.Errorf("read %s: memory.total_bytes is 0", path)
	case d.CPU.PhysicalCores < 0 || d.CPU.PerformanceCores < 0 || d.CPU.EfficiencyCores < 0:
		return results.Device{}, fmt.Errorf("read %s: negative core count in cpu", path)
	}
	return d, nil
}
