// Package plan answers "which quantization of this model fits this device,
// and how fast will it run": for each candidate file type it computes the
// weights (from llama.cpp's recipe), the KV cache, the compute buffers and
// runtime overhead, splits them between RAM and a discrete GPU's VRAM,
// predicts prompt and generation speed from the device's bandwidth and
// FLOP/s ceilings times an efficiency factor, and recommends the
// highest-quality candidate that fits and is fast enough.
package plan

import (
	"errors"
	"fmt"
	"slices"
	"sort"

	"github.com/odbench/odbench/gguf"
	"github.com/odbench/odbench/profiles/models"
	"github.com/odbench/odbench/profiles/recipe"
	"github.com/odbench/odbench/results"
)

// ErrDoesNotFit is returned (wrapped) by Fit when the model needs more memory than the device offers.
var ErrDoesNotFit = errors.New("model does not fit in memory")

// Default settings.
const (
	DefaultContext = 4096
	// DefaultMinTokS is the generation speed below which a chat feels unusable.
	DefaultMinTokS = 5
	// DefaultDecodeEfficiency and DefaultPrefillEfficiency are the shares of
	// the ceilings llama.cpp typically reaches (decode 0.77-0.87 measured on
	// this project's machine, see DESIGN.md; prefill around half of peak).
	DefaultDecodeEfficiency  = 0.8
	DefaultPrefillEfficiency = 0.5
)

// Efficiency is the share of the physical ceilings a runner reaches. The
// planner uses the defaults unless a caller passes efficiency measured by a
// runner on this device (Source "measured").
type Efficiency struct {
	Decode, Prefill float64
	Source          string // default or measured
}

// DefaultEfficiency returns the documented defaults.
func DefaultEfficiency() Efficiency {
	return Efficiency{Decode: DefaultDecodeEfficiency, Prefill: DefaultPrefillEfficiency, Source: "default"}
}

// Options tune a plan; the zero value means the defaults.
type Options struct {
	Context    int     // tokens the KV cache holds; 0 means DefaultContext
	KVType     string  // f16 (default) or q8_0
	Depth      int     // tokens already in the cache when generation speed is predicted (llama-bench tg128: 0)
	MinTokS    float64 // usable generation speed; 0 means DefaultMinTokS
	Efficiency Efficiency
	// Runner is the engine whose memory is predicted: RunnerLlamaCpp
	// (default) or RunnerNative; memory.go documents each one's terms.
	Runner string
}

func (o Options) withDefaults() (Options, error) {
	if o.Context == 0 {
		o.Context = DefaultContext
	}
	if o.KVType == "" {
		o.KVType = "f16"
	}
	if o.Runner == "" {
		o.Runner = RunnerLlamaCpp
	}
	if o.MinTokS == 0 {
		o.MinTokS = DefaultMinTokS
	}
	if o.Efficiency == (Efficiency{}) {
		o.Efficiency = DefaultEfficiency()
	}
	switch {
	case o.Context < 1 || o.Context > 1<<24:
		return o, fmt.Errorf("context %d tokens: want 1..%d", o.Context, 1<<24)
	case o.KVType != "f16" && o.KVType != "q8_0":
		return o, fmt.Errorf("kv cache type %q: want f16 or q8_0", o.KVType)
	case o.Runner != RunnerLlamaCpp && o.Runner != RunnerNative:
		return o, fmt.Errorf("runner %q: want %s or %s", o.Runner, RunnerLlamaCpp, RunnerNative)
	case o.Depth < 0 || o.Depth > o.Context:
		return o, fmt.Errorf("depth %d: want 0..context (%d)", o.Depth, o.Context)
	case o.Efficiency.Decode <= 0 || o.Efficiency.Decode > 1 || o.Efficiency.Prefill <= 0 || o.Efficiency.Prefill > 1:
		return o, fmt.Errorf("efficiency decode %g prefill %g: want each in (0, 1]", o.Efficiency.Decode, o.Efficiency.Prefill)
	}
	return o, nil
}

// Subject is the model planned for: a shape and, when planning for a file,
// the file's own file type and weight bytes.
type Subject struct {
	Model models.Model
	// Source is "catalog" or the GGUF file's path.
	Source string
	// FileType and FileWeights describe the file (zero for a catalog shape);
	// the candidate of the file's type uses the file's real weight bytes.
	FileType    gguf.FileType
	FileWeights int64
	HasFile     bool
}

