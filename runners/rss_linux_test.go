package runners

import (
	"runtime"
	"runtime/debug"
	"testing"
)

func TestParseVmHWM(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"Name:\tx\nVmPeak:\t  9000 kB\nVmHWM:\t    2060 kB\nVmRSS:\t 100 kB\n", 2060 * 1024, true},
		{"Name:\tx\n", 0, false},
		{"VmHWM:\t 12 MB\n", 0, false},
		{"VmHWM:\t lots kB\n", 0, false},
	} {
		got, ok := parseVmHWM([]byte(tt.in))
		if got != tt.want || ok != tt.ok {
			t.Errorf("parseVmHWM(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	if rss, ok := PeakRSS(); !ok || rss < 1<<20 {
		t.Fatalf("PeakRSS of this process = %d, %v", rss, ok)
	}
}

func TestResetPeakRSS(t *testing.T) {
	before := touch(256 << 20)
	runtime.GC()
	debug.FreeOSMemory()
	if !ResetPeakRSS() {
		t.Skip("this kernel cannot reset the peak RSS")
	}
	after, _ := PeakRSS()
	if before < 256<<20 || after >= before-128<<20 {
		t.Fatalf("peak RSS %d before the reset, %d after freeing 256 MiB", before, after)
	}
}

// touch writes n bytes of a new buffer and returns the peak RSS then.
func touch(n int) uint64 {
	buf := make([]byte, n)
	for i := range buf {
		buf[i] = 1
	}
	rss, _ := PeakRSS()
	return rss
}
