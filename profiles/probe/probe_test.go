package probe

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestDetectFixtures probes each captured machine in testdata and compares
// the whole profile with its golden JSON.
func TestDetectFixtures(t *testing.T) {
	for _, tt := range []struct{ name, os string }{
		{"x86-server", "linux"},
		{"rk3588", "linux"},
		{"android-sm8550", "android"},
		{"container", "linux"},
		{"macbook-m2pro", "darwin"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := Detect(context.Background(), Options{Root: filepath.Join("testdata", tt.name), OS: tt.os})
			d.CreatedAt = time.Time{}
			got, err := json.MarshalIndent(d, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			golden := filepath.Join("testdata", tt.name+".golden.json")
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("profile differs from %s (go test -update rewrites it):\n%s", golden, got)
			}
		})
	}
}

// TestFixtureFacts checks the facts each captured machine is there to
// show, one parser at a time.
func TestFixtureFacts(t *testing.T) {
	for _, tt := range []struct {
		name, os         string
		arch             string
		physical, logic  int
		perf, eff        int
		maxMHz           float64
		l3               uint64
		has, lacks       []string
		cgroupBytes      uint64
		cgroupCPUs       float64
		gpus             []string
		unified          bool
		power            string
		model, container string
	}{
		{name: "x86-server", os: "linux", arch: "amd64", physical: 2, logic: 2, maxMHz: 2445.406, l3: 32 << 20,
			has: []string{"avx2", "fma", "f16c"}, lacks: []string{"avx512f", "avxvnni"}, power: "unknown", container: "vm+docker"},
		{name: "rk3588", os: "linux", arch: "arm64", physical: 8, logic: 8, perf: 4, eff: 4, maxMHz: 2400, l3: 3 << 20,
			has: []string{"asimd", "dotprod", "fp16"}, lacks: []string{"i8mm", "sve"}, gpus: []string{"Mali-G610"}, unified: true,
			power: "ac", model: "Radxa ROCK 5B"},
		{name: "android-sm8550", os: "android", arch: "arm64", physical: 8, logic: 8, perf: 5, eff: 3, maxMHz: 3360,
			has: []string{"dotprod", "i8mm", "bf16"}, lacks: []string{"sve", "sme"}, gpus: []string{"Adreno740v2"}, unified: true,
			power: "battery", model: "samsung SM-S911B"},
		{name: "container", os: "linux", arch: "amd64", physical: 10, logic: 16, perf: 6, eff: 4, maxMHz: 4900, l3: 20 << 20,
			has: []string{"avx2", "avxvnni"}, lacks: []string{"avx512f"}, cgroupBytes: 8 << 30, cgroupCPUs: 2,
			gpus:  []string{"AlderLake-S GT1 [UHD Graphics 770]", "Navi 31 [Radeon RX 7900 XT/7900 XTX/7900 GRE/7900M]"},
			power: "unknown", model: "Micro-Star International Co., Ltd. MS-7D25", container: "docker"},
		{name: "macbook-m2pro", os: "darwin", arch: "arm64", physical: 12, logic: 12, perf: 8, eff: 4,
			has: []string{"asimd", "dotprod", "fp16"}, lacks: []string{"i8mm", "bf16"}, gpus: []string{"Apple M2 Pro"}, unified: true,
			power: "battery", model: "Mac14,9"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := Detect(context.Background(), Options{Root: filepath.Join("testdata", tt.name), OS: tt.os})
			c, m := d.CPU, d.Memory
			if c.Arch != tt.arch || c.PhysicalCores != tt.physical || c.LogicalCores != tt.logic {
				t.Errorf("arch %s, %d physical, %d logical cores; want %s, %d, %d", c.Arch, c.PhysicalCores, c.LogicalCores, tt.arch, tt.physical, tt.logic)
			}
			if c.PerformanceCores != tt.perf || c.EfficiencyCores != tt.eff {
				t.Errorf("P/E = %d/%d, want %d/%d", c.PerformanceCores, c.EfficiencyCores, tt.perf, tt.eff)
			}
			if c.MaxFreqMHz != tt.maxMHz || c.L3Bytes != tt.l3 {
				t.Errorf("max %v MHz, L3 %d; want %v, %d", c.MaxFreqMHz, c.L3Bytes, tt.maxMHz, tt.l3)
			}
			for _, f := range tt.has {
				if !slices.Contains(c.Features, f) {
					t.Errorf("features %v lack %s", c.Features, f)
				}
			}
			for _, f := range tt.lacks {
				if slices.Contains(c.Features, f) {
					t.Errorf("features %v include %s, which the CPU lacks", c.Features, f)
				}
			}
			if m.CgroupLimitBytes != tt.cgroupBytes || m.CgroupCPUs != tt.cgroupCPUs {
				t.Errorf("cgroup limits %d bytes, %v CPUs; want %d, %v", m.CgroupLimitBytes, m.CgroupCPUs, tt.cgroupBytes, tt.cgroupCPUs)
			}
			var names []string
			for _, g := range d.GPUs {
				names = append(names, g.Name)
			}
			if !slices.Equal(names, tt.gpus) || m.Unified != tt.unified {
				t.Errorf("GPUs %q, unified %v; want %q, %v", names, m.Unified, tt.gpus, tt.unified)
			}
			if d.Power == nil || d.Power.Source != tt.power {
				t.Errorf("power = %+v, want source %s", d.Power, tt.power)
			}
			if d.Host.Model != tt.model || d.Host.Virtualized != tt.container {
				t.Errorf("model %q, virtualized %q; want %q, %q", d.Host.Model, d.Host.Virtualized, tt.model, tt.container)
			}
		})
	}
}

// TestDetectEmptyRoot probes a machine that shows nothing: every probe
// must say so in a warning instead of failing or staying silent.
func TestDetectEmptyRoot(t *testing.T) {
	// A captured Windows root and an OS without probes get one warning for everything.
	for osName, minWarnings := range map[string]int{"linux": 8, "android": 8, "darwin": 4, "windows": 1, "plan9": 1} {
		t.Run(osName, func(t *testing.T) {
			d := Detect(context.Background(), Options{Root: t.TempDir(), OS: osName})
			if d.Schema != "odbench/device/v1" || d.GPUs == nil {
				t.Errorf("schema %q, gpus %v: want a well-formed profile", d.Schema, d.GPUs)
			}
			if len(d.Warnings) < minWarnings {
				t.Errorf("warnings = %q: want one per failed probe", d.Warnings)
			}
			for _, w := range d.Warnings {
				if strings.TrimSpace(w) == "" {
					t.Error("empty warning")
				}
			}
		})
	}
}

// TestDetectLive probes this machine: whatever it is, the profile names
// the running architecture and has CPUs and memory.
func TestDetectLive(t *testing.T) {
	d := Detect(context.Background(), Options{})
	if d.CPU.Arch != runtime.GOARCH || d.CPU.LogicalCores < 1 || d.Memory.TotalBytes == 0 {
		t.Errorf("live profile: arch %s, %d CPUs, %d bytes; warnings %q", d.CPU.Arch, d.CPU.LogicalCores, d.Memory.TotalBytes, d.Warnings)
	}
}
