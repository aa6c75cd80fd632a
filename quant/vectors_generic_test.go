package quant

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/odbench/odbench/gguf"
	"github.com/odbench/odbench/quant/internal/vectorfile"
)

// vectorTypes are the types with a committed vector file made from
// llama.cpp's library (see internal/vectorgen).
var vectorTypes = []gguf.Type{
	gguf.TypeF16, gguf.TypeBF16, gguf.TypeQ4_0, gguf.TypeQ4_1, gguf.TypeQ5_0, gguf.TypeQ5_1,
	gguf.TypeQ8_0, gguf.TypeQ8_1, gguf.TypeQ2_K, gguf.TypeQ3_K, gguf.TypeQ4_K, gguf.TypeQ5_K,
	gguf.TypeQ6_K, gguf.TypeQ8_K,
}

func loadVectors(t *testing.T, typ gguf.Type) *vectorfile.File {
	t.Helper()
	path := filepath.Join("testdata", "vectors", strings.ToLower(typ.String())+".bin")
	f, err := vectorfile.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if gguf.Type(f.Type) != typ {
		t.Fatalf("%s holds type %v, want %v", path, gguf.Type(f.Type), typ)
	}
	if len(f.Rows) == 0 {
		t.Fatalf("%s has no rows", path)
	}
	return f
}

// TestVectorsQuantize checks that Quantize gives the bytes llama.cpp's
// reference quantizer gave for the same input.
func TestVectorsQuantize(t *testing.T) {
	for _, typ := range vectorTypes {
		t.Run(typ.String(), func(t *testing.T) {
			for _, r := range loadVectors(t, typ).Rows {
				got := make([]byte, len(r.Quant))
				if err := Quantize(typ, r.Input, got); err != nil {
					t.Fatalf("%s: %v", r.Name, err)
				}
				if !bytes.Equal(got, r.Quant) {
					i := firstDiff(got, r.Quant)
					bb := typ.BlockBytes()
					t.Errorf("%s: bytes differ first at %d (block %d, offset %d): got % x, want % x",
						r.Name, i, i/bb, i%bb, got[i/bb*bb:i/bb*bb+bb], r.Quant[i/bb*bb:i/bb*bb+bb])
				}
			}
		})
	}
}

// TestVectorsDequantize checks that Dequantize gives, bit for bit, the
// floats llama.cpp's dequantizer gave for the reference bytes.
func TestVectorsDequantize(t *testing.T) {
	for _, typ := range vectorTypes {
		t.Run(typ.String(), func(t *testing.T) {
			for _, r := range loadVectors(t, typ).Rows {
				if len(r.Dequant) == 0 {
					continue // llama.cpp has no dequantizer for this type
				}
				got := make([]float32, len(r.Dequant))
				if err := Dequantize(typ, r.Quant, got); err != nil {
					t.Fatalf("%s: %v", r.Name, err)
				}
				for i := range got {
					if math.Float32bits(got[i]) != math.Float32bits(r.Dequant[i]) {
						t.Errorf("%s: element %d = %g (%#08x), want %g (%#08x)", r.Name, i,
							got[i], math.Float32bits(got[i]), r.Dequant[i], math.Float32bits(r.Dequant[i]))
						break
					}
				}
			}
		})
	}
}

func firstDiff(a, b []byte) int {
	for i := range a {
		if a[i] != b[i] {
			return i
		}
	}
	return len(a)
}

// TestVectorsDigest quantizes and dequantizes vectorfile.DigestRows for
// every type and compares SHA-256 digests of the output with the ones
// vectorgen recorded from llama.cpp's library for the same rows: many more
// rows than the .bin files could hold, which is what catches rare rounding
// differences such as a fused multiply-add.
func TestVectorsDigest(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "vectors", "digests.txt"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[gguf.Type]bool{}
	for line := range strings.Lines(string(data)) {
		var name, wantQ, wantD string
		var count int
		if _, err := fmt.Sscan(line, &name, &count, &wantQ, &wantD); err != nil {
			t.Fatalf("digests.txt: line %q: %v", line, err)
		}
		typ, err := gguf.ParseType(name)
		if err != nil {
			t.Fatalf("digests.txt: %v", err)
		}
		seen[typ] = true
		hq, hd := sha256.New(), sha256.New()
		for _, x := range vectorfile.DigestRows(uint32(typ), count) {
			nb, _ := gguf.RowBytes(typ, int64(len(x)))
			q := make([]byte, nb)
			if err := Quantize(typ, x, q); err != nil {
				t.Fatal(err)
			}
			hq.Write(q)
			d := make([]float32, len(x))
			if err := Dequantize(typ, q, d); err != nil {
				t.Fatal(err)
			}
			for _, v := range d {
				hd.Write(binary.LittleEndian.AppendUint32(nil, math.Float32bits(v)))
			}
		}
		if got := hex.EncodeToString(hq.Sum(nil)); got != wantQ {
			t.Errorf("%v: quantized bytes of %d rows differ from llama.cpp's (digest %s, want %s)", typ, count, got, wantQ)
		}
		if got := hex.EncodeToString(hd.Sum(nil)); wantD != "-" && got != wantD {
			t.Errorf("%v: dequantized floats of %d rows differ from llama.cpp's", typ, count)
		}
	}
	for _, typ := range vectorTypes {
		if !seen[typ] {
			t.Errorf("digests.txt has no line for %v", typ)
		}
	}
}
