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
