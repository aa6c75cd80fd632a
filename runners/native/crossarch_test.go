package native_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"testing"

	"github.com/odbench/odbench/gguf"
	"github.com/odbench/odbench/quant"
	"github.com/odbench/odbench/runners"
	"github.com/odbench/odbench/runners/native"
	"github.com/odbench/odbench/runners/native/nativetest"
	"github.com/odbench/odbench/verify"
)

var updateCrossArch = flag.Bool("update", false, "rewrite testdata/crossarch.golden (amd64 only)")

// crossArchGolden holds what the engine computed on amd64 for every
// architecture and weight type, so that other architectures (arm64 under
// qemu-user in make test) and other kernel sets are held against it.
const crossArchGolden = "testdata/crossarch.golden"

// crossArchPrompt is the prompt of every case; crossArchGreedy the number
// of greedy tokens generated after it.
var crossArchPrompt = []int32{1, 265, 290, 300, 17, 42, 311, 260, 299, 5, 270, 281, 318}

const crossArchGreedy = 16

// Thresholds of the comparison, those of odbench verify for a whole model
// (KL ≤ 1e-3, identical greedy tokens) and a bound on the logits' largest
// difference relative to their largest magnitude.
const (
	crossArchMaxKL     = 1e-3
	crossArchMaxRelAbs = 1e-2
)

// crossArchCase is the record of one model: the logits after the prompt
// (batched prefill), the top token after each prompt position (stepwise
// decoding) and the greedy continuation.
type crossArchCase struct {
	Name   string    `json:"name"`
	Logits []float32 `json:"logits"`
	Top    []int32   `json:"top_per_position"`
	Greedy []int32   `json:"greedy"`
}

func crossArchTypes() []struct {
	name string
	t    gguf.Type
	mix  map[string]gguf.Type
} {
	qkm, mix := nativetest.QKM()
	return []struct {
		name string
		t    gguf.Type
		mix  map[string]gguf.Type
	}{
		{"F16", gguf.TypeF16, nil},
		{"Q8_0", gguf.TypeQ8_0, nil},
		{"Q4_0", gguf.TypeQ4_0, nil},
		{"Q4_K_M", qkm, mix},
		{"Q6_K", gguf.TypeQ6_K, nil},
	}
}

// runCrossArchCase builds the tiny model of arch and type and records the
// engine's outputs on it.
func runCrossArchCase(t *testing.T, arch, name string, typ gguf.Type, mix map[string]gguf.Type) crossArchCase {
	t.Helper()
	s := nativetest.Default(arch, typ)
	s.Mix = mix
	s.Tied = arch == "gemma3"
	s.RopeFreqs = arch == "llama"
	path := filepath.Join(t.TempDir(), "model.gguf")
	if err := nativetest.Write(path, s); err != nil {
		t.Fatal(err)
	}
	e, err := native.Open(path, runners.Options{Threads: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	ctx := context.Background()
	c := crossArchCase{Name: arch + "/" + name}
	for _, tok := range crossArchPrompt {
		if err := e.Decode(ctx, []int32{tok}); err != nil {
			t.Fatal(err)
		}
		c.Top = append(c.Top, int32(verify.Argmax(e.Logits())))
	}
	e.Reset()
	if err := e.Decode(ctx, crossArchPrompt); err != nil {
		t.Fatal(err)
	}
	c.Logits = slices.Clone(e.Logits())
	for range crossArchGreedy {
		tok := int32(verify.Argmax(e.Logits()))
		c.Greedy = append(c.Greedy, tok)
		if err := e.Decode(ctx, []int32{tok}); err != nil {
			t.Fatal(err)
		}
	}
	return c
}

// TestCrossArchitecture runs every architecture in five weight types and
// holds the results against those recorded on amd64: on arm64 this is the
// NEON (or generic) path checked against the AVX path, on amd64 it catches
// any change of the engine's numbers. -update rewrites the record (on amd64).
func TestCrossArchitecture(t *testing.T) {
	if testing.Short() {
		t.Skip("runs 25 models")
	}
	t.Logf("GOARCH %s, kernels %s", runtime.GOARCH, quant.KernelName())
	var got []crossArchCase
	for _, arch := range native.SupportedArchitectures() {
		for _, tt := range crossArchTypes() {
			got = append(got, runCrossArchCase(t, arch, tt.name, tt.t, tt.mix))
		}
	}
	if *updateCrossArch {
		if runtime.GOARCH != "amd64" {
			t.Fatalf("-update records the amd64 results; this is %s", runtime.GOARCH)
		}
		data, err := json.MarshalIndent(got, "", " ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(crossArchGolden, append(data, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	data, err := os.ReadFile(crossArchGolden)
	if err != nil {
		t.Fatalf("read %s: %v (run go test -run TestCrossArchitecture -update on amd64)", crossArchGolden, err)
	}
	var want []crossArchCase
	if err := json.Unmarshal(data, &want); err != nil {
		t.Fatalf("parse %s: %v", crossArchGolden, err)
	}
	if len(want) != len(got) {
		t.Fatalf("%s holds %d cases, the test ran %d", crossArchGolden, len(want), len(got))
	}
	for i, w := range want {
		g := got[i]
		t.Run(w.Name, func(t *testing.T) {
			if g.Name != w.Name {
				t.Fatalf("case %d is %s, recorded %s", i, g.Name, w.Name)
			}
			if len(g.Logits) == len(w.Logits) {
				t.Logf("KL %.3g, largest logit difference %.3g", verify.KL(w.Logits, g.Logits), verify.MaxAbsDiff(g.Logits, w.Logits))
			}
			if msg := compareCrossArch(g, w); msg != "" {
				t.Errorf("%s (after an intended change of the engine's numbers, rewrite the record on amd64: go test ./runners/native -run TestCrossArchitecture -args -update)", msg)
			}
		})
	}
}

// compareCrossArch returns what differs beyond the thresholds, or "".
func compareCrossArch(got, want crossArchCase) string {
	if len(got.Logits) != len(want.Logits) {
		return fmt.Sprintf("%d logits, recorded %d", len(got.Logits), len(want.Logits))
	}
	var scale float64
	for _, v := range want.Logits {
		scale = max(scale, float64(abs32(v)))
	}
	if kl := verify.KL(want.Logits, got.Logits); kl > crossArchMaxKL {
		return fmt.Sprintf("KL divergence %.3g from the amd64 logits > %.0e", kl, crossArchMaxKL)
	}
	if d := verify.MaxAbsDiff(got.Logits, want.Logits); d > crossArchMaxRelAbs*scale {
		return fmt.Sprintf("largest logit difference %.3g > %.0e × %.3g", d, crossArchMaxRelAbs, scale)
	}
	if !slices.Equal(got.Top, want.Top) {
		return fmt.Sprintf("top token per position %v, recorded %v", got.Top, want.Top)
	}
	if !slices.Equal(got.Greedy, want.Greedy) {
		return fmt.Sprintf("greedy tokens %v, recorded %v", got.Greedy, want.Greedy)
	}
	return ""
}

func abs32(v float32) float32 {
	if v < 0 {
		return -v
	}
	return v
}
