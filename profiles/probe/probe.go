// Package probe detects what a device is made of: its CPU, memory and the
// limits that bound this process, GPUs, host system, power source and
// thermal zones. It fills a results.Device without calibration figures
// (package calibrate measures those).
//
// Every probe fails alone: a file or tool that is missing or unreadable
// becomes one sentence in Device.Warnings, never an error of the whole
// detection and never a silent zero.
//
// The probes read their files under Options.Root and the output of the
// tools they run from Options.Root/cmd when Root is not this machine's root,
// so tests run against captured fixtures (testdata/) of other machines. For
// that reason the Linux, Android and macOS probe files carry no build tags:
// they read files and command output and parse them the same way on any
// host. Only the parts that call into this machine (NVML through purego,
// golang.org/x/sys/cpu, gopsutil's live calls on Windows and macOS) are
// limited to the machine they run on.
package probe

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/odbench/odbench/results"
)

// Options says which machine to probe.
type Options struct {
	// Root is the folder that /proc, /sys, /etc and captured command output
	// (Root/cmd/<tool>.txt) are read under. Empty or "/" means this machine:
	// tools are then run instead of read, and live-only probes (NVML, CPUID)
	// run too.
	Root string
	// OS selects the probe family: linux, android, darwin or windows. Empty
	// means runtime.GOOS.
	OS string
}

// prober carries one detection run: where to read, and the warnings so far.
type prober struct {
	root     string
	os       string
	live     bool
	warnings []string
}

// Detect probes the machine that o describes and returns its profile. It
// never fails: what could not be found is listed in Device.Warnings. The
// Calibration field is left as "not measured"; callers fill it from package
// calibrate or mark it skipped.
func Detect(ctx context.Context, o Options) results.Device {
	p := &prober{root: o.Root, os: o.OS}
	if p.root == "" {
		p.root = "/"
	}
	p.live = filepath.Clean(p.root) == "/"
	if p.os == "" {
		p.os = runtime.GOOS
	}
	d := results.Device{
		Schema:    results.DeviceSchema,
		Name:      "this",
		CreatedAt: time.Now().UTC().Truncate(time.Second),
		GPUs:      []results.GPU{},
	}
	d.Host.OS = p.os
	switch p.os {
	case "linux", "android":
		p.linux(ctx, &d)
	case "darwin":
		p.darwin(ctx, &d)
	case "windows":
		p.windows(ctx, &d)
	default:
		p.warnf("no probes exist for %s: CPU, memory and GPU are unknown", p.os)
	}
	if d.CPU.Arch == "" && p.live {
		d.CPU.Arch = runtime.GOARCH
	}
	if d.CPU.Features == nil {
		d.CPU.Features = []string{}
	}
	d.Memory.Unified = d.Memory.Unified || allUnified(d.GPUs)
	d.Warnings = p.warnings
	return d
}

// allUnified reports whether every GPU shares system memory (and at least one exists).
func allUnified(gpus []results.GPU) bool {
	for _, g := range gpus {
		if !g.Unified {
			return false
		}
	}
	return len(gpus) > 0
}

// warnf records one probe failure as a sentence.
func (p *prober) warnf(format string, args ...any) {
	p.warnings = append(p.warnings, fmt.Sprintf(format, args...))
}

// path returns the location of an absolute system path (such as
// "/proc/cpuinfo") under the probed root.
func (p *prober) path(name string) string {
	return filepath.Join(p.root, filepath.FromSlash(name))
}

// readFile reads a system file under the root.
func (p *prober) readFile(name string) ([]byte, error) {
	b, err := os.ReadFile(p.path(name))
	if pe := (*fs.PathError)(nil); errors.As(err, &pe) {
		return nil, fmt.Errorf("read %s: %w", name, pe.Err)
	} else if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	return b, nil
}

// readString reads a system file under the root and trims white space.
func (p *prober) readString(name string) (string, error) {
	b, err := p.readFile(name)
	return strings.TrimSpace(string(b)), err
}

// exists reports whether a system path exists under the root.
func (p *prober) exists(name string) bool {
	_, err := os.Stat(p.path(name))
	return err == nil
}

// glob lists system paths under the root matching pattern, returned as
// absolute system paths (without the root).
func (p *prober) glob(pattern string) []string {
	matches, _ := filepath.Glob(p.path(pattern))
	out := make([]string, 0, len(matches))
	for _, m := range matches {
		rel, err := filepath.Rel(p.root, m)
		if err != nil {
			continue
		}
		out = append(out, "/"+filepath.ToSlash(rel))
	}
	return out
}

// command returns a tool's standard output: run on this machine, or read
// from Root/cmd/<tool>.txt for a captured root.
func (p *prober) command(ctx context.Context, tool string, args ...string) ([]byte, error) {
	if !p.live {
		return p.readFile("/cmd/" + tool + ".txt")
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, tool, args...).Output()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit) && len(out) > 0:
		return out, nil // partial output, such as sysctl's when one name is unknown
	case err != nil:
		return nil, fmt.Errorf("run %s: %w", tool, err)
	}
	return out, nil
}