// DeviceSubject is the device planned for, with where its profile came from.
type DeviceSubject struct {
	Profile results.Device
	Source  string // catalog, detected, or a profile's path
}

// Make plans every candidate quantization of s on dev.
func Make(s Subject, dev DeviceSubject, opt Options) (results.Plan, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return results.Plan{}, err
	}
	m := s.Model
	p := results.Plan{
		Schema:  results.PlanSchema,
		Model:   results.PlanModel{ID: m.ID, Name: m.Name, Architecture: m.Architecture, Params: m.Params(), Layers: m.Layers, Source: s.Source},
		Context: opt.Context, KVType: opt.KVType, Runner: opt.Runner, MinTokS: opt.MinTokS,
		Efficiency: results.PlanEfficiency{Decode: opt.Efficiency.Decode, Prefill: opt.Efficiency.Prefill, Source: opt.Efficiency.Source},
	}
	fts := Candidates()
	if s.HasFile {
		p.Model.FileType = s.FileType.String()
		switch _, err := recipe.ParseFileType(s.FileType.String()); {
		case err != nil:
			p.Warnings = append(p.Warnings, fmt.Sprintf("the file's type %s has no quantization recipe here, so it is not among the candidates", s.FileType))
		case !slices.Contains(fts, s.FileType):
			fts = append(fts, s.FileType)
		}
	}
	e := engineFor(dev.Profile)
	use, how := usable(dev.Profile)
	p.Device = results.PlanDevice{Name: dev.Profile.Name, Source: dev.Source, Backend: e.backend, UsableBytes: use, UsableHow: how,
		BandwidthGBs: e.bw, ComputeGFLOPS: e.gflops, GPUBandwidthGBs: e.gpuBW, GPUComputeGFLOPS: e.gpuGFLOPS,
		Calibrated: e.calibrated, FiguresFrom: e.from}
	if e.gpu != nil {
		p.Device.UsableVRAMBytes = usableVRAM(*e.gpu)
	}
	if dev.Profile.Memory.TotalBytes == 0 && dev.Profile.Memory.AvailableBytes == 0 {
		p.Warnings = append(p.Warnings, "the device profile does not say how much memory it has: nothing can be shown to fit")
	}
	if !e.calibrated {
		p.Warnings = append(p.Warnings, fmt.Sprintf("the device profile has no calibration: speeds use conservative defaults (%d GB/s read, %d GFLOP/s per core); run odbench detect without --quick for measured ceilings", defaultReadGBs, defaultGFLOPSPerCore))
	}
	for _, ft := range fts {
		c, err := candidate(s, ft, dev.Profile, e, use, p.Device.UsableVRAMBytes, opt)
		if err != nil {
			return results.Plan{}, err
		}
		p.Candidates = append(p.Candidates, c)
	}
	sort.SliceStable(p.Candidates, func(i, j int) bool { return rank(p.Candidates[i].FileType) > rank(p.Candidates[j].FileType) })
	recommend(&p)
	p.Assumptions = assumptions(opt)
	return p, nil
}

// candidate computes memory, split and speed of one file type.
func candidate(s Subject, ft gguf.FileType, dev results.Device, e engine, use, vram int64, opt Options) (results.PlanCandidate, error) {
	m := s.Model
	l, err := recipe.Plan(ft, recipe.ShapeOf(m))
	if err != nil {
		return results.PlanCandidate{}, fmt.Errorf("plan %s %s: %w", m.ID, ft, err)
	}
	weights := l.Bytes
	if s.HasFile && ft == s.FileType && s.FileWeights > 0 {
		weights = s.FileWeights
	}
	c := results.PlanCandidate{
		FileType:      ft.String(),
		BitsPerWeight: float64(weights) * 8 / float64(m.Params()),
		WeightsBytes:  weights,
		Quality:       qualityOf(ft),
	}
	c.KVBytes, c.ComputeBytes, c.RepackBytes, c.OverheadBytes = footprint(opt, m, l, dev, e.backend)
	c.TotalBytes = c.WeightsBytes + c.KVBytes + c.ComputeBytes + c.RepackBytes + c.OverheadBytes
	sp := split{ram: c.TotalBytes}
	if e.gpu != nil && opt.Runner == RunnerLlamaCpp {
		sp = splitGPU(m, l, opt.Context, opt.KVType, c.TotalBytes, c.ComputeBytes, vram)
	}
	c.RAMBytes, c.VRAMBytes, c.GPULayers = sp.ram, sp.vram, sp.gpuLayers
	c.HeadroomBytes = use - c.RAMBytes
	c.Fits = c.HeadroomBytes >= 0 && c.VRAMBytes <= vram
	pp, tg := e.ceilings(m, l, ft != gguf.FileTypeF16 && ft != gguf.FileTypeF32 && ft != gguf.FileTypeBF16, sp, opt.Depth, opt.KVType)
	c.PrefillCeilingTokS, c.DecodeCeilingTokS = pp, tg
	c.PrefillTokS, c.DecodeTokS = pp*opt.Efficiency.Prefill, tg*opt.Efficiency.Decode
	return c, nil
}

