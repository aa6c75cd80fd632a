package runners

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// raplPackage matches the top-level RAPL zones (one per CPU package), not
// their subzones (intel-rapl:0:0 = core), which the package counter includes.
var raplPackage = regexp.MustCompile(`^intel-rapl:[0-9]+$`)

func newEnergyMeter(sys string) (EnergyMeter, string) {
	if m, err := newRAPL(sys); err == nil {
		return m, ""
	}
	if m, err := newBattery(sys); err == nil {
		return m, ""
	}
	return nil, "energy per token omitted: no readable RAPL counter (/sys/class/powercap/intel-rapl:*/energy_uj, often root-only) and no discharging battery"
}

// readUint reads a sysfs file holding one unsigned integer.
func readUint(path string) (uint64, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, err
	}
	v, err := strconv.ParseUint(strings.TrimSpace(string(data)), 10, 64)
	if err != nil {
		return 0, fmt.Errorf("read %s: %w", path, err)
	}
	return v, nil
}

// raplZone is one package counter: its last raw reading and its wrap range, µJ.
type raplZone struct {
	path      string
	last, max uint64
}

type rapl struct {
	zones []raplZone
	total float64 // µJ accumulated since creation
}

func newRAPL(sys string) (*rapl, error) {
	dir := filepath.Join(sys, "class", "powercap")
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, err
	}
	r := &rapl{}
	for _, e := range entries {
		if !raplPackage.MatchString(e.Name()) {
			continue
		}
		z := raplZone{path: filepath.Join(dir, e.Name(), "energy_uj")}
		if z.last, err = readUint(z.path); err != nil {
			return nil, err
		}
		if z.max, err = readUint(filepath.Join(dir, e.Name(), "max_energy_range_uj")); err != nil {
			return nil, err
		}
		r.zones = append(r.zones, z)
	}
	if len(r.zones) == 0 {
		return nil, fmt.Errorf("no RAPL package zone in %s", dir)
	}
	return r, nil
}

func (r *rapl) Source() string { return "rapl" }

// Joules adds each zone's increase since the last reading; a reading below
// the last one means the counter wrapped at max_energy_range_uj.
func (r *rapl) Joules() (float64, error) {
	for i := range r.zones {
		z := &r.zones[i]
		v, err := readUint(z.path)
		if err != nil {
			return 0, err
		}
		if v >= z.last {
			r.total += float64(v - z.last)
		} else {
			r.total += float64(z.max - z.last + v)
		}
		z.last = v
	}
	return r.total / 1e6, nil
}

// battery reads a discharging battery: energy_now (µWh) falls as energy is
// used; without it, power_now (µW) is integrated over the time between reads.
type battery struct {
	dir      string
	usePower bool
	start    float64   // energy_now at creation, µWh
	total    float64   // power integration, J
	lastRead time.Time // power integration
	now      func() time.Time
}

func newBattery(sys string) (*battery, error) {
	dirs, _ := filepath.Glob(filepath.Join(sys, "class", "power_supply", "*"))
	for _, dir := range dirs {
		typ, _ := os.ReadFile(filepath.Join(dir, "type"))
		status, _ := os.ReadFile(filepath.Join(dir, "status"))
		if strings.TrimSpace(string(typ)) != "Battery" || strings.TrimSpace(string(status)) != "Discharging" {
			continue
		}
		b := &battery{dir: dir, now: time.Now}
		if e, err := readUint(filepath.Join(dir, "energy_now")); err == nil {
			b.start = float64(e)
			return b, nil
		}
		if _, err := readUint(filepath.Join(dir, "power_now")); err == nil {
			b.usePower, b.lastRead = true, b.now()
			return b, nil
		}
	}
	return nil, fmt.Errorf("no discharging battery with energy_now or power_now in %s", sys)
}

func (b *battery) Source() string { return "battery" }

func (b *battery) Joules() (float64, error) {
	if b.usePower {
		p, err := readUint(filepath.Join(b.dir, "power_now"))
		if err != nil {
			return 0, err
		}
		t := b.now()
		b.total += float64(p) / 1e6 * t.Sub(b.lastRead).Seconds()
		b.lastRead = t
		return b.total, nil
	}
	e, err := readUint(filepath.Join(b.dir, "energy_now"))
	if err != nil {
		return 0, err
	}
	return (b.start - float64(e)) * 3.6e-3, nil // 1 µWh = 3.6 mJ
}
