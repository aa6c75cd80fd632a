package gguf

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"math/bits"
	"sort"
	"strconv"
)

// Limits of the format that the reader enforces.
const (
	// Magic is the first four bytes of every GGUF file.
	Magic = "GGUF"
	// MaxDims is the largest number of dimensions of a tensor (GGML_MAX_DIMS).
	MaxDims = 4
	// DefaultAlignment applies when general.alignment is absent.
	DefaultAlignment = 32
	// KeyAlignment is the metadata key that sets the data alignment.
	KeyAlignment = "general.alignment"
	// maxNesting bounds arrays of arrays, so a hostile file cannot recurse deeply.
	maxNesting = 16
	// Fewest bytes one key-value pair and one tensor info take in a file.
	minKVBytes     = 8 + 4 + 1
	minTensorBytes = 8 + 4 + 4 + 8
)

// field names what the decoder reads, for errors. It is formatted only when
// an error occurs, so reading a 128k-entry string array formats nothing.
type field struct {
	base   string // e.g. `key 3 "tokenizer.ggml.tokens"`
	idx    int    // array element index, -1 for none
	suffix string // e.g. " length"
}

func fieldOf(s string) field { return field{base: s, idx: -1} }

func (f field) String() string {
	s := f.base
	if f.idx >= 0 {
		s += "[" + strconv.Itoa(f.idx) + "]"
	}
	return s + f.suffix
}

// with returns f with a suffix naming a part of it.
func (f field) with(suffix string) field { f.suffix = suffix; return f }

// elem returns the field of element i of the array f.
func (f field) elem(i int) field {
	if f.idx >= 0 || f.suffix != "" {
		f = fieldOf(f.String())
	}
	f.idx = i
	return f
}

// decoder reads the little-endian fields of a GGUF header sequentially and
// turns every problem into a *FormatError that names the field and offset.
type decoder struct {
	name    string
	r       *bufio.Reader
	off     int64 // offset of the next unread byte
	size    int64
	scratch []byte
}

func (d *decoder) remaining() int64 { return d.size - d.off }

// errAt returns a FormatError for the field at offset off.
func (d *decoder) errAt(off int64, fl field, cause error, format string, args ...any) *FormatError {
	return &FormatError{File: d.name, Field: fl.String(), Offset: off, Msg: fmt.Sprintf(format, args...), Err: cause}
}

// read fills p, failing with ErrTruncated when the file ends first.
func (d *decoder) read(p []byte, fl field) error {
	n, err := io.ReadFull(d.r, p)
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return d.errAt(d.off, fl, ErrTruncated, "file ends after %d of %d bytes", n, len(p))
		}
		return d.errAt(d.off, fl, err, "read: %v", err)
	}
	d.off += int64(n)
	return nil
}

func (d *decoder) fixed(n int, fl field) ([]byte, error) {
	b := d.scratch[:n]
	return b, d.read(b, fl)
}

func (d *decoder) u32(fl field) (uint32, error) {
	b, err := d.fixed(4, fl)
	return binary.LittleEndian.Uint32(b), err
}

func (d *decoder) u64(fl field) (uint64, error) {
	b, err := d.fixed(8, fl)
	return binary.LittleEndian.Uint64(b), err
}

// count reads a u64 count of items that take at least minBytes each and
// checks that they can fit in the rest of the file.
func (d *decoder) count(fl field, minBytes int64) (int, error) {
	at := d.off
	n, err := d.u64(fl)
	if err != nil {
		return 0, err
	}
	if left := d.remaining(); n > uint64(left/minBytes) {
		return 0, d.errAt(at, fl, nil, "count %d needs at least %d bytes each, but only %d bytes are left", n, minBytes, left)
	}
	if n > math.MaxInt {
		return 0, d.errAt(at, fl, nil, "count %d is too large for this platform", n)
	}
	return int(n), nil
}

func (d *decoder) str(fl field) (string, error) {
	at := d.off
	n, err := d.u64(fl.with(" length"))
	if err != nil {
		return "", err
	}
	if left := d.remaining(); n > uint64(left) {
		return "", d.errAt(at, fl, ErrTruncated, "string length %d exceeds the %d bytes left in the file", n, left)
	}
	if n <= uint64(d.r.Size()) {
		// Copy straight out of the read buffer: one allocation per string.
		if b, err := d.r.Peek(int(n)); err == nil {
			d.r.Discard(int(n))
			d.off += int64(n)
			return string(b), nil
		}
	}
	b := make([]byte, n)
	if err := d.read(b, fl); err != nil {
		return "", err
	}
	return string(b), nil
}

