package synth

import (
	"encoding/binary"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"

	"github.com/odbench/odbench/gguf"
	"github.com/odbench/odbench/quant"
)

// weightStd is the standard deviation of the synthetic weights, close to
// what trained projection matrices of small LLMs show.
const weightStd = 0.02

// blockFiller writes random, valid blocks of one type: the quant bits are
// random, the scale fields fixed so that dequantized weights have mean 0
// and standard deviation weightStd, and no value is NaN or Inf.
type blockFiller struct {
	bytes int                      // bytes per block
	fix   func(b []byte, d uint16) // sets the scale fields of one block
	d     uint16                   // the block scale, f16
}

// f16 returns the half-precision bits of f.
func f16(f float64) uint16 { return quant.FP32ToFP16(float32(f)) }

func putF16(b []byte, off int, h uint16) { binary.LittleEndian.PutUint16(b[off:], h) }

// The rms of the integer levels each format spreads uniformly: for n
// levels centred on zero, sqrt((n²-1)/12); for ggml's asymmetric ranges
// (Q4_0: -8..7, Q5_0: -16..15, Q3_K: -4..3, Q6_K: -32..31) the exact mean of squares.
var (
	rms4    = math.Sqrt(21.5)               // Q4_0: q-8, q in 0..15
	rms4sym = math.Sqrt((16*16 - 1) / 12.0) // q-7.5
	rms5    = math.Sqrt(85.5)               // Q5_0: q-16, q in 0..31
	rms5sym = math.Sqrt((32*32 - 1) / 12.0) // q-15.5
	rms8    = math.Sqrt(5418.0)             // Q8_0: int8 in -127..127 (sum k² / 255)
	rms2    = math.Sqrt(5)                  // Q2_K: 2q-3 in {-3,-1,1,3}
	rms3    = math.Sqrt(5.5)                // Q3_K: -4..3
	rms6    = math.Sqrt(341.5)              // Q6_K: q-32, q in 0..63
)

// Fixed sub-block scales of the k-quants.
const (
	kScale   = 32 // Q4_K/Q5_K 6-bit scale and min of every sub-block
	q3Scale  = 16 // Q3_K effective scale (stored 6-bit value 48, offset 32)
	q6Scale  = 16 // Q6_K int8 scale
	q2ScMin  = 2 | 3<<4
	kScaleLo = kScale | (kScale>>4)<<6 // bytes 0..7 of a packed Q4_K/Q5_K scale field
)

// fillers holds a block filler per quantized type synth can write.
var fillers = map[gguf.Type]blockFiller{
	gguf.TypeQ4_0: {bytes: 18, d: f16(weightStd / rms4), fix: func(b []byte, d uint16) { putF16(b, 0, d) }},
	gguf.TypeQ4_1: {bytes: 20, d: f16(weightStd / rms4sym), fix: func(b []byte, d uint16) {
		putF16(b, 0, d)
		putF16(b, 2, f16(-7.5*float64(quant.FP16ToFP32(d))))
	}},
	gguf.TypeQ5_0: {bytes: 22, d: f16(weightStd / rms5), fix: func(b []byte, d uint16) { putF16(b, 0, d) }},
	gguf.TypeQ5_1: {bytes: 24, d: f16(weightStd / rms5sym), fix: func(b []byte, d uint16) {
		putF16(b, 0, d)
		putF16(b, 2, f16(-15.5*float64(quant.FP16ToFP32(d))))
	}},
	gguf.TypeQ8_0: {bytes: 34, d: f16(weightStd / rms8), fix: func(b []byte, d uint16) {
		putF16(b, 0, d)
		for i := 2; i < 34; i += 8 {
			if hasByte80(binary.LittleEndian.Uint64(b[i:])) {
				for j := i; j < i+8; j++ {
					if b[j] == 0x80 { // -128: the reference quantizer never writes it
						b[j] = 0x81
					}
				}
			}
		}
	}},
	// Q2_K: scales[16] qs[64] d dmin; every scale byte is scale 2, min 3,
	// and dmin = d, so a weight is d·(2q-3).
	gguf.TypeQ2_K: {bytes: 84, d: f16(weightStd / rms2), fix: func(b []byte, d uint16) {
		for i := 0; i < 16; i++ {
			b[i] = q2ScMin
		}
		putF16(b, 80, d)
		putF16(b, 82, d)
	}},
	// Q3_K: hmask[32] qs[64] scales[12] d; all sixteen 6-bit scales are 48
	// (low nibbles 0, high bits 3), i.e. 16 after ggml's offset of 32.
	gguf.TypeQ3_K: {bytes: 110, d: f16(weightStd / (q3Scale * rms3)), fix: func(b []byte, d uint16) {
		for i := 96; i < 104; i++ {
			b[i] = 0
		}
		for i := 104; i < 108; i++ {
			b[i] = 0xff
		}
		putF16(b, 108, d)
	}},
	// Q4_K: d dmin scales[12] qs[128]; every scale and min is 32 and
	// dmin = 7.5·d, so a weight is 32·d·(q-7.5).
	gguf.TypeQ4_K: {bytes: 144, d: f16(weightStd / (kScale * rms4sym)), fix: func(b []byte, d uint16) {
		fixKScales(b, d, 7.5)
	}},
	// Q5_K: d dmin scales[12] qh[32] qs[128]; as Q4_K with dmin = 15.5·d.
	gguf.TypeQ5_K: {bytes: 176, d: f16(weightStd / (kScale * rms5sym)), fix: func(b []byte, d uint16) {
		fixKScales(b, d, 15.5)
	}},
	// Q6_K: ql[128] qh[64] scales[16] d; every int8 scale is 16.
	gguf.TypeQ6_K: {bytes: 210, d: f16(weightStd / (q6Scale * rms6)), fix: func(b []byte, d uint16) {
		for i := 192; i < 208; i++ {
			b[i] = q6Scale
		}
		putF16(b, 208, d)
	}},
}

