package probe

import (
	"context"

	"github.com/odbench/odbench/results"
	"github.com/shirou/gopsutil/v4/cpu"
	"github.com/shirou/gopsutil/v4/host"
	"github.com/shirou/gopsutil/v4/mem"
)

// windows probes a Windows machine through gopsutil (WMI and Win32 calls)
// and NVML; it works on the live machine only.
func (p *prober) windows(ctx context.Context, d *results.Device) {
	if !p.live {
		p.warnf("a captured Windows root cannot be read: Windows is probed on the machine itself")
		return
	}
	if infos, err := cpu.InfoWithContext(ctx); err != nil || len(infos) == 0 {
		p.warnf("CPU model unknown: %v", err)
	} else {
		d.CPU.Vendor, d.CPU.Model, d.CPU.MaxFreqMHz = vendorName(infos[0].VendorID), infos[0].ModelName, infos[0].Mhz
	}
	if n, err := cpu.CountsWithContext(ctx, true); err == nil {
		d.CPU.LogicalCores = n
	} else {
		p.warnf("logical core count unknown: %v", err)
	}
	if n, err := cpu.CountsWithContext(ctx, false); err == nil {
		d.CPU.PhysicalCores = n
	} else {
		p.warnf("physical core count unknown: %v", err)
	}
	d.CPU.Features = canonicalFeatures(liveFeatures())
	p.warnf("cache sizes and performance/efficiency split are not probed on Windows")
	if vm, err := mem.VirtualMemoryWithContext(ctx); err == nil {
		d.Memory.TotalBytes, d.Memory.AvailableBytes = vm.Total, vm.Available
	} else {
		p.warnf("memory size unknown: %v", err)
	}
	if sw, err := mem.SwapMemoryWithContext(ctx); err == nil {
		d.Memory.SwapTotalBytes, d.Memory.SwapFreeBytes = sw.Total, sw.Free
	}
	if platform, _, version, err := host.PlatformInformationWithContext(ctx); err == nil {
		d.Host.Platform, d.Host.Version = platform, version
	}
	if k, err := host.KernelVersionWithContext(ctx); err == nil {
		d.Host.Kernel = k
	}
	gpus, err := nvmlGPUs()
	if err != nil {
		p.warnf("NVIDIA GPUs not probed: %v", err)
	}
	d.GPUs = append(d.GPUs, gpus...)
	p.warnf("AMD and Intel GPUs, power source and temperatures are not probed on Windows")
}
