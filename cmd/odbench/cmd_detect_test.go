package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/odbench/odbench/profiles"
	"github.com/odbench/odbench/results"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// run runs odbench with args and returns the exit code, stdout and stderr.
func run(ctx context.Context, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := runMain(ctx, args, env{stdout: &out, stderr: &errb})
	return code, out.String(), errb.String()
}

// TestDetectLoadGolden shows a saved profile of another machine as JSON
// and as tables, compared with golden files.
func TestDetectLoadGolden(t *testing.T) {
	for _, tt := range []struct {
		golden string
		args   []string
	}{
		{"detect_load.golden.json", []string{"detect", "--load", "testdata/detect_profile.json", "--json"}},
		{"detect_load.golden", []string{"detect", "--load", "testdata/detect_profile.json"}},
	} {
		t.Run(tt.golden, func(t *testing.T) {
			code, out, errs := run(context.Background(), tt.args...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errs)
			}
			golden := filepath.Join("testdata", tt.golden)
			if *update {
				if err := os.WriteFile(golden, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if out != string(want) {
				t.Errorf("output differs from %s (go test -update rewrites it):\n%s", golden, out)
			}
		})
	}
}

// TestDetectQuickSaveLoad probes this machine without calibration, saves
// the profile and reads it back.
func TestDetectQuickSaveLoad(t *testing.T) {
	path := filepath.Join(t.TempDir(), "me.json")
	code, out, errs := run(context.Background(), "detect", "--quick", "--json", "--save", path)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var printed results.Device
	if err := json.Unmarshal([]byte(out), &printed); err != nil {
		t.Fatalf("not one JSON object: %v\n%s", err, out)
	}
	if printed.Schema != "odbench/device/v1" || !printed.Calibration.Skipped || printed.CPU.LogicalCores < 1 || printed.Memory.TotalBytes == 0 {
		t.Errorf("profile = %+v: want schema odbench/device/v1, calibration skipped, cores and memory found", printed)
	}
	saved, err := profiles.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if saved.CPU.Model != printed.CPU.Model || saved.Memory.TotalBytes != printed.Memory.TotalBytes {
		t.Errorf("saved profile differs from the printed one")
	}
}

// TestDetectInterruptedSaves checks that Ctrl-C during calibration exits
// 130 and still saves what was probed.
func TestDetectInterruptedSaves(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	path := filepath.Join(t.TempDir(), "partial.json")
	code, _, errs := run(ctx, "detect", "--json", "--save", path)
	if code != exitInterrupted {
		t.Fatalf("exit %d, want %d: %s", code, exitInterrupted, errs)
	}
	d, err := profiles.Load(path)
	if err != nil {
		t.Fatalf("partial profile not saved: %v", err)
	}
	if d.Calibration.Skipped || d.Calibration.Kernel == "" {
		t.Errorf("calibration = %+v: want the interrupted run's kernel recorded", d.Calibration)
	}
}

func TestDetectErrors(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(bad, []byte(`{"schema":"odbench/device/v1","cpu":{"logical_cores":0}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"extra argument", []string{"detect", "x"}, exitUsage, "unexpected argument"},
		{"negative threads", []string{"detect", "--threads", "-1"}, exitUsage, "--threads"},
		{"load with quick", []string{"detect", "--load", "x.json", "--quick"}, exitUsage, "--load"},
		{"missing profile", []string{"detect", "--load", filepath.Join(t.TempDir(), "none.json")}, exitFailure, "none.json"},
		{"invalid profile", []string{"detect", "--load", bad}, exitFailure, "logical_cores"},
		{"help", []string{"detect", "--help"}, exitOK, ""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errs := run(context.Background(), tt.args...)
			if code != tt.code || !strings.Contains(errs, tt.msg) {
				t.Errorf("exit %d, stderr %q; want exit %d mentioning %q", code, errs, tt.code, tt.msg)
			}
		})
	}
}
