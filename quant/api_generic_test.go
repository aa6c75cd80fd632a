package quant

import (
	"errors"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/odbench/odbench/gguf"
)

func TestVecDotType(t *testing.T) {
	for _, c := range []struct{ w, act gguf.Type }{
		{gguf.TypeF32, gguf.TypeF32}, {gguf.TypeF16, gguf.TypeF16}, {gguf.TypeBF16, gguf.TypeBF16},
		{gguf.TypeQ4_0, gguf.TypeQ8_0}, {gguf.TypeQ4_1, gguf.TypeQ8_1}, {gguf.TypeQ5_0, gguf.TypeQ8_0},
		{gguf.TypeQ5_1, gguf.TypeQ8_1}, {gguf.TypeQ8_0, gguf.TypeQ8_0},
		{gguf.TypeQ2_K, gguf.TypeQ8_K}, {gguf.TypeQ3_K, gguf.TypeQ8_K}, {gguf.TypeQ4_K, gguf.TypeQ8_K},
		{gguf.TypeQ5_K, gguf.TypeQ8_K}, {gguf.TypeQ6_K, gguf.TypeQ8_K},
		{gguf.TypeQ8_1, NoType}, {gguf.TypeQ8_K, NoType}, {gguf.TypeIQ2_XXS, NoType}, {gguf.Type(999), NoType},
	} {
		if got := VecDotType(c.w); got != c.act {
			t.Errorf("VecDotType(%v) = %v, want %v", c.w, got, c.act)
		}
	}
}

func TestErrors(t *testing.T) {
	x := make([]float32, 64)
	buf := make([]byte, 1024)
	for _, c := range []struct {
		name string
		err  error
		want error
	}{
		{"quantize unsupported", Quantize(gguf.TypeIQ2_XXS, make([]float32, 256), buf), ErrUnsupported},
		{"quantize unknown id", Quantize(gguf.Type(4), x, buf), ErrUnsupported},
		{"quantize partial block", Quantize(gguf.TypeQ4_0, x[:33], buf), ErrBadLength},
		{"quantize k-quant partial super-block", Quantize(gguf.TypeQ4_K, x, buf), ErrBadLength},
		{"quantize short dst", Quantize(gguf.TypeQ8_0, x, buf[:67]), ErrBadLength},
		{"dequantize unsupported", Dequantize(gguf.TypeIQ4_NL, buf, x[:32]), ErrUnsupported},
		{"dequantize partial block", Dequantize(gguf.TypeQ5_1, buf, x[:40]), ErrBadLength},
		{"dequantize short src", Dequantize(gguf.TypeF16, buf[:127], x), ErrBadLength},
	} {
		if !errors.Is(c.err, c.want) {
			t.Errorf("%s: error %v, want %v", c.name, c.err, c.want)
		}
	}
	if !Supported(gguf.TypeQ6_K) || Supported(gguf.TypeIQ2_XXS) {
		t.Error("Supported is wrong for Q6_K or IQ2_XXS")
	}
}

// TestQuantizeWritesRowOnly checks that Quantize leaves the bytes after the
// row alone, so callers may pass a larger scratch buffer.
func TestQuantizeWritesRowOnly(t *testing.T) {
	x := make([]float32, 256)
	for i := range x {
		x[i] = float32(i%7) - 3
	}
	for _, typ := range allTypes {
		nb, _ := gguf.RowBytes(typ, 256)
		buf := make([]byte, nb+8)
		for i := range buf {
			buf[i] = 0xa5
		}
		if err := Quantize(typ, x, buf); err != nil {
			t.Fatal(err)
		}
		for _, b := range buf[nb:] {
			if b != 0xa5 {
				t.Fatalf("%v: Quantize wrote past the row's %d bytes", typ, nb)
			}
		}
	}
}

func TestVecDotGenericPanics(t *testing.T) {
	for _, c := range []struct {
		name string
		f    func()
	}{
		{"no dot for Q8_K", func() { VecDotGeneric(gguf.TypeQ8_K, make([]byte, 292), make([]byte, 292), 256) }},
		{"partial block", func() { VecDotGeneric(gguf.TypeQ4_0, make([]byte, 36), make([]byte, 68), 48) }},
		{"short activation", func() { VecDotGeneric(gguf.TypeQ4_K, make([]byte, 144), make([]byte, 100), 256) }},
	} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("%s: no panic", c.name)
				}
			}()
			c.f()
		}()
	}
}

