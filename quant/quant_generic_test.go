package quant

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/odbench/odbench/gguf"
)

// allTypes are the types Quantize and Dequantize support.
var allTypes = []gguf.Type{
	gguf.TypeF32, gguf.TypeF16, gguf.TypeBF16, gguf.TypeQ4_0, gguf.TypeQ4_1, gguf.TypeQ5_0,
	gguf.TypeQ5_1, gguf.TypeQ8_0, gguf.TypeQ8_1, gguf.TypeQ2_K, gguf.TypeQ3_K, gguf.TypeQ4_K,
	gguf.TypeQ5_K, gguf.TypeQ6_K, gguf.TypeQ8_K,
}

// testRows returns random rows of 1 to 4 blocks of 256 elements (a multiple
// of every block size) at several scales, plus the adversarial inputs of
// the committed vectors (zeros, an outlier, denormals, ±1e4, constant and
// one-signed rows, rounding ties).
func testRows(t *testing.T) map[string][]float32 {
	rng := rand.New(rand.NewPCG(1, 2))
	rows := map[string][]float32{}
	for i, s := range []float64{1e-3, 0.02, 1, 30} {
		x := make([]float32, 256*(1+i))
		for j := range x {
			x[j] = float32(rng.NormFloat64() * s)
		}
		rows[fmt.Sprintf("normal(σ=%g)", s)] = x
	}
	for _, r := range loadVectors(t, gguf.TypeQ4_K).Rows {
		rows["vector "+r.Name] = r.Input
	}
	return rows
}

// TestRoundTripBounds quantizes and dequantizes every test row in every
// type and checks each element's error against the bound the format
// implies; see checkBlock.
func TestRoundTripBounds(t *testing.T) {
	rows := testRows(t)
	for _, typ := range allTypes {
		t.Run(typ.String(), func(t *testing.T) {
			for name, x := range rows {
				nb, err := gguf.RowBytes(typ, int64(len(x)))
				if err != nil {
					t.Fatal(err)
				}
				y := make([]byte, nb)
				got := make([]float32, len(x))
				if err := Quantize(typ, x, y); err != nil {
					t.Fatal(err)
				}
				if err := Dequantize(typ, y, got); err != nil {
					t.Fatal(err)
				}
				bs, bb := typ.BlockSize(), typ.BlockBytes()
				if bs == 1 {
					bs = len(x) // the float formats: one element at a time, checked row-wise
					bb = int(nb)
				}
				for i := 0; i < len(x); i += bs {
					if msg := checkBlock(typ, x[i:i+bs], y[i/bs*bb:(i/bs+1)*bb], got[i:i+bs]); msg != "" {
						t.Errorf("%s, block %d: %s", name, i/bs, msg)
						break
					}
				}
			}
		})
	}
}

