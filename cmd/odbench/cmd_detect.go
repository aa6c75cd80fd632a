package main

import (
	"context"
	"fmt"

	"github.com/odbench/odbench/profiles"
	"github.com/odbench/odbench/profiles/calibrate"
	"github.com/odbench/odbench/profiles/probe"
	"github.com/odbench/odbench/profiles/render"
	"github.com/odbench/odbench/results"
)

func init() {
	register(command{name: "detect", summary: "Detect this device (CPU, memory, GPUs, power, thermal) and measure its ceilings.", run: runDetect})
}

func runDetect(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "detect", "detect [--quick] [--threads N] [--save FILE] [--json] | detect --load FILE [--json]")
	asJSON := fs.Bool("json", false, "print the profile as one JSON object (schema "+results.DeviceSchema+")")
	quick := fs.Bool("quick", false, "skip calibration: probes only, under half a second")
	threads := fs.Int("threads", 0, "threads for the all-core calibration figures (default: the CPUs this process may use)")
	save := fs.String("save", "", "write the profile to `FILE` (JSON) for plan and report, here or on another machine")
	load := fs.String("load", "", "show the saved profile `FILE` instead of probing this machine")
	if err := parseFlags(fs, e, args); err != nil {
		return err
	}
	switch {
	case fs.NArg() > 0:
		return usagef("unexpected argument %q", fs.Arg(0))
	case *threads < 0:
		return usagef("--threads must be at least 1, got %d", *threads)
	case *load != "" && (*quick || *save != "" || *threads != 0):
		return usagef("--load shows a saved profile: it takes no --quick, --save or --threads")
	}
	var d results.Device
	var calErr error
	if *load != "" {
		var err error
		if d, err = profiles.Load(*load); err != nil {
			return err
		}
	} else {
		d = probe.Detect(ctx, probe.Options{})
		if *quick {
			d.Calibration = results.Calibration{Skipped: true}
		} else {
			o := calibrate.OptionsFor(d)
			if *threads > 0 {
				o.Threads = *threads
			}
			d.Calibration, calErr = calibrate.Run(ctx, o)
		}
		if *save != "" {
			if err := results.WriteJSONFile(*save, d); err != nil {
				return err
			}
		}
	}
	var err error
	if *asJSON {
		err = writeJSON(e.stdout, d)
	} else {
		err = render.Table(e.stdout, d)
	}
	if calErr != nil {
		return fmt.Errorf("calibration: %w", calErr)
	}
	return err
}
