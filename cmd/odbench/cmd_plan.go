package main

import (
	"context"
	"errors"
	"fmt"
	modelstore "github.com/odbench/odbench/models"
	"os"
	"strings"
	"time"

	"github.com/odbench/odbench/profiles"
	"github.com/odbench/odbench/profiles/calibrate"
	"github.com/odbench/odbench/profiles/devices"
	"github.com/odbench/odbench/profiles/models"
	"github.com/odbench/odbench/profiles/plan"
	"github.com/odbench/odbench/profiles/probe"
)

func init() {
	register(command{name: "plan", summary: "Say which quantization of a model fits a device, and how fast it will run.", run: runPlan})
}

// quickCalibration is the time per figure of the calibration --device this runs.
const quickCalibration = 100 * time.Millisecond

func runPlan(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "plan", "plan --model FILE|ID [--device this|NAME|PROFILE.json] [--ctx N] [--kv f16|q8_0] [--runner llamacpp|native] [--quick] [--json]")
	modelArg := fs.String("model", "", "a GGUF file or a catalog model id: "+catalogIDs())
	deviceArg := fs.String("device", "this", "this (probe this machine), a catalog device id (odbench devices), or a saved profile (odbench detect --save)")
	ctxLen := fs.Int("ctx", plan.DefaultContext, "context length in tokens")
	kv := fs.String("kv", "f16", "KV cache type: f16 or q8_0")
	runner := fs.String("runner", plan.RunnerLlamaCpp, "engine whose memory use is planned: llamacpp (also Ollama, LM Studio) or native")
	minTokS := fs.Float64("min-tok-s", plan.DefaultMinTokS, "generation speed below which a quantization is not usable, tokens/s")
	quick := fs.Bool("quick", false, "with --device this: skip the one-second calibration and use conservative defaults")
	asJSON := fs.Bool("json", false, "print one JSON object (schema odbench/plan/v1) with every candidate")
	if err := parseFlags(fs, e, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	switch {
	case *modelArg == "":
		return usagef("--model is required")
	case *ctxLen < 1:
		return usagef("--ctx %d: want a positive number of tokens", *ctxLen)
	case *minTokS <= 0:
		return usagef("--min-tok-s %g: want a positive speed", *minTokS)
	}
	subj, err := planSubject(*modelArg)
	if err != nil {
		return err
	}
	dev, err := planDevice(ctx, *deviceArg, *quick)
	if err != nil {
		return err
	}
	p, err := plan.Make(subj, dev, plan.Options{Context: *ctxLen, KVType: *kv, MinTokS: *minTokS, Runner: *runner})
	if err != nil {
		return usagef("%v", err)
	}
	if *asJSON {
		return writeJSON(e.stdout, p)
	}
	return plan.WriteTable(e.stdout, p)
}

// catalogIDs lists the catalog model ids for --help.
func catalogIDs() string {
	all, err := models.All()
	if err != nil {
		return err.Error()
	}
	ids := make([]string, len(all))
	for i, m := range all {
		ids[i] = m.ID
	}
	return strings.Join(ids, ", ")
}

// planSubject resolves --model: a file (or a name from `odbench models`,
// such as ollama:llama3.2:1b) is read as GGUF, anything else is a catalog id.
func planSubject(arg string) (plan.Subject, error) {
	f, err := openModelArg(arg)
	if errors.Is(err, modelstore.ErrNotFound) {
		if strings.HasSuffix(strings.ToLower(arg), ".gguf") || strings.Contains(arg, ":") {
			return plan.Subject{}, err
		}
		m, err := models.Lookup(arg)
		if err != nil {
			return plan.Subject{}, usagef("--model: %v", err)
		}
		return plan.Subject{Model: m, Source: "catalog"}, nil
	}
	if err != nil {
		return plan.Subject{}, err
	}
	defer f.Close()
	return plan.FileSubject(f)
}

// planDevice resolves --device: "this" probes the machine (and calibrates
// it briefly unless quick), an existing file is a saved profile, anything
// else a catalog id.
func planDevice(ctx context.Context, arg string, quick bool) (plan.DeviceSubject, error) {
	if arg == "this" {
		d := probe.Detect(ctx, probe.Options{})
		d.Calibration.Skipped = true
		if !quick {
			c, err := calibrate.Run(ctx, calibrate.Options{
				Threads: d.CPU.LogicalCores, LLCBytes: d.CPU.L3Bytes, AvailableBytes: d.Memory.AvailableBytes, Duration: quickCalibration,
			})
			if err != nil {
				return plan.DeviceSubject{}, fmt.Errorf("calibrate this device: %w", err)
			}
			d.Calibration = c
		}
		return plan.DeviceSubject{Profile: d, Source: "detected"}, nil
	}
	if _, err := os.Stat(arg); err == nil {
		d, err := profiles.Load(arg)
		if err != nil {
			return plan.DeviceSubject{}, err
		}
		return plan.DeviceSubject{Profile: d, Source: arg}, nil
	}
	entry, err := devices.Lookup(arg)
	if errors.Is(err, devices.ErrUnknownDevice) {
		return plan.DeviceSubject{}, usagef("--device: %v", err)
	}
	if err != nil {
		return plan.DeviceSubject{}, err
	}
	return plan.DeviceSubject{Profile: entry.Profile, Source: "catalog"}, nil
}
