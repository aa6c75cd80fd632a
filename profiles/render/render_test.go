package render

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/odbench/odbench/profiles"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestTableGolden renders fixed profiles and compares the tables with
// testdata/*.golden.
func TestTableGolden(t *testing.T) {
	for _, name := range []string{"x86-server", "android-sm8550", "container"} {
		t.Run(name, func(t *testing.T) {
			d, err := profiles.Load(filepath.Join("testdata", name+".json"))
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := Table(&buf, d); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", name+".golden")
			if *update {
				if err := os.WriteFile(golden, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("table differs from %s (go test -update rewrites it):\n%s", golden, buf.String())
			}
		})
	}
}

func TestBytes(t *testing.T) {
	for n, want := range map[uint64]string{
		0: "0 B", 512: "512 B", 32 << 10: "32 KiB", 1280 << 10: "1.2 MiB", 24 << 30: "24 GiB", 25276063744: "23.5 GiB",
	} {
		if got := Bytes(n); got != want {
			t.Errorf("Bytes(%d) = %q, want %q", n, got, want)
		}
	}
}

// TestTableLimitsThermalRows checks that a phone's many thermal zones are
// cut to the hottest few.
func TestTableLimitsThermalRows(t *testing.T) {
	d, err := profiles.Load(filepath.Join("testdata", "android-sm8550.json"))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Table(&buf, d); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.Contains(out, "3 cooler zones") || strings.Contains(out, "31.0 °C") {
		t.Errorf("want the 8 hottest of 11 zones and a note on the 3 others:\n%s", out)
	}
}