// value reads one value of type t; depth counts enclosing arrays.
func (d *decoder) value(t ValueType, fl field, depth int) (Value, error) {
	switch t {
	case ValueString:
		s, err := d.str(fl)
		return Value{typ: t, x: s}, err
	case ValueArray:
		return d.array(fl, depth+1)
	case ValueBool:
		at := d.off
		b, err := d.fixed(1, fl)
		if err != nil {
			return Value{}, err
		}
		if b[0] > 1 {
			return Value{}, d.errAt(at, fl, nil, "bool byte is %d, want 0 or 1", b[0])
		}
		return Value{typ: t, x: b[0] == 1}, nil
	}
	if !t.Valid() {
		return Value{}, d.errAt(d.off, fl, nil, "unknown value type %d", uint32(t))
	}
	b, err := d.fixed(valueTypeBytes[t], fl)
	if err != nil {
		return Value{}, err
	}
	return Value{typ: t, x: decodeScalar(t, b)}, nil
}

// decodeScalar decodes a fixed-size little-endian scalar of type t from b.
func decodeScalar(t ValueType, b []byte) any {
	le := binary.LittleEndian
	switch t {
	case ValueUint8:
		return b[0]
	case ValueInt8:
		return int8(b[0])
	case ValueUint16:
		return le.Uint16(b)
	case ValueInt16:
		return int16(le.Uint16(b))
	case ValueUint32:
		return le.Uint32(b)
	case ValueInt32:
		return int32(le.Uint32(b))
	case ValueFloat32:
		return math.Float32frombits(le.Uint32(b))
	case ValueUint64:
		return le.Uint64(b)
	case ValueInt64:
		return int64(le.Uint64(b))
	case ValueFloat64:
		return math.Float64frombits(le.Uint64(b))
	}
	panic("gguf: decodeScalar of " + t.String())
}

func (d *decoder) array(fl field, depth int) (Value, error) {
	at := d.off
	if depth > maxNesting {
		return Value{}, d.errAt(at, fl, nil, "arrays nested deeper than %d", maxNesting)
	}
	et, err := d.u32(fl.with(" element type"))
	if err != nil {
		return Value{}, err
	}
	elem := ValueType(et)
	if !elem.Valid() {
		return Value{}, d.errAt(at, fl, nil, "unknown array element type %d", et)
	}
	n, err := d.count(fl.with(" count"), elem.minBytes())
	if err != nil {
		return Value{}, err
	}
	switch elem {
	case ValueString:
		a := make([]string, n)
		for i := range a {
			if a[i], err = d.str(fl.elem(i)); err != nil {
				return Value{}, err
			}
		}
		return arrayOf(elem, a), nil
	case ValueArray:
		a := make([]Value, n)
		for i := range a {
			if a[i], err = d.array(fl.elem(i), depth+1); err != nil {
				return Value{}, err
			}
		}
		return arrayOf(elem, a), nil
	case ValueBool:
		start := d.off
		raw, err := readScalars(d, n, 1, fl, func(b []byte) uint8 { return b[0] })
		if err != nil {
			return Value{}, err
		}
		a := make([]bool, n)
		for i, c := range raw {
			if c > 1 {
				return Value{}, d.errAt(start+int64(i), fl.elem(i), nil, "bool byte is %d, want 0 or 1", c)
			}
			a[i] = c == 1
		}
		return arrayOf(elem, a), nil
	}
	le := binary.LittleEndian
	var a any
	switch elem {
	case ValueUint8:
		a, err = readScalars(d, n, 1, fl, func(b []byte) uint8 { return b[0] })
	case ValueInt8:
		a, err = readScalars(d, n, 1, fl, func(b []byte) int8 { return int8(b[0]) })
	case ValueUint16:
		a, err = readScalars(d, n, 2, fl, le.Uint16)
	case ValueInt16:
		a, err = readScalars(d, n, 2, fl, func(b []byte) int16 { return int16(le.Uint16(b)) })
	case ValueUint32:
		a, err = readScalars(d, n, 4, fl, le.Uint32)
	case ValueInt32:
		a, err = readScalars(d, n, 4, fl, func(b []byte) int32 { return int32(le.Uint32(b)) })
	case ValueFloat32:
		a, err = readScalars(d, n, 4, fl, func(b []byte) float32 { return math.Float32frombits(le.Uint32(b)) })
	case ValueUint64:
		a, err = readScalars(d, n, 8, fl, le.Uint64)
	case ValueInt64:
		a, err = readScalars(d, n, 8, fl, func(b []byte) int64 { return int64(le.Uint64(b)) })
	case ValueFloat64:
		a, err = readScalars(d, n, 8, fl, func(b []byte) float64 { return math.Float64frombits(le.Uint64(b)) })
	}
	if err != nil {
		return Value{}, err
	}
	return arrayOf(elem, a), nil
}

