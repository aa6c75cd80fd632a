// Package render prints a device profile (results.Device) as readable
// tables: host, CPU, memory, GPUs, power and thermal, calibration with
// units, and the probes' warnings.
package render

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/odbench/odbench/results"
	"github.com/olekukonko/tablewriter"
)

// maxThermalRows bounds the thermal zones shown; phones have dozens.
const maxThermalRows = 8

// Table writes d as titled tables.
func Table(w io.Writer, d results.Device) error {
	sections := []struct {
		title  string
		header []string
		rows   [][]string
		note   string // printed under the table
	}{
		{"Host", nil, hostRows(d), ""},
		{"CPU", nil, cpuRows(d.CPU), ""},
		{"Memory", nil, memoryRows(d.Memory), ""},
		{"GPUs", []string{"Vendor", "Name", "VRAM total", "VRAM free", "Driver", "Compute", "Shares RAM", "Source"}, gpuRows(d.GPUs), ""},
		{"Power and thermal", nil, powerRows(d), ""},
		{"Calibration", calibrationHeader(d.Calibration), calibrationRows(d.Calibration), calibrationNote(d.Calibration)},
	}
	for _, s := range sections {
		if _, err := fmt.Fprintf(w, "%s\n", s.title); err != nil {
			return err
		}
		t := tablewriter.NewWriter(w)
		if s.header != nil {
			t.Header(s.header)
		}
		if err := t.Bulk(s.rows); err != nil {
			return fmt.Errorf("render %s: %w", s.title, err)
		}
		if err := t.Render(); err != nil {
			return fmt.Errorf("render %s: %w", s.title, err)
		}
		if s.note != "" {
			fmt.Fprintf(w, "%s\n", s.note)
		}
	}
	if len(d.Warnings) > 0 {
		fmt.Fprintf(w, "Warnings (%d)\n", len(d.Warnings))
		for _, msg := range d.Warnings {
			fmt.Fprintf(w, "  - %s\n", msg)
		}
	}
	_, err := fmt.Fprintf(w, "Profile %s, %s, taken %s.\n", d.Schema, d.Name, d.CreatedAt.Format("2006-01-02 15:04 MST"))
	return err
}

func hostRows(d results.Device) [][]string {
	h := d.Host
	virt := "none (bare metal)"
	if h.Virtualized != "" {
		virt = h.Virtualized
	}
	return [][]string{
		{"OS", strings.TrimSpace(fmt.Sprintf("%s (%s %s)", h.OS, h.Platform, h.Version))},
		{"Kernel", orUnknown(h.Kernel)},
		{"Model", orUnknown(h.Model)},
		{"Virtualization", virt},
	}
}

func cpuRows(c results.CPUInfo) [][]string {
	model := c.Model
	if !strings.Contains(model, c.Vendor) {
		model = c.Vendor + " " + model
	}
	rows := [][]string{
		{"Model", orUnknown(strings.TrimSpace(model))},
		{"Architecture", orUnknown(c.Arch)},
		{"Cores", fmt.Sprintf("%d physical, %d logical", c.PhysicalCores, c.LogicalCores)},
	}
	if c.SoC != "" {
		rows = append(rows, []string{"SoC", c.SoC})
	}
	if c.PerformanceCores+c.EfficiencyCores > 0 {
		rows = append(rows, []string{"P/E split", fmt.Sprintf("%d performance + %d efficiency cores", c.PerformanceCores, c.EfficiencyCores)})
	}
	for i, cl := range c.Clusters {
		desc := fmt.Sprintf("%s: %s (%s)", cl.Kind, count(cl.Cores, "core"), count(cl.Threads, "thread"))
		if cl.MaxFreqMHz > 0 {
			desc += fmt.Sprintf(", %.0f MHz", cl.MaxFreqMHz)
		}
		if cl.Capacity > 0 {
			desc += fmt.Sprintf(", capacity %d", cl.Capacity)
		}
		rows = append(rows, []string{fmt.Sprintf("Cluster %d", i), desc})
	}
	freq := "unknown"
	if c.MaxFreqMHz > 0 {
		freq = fmt.Sprintf("%.0f MHz", c.MaxFreqMHz)
	}
	features := "none of the LLM-relevant ones"
	if len(c.Features) > 0 {
		features = strings.Join(c.Features, " ")
	}
	return append(rows,
		[]string{"Max frequency", freq},
		[]string{"Caches", fmt.Sprintf("L1d %s, L2 %s (per core), L3 %s (total)", bytesOrDash(c.L1DBytes), bytesOrDash(c.L2Bytes), bytesOrDash(c.L3Bytes))},
		[]string{"ISA features", features},
	)
}

