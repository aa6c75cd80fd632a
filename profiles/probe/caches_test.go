package probe

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestCPUInfoCacheFallback probes roots whose /sys shows no caches: the
// one size /proc/cpuinfo gives goes to the level it means for the vendor,
// with a warning that names the levels left unknown.
func TestCPUInfoCacheFallback(t *testing.T) {
	for _, tt := range []struct {
		name, vendor, size string
		l2, l3             uint64
		warning            string
	}{
		{"AMD: L2 per core", "AuthenticAMD", "1024 KB", 1 << 20, 0, "L1d and L3 sizes unknown"},
		{"Intel: last-level cache", "GenuineIntel", "20480 KB", 0, 20 << 20, "L1d and L2 sizes unknown"},
		{"other vendor: unknown", "CentaurHauls", "512 KB", 0, 0, "cache sizes unknown"},
		{"no cache size", "AuthenticAMD", "", 0, 0, "cache sizes unknown"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			cpuinfo := "processor\t: 0\nvendor_id\t: " + tt.vendor + "\nmodel name\t: Some CPU\nflags\t\t: fpu lm avx2\n"
			if tt.size != "" {
				cpuinfo += "cache size\t: " + tt.size + "\n"
			}
			if err := os.MkdirAll(filepath.Join(root, "proc"), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(root, "proc", "cpuinfo"), []byte(cpuinfo), 0o644); err != nil {
				t.Fatal(err)
			}
			d := Detect(context.Background(), Options{Root: root, OS: "linux"})
			if c := d.CPU; c.L1DBytes != 0 || c.L2Bytes != tt.l2 || c.L3Bytes != tt.l3 {
				t.Errorf("L1d %d, L2 %d, L3 %d; want 0, %d, %d", c.L1DBytes, c.L2Bytes, c.L3Bytes, tt.l2, tt.l3)
			}
			found := false
			for _, w := range d.Warnings {
				found = found || strings.HasPrefix(w, tt.warning)
			}
			if !found {
				t.Errorf("warnings %q: want one starting %q", d.Warnings, tt.warning)
			}
		})
	}
}
