package probe

import (
	"runtime"
	"testing"
)

func TestHypervisorSignature(t *testing.T) {
	for sig, want := range map[string]string{"KVMKVMKVM": "kvm", "Microsoft Hv": "hyperv", "VMwareVMware": "vmware", "": "", "GenuineIntel": ""} {
		if got := hypervisorSignature(sig); got != want {
			t.Errorf("hypervisorSignature(%q) = %q, want %q", sig, got, want)
		}
	}
}

// TestLiveHypervisor checks that CPUID runs and that its answer agrees
// with the hypervisor flag of /proc/cpuinfo when the machine has one.
func TestLiveHypervisor(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("only the Linux probes report virtualization")
	}
	name := liveHypervisor()
	t.Logf("hypervisor signature: %q", name)
	d := Detect(t.Context(), Options{})
	if name != "" && d.Host.Virtualized == "" {
		t.Errorf("CPUID names hypervisor %q but the profile says bare metal", name)
	}
}

// TestLiveCaches checks that CPUID's cache description of this machine,
// when it gives one, has sizes a real CPU has.
func TestLiveCaches(t *testing.T) {
	s, ok := liveCaches(runtime.NumCPU())
	t.Logf("CPUID caches: L1d %d, L2 %d, L3 %d bytes, ok %v; note %q", s.l1d, s.l2, s.l3, ok, s.note)
	if !ok {
		t.Skip("CPUID describes no cache on this machine")
	}
	for _, c := range []struct {
		name      string
		size, max uint64
	}{{"L1d", s.l1d, 1 << 20}, {"L2", s.l2, 64 << 20}, {"L3", s.l3, 4 << 30}} {
		if c.size != 0 && (c.size < 4<<10 || c.size > c.max) {
			t.Errorf("%s of %d bytes: want 4 KiB..%d bytes", c.name, c.size, c.max)
		}
	}
	if s.l1d == 0 && s.l2 == 0 {
		t.Error("ok without an L1d or L2 size")
	}
}
