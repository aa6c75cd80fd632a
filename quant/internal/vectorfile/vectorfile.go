// Package vectorfile reads and writes the quantization test vectors in
// quant/testdata/vectors: rows of float32 input together with the bytes
// llama.cpp's reference quantizer made of them and the floats its
// dequantizer made of those bytes.
//
// A file is little-endian: the magic "ODQV", u32 version (1), u32 ggml type
// id, u32 row count, then per row: u8 name length and the name, u32
// element count n, n float32 inputs, u32 byte count and the quantized
// bytes, u32 count m (n, or 0 when no dequantizer was available) and m
// float32 dequantized values.
package vectorfile

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
)

// Row is one test row.
type Row struct {
	Name    string    // what the row exercises, e.g. "outlier"
	Input   []float32 // n elements
	Quant   []byte    // the reference quantizer's output for Input
	Dequant []float32 // the reference dequantizer's output for Quant; empty when none
}

// File is the content of one vector file.
type File struct {
	Type uint32 // ggml type id
	Rows []Row
}

const (
	magic   = "ODQV"
	version = 1
	maxLen  = 1 << 20 // bound on every count, so a corrupt file cannot drive a huge allocation
)

// ErrFormat is returned (wrapped) for a file that is not a valid vector file.
var ErrFormat = errors.New("bad vector file")

// Write writes f to w.
func Write(w io.Writer, f *File) error {
	bw := bufio.NewWriter(w)
	le := binary.LittleEndian
	put := func(v any) {
		_ = binary.Write(bw, le, v) // bufio errors are sticky and reported by Flush
	}
	bw.WriteString(magic)
	put(uint32(version))
	put(f.Type)
	put(uint32(len(f.Rows)))
	for _, r := range f.Rows {
		if len(r.Name) > 255 {
			return fmt.Errorf("row name %q longer than 255 bytes", r.Name)
		}
		put(uint8(len(r.Name)))
		bw.WriteString(r.Name)
		put(uint32(len(r.Input)))
		put(r.Input)
		put(uint32(len(r.Quant)))
		bw.Write(r.Quant)
		put(uint32(len(r.Dequant)))
		put(r.Dequant)
	}
	return bw.Flush()
}

// WriteFile writes f to path, replacing it only once it is complete.
func WriteFile(path string, f *File) error {
	tmp := path + ".tmp"
	out, err := os.Create(tmp)
	if err != nil {
		return err
	}
	err = Write(out, f)
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, path)
	}
	if err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// Read parses a vector file.
func Read(r io.Reader) (*File, error) {
	br := bufio.NewReader(r)
	le := binary.LittleEndian
	var err error
	u32 := func() uint32 {
		var v uint32
		if err == nil {
			err = binary.Read(br, le, &v)
		}
		return v
	}
	count := func() int {
		n := u32()
		if err == nil && n > maxLen {
			err = fmt.Errorf("%w: count %d exceeds %d", ErrFormat, n, maxLen)
		}
		if err != nil {
			return 0
		}
		return int(n)
	}
	floats := func() []float32 {
		n := count()
		v := make([]float32, n)
		for i := range v {
			v[i] = math.Float32frombits(u32())
		}
		return v
	}
	var m [4]byte
	if _, err = io.ReadFull(br, m[:]); err != nil || string(m[:]) != magic {
		return nil, fmt.Errorf("%w: no %q magic", ErrFormat, magic)
	}
	if v := u32(); err == nil && v != version {
		return nil, fmt.Errorf("%w: version %d, want %d", ErrFormat, v, version)
	}
	f := &File{Type: u32()}
	rows := count()
	for i := 0; i < rows && err == nil; i++ {
		var r Row
		var nl uint8
		if err = binary.Read(br, le, &nl); err != nil {
			break
		}
		name := make([]byte, nl)
		if _, err = io.ReadFull(br, name); err != nil {
			break
		}
		r.Name = string(name)
		r.Input = floats()
		r.Quant = make([]byte, count())
		if err == nil {
			_, err = io.ReadFull(br, r.Quant)
		}
		r.Dequant = floats()
		f.Rows = append(f.Rows, r)
	}
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			err = fmt.Errorf("%w: truncated: %w", ErrFormat, err)
		}
		return nil, err
	}
	return f, nil
}

// ReadFile reads the vector file at path.
func ReadFile(path string) (*File, error) {
	in, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer in.Close()
	f, err := Read(in)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	return f, nil
}
