package probe

import (
	"context"
	"fmt"
	"math"
	"path"
	"strconv"
	"strings"

	"github.com/odbench/odbench/results"
	"github.com/shirou/gopsutil/v4/mem"
)

// linuxMemory fills RAM and swap from /proc/meminfo (through gopsutil) and
// the cgroup limits of this process.
func (p *prober) linuxMemory(ctx context.Context, m *results.Memory) {
	vm, err := mem.VirtualMemoryWithContext(ctx)
	if err != nil {
		p.warnf("memory size unknown: %v", err)
	} else {
		m.TotalBytes, m.AvailableBytes = vm.Total, vm.Available
		m.SwapTotalBytes, m.SwapFreeBytes = vm.SwapTotal, vm.SwapFree
	}
	p.cgroupLimits(m)
}

// unlimited is the smallest cgroup v1 limit read as "no limit" (the kernel
// writes PAGE_COUNTER_MAX, about 2^63, rounded down to a page).
const unlimited = 1 << 62

// cgroupLimits reads the memory and CPU limits of this process's cgroup and
// of its ancestors (the tightest wins), for cgroup v2 (unified) and v1.
func (p *prober) cgroupLimits(m *results.Memory) {
	text, err := p.readString("/proc/self/cgroup")
	if err != nil {
		p.warnf("container limits unknown: %v", err)
		return
	}
	v2, v1 := parseProcCgroup(text)
	if p.exists("/sys/fs/cgroup/cgroup.controllers") {
		mem, ok := p.walkCgroup("/sys/fs/cgroup", v2, func(dir string) (float64, bool) {
			return p.cgroupValue(dir+"/memory.max", parseMemoryMax)
		})
		if !ok {
			p.warnf("cgroup v2 memory limit unknown: no readable memory.max under /sys/fs/cgroup%s", v2)
		}
		m.CgroupLimitBytes = limitBytes(mem)
		cpus, _ := p.walkCgroup("/sys/fs/cgroup", v2, func(dir string) (float64, bool) {
			return p.cgroupValue(dir+"/cpu.max", parseCPUMax)
		})
		m.CgroupCPUs = limitCPUs(cpus)
		return
	}
	memPath, ok := v1["memory"]
	if !ok {
		p.warnf("container limits unknown: /proc/self/cgroup names no memory controller")
		return
	}
	mem, ok := p.walkCgroup("/sys/fs/cgroup/memory", memPath, func(dir string) (float64, bool) {
		return p.cgroupValue(dir+"/memory.limit_in_bytes", parseMemoryMax)
	})
	if !ok {
		p.warnf("cgroup v1 memory limit unknown: no readable memory.limit_in_bytes under /sys/fs/cgroup/memory%s", memPath)
	}
	m.CgroupLimitBytes = limitBytes(mem)
	for _, mount := range []string{"/sys/fs/cgroup/cpu", "/sys/fs/cgroup/cpu,cpuacct", "/sys/fs/cgroup/cpuacct,cpu"} {
		if !p.exists(mount) {
			continue
		}
		cpus, _ := p.walkCgroup(mount, v1["cpu"], func(dir string) (float64, bool) {
			quota, ok1 := p.cgroupValue(dir+"/cpu.cfs_quota_us", strconv.ParseFloat)
			period, ok2 := p.cgroupValue(dir+"/cpu.cfs_period_us", strconv.ParseFloat)
			if !ok1 || !ok2 || quota <= 0 || period <= 0 {
				return math.Inf(1), ok1 && ok2
			}
			return quota / period, true
		})
		m.CgroupCPUs = limitCPUs(cpus)
		break
	}
}

// parseProcCgroup splits /proc/self/cgroup into the v2 path ("0::/path")
// and the v1 paths by controller ("4:memory:/path", "1:cpu,cpuacct:/path").
func parseProcCgroup(text string) (v2 string, v1 map[string]string) {
	v1 = map[string]string{}
	v2 = "/"
	for _, line := range strings.Split(text, "\n") {
		parts := strings.SplitN(strings.TrimSpace(line), ":", 3)
		if len(parts) != 3 {
			continue
		}
		if parts[0] == "0" && parts[1] == "" {
			v2 = parts[2]
			continue
		}
		for _, ctl := range strings.Split(parts[1], ",") {
			v1[ctl] = parts[2]
		}
	}
	return v2, v1
}

// walkCgroup evaluates read in the cgroup folder mount+cgPath and each of
// its ancestors up to mount, returning the smallest value and whether any
// folder had a readable value. Folders that do not exist (a cgroup
// namespace hides the outer path) are skipped.
func (p *prober) walkCgroup(mount, cgPath string, read func(dir string) (float64, bool)) (float64, bool) {
	best, found := math.Inf(1), false
	dir := path.Clean("/" + cgPath)
	for {
		if v, ok := read(mount + strings.TrimSuffix(dir, "/")); ok {
			best, found = math.Min(best, v), true
		}
		if dir == "/" {
			return best, found
		}
		dir = path.Dir(dir)
	}
}

// cgroupValue reads one cgroup file and parses it; false when it is absent
// or unreadable.
func (p *prober) cgroupValue(name string, parse func(string, int) (float64, error)) (float64, bool) {
	s, err := p.readString(name)
	if err != nil {
		return 0, false
	}
	v, err := parse(s, 64)
	if err != nil {
		p.warnf("%s: %v", name, err)
		return 0, false
	}
	return v, true
}

// parseMemoryMax parses memory.max ("max" or bytes) or
// memory.limit_in_bytes; no limit is +Inf.
func parseMemoryMax(s string, _ int) (float64, error) {
	if s == "max" {
		return math.Inf(1), nil
	}
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("bad memory limit %q", s)
	}
	if n >= unlimited {
		return math.Inf(1), nil
	}
	return float64(n), nil
}

// parseCPUMax parses cgroup v2 cpu.max ("max 100000" or "200000 100000")
// into cores; no limit is +Inf.
func parseCPUMax(s string, _ int) (float64, error) {
	quota, period, ok := strings.Cut(s, " ")
	if !ok {
		return 0, fmt.Errorf("bad cpu.max %q: want \"QUOTA PERIOD\"", s)
	}
	if quota == "max" {
		return math.Inf(1), nil
	}
	q, err1 := strconv.ParseFloat(quota, 64)
	per, err2 := strconv.ParseFloat(period, 64)
	if err1 != nil || err2 != nil || q <= 0 || per <= 0 {
		return 0, fmt.Errorf("bad cpu.max %q", s)
	}
	return q / per, nil
}

// limitBytes turns a limit into CgroupLimitBytes (0 = unlimited).
func limitBytes(v float64) uint64 {
	if math.IsInf(v, 1) {
		return 0
	}
	return uint64(v)
}

// limitCPUs turns a limit into CgroupCPUs (0 = unlimited).
func limitCPUs(v float64) float64 {
	if math.IsInf(v, 1) {
		return 0
	}
	return v
}
