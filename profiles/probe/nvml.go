//go:build (linux && !android) || windows

package probe

import (
	"bytes"
	"errors"
	"fmt"

	"github.com/ebitengine/purego"
	"github.com/odbench/odbench/results"
)

// nvmlSuccess is NVML_SUCCESS.
const nvmlSuccess = 0

// maxNVMLDevices bounds the device count NVML returns.
const maxNVMLDevices = 64

// nvmlMemory is nvmlMemory_t: bytes.
type nvmlMemory struct {
	Total, Free, Used uint64
}

// nvmlAPI holds the NVML functions odbench calls, bound at run time.
type nvmlAPI struct {
	init          func() int32
	shutdown      func() int32
	errorString   func(ret int32) string
	driverVersion func(buf *byte, n uint32) int32
	count         func(n *uint32) int32
	handle        func(i uint32, dev *uintptr) int32
	name          func(dev uintptr, buf *byte, n uint32) int32
	memory        func(dev uintptr, m *nvmlMemory) int32
	capability    func(dev uintptr, major, minor *int32) int32
}

// nvmlGPUs describes the NVIDIA GPUs through NVML, which it loads at run
// time from the driver's library; no cgo is involved.
func nvmlGPUs() ([]results.GPU, error) {
	lib, err := openNVML()
	if err != nil {
		return nil, err
	}
	var api nvmlAPI
	for _, f := range []struct {
		fn   any
		name string
	}{
		{&api.init, "nvmlInit_v2"}, {&api.shutdown, "nvmlShutdown"}, {&api.errorString, "nvmlErrorString"},
		{&api.driverVersion, "nvmlSystemGetDriverVersion"}, {&api.count, "nvmlDeviceGetCount_v2"},
		{&api.handle, "nvmlDeviceGetHandleByIndex_v2"}, {&api.name, "nvmlDeviceGetName"},
		{&api.memory, "nvmlDeviceGetMemoryInfo"}, {&api.capability, "nvmlDeviceGetCudaComputeCapability"},
	} {
		sym, err := nvmlSymbol(lib, f.name)
		if err != nil {
			return nil, fmt.Errorf("NVML library lacks %s: %w", f.name, err)
		}
		purego.RegisterFunc(f.fn, sym)
	}
	if ret := api.init(); ret != nvmlSuccess {
		return nil, fmt.Errorf("nvmlInit: %s", api.errorString(ret))
	}
	defer api.shutdown()
	var buf [96]byte
	driver := ""
	if api.driverVersion(&buf[0], uint32(len(buf))) == nvmlSuccess {
		driver = cString(buf[:])
	}
	var n uint32
	if ret := api.count(&n); ret != nvmlSuccess {
		return nil, fmt.Errorf("nvmlDeviceGetCount: %s", api.errorString(ret))
	}
	n = min(n, maxNVMLDevices)
	gpus := make([]results.GPU, 0, n)
	var errs []error
	for i := range n {
		var dev uintptr
		if ret := api.handle(i, &dev); ret != nvmlSuccess {
			errs = append(errs, fmt.Errorf("GPU %d: %s", i, api.errorString(ret)))
			continue
		}
		g := results.GPU{Vendor: "nvidia", Driver: driver, Source: "nvml"}
		if api.name(dev, &buf[0], uint32(len(buf))) == nvmlSuccess {
			g.Name = cString(buf[:])
		}
		var m nvmlMemory
		if ret := api.memory(dev, &m); ret == nvmlSuccess {
			g.VRAMTotalBytes, g.VRAMFreeBytes = m.Total, m.Free
		} else {
			errs = append(errs, fmt.Errorf("GPU %d memory: %s", i, api.errorString(ret)))
		}
		var major, minor int32
		if api.capability(dev, &major, &minor) == nvmlSuccess {
			g.ComputeCapability = fmt.Sprintf("%d.%d", major, minor)
		}
		gpus = append(gpus, g)
	}
	return gpus, errors.Join(errs...)
}

// cString returns the NUL-terminated string at the start of b.
func cString(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}
