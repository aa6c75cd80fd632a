//go:build vectorgen

// Command vectorgen writes the test vectors in quant/testdata/vectors from
// llama.cpp's own library (libggml-base.so, called through purego):
//
//   - <type>.bin: ten deterministic rows (zeros, Gaussian, weight-like, an
//     outlier, ±1e4, mixed runs, denormals, constant, negative, rounding
//     ties; plus NaN/Inf/overflow/tie edge values for F16 and BF16), each
//     with the bytes of quantize_row_<type>_ref and the floats of
//     dequantize_row_<type>;
//   - digests.txt: SHA-256 digests of the library's output for the 300
//     rows per type that vectorfile.DigestRows generates.
//
// With -check N it instead compares package quant with the library on N
// further random rows per type and reports how many differ. It is behind
// the vectorgen build tag so that the default build never loads a foreign
// library:
//
//	go run -tags vectorgen ./quant/internal/vectorgen \
//	    -lib /path/to/libggml-base.so -out quant/testdata/vectors
//	go run -tags vectorgen ./quant/internal/vectorgen -lib /path/to/libggml-base.so -check 3000
//
// The library used for the committed vectors is the one in the npm package
// @node-llama-cpp/linux-x64@3.22.1 (llama.cpp release v0.5.0, ggml 0.25.1,
// commit 0ad4a86), whose x86-64 build uses SSE arithmetic without fused
// multiply-adds.
package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"flag"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"unsafe"

	"github.com/ebitengine/purego"

	"github.com/odbench/odbench/gguf"
	"github.com/odbench/odbench/quant"
	"github.com/odbench/odbench/quant/internal/vectorfile"
)

// ggmlRowFunc is the C signature shared by quantize_row_<t>_ref,
// dequantize_row_<t> and the fp16/bf16 row converters: (src, dst, k).
type ggmlRowFunc func(src, dst unsafe.Pointer, k int64)

// target names the library functions for one type.
type target struct {
	t          gguf.Type
	quantize   string
	dequantize string // "" when the library has none
}

var targets = []target{
	{gguf.TypeF16, "ggml_fp32_to_fp16_row", "ggml_fp16_to_fp32_row"},
	{gguf.TypeBF16, "ggml_fp32_to_bf16_row_ref", "ggml_bf16_to_fp32_row"},
	{gguf.TypeQ4_0, "quantize_row_q4_0_ref", "dequantize_row_q4_0"},
	{gguf.TypeQ4_1, "quantize_row_q4_1_ref", "dequantize_row_q4_1"},
	{gguf.TypeQ5_0, "quantize_row_q5_0_ref", "dequantize_row_q5_0"},
	{gguf.TypeQ5_1, "quantize_row_q5_1_ref", "dequantize_row_q5_1"},
	{gguf.TypeQ8_0, "quantize_row_q8_0_ref", "dequantize_row_q8_0"},
	{gguf.TypeQ8_1, "quantize_row_q8_1_ref", ""},
	{gguf.TypeQ2_K, "quantize_row_q2_K_ref", "dequantize_row_q2_K"},
	{gguf.TypeQ3_K, "quantize_row_q3_K_ref", "dequantize_row_q3_K"},
	{gguf.TypeQ4_K, "quantize_row_q4_K_ref", "dequantize_row_q4_K"},
	{gguf.TypeQ5_K, "quantize_row_q5_K_ref", "dequantize_row_q5_K"},
	{gguf.TypeQ6_K, "quantize_row_q6_K_ref", "dequantize_row_q6_K"},
	{gguf.TypeQ8_K, "quantize_row_q8_K_ref", "dequantize_row_q8_K"},
}

func main() {
	lib := flag.String("lib", "", "path to llama.cpp's libggml-base.so")
	out := flag.String("out", "quant/testdata/vectors", "output folder")
	check := flag.Int("check", 0, "instead of writing vectors, compare quant.Quantize and quant.Dequantize with the library on this many random rows per type")
	flag.Parse()
	run := func() error { return write(*lib, *out) }
	if *check > 0 {
		run = func() error { return compare(*lib, *check) }
	}
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "vectorgen:", err)
		os.Exit(1)
	}
}

// libFuncs are one type's functions in the library.
type libFuncs struct {
	t     gguf.Type
	q, dq ggmlRowFunc // dq is nil when the library has no dequantizer
}

