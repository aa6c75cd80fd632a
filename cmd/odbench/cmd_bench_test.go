package main

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/odbench/odbench/results"
	"github.com/odbench/odbench/results/schema"
	"github.com/odbench/odbench/runners/llamacpp"
	"github.com/odbench/odbench/runners/runnertest"
)

// tinyModel writes the tiny test model, skipping the test without the llama.cpp library.
func tinyModel(t *testing.T) string {
	t.Helper()
	if _, err := llamacpp.FindLibrary(""); err != nil {
		t.Skipf("llama.cpp library absent (run `make llama-lib`): %v", err)
	}
	return runnertest.WriteLlama(t, t.TempDir(), "tiny.gguf", 1)
}

func benchCmd(t *testing.T, ctx context.Context, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := runMain(ctx, args, env{stdout: &out, stderr: &errb})
	return code, out.String(), errb.String()
}

func TestBenchJSONAndSave(t *testing.T) {
	model := tinyModel(t)
	save := filepath.Join(t.TempDir(), "bench.json")
	code, out, errs := benchCmd(t, context.Background(), "bench", "--runner", "llamacpp", "--model", model, "-p", "8,16", "-n", "4", "-pg", "4,2", "-d", "0,8",
		"-r", "2", "-t", "1", "-b", "2048,8", "--bandwidth", "20", "--flops", "50", "--json", "--save", save)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if err := schema.Validate("bench.v1.json", []byte(out)); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	var doc results.Bench
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	// (2 pp + 1 tg + 1 pg) × 2 depths × 2 batch sizes.
	if len(doc.Results) != 16 || doc.Device == nil || doc.Device.Calibration.ReadGBsAll != 20 {
		t.Fatalf("%d results, device %+v", len(doc.Results), doc.Device)
	}
	names := map[string]bool{}
	for _, r := range doc.Results {
		names[r.Test] = true
		if r.Runner != "llamacpp" || r.NThreads != 1 || r.Repetitions != 2 || len(r.SamplesTs) != 2 || r.AvgTs <= 0 || r.CeilingShare <= 0 || r.PeakRSSBytes == 0 {
			t.Fatalf("result %+v", r)
		}
		if (r.NPrompt > 0) != (r.TTFTMs > 0) {
			t.Fatalf("%s: TTFT %g", r.Test, r.TTFTMs)
		}
	}
	for _, want := range []string{"pp8", "pp16", "tg4", "pp4+tg2", "pp8 @ d8", "tg4 @ d8", "pp4+tg2 @ d8"} {
		if !names[want] {
			t.Fatalf("no %s among %v", want, names)
		}
	}
	saved, err := os.ReadFile(save)
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate("bench.v1.json", saved); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(errs, "odbench bench: pp8: repetition 2/2") {
		t.Fatalf("no progress lines on a non-terminal stderr:\n%s", errs)
	}
}

func TestBenchFormats(t *testing.T) {
	model := tinyModel(t)
	for _, f := range []string{"table", "md", "csv", "jsonl"} {
		t.Run(f, func(t *testing.T) {
			code, out, errs := benchCmd(t, context.Background(), "bench", "--model", model, "-p", "8", "-n", "2", "-r", "1", "-t", "1", "--no-calibrate", "-o", f)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errs)
			}
			switch f {
			case "table", "md":
				if !strings.Contains(out, "pp8") || !strings.Contains(out, "tg2") || !strings.Contains(out, "ceilings omitted: no device profile") {
					t.Fatalf("output:\n%s", out)
				}
			case "csv":
				rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
				if err != nil || len(rows) != 3 || rows[0][0] != "runner" {
					t.Fatalf("csv rows %v, %v", rows, err)
				}
			case "jsonl":
				lines := strings.Split(strings.TrimSpace(out), "\n")
				var r results.BenchResult
				if len(lines) != 2 || json.Unmarshal([]byte(lines[1]), &r) != nil || r.Test != "tg2" {
					t.Fatalf("jsonl:\n%s", out)
				}
			}
		})
	}
}

// cancelOn is a stderr that cancels a context when a progress line holds a phrase.
type cancelOn struct {
	bytes.Buffer
	phrase string
	cancel context.CancelFunc
}

func (c *cancelOn) Write(p []byte) (int, error) {
	if strings.Contains(string(p), c.phrase) {
		c.cancel()
	}
	return c.Buffer.Write(p)
}

