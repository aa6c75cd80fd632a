package runners

import "testing"

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
