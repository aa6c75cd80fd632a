package probe

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/odbench/odbench/results"
	"github.com/shirou/gopsutil/v4/mem"
)

// darwin probes a Mac through sysctl, system_profiler and pmset.
func (p *prober) darwin(ctx context.Context, d *results.Device) {
	out, err := p.command(ctx, "sysctl", "hw", "machdep.cpu", "kern.osrelease", "kern.osproductversion")
	if err != nil {
		p.warnf("CPU, memory and OS unknown: %v", err)
	}
	kv := parseKeyValues(string(out), ":")
	d.Host.Platform, d.Host.Version = "macOS", kv["kern.osproductversion"]
	d.Host.Kernel, d.Host.Model = kv["kern.osrelease"], kv["hw.model"]
	p.sysctlCPU(kv, &d.CPU)
	d.Memory.TotalBytes, _ = strconv.ParseUint(kv["hw.memsize"], 10, 64)
	d.Memory.Unified = d.CPU.Arch == "arm64"
	if p.live {
		if vm, err := mem.VirtualMemoryWithContext(ctx); err == nil {
			d.Memory.AvailableBytes = vm.Available
		} else {
			p.warnf("available memory unknown: %v", err)
		}
	} else {
		p.warnf("available memory unknown: only measured on the Mac itself")
	}
	if sp, err := p.command(ctx, "system_profiler", "SPDisplaysDataType", "-json"); err != nil {
		p.warnf("GPU unknown: %v", err)
	} else if gpus, err := parseSystemProfiler(sp); err != nil {
		p.warnf("GPU unknown: %v", err)
	} else {
		d.GPUs = append(d.GPUs, gpus...)
	}
	if batt, err := p.command(ctx, "pmset", "-g", "batt"); err != nil {
		p.warnf("power source unknown: %v", err)
	} else {
		d.Power = parsePmset(string(batt))
	}
	p.warnf("temperatures unknown: macOS shows thermal sensors only to privileged tools")
}

// sysctlCPU fills the CPU description from `sysctl hw machdep.cpu` output.
func (p *prober) sysctlCPU(kv map[string]string, c *results.CPUInfo) {
	num := func(key string) uint64 {
		n, _ := strconv.ParseUint(kv[key], 10, 64)
		return n
	}
	c.Model = kv["machdep.cpu.brand_string"]
	c.Arch = "amd64"
	if kv["hw.optional.arm64"] == "1" {
		c.Arch = "arm64"
	}
	c.Vendor = vendorName(kv["machdep.cpu.vendor"])
	if strings.HasPrefix(c.Model, "Apple") {
		c.Vendor = "Apple"
	}
	c.PhysicalCores, c.LogicalCores = int(num("hw.physicalcpu")), int(num("hw.logicalcpu"))
	if c.LogicalCores == 0 {
		p.warnf("CPU core count unknown: sysctl shows no hw.logicalcpu")
	}
	c.L1DBytes, c.L2Bytes, c.L3Bytes = num("hw.l1dcachesize"), num("hw.l2cachesize"), num("hw.l3cachesize")
	if hz := num("hw.cpufrequency_max"); hz > 0 {
		c.MaxFreqMHz = float64(hz) / 1e6
	} else {
		p.warnf("maximum CPU frequency unknown: Apple silicon does not report it")
	}
	levels := int(min(num("hw.nperflevels"), 8))
	for i := range levels {
		pre := fmt.Sprintf("hw.perflevel%d.", i)
		cl := results.CPUCluster{Kind: clusterPerformance, Cores: int(num(pre + "physicalcpu")), Threads: int(num(pre + "logicalcpu"))}
		if i == levels-1 && levels > 1 {
			cl.Kind = clusterEfficiency
			c.EfficiencyCores += cl.Cores
		} else {
			c.PerformanceCores += cl.Cores
		}
		c.L2Bytes = max(c.L2Bytes, num(pre+"l2cachesize"))
		c.L1DBytes = max(c.L1DBytes, num(pre+"l1dcachesize"))
		c.Clusters = append(c.Clusters, cl)
	}
	if levels < 2 {
		c.Clusters = nil
	}
	var names []string
	for k, v := range kv {
		if strings.HasPrefix(k, "hw.optional.") && v == "1" {
			names = append(names, k)
		}
	}
	names = append(names, strings.Fields(kv["machdep.cpu.features"])...)
	names = append(names, strings.Fields(kv["machdep.cpu.leaf7_features"])...)
	if p.live {
		names = append(names, liveFeatures()...)
	}
	c.Features = canonicalFeatures(names)
}

// parseSystemProfiler reads `system_profiler SPDisplaysDataType -json`.
func parseSystemProfiler(data []byte) ([]results.GPU, error) {
	var doc struct {
		Displays []struct {
			Name   string `json:"_name"`
			Model  string `json:"sppci_model"`
			Cores  string `json:"sppci_cores"`
			Vendor string `json:"spdisplays_vendor"`
			VRAM   string `json:"spdisplays_vram"`
			Metal  string `json:"spdisplays_mtlgpufamilysupport"`
		} `json:"SPDisplaysDataType"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("system_profiler output: %w", err)
	}
	gpus := []results.GPU{}
	for _, s := range doc.Displays {
		g := results.GPU{Name: cmp.Or(s.Model, s.Name), Source: "system_profiler"}
		g.Cores, _ = strconv.Atoi(s.Cores)
		vendor := strings.ToLower(s.Vendor + " " + g.Name)
		switch {
		case strings.Contains(vendor, "apple"):
			g.Vendor, g.Unified = "apple", true
		case strings.Contains(vendor, "amd") || strings.Contains(vendor, "ati"):
			g.Vendor = "amd"
		case strings.Contains(vendor, "intel"):
			g.Vendor, g.Unified = "intel", true
		case strings.Contains(vendor, "nvidia"):
			g.Vendor = "nvidia"
		}
		g.VRAMTotalBytes = parseVRAM(s.VRAM)
		if s.Metal != "" {
			g.Driver = strings.TrimPrefix(s.Metal, "spdisplays_")
		}
		gpus = append(gpus, g)
	}
	return gpus, nil
}

// parseVRAM parses system_profiler VRAM sizes such as "8 GB" or "1536 MB".
func parseVRAM(s string) uint64 {
	f := strings.Fields(s)
	if len(f) != 2 {
		return 0
	}
	n, err := strconv.ParseUint(f[0], 10, 64)
	if err != nil {
		return 0
	}
	switch f[1] {
	case "GB":
		return n << 30
	case "MB":
		return n << 20
	}
	return 0
}

var pmsetBattery = regexp.MustCompile(`(\d+)%;\s*([A-Za-z ]+);`)

// parsePmset reads `pmset -g batt`: "Now drawing from 'AC Power'" and
// " -InternalBattery-0 (id=...)	85%; charging; 1:02 remaining".
func parsePmset(text string) *results.Power {
	pw := &results.Power{Source: "unknown"}
	switch {
	case strings.Contains(text, "'AC Power'"):
		pw.Source = "ac"
	case strings.Contains(text, "'Battery Power'"):
		pw.Source = "battery"
	}
	if m := pmsetBattery.FindStringSubmatch(text); m != nil {
		pw.BatteryPct, _ = strconv.ParseFloat(m[1], 64)
		status := strings.TrimSpace(m[2])
		switch status {
		case "charging", "finishing charge":
			pw.BatteryStatus = "Charging"
		case "discharging":
			pw.BatteryStatus = "Discharging"
		case "charged":
			pw.BatteryStatus = "Full"
		default:
			pw.BatteryStatus = status
		}
	}
	return pw
}