// hasByte80 reports whether any byte of w is 0x80, eight bytes at a time:
// x has a zero byte exactly where w has 0x80.
func hasByte80(w uint64) bool {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	x := w ^ highs
	return (x-ones)&^x&highs != 0
}

// fixKScales writes the d, dmin and packed 6-bit scales of a Q4_K or Q5_K
// block whose eight sub-blocks all have scale and min kScale.
func fixKScales(b []byte, d uint16, minPerScale float64) {
	putF16(b, 0, d)
	putF16(b, 2, f16(minPerScale*float64(quant.FP16ToFP32(d))))
	for i := 4; i < 12; i++ {
		b[i] = kScaleLo
	}
	for i := 12; i < 16; i++ {
		b[i] = (kScale & 0xf) | (kScale&0xf)<<4
	}
}

// valueKind says what a tensor's values should look like.
type valueKind int

const (
	kindWeight valueKind = iota // random, mean 0, std weightStd
	kindNorm                    // near 1
)

// fill writes random data of type t into buf, which holds whole rows.
func fill(buf []byte, t gguf.Type, kind valueKind, rng *rand.ChaCha8) error {
	if f, ok := fillers[t]; ok {
		if kind != kindWeight {
			return fmt.Errorf("type %v is for weight matrices only", t)
		}
		if len(buf)%f.bytes != 0 {
			return fmt.Errorf("%d bytes is not a whole number of %v blocks", len(buf), t)
		}
		rng.Read(buf)
		for off := 0; off < len(buf); off += f.bytes {
			f.fix(buf[off:off+f.bytes], f.d)
		}
		return nil
	}
	// Uniform in [center-a, center+a]; weights have std a/√3 = weightStd.
	a, center := weightStd*math.Sqrt(3), 0.0
	if kind == kindNorm {
		a, center = 0.05, 1
	}
	switch t {
	case gguf.TypeF32:
		if len(buf)%4 != 0 {
			return fmt.Errorf("%d bytes is not a whole number of F32 elements", len(buf))
		}
		for off := 0; off < len(buf); off += 4 {
			u := float64(rng.Uint64()>>40)/(1<<24)*2 - 1
			binary.LittleEndian.PutUint32(buf[off:], math.Float32bits(float32(center+a*u)))
		}
		return nil
	case gguf.TypeF16, gguf.TypeBF16:
		if len(buf)%2 != 0 {
			return fmt.Errorf("%d bytes is not a whole number of %v elements", len(buf), t)
		}
		tab := halfTable(t, kind, center, a)
		var r uint64
		for i := 0; 2*i < len(buf); i++ {
			if i%4 == 0 {
				r = rng.Uint64() // four 16-bit draws
			}
			putF16(buf, 2*i, tab[uint16(r)])
			r >>= 16
		}
		return nil
	}
	return fmt.Errorf("synth cannot write %v tensors", t)
}

// halfKey identifies a table of half-precision values.
type halfKey struct {
	t    gguf.Type
	kind valueKind
}

var halfTables sync.Map // halfKey → *[1 << 16]uint16

// halfTable returns 65536 F16 or BF16 values spread evenly over
// [center-a, center+a], so that one random 16-bit index draws a uniform
// value without a conversion per element.
func halfTable(t gguf.Type, kind valueKind, center, a float64) *[1 << 16]uint16 {
	key := halfKey{t, kind}
	if tab, ok := halfTables.Load(key); ok {
		return tab.(*[1 << 16]uint16)
	}
	conv := quant.FP32ToFP16
	if t == gguf.TypeBF16 {
		conv = quant.FP32ToBF16
	}
	tab := new([1 << 16]uint16)
	for i := range tab {
		tab[i] = conv(float32(center + a*((float64(i)+0.5)/(1<<16)*2-1)))
	}
	got, _ := halfTables.LoadOrStore(key, tab)
	return got.(*[1 << 16]uint16)
}
