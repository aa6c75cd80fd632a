package results

import "time"

// DeviceSchema identifies a device profile document.
var DeviceSchema = Schema("device")

// Device is a device profile: what `odbench detect` measures on this machine,
// what `--save` writes, and what the reference-device catalog holds. Byte
// counts are bytes, bandwidths GB/s (1e9 bytes per second), compute rates
// GFLOP/s or GOP/s (1e9 operations per second).
type Device struct {
	Schema    string    `json:"schema"`
	Name      string    `json:"name"` // "this" for the machine odbench ran on, else a catalog id
	CreatedAt time.Time `json:"created_at"`
	Host      HostInfo  `json:"host"`
	CPU       CPUInfo   `json:"cpu"`
	Memory    Memory    `json:"memory"`
	GPUs      []GPU     `json:"gpus"`
	Power     *Power    `json:"power,omitempty"`
	Thermal   []Thermal `json:"thermal,omitempty"`
	// Calibration holds the measured ceilings; Skipped is set by --quick.
	Calibration Calibration `json:"calibration"`
	// Warnings lists every probe that failed or was not available, one sentence each.
	Warnings []string `json:"warnings,omitempty"`
}

// HostInfo describes the operating system and the device model.
type HostInfo struct {
	OS          string `json:"os"`          // GOOS: linux, android, darwin, windows
	Platform    string `json:"platform"`    // distribution or OS product name
	Version     string `json:"version"`     // OS version
	Kernel      string `json:"kernel"`      // kernel release
	Model       string `json:"model"`       // DMI product name, hw.model, ro.product.model
	Virtualized string `json:"virtualized"` // hypervisor or container kind, empty when bare metal
	Container   bool   `json:"container"`   // running inside a container
}

// CPUInfo describes the processor.
type CPUInfo struct {
	Vendor           string   `json:"vendor"`
	Model            string   `json:"model"`
	Arch             string   `json:"arch"` // GOARCH
	PhysicalCores    int      `json:"physical_cores"`
	LogicalCores     int      `json:"logical_cores"`
	PerformanceCores int      `json:"performance_cores,omitempty"` // 0 when the OS shows no split
	EfficiencyCores  int      `json:"efficiency_cores,omitempty"`
	MaxFreqMHz       float64  `json:"max_freq_mhz,omitempty"`
	L1DBytes         uint64   `json:"l1d_bytes,omitempty"` // per core
	L2Bytes          uint64   `json:"l2_bytes,omitempty"`  // per core or cluster, as the OS reports
	L3Bytes          uint64   `json:"l3_bytes,omitempty"`  // total last-level cache
	Features         []string `json:"features"`            // LLM-relevant ISA features present, e.g. avx2, fma, avx512f, dotprod, i8mm
	// SoC names the system on a chip where the OS shows it (Android ro.soc.model, /proc/cpuinfo Hardware).
	SoC string `json:"soc,omitempty"`
	// Clusters lists the groups of unlike cores (P/E, big.LITTLE), fastest first; nil when all cores are alike.
	Clusters []CPUCluster `json:"clusters,omitempty"`
}

// CPUCluster is a group of alike cores: Intel P-cores or E-cores, an Arm
// big.LITTLE cluster, a phone's prime/performance/efficiency cores.
type CPUCluster struct {
	Kind       string  `json:"kind"`    // performance or efficiency
	Cores      int     `json:"cores"`   // physical cores
	Threads    int     `json:"threads"` // logical CPUs
	MaxFreqMHz float64 `json:"max_freq_mhz,omitempty"`
	Capacity   int     `json:"capacity,omitempty"` // Linux cpu_capacity, 1024 for the biggest core
}

// Memory describes RAM and the limits that bound this process.
type Memory struct {
	TotalBytes     uint64 `json:"total_bytes"`
	AvailableBytes uint64 `json:"available_bytes"`
	SwapTotalBytes uint64 `json:"swap_total_bytes"`
	SwapFreeBytes  uint64 `json:"swap_free_bytes"`
	// Unified is true when CPU and GPU share this memory (Apple Silicon, phones, integrated GPUs).
	Unified bool `json:"unified"`
	// CgroupLimitBytes is the container memory limit (cgroup v1/v2), 0 when unlimited.
	CgroupLimitBytes uint64 `json:"cgroup_limit_bytes,omitempty"`
	// CgroupCPUs is the CPU quota in cores (cpu.max quota/period), 0 when unlimited.
	CgroupCPUs float64 `json:"cgroup_cpus,omitempty"`
	// UsableShare is the share of memory one app may use (reference devices, mobile OS limits); 0 means unknown.
	UsableShare float64 `json:"usable_share,omitempty"`
}