// recommend marks the highest-quality candidate that fits and reaches the
// usable speed, and gives every candidate its reason.
func recommend(p *results.Plan) {
	best := -1
	for i := range p.Candidates {
		c := &p.Candidates[i]
		switch {
		case !c.Fits:
			c.Verdict = "rejected"
			c.Reason = fmt.Sprintf("needs %s but %s is usable", gbs(c.RAMBytes), gbs(p.Device.UsableBytes))
			if c.VRAMBytes > p.Device.UsableVRAMBytes {
				c.Reason = fmt.Sprintf("needs %s of VRAM but %s is usable", gbs(c.VRAMBytes), gbs(p.Device.UsableVRAMBytes))
			}
		case c.DecodeTokS < p.MinTokS:
			c.Verdict = "rejected"
			c.Reason = fmt.Sprintf("fits, but generates about %.3g tok/s, below the usable %.0f tok/s", c.DecodeTokS, p.MinTokS)
		case best < 0:
			best = i
			c.Verdict = "recommended"
			c.Reason = fmt.Sprintf("highest quality that fits (%s of %s usable) at about %.3g tok/s", gbs(c.RAMBytes+c.VRAMBytes), gbs(p.Device.UsableBytes+p.Device.UsableVRAMBytes), c.DecodeTokS)
		default:
			c.Verdict = "fits"
			c.Reason = fmt.Sprintf("fits, but lower quality than %s", p.Candidates[best].FileType)
		}
	}
	if best >= 0 {
		c := p.Candidates[best]
		p.Recommended = c.FileType
		p.Reason = fmt.Sprintf("%s is the highest-quality quantization that fits in %s with %s to spare and generates about %.3g tok/s (≥ %.0f).",
			c.FileType, gbs(p.Device.UsableBytes+p.Device.UsableVRAMBytes), gbs(c.HeadroomBytes), c.DecodeTokS, p.MinTokS)
		return
	}
	fastest := -1
	for i, c := range p.Candidates {
		if c.Fits && (fastest < 0 || c.DecodeTokS > p.Candidates[fastest].DecodeTokS) {
			fastest = i
		}
	}
	if fastest < 0 {
		smallest := p.Candidates[len(p.Candidates)-1]
		for _, c := range p.Candidates {
			if c.TotalBytes < smallest.TotalBytes {
				smallest = c
			}
		}
		p.Reason = fmt.Sprintf("No quantization fits: even %s needs %s and %s is usable; try a smaller model or a shorter context.", smallest.FileType, gbs(smallest.TotalBytes), gbs(p.Device.UsableBytes+p.Device.UsableVRAMBytes))
		return
	}
	c := &p.Candidates[fastest]
	c.Verdict = "recommended"
	c.Reason = fmt.Sprintf("the fastest that fits, though below %.0f tok/s", p.MinTokS)
	p.Recommended = c.FileType
	p.Reason = fmt.Sprintf("No quantization reaches %.0f tok/s here; %s, the fastest that fits, generates about %.3g tok/s, so a smaller model will serve better.", p.MinTokS, c.FileType, c.DecodeTokS)
}

