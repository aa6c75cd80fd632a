// Package gguf reads and writes GGUF model files, the format of llama.cpp
// and ggml, and holds the ggml tensor type table.
//
// Open parses and validates a file (GGUF versions 2 and 3) and maps it
// read-only, so File.TensorData returns zero-copy views of the tensor
// data; where the OS has no mapping it reads the bytes instead. Every
// count, length and offset in the file is checked against the file size
// before it is used, so a corrupt or hostile file gives a *FormatError
// naming the file, the field and the byte offset, never a panic or an
// allocation larger than the file warrants.
//
// Writer writes a file in one pass, streaming tensor data, so a multi-GB
// model never sits in memory; Create writes through a temporary file that
// Close renames into place.
//
// Layout, in file order: the magic "GGUF", a u32 version, u64 tensor and
// metadata counts, the metadata key-value pairs, the tensor infos (name,
// u32 n_dims, u64 dims with dims[0] the contiguous row length, u32 ggml
// type, u64 offset into the data section), padding to general.alignment
// (default 32), then the data section. All integers are little-endian.
package gguf