// TestVecDotGeneric compares every dot product with the float64 dot of the
// dequantized weight row and the dequantized activation row: the integer
// parts are exact, so only float32 rounding of the per-block scaling and
// the running sum may differ.
func TestVecDotGeneric(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	rows := testRows(t)
	for _, typ := range allTypes {
		act := VecDotType(typ)
		if act == NoType {
			continue
		}
		t.Run(typ.String(), func(t *testing.T) {
			cases := map[string][]float32{}
			for name, w := range rows {
				cases[name] = w
			}
			for _, n := range []int{typ.BlockSize(), 3 * typ.BlockSize(), 37 * typ.BlockSize()} {
				w := make([]float32, max(n, 32))
				for i := range w {
					w[i] = float32(rng.NormFloat64())
				}
				cases[fmt.Sprintf("%d random elements", len(w))] = w
			}
			for _, name := range slices.Sorted(maps.Keys(cases)) { // sorted: rng draws in a fixed order
				w := cases[name]
				a := make([]float32, len(w))
				for i := range a {
					a[i] = float32(rng.NormFloat64())
				}
				got, want, scale, extra := dotBoth(t, typ, act, w, a)
				if math.Abs(float64(got)-want) > 2e-5*scale+extra+1e-30 {
					t.Errorf("%s (n=%d): VecDotGeneric = %g, dequantized dot = %g (Σ|w·a| = %g)", name, len(w), got, want, scale)
				}
			}
		})
	}
}

// dotBoth quantizes w to typ and a to act and returns VecDotGeneric, the
// float64 dot of the dequantized rows and Σ|w·a| over the dequantized rows.
// With Q8_1 activations the min term of a block uses s = d·Σq stored as
// F16 and computed from the unrounded d, so extra bounds that difference by
// Σ|m|·(2^-10·|s| + 2^-24).
func dotBoth(t *testing.T, typ, act gguf.Type, w, a []float32) (got float32, want, scale, extra float64) {
	t.Helper()
	quant := func(typ gguf.Type, x []float32) ([]byte, []float32) {
		nb, err := gguf.RowBytes(typ, int64(len(x)))
		if err != nil {
			t.Fatal(err)
		}
		y := make([]byte, nb)
		back := make([]float32, len(x))
		if err := Quantize(typ, x, y); err != nil {
			t.Fatal(err)
		}
		if err := Dequantize(typ, y, back); err != nil {
			t.Fatal(err)
		}
		return y, back
	}
	qw, dw := quant(typ, w)
	qa, da := quant(act, a)
	for i := range dw {
		p := float64(dw[i]) * float64(da[i])
		want += p
		scale += math.Abs(p)
	}
	if act == gguf.TypeQ8_1 {
		for b := range len(w) / qk0 {
			m := math.Abs(float64(loadF16(qw[b*typ.BlockBytes()+2:])))
			ab := qa[b*bytesQ8_1 : (b+1)*bytesQ8_1]
			var sum int
			for _, q := range ab[4:] {
				sum += int(int8(q))
			}
			s := math.Abs(float64(loadF16(ab)) * float64(sum))
			extra += m * (math.Ldexp(s, -10) + math.Ldexp(1, -24))
		}
	}
	return VecDotGeneric(typ, qw, qa, len(w)), want, scale, extra
}

func TestActivationQuantizersDoNotAllocate(t *testing.T) {
	x := make([]float32, 4096)
	for i := range x {
		x[i] = float32(math.Sin(float64(i)))
	}
	y := make([]byte, 4096/256*bytesQ8_K+4096/32*bytesQ8_1)
	for name, f := range map[string]func([]float32, []byte){
		"Q8_0": QuantizeQ8_0Row, "Q8_1": QuantizeQ8_1Row, "Q8_K": QuantizeQ8_KRow,
	} {
		if n := testing.AllocsPerRun(10, func() { f(x, y) }); n != 0 {
			t.Errorf("QuantizeQ8_%sRow allocates %v times per call", name[3:], n)
		}
	}
}

// TestDotF32Generic compares DotF32Generic with the float64 dot of the
// whole dequantized row, on lengths that are and are not multiples of 256.
func TestDotF32Generic(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, typ := range allTypes {
		for _, n := range []int{256, 512 + 256, typ.BlockSize() * 3, 32 * 5} {
			if n%typ.BlockSize() != 0 {
				continue
			}
			w, x := make([]float32, n), make([]float32, n)
			for i := range w {
				w[i], x[i] = float32(rng.NormFloat64()), float32(rng.NormFloat64())
			}
			nb, _ := gguf.RowBytes(typ, int64(n))
			q := make([]byte, nb)
			if err := Quantize(typ, w, q); err != nil {
				t.Fatal(err)
			}
			if err := Dequantize(typ, q, w); err != nil {
				t.Fatal(err)
			}
			var want, scale float64
			for i := range w {
				want += float64(w[i] * x[i])
				scale += math.Abs(float64(w[i] * x[i]))
			}
			if got := DotF32Generic(typ, q, x); math.Abs(float64(got)-want) > 1e-6*scale {
				t.Errorf("%v n=%d: DotF32Generic = %g, want %g", typ, n, got, want)
			}
		}
	}
}