func TestBenchInterrupted(t *testing.T) {
	model := tinyModel(t)
	save := filepath.Join(t.TempDir(), "partial.json")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Ctrl-C after the first repetition of the tg test.
	errb := &cancelOn{phrase: "tg4: repetition 1/3", cancel: cancel}
	var out bytes.Buffer
	code := runMain(ctx, []string{"bench", "--model", model, "-p", "8", "-n", "4", "-r", "3", "-t", "1", "--no-calibrate", "--save", save, "-o", "md"}, env{stdout: &out, stderr: errb})
	if code != exitInterrupted {
		t.Fatalf("exit %d, want %d: %s", code, exitInterrupted, errb.String())
	}
	if !strings.Contains(out.String(), "| pp8 |") || !strings.Contains(out.String(), "| tg4 |") || !strings.Contains(out.String(), "interrupted") {
		t.Fatalf("printed:\n%s", out.String())
	}
	var doc results.Bench
	if err := results.ReadJSONFile(save, results.BenchSchema, &doc); err != nil {
		t.Fatal(err)
	}
	if !doc.Interrupted || len(doc.Results) != 2 || doc.Results[0].Repetitions != 3 || doc.Results[1].Repetitions != 1 {
		t.Fatalf("saved: interrupted %v, %d results", doc.Interrupted, len(doc.Results))
	}
	// Interrupted before anything was measured: exit 130, nothing saved.
	ctx2, cancel2 := context.WithCancel(context.Background())
	cancel2()
	empty := filepath.Join(t.TempDir(), "none.json")
	if code, _, errs := benchCmd(t, ctx2, "bench", "--model", model, "-r", "1", "--no-calibrate", "--save", empty); code != exitInterrupted {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if _, err := os.Stat(empty); !os.IsNotExist(err) {
		t.Fatalf("a result file was saved without results: %v", err)
	}
}

func TestBenchCalibratesAndChecksFit(t *testing.T) {
	model := tinyModel(t)
	// Without a profile or rates, a quick calibration gives the ceilings.
	code, out, errs := benchCmd(t, context.Background(), "bench", "--model", model, "-p", "8", "-n", "0", "-r", "1", "-t", "1", "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc results.Bench
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Device == nil || doc.Device.Calibration.Source != "measured" || doc.Results[0].CeilingTs <= 0 {
		t.Fatalf("device %+v, result %+v", doc.Device, doc.Results[0])
	}
	// A device with 1 MiB of memory: the planner refuses before loading; --force loads.
	dev := filepath.Join(t.TempDir(), "small.json")
	small := results.Device{Schema: results.DeviceSchema, Name: "small", Memory: results.Memory{TotalBytes: 1 << 20, AvailableBytes: 1 << 20},
		Calibration: results.Calibration{ReadGBsAll: 1, FP32GFLOPSAll: 1}}
	if err := results.WriteJSONFile(dev, small); err != nil {
		t.Fatal(err)
	}
	code, _, errs = benchCmd(t, context.Background(), "bench", "--model", model, "-p", "8", "-n", "0", "-r", "1", "--device", dev)
	if code != exitFailure || !strings.Contains(errs, "does not fit") || !strings.Contains(errs, "--force") {
		t.Fatalf("exit %d: %s", code, errs)
	}
	code, out, errs = benchCmd(t, context.Background(), "bench", "--model", model, "-p", "8", "-n", "0", "-r", "1", "--device", dev, "--force", "-o", "md")
	if code != exitOK || !strings.Contains(out, "loaded with --force although") {
		t.Fatalf("exit %d: %s\n%s", code, errs, out)
	}
}

func TestBenchUsage(t *testing.T) {
	for _, args := range [][]string{
		{"bench"},
		{"bench", "--model", "m.gguf", "-p", "x"},
		{"bench", "--model", "m.gguf", "-pg", "512"},
		{"bench", "--model", "m.gguf", "-fa", "2"},
		{"bench", "--model", "m.gguf", "-b", "0"},
		{"bench", "--model", "m.gguf", "-o", "xml"},
		{"bench", "--model", "m.gguf", "--runner", "nosuch"},
		{"bench", "--model", "m.gguf", "-p", "0", "-n", "0"},
		{"run", "--model", "m.gguf"},
		{"run", "-p", "hi"},
	} {
		if code, _, errs := benchCmd(t, context.Background(), args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d: %s", args, code, exitUsage, errs)
		}
	}
	code, _, errs := benchCmd(t, context.Background(), "bench", "--model", filepath.Join(t.TempDir(), "missing.gguf"), "-r", "1")
	if code != exitFailure || !strings.Contains(errs, "missing.gguf") {
		t.Errorf("missing model: exit %d: %s", code, errs)
	}
}

func TestRun(t *testing.T) {
	model := tinyModel(t)
	code, out, errs := benchCmd(t, context.Background(), "run", "--model", model, "-p", "in the", "-n", "8", "--temp", "0", "-t", "1", "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var r runResult
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r.Schema != "odbench/run/v1" || r.PromptTokens != 3 || r.GenTokens == 0 || r.Text == "" {
		t.Fatalf("run result %+v", r)
	}
	// Streaming prints the same text at temperature 0 (JSON spells invalid UTF-8 as U+FFFD).
	code, streamed, errs := benchCmd(t, context.Background(), "run", "--model", model, "-p", "in the", "-n", "8", "--temp", "0", "-t", "1")
	var viaJSON string
	data, _ := json.Marshal(strings.TrimSuffix(streamed, "\n"))
	_ = json.Unmarshal(data, &viaJSON)
	if code != exitOK || viaJSON != r.Text || !strings.Contains(errs, "prompt tokens") {
		t.Fatalf("exit %d, streamed %q, want %q; stderr %s", code, streamed, r.Text, errs)
	}
}

// TestBenchDefaultRunner checks that bench without --runner measures with the
// embedded native engine, which needs no library.
func TestBenchDefaultRunner(t *testing.T) {
	model := runnertest.WriteLlama(t, t.TempDir(), "tiny.gguf", 2)
	code, out, errs := benchCmd(t, context.Background(), "bench", "--model", model, "-p", "8", "-n", "4",
		"-r", "2", "-t", "1", "--bandwidth", "20", "--flops", "50", "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var doc results.Bench
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Results) != 2 {
		t.Fatalf("%d results, want pp8 and tg4", len(doc.Results))
	}
	for _, r := range doc.Results {
		if r.Runner != defaultRunner || r.AvgTs <= 0 || len(r.SamplesTs) != 2 {
			t.Fatalf("result %+v", r)
		}
	}
}
