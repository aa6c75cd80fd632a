package devices

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files")

func TestCatalog(t *testing.T) {
	want := []string{"iphone-15-pro", "iphone-16-pro", "pixel-8-pro", "pixel-9", "galaxy-s24-ultra",
		"raspberry-pi-5-8gb", "macbook-air-m1-8gb", "macbook-air-m2-16gb", "macbook-pro-m3-pro",
		"macbook-pro-m4-max", "surface-laptop-7-x-elite", "intel-core-ultra-7-155h-laptop", "laptop-rtx-4060-8gb"}
	for _, id := range want {
		e, err := Lookup(id)
		if err != nil {
			t.Errorf("%s: %v", id, err)
			continue
		}
		p := e.Profile
		// The usable share never exceeds RAM, the CPU cannot read faster
		// than the memory bus, and phones keep a mobile per-app share.
		if p.Calibration.ReadGBsAll > e.MemoryBandwidthGBs {
			t.Errorf("%s: CPU read %.0f GB/s above the bus peak %.0f", id, p.Calibration.ReadGBsAll, e.MemoryBandwidthGBs)
		}
		if e.Kind == "phone" && p.Memory.UsableShare > 0.7 {
			t.Errorf("%s: a phone app may use %.0f%% of RAM", id, 100*p.Memory.UsableShare)
		}
		for _, g := range p.GPUs {
			if g.Unified && g.BandwidthGBs > e.MemoryBandwidthGBs {
				t.Errorf("%s: unified GPU bandwidth %.0f above the bus %.0f", id, g.BandwidthGBs, e.MemoryBandwidthGBs)
			}
		}
	}
	e, _ := Lookup("laptop-rtx-4060-8gb")
	if len(e.Profile.GPUs) != 1 || e.Profile.GPUs[0].VRAMTotalBytes != 8<<30 || e.Profile.GPUs[0].Unified {
		t.Errorf("RTX 4060 laptop GPUs: %+v", e.Profile.GPUs)
	}
}

func TestLookupUnknown(t *testing.T) {
	if _, err := Lookup("nokia-3310"); !errors.Is(err, ErrUnknownDevice) || !strings.Contains(err.Error(), "iphone-15-pro") {
		t.Errorf("err = %v", err)
	}
	if e, err := Lookup("IPHONE-15-PRO"); err != nil || e.ID != "iphone-15-pro" {
		t.Errorf("case-insensitive lookup: %v", err)
	}
}

func TestGolden(t *testing.T) {
	all, err := All()
	if err != nil {
		t.Fatal(err)
	}
	var tbl bytes.Buffer
	if err := WriteTable(&tbl, all); err != nil {
		t.Fatal(err)
	}
	js, err := json.MarshalIndent(all, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string][]byte{"devices.txt.golden": tbl.Bytes(), "devices.json.golden": append(js, '\n')} {
		path := filepath.Join("testdata", name)
		if *update {
			if err := os.WriteFile(path, got, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (go test -update creates it)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("output differs from %s (go test -update rewrites it):\n%s", path, got)
		}
	}
}

func TestValidateRejects(t *testing.T) {
	good, err := Lookup("pixel-9")
	if err != nil {
		t.Fatal(err)
	}
	bad := []func(*Entry){
		func(e *Entry) { e.Profile.Memory.UsableShare = 1.5 },
		func(e *Entry) { e.Profile.Calibration.Source = "measured" },
		func(e *Entry) { e.Sources = nil },
		func(e *Entry) { e.Profile.Name = "other" },
	}
	for i, f := range bad {
		e := good
		e.Sources = append([]string(nil), good.Sources...)
		f(&e)
		if err := e.validate("pixel-9"); err == nil {
			t.Errorf("case %d accepted", i)
		}
	}
	if err := good.validate("pixel-10"); err == nil {
		t.Error("a file name that differs from the id was accepted")
	}
}
