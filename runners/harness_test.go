package runners

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/odbench/odbench/results"
)

func TestTestName(t *testing.T) {
	for _, tt := range []struct {
		t    Test
		want string
	}{
		{Test{NPrompt: 512}, "pp512"},
		{Test{NGen: 128}, "tg128"},
		{Test{NPrompt: 512, NGen: 128}, "pp512+tg128"},
		{Test{NGen: 128, NDepth: 4096}, "tg128 @ d4096"},
	} {
		if got := tt.t.Name(); got != tt.want {
			t.Errorf("%+v: %q, want %q", tt.t, got, tt.want)
		}
	}
}

func TestSummarize(t *testing.T) {
	for _, tt := range []struct {
		xs           []float64
		mean, stddev float64
	}{
		{nil, 0, 0},
		{[]float64{3}, 3, 0},
		{[]float64{2, 4, 4, 4, 5, 5, 7, 9}, 5, math.Sqrt(32.0 / 7)},
	} {
		s := Summarize(tt.xs)
		if math.Abs(s.Mean-tt.mean) > 1e-12 || math.Abs(s.Stddev-tt.stddev) > 1e-12 {
			t.Errorf("Summarize(%v) = %+v, want mean %g stddev %g", tt.xs, s, tt.mean, tt.stddev)
		}
	}
}

func TestMeasurementResult(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.FixedZone("x", 3600))
	meas := Measurement{
		Test: Test{NPrompt: 100, NGen: 100, NDepth: 8}, Start: start,
		Ns:     []uint64{1e9, 2e9},
		TTFTNs: []uint64{5e8, 7e8},
		Joules: []float64{10, 30}, EnergySource: "rapl",
		PeakRSS: 1 << 20,
	}
	r := meas.Result(results.BenchResult{Runner: "x", NThreads: 2})
	if r.Runner != "x" || r.NThreads != 2 || r.Test != "pp100+tg100 @ d8" || r.NPrompt != 100 || r.NGen != 100 || r.NDepth != 8 {
		t.Fatalf("identity fields: %+v", r)
	}
	if !r.TestTime.Equal(start) || r.TestTime.Location() != time.UTC {
		t.Fatalf("test_time %v", r.TestTime)
	}
	// 200 tokens in 1 s and 2 s: 200 and 100 t/s.
	if r.AvgNs != 1.5e9 || r.StddevNs != uint64(math.Round(math.Sqrt(0.5)*1e9)) || r.AvgTs != 150 || math.Abs(r.StddevTs-math.Sqrt(5000)) > 1e-9 {
		t.Fatalf("stats: avg_ns %d stddev_ns %d avg_ts %g stddev_ts %g", r.AvgNs, r.StddevNs, r.AvgTs, r.StddevTs)
	}
	if r.Repetitions != 2 || r.SamplesTs[0] != 200 || r.SamplesTs[1] != 100 || r.TTFTMs != 600 {
		t.Fatalf("samples %v, TTFT %g", r.SamplesTs, r.TTFTMs)
	}
	if r.JoulesPerToken != 20.0/200 || r.EnergySource != "rapl" || r.PeakRSSBytes != 1<<20 {
		t.Fatalf("J/token %g source %q", r.JoulesPerToken, r.EnergySource)
	}
	// No repetitions: no figures, no division by zero.
	empty := Measurement{Test: Test{NGen: 4}}.Result(results.BenchResult{})
	if empty.AvgTs != 0 || empty.Repetitions != 0 || empty.JoulesPerToken != 0 {
		t.Fatalf("empty measurement: %+v", empty)
	}
}

