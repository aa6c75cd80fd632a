package gguf

import (
	"bytes"
	"fmt"
	"os"
)

// TensorInfo describes one tensor of a GGUF file.
type TensorInfo struct {
	Name string
	// Dims is the shape; Dims[0] is the contiguous row length (ggml's ne0).
	Dims []uint64
	Type Type
	// Offset is where the data starts, in bytes from the start of the data section.
	Offset uint64
	// Size is the data's length in bytes.
	Size int64
}

// NumElements returns the product of the dims, or -1 when it overflows an
// int64 (never for a TensorInfo from Open or Parse, which check it).
func (ti TensorInfo) NumElements() int64 {
	n, err := NumElements(ti.Dims)
	if err != nil {
		return -1
	}
	return n
}

// File is a parsed GGUF file. Files from Open also map the tensor data.
type File struct {
	Path      string // as given to Open or Parse
	Version   uint32 // 2 or 3
	Metadata  Metadata
	Tensors   []TensorInfo // in file order
	Alignment uint64       // general.alignment, DefaultAlignment when absent
	// DataOffset is the absolute offset of the data section, in bytes.
	DataOffset int64
	// Size is the file's size in bytes.
	Size int64

	data   []byte // the read-only mapping of the whole file, nil when not mapped
	unmap  func() error
	osFile *os.File // the open file when the data is read instead of mapped
	byName map[string]int
	closed bool
}

// Open parses and validates the GGUF file at path and maps it read-only,
// so TensorData returns zero-copy views. Where the OS offers no mapping,
// TensorData reads the bytes instead. Close releases the file.
func Open(path string) (*File, error) { return open(path, mapFile) }

// mapper maps the first size bytes of a file read-only and returns the
// bytes and the function that unmaps them.
type mapper func(fd *os.File, size int64) ([]byte, func() error, error)

// open is Open with the mapping function as a parameter; a nil or failing
// mapper makes the File read tensor data from the file instead.
func open(path string, mapf mapper) (*File, error) {
	fd, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	st, err := fd.Stat()
	if err != nil {
		fd.Close()
		return nil, fmt.Errorf("stat %s: %w", path, err)
	}
	if st.IsDir() {
		fd.Close()
		return nil, fmt.Errorf("open %s: is a directory", path)
	}
	size := st.Size()
	var data []byte
	var unmap func() error
	if mapf != nil {
		if data, unmap, err = mapf(fd, size); err != nil {
			data = nil
		}
	}
	if data == nil {
		f, err := Parse(fd, size, path)
		if err != nil {
			fd.Close()
			return nil, err
		}
		f.osFile = fd
		return f, nil
	}
	fd.Close() // the mapping stays valid without the descriptor
	f, err := Parse(bytes.NewReader(data), size, path)
	if err != nil {
		unmap()
		return nil, err
	}
	f.data, f.unmap = data, unmap
	return f, nil
}

// Mapped reports whether the tensor data is memory-mapped (zero-copy).
func (f *File) Mapped() bool { return f.data != nil }

// Close unmaps and closes the file. Slices from TensorData must not be used
// after Close.
func (f *File) Close() error {
	if f.closed {
		return nil
	}
	f.closed = true
	var err error
	if f.unmap != nil {
		err = f.unmap()
		f.data, f.unmap = nil, nil
	}
	if f.osFile != nil {
		err = f.osFile.Close()
		f.osFile = nil
	}
	if err != nil {
		return fmt.Errorf("close %s: %w", f.Path, err)
	}
	return nil
}

// Tensor returns the tensor with the given name.
func (f *File) Tensor(name string) (TensorInfo, bool) {
	if f.byName == nil {
		f.byName = make(map[string]int, len(f.Tensors))
		for i, ti := range f.Tensors {
			f.byName[ti.Name] = i
		}
	}
	i, ok := f.byName[name]
	if !ok {
		return TensorInfo{}, false
	}
	return f.Tensors[i], true
}

// TensorData returns the bytes of a tensor: a view into the read-only
// mapping (writing to it crashes the program) or, without a mapping, a
// freshly read copy.
func (f *File) TensorData(ti TensorInfo) ([]byte, error) {
	if f.closed {
		return nil, ErrClosed
	}
	start := f.DataOffset + int64(ti.Offset)
	if ti.Offset > uint64(f.Size) || ti.Size < 0 || start > f.Size || ti.Size > f.Size-start {
		return nil, fmt.Errorf("%s: tensor %q: data [%d, +%d) outside the file (%d bytes)", f.Path, ti.Name, start, ti.Size, f.Size)
	}
	switch {
	case f.data != nil:
		return f.data[start : start+ti.Size : start+ti.Size], nil
	case f.osFile != nil:
		b := make([]byte, ti.Size)
		if _, err := f.osFile.ReadAt(b, start); err != nil {
			return nil, fmt.Errorf("read %s: tensor %q: %w", f.Path, ti.Name, err)
		}
		return b, nil
	}
	return nil, fmt.Errorf("%s: tensor data not available: the file was parsed without opening it", f.Path)
}

// Architecture returns general.architecture, e.g. "llama", or "".
func (f *File) Architecture() string {
	s, _ := f.Metadata.String("general.architecture")
	return s
}

// ArchKey returns the architecture-specific key "<arch>.<suffix>".
func (f *File) ArchKey(suffix string) string { return f.Architecture() + "." + suffix }

// ArchUint reads the integer "<arch>.<suffix>", e.g. ArchUint("block_count").
func (f *File) ArchUint(suffix string) (uint64, bool) { return f.Metadata.Uint(f.ArchKey(suffix)) }

// ArchFloat reads the number "<arch>.<suffix>", e.g. ArchFloat("rope.freq_base").
func (f *File) ArchFloat(suffix string) (float64, bool) { return f.Metadata.Float(f.ArchKey(suffix)) }

// FileType returns general.file_type.
func (f *File) FileType() (FileType, bool) {
	u, ok := f.Metadata.Uint("general.file_type")
	if !ok || u > 1<<32-1 {
		return 0, false
	}
	return FileType(u), true
}

// ParamCount returns the number of elements of all tensors.
func (f *File) ParamCount() int64 {
	var n int64
	for _, ti := range f.Tensors {
		n += ti.NumElements()
	}
	return n
}

// DataBytes returns the bytes of all tensors' data, without padding.
func (f *File) DataBytes() int64 {
	var n int64
	for _, ti := range f.Tensors {
		n += ti.Size
	}
	return n
}

// TypeBytes returns the bytes of tensor data per ggml type.
func (f *File) TypeBytes() map[Type]int64 {
	m := make(map[Type]int64)
	for _, ti := range f.Tensors {
		m[ti.Type] += ti.Size
	}
	return m
}