// open loads the library and binds every target's functions.
func open(lib string) ([]libFuncs, error) {
	if lib == "" {
		return nil, fmt.Errorf("-lib is required")
	}
	h, err := purego.Dlopen(lib, purego.RTLD_NOW|purego.RTLD_LOCAL)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", lib, err)
	}
	var fs []libFuncs
	for _, tg := range targets {
		f := libFuncs{t: tg.t}
		purego.RegisterLibFunc(&f.q, h, tg.quantize)
		if tg.dequantize != "" {
			purego.RegisterLibFunc(&f.dq, h, tg.dequantize)
		}
		fs = append(fs, f)
	}
	return fs, nil
}

// reference fills r.Quant and r.Dequant from r.Input with the library.
func (f libFuncs) reference(r *vectorfile.Row) error {
	nb, err := gguf.RowBytes(f.t, int64(len(r.Input)))
	if err != nil {
		return err
	}
	r.Quant = make([]byte, nb) // zeroed: Q8_K leaves bsums of an all-zero block untouched
	f.q(unsafe.Pointer(&r.Input[0]), unsafe.Pointer(&r.Quant[0]), int64(len(r.Input)))
	if f.dq != nil {
		r.Dequant = make([]float32, len(r.Input))
		f.dq(unsafe.Pointer(&r.Quant[0]), unsafe.Pointer(&r.Dequant[0]), int64(len(r.Input)))
	}
	return nil
}

func write(lib, out string) error {
	fs, err := open(lib)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	var digests bytes.Buffer
	for _, lf := range fs {
		tg := lf
		f := &vectorfile.File{Type: uint32(tg.t)}
		for _, r := range rows(tg.t) {
			if err := lf.reference(&r); err != nil {
				return err
			}
			f.Rows = append(f.Rows, r)
		}
		path := filepath.Join(out, strings.ToLower(tg.t.String())+".bin")
		if err := vectorfile.WriteFile(path, f); err != nil {
			return err
		}
		fmt.Printf("%s: %d rows\n", path, len(f.Rows))
		line, err := digest(lf)
		if err != nil {
			return err
		}
		digests.WriteString(line)
	}
	path := filepath.Join(out, "digests.txt")
	if err := os.WriteFile(path, digests.Bytes(), 0o644); err != nil {
		return err
	}
	fmt.Printf("%s: %d types\n", path, len(fs))
	return nil
}

// digest returns the line of digests.txt for one type: the type name, the
// row count, the SHA-256 of the library's quantized bytes of all
// vectorfile.DigestRows and the SHA-256 of its dequantized floats (as
// little-endian bits), or "-" when the library has no dequantizer.
func digest(lf libFuncs) (string, error) {
	hq, hd := sha256.New(), sha256.New()
	for _, x := range vectorfile.DigestRows(uint32(lf.t), vectorfile.DigestCount) {
		r := vectorfile.Row{Input: x}
		if err := lf.reference(&r); err != nil {
			return "", err
		}
		hq.Write(r.Quant)
		for _, v := range r.Dequant {
			hd.Write(binary.LittleEndian.AppendUint32(nil, math.Float32bits(v)))
		}
	}
	dq := "-"
	if lf.dq != nil {
		dq = hex.EncodeToString(hd.Sum(nil))
	}
	return fmt.Sprintf("%s %d %s %s\n", lf.t, vectorfile.DigestCount, hex.EncodeToString(hq.Sum(nil)), dq), nil
}

