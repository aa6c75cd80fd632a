package gguf

import (
	"fmt"
	"strings"
)

// FileType is llama.cpp's general.file_type (enum llama_ftype): the
// quantization recipe a whole model file was made with. Q4_K_M, for
// example, stores most tensors as Q4_K and some as Q6_K.
type FileType uint32

// The llama.cpp file types, with the ids llama.h gives them.
const (
	FileTypeF32      FileType = 0
	FileTypeF16      FileType = 1
	FileTypeQ4_0     FileType = 2
	FileTypeQ4_1     FileType = 3
	FileTypeQ8_0     FileType = 7
	FileTypeQ5_0     FileType = 8
	FileTypeQ5_1     FileType = 9
	FileTypeQ2_K     FileType = 10
	FileTypeQ3_K_S   FileType = 11
	FileTypeQ3_K_M   FileType = 12
	FileTypeQ3_K_L   FileType = 13
	FileTypeQ4_K_S   FileType = 14
	FileTypeQ4_K_M   FileType = 15
	FileTypeQ5_K_S   FileType = 16
	FileTypeQ5_K_M   FileType = 17
	FileTypeQ6_K     FileType = 18
	FileTypeIQ2_XXS  FileType = 19
	FileTypeIQ2_XS   FileType = 20
	FileTypeQ2_K_S   FileType = 21
	FileTypeIQ3_XS   FileType = 22
	FileTypeIQ3_XXS  FileType = 23
	FileTypeIQ1_S    FileType = 24
	FileTypeIQ4_NL   FileType = 25
	FileTypeIQ3_S    FileType = 26
	FileTypeIQ3_M    FileType = 27
	FileTypeIQ2_S    FileType = 28
	FileTypeIQ2_M    FileType = 29
	FileTypeIQ4_XS   FileType = 30
	FileTypeIQ1_M    FileType = 31
	FileTypeBF16     FileType = 32
	FileTypeTQ1_0    FileType = 36
	FileTypeTQ2_0    FileType = 37
	FileTypeMXFP4MoE FileType = 38
	FileTypeNVFP4    FileType = 39
	FileTypeQ1_0     FileType = 40
)

// fileTypeNames holds the names llama-quantize accepts for each file type.
var fileTypeNames = map[FileType]string{
	FileTypeF32: "F32", FileTypeF16: "F16", FileTypeQ4_0: "Q4_0", FileTypeQ4_1: "Q4_1",
	FileTypeQ8_0: "Q8_0", FileTypeQ5_0: "Q5_0", FileTypeQ5_1: "Q5_1", FileTypeQ2_K: "Q2_K",
	FileTypeQ3_K_S: "Q3_K_S", FileTypeQ3_K_M: "Q3_K_M", FileTypeQ3_K_L: "Q3_K_L",
	FileTypeQ4_K_S: "Q4_K_S", FileTypeQ4_K_M: "Q4_K_M", FileTypeQ5_K_S: "Q5_K_S",
	FileTypeQ5_K_M: "Q5_K_M", FileTypeQ6_K: "Q6_K", FileTypeIQ2_XXS: "IQ2_XXS",
	FileTypeIQ2_XS: "IQ2_XS", FileTypeQ2_K_S: "Q2_K_S", FileTypeIQ3_XS: "IQ3_XS",
	FileTypeIQ3_XXS: "IQ3_XXS", FileTypeIQ1_S: "IQ1_S", FileTypeIQ4_NL: "IQ4_NL",
	FileTypeIQ3_S: "IQ3_S", FileTypeIQ3_M: "IQ3_M", FileTypeIQ2_S: "IQ2_S", FileTypeIQ2_M: "IQ2_M",
	FileTypeIQ4_XS: "IQ4_XS", FileTypeIQ1_M: "IQ1_M", FileTypeBF16: "BF16", FileTypeTQ1_0: "TQ1_0",
	FileTypeTQ2_0: "TQ2_0", FileTypeMXFP4MoE: "MXFP4_MOE", FileTypeNVFP4: "NVFP4", FileTypeQ1_0: "Q1_0",
}

// Valid reports whether ft is a file type llama.cpp knows.
func (ft FileType) Valid() bool {
	_, ok := fileTypeNames[ft]
	return ok
}

// String returns the llama-quantize name, e.g. "Q4_K_M", or "filetype(N)".
func (ft FileType) String() string {
	if n, ok := fileTypeNames[ft]; ok {
		return n
	}
	return fmt.Sprintf("filetype(%d)", uint32(ft))
}

// ParseFileType returns the file type with the given name, ignoring case
// ("q4_k_m"); "MOSTLY_" and "ALL_" prefixes are accepted too.
func ParseFileType(s string) (FileType, error) {
	u := strings.ToUpper(s)
	u = strings.TrimPrefix(strings.TrimPrefix(u, "MOSTLY_"), "ALL_")
	for ft, n := range fileTypeNames {
		if n == u {
			return ft, nil
		}
	}
	return 0, fmt.Errorf("unknown file type %q", s)
}
