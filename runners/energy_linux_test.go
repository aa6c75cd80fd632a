package runners

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// writeFiles creates files under root from "path: content" pairs.
func writeFiles(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for p, c := range files {
		full := filepath.Join(root, p)
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(c+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestRAPLWrap(t *testing.T) {
	sys := t.TempDir()
	writeFiles(t, sys, map[string]string{
		"class/powercap/intel-rapl:0/energy_uj":             "999000000",
		"class/powercap/intel-rapl:0/max_energy_range_uj":   "1000000000",
		"class/powercap/intel-rapl:0:0/energy_uj":           "5", // a subzone: not counted
		"class/powercap/intel-rapl:0:0/max_energy_range_uj": "10",
		"class/powercap/intel-rapl:1/energy_uj":             "0",
		"class/powercap/intel-rapl:1/max_energy_range_uj":   "1000000000",
	})
	m, note := newEnergyMeter(sys)
	if m == nil || m.Source() != "rapl" {
		t.Fatalf("meter %v, note %q", m, note)
	}
	// Package 0 wraps: 999 J → 1000 J (max) → 2 J is 3 J; package 1 adds 4 J.
	writeFiles(t, sys, map[string]string{
		"class/powercap/intel-rapl:0/energy_uj": "2000000",
		"class/powercap/intel-rapl:1/energy_uj": "4000000",
	})
	if j, err := m.Joules(); err != nil || math.Abs(j-7) > 1e-9 {
		t.Fatalf("Joules = %g, %v; want 7", j, err)
	}
}

func TestBatteryEnergy(t *testing.T) {
	sys := t.TempDir()
	writeFiles(t, sys, map[string]string{
		"class/power_supply/AC/type":         "Mains",
		"class/power_supply/BAT0/type":       "Battery",
		"class/power_supply/BAT0/status":     "Discharging",
		"class/power_supply/BAT0/energy_now": "50000000",
	})
	m, _ := newEnergyMeter(sys)
	if m == nil || m.Source() != "battery" {
		t.Fatalf("meter %v", m)
	}
	writeFiles(t, sys, map[string]string{"class/power_supply/BAT0/energy_now": "49999000"})
	if j, err := m.Joules(); err != nil || math.Abs(j-3.6) > 1e-9 { // 1000 µWh = 3.6 J
		t.Fatalf("Joules = %g, %v; want 3.6", j, err)
	}
}

func TestBatteryPower(t *testing.T) {
	sys := t.TempDir()
	writeFiles(t, sys, map[string]string{
		"class/power_supply/battery/type":      "Battery",
		"class/power_supply/battery/status":    "Discharging",
		"class/power_supply/battery/power_now": "2000000",
	})
	m, _ := newEnergyMeter(sys)
	b, ok := m.(*battery)
	if !ok || !b.usePower {
		t.Fatalf("meter %#v, want a power_now battery", m)
	}
	t0 := b.lastRead
	b.now = func() time.Time { return t0.Add(3 * time.Second) }
	if j, err := m.Joules(); err != nil || math.Abs(j-6) > 1e-9 { // 2 W × 3 s
		t.Fatalf("Joules = %g, %v; want 6", j, err)
	}
}

func TestNoEnergyMeter(t *testing.T) {
	sys := t.TempDir()
	writeFiles(t, sys, map[string]string{
		"class/power_supply/BAT0/type":       "Battery",
		"class/power_supply/BAT0/status":     "Charging",
		"class/power_supply/BAT0/energy_now": "1",
	})
	m, note := newEnergyMeter(sys)
	if m != nil || !strings.Contains(note, "energy per token omitted") {
		t.Fatalf("meter %v, note %q", m, note)
	}
}
