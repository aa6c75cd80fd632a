package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/odbench/odbench/results"
)

func init() {
	register(command{name: "version", summary: "Print odbench's version and build.", run: runVersion})
}

// versionInfo is the --json output of odbench version.
type versionInfo struct {
	Schema    string `json:"schema"`
	Version   string `json:"version"`
	GoVersion string `json:"go_version"`
	OS        string `json:"os"`
	Arch      string `json:"arch"`
}

func runVersion(ctx context.Context, e env, args []string) error {
	fs := newFlags(e, "version", "version [--json]")
	asJSON := fs.Bool("json", false, "print one JSON object")
	if err := parseFlags(fs, e, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return usagef("unexpected argument %q", fs.Arg(0))
	}
	v := versionInfo{Schema: results.Schema("version"), Version: "(devel)", GoVersion: runtime.Version(), OS: runtime.GOOS, Arch: runtime.GOARCH}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		v.Version = bi.Main.Version
	}
	if *asJSON {
		return writeJSON(e.stdout, v)
	}
	_, err := fmt.Fprintf(e.stdout, "odbench %s (%s, %s/%s)\n", v.Version, v.GoVersion, v.OS, v.Arch)
	return err
}