// checkBlock returns a description of the first element of one block whose
// dequantization error exceeds the format's bound, or "".
//
//   - F32: exact. F16/BF16: the nearest representable value, so the
//     relative error is at most 2^-11 / 2^-8 (absolute 2^-25 / 2^-134 among
//     subnormals); F16 turns |x| ≥ 65520 into ±Inf.
//   - Q8_0, Q8_1 (d = amax/127), Q4_0 (d = |v|/8, v the largest-magnitude
//     element), Q5_0 (d = |v|/16): |err| ≤ d/2, or ≤ d on the side opposite
//     to v where the largest code is one short (x/d beyond qmax-1/2), plus
//     qmax·|d - d16| because the block stores d rounded to F16.
//   - Q4_1, Q5_1 (d = (max-min)/15 or /31): |err| ≤ d/2 + levels·|d - d16|
//   - |min - m16|.
//   - Q8_K (d stored as f32): |err| ≤ d/2; a block whose 127/amax
//     overflows float32 (denormals) becomes zero, |err| ≤ amax.
//   - Q2_K..Q6_K: each element dequantizes to the point of its sub-block's
//     grid {offset + step·q, q in the format's range} nearest to it, with
//     step and offset read back from the block (the last pass of ggml's
//     quantizer rounds each element on the stored grid); a sub-block whose
//     step is zero dequantizes to its offset.
//
// Every bound gets a relative slack of 1e-5 for float32 rounding.
func checkBlock(typ gguf.Type, x []float32, y []byte, got []float32) string {
	amax, vmax := maxAbs(x)
	slack := 1e-5 * float64(amax)
	errAt := func(i int) float64 { return math.Abs(float64(x[i]) - float64(got[i])) }
	symmetric := func(d, d16 float64, qmax float64) string {
		for i := range x {
			lim := math.Abs(d)/2 + qmax*math.Abs(d-d16) + slack
			if d != 0 && float64(x[i])/d > qmax-0.5 { // the short side of a signed code
				lim += math.Abs(d) / 2
			}
			if e := errAt(i); e > lim {
				return fmt.Sprintf("element %d: x=%g got %g, error %g > bound %g (d=%g)", i, x[i], got[i], e, lim, d)
			}
		}
		return ""
	}
	switch typ {
	case gguf.TypeF32:
		for i := range x {
			if math.Float32bits(x[i]) != math.Float32bits(got[i]) {
				return fmt.Sprintf("element %d: %g became %g", i, x[i], got[i])
			}
		}
	case gguf.TypeF16, gguf.TypeBF16:
		rel, abs := math.Ldexp(1, -11), math.Ldexp(1, -25)
		if typ == gguf.TypeBF16 {
			rel, abs = math.Ldexp(1, -8), math.Ldexp(1, -134)
		}
		for i := range x {
			if typ == gguf.TypeF16 && math.Abs(float64(x[i])) >= 65520 {
				if !math.IsInf(float64(got[i]), int(math.Copysign(1, float64(x[i])))) {
					return fmt.Sprintf("element %d: %g became %g, want ±Inf", i, x[i], got[i])
				}
				continue
			}
			if e := errAt(i); e > rel*math.Abs(float64(x[i]))+abs {
				return fmt.Sprintf("element %d: %g became %g", i, x[i], got[i])
			}
		}
	case gguf.TypeQ8_0, gguf.TypeQ8_1:
		return symmetric(float64(amax/127), float64(loadF16(y)), 127)
	case gguf.TypeQ4_0:
		return symmetric(float64(vmax/-8), float64(loadF16(y)), 8)
	case gguf.TypeQ5_0:
		return symmetric(float64(vmax/-16), float64(loadF16(y)), 16)
	case gguf.TypeQ4_1, gguf.TypeQ5_1:
		levels := 15.0
		if typ == gguf.TypeQ5_1 {
			levels = 31
		}
		lo, hi := minMax(x)
		d := float64((hi - lo) / float32(levels))
		lim := d/2 + levels*math.Abs(d-float64(loadF16(y))) + math.Abs(float64(lo)-float64(loadF16(y[2:]))) + slack
		for i := range x {
			if e := errAt(i); e > lim {
				return fmt.Sprintf("element %d: x=%g got %g, error %g > bound %g", i, x[i], got[i], e, lim)
			}
		}
	case gguf.TypeQ8_K:
		d := math.Abs(float64(q8KScale(y)))
		lim := d / 2 * (1 + 1e-5)
		if amax < 127/math.MaxFloat32 { // 127/amax overflows: the block underflows to zero
			lim = float64(amax)
		}
		for i := range x {
			if e := errAt(i); e > lim {
				return fmt.Sprintf("element %d: x=%g got %g, error %g > d/2 = %g", i, x[i], got[i], e, d/2)
			}
		}
	default:
		return checkGrid(typ, x, y, got)
	}
	return ""
}

// kGrid is the set of values one sub-block of a k-quant can take:
// offset + step·q for q in [qlo, qhi].
type kGrid struct {
	step, offset float64
	qlo, qhi     float64
}