// rows returns the test rows for type t: 256 elements for the k-quants,
// 64 (two blocks) for the 32-element formats and the float formats. The
// random source is seeded with the type id, so every run writes the same
// inputs.
func rows(t gguf.Type) []vectorfile.Row {
	n := 64
	if t.BlockSize() == 256 {
		n = 256
	}
	rng := rand.New(rand.NewPCG(uint64(t), 0x6f64626e))
	gen := func(f func(i int) float32) []float32 {
		x := make([]float32, n)
		for i := range x {
			x[i] = f(i)
		}
		return x
	}
	normal := func(s float64) func(int) float32 {
		return func(int) float32 { return float32(rng.NormFloat64() * s) }
	}
	uniform := func(lo, hi float64) func(int) float32 {
		return func(int) float32 { return float32(lo + (hi-lo)*rng.Float64()) }
	}
	denormal := func(int) float32 {
		v := math.Float32frombits(uint32(rng.IntN(1<<23-1) + 1))
		if rng.IntN(2) == 0 {
			v = -v
		}
		return v
	}
	outlier := gen(normal(0.01))
	outlier[n/3] = 4
	large := gen(uniform(-1e4, 1e4))
	large[1], large[n-2] = 1e4, -1e4
	// mixed gives each run of 16 elements its own pattern, so that the
	// sub-block scales of the k-quants span several orders of magnitude
	// and include zero, constant and one-signed runs.
	mixed := gen(func(i int) float32 {
		switch g := i / 16; g % 8 {
		case 0:
			return 0
		case 1:
			return 0.3
		case 2:
			return float32(-0.1 - rng.Float64())
		case 3:
			return float32(0.1 + rng.Float64())
		case 4:
			return denormal(i)
		case 5:
			return float32(rng.IntN(33)-16) * 0.25 // exact halves and quarters: rounding ties
		default:
			return float32(rng.NormFloat64() * math.Pow(10, float64(g%5-3)))
		}
	})
	rs := []vectorfile.Row{
		{Name: "zeros", Input: gen(func(int) float32 { return 0 })},
		{Name: "normal", Input: gen(normal(1))},
		{Name: "weights", Input: gen(normal(0.02))},
		{Name: "outlier", Input: outlier},
		{Name: "large", Input: large},
		{Name: "mixed", Input: mixed},
		{Name: "denormal", Input: gen(denormal)},
		{Name: "constant", Input: gen(func(int) float32 { return -0.75 })},
		{Name: "negative", Input: gen(uniform(-2, -0.1))},
		{Name: "ties", Input: gen(func(int) float32 { return float32(rng.IntN(65)-32) * 0.125 })},
	}
	if t == gguf.TypeF16 || t == gguf.TypeBF16 {
		rs = append(rs, vectorfile.Row{Name: "special", Input: specials(n)})
	}
	return rs
}

// specials returns float32 values at the edges of the half-precision
// formats: signed zeros, infinities, NaNs with payloads, the largest
// finite values and the rounding boundaries next to them, subnormals and
// exact ties, padded with powers of two.
func specials(n int) []float32 {
	bits := []uint32{
		0x00000000, 0x80000000, 0x7f800000, 0xff800000, 0x7fc00000, 0xffc00001, 0x7f800001, 0x7fa00000,
		0x477fe000, // 65504, largest half
		0x477fefff, // just below the overflow boundary 65520
		0x477ff000, // 65520: rounds to infinity in half
		0x7f7fffff, // largest float32
		0x33800000, // 2^-24, smallest half subnormal
		0x33000000, // 2^-25: tie between 0 and 2^-24, rounds to 0
		0x33000001, // just above: rounds to 2^-24
		0x33c00000, // 1.5·2^-24: tie, rounds to even 2^-23
		0x38800000, // 2^-14, smallest normal half
		0x387fc000, // largest half subnormal
		0x3f801000, // 1 + 2^-11: half tie, rounds to 1
		0x3f803000, // 1 + 3·2^-11: tie, rounds up to even
		0x3f808000, // 1 + 2^-8: bf16 tie, rounds to even 1
		0x3f818000, // 1 + 3·2^-8: bf16 tie, rounds up
		0x3f80ffff, 0x3f817fff, 0x00000001, 0x807fffff, 0x3eaaaaab, 0xbf7fffff,
	}
	x := make([]float32, n)
	for i := range x {
		if i < len(bits) {
			x[i] = math.Float32frombits(bits[i])
		} else {
			x[i] = float32(math.Ldexp(1, i-len(bits)-20))
		}
	}
	return x
}

// compare quantizes and dequantizes count random rows per type both with
// the library and with package quant and reports every row that differs.
// The rows come from vectorfile.RandomRow with a seed of their own.
func compare(lib string, count int) error {
	fs, err := open(lib)
	if err != nil {
		return err
	}
	bad := 0
	for _, lf := range fs {
		rng := rand.New(rand.NewPCG(uint64(lf.t), 0x636d70))
		diffs := 0
		for range count {
			n := 256 * (1 + rng.IntN(4))
			r := vectorfile.Row{Input: vectorfile.RandomRow(rng, n)}
			if err := lf.reference(&r); err != nil {
				return err
			}
			q := make([]byte, len(r.Quant))
			if err := quant.Quantize(lf.t, r.Input, q); err != nil {
				return err
			}
			same := bytes.Equal(q, r.Quant)
			if same && r.Dequant != nil {
				d := make([]float32, n)
				if err := quant.Dequantize(lf.t, r.Quant, d); err != nil {
					return err
				}
				for i := range d {
					if math.Float32bits(d[i]) != math.Float32bits(r.Dequant[i]) {
						same = false
					}
				}
			}
			if !same {
				diffs++
			}
		}
		fmt.Printf("%v: %d of %d random rows differ\n", lf.t, diffs, count)
		bad += diffs
	}
	if bad > 0 {
		return fmt.Errorf("%d rows differ", bad)
	}
	return nil
}
