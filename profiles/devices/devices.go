// Package devices holds the catalog of reference devices (phones, laptops,
// single-board computers): one embedded JSON file per device with its
// memory, the share of it one app may use, memory bandwidth, CPU and GPU
// peak figures, and the sources of those figures. Each entry carries a
// results.Device profile, so the planner treats a catalog device and a
// detected one alike.
package devices

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/odbench/odbench/results"
)

// Entry is one reference device.
type Entry struct {
	ID   string `json:"id"`   // e.g. "iphone-15-pro"
	Name string `json:"name"` // display name
	Kind string `json:"kind"` // phone, laptop, sbc
	// MemoryBandwidthGBs is the theoretical peak of the memory bus, GB/s.
	MemoryBandwidthGBs float64 `json:"memory_bandwidth_gbs"`
	// Sources name where each figure comes from.
	Sources []string `json:"sources"`
	// Notes say how the usable share and the estimates were chosen.
	Notes string `json:"notes"`
	// Profile is the device as the planner reads it (Calibration.Source "catalog").
	Profile results.Device `json:"profile"`
}

// ErrUnknownDevice is returned (wrapped) by Lookup for a name not in the catalog.
var ErrUnknownDevice = errors.New("unknown device")

//go:embed *.json
var catalogFS embed.FS

var (
	once    sync.Once
	entries []Entry
	loadErr error
)

// All returns every catalog device, sorted by id.
func All() ([]Entry, error) {
	once.Do(func() { entries, loadErr = load() })
	return append([]Entry(nil), entries...), loadErr
}

// Lookup returns the catalog device with the given id (case-insensitive).
func Lookup(id string) (Entry, error) {
	all, err := All()
	if err != nil {
		return Entry{}, err
	}
	ids := make([]string, len(all))
	for i, e := range all {
		if strings.EqualFold(e.ID, id) {
			return e, nil
		}
		ids[i] = e.ID
	}
	return Entry{}, fmt.Errorf("%w %q (known: %s)", ErrUnknownDevice, id, strings.Join(ids, ", "))
}

func load() ([]Entry, error) {
	files, err := catalogFS.ReadDir(".")
	if err != nil {
		return nil, fmt.Errorf("device catalog: %w", err)
	}
	var es []Entry
	for _, f := range files {
		data, err := catalogFS.ReadFile(f.Name())
		if err != nil {
			return nil, fmt.Errorf("device catalog %s: %w", f.Name(), err)
		}
		var e Entry
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&e); err != nil {
			return nil, fmt.Errorf("device catalog %s: %w", f.Name(), err)
		}
		if err := e.validate(strings.TrimSuffix(f.Name(), ".json")); err != nil {
			return nil, fmt.Errorf("device catalog %s: %w", f.Name(), err)
		}
		es = append(es, e)
	}
	sort.Slice(es, func(i, j int) bool { return es[i].ID < es[j].ID })
	return es, nil
}

func (e Entry) validate(file string) error {
	p := e.Profile
	switch {
	case e.ID != file:
		return fmt.Errorf("id %q does not match the file name", e.ID)
	case p.Name != e.ID:
		return fmt.Errorf("profile name %q, want the id %q", p.Name, e.ID)
	case p.Schema != results.DeviceSchema:
		return fmt.Errorf("profile schema %q, want %q", p.Schema, results.DeviceSchema)
	case p.Memory.TotalBytes == 0 || p.Memory.UsableShare <= 0 || p.Memory.UsableShare > 1:
		return fmt.Errorf("memory total %d and usable share %g: both required, share in (0, 1]", p.Memory.TotalBytes, p.Memory.UsableShare)
	case p.Calibration.Source != "catalog" || p.Calibration.ReadGBsAll <= 0 || p.Calibration.FP32GFLOPSAll <= 0:
		return fmt.Errorf("calibration needs source \"catalog\", read bandwidth and FP32 FLOP/s")
	case len(e.Sources) == 0:
		return fmt.Errorf("no sources")
	}
	return nil
}
