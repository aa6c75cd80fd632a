package plan

import (
	"github.com/odbench/odbench/profiles/models"
	"github.com/odbench/odbench/profiles/recipe"
	"github.com/odbench/odbench/results"
)

// Conservative figures for a device whose calibration did not run
// (odbench detect --quick): a slow phone-class memory system and scalar-ish
// compute per logical core.
const (
	defaultReadGBs       = 8
	defaultGFLOPSPerCore = 10
	defaultInt8PerFP32   = 2
	// promptTokens is the prompt length of the predicted prefill speed (llama-bench pp512).
	promptTokens = 512
)

// engine holds the ceilings the prediction uses.
type engine struct {
	backend          string  // cpu, metal, gpu+cpu
	bw               float64 // GB/s of RAM (or unified memory)
	gflops           float64 // FP32 GFLOP/s of the CPU, or the unified GPU's FP16
	int8gops         float64 // CPU int8 GOP/s, 0 when unknown
	gpu              *results.GPU
	from             string // measured, catalog, defaults
	calibrated       bool
	gpuBW, gpuGFLOPS float64
}

func engineFor(dev results.Device) engine {
	c := dev.Calibration
	e := engine{backend: "cpu", bw: c.ReadGBsAll, gflops: c.FP32GFLOPSAll, int8gops: c.Int8GOPSAll, calibrated: true, from: c.Source}
	if e.from == "" {
		e.from = "measured"
	}
	if e.bw <= 0 || e.gflops <= 0 {
		cores := max(dev.CPU.LogicalCores, 1)
		e.bw, e.gflops = defaultReadGBs, float64(defaultGFLOPSPerCore*cores)
		e.int8gops = defaultInt8PerFP32 * e.gflops
		e.calibrated, e.from = false, "defaults"
	}
	if g, ok := discreteGPU(dev); ok && g.BandwidthGBs > 0 && g.FP16TFLOPS > 0 {
		e.backend, e.gpu = "gpu+cpu", &g
		e.gpuBW, e.gpuGFLOPS = g.BandwidthGBs, 1000*g.FP16TFLOPS
		return e
	}
	for _, g := range dev.GPUs {
		if g.Vendor == "apple" && g.Unified && g.BandwidthGBs > 0 && g.FP16TFLOPS > 0 {
			e.backend, e.bw, e.gflops, e.int8gops = "metal", g.BandwidthGBs, 1000*g.FP16TFLOPS, 0
			break
		}
	}
	return e
}

// matmulParams returns the parameters multiplied per token: every weight
// except the token embedding, which is a row lookup unless it doubles as the output head.
func matmulParams(l recipe.Layout) int64 {
	tied := l.TensorBytes("output.weight") == 0
	var n int64
	for _, t := range l.Tensors {
		if t.Name == "token_embd.weight" && !tied {
			continue
		}
		n += t.Elements()
	}
	return n
}

// decodeBytes is what one generated token reads: the weights (all but an
// untied token embedding) and the KV cache up to depth tokens.
func decodeBytes(m models.Model, l recipe.Layout, depth int, kvType string) int64 {
	b := l.Bytes
	if l.TensorBytes("output.weight") != 0 {
		b -= l.TensorBytes("token_embd.weight")
	}
	return b + kvBytes(m, depth, kvType)
}

// prefillFLOPs is the work per prompt token of a promptTokens-long prompt:
// 2 FLOPs per multiplied parameter, plus Q·K and P·V over on average half the prompt.
func prefillFLOPs(m models.Model, l recipe.Layout) float64 {
	attn := 4 * float64(m.Layers) * float64(m.Heads*m.HeadSize) * promptTokens / 2
	return 2*float64(matmulParams(l)) + attn
}

// ceilings returns the prefill and decode ceilings in tokens/s for a
// layout, with sp saying which weight bytes sit in VRAM.
func (e engine) ceilings(m models.Model, l recipe.Layout, quantized bool, sp split, depth int, kvType string) (pp, tg float64) {
	cpuFlops := e.gflops
	if quantized && e.int8gops > 0 {
		cpuFlops = e.int8gops // llama.cpp multiplies quantized weights with int8 dot products on the CPU
	}
	bytes := float64(decodeBytes(m, l, depth, kvType))
	flops := prefillFLOPs(m, l)
	if sp.gpuWeight == 0 || e.gpuBW == 0 {
		return cpuFlops * 1e9 / flops, e.bw * 1e9 / bytes
	}
	gb := float64(sp.gpuWeight)
	frac := gb / bytes
	tgTime := gb/(e.gpuBW*1e9) + (bytes-gb)/(e.bw*1e9)
	ppTime := flops*frac/(e.gpuGFLOPS*1e9) + flops*(1-frac)/(cpuFlops*1e9)
	return 1 / ppTime, 1 / tgTime
}
