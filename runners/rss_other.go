//go:build !unix && !windows

package runners

func peakRSS() (uint64, bool) { return 0, false }

func resetPeakRSS() bool { return false }