// readScalars reads n fixed-size elements of size bytes each, converting
// them with conv, in chunks through a bounded buffer. The caller has
// checked that n elements fit in the file.
func readScalars[T any](d *decoder, n, size int, fl field, conv func([]byte) T) ([]T, error) {
	out := make([]T, n)
	per := len(d.scratch) / size
	for i := 0; i < n; i += per {
		k := min(per, n-i)
		b := d.scratch[:k*size]
		if err := d.read(b, fl); err != nil {
			return nil, err
		}
		for j := range k {
			out[i+j] = conv(b[j*size:])
		}
	}
	return out, nil
}

// Parse reads and validates the header, metadata and tensor infos of the
// GGUF file held by r (size bytes; name is used in errors). It maps no
// data: File.TensorData fails on the result. Every problem is a *FormatError.
func Parse(r io.ReaderAt, size int64, name string) (*File, error) {
	d := &decoder{
		name:    name,
		r:       bufio.NewReaderSize(io.NewSectionReader(r, 0, size), 64<<10),
		size:    size,
		scratch: make([]byte, 32<<10),
	}
	f := &File{Path: name, Size: size}
	if err := f.parseHeader(d); err != nil {
		return nil, err
	}
	return f, nil
}

func (f *File) parseHeader(d *decoder) error {
	magic, err := d.fixed(4, fieldOf("magic"))
	if errors.Is(err, ErrTruncated) {
		return d.errAt(0, fieldOf("magic"), ErrNotGGUF, "file is %d bytes, too short for a GGUF header", d.size)
	}
	if err != nil {
		return err
	}
	if string(magic) != Magic {
		return d.errAt(0, fieldOf("magic"), ErrNotGGUF, "magic is %q, want %q", magic, Magic)
	}
	if f.Version, err = d.u32(fieldOf("version")); err != nil {
		return err
	}
	switch v := f.Version; {
	case v == 2 || v == 3:
	case bits.ReverseBytes32(v) == 2 || bits.ReverseBytes32(v) == 3:
		return d.errAt(4, fieldOf("version"), ErrUnsupportedVersion, "big-endian GGUF files are not supported")
	default:
		return d.errAt(4, fieldOf("version"), ErrUnsupportedVersion, "GGUF version %d is not supported (only versions 2 and 3)", v)
	}
	nTensors, err := d.count(fieldOf("tensor count"), minTensorBytes)
	if err != nil {
		return err
	}
	nKV, err := d.count(fieldOf("metadata count"), minKVBytes)
	if err != nil {
		return err
	}
	if err := f.parseMetadata(d, nKV); err != nil {
		return err
	}
	infoOffs, err := f.parseTensorInfos(d, nTensors)
	if err != nil {
		return err
	}
	return f.checkTensorData(d, infoOffs)
}

func (f *File) parseMetadata(d *decoder, n int) error {
	f.Alignment = DefaultAlignment
	for i := range n {
		at := d.off
		key, err := d.str(fieldOf("key " + strconv.Itoa(i)))
		if err != nil {
			return err
		}
		fl := fieldOf(fmt.Sprintf("key %d %q", i, key))
		if _, dup := f.Metadata.Get(key); dup {
			return d.errAt(at, fl, nil, "duplicate key")
		}
		t, err := d.u32(fl.with(" type"))
		if err != nil {
			return err
		}
		if !ValueType(t).Valid() {
			return d.errAt(d.off-4, fl, nil, "unknown value type %d", t)
		}
		valueAt := d.off
		v, err := d.value(ValueType(t), fl, 0)
		if err != nil {
			return err
		}
		if key == KeyAlignment {
			a, ok := alignmentOf(v)
			if !ok {
				return d.errAt(valueAt, fl, nil, "alignment is %v (%v), want a power of two", v, v.Type())
			}
			f.Alignment = a
		}
		f.Metadata.Set(key, v)
	}
	return nil
}

