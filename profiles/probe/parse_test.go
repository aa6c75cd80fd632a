package probe

import (
	"bufio"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/odbench/odbench/results"
	"github.com/shirou/gopsutil/v4/cpu"
)

func TestParseCPUList(t *testing.T) {
	for _, tt := range []struct {
		in      string
		want    []int
		wantErr bool
	}{
		{"0-3,8,10-11", []int{0, 1, 2, 3, 8, 10, 11}, false},
		{"5\n", []int{5}, false},
		{"", []int{}, false},
		{"3-1", nil, true},
		{"a", nil, true},
		{"0-99999999", nil, true},
		{"-1", nil, true},
	} {
		got, err := parseCPUList(tt.in)
		if (err != nil) != tt.wantErr || (!tt.wantErr && !slices.Equal(got, tt.want)) {
			t.Errorf("parseCPUList(%q) = %v, %v; want %v (error %v)", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]uint64{"32K": 32 << 10, "32768K\n": 32 << 20, "1M": 1 << 20, "2G": 2 << 30, "512": 512} {
		if got, err := parseSize(in); err != nil || got != want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "K", "1.5M", "-1K"} {
		if _, err := parseSize(in); err == nil {
			t.Errorf("parseSize(%q): want an error", in)
		}
	}
}

func TestParseGetprop(t *testing.T) {
	got := parseGetprop("[ro.product.model]: [SM-S911B]\n[ro.empty]: []\nnot a property\n[ro.soc.model]: [SM8550]\n")
	want := map[string]string{"ro.product.model": "SM-S911B", "ro.empty": "", "ro.soc.model": "SM8550"}
	if len(got) != len(want) {
		t.Fatalf("parseGetprop = %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}

func TestParseProcCgroup(t *testing.T) {
	v2, v1 := parseProcCgroup("4:memory:/process_api/483bf3\n2:cpu,cpuacct:/job\n0::/\n")
	if v2 != "/" || v1["memory"] != "/process_api/483bf3" || v1["cpu"] != "/job" || v1["cpuacct"] != "/job" {
		t.Errorf("v1 host: v2 %q, v1 %v", v2, v1)
	}
	v2, v1 = parseProcCgroup("0::/user.slice/session-3.scope\n")
	if v2 != "/user.slice/session-3.scope" || len(v1) != 0 {
		t.Errorf("v2 host: v2 %q, v1 %v", v2, v1)
	}
}

func TestParseCgroupValues(t *testing.T) {
	inf := math.Inf(1)
	for _, tt := range []struct {
		parse   func(string, int) (float64, error)
		in      string
		want    float64
		wantErr bool
	}{
		{parseCPUMax, "200000 100000", 2, false},
		{parseCPUMax, "150000 100000", 1.5, false},
		{parseCPUMax, "max 100000", inf, false},
		{parseCPUMax, "200000", 0, true},
		{parseCPUMax, "0 100000", 0, true},
		{parseMemoryMax, "max", inf, false},
		{parseMemoryMax, "8589934592", 8 << 30, false},
		{parseMemoryMax, "9223372036854771712", inf, false},
		{parseMemoryMax, "lots", 0, true},
	} {
		got, err := tt.parse(tt.in, 64)
		if (err != nil) != tt.wantErr || (!tt.wantErr && got != tt.want) {
			t.Errorf("parse(%q) = %v, %v; want %v (error %v)", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
}

func TestLookupPCIIDs(t *testing.T) {
	text, err := os.ReadFile(filepath.Join("testdata", "container", "usr", "share", "misc", "pci.ids"))
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ vendor, device, want string }{
		{"1002", "744c", "Navi 31 [Radeon RX 7900 XT/7900 XTX/7900 GRE/7900M]"},
		{"8086", "4680", "AlderLake-S GT1 [UHD Graphics 770]"},
		{"10de", "2684", "AD102 [GeForce RTX 4090]"},
		{"1002", "0e3b", ""}, // a subsystem id, not a device
		{"1002", "4680", ""}, // a device of another vendor
		{"abcd", "0001", ""},
	} {
		got := lookupPCIIDs(bufio.NewScanner(strings.NewReader(string(text))), tt.vendor, tt.device)
		if got != tt.want {
			t.Errorf("lookup %s:%s = %q, want %q", tt.vendor, tt.device, got, tt.want)
		}
	}
}

func TestParsePmset(t *testing.T) {
	for _, tt := range []struct {
		in, source, status string
		pct                float64
	}{
		{"Now drawing from 'AC Power'\n -InternalBattery-0 (id=1)\t97%; charging; 0:20 remaining present: true\n", "ac", "Charging", 97},
		{"Now drawing from 'Battery Power'\n -InternalBattery-0 (id=1)\t64%; discharging; 5:12 remaining present: true\n", "battery", "Discharging", 64},
		{"Now drawing from 'AC Power'\n", "ac", "", 0},
		{"", "unknown", "", 0},
	} {
		p := parsePmset(tt.in)
		if p.Source != tt.source || p.BatteryStatus != tt.status || p.BatteryPct != tt.pct {
			t.Errorf("parsePmset(%q) = %+v", tt.in, p)
		}
	}
}

func TestParseSystemProfiler(t *testing.T) {
	gpus, err := parseSystemProfiler([]byte(`{"SPDisplaysDataType":[
		{"_name":"Intel UHD Graphics 630","sppci_model":"Intel UHD Graphics 630","spdisplays_vendor":"Intel","spdisplays_vram":"1536 MB"},
		{"_name":"AMD Radeon Pro 5500M","sppci_model":"AMD Radeon Pro 5500M","spdisplays_vendor":"sppci_vendor_amd","spdisplays_vram":"8 GB"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if len(gpus) != 2 || gpus[0].Vendor != "intel" || !gpus[0].Unified || gpus[1].Vendor != "amd" || gpus[1].VRAMTotalBytes != 8<<30 || gpus[1].Unified {
		t.Errorf("Intel Mac GPUs = %+v", gpus)
	}
	if _, err := parseSystemProfiler([]byte("not json")); err == nil {
		t.Error("want an error for output that is not JSON")
	}
}

func TestCanonicalFeatures(t *testing.T) {
	for _, tt := range []struct {
		names []string
		want  []string
	}{
		{strings.Fields("fpu sse avx2 fma f16c avx avx512f avx512_vnni avx512bw avx512vl avx512_bf16 amx_tile amx_int8"),
			[]string{"avx", "avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512vl", "avx512vnni", "avx512bf16", "amx-tile", "amx-int8"}},
		{strings.Fields("fp asimd asimdhp asimddp i8mm bf16 sve sve2 sme"), []string{"asimd", "dotprod", "i8mm", "fp16", "bf16", "sve", "sve2", "sme"}},
		{[]string{"hw.optional.arm.FEAT_DotProd", "hw.optional.AdvSIMD", "AVX2"}, []string{"avx2", "asimd", "dotprod"}},
		{nil, []string{}},
	} {
		if got := canonicalFeatures(tt.names); !slices.Equal(got, tt.want) {
			t.Errorf("canonicalFeatures(%v) = %v, want %v", tt.names, got, tt.want)
		}
	}
}

func TestModelSummary(t *testing.T) {
	for _, tt := range []struct {
		infos []cpu.InfoStat
		want  string
	}{
		{[]cpu.InfoStat{{ModelName: "AMD EPYC"}, {ModelName: "AMD EPYC"}}, "AMD EPYC"},
		{[]cpu.InfoStat{{ModelName: "Cortex-A55"}, {ModelName: "Cortex-A76"}, {ModelName: "Cortex-A76"}}, "2× Cortex-A76 + 1× Cortex-A55"},
		{[]cpu.InfoStat{{ModelName: "Undefined", Model: "0xd4f"}, {ModelName: "Cortex-A520"}}, "1× CPU part 0xd4f + 1× Cortex-A520"},
		{[]cpu.InfoStat{{}}, ""},
	} {
		if got := modelSummary(tt.infos); got != tt.want {
			t.Errorf("modelSummary = %q, want %q", got, tt.want)
		}
	}
}

// TestCommandLive runs real tools: output is returned, partial output of
// a failing tool too, and a missing tool is an error naming it.
func TestCommandLive(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("needs a POSIX shell")
	}
	p := &prober{root: "/", live: true}
	if out, err := p.command(t.Context(), "sh", "-c", "echo hello"); err != nil || string(out) != "hello\n" {
		t.Errorf("sh: %q, %v", out, err)
	}
	if out, err := p.command(t.Context(), "sh", "-c", "echo partial; exit 3"); err != nil || string(out) != "partial\n" {
		t.Errorf("failing sh: %q, %v; want the partial output", out, err)
	}
	if _, err := p.command(t.Context(), "odbench-no-such-tool"); err == nil || !strings.Contains(err.Error(), "odbench-no-such-tool") {
		t.Errorf("missing tool: %v", err)
	}
}

// TestCgroupNesting checks that the tightest limit along the cgroup path
// wins, for cgroup v2 and v1.
func TestCgroupNesting(t *testing.T) {
	write := func(root, name, text string) {
		t.Helper()
		path := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	v2 := t.TempDir()
	write(v2, "proc/self/cgroup", "0::/ci/job-7\n")
	write(v2, "sys/fs/cgroup/cgroup.controllers", "cpu memory\n")
	write(v2, "sys/fs/cgroup/ci/memory.max", "4294967296\n")
	write(v2, "sys/fs/cgroup/ci/cpu.max", "400000 100000\n")
	write(v2, "sys/fs/cgroup/ci/job-7/memory.max", "8589934592\n")
	write(v2, "sys/fs/cgroup/ci/job-7/cpu.max", "150000 100000\n")
	v1 := t.TempDir()
	write(v1, "proc/self/cgroup", "5:memory:/docker/abc\n3:cpu,cpuacct:/docker/abc\n")
	write(v1, "sys/fs/cgroup/memory/memory.limit_in_bytes", "9223372036854771712\n")
	write(v1, "sys/fs/cgroup/memory/docker/abc/memory.limit_in_bytes", "2147483648\n")
	write(v1, "sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_quota_us", "50000\n")
	write(v1, "sys/fs/cgroup/cpu,cpuacct/docker/abc/cpu.cfs_period_us", "100000\n")
	for _, tt := range []struct {
		name, root string
		bytes      uint64
		cpus       float64
	}{{"v2", v2, 4 << 30, 1.5}, {"v1", v1, 2 << 30, 0.5}} {
		p := &prober{root: tt.root, os: "linux"}
		var m results.Memory
		p.cgroupLimits(&m)
		if m.CgroupLimitBytes != tt.bytes || m.CgroupCPUs != tt.cpus || len(p.warnings) != 0 {
			t.Errorf("%s: %d bytes, %v CPUs, warnings %q; want %d, %v", tt.name, m.CgroupLimitBytes, m.CgroupCPUs, p.warnings, tt.bytes, tt.cpus)
		}
	}
}