// GPU describes one accelerator.
type GPU struct {
	Vendor            string  `json:"vendor"` // nvidia, amd, intel, apple, qualcomm, arm
	Name              string  `json:"name"`
	Driver            string  `json:"driver,omitempty"`
	ComputeCapability string  `json:"compute_capability,omitempty"` // NVIDIA "8.9"
	VRAMTotalBytes    uint64  `json:"vram_total_bytes,omitempty"`   // 0 for unified memory
	VRAMFreeBytes     uint64  `json:"vram_free_bytes,omitempty"`
	Cores             int     `json:"cores,omitempty"` // GPU cores / compute units where known
	MaxFreqMHz        float64 `json:"max_freq_mhz,omitempty"`
	Unified           bool    `json:"unified"` // shares system memory
	BandwidthGBs      float64 `json:"bandwidth_gbs,omitempty"`
	FP16TFLOPS        float64 `json:"fp16_tflops,omitempty"`
	Source            string  `json:"source"` // nvml, sysfs, sysctl, kgsl, catalog
}

// Power describes the power source.
type Power struct {
	Source        string  `json:"source"` // ac, battery, unknown
	BatteryPct    float64 `json:"battery_pct,omitempty"`
	BatteryStatus string  `json:"battery_status,omitempty"` // Charging, Discharging, Full
}

// Thermal is one thermal zone reading.
type Thermal struct {
	Zone  string  `json:"zone"`
	TempC float64 `json:"temp_c"`
}

// Calibration holds the measured ceilings of this device.
type Calibration struct {
	Skipped bool   `json:"skipped"`
	Kernel  string `json:"kernel,omitempty"` // kernels that ran: avx512+vnni, avx512, avx2+fma, neon+dotprod, neon, generic
	Threads int    `json:"threads,omitempty"`
	// BufferBytes is the size of the memory-bandwidth test buffer (read test; triad uses three thirds of it).
	BufferBytes uint64 `json:"buffer_bytes,omitempty"`
	// Memory read and triad (a = b + s*c) bandwidth over buffers far larger than the last-level cache.
	ReadGBs1      float64 `json:"read_gbs_1t,omitempty"`
	ReadGBsAll    float64 `json:"read_gbs_all,omitempty"`
	TriadGBs1     float64 `json:"triad_gbs_1t,omitempty"`
	TriadGBsAll   float64 `json:"triad_gbs_all,omitempty"`
	FP32GFLOPS1   float64 `json:"fp32_gflops_1t,omitempty"`
	FP32GFLOPSAll float64 `json:"fp32_gflops_all,omitempty"`
	Int8GOPS1     float64 `json:"int8_gops_1t,omitempty"`
	Int8GOPSAll   float64 `json:"int8_gops_all,omitempty"`
	DurationMS    float64 `json:"duration_ms,omitempty"`
	// Source says where figures come from: "measured" or "catalog".
	Source string `json:"source,omitempty"`
	// MatVecQ4_0GBs1 and MatVecQ4_0GBsAll are the weight bytes per second
	// that the engine's quantized matrix-vector product (quant.MatVec, Q4_0
	// weights 4096 columns wide, a span of at least 4× the last-level cache)
	// streams: the decode-speed ceiling as the engine reaches it, beside the
	// plain read bandwidth.
	MatVecQ4_0GBs1   float64 `json:"matvec_q4_0_gbs_1t,omitempty"`
	MatVecQ4_0GBsAll float64 `json:"matvec_q4_0_gbs_all,omitempty"`
	// MatVecKernel names the quant kernels of that figure: avx512vnni, avx2, neon-dotprod, generic.
	MatVecKernel string `json:"matvec_kernel,omitempty"`
}
