package report

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/odbench/odbench/results"
	"github.com/odbench/odbench/results/schema"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// fixture is a fixed result set: two option sets (n_batch varies), a
// depth, an interrupted test with one repetition, energy on one row.
func fixture() *results.Bench {
	ts := time.Date(2026, 11, 24, 22, 0, 0, 0, time.UTC)
	base := results.BenchResult{
		Runner: "llamacpp", ModelFilename: "llama-3.2-1b-q4_0.gguf", ModelType: "llama 1B Q4_0",
		ModelSize: 763_101_184, ModelNParams: 1_235_814_400, NBatch: 2048, NUBatch: 512, NThreads: 2,
		TypeK: "f16", TypeV: "f16", UseMmap: true, LoadMs: 412.5, PeakRSSBytes: 1_010_000_000,
	}
	pp, tg, pg, short := base, base, base, base
	pp.Test, pp.NPrompt, pp.TestTime = "pp512", 512, ts
	pp.AvgNs, pp.StddevNs, pp.AvgTs, pp.StddevTs = 4_000_000_000, 31_250_000, 128, 1
	pp.SamplesNs, pp.SamplesTs, pp.Repetitions = []uint64{3_968_992_248, 4_031_496_063}, []float64{129, 127}, 2
	pp.TTFTMs, pp.CeilingTs, pp.CeilingShare = 4001.25, 256, 0.5
	tg.Test, tg.NGen, tg.TestTime = "tg128", 128, ts.Add(time.Minute)
	tg.AvgNs, tg.StddevNs, tg.AvgTs, tg.StddevTs = 3_764_705_882, 110_726_643, 34, 1
	tg.SamplesNs, tg.SamplesTs, tg.Repetitions = []uint64{3_657_142_857, 3_878_787_879}, []float64{35, 33}, 2
	tg.CeilingTs, tg.CeilingShare, tg.JoulesPerToken, tg.EnergySource = 40, 0.85, 0.5, "rapl"
	pg.Test, pg.NPrompt, pg.NGen, pg.NDepth, pg.TestTime = "pp512+tg128 @ d4096", 512, 128, 4096, ts.Add(2*time.Minute)
	pg.AvgNs, pg.AvgTs, pg.SamplesNs, pg.SamplesTs, pg.Repetitions = 8_000_000_000, 80, []uint64{8_000_000_000}, []float64{80}, 1
	pg.TTFTMs = 5000
	short.NBatch, short.Test, short.NPrompt, short.TestTime = 256, "pp512", 512, ts.Add(3*time.Minute)
	short.AvgNs, short.AvgTs, short.SamplesNs, short.SamplesTs, short.Repetitions = 4_266_666_667, 120, []uint64{4_266_666_667}, []float64{120}, 1
	return &results.Bench{
		Schema: results.BenchSchema, CreatedAt: ts, Interrupted: true,
		Device: &results.Device{Schema: results.DeviceSchema, Name: "this", CreatedAt: ts,
			CPU:         results.CPUInfo{Model: "AMD EPYC 9R14", Arch: "amd64", LogicalCores: 2},
			Calibration: results.Calibration{ReadGBsAll: 30, FP32GFLOPSAll: 150, Int8GOPSAll: 600, Source: "measured"}},
		Notes:   []string{"energy per token omitted on rows without it: no readable RAPL counter"},
		Results: []results.BenchResult{pp, tg, pg, short},
	}
}

func TestWriteBenchGolden(t *testing.T) {
	for _, f := range Formats {
		t.Run(string(f), func(t *testing.T) {
			var buf bytes.Buffer
			if err := WriteBench(&buf, fixture(), f); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", "bench."+string(f)+".golden")
			if *update {
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./report -update)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Fatalf("%s output differs from %s:\n%s", f, golden, buf.String())
			}
		})
	}
}

func TestJSONOutputValidates(t *testing.T) {
	var buf bytes.Buffer
	if err := WriteBench(&buf, fixture(), JSON); err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate("bench.v1.json", buf.Bytes()); err != nil {
		t.Fatal(err)
	}
}

func TestParseFormat(t *testing.T) {
	for _, f := range Formats {
		if got, err := ParseFormat(string(f)); err != nil || got != f {
			t.Errorf("ParseFormat(%q) = %q, %v", f, got, err)
		}
	}
	if _, err := ParseFormat("html"); err == nil {
		t.Error("ParseFormat(html) succeeded")
	}
	if err := WriteBench(&bytes.Buffer{}, fixture(), "xml"); err == nil {
		t.Error("WriteBench accepted an unknown format")
	}
}

func TestBytes(t *testing.T) {
	for n, want := range map[uint64]string{0: "0 B", 1023: "1023 B", 1024: "1.00 KiB", 763_101_184: "727.75 MiB", 3 << 30: "3.00 GiB"} {
		if got := Bytes(n); got != want {
			t.Errorf("Bytes(%d) = %q, want %q", n, got, want)
		}
	}
}
