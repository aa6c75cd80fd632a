package probe

import (
	"encoding/binary"
	"fmt"
)

// This file decodes the cache leaves of x86's CPUID instruction. The
// decoding runs on any host (tests feed it captured register values);
// only liveCaches in cpuid_amd64.go runs the instruction itself.

// cpuidFunc returns the registers CPUID returns for a leaf and subleaf.
type cpuidFunc func(leaf, subleaf uint32) (eax, ebx, ecx, edx uint32)

// cpuidCacheSizes are the cache sizes CPUID describes, 0 where it says
// nothing.
type cpuidCacheSizes struct {
	l1d, l2 uint64 // bytes, the largest of one core
	l3      uint64 // bytes, all instances together
	// note is a sentence on a figure that may mislead, "" when none does.
	note string
}

// CPUID leaves with cache descriptions.
const (
	leafVendor        = 0x0        // highest basic leaf; vendor string in EBX, EDX, ECX
	leafCacheIntel    = 0x4        // deterministic cache parameters (Intel and others)
	leafExtMax        = 0x80000000 // highest extended leaf
	leafL1AMD         = 0x80000005 // AMD legacy: L1 caches
	leafL2L3AMD       = 0x80000006 // AMD legacy: L2 and L3 caches
	leafCacheAMD      = 0x8000001d // AMD cache topology, the layout of leaf 4
	maxCacheSubleaves = 32         // bound on the subleaves walked
)

// cpuidCaches describes the caches from CPUID: AMD's leaf 0x8000001D or
// the deterministic leaf 4 of Intel and other vendors, whose L3 instances
// it counts from the logical CPUs sharing one (logical is the machine's
// logical CPU count). AMD processors whose leaf 0x8000001D is empty (it
// needs the topology extension, which hypervisors may hide) fall back to
// the legacy leaves 0x80000005 and 0x80000006 for L1d and L2: their L3
// figure is the whole processor's, not what the CPUs of a virtual machine
// share, so it goes to the note only. ok is false when CPUID describes no
// cache.
func cpuidCaches(cpuid cpuidFunc, logical int) (s cpuidCacheSizes, ok bool) {
	maxLeaf, b, c, d := cpuid(leafVendor, 0)
	var vendor [12]byte
	binary.LittleEndian.PutUint32(vendor[0:], b)
	binary.LittleEndian.PutUint32(vendor[4:], d)
	binary.LittleEndian.PutUint32(vendor[8:], c)
	maxExt, _, _, _ := cpuid(leafExtMax, 0)
	amd := string(vendor[:]) == "AuthenticAMD" || string(vendor[:]) == "HygonGenuine"
	switch {
	case amd && maxExt >= leafCacheAMD:
		s, ok = deterministicCaches(cpuid, leafCacheAMD, logical)
	case !amd && maxLeaf >= leafCacheIntel:
		s, ok = deterministicCaches(cpuid, leafCacheIntel, logical)
	}
	if ok || !amd || maxExt < leafL2L3AMD {
		return s, ok
	}
	_, _, l1, _ := cpuid(leafL1AMD, 0)
	_, _, l2, l3 := cpuid(leafL2L3AMD, 0)
	s = cpuidCacheSizes{
		l1d: uint64(l1>>24) << 10, // ECX[31:24]: KiB
		l2:  uint64(l2>>16) << 10, // ECX[31:16]: KiB
	}
	if package3 := uint64(l3>>18) << 19; package3 > 0 { // EDX[31:18]: units of 512 KiB
		s.note = fmt.Sprintf("L3 size unknown: CPUID leaf 0x8000001D is empty (as under hypervisors that hide the topology extension), and leaf 0x80000006 gives only the whole processor's L3, %d MiB, of which this machine's CPUs may share a part", package3>>20)
	}
	return s, s.l1d > 0 || s.l2 > 0
}

// Cache types of the deterministic cache leaves (EAX[4:0]).
const (
	cacheNull        = 0
	cacheData        = 1
	cacheInstruction = 2
)

// deterministicCaches walks the subleaves of leaf 4 or 0x8000001D, which
// share one layout: EAX holds the type, the level and the count of logical
// CPUs sharing the cache, minus one; EBX the ways, partitions and line
// size, and ECX the sets, each minus one.
func deterministicCaches(cpuid cpuidFunc, leaf uint32, logical int) (s cpuidCacheSizes, ok bool) {
	for sub := range uint32(maxCacheSubleaves) {
		eax, ebx, ecx, _ := cpuid(leaf, sub)
		typ, level := eax&0x1f, eax>>5&0x7
		if typ == cacheNull {
			break
		}
		ways, parts, line := uint64(ebx>>22+1), uint64(ebx>>12&0x3ff+1), uint64(ebx&0xfff+1)
		size := ways * parts * line * (uint64(ecx) + 1)
		sharing := int(eax>>14&0xfff) + 1
		switch {
		case level == 1 && typ == cacheData:
			s.l1d = max(s.l1d, size)
		case level == 2 && typ != cacheInstruction:
			s.l2 = max(s.l2, size)
		case level == 3 && typ != cacheInstruction:
			// Intel gives an upper bound on the sharing CPUs, so this
			// counts no more instances than there are.
			s.l3 = size * uint64(max(1, (logical+sharing-1)/sharing))
		default:
			continue
		}
		ok = true
	}
	return s, ok
}
