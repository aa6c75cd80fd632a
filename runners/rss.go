package runners

// PeakRSS returns the peak resident set size of this process in bytes (the
// high-water mark since it started), and false where the OS does not say.
// Linux and Android read VmHWM from /proc/self/status; macOS and the BSDs
// use getrusage; Windows the peak working set.
func PeakRSS() (uint64, bool) { return peakRSS() }

// ResetPeakRSS starts a new high-water mark at the current RSS, so that
// PeakRSS measures what follows; it reports false where the OS cannot
// (only Linux and Android can, through /proc/self/clear_refs).
func ResetPeakRSS() bool { return resetPeakRSS() }