// parseTensorInfos reads the tensor infos and returns the file offset of
// each one's data-offset field, for error messages.
func (f *File) parseTensorInfos(d *decoder, n int) ([]int64, error) {
	f.Tensors = make([]TensorInfo, n)
	infoOffs := make([]int64, n)
	names := make(map[string]int, n)
	for i := range f.Tensors {
		at := d.off
		name, err := d.str(fieldOf(fmt.Sprintf("tensor %d name", i)))
		if err != nil {
			return nil, err
		}
		fl := fieldOf(fmt.Sprintf("tensor %d %q", i, name))
		if j, dup := names[name]; dup {
			return nil, d.errAt(at, fl, nil, "duplicate tensor name (also tensor %d)", j)
		}
		names[name] = i
		nd, err := d.u32(fl.with(": n_dims"))
		if err != nil {
			return nil, err
		}
		if nd > MaxDims {
			return nil, d.errAt(d.off-4, fl, nil, "n_dims is %d, at most %d", nd, MaxDims)
		}
		ti := TensorInfo{Name: name, Dims: make([]uint64, nd)}
		dimsAt := d.off
		for j := range ti.Dims {
			if ti.Dims[j], err = d.u64(fl.with(": dims")); err != nil {
				return nil, err
			}
		}
		typeAt := d.off
		t, err := d.u32(fl.with(": type"))
		if err != nil {
			return nil, err
		}
		ti.Type = Type(t)
		if !ti.Type.Valid() {
			return nil, d.errAt(typeAt, fl, nil, "unknown ggml type %v", ti.Type)
		}
		if ti.Size, err = TensorBytes(ti.Type, ti.Dims); err != nil {
			return nil, d.errAt(dimsAt, fl, err, "%v", err)
		}
		infoOffs[i] = d.off
		if ti.Offset, err = d.u64(fl.with(": offset")); err != nil {
			return nil, err
		}
		f.Tensors[i] = ti
	}
	f.DataOffset = alignUp(d.off, f.Alignment)
	return infoOffs, nil
}

// alignmentOf returns v as an alignment: an integer power of two, at most 1 GiB.
func alignmentOf(v Value) (uint64, bool) {
	a, ok := v.Uint()
	return a, ok && a != 0 && a&(a-1) == 0 && a <= 1<<30
}

// alignUp rounds off up to a multiple of align (a power of two, at most 1<<30).
func alignUp(off int64, align uint64) int64 {
	a := int64(align)
	return (off + a - 1) &^ (a - 1)
}

// checkTensorData checks that every tensor's data is aligned, lies inside
// the file and overlaps no other tensor's data.
func (f *File) checkTensorData(d *decoder, infoOffs []int64) error {
	tensorField := func(i int) field { return fieldOf(fmt.Sprintf("tensor %d %q", i, f.Tensors[i].Name)) }
	if len(f.Tensors) > 0 && f.DataOffset > f.Size {
		return d.errAt(d.off, fieldOf("data section"), ErrTruncated, "data section starts at %d, beyond file size %d", f.DataOffset, f.Size)
	}
	avail := uint64(max(f.Size-f.DataOffset, 0))
	for i, ti := range f.Tensors {
		if ti.Offset%f.Alignment != 0 {
			return d.errAt(infoOffs[i], tensorField(i), nil, "data offset %d is not a multiple of the alignment %d", ti.Offset, f.Alignment)
		}
		if ti.Offset > avail {
			return d.errAt(infoOffs[i], tensorField(i), ErrTruncated, "data offset %d beyond file size %d (data section starts at %d)", ti.Offset, f.Size, f.DataOffset)
		}
		if uint64(ti.Size) > avail-ti.Offset {
			start := uint64(f.DataOffset) + ti.Offset // both below 2^63
			return d.errAt(infoOffs[i], tensorField(i), ErrTruncated, "data [%d, %d) beyond file size %d", start, start+uint64(ti.Size), f.Size)
		}
	}
	order := make([]int, 0, len(f.Tensors))
	for i, ti := range f.Tensors {
		if ti.Size > 0 {
			order = append(order, i)
		}
	}
	sort.SliceStable(order, func(a, b int) bool { return f.Tensors[order[a]].Offset < f.Tensors[order[b]].Offset })
	for k := 1; k < len(order); k++ {
		p, c := f.Tensors[order[k-1]], f.Tensors[order[k]]
		if p.Offset+uint64(p.Size) > c.Offset {
			start := f.DataOffset + int64(c.Offset)
			return d.errAt(infoOffs[order[k]], tensorField(order[k]), nil, "data [%d, %d) overlaps tensor %d %q", start, start+c.Size, order[k-1], p.Name)
		}
	}
	return nil
}
