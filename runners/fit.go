package runners

import (
	"errors"
	"fmt"
)

// ErrWontFit is returned (wrapped) by CheckFit when a model will not fit in memory.
var ErrWontFit = errors.New("model will not fit in memory")

// FitNeed is the memory a model needs to run, in bytes.
type FitNeed struct {
	Weights, KV, Compute, Total uint64
}

// NeedFor estimates the memory needed to run a model whose weights take
// weightBytes with a KV cache of nCtx tokens of kvBytes per element:
// weights + KV cache + compute buffers (taken as 10% of the weights).
//
// This is a stand-in for the planner's figures (profiles/plan), which the
// bench command is to use once plan can describe a GGUF file.
func NeedFor(weightBytes uint64, fp Footprint, nCtx int, kvBytes float64) FitNeed {
	n := FitNeed{Weights: weightBytes, KV: uint64(float64(fp.NLayer*fp.KVElems*nCtx) * kvBytes), Compute: weightBytes / 10}
	n.Total = n.Weights + n.KV + n.Compute
	return n
}

// CheckFit returns an error wrapping ErrWontFit, with the figures, when
// need exceeds the available bytes; available 0 means unknown (no check).
func CheckFit(name string, need FitNeed, nCtx int, available uint64) error {
	if available == 0 || need.Total <= available {
		return nil
	}
	const gib = 1 << 30
	return fmt.Errorf("%w: %s needs %.2f GiB (weights %.2f + KV cache %.2f for %d tokens + compute %.2f) but %.2f GiB is available; --force tries anyway",
		ErrWontFit, name, float64(need.Total)/gib, float64(need.Weights)/gib, float64(need.KV)/gib, nCtx, float64(need.Compute)/gib, float64(available)/gib)
}
