package runners

import (
	"errors"
	"strings"
	"testing"

	"github.com/odbench/odbench/gguf"
	"github.com/odbench/odbench/runners/runnertest"
)

func TestFootprintOf(t *testing.T) {
	path := runnertest.WriteLlama(t, t.TempDir(), "tiny.gguf", 1)
	f, err := gguf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	fp, err := FootprintOf(f)
	if err != nil {
		t.Fatal(err)
	}
	const e, kv, ff, v, l = runnertest.NEmbd, runnertest.NEmbd / runnertest.NHead * runnertest.NHeadKV, runnertest.NFF, runnertest.NVocab, runnertest.NLayer
	matmul := float64(l * (2*e*e + 2*e*kv + 3*e*ff))
	// Every tensor but the (untied) token embedding, F32.
	weights := 4 * (matmul + float64(l*2*e) + e + e*v)
	headDim := e / runnertest.NHead
	want := Footprint{WeightBytes: weights, MatmulParams: matmul, HeadParams: e * v, NLayer: l,
		KVElems: runnertest.NHeadKV * 2 * headDim, AttnMACs: runnertest.NHead * 2 * headDim}
	if fp != want {
		t.Fatalf("footprint\n%+v\nwant\n%+v", fp, want)
	}
}

func TestCheckFit(t *testing.T) {
	fp := Footprint{NLayer: 16, KVElems: 2048}
	need := NeedFor(700<<20, fp, 4096, 2)
	if need.KV != 16*2048*4096*2 || need.Compute != 70<<20 || need.Total != need.Weights+need.KV+need.Compute {
		t.Fatalf("need %+v", need)
	}
	if err := CheckFit("m.gguf", need, 4096, need.Total); err != nil {
		t.Fatalf("exact fit refused: %v", err)
	}
	if err := CheckFit("m.gguf", need, 4096, 0); err != nil {
		t.Fatalf("unknown memory refused: %v", err)
	}
	err := CheckFit("m.gguf", need, 4096, need.Total-1)
	if !errors.Is(err, ErrWontFit) || !strings.Contains(err.Error(), "m.gguf needs 1.00 GiB (weights 0.68 + KV cache 0.25 for 4096 tokens") || !strings.Contains(err.Error(), "--force") {
		t.Fatalf("err = %v", err)
	}
}
