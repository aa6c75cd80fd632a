package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/odbench/odbench/gguf"
	"github.com/odbench/odbench/profiles/models"
	"github.com/odbench/odbench/profiles/plan"
	"github.com/odbench/odbench/results"
	"github.com/odbench/odbench/runners/llamacpp"
	"github.com/odbench/odbench/synth"
)

// envRSSChild holds the odbench arguments (separated by rssArgSep) that
// TestPlanRSSChild runs when the test binary is re-executed as the child
// process of TestPlanPredictsPeakRSS.
const (
	envRSSChild = "ODBENCH_PLAN_RSS_CHILD"
	rssArgSep   = "\x1f"
)

// TestPlanRSSChild is the child process of TestPlanPredictsPeakRSS: it runs
// odbench's own bench command, so that the peak RSS it saves is that of a
// process which did nothing else.
func TestPlanRSSChild(t *testing.T) {
	args := os.Getenv(envRSSChild)
	if args == "" {
		t.Skip("runs only as the child process of TestPlanPredictsPeakRSS")
	}
	if code := runMain(context.Background(), strings.Split(args, rssArgSep), env{stdout: io.Discard, stderr: os.Stderr}); code != exitOK {
		t.Fatalf("odbench %s: exit %d", strings.ReplaceAll(args, rssArgSep, " "), code)
	}
}

// raceBuild reports whether this binary was built with the race detector,
// whose shadow memory would make the child's RSS no measure of odbench's.
func raceBuild() bool {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range bi.Settings {
		if s.Key == "-race" && s.Value == "true" {
			return true
		}
	}
	return false
}

// TestPlanPredictsPeakRSS checks issue 3's promise: plan's predicted peak
// memory for a model that a runner then runs is within 5% of the peak RSS
// that `odbench bench` measures for it (a 512-token prompt in a 512-token
// context), for the native runner and, where its library is installed,
// for llama.cpp.
func TestPlanPredictsPeakRSS(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("peak RSS is read from /proc/self/status (VmHWM) on Linux only")
	}
	if testing.Short() {
		t.Skip("runs two real benchmarks in child processes; skipped with -short")
	}
	if raceBuild() {
		t.Skip("built with -race: the race detector's shadow memory would be part of the child's peak RSS")
	}
	const nCtx = 512
	ctx := context.Background()
	dir := t.TempDir()
	m, err := models.Lookup("smollm2-135m")
	if err != nil {
		t.Fatal(err)
	}
	model := filepath.Join(dir, "smollm2-135m-Q4_0.gguf")
	if _, err := synth.Write(ctx, model, synth.Options{Model: m, FileType: gguf.FileTypeQ4_0, Seed: 1}); err != nil {
		t.Fatal(err)
	}
	f, err := gguf.Open(model)
	if err != nil {
		t.Fatal(err)
	}
	subj, err := plan.FileSubject(f)
	f.Close()
	if err != nil {
		t.Fatal(err)
	}
	dev, err := planDevice(ctx, "this", true)
	if err != nil {
		t.Fatal(err)
	}
	for _, runner := range []string{plan.RunnerNative, plan.RunnerLlamaCpp} {
		t.Run(runner, func(t *testing.T) {
			if runner == plan.RunnerLlamaCpp {
				if _, err := llamacpp.FindLibrary(""); err != nil {
					t.Skipf("llama.cpp library not installed (run make llama-lib): %v", err)
				}
			}
			c, err := plan.Fit(subj, gguf.FileTypeQ4_0, dev.Profile, plan.Options{Context: nCtx, Runner: runner})
			if err != nil {
				t.Fatal(err)
			}
			measured := childPeakRSS(t, filepath.Join(dir, runner+".json"), "bench", "--runner", runner, "--model", model,
				"-p", fmt.Sprint(nCtx), "-n", "0", "-r", "1", "--no-calibrate")
			diff := float64(c.TotalBytes-measured) / float64(measured)
			t.Logf("%s: predicted %.1f MiB (weights %.1f, KV %.1f, compute %.1f, repack %.1f, overhead %.1f), measured peak RSS %.1f MiB: %+.1f%%",
				runner, mib(c.TotalBytes), mib(c.WeightsBytes), mib(c.KVBytes), mib(c.ComputeBytes), mib(c.RepackBytes), mib(c.OverheadBytes), mib(measured), 100*diff)
			if diff > 0.05 || diff < -0.05 {
				t.Errorf("predicted peak memory %.1f MiB is %+.1f%% off the measured peak RSS %.1f MiB; want within 5%%", mib(c.TotalBytes), 100*diff, mib(measured))
			}
		})
	}
}

// childPeakRSS runs odbench with args and --save save in a child process
// and returns the largest peak RSS among the saved results.
func childPeakRSS(t *testing.T, save string, args ...string) int64 {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestPlanRSSChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), envRSSChild+"="+strings.Join(append(args, "--save", save), rssArgSep))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child odbench %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	var doc results.Bench
	if err := results.ReadJSONFile(save, results.BenchSchema, &doc); err != nil {
		t.Fatal(err)
	}
	var peak int64
	for _, r := range doc.Results {
		peak = max(peak, int64(r.PeakRSSBytes))
	}
	if peak == 0 {
		t.Fatalf("%s holds no peak RSS", save)
	}
	return peak
}

func mib(b int64) float64 { return float64(b) / (1 << 20) }
