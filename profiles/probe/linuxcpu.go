package probe

import (
	"cmp"
	"context"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/odbench/odbench/results"
	"github.com/shirou/gopsutil/v4/cpu"
)

// linuxCPU fills the CPU description of a Linux or Android machine from
// /proc/cpuinfo (through gopsutil) and /sys/devices/system/cpu.
func (p *prober) linuxCPU(ctx context.Context, c *results.CPUInfo, props map[string]string) {
	raw, err := p.readString("/proc/cpuinfo")
	var kv map[string]string
	if err != nil {
		p.warnf("CPU vendor, model and features are unknown: %v", err)
	} else {
		kv = parseKeyValues(raw, ":")
		c.Arch = cpuinfoArch(kv)
		c.SoC = kv["Hardware"]
	}
	if soc := props["ro.soc.model"]; soc != "" {
		c.SoC = strings.TrimSpace(props["ro.soc.manufacturer"] + " " + soc)
	}
	infos, err := cpu.InfoWithContext(ctx)
	switch {
	case err != nil && raw != "":
		p.warnf("CPU model and features are unknown: parse /proc/cpuinfo: %v", err)
	case len(infos) == 0 && raw != "":
		p.warnf("CPU model and features are unknown: /proc/cpuinfo lists no processor")
	case len(infos) > 0:
		c.Vendor = vendorName(infos[0].VendorID)
		c.Model = modelSummary(infos)
		if c.Model == "" {
			p.warnf("CPU model unknown: /proc/cpuinfo names none")
		}
		c.LogicalCores = len(infos)
		var flags []string
		for _, in := range infos {
			flags = append(flags, in.Flags...)
			c.MaxFreqMHz = max(c.MaxFreqMHz, in.Mhz)
		}
		if p.live {
			flags = append(flags, liveFeatures()...)
		}
		c.Features = canonicalFeatures(flags)
	}
	cores := p.sysCPUs()
	if len(cores) == 0 {
		p.warnf("CPU topology unknown: no cpu[0-9]* folders in /sys/devices/system/cpu")
	}
	if c.LogicalCores == 0 {
		c.LogicalCores = len(cores)
	}
	c.PhysicalCores = physicalCores(cores)
	if c.PhysicalCores == 0 {
		if n, err := cpu.CountsWithContext(ctx, false); err == nil && n > 0 {
			c.PhysicalCores = n
		} else {
			c.PhysicalCores = c.LogicalCores
			p.warnf("physical core count unknown (no topology in /sys or /proc/cpuinfo): assuming one thread per core")
		}
	}
	if freq := maxFreq(cores); freq > 0 {
		c.MaxFreqMHz = freq
	} else if c.MaxFreqMHz > 0 {
		p.warnf("maximum CPU frequency not shown (no cpufreq in /sys): using the current clock from /proc/cpuinfo, %.0f MHz", c.MaxFreqMHz)
	} else {
		p.warnf("CPU frequency unknown: no cpufreq in /sys and no MHz in /proc/cpuinfo")
	}
	c.Clusters = p.clusters(cores)
	for _, cl := range c.Clusters {
		if cl.Kind == clusterEfficiency {
			c.EfficiencyCores += cl.Cores
		} else {
			c.PerformanceCores += cl.Cores
		}
	}
	p.caches(c, cores, kv)
}

// cpuinfoArch tells the architecture from /proc/cpuinfo keys.
func cpuinfoArch(kv map[string]string) string {
	switch {
	case kv["CPU architecture"] == "8":
		return "arm64"
	case kv["CPU architecture"] != "":
		return "arm"
	case strings.Contains(kv["flags"], " lm "):
		return "amd64"
	case kv["flags"] != "":
		return "386"
	}
	return ""
}

// vendorName turns a CPUID vendor string into the vendor's name.
func vendorName(id string) string {
	switch id {
	case "AuthenticAMD":
		return "AMD"
	case "GenuineIntel":
		return "Intel"
	}
	return id
}