func TestCeiling(t *testing.T) {
	// A Llama-3.2-1B-like footprint, tied embeddings, Q4_0.
	fp := Footprint{WeightBytes: 700e6, MatmulParams: 973e6, HeadParams: 262.7e6, NLayer: 16, KVElems: 8 * 128 * 2, AttnMACs: 32 * 128 * 2, Quantized: true}
	r := Rates{ReadGBs: 30, FP32GFLOPS: 100, Int8GOPS: 500}
	// tg at depth 0: KV reads of 16 layers × 2048 elements × 2 bytes × mean context.
	tg := fp.Ceiling(Test{NGen: 128}, r, 2)
	kv := 16.0 * 2048 * 2 * (128.0 * 129 / 2)
	want := 128 / ((700e6*128 + kv) / 30e9)
	if math.Abs(tg-want) > 1e-9*want {
		t.Fatalf("tg128 ceiling %g, want %g", tg, want)
	}
	// Deeper caches read more: the ceiling falls.
	if deep := fp.Ceiling(Test{NGen: 128, NDepth: 4096}, r, 2); deep >= tg {
		t.Fatalf("tg128 @ d4096 ceiling %g not below %g", deep, tg)
	}
	// pp uses the int8 rate for quantized weights, fp32 otherwise.
	pp := fp.Ceiling(Test{NPrompt: 512}, r, 2)
	ops := 2*973e6*512 + 2*262.7e6 + 2*16*8192*(512.0*513/2)
	if want := 512 / (ops / 500e9); math.Abs(pp-want) > 1e-9*want {
		t.Fatalf("pp512 ceiling %g, want %g", pp, want)
	}
	fp.Quantized = false
	if f32 := fp.Ceiling(Test{NPrompt: 512}, r, 2); math.Abs(f32*5-pp) > 1e-6*pp {
		t.Fatalf("fp32 ceiling %g, want a fifth of %g", f32, pp)
	}
	// pg combines the two times.
	pg := fp.Ceiling(Test{NPrompt: 512, NGen: 128}, r, 2)
	if pg <= 0 || pg >= fp.Ceiling(Test{NPrompt: 512}, r, 2) {
		t.Fatalf("pg ceiling %g", pg)
	}
	// Unknown rates give no ceiling.
	if c := fp.Ceiling(Test{NGen: 1}, Rates{FP32GFLOPS: 1}, 2); c != 0 {
		t.Fatalf("tg without bandwidth: %g", c)
	}
	if c := fp.Ceiling(Test{NPrompt: 1}, Rates{ReadGBs: 1}, 2); c != 0 {
		t.Fatalf("pp without FLOP/s: %g", c)
	}
}

func TestAddCeilings(t *testing.T) {
	fp := &Footprint{WeightBytes: 1e9, MatmulParams: 1e9, NLayer: 1, KVElems: 1, AttnMACs: 1}
	doc := &results.Bench{Results: []results.BenchResult{
		{NGen: 10, AvgTs: 15, TypeK: "f16", TypeV: "f16"},
		{NPrompt: 10, AvgTs: 15, TypeK: "f16", TypeV: "q8_0"},
		{NGen: 10, AvgTs: 15, TypeK: "bogus", TypeV: "f16"},
	}}
	if note := AddCeilings(doc, fp); !strings.Contains(note, "no device profile") || doc.Results[0].CeilingTs != 0 {
		t.Fatalf("without a device: note %q, ceiling %g", note, doc.Results[0].CeilingTs)
	}
	if note := AddCeilings(doc, nil); !strings.Contains(note, "shape is unknown") {
		t.Fatalf("without a footprint: note %q", note)
	}
	doc.Device = &results.Device{Calibration: results.Calibration{ReadGBsAll: 30, FP32GFLOPSAll: 100}}
	if note := AddCeilings(doc, fp); note != "" {
		t.Fatal(note)
	}
	tg, pp, bad := doc.Results[0], doc.Results[1], doc.Results[2]
	if want := fp.Ceiling(Test{NGen: 10}, RatesOf(doc.Device), 2); tg.CeilingTs != want || tg.CeilingShare != 15/want {
		t.Fatalf("tg ceiling %g share %g, want %g", tg.CeilingTs, tg.CeilingShare, want)
	}
	if pp.CeilingTs <= 0 || bad.CeilingTs != 0 {
		t.Fatalf("pp ceiling %g, bad KV type ceiling %g", pp.CeilingTs, bad.CeilingTs)
	}
}

func TestKVBytesPerElem(t *testing.T) {
	for kv, want := range map[string]float64{"": 2, "f16": 2, "q8_0": 34.0 / 32, "F32": 4} {
		if got, err := KVBytesPerElem(kv); err != nil || got != want {
			t.Errorf("KVBytesPerElem(%q) = %g, %v; want %g", kv, got, err, want)
		}
	}
	if _, err := KVBytesPerElem("q9"); err == nil {
		t.Error("KVBytesPerElem(q9) succeeded")
	}
}

func TestRatesOf(t *testing.T) {
	if RatesOf(nil) != (Rates{}) {
		t.Fatal("nil device has rates")
	}
	d := &results.Device{Calibration: results.Calibration{ReadGBsAll: 30, ReadGBs1: 10, FP32GFLOPSAll: 100, Int8GOPSAll: 400}}
	if got := RatesOf(d); got != (Rates{ReadGBs: 30, FP32GFLOPS: 100, Int8GOPS: 400}) {
		t.Fatalf("RatesOf = %+v", got)
	}
}
