package probe

import (
	"encoding/binary"
	"strings"
)

// cpuid runs the CPUID instruction (kernel in cpuid_amd64.s).
//
//go:noescape
func cpuid(leaf, subleaf uint32) (eax, ebx, ecx, edx uint32)

// liveCaches reads the cache sizes of the CPU this process runs on from
// CPUID; logical is the machine's logical CPU count.
func liveCaches(logical int) (cpuidCacheSizes, bool) { return cpuidCaches(cpuid, logical) }

// liveHypervisor names the hypervisor this process runs under from its
// CPUID signature (leaf 0x40000000), "" when it has none or an unknown one.
func liveHypervisor() string {
	_, b, c, d := cpuid(0x40000000, 0)
	var sig [12]byte
	binary.LittleEndian.PutUint32(sig[0:], b)
	binary.LittleEndian.PutUint32(sig[4:], c)
	binary.LittleEndian.PutUint32(sig[8:], d)
	return hypervisorSignature(strings.TrimRight(string(sig[:]), "\x00"))
}

// hypervisorSignature maps a CPUID hypervisor signature to a name.
func hypervisorSignature(sig string) string {
	switch sig {
	case "KVMKVMKVM":
		return "kvm"
	case "Microsoft Hv":
		return "hyperv"
	case "VMwareVMware":
		return "vmware"
	case "XenVMMXenVMM":
		return "xen"
	case "TCGTCGTCGTCG":
		return "qemu"
	case "bhyve bhyve ":
		return "bhyve"
	case "VBoxVBoxVBox":
		return "virtualbox"
	case "ACRNACRNACRN":
		return "acrn"
	}
	return ""
}
