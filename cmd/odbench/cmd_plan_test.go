package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/odbench/odbench/gguf"
	"github.com/odbench/odbench/profiles/models"
	"github.com/odbench/odbench/results"
	"github.com/odbench/odbench/synth"
)

func odb(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = runMain(context.Background(), args, env{stdout: &out, stderr: &errb})
	return out.String(), errb.String(), code
}

// writeTinySynth writes a 2-layer Llama-shaped synthetic model.
func writeTinySynth(t *testing.T, path string) {
	t.Helper()
	m, err := models.Parse([]byte(`{"id":"tiny","name":"Tiny","architecture":"llama","layers":2,"embedding_size":256,
		"heads":4,"kv_heads":2,"head_size":64,"ffn_size":512,"vocab_size":2048,"max_context":4096,
		"rope":{"theta":10000},"norm_eps":1e-5,"source":"test"}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := synth.Write(context.Background(), path, synth.Options{Model: m, FileType: gguf.FileTypeQ4_K_M, Seed: 1}); err != nil {
		t.Fatal(err)
	}
}

func TestPlanCatalogJSON(t *testing.T) {
	out, errs, code := odb(t, "plan", "--model", "llama-3.1-8b", "--device", "iphone-15-pro", "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var p results.Plan
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if p.Schema != results.PlanSchema || len(p.Candidates) != 8 || p.Recommended == "" || p.Reason == "" {
		t.Fatalf("schema %q, %d candidates, recommended %q", p.Schema, len(p.Candidates), p.Recommended)
	}
	for _, c := range p.Candidates {
		if c.TotalBytes <= 0 || c.DecodeTokS <= 0 || c.PrefillTokS <= 0 || c.Verdict == "" || c.Reason == "" {
			t.Errorf("candidate %+v lacks figures", c)
		}
	}
}

func TestPlanFileAndProfile(t *testing.T) {
	dir := t.TempDir()
	model := filepath.Join(dir, "tiny.gguf")
	writeTinySynth(t, model)
	var dev results.Device
	dev.Schema, dev.Name = results.DeviceSchema, "saved"
	dev.CPU.LogicalCores = 2
	dev.Memory = results.Memory{TotalBytes: 4 << 30, AvailableBytes: 3 << 30}
	dev.Calibration = results.Calibration{ReadGBsAll: 20, FP32GFLOPSAll: 100, Source: "measured"}
	profile := filepath.Join(dir, "dev.json")
	if err := results.WriteJSONFile(profile, dev); err != nil {
		t.Fatal(err)
	}
	out, errs, code := odb(t, "plan", "--model", model, "--device", profile, "--ctx", "1024", "--kv", "q8_0")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"file type Q4_K_M", "(" + profile + ")", "Recommendation: F16", "KV cache q8_0", "measured figures"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestPlanUsage(t *testing.T) {
	tests := [][]string{
		{"plan"},
		{"plan", "--model", "no-such-model", "--device", "iphone-15-pro"},
		{"plan", "--model", "llama-3.2-1b", "--device", "no-such-device"},
		{"plan", "--model", "llama-3.2-1b", "--device", "iphone-15-pro", "--kv", "q4_0"},
		{"plan", "--model", "llama-3.2-1b", "--device", "iphone-15-pro", "--ctx", "0"},
	}
	for _, args := range tests {
		if _, errs, code := odb(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d; stderr %s", args, code, exitUsage, errs)
		}
	}
	if _, errs, code := odb(t, "plan", "--model", filepath.Join(t.TempDir(), "missing.gguf")); code != exitFailure || !strings.Contains(errs, "missing.gguf") {
		t.Errorf("missing file: exit %d, stderr %s", code, errs)
	}
}

func TestDevices(t *testing.T) {
	out, errs, code := odb(t, "devices", "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var v devicesInfo
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		t.Fatal(err)
	}
	if v.Schema != "odbench/devices/v1" || len(v.Devices) < 13 {
		t.Fatalf("schema %q, %d devices", v.Schema, len(v.Devices))
	}
	out, _, code = odb(t, "devices")
	if code != exitOK || !strings.Contains(out, "iphone-15-pro") || !strings.Contains(out, "RTX 4060") {
		t.Errorf("exit %d, table:\n%s", code, out)
	}
}

func TestSynthLike(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "src.gguf")
	writeTinySynth(t, src)
	dst := filepath.Join(dir, "dst.gguf")
	out, errs, code := odb(t, "synth", "--like", src, "--quant", "q8_0", "--seed", "9", "-o", dst, "--json")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var info synthInfo
	if err := json.Unmarshal([]byte(out), &info); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(dst)
	if err != nil {
		t.Fatal(err)
	}
	if info.FileType != "Q8_0" || info.FileBytes != st.Size() || info.TypeBytes["Q8_0"] == 0 || info.Tensors != 2+2*9+1 {
		t.Errorf("info %+v, file %d bytes", info, st.Size())
	}
}

func TestSynthUsage(t *testing.T) {
	dir := t.TempDir()
	tests := [][]string{
		{"synth", "-o", filepath.Join(dir, "a.gguf")},
		{"synth", "--model", "llama-3.2-1b"},
		{"synth", "--model", "llama-3.2-1b", "--like", "x.gguf", "-o", filepath.Join(dir, "a.gguf")},
		{"synth", "--model", "nope", "-o", filepath.Join(dir, "a.gguf")},
		{"synth", "--model", "llama-3.2-1b", "--quant", "IQ2_XXS", "-o", filepath.Join(dir, "a.gguf")},
	}
	for _, args := range tests {
		if _, errs, code := odb(t, args...); code != exitUsage {
			t.Errorf("%v: exit %d, want %d; stderr %s", args, code, exitUsage, errs)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("files left: %v", entries)
	}
}
