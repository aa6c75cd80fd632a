package runners

import (
	"fmt"
	"strings"

	"github.com/odbench/odbench/gguf"
	"github.com/odbench/odbench/results"
)

// Footprint is what evaluating tokens costs a model, the inputs of the
// physical ceilings of DESIGN.md. Byte and parameter counts are totals over
// the model; per-layer figures are per token of context.
type Footprint struct {
	// WeightBytes is read for every decoded token: every weight at its
	// stored size, the output head included; the token-embedding table is
	// left out (one row of it is read) unless it doubles as the output head.
	WeightBytes float64
	// MatmulParams are the weights one token multiplies, output head excluded.
	MatmulParams float64
	// HeadParams are the output head's weights (n_vocab × n_embd). A decoded
	// token multiplies them; a prompt batch multiplies them once (only its
	// last token's logits are computed).
	HeadParams float64
	// NLayer is the number of transformer blocks.
	NLayer int
	// KVElems is the KV cache elements one token of context holds per layer:
	// n_head_kv × (key length + value length).
	KVElems int
	// AttnMACs is the multiply-adds attention does per layer for each token
	// of context a query attends to: n_head × (key length + value length).
	AttnMACs int
	// Quantized is true when most weight bytes are block-quantized; the
	// prefill ceiling then uses the device's int8 rate, else its fp32 rate.
	Quantized bool
}

// FootprintOf reads a model's footprint from its GGUF header.
func FootprintOf(f *gguf.File) (Footprint, error) {
	nLayer, ok1 := f.ArchUint("block_count")
	nEmbd, ok2 := f.ArchUint("embedding_length")
	nHead, ok3 := f.ArchUint("attention.head_count")
	if !ok1 || !ok2 || !ok3 || nHead == 0 {
		return Footprint{}, fmt.Errorf("%s: no %s.block_count, embedding_length or attention.head_count", f.Path, f.Architecture())
	}
	nHeadKV, ok := f.ArchUint("attention.head_count_kv")
	if !ok {
		nHeadKV = nHead
	}
	kLen, ok := f.ArchUint("attention.key_length")
	if !ok {
		kLen = nEmbd / nHead
	}
	vLen, ok := f.ArchUint("attention.value_length")
	if !ok {
		vLen = kLen
	}
	fp := Footprint{NLayer: int(nLayer), KVElems: int(nHeadKV * (kLen + vLen)), AttnMACs: int(nHead * (kLen + vLen))}
	_, hasOutput := f.Tensor("output.weight")
	var quantBytes, matBytes float64
	for _, t := range f.Tensors {
		n := float64(t.NumElements())
		switch {
		case t.Name == "token_embd.weight" && hasOutput:
			continue
		case t.Name == "output.weight" || t.Name == "token_embd.weight":
			fp.HeadParams = n
		case len(t.Dims) >= 2 && strings.HasPrefix(t.Name, "blk."):
			fp.MatmulParams += n
			matBytes += float64(t.Size)
			if t.Type.Quantized() {
				quantBytes += float64(t.Size)
			}
		}
		fp.WeightBytes += float64(t.Size)
	}
	fp.Quantized = quantBytes > matBytes/2
	return fp, nil
}

// KVBytesPerElem returns the bytes one KV cache element takes in a cache
// of type kv ("f16", "q8_0", "f32", "q4_0"); f16 for "".
func KVBytesPerElem(kv string) (float64, error) {
	if kv == "" {
		kv = "f16"
	}
	t, err := gguf.ParseType(kv)
	if err != nil {
		return 0, fmt.Errorf("KV cache type: %w", err)
	}
	return float64(t.BlockBytes()) / float64(t.BlockSize()), nil
}

// Rates are the device's measured ceilings: memory read bandwidth in GB/s
// and compute in GFLOP/s (fp32) and GOP/s (int8). Zero means unknown.
type Rates struct {
	ReadGBs, FP32GFLOPS, Int8GOPS float64
}

// RatesOf takes the all-cores figures of a device profile's calibration.
func RatesOf(d *results.Device) Rates {
	if d == nil {
		return Rates{}
	}
	c := d.Calibration
	return Rates{ReadGBs: c.ReadGBsAll, FP32GFLOPS: c.FP32GFLOPSAll, Int8GOPS: c.Int8GOPSAll}
}

// Ceiling returns the most tokens/s test t can reach on a device with rates
// r (DESIGN.md): prompt tokens are bound by compute, FLOP/s ÷ (2 × params
// per token + attention over the context so far), generated tokens by
// memory, bandwidth ÷ (weights + the KV cache read at that position). A
// test mixing both gets (n_prompt + n_gen) ÷ (the two least times). It
// returns 0 when a rate the test needs is unknown. kvBytes is
// KVBytesPerElem of the cache type.
func (fp Footprint) Ceiling(t Test, r Rates, kvBytes float64) float64 {
	var seconds float64
	if t.NPrompt > 0 {
		flops := r.FP32GFLOPS
		if fp.Quantized && r.Int8GOPS > 0 {
			flops = r.Int8GOPS
		}
		if flops <= 0 {
			return 0
		}
		n, d := float64(t.NPrompt), float64(t.NDepth)
		ctxSum := n*d + n*(n+1)/2 // context lengths the prompt's tokens attend to
		ops := 2*fp.MatmulParams*n + 2*fp.HeadParams + 2*float64(fp.NLayer*fp.AttnMACs)*ctxSum
		seconds += ops / (flops * 1e9)
	}
	if t.NGen > 0 {
		if r.ReadGBs <= 0 {
			return 0
		}
		m, d := float64(t.NGen), float64(t.NDepth+t.NPrompt)
		ctxSum := m*d + m*(m+1)/2
		bytes := fp.WeightBytes*m + float64(fp.NLayer*fp.KVElems)*kvBytes*ctxSum
		seconds += bytes / (r.ReadGBs * 1e9)
	}
	if seconds == 0 {
		return 0
	}
	return float64(t.NPrompt+t.NGen) / seconds
}

// AddCeilings sets ceiling_ts and ceiling_share of every result of doc
// from the rates of doc.Device and the model's footprint, and returns a
// note when there are none to set. The ceilings come after the
// measurement, so that a calibration run for them does not disturb it.
func AddCeilings(doc *results.Bench, fp *Footprint) string {
	rates := RatesOf(doc.Device)
	switch {
	case fp == nil:
		return "ceilings omitted: the model's shape is unknown"
	case rates == (Rates{}):
		return "ceilings omitted: no device profile (pass --device PROFILE.json from `odbench detect --save`, or --bandwidth and --flops)"
	}
	for i := range doc.Results {
		r := &doc.Results[i]
		k, errK := KVBytesPerElem(r.TypeK)
		v, errV := KVBytesPerElem(r.TypeV)
		if errK != nil || errV != nil {
			continue
		}
		c := fp.Ceiling(Test{NPrompt: r.NPrompt, NGen: r.NGen, NDepth: r.NDepth}, rates, (k+v)/2)
		if c > 0 && r.AvgTs > 0 {
			r.CeilingTs, r.CeilingShare = c, r.AvgTs/c
		}
	}
	return ""
}
