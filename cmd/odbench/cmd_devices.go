package main

import (
	"context"

	"github.com/odbench/odbench/profiles/devices"
	"github.com/odbench/odbench/results"
)

func init() {
	register(command{name: "devices", summary: "List the reference devices plan can target.", run: runDevices})
}

// devicesInfo is the --json output of odbench devices.
type devicesInfo struct {
	Schema  string          `json:"schema"`
	Devices []devices.Entry `json:"devices"`
}

func runDevices(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "devices", "devices [--json]")
	asJSON := fs.Bool("json", false, "print one JSON object")
	if err := parseFlags(fs, e, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	all, err := devices.All()
	if err != nil {
		return err
	}
	if *asJSON {
		return writeJSON(e.stdout, devicesInfo{Schema: results.Schema("devices"), Devices: all})
	}
	return devices.WriteTable(e.stdout, all)
}
