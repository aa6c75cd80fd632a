package gguf

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestTypeTable(t *testing.T) {
	// Bits per weight as llama.cpp documents them (ggml-common.h block
	// structs, llama-quantize's option list): an independent check of the
	// block arithmetic in typeTable.
	tests := []struct {
		t          Type
		name       string
		block, per int
		bpw        float64
	}{
		{TypeF32, "F32", 1, 4, 32},
		{TypeF16, "F16", 1, 2, 16},
		{TypeBF16, "BF16", 1, 2, 16},
		{TypeQ4_0, "Q4_0", 32, 18, 4.5},
		{TypeQ4_1, "Q4_1", 32, 20, 5},
		{TypeQ5_0, "Q5_0", 32, 22, 5.5},
		{TypeQ5_1, "Q5_1", 32, 24, 6},
		{TypeQ8_0, "Q8_0", 32, 34, 8.5},
		{TypeQ8_1, "Q8_1", 32, 36, 9},
		{TypeQ2_K, "Q2_K", 256, 84, 2.625},
		{TypeQ3_K, "Q3_K", 256, 110, 3.4375},
		{TypeQ4_K, "Q4_K", 256, 144, 4.5},
		{TypeQ5_K, "Q5_K", 256, 176, 5.5},
		{TypeQ6_K, "Q6_K", 256, 210, 6.5625},
		{TypeQ8_K, "Q8_K", 256, 292, 9.125},
		{TypeIQ2_XXS, "IQ2_XXS", 256, 66, 2.0625},
		{TypeIQ2_XS, "IQ2_XS", 256, 74, 2.3125},
		{TypeIQ3_XXS, "IQ3_XXS", 256, 98, 3.0625},
		{TypeIQ1_S, "IQ1_S", 256, 50, 1.5625},
		{TypeIQ4_NL, "IQ4_NL", 32, 18, 4.5},
		{TypeIQ3_S, "IQ3_S", 256, 110, 3.4375},
		{TypeIQ2_S, "IQ2_S", 256, 82, 2.5625},
		{TypeIQ4_XS, "IQ4_XS", 256, 136, 4.25},
		{TypeI8, "I8", 1, 1, 8},
		{TypeI16, "I16", 1, 2, 16},
		{TypeI32, "I32", 1, 4, 32},
		{TypeI64, "I64", 1, 8, 64},
		{TypeF64, "F64", 1, 8, 64},
		{TypeIQ1_M, "IQ1_M", 256, 56, 1.75},
		{TypeTQ1_0, "TQ1_0", 256, 54, 1.6875},
		{TypeTQ2_0, "TQ2_0", 256, 66, 2.0625},
		{TypeMXFP4, "MXFP4", 32, 17, 4.25},
		{TypeNVFP4, "NVFP4", 64, 36, 4.5},
		{TypeQ1_0, "Q1_0", 128, 18, 1.125},
		{TypeQ2_0, "Q2_0", 64, 18, 2.25},
	}
	if got := len(Types()); got != len(tests) {
		t.Errorf("Types() has %d types, the test lists %d", got, len(tests))
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !tt.t.Valid() || tt.t.String() != tt.name {
				t.Fatalf("%d: Valid %v String %q", uint32(tt.t), tt.t.Valid(), tt.t.String())
			}
			if tt.t.BlockSize() != tt.block || tt.t.BlockBytes() != tt.per {
				t.Errorf("block %d/%d bytes, want %d/%d", tt.t.BlockSize(), tt.t.BlockBytes(), tt.block, tt.per)
			}
			if got := tt.t.BitsPerWeight(); got != tt.bpw {
				t.Errorf("bpw %v, want %v", got, tt.bpw)
			}
			for _, s := range []string{tt.name, strings.ToLower(tt.name)} {
				if p, err := ParseType(s); err != nil || p != tt.t {
					t.Errorf("ParseType(%q) = %v, %v", s, p, err)
				}
			}
		})
	}
}

func TestInvalidTypes(t *testing.T) {
	for _, tt := range []struct {
		t    Type
		name string
	}{{4, "Q4_2(removed)"}, {31, "Q4_0_4_4(removed)"}, {38, "IQ4_NL_8_8(removed)"}, {43, "type(43)"}, {1 << 31, "type(2147483648)"}} {
		if tt.t.Valid() || tt.t.String() != tt.name || tt.t.BlockSize() != 0 {
			t.Errorf("%d: Valid %v String %q BlockSize %d", uint32(tt.t), tt.t.Valid(), tt.t.String(), tt.t.BlockSize())
		}
	}
	if _, err := ParseType("Q4_2"); err == nil {
		t.Error("ParseType(Q4_2) accepted a removed type")
	}
}

func TestTensorBytes(t *testing.T) {
	tests := []struct {
		name string
		t    Type
		dims []uint64
		want int64
		err  string
	}{
		{"f32 vector", TypeF32, []uint64{10}, 40, ""},
		{"q4_k matrix", TypeQ4_K, []uint64{2048, 8192}, 2048 / 256 * 144 * 8192, ""},
		{"q8_0 3d", TypeQ8_0, []uint64{64, 3, 2}, 2 * 34 * 6, ""},
		{"scalar", TypeF16, nil, 2, ""},
		{"empty", TypeQ4_0, []uint64{0, 5}, 0, ""},
		{"zero rows", TypeQ4_0, []uint64{32, 0}, 0, ""},
		{"row not a multiple of the block", TypeQ4_0, []uint64{33, 2}, 0, "33 elements of Q4_0 is not a multiple of its block size 32"},
		{"element count overflow", TypeF32, []uint64{1 << 32, 1 << 32}, 0, "element count overflows int64"},
		{"byte count overflow", TypeF64, []uint64{1 << 31, 1 << 31}, 0, "byte count overflows int64"},
		{"unknown type", Type(99), []uint64{4}, 0, "unknown type type(99)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := TensorBytes(tt.t, tt.dims)
			if tt.err != "" {
				if err == nil || !errors.Is(err, ErrBadShape) || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("= %d, %v; want %d", got, err, tt.want)
			}
		})
	}
	if _, err := RowBytes(TypeQ4_K, -256); err == nil {
		t.Error("RowBytes accepted a negative count")
	}
	if n, err := RowBytes(TypeQ8_0, math.MaxInt64/34*32); err != nil || n <= 0 {
		t.Errorf("RowBytes near the limit = %d, %v", n, err)
	}
}

func TestFileType(t *testing.T) {
	for ft, name := range map[FileType]string{0: "F32", 1: "F16", 2: "Q4_0", 7: "Q8_0", 15: "Q4_K_M", 17: "Q5_K_M", 18: "Q6_K", 32: "BF16", 38: "MXFP4_MOE"} {
		if ft.String() != name || !ft.Valid() {
			t.Errorf("%d: %q, want %q", uint32(ft), ft.String(), name)
		}
		for _, s := range []string{name, strings.ToLower(name), "mostly_" + strings.ToLower(name)} {
			if p, err := ParseFileType(s); err != nil || p != ft {
				t.Errorf("ParseFileType(%q) = %v, %v", s, p, err)
			}
		}
	}
	if FileType(4).Valid() || FileType(4).String() != "filetype(4)" {
		t.Errorf("file type 4: %v", FileType(4))
	}
	if _, err := ParseFileType("Q4_K_X"); err == nil {
		t.Error("ParseFileType accepted Q4_K_X")
	}
}
