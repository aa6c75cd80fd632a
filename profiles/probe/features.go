package probe

import (
	"strings"

	"golang.org/x/sys/cpu"
)

// feature is one ISA feature that matters to LLM kernels, with the names
// Linux (/proc/cpuinfo flags or Features) and macOS (sysctl hw.optional.*,
// machdep.cpu.*) give it.
type feature struct {
	name    string   // canonical name reported in CPUInfo.Features
	aliases []string // lower-case OS names
	live    func() bool
}

// features is the table of reported features, in report order.
var features = []feature{
	// amd64
	{"avx", []string{"avx", "avx1.0"}, func() bool { return cpu.X86.HasAVX }},
	{"avx2", []string{"avx2"}, func() bool { return cpu.X86.HasAVX2 }},
	{"fma", []string{"fma"}, func() bool { return cpu.X86.HasFMA }},
	{"f16c", []string{"f16c"}, func() bool { return cpu.X86.HasF16C }},
	{"avx512f", []string{"avx512f"}, func() bool { return cpu.X86.HasAVX512F }},
	{"avx512bw", []string{"avx512bw"}, func() bool { return cpu.X86.HasAVX512BW }},
	{"avx512vl", []string{"avx512vl"}, func() bool { return cpu.X86.HasAVX512VL }},
	{"avx512vnni", []string{"avx512_vnni", "avx512vnni"}, func() bool { return cpu.X86.HasAVX512VNNI }},
	{"avx512bf16", []string{"avx512_bf16", "avx512bf16"}, func() bool { return cpu.X86.HasAVX512BF16 }},
	{"avxvnni", []string{"avx_vnni", "avxvnni"}, func() bool { return cpu.X86.HasAVXVNNI }},
	{"amx-tile", []string{"amx_tile"}, func() bool { return cpu.X86.HasAMXTile }},
	{"amx-int8", []string{"amx_int8"}, func() bool { return cpu.X86.HasAMXInt8 }},
	{"amx-bf16", []string{"amx_bf16"}, func() bool { return cpu.X86.HasAMXBF16 }},
	// arm64
	{"asimd", []string{"asimd", "hw.optional.advsimd", "hw.optional.neon"}, func() bool { return cpu.ARM64.HasASIMD }},
	{"dotprod", []string{"asimddp", "hw.optional.arm.feat_dotprod"}, func() bool { return cpu.ARM64.HasASIMDDP }},
	{"i8mm", []string{"i8mm", "hw.optional.arm.feat_i8mm"}, func() bool { return cpu.ARM64.HasI8MM }},
	{"fp16", []string{"asimdhp", "fphp", "hw.optional.arm.feat_fp16", "hw.optional.neon_fp16"}, func() bool { return cpu.ARM64.HasASIMDHP }},
	{"bf16", []string{"bf16", "hw.optional.arm.feat_bf16"}, nil},
	{"sve", []string{"sve"}, func() bool { return cpu.ARM64.HasSVE }},
	{"sve2", []string{"sve2"}, func() bool { return cpu.ARM64.HasSVE2 }},
	{"sme", []string{"sme", "hw.optional.arm.feat_sme"}, nil},
}

// canonicalFeatures maps OS feature names (any case) to the reported
// feature names, in table order, without duplicates.
func canonicalFeatures(names []string) []string {
	have := map[string]bool{}
	for _, n := range names {
		have[strings.ToLower(n)] = true
	}
	out := []string{}
	for _, f := range features {
		for _, a := range f.aliases {
			if have[a] {
				out = append(out, f.name)
				break
			}
		}
	}
	return out
}

// liveFeatures returns the features golang.org/x/sys/cpu finds on the CPU
// this process runs on, as OS-style names for canonicalFeatures.
func liveFeatures() []string {
	var out []string
	for _, f := range features {
		if f.live != nil && f.live() {
			out = append(out, f.aliases[0])
		}
	}
	return out
}
