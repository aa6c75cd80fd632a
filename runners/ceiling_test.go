package runners

import (
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