func memoryRows(m results.Memory) [][]string {
	rows := [][]string{
		{"Total", bytesOrDash(m.TotalBytes)},
		{"Available", bytesOrDash(m.AvailableBytes)},
		{"Swap", fmt.Sprintf("%s total, %s free", Bytes(m.SwapTotalBytes), Bytes(m.SwapFreeBytes))},
		{"Shared with GPU", yesNo(m.Unified)},
	}
	limit := "none"
	if m.CgroupLimitBytes > 0 {
		limit = Bytes(m.CgroupLimitBytes)
	}
	cpus := "none"
	if m.CgroupCPUs > 0 {
		cpus = fmt.Sprintf("%.2f CPUs", m.CgroupCPUs)
	}
	rows = append(rows, []string{"Container memory limit", limit}, []string{"Container CPU limit", cpus})
	if m.UsableShare > 0 {
		rows = append(rows, []string{"Usable by one app", fmt.Sprintf("%.0f%%", m.UsableShare*100)})
	}
	return rows
}

func gpuRows(gpus []results.GPU) [][]string {
	if len(gpus) == 0 {
		return [][]string{{"-", "none found", "-", "-", "-", "-", "-", "-"}}
	}
	rows := make([][]string, 0, len(gpus))
	for _, g := range gpus {
		name := g.Name
		if g.Cores > 0 {
			name += fmt.Sprintf(" (%d cores)", g.Cores)
		}
		if g.MaxFreqMHz > 0 {
			name += fmt.Sprintf(" %.0f MHz", g.MaxFreqMHz)
		}
		rows = append(rows, []string{g.Vendor, name, bytesOrDash(g.VRAMTotalBytes), bytesOrDash(g.VRAMFreeBytes),
			dash(g.Driver), dash(g.ComputeCapability), yesNo(g.Unified), g.Source})
	}
	return rows
}

func powerRows(d results.Device) [][]string {
	source := "unknown"
	if d.Power != nil {
		source = d.Power.Source
		if d.Power.BatteryStatus != "" {
			source += fmt.Sprintf(" (battery %.0f%%, %s)", d.Power.BatteryPct, d.Power.BatteryStatus)
		}
	}
	rows := [][]string{{"Power source", source}}
	zones := slices.Clone(d.Thermal)
	slices.SortStableFunc(zones, func(a, b results.Thermal) int { return cmp.Compare(b.TempC, a.TempC) })
	for i, z := range zones {
		if i == maxThermalRows {
			rows = append(rows, []string{"…", fmt.Sprintf("%d cooler zones (see --json)", len(zones)-i)})
			break
		}
		rows = append(rows, []string{z.Zone, fmt.Sprintf("%.1f °C", z.TempC)})
	}
	if len(zones) == 0 {
		rows = append(rows, []string{"Temperatures", "unknown"})
	}
	return rows
}

func calibrationHeader(c results.Calibration) []string {
	if c.Skipped || c.Source == "" {
		return nil
	}
	return []string{"Ceiling", "1 thread", fmt.Sprintf("%d threads", c.Threads), "Unit"}
}

func calibrationRows(c results.Calibration) [][]string {
	switch {
	case c.Skipped:
		return [][]string{{"Calibration", "skipped (--quick)"}}
	case c.Source == "":
		return [][]string{{"Calibration", "not measured"}}
	}
	figure := func(v float64) string {
		if v == 0 {
			return "-"
		}
		return fmt.Sprintf("%.1f", v)
	}
	return [][]string{
		{"Memory read", figure(c.ReadGBs1), figure(c.ReadGBsAll), "GB/s"},
		{"Memory triad", figure(c.TriadGBs1), figure(c.TriadGBsAll), "GB/s"},
		{"Q4_0 matvec (engine)", figure(c.MatVecQ4_0GBs1), figure(c.MatVecQ4_0GBsAll), "GB/s"},
		{"FP32 FMA", figure(c.FP32GFLOPS1), figure(c.FP32GFLOPSAll), "GFLOP/s"},
		{"Int8 dot product", figure(c.Int8GOPS1), figure(c.Int8GOPSAll), "GOP/s"},
	}
}

// calibrationNote says how the figures were obtained.
func calibrationNote(c results.Calibration) string {
	switch {
	case c.Skipped || c.Source == "":
		return ""
	case c.Source != "measured":
		return "Figures from the " + c.Source + "."
	}
	kernels := c.Kernel
	if c.MatVecKernel != "" {
		kernels += " (matvec: quant " + c.MatVecKernel + ")"
	}
	return fmt.Sprintf("Measured with the %s kernels over a %s buffer in %.1f s.", kernels, bytesOrDash(c.BufferBytes), c.DurationMS/1000)
}

// Bytes formats a byte count with binary units: "512 B", "32 KiB", "23.5 GiB".
func Bytes(n uint64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB"}
	v, i := float64(n), 0
	for v >= 1024 && i < len(units)-1 {
		v /= 1024
		i++
	}
	if v == float64(int64(v)) {
		return fmt.Sprintf("%d %s", int64(v), units[i])
	}
	return fmt.Sprintf("%.1f %s", v, units[i])
}

// count writes n and the noun, plural when n is not 1.
func count(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

func bytesOrDash(n uint64) string {
	if n == 0 {
		return "-"
	}
	return Bytes(n)
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}