// modelSummary names the CPU model, counting the cores of each kind when
// they differ ("4× Cortex-A76 + 4× Cortex-A55"). Arm cores whose part
// number has no known name are named by it ("CPU part 0xd4f").
func modelSummary(infos []cpu.InfoStat) string {
	var names []string
	count := map[string]int{}
	for _, in := range infos {
		name := in.ModelName
		if (name == "" || name == "Undefined") && in.Model != "" {
			name = "CPU part " + in.Model
		}
		if count[name] == 0 {
			names = append(names, name)
		}
		count[name]++
	}
	if len(names) == 1 {
		return names[0]
	}
	slices.SortStableFunc(names, func(a, b string) int { return cmp.Compare(count[b], count[a]) })
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%d× %s", count[n], n)
	}
	return strings.Join(parts, " + ")
}

// sysCPU is what /sys/devices/system/cpu/cpuN shows about one logical CPU.
type sysCPU struct {
	id         int
	dir        string // /sys/devices/system/cpu/cpuN
	core       string // core_cpus_list: the logical CPUs sharing this core
	capacity   int    // cpu_capacity, 0 when absent
	maxFreqKHz int    // cpufreq/cpuinfo_max_freq, 0 when absent
}

// sysCPUs lists the logical CPUs in /sys/devices/system/cpu, by number.
func (p *prober) sysCPUs() []sysCPU {
	var out []sysCPU
	for _, dir := range p.glob("/sys/devices/system/cpu/cpu[0-9]*") {
		id, err := strconv.Atoi(strings.TrimPrefix(path.Base(dir), "cpu"))
		if err != nil {
			continue
		}
		c := sysCPU{id: id, dir: dir}
		for _, f := range []string{"topology/core_cpus_list", "topology/thread_siblings_list"} {
			if s, err := p.readString(dir + "/" + f); err == nil {
				c.core = s
				break
			}
		}
		if s, err := p.readString(dir + "/cpu_capacity"); err == nil {
			c.capacity, _ = strconv.Atoi(s)
		}
		if s, err := p.readString(dir + "/cpufreq/cpuinfo_max_freq"); err == nil {
			c.maxFreqKHz, _ = strconv.Atoi(s)
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b sysCPU) int { return cmp.Compare(a.id, b.id) })
	return out
}

// physicalCores counts distinct cores among cpus; 0 when the topology is not shown.
func physicalCores(cpus []sysCPU) int {
	seen := map[string]bool{}
	for _, c := range cpus {
		if c.core == "" {
			return 0
		}
		seen[c.core] = true
	}
	return len(seen)
}

// maxFreq returns the highest cpufreq maximum in MHz, 0 when none is shown.
func maxFreq(cpus []sysCPU) float64 {
	khz := 0
	for _, c := range cpus {
		khz = max(khz, c.maxFreqKHz)
	}
	return float64(khz) / 1000
}

// Cluster kinds.
const (
	clusterPerformance = "performance"
	clusterEfficiency  = "efficiency"
)

// clusters splits the cores into performance and efficiency clusters: by
// the hybrid PMUs cpu_core/cpu_atom (Intel), else by cpu_capacity and
// cpufreq maximum (Arm big.LITTLE, phones). It returns nil when all cores
// are alike.
func (p *prober) clusters(cpus []sysCPU) []results.CPUCluster {
	byID := map[int]sysCPU{}
	for _, c := range cpus {
		byID[c.id] = c
	}
	var groups [][]sysCPU
	pcores, perr := p.readString("/sys/bus/event_source/devices/cpu_core/cpus")
	ecores, eerr := p.readString("/sys/bus/event_source/devices/cpu_atom/cpus")
	if perr == nil && eerr == nil {
		for _, list := range []string{pcores, ecores} {
			ids, err := parseCPUList(list)
			if err != nil {
				p.warnf("performance/efficiency split unknown: %v", err)
				return nil
			}
			var g []sysCPU
			for _, id := range ids {
				g = append(g, byID[id])
			}
			groups = append(groups, g)
		}
	} else {
		type key struct{ capacity, freq int }
		index := map[key]int{}
		for _, c := range cpus {
			k := key{c.capacity, c.maxFreqKHz}
			i, ok := index[k]
			if !ok {
				i = len(groups)
				index[k] = i
				groups = append(groups, nil)
			}
			groups[i] = append(groups[i], c)
		}
		slices.SortStableFunc(groups, func(a, b []sysCPU) int {
			return cmp.Or(cmp.Compare(b[0].capacity, a[0].capacity), cmp.Compare(b[0].maxFreqKHz, a[0].maxFreqKHz))
		})
	}
	if len(groups) < 2 {
		return nil
	}
	out := make([]results.CPUCluster, len(groups))
	for i, g := range groups {
		cl := results.CPUCluster{Kind: clusterPerformance, Threads: len(g), Cores: physicalCores(g), MaxFreqMHz: maxFreq(g)}
		if cl.Cores == 0 {
			cl.Cores = len(g)
		}
		if len(g) > 0 {
			cl.Capacity = g[0].capacity
		}
		if i == len(groups)-1 {
			cl.Kind = clusterEfficiency
		}
		out[i] = cl
	}
	return out
}

