//go:build unix && !linux && !android && !darwin && !ios

package runners

import "golang.org/x/sys/unix"

func peakRSS() (uint64, bool) {
	var ru unix.Rusage
	if err := unix.Getrusage(unix.RUSAGE_SELF, &ru); err != nil || ru.Maxrss < 0 {
		return 0, false
	}
	return uint64(ru.Maxrss) * 1024, true // kilobytes on the BSDs and Solaris
}

func resetPeakRSS() bool { return false }
