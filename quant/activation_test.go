package quant

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/odbench/odbench/gguf"
)

// TestQuantizeActivationsRuntimeRules pins the two rules by which ggml-cpu's
// run-time Q8_0/Q8_1 activation quantizer (x86 quantize_row_q8_0 and
// quantize_row_q8_1) differs from the reference quantizer that writes weight
// files: the multiplier is 127/amax instead of 1/(amax/127), and the
// product is rounded half to even instead of half away from zero.
func TestQuantizeActivationsRuntimeRules(t *testing.T) {
	tests := []struct {
		name    string
		x       map[int]float32 // non-zero elements of the block
		runtime map[int]int8    // quants quantizeActivations must give
		ref     map[int]int8    // quants the reference gives
		d       float32         // block scale, the same for both
	}{{
		// 127/amax rounds below 1/(amax/127): x·id is 0.49999997 at run
		// time, exactly 0.5 in the reference.
		name:    "multiplier",
		x:       map[int]float32{0: math.Float32frombits(0x3f80000f), 1: math.Float32frombits(0x3b810213)},
		runtime: map[int]int8{0: 127, 1: 0},
		ref:     map[int]int8{0: 127, 1: 1},
		d:       math.Float32frombits(0x3f80000f) / 127,
	}, {
		// amax 127 makes the multiplier exactly 1, so x·id are ties.
		name:    "ties",
		x:       map[int]float32{0: 127, 1: 2.5, 2: -2.5, 3: 3.5, 4: -0.5},
		runtime: map[int]int8{0: 127, 1: 2, 2: -2, 3: 4, 4: 0},
		ref:     map[int]int8{0: 127, 1: 3, 2: -3, 3: 4, 4: -1},
		d:       1,
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var x [qk0]float32
			var sumRuntime, sumRef int
			for i, v := range tc.x {
				x[i] = v
				sumRuntime += int(tc.runtime[i])
				sumRef += int(tc.ref[i])
			}
			check := func(what string, qs []byte, want map[int]int8) {
				t.Helper()
				for i, b := range qs {
					if got := int8(b); got != want[i] {
						t.Errorf("%s: q[%d] = %d, want %d", what, i, got, want[i])
					}
				}
			}
			for _, at := range []gguf.Type{gguf.TypeQ8_0, gguf.TypeQ8_1} {
				off := 2
				if at == gguf.TypeQ8_1 {
					off = 4
				}
				got := make([]byte, at.BlockBytes())
				quantizeActivations("test", at, x[:], got)
				check(at.String()+" run time", got[off:], tc.runtime)
				if d := loadF16(got); d != FP16ToFP32(FP32ToFP16(tc.d)) {
					t.Errorf("%v: d = %v, want %v", at, d, tc.d)
				}
				if at == gguf.TypeQ8_1 {
					want := FP16ToFP32(FP32ToFP16(float32(sumRuntime) * tc.d))
					if s := loadF16(got[2:]); s != want {
						t.Errorf("Q8_1: s = %v, want %v", s, want)
					}
				}
				ref := make([]byte, at.BlockBytes())
				if err := Quantize(at, x[:], ref); err != nil {
					t.Fatal(err)
				}
				check(at.String()+" reference", ref[off:], tc.ref)
			}
			if sumRuntime == sumRef {
				t.Fatalf("the case does not tell the rules apart")
			}
		})
	}
}

// TestQuantizeActivationsMatchesReferenceElsewhere checks that the run-time
// rules agree with the reference on ordinary activations (a flip needs a
// product within an ulp of a half) and that Q8_K activations are the
// reference ones.
func TestQuantizeActivationsMatchesReferenceElsewhere(t *testing.T) {
	rng := rand.New(rand.NewPCG(6, 1))
	x := make([]float32, 4*qkK)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	for _, at := range []gguf.Type{gguf.TypeQ8_0, gguf.TypeQ8_1, gguf.TypeQ8_K} {
		n, err := gguf.RowBytes(at, int64(len(x)))
		if err != nil {
			t.Fatal(err)
		}
		got, want := make([]byte, n), make([]byte, n)
		quantizeActivations("test", at, x, got)
		if err := Quantize(at, x, want); err != nil {
			t.Fatal(err)
		}
		diff := 0
		for i := range got {
			if got[i] != want[i] {
				diff++
			}
		}
		if diff != 0 {
			t.Errorf("%v: %d of %d bytes differ from the reference", at, diff, n)
		}
	}
}