// Fit checks before loading whether file type ft of model m fits dev with
// opt's context, and returns the candidate's figures. When it does not fit,
// the error wraps ErrDoesNotFit and says how much is needed and usable.
func Fit(s Subject, ft gguf.FileType, dev results.Device, opt Options) (results.PlanCandidate, error) {
	opt, err := opt.withDefaults()
	if err != nil {
		return results.PlanCandidate{}, err
	}
	e := engineFor(dev)
	use, how := usable(dev)
	var vram int64
	if e.gpu != nil {
		vram = usableVRAM(*e.gpu)
	}
	c, err := candidate(s, ft, dev, e, use, vram, opt)
	if err != nil {
		return c, err
	}
	if !c.Fits {
		return c, fmt.Errorf("%w: %s %s with a %d-token context needs %s (RAM %s, VRAM %s); usable: %s (%s), VRAM %s",
			ErrDoesNotFit, s.Model.ID, ft, opt.Context, gbs(c.TotalBytes), gbs(c.RAMBytes), gbs(c.VRAMBytes), gbs(use), how, gbs(vram))
	}
	return c, nil
}

// assumptions documents the formulas behind the figures.
func assumptions(opt Options) []string {
	mem := []string{
		"weights: bytes of every tensor under llama.cpp's quantization recipe for the file type",
		fmt.Sprintf("KV cache: 2 × layers × %d tokens × kv_heads × head_size × %g bytes (%s); sliding-window layers keep window + %d tokens", opt.Context, kvBytesPerElement(opt.KVType), opt.KVType, ubatch),
		fmt.Sprintf("compute buffers: 4 bytes × %d-token micro-batch × (heads × context + 3 × ffn + 4 × embedding) + one row of logits (no flash attention)", ubatch),
		"CPU repack: on x86 with AVX2 the Q4_0, Q4_K and IQ4_NL matrices (on Arm with dot products Q4_0 and IQ4_NL) are copied once more, as llama.cpp's CPU backend does",
		fmt.Sprintf("runtime overhead: %.1f MiB + %d bytes per vocabulary token (Go runtime, libraries, vocabulary tables, logits), fitted to measured peak RSS", float64(llamacppOverheadFixed)/mib, llamacppOverheadPerToken),
	}
	if opt.Runner == RunnerNative {
		mem = []string{
			"memory for odbench's native runner (CPU only)",
			"weights: bytes of every tensor under llama.cpp's quantization recipe for the file type, mapped from the file",
			fmt.Sprintf("KV cache: 2 × layers × %d tokens × kv_heads × head_size × %g bytes (%s), sliding-window layers included", opt.Context, kvBytesPerElement(opt.KVType), opt.KVType),
			fmt.Sprintf("compute buffers: 4 bytes × %d-token micro-batch × (3 × embedding + 3 × heads × head_size + 4 × kv_heads × head_size + 3 × ffn + head_size) + logits + per-thread attention scores + Q8 activations", ubatch),
			fmt.Sprintf("runtime overhead: %.1f MiB + %d bytes per vocabulary token (Go runtime, code, parsed metadata), fitted to measured peak RSS", float64(nativeOverheadFixed)/mib, nativeOverheadPerToken),
		}
	}
	return append(mem,
		fmt.Sprintf("discrete GPU: the last layers go to VRAM (less %d MiB for the driver) while they fit, then the output head; the token embedding stays in RAM", vramReserve/mib),
		fmt.Sprintf("generation: read bandwidth ÷ bytes read per token (weights + KV cache at depth %d) × %s decode efficiency %.2f", opt.Depth, opt.Efficiency.Source, opt.Efficiency.Decode),
		fmt.Sprintf("prompt (%d tokens): FLOP/s (int8 GOP/s for quantized weights on a CPU) ÷ (2 × multiplied parameters + attention) × %s prefill efficiency %.2f", promptTokens, opt.Efficiency.Source, opt.Efficiency.Prefill),
		fmt.Sprintf("recommendation: the highest-quality candidate that fits and generates at least %.0f tok/s; when none does, the fastest that fits", opt.MinTokS),
	)
}

// FileSubject describes a parsed GGUF file for Make and Fit: its shape,
// its file type and its real weight bytes.
func FileSubject(f *gguf.File) (Subject, error) {
	m, err := models.FromGGUF(f)
	if err != nil {
		return Subject{}, err
	}
	s := Subject{Model: m, Source: f.Path, FileWeights: f.DataBytes()}
	s.FileType, s.HasFile = f.FileType()
	return s, nil
}
