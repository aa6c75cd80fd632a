package plan

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/odbench/odbench/gguf"
	"github.com/odbench/odbench/profiles/devices"
	"github.com/odbench/odbench/profiles/models"
	"github.com/odbench/odbench/profiles/recipe"
	"github.com/odbench/odbench/results"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func catalog(t *testing.T, modelID, deviceID string) (Subject, DeviceSubject) {
	t.Helper()
	m, err := models.Lookup(modelID)
	if err != nil {
		t.Fatal(err)
	}
	d, err := devices.Lookup(deviceID)
	if err != nil {
		t.Fatal(err)
	}
	return Subject{Model: m, Source: "catalog"}, DeviceSubject{Profile: d.Profile, Source: "catalog"}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s (go test -update rewrites it):\n%s", path, got)
	}
}

func TestGolden(t *testing.T) {
	tests := []struct{ name, model, device string }{
		{"llama-3.1-8b_iphone-15-pro", "llama-3.1-8b", "iphone-15-pro"},
		{"llama-3.1-8b_laptop-rtx-4060-8gb", "llama-3.1-8b", "laptop-rtx-4060-8gb"},
		{"gemma-3-1b_raspberry-pi-5-8gb", "gemma-3-1b", "raspberry-pi-5-8gb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, d := catalog(t, tt.model, tt.device)
			p, err := Make(s, d, Options{})
			if err != nil {
				t.Fatal(err)
			}
			var tbl bytes.Buffer
			if err := WriteTable(&tbl, p); err != nil {
				t.Fatal(err)
			}
			golden(t, tt.name+".txt.golden", tbl.Bytes())
			js, err := json.MarshalIndent(p, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tt.name+".json.golden", append(js, '\n'))
		})
	}
}

