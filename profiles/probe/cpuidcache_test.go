package probe

import (
	"strings"
	"testing"
)

// fakeCPUID answers CPUID from a table of (leaf, subleaf) → EAX, EBX, ECX,
// EDX; leaves it lacks read as zeros, as reserved leaves do.
func fakeCPUID(regs map[[2]uint32][4]uint32) cpuidFunc {
	return func(leaf, subleaf uint32) (uint32, uint32, uint32, uint32) {
		r := regs[[2]uint32{leaf, subleaf}]
		return r[0], r[1], r[2], r[3]
	}
}

// Leaf 0 of an AMD and an Intel CPU: the highest basic leaf and the vendor
// string in EBX, EDX, ECX.
var (
	vendorAMD   = [4]uint32{0xd, 0x68747541, 0x444d4163, 0x69746e65}  // AuthenticAMD
	vendorIntel = [4]uint32{0x20, 0x756e6547, 0x6c65746e, 0x49656e69} // GenuineIntel
)

func TestCPUIDCaches(t *testing.T) {
	for _, tt := range []struct {
		name         string
		regs         map[[2]uint32][4]uint32
		logical      int
		l1d, l2, l3  uint64
		ok           bool
		noteContains string
	}{
		{
			// Registers captured on the 2-vCPU Zen 5 VM this was written on:
			// leaf 0x8000001D is empty, the legacy leaves are not.
			name: "Zen 5 VM, legacy leaves", logical: 2,
			regs: map[[2]uint32][4]uint32{
				{0, 0}:          vendorAMD,
				{0x80000000, 0}: {0x80000021, 0x68747541, 0x444d4163, 0x69746e65},
				{0x80000005, 0}: {0xff60ff40, 0xff60ff40, 0x300c0140, 0x20080140},
				{0x80000006, 0}: {0x40802040, 0x60804040, 0x04006140, 0x0fe09140},
			},
			l1d: 48 << 10, l2: 1 << 20, ok: true, noteContains: "508 MiB",
		},
		{
			// A 16-core Zen 4 with SMT (2 CCDs): 32 KiB 8-way L1d and 1 MiB
			// L2 per core, 32 MiB 16-way L3 shared by the 16 threads of a CCD.
			name: "Zen 4, leaf 0x8000001D", logical: 32,
			regs: map[[2]uint32][4]uint32{
				{0, 0}:          vendorAMD,
				{0x80000000, 0}: {0x80000028},
				{0x8000001d, 0}: {0x004121, 0x1c0003f, 0x3f},   // L1d
				{0x8000001d, 1}: {0x004122, 0x1c0003f, 0x3f},   // L1i
				{0x8000001d, 2}: {0x004143, 0x1c0003f, 0x7ff},  // L2
				{0x8000001d, 3}: {0x03c163, 0x3c0003f, 0x7fff}, // L3
				{0x80000006, 0}: {0, 0, 0x04006140, 0x02009140},
			},
			l1d: 32 << 10, l2: 1 << 20, l3: 64 << 20, ok: true,
		},
		{
			// A 6 P + 4 E core Intel: 48 KiB 12-way L1d and 1.25 MiB 10-way L2
			// (P core), 20 MiB L3 whose sharing count is an upper bound (128).
			name: "Intel hybrid, leaf 4", logical: 16,
			regs: map[[2]uint32][4]uint32{
				{0, 0}:          vendorIntel,
				{0x80000000, 0}: {0x80000008},
				{4, 0}:          {0x004121, 0x2c0003f, 0x3f},   // L1d
				{4, 1}:          {0x004122, 0x1c0003f, 0x3f},   // L1i
				{4, 2}:          {0x004143, 0x240003f, 0x7ff},  // L2
				{4, 3}:          {0x1fc163, 0x240003f, 0x7fff}, // L3
			},
			l1d: 48 << 10, l2: 1280 << 10, l3: 20 << 20, ok: true,
		},
		{
			name: "Intel without leaf 4", logical: 2,
			regs: map[[2]uint32][4]uint32{{0, 0}: {2, 0x756e6547, 0x6c65746e, 0x49656e69}},
		},
		{
			name: "AMD with empty cache leaves", logical: 2,
			regs: map[[2]uint32][4]uint32{{0, 0}: vendorAMD, {0x80000000, 0}: {0x80000021}},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s, ok := cpuidCaches(fakeCPUID(tt.regs), tt.logical)
			if ok != tt.ok || s.l1d != tt.l1d || s.l2 != tt.l2 || s.l3 != tt.l3 {
				t.Errorf("L1d %d, L2 %d, L3 %d, ok %v; want %d, %d, %d, %v", s.l1d, s.l2, s.l3, ok, tt.l1d, tt.l2, tt.l3, tt.ok)
			}
			if (tt.noteContains == "") != (s.note == "") || !strings.Contains(s.note, tt.noteContains) {
				t.Errorf("note %q, want one containing %q", s.note, tt.noteContains)
			}
		})
	}
}