// caches fills the cache sizes from /sys/devices/system/cpu/cpuN/cache:
// the largest L1 data and L2 cache of any core, and the sum of the distinct
// L3 instances. Where /sys shows no caches (some VMs and sandboxes), it
// asks CPUID on this machine, and failing that takes the one size that
// /proc/cpuinfo shows (kv holds its keys, nil when unreadable).
func (p *prober) caches(c *results.CPUInfo, cpus []sysCPU, kv map[string]string) {
	if p.sysCaches(c, cpus) {
		return
	}
	if p.live {
		if s, ok := liveCaches(c.LogicalCores); ok {
			c.L1DBytes, c.L2Bytes, c.L3Bytes = s.l1d, s.l2, s.l3
			if s.note != "" {
				p.warnf("%s", s.note)
			}
			return
		}
	}
	if p.cpuinfoCache(c, kv) {
		return
	}
	p.warnf("cache sizes unknown: no readable /sys/devices/system/cpu/cpu*/cache")
}

// sysCaches reads the cache sizes from /sys; it reports whether it found any.
func (p *prober) sysCaches(c *results.CPUInfo, cpus []sysCPU) bool {
	l3 := map[string]uint64{}
	found := false
	for _, cpu := range cpus {
		for _, idx := range p.glob(cpu.dir + "/cache/index[0-9]*") {
			level, err1 := p.readString(idx + "/level")
			typ, err2 := p.readString(idx + "/type")
			sizeText, err3 := p.readString(idx + "/size")
			if err1 != nil || err2 != nil || err3 != nil {
				continue
			}
			size, err := parseSize(sizeText)
			if err != nil {
				p.warnf("%s/size: %v", idx, err)
				continue
			}
			found = true
			switch {
			case level == "1" && typ == "Data":
				c.L1DBytes = max(c.L1DBytes, size)
			case level == "2":
				c.L2Bytes = max(c.L2Bytes, size)
			case level == "3":
				id, err := p.readString(idx + "/id")
				if err != nil {
					id, _ = p.readString(idx + "/shared_cpu_list")
				}
				l3[id] = size
			}
		}
	}
	for _, size := range l3 {
		c.L3Bytes += size
	}
	return found
}

// cpuinfoCache takes the "cache size" of /proc/cpuinfo, which Linux fills
// on x86 only: the L2 of one core on AMD and Hygon, the last-level cache
// on Intel. It reports whether it found a size, warning that the others
// are unknown.
func (p *prober) cpuinfoCache(c *results.CPUInfo, kv map[string]string) bool {
	text, ok := strings.CutSuffix(kv["cache size"], " KB")
	kib, err := strconv.ParseUint(text, 10, 64)
	if !ok || err != nil || kib == 0 {
		return false
	}
	switch c.Vendor {
	case "AMD", "HygonGenuine":
		c.L2Bytes = kib << 10
		p.warnf("L1d and L3 sizes unknown (no cache folders in /sys/devices/system/cpu/cpu*): L2 from /proc/cpuinfo \"cache size\"")
	case "Intel":
		c.L3Bytes = kib << 10
		p.warnf("L1d and L2 sizes unknown (no cache folders in /sys/devices/system/cpu/cpu*): L3 (the last-level cache) from /proc/cpuinfo \"cache size\"")
	default:
		return false
	}
	return true
}