func TestMakeIPhone(t *testing.T) {
	s, d := catalog(t, "llama-3.1-8b", "iphone-15-pro")
	p, err := Make(s, d, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Schema != "odbench/plan/v1" || len(p.Candidates) != len(Candidates()) {
		t.Fatalf("schema %q, %d candidates", p.Schema, len(p.Candidates))
	}
	// 60% of 8 GiB; Q4_K_M's 4.9 GB of weights plus 0.5 GB of KV cache and
	// the buffers do not fit, Q3_K_M does.
	if share := 0.6; p.Device.UsableBytes != int64(share*8*(1<<30)) {
		t.Errorf("usable %d", p.Device.UsableBytes)
	}
	byType := map[string]results.PlanCandidate{}
	for _, c := range p.Candidates {
		byType[c.FileType] = c
		if c.TotalBytes != c.WeightsBytes+c.KVBytes+c.ComputeBytes+c.RepackBytes+c.OverheadBytes {
			t.Errorf("%s: total %d is not the sum of its parts", c.FileType, c.TotalBytes)
		}
	}
	if byType["Q4_K_M"].Fits || !byType["Q3_K_M"].Fits || p.Recommended != "Q3_K_M" {
		t.Errorf("Q4_K_M fits %v, Q3_K_M fits %v, recommended %q", byType["Q4_K_M"].Fits, byType["Q3_K_M"].Fits, p.Recommended)
	}
	// KV cache: 2 × 32 layers × 4096 × 8 heads × 128 × 2 bytes.
	if kv := byType["Q8_0"].KVBytes; kv != 2*32*4096*8*128*2 {
		t.Errorf("KV %d", kv)
	}
	// Decode ceiling: 51.2 GB/s over the Q4_K_M weights less the token embedding.
	q4 := byType["Q4_K_M"]
	embd := int64(128256 * 4096 / 256 * 144)
	want := 51.2e9 / float64(q4.WeightsBytes-embd)
	if diff := q4.DecodeCeilingTokS - want; diff > 1e-9 || diff < -1e-9 {
		t.Errorf("decode ceiling %.4f, want %.4f", q4.DecodeCeilingTokS, want)
	}
	if q4.DecodeTokS != q4.DecodeCeilingTokS*DefaultDecodeEfficiency {
		t.Error("decode prediction is not ceiling × efficiency")
	}
}

func TestGPUSplit(t *testing.T) {
	s, d := catalog(t, "llama-3.1-8b", "laptop-rtx-4060-8gb")
	p, err := Make(s, d, Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range p.Candidates {
		if c.VRAMBytes > p.Device.UsableVRAMBytes {
			t.Errorf("%s: %d bytes on a GPU with %d usable", c.FileType, c.VRAMBytes, p.Device.UsableVRAMBytes)
		}
		if c.RAMBytes+c.VRAMBytes < c.TotalBytes {
			t.Errorf("%s: RAM %d + VRAM %d < total %d", c.FileType, c.RAMBytes, c.VRAMBytes, c.TotalBytes)
		}
		switch c.FileType {
		case "Q4_K_M":
			if c.GPULayers != 32 {
				t.Errorf("Q4_K_M: %d layers on an 8 GB GPU, want all 32", c.GPULayers)
			}
		case "F16":
			if c.GPULayers == 0 || c.GPULayers == 32 {
				t.Errorf("F16: %d layers on the GPU, want a partial offload", c.GPULayers)
			}
		}
	}
}

func TestFit(t *testing.T) {
	s, d := catalog(t, "llama-3.1-8b", "iphone-15-pro")
	if _, err := Fit(s, gguf.FileTypeQ2_K, d.Profile, Options{}); err != nil {
		t.Errorf("Q2_K: %v", err)
	}
	c, err := Fit(s, gguf.FileTypeQ8_0, d.Profile, Options{})
	if !errors.Is(err, ErrDoesNotFit) || !strings.Contains(err.Error(), "GB") || c.Fits {
		t.Errorf("Q8_0: err = %v, fits %v; want ErrDoesNotFit with figures", err, c.Fits)
	}
	if _, err := Fit(s, gguf.FileTypeQ2_K, d.Profile, Options{Context: 131072}); !errors.Is(err, ErrDoesNotFit) {
		t.Errorf("Q2_K at 128K context: err = %v, want ErrDoesNotFit", err)
	}
}

func TestUsable(t *testing.T) {
	const g = int64(1 << 30)
	tests := []struct {
		name string
		mem  results.Memory
		os   string
		want int64
	}{
		{"share", results.Memory{TotalBytes: uint64(8 * g), UsableShare: 0.5}, "ios", 4 * g},
		{"available less headroom", results.Memory{TotalBytes: uint64(16 * g), AvailableBytes: uint64(10 * g)}, "linux", 10*g - frac(0.05*16, g)},
		{"cgroup", results.Memory{TotalBytes: uint64(16 * g), AvailableBytes: uint64(10 * g), CgroupLimitBytes: uint64(2 * g)}, "linux", 2*g - frac(0.05*16, g)},
		{"minimum headroom", results.Memory{TotalBytes: uint64(4 * g), AvailableBytes: uint64(3 * g)}, "linux", 3*g - osHeadroomMin},
		{"android", results.Memory{TotalBytes: uint64(12 * g), AvailableBytes: uint64(9 * g)}, "android", 6*g - frac(0.05*12, g)},
		{"nothing", results.Memory{TotalBytes: uint64(g / 4), AvailableBytes: uint64(g / 8)}, "linux", 0},
	}
	for _, tt := range tests {
		d := results.Device{Memory: tt.mem}
		d.Host.OS = tt.os
		if got, how := usable(d); got != tt.want || how == "" {
			t.Errorf("%s: usable %d (%s), want %d", tt.name, got, how, tt.want)
		}
	}
}

// frac returns f × g bytes, rounded down as the planner does.
func frac(f float64, g int64) int64 { return int64(f * float64(g)) }

func TestUncalibratedUsesDefaults(t *testing.T) {
	s, _ := catalog(t, "llama-3.2-1b", "iphone-15-pro")
	var d results.Device
	d.Name = "this"
	d.CPU.LogicalCores = 4
	d.Memory = results.Memory{TotalBytes: 8 << 30, AvailableBytes: 6 << 30}
	d.Calibration.Skipped = true
	p, err := Make(s, DeviceSubject{Profile: d, Source: "detected"}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Device.Calibrated || p.Device.FiguresFrom != "defaults" || p.Device.BandwidthGBs != defaultReadGBs || len(p.Warnings) == 0 {
		t.Errorf("device %+v, warnings %v", p.Device, p.Warnings)
	}
}

func TestOptionsRejected(t *testing.T) {
	s, d := catalog(t, "llama-3.2-1b", "iphone-15-pro")
	for _, o := range []Options{{Context: -1}, {KVType: "q4_0"}, {Depth: 1 << 20}, {Efficiency: Efficiency{Decode: 2, Prefill: 0.5}}, {Runner: "vllm"}} {
		if _, err := Make(s, d, o); err == nil {
			t.Errorf("options %+v accepted", o)
		}
	}
}

func TestSlidingWindowKV(t *testing.T) {
	m, err := models.Lookup("gemma-3-1b")
	if err != nil {
		t.Fatal(err)
	}
	// 26 layers, every 6th global: layers 5, 11, 17, 23 keep the whole
	// context, the 22 others 512 + 512 tokens. One KV head of 256.
	perTok := int64(2 * 256 * 2)
	want := 4*perTok*32768 + 22*perTok*1024
	if got := kvBytes(m, 32768, "f16"); got != want {
		t.Errorf("KV %d, want %d", got, want)
	}
}

func TestRepackBytes(t *testing.T) {
	s, _ := catalog(t, "llama-3.2-1b", "raspberry-pi-5-8gb")
	l, err := recipe.Plan(gguf.FileTypeQ4_K_M, recipe.ShapeOf(s.Model))
	if err != nil {
		t.Fatal(err)
	}
	// Q4_K_M: the Q4_K matrices (467,140,608 bytes, see the recipe test) on x86.
	tests := []struct {
		arch     string
		features []string
		want     int64
	}{
		{"amd64", []string{"avx2", "fma"}, 467140608},
		{"amd64", []string{"sse4_2"}, 0},
		{"arm64", []string{"neon", "dotprod"}, 0}, // no Q4_0 in Q4_K_M
	}
	for _, tt := range tests {
		var d results.Device
		d.CPU.Arch, d.CPU.Features = tt.arch, tt.features
		if got := repackBytes(d, l); got != tt.want {
			t.Errorf("%s %v: %d, want %d", tt.arch, tt.features, got, tt.want)
		}
	}
	l0, _ := recipe.Plan(gguf.FileTypeQ4_0, recipe.ShapeOf(s.Model))
	var d results.Device
	d.CPU.Arch, d.CPU.Features = "arm64", []string{"dotprod"}
	if got, want := repackBytes(d, l0), l0.TypeBytes()[gguf.TypeQ4_0]; got != want {
		t.Errorf("arm64 Q4_0: %d, want every Q4_0 matrix, %d", got, want)
	}
}

// TestNativeRunner checks the native runner's memory terms against a hand
// count: no repack, no GPU split, a full-context KV cache on every layer
// (sliding-window ones included) and the engine's scratch buffers.
func TestNativeRunner(t *testing.T) {
	s, d := catalog(t, "gemma-3-1b", "laptop-rtx-4060-8gb")
	const ctx = 4096
	c, err := Fit(s, gguf.FileTypeQ4_0, d.Profile, Options{Context: ctx, Runner: RunnerNative})
	if err != nil {
		t.Fatal(err)
	}
	// gemma-3-1b: 26 layers, 1 KV head of 256, 4 query heads, embedding
	// 1152, ffn 6912, vocabulary 262144.
	wantKV := int64(26 * 2 * ctx * 256 * 2)
	perTok := int64(3*1152 + 3*4*256 + 4*256 + 3*6912 + 256)
	threads := int64(max(d.Profile.CPU.LogicalCores, 1))
	wantCompute := 4*(512*perTok+262144+threads*(4*ctx+256)) + 512*6912*34/32
	wantOverhead := int64(nativeOverheadFixed) + 262144*nativeOverheadPerToken
	if c.KVBytes != wantKV || c.ComputeBytes != wantCompute || c.RepackBytes != 0 || c.OverheadBytes != wantOverhead {
		t.Errorf("kv %d compute %d repack %d overhead %d, want %d %d 0 %d", c.KVBytes, c.ComputeBytes, c.RepackBytes, c.OverheadBytes, wantKV, wantCompute, wantOverhead)
	}
	if c.VRAMBytes != 0 || c.GPULayers != 0 || c.RAMBytes != c.TotalBytes {
		t.Errorf("native runner split onto the GPU: RAM %d VRAM %d layers %d of total %d", c.RAMBytes, c.VRAMBytes, c.GPULayers, c.TotalBytes)
	}
	if got := c.WeightsBytes + wantKV + wantCompute + wantOverhead; c.TotalBytes != got {
		t.Errorf("total %d, want %d", c.TotalBytes, got)
	}
	l, err := Fit(s, gguf.FileTypeQ4_0, d.Profile, Options{Context: ctx})
	if err != nil {
		t.Fatal(err)
	}
	if l.KVBytes >= c.KVBytes || l.VRAMBytes == 0 {
		t.Errorf("llamacpp: KV %d (want the sliding-window saving below %d), VRAM %d (want layers on the GPU)", l.KVBytes, c.KVBytes, l.VRAMBytes)
	}
}