// kGrids reads the grid of each sub-block of a k-quant block and returns the
// sub-block length.
func kGrids(typ gguf.Type, y []byte) (int, []kGrid) {
	var gs []kGrid
	switch typ {
	case gguf.TypeQ2_K:
		d, dmin := float64(loadF16(y[80:])), float64(loadF16(y[82:]))
		for _, sc := range y[:16] {
			gs = append(gs, kGrid{d * float64(sc&15), -dmin * float64(sc>>4), 0, 3})
		}
		return 16, gs
	case gguf.TypeQ3_K:
		d := float64(loadF16(y[108:]))
		for j := range 16 {
			gs = append(gs, kGrid{d * float64(q3KScale(y[96:108], j)-32), 0, -4, 3})
		}
		return 16, gs
	case gguf.TypeQ4_K, gguf.TypeQ5_K:
		d, dmin := float64(loadF16(y[0:])), float64(loadF16(y[2:]))
		qhi := 15.0
		if typ == gguf.TypeQ5_K {
			qhi = 31
		}
		for j := range 8 {
			s, m := scaleMinK4(j, y[4:16])
			gs = append(gs, kGrid{d * float64(s), -dmin * float64(m), 0, qhi})
		}
		return 32, gs
	case gguf.TypeQ6_K:
		d := float64(loadF16(y[208:]))
		for j := range 16 {
			gs = append(gs, kGrid{d * float64(int8(y[192+j])), 0, -32, 31})
		}
		return 16, gs
	}
	panic("no grid for " + typ.String())
}

func checkGrid(typ gguf.Type, x []float32, y []byte, got []float32) string {
	sub, gs := kGrids(typ, y)
	for i := range x {
		g := gs[i/sub]
		xi := float64(x[i])
		if g.step == 0 {
			if float64(got[i]) != g.offset {
				return fmt.Sprintf("element %d: got %g, want the offset %g of a zero-step sub-block", i, got[i], g.offset)
			}
			continue
		}
		q := math.Max(g.qlo, math.Min(g.qhi, math.Round((xi-g.offset)/g.step)))
		best := math.Abs(xi - (g.offset + g.step*q))
		tol := 1e-5 * (math.Abs(g.step)*math.Max(-g.qlo, g.qhi) + math.Abs(g.offset))
		if e := math.Abs(xi - float64(got[i])); e > best+tol {
			return fmt.Sprintf("element %d: x=%g got %g, error %g but the grid point %g is %g away",
				i, x[i], got[i], e, g.offset+g.step*q, best)
		}
	}
	return ""
}

// TestRoundTripRMS bounds the root-mean-square error on Gaussian rows
// relative to the rows' RMS: the quality each format is known for (about
// 2^-bits of the range), with margin.
func TestRoundTripRMS(t *testing.T) {
	limits := map[gguf.Type]float64{
		gguf.TypeF16: 3e-4, gguf.TypeBF16: 3e-3, gguf.TypeQ8_0: 0.01, gguf.TypeQ8_1: 0.01, gguf.TypeQ8_K: 0.01,
		gguf.TypeQ6_K: 0.03, gguf.TypeQ5_0: 0.06, gguf.TypeQ5_1: 0.06, gguf.TypeQ5_K: 0.06,
		gguf.TypeQ4_0: 0.12, gguf.TypeQ4_1: 0.12, gguf.TypeQ4_K: 0.12, gguf.TypeQ3_K: 0.25, gguf.TypeQ2_K: 0.5,
	}
	rng := rand.New(rand.NewPCG(3, 4))
	x := make([]float32, 4096)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	for typ, limit := range limits {
		nb, _ := gguf.RowBytes(typ, int64(len(x)))
		y := make([]byte, nb)
		got := make([]float32, len(x))
		if err := Quantize(typ, x, y); err != nil {
			t.Fatal(err)
		}
		if err := Dequantize(typ, y, got); err != nil {
			t.Fatal(err)
		}
		var se, sx float64
		for i := range x {
			e := float64(x[i] - got[i])
			se += e * e
			sx += float64(x[i]) * float64(x[i])
		}
		if rel := math.Sqrt(se / sx); rel > limit {
			t.Errorf("%v: relative RMS error %.4g > %g", typ, rel, limit)
		} else {
			t.Logf("%v: relative RMS error %.4g (limit %g)", typ, rel, limit)
		}
	}
}
