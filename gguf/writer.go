package gguf

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
)

// MaxNameLen is the longest tensor name llama.cpp accepts (GGML_MAX_NAME - 1 bytes).
const MaxNameLen = 63

// Writer writes a GGUF v3 file in one pass: set the metadata, declare the
// tensors with AddTensor, then write each tensor's data in the order
// declared. The header goes out with the first tensor's data (or at Close),
// so no tensor data is ever held by the Writer.
//
// Errors are sticky: after a failure every later call returns it, and
// SetKV, which returns nothing, reports through the next call that does.
type Writer struct {
	bw      *bufio.Writer
	off     int64 // bytes written so far
	meta    Metadata
	tensors []TensorInfo
	names   map[string]bool
	align   uint64
	header  bool         // header written
	next    int          // index of the next tensor to start
	stream  *tensorWrite // the tensor being streamed, nil when none
	err     error
	done    bool

	file *os.File // Create only: the temporary file
	path string   // Create only: the final path
}

// Create starts a GGUF file at path. The data goes to a temporary file in
// the same folder, which Close renames to path and Abort removes, so path
// never holds a half-written file.
//
// A path that exists and is not a regular file (a device such as /dev/null,
// a folder) is refused: renaming over it would replace it.
func Create(path string) (*Writer, error) {
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("create %s: not a regular file (%v)", path, fi.Mode().Type())
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	// CreateTemp makes the file private (0600); a model file is not secret.
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return nil, fmt.Errorf("create %s: %w", path, err)
	}
	w := NewWriter(tmp)
	w.file, w.path = tmp, path
	return w, nil
}

// NewWriter returns a Writer that writes a GGUF file to dst. Close flushes
// it; it does not close dst.
func NewWriter(dst io.Writer) *Writer {
	return &Writer{bw: bufio.NewWriterSize(dst, 1<<20), names: make(map[string]bool)}
}

func (w *Writer) fail(err error) error {
	if w.err == nil {
		w.err = err
	}
	return w.err
}

func (w *Writer) name() string {
	if w.path != "" {
		return w.path
	}
	return "gguf writer"
}

// SetKV sets a metadata key, keeping the order keys were first set in. It
// must come before the first tensor data is written.
func (w *Writer) SetKV(key string, v Value) {
	switch {
	case w.err != nil:
	case w.header:
		w.fail(fmt.Errorf("%s: metadata key %q set after the header was written", w.name(), key))
	case !v.IsValid():
		w.fail(fmt.Errorf("%s: metadata key %q: invalid value", w.name(), key))
	default:
		w.meta.Set(key, v)
	}
}

// SetString sets a string key.
func (w *Writer) SetString(key, s string) { w.SetKV(key, Value{typ: ValueString, x: s}) }

// SetBool sets a bool key.
func (w *Writer) SetBool(key string, b bool) { w.SetKV(key, Value{typ: ValueBool, x: b}) }

// SetUint32 sets a uint32 key.
func (w *Writer) SetUint32(key string, u uint32) { w.SetKV(key, Value{typ: ValueUint32, x: u}) }

// SetInt32 sets an int32 key.
func (w *Writer) SetInt32(key string, i int32) { w.SetKV(key, Value{typ: ValueInt32, x: i}) }

// SetUint64 sets a uint64 key.
func (w *Writer) SetUint64(key string, u uint64) { w.SetKV(key, Value{typ: ValueUint64, x: u}) }

// SetFloat32 sets a float32 key.
func (w *Writer) SetFloat32(key string, f float32) { w.SetKV(key, Value{typ: ValueFloat32, x: f}) }

// SetStrings sets an array of strings.
func (w *Writer) SetStrings(key string, s []string) { w.SetKV(key, arrayOf(ValueString, s)) }

// SetFloat32s sets an array of float32s.
func (w *Writer) SetFloat32s(key string, f []float32) { w.SetKV(key, arrayOf(ValueFloat32, f)) }

// SetInt32s sets an array of int32s.
func (w *Writer) SetInt32s(key string, i []int32) { w.SetKV(key, arrayOf(ValueInt32, i)) }

// AddTensor declares a tensor of type t and shape dims (dims[0] is the
// row length, a multiple of the type's block size). Tensors are written in
// the order declared.
func (w *Writer) AddTensor(name string, t Type, dims []uint64) error {
	if w.err != nil {
		return w.err
	}
	if w.header {
		return w.fail(fmt.Errorf("%s: tensor %q added after the header was written", w.name(), name))
	}
	if len(name) > MaxNameLen {
		return w.fail(fmt.Errorf("%s: tensor name %q is %d bytes, at most %d", w.name(), name, len(name), MaxNameLen))
	}
	if w.names[name] {
		return w.fail(fmt.Errorf("%s: tensor %q added twice", w.name(), name))
	}
	if len(dims) > MaxDims {
		return w.fail(fmt.Errorf("%s: tensor %q has %d dims, at most %d", w.name(), name, len(dims), MaxDims))
	}
	size, err := TensorBytes(t, dims)
	if err != nil {
		return w.fail(fmt.Errorf("%s: tensor %q: %w", w.name(), name, err))
	}
	w.names[name] = true
	w.tensors = append(w.tensors, TensorInfo{Name: name, Dims: append([]uint64(nil), dims...), Type: t, Size: size})
	return nil
}

// WriteTensor writes the data of the next tensor, which must be name, in full.
func (w *Writer) WriteTensor(name string, data []byte) error {
	tw, err := w.startTensor(name)
	if err != nil {
		return err
	}
	if int64(len(data)) != tw.ti.Size {
		return w.fail(fmt.Errorf("%s: tensor %q: got %d bytes, want %d", w.name(), name, len(data), tw.ti.Size))
	}
	_, err = tw.Write(data)
	return err
}

// TensorWriter starts the data of the next tensor, which must be name, and
// returns a writer that must receive exactly the tensor's byte count
// before the next tensor starts or Close is called.
func (w *Writer) TensorWriter(name string) (io.Writer, error) {
	tw, err := w.startTensor(name)
	if err != nil {
		return nil, err
	}
	return tw, nil
}

func (w *Writer) startTensor(name string) (*tensorWrite, error) {
	if err := w.writeHeader(); err != nil {
		return nil, err
	}
	if err := w.checkStreamDone(); err != nil {
		return nil, err
	}
	if w.next >= len(w.tensors) {
		return nil, w.fail(fmt.Errorf("%s: tensor %q written, but all %d declared tensors are written", w.name(), name, len(w.tensors)))
	}
	if want := w.tensors[w.next].Name; name != want {
		return nil, w.fail(fmt.Errorf("%s: tensor %q written out of order: next is %q", w.name(), name, want))
	}
	tw := &tensorWrite{w: w, ti: w.tensors[w.next]}
	w.stream = tw
	w.next++
	w.finishIfFull()
	return tw, nil
}

// checkStreamDone fails when the tensor being streamed is incomplete.
func (w *Writer) checkStreamDone() error {
	if s := w.stream; s != nil && s.n < s.ti.Size {
		return w.fail(fmt.Errorf("%s: tensor %q: wrote %d of %d bytes", w.name(), s.ti.Name, s.n, s.ti.Size))
	}
	return nil
}

// finishIfFull pads after the streamed tensor once all its bytes are in.
func (w *Writer) finishIfFull() {
	if s := w.stream; s != nil && s.n == s.ti.Size {
		w.pad()
		w.stream = nil
	}
}

// tensorWrite is the io.Writer for one tensor's data.
type tensorWrite struct {
	w  *Writer
	ti TensorInfo
	n  int64 // bytes written
}

func (t *tensorWrite) Write(p []byte) (int, error) {
	w := t.w
	if w.err != nil {
		return 0, w.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	if w.stream != t {
		return 0, w.fail(fmt.Errorf("%s: tensor %q: write after its data was complete", w.name(), t.ti.Name))
	}
	if int64(len(p)) > t.ti.Size-t.n {
		return 0, w.fail(fmt.Errorf("%s: tensor %q: %d bytes written, more than its %d", w.name(), t.ti.Name, t.n+int64(len(p)), t.ti.Size))
	}
	n, err := w.bw.Write(p)
	t.n += int64(n)
	w.off += int64(n)
	if err != nil {
		return n, w.fail(fmt.Errorf("write %s: %w", w.name(), err))
	}
	w.finishIfFull()
	return n, w.err
}

var zeros [4096]byte

// pad writes zeros up to the next multiple of the alignment.
func (w *Writer) pad() {
	for n := alignUp(w.off, w.align) - w.off; n > 0 && w.err == nil; {
		k := min(n, int64(len(zeros)))
		w.raw(zeros[:k])
		n -= k
	}
}

func (w *Writer) raw(p []byte) {
	if w.err != nil {
		return
	}
	n, err := w.bw.Write(p)
	w.off += int64(n)
	if err != nil {
		w.fail(fmt.Errorf("write %s: %w", w.name(), err))
	}
}

// writeHeader writes the header, metadata and tensor infos once.
func (w *Writer) writeHeader() error {
	if w.err != nil || w.header {
		return w.err
	}
	w.align = DefaultAlignment
	if v, ok := w.meta.Get(KeyAlignment); ok {
		a, ok := alignmentOf(v)
		if !ok {
			return w.fail(fmt.Errorf("%s: %s is %v, want a power of two", w.name(), KeyAlignment, v))
		}
		w.align = a
	}
	var off uint64
	for i := range w.tensors {
		w.tensors[i].Offset = off
		off += uint64(alignUp(w.tensors[i].Size, w.align))
	}
	w.header = true
	b := make([]byte, 0, 4096)
	b = append(b, Magic...)
	b = binary.LittleEndian.AppendUint32(b, 3)
	b = binary.LittleEndian.AppendUint64(b, uint64(len(w.tensors)))
	b = binary.LittleEndian.AppendUint64(b, uint64(w.meta.Len()))
	for i, k := range w.meta.Keys() {
		b = appendString(b, k)
		b = binary.LittleEndian.AppendUint32(b, uint32(w.meta.vals[i].typ))
		b = appendValue(b, w.meta.vals[i])
		if len(b) >= 1<<16 {
			w.raw(b)
			b = b[:0]
		}
	}
	for _, ti := range w.tensors {
		b = appendString(b, ti.Name)
		b = binary.LittleEndian.AppendUint32(b, uint32(len(ti.Dims)))
		for _, d := range ti.Dims {
			b = binary.LittleEndian.AppendUint64(b, d)
		}
		b = binary.LittleEndian.AppendUint32(b, uint32(ti.Type))
		b = binary.LittleEndian.AppendUint64(b, ti.Offset)
	}
	w.raw(b)
	w.pad()
	return w.err
}

func appendString(b []byte, s string) []byte {
	b = binary.LittleEndian.AppendUint64(b, uint64(len(s)))
	return append(b, s...)
}

// appendValue appends the encoding of v, without its type tag.
func appendValue(b []byte, v Value) []byte {
	le := binary.LittleEndian
	switch x := v.x.(type) {
	case uint8:
		return append(b, x)
	case int8:
		return append(b, byte(x))
	case uint16:
		return le.AppendUint16(b, x)
	case int16:
		return le.AppendUint16(b, uint16(x))
	case uint32:
		return le.AppendUint32(b, x)
	case int32:
		return le.AppendUint32(b, uint32(x))
	case float32:
		return le.AppendUint32(b, math.Float32bits(x))
	case bool:
		if x {
			return append(b, 1)
		}
		return append(b, 0)
	case string:
		return appendString(b, x)
	case uint64:
		return le.AppendUint64(b, x)
	case int64:
		return le.AppendUint64(b, uint64(x))
	case float64:
		return le.AppendUint64(b, math.Float64bits(x))
	}
	// An array: element type, count, elements.
	n := v.Len()
	b = le.AppendUint32(b, uint32(v.elem))
	b = le.AppendUint64(b, uint64(n))
	for i := range n {
		b = appendValue(b, v.Index(i))
	}
	return b
}

// Close writes the header if no tensor was written, checks that every
// declared tensor was written in full, flushes, and for Create syncs the
// temporary file and renames it into place. On error the temporary file
// is removed.
func (w *Writer) Close() error {
	if w.done {
		return w.err
	}
	w.done = true
	w.writeHeader()
	w.checkStreamDone()
	if w.err == nil && w.next < len(w.tensors) {
		w.fail(fmt.Errorf("%s: %d of %d tensors written; next is %q", w.name(), w.next, len(w.tensors), w.tensors[w.next].Name))
	}
	if w.err == nil {
		if err := w.bw.Flush(); err != nil {
			w.fail(fmt.Errorf("write %s: %w", w.name(), err))
		}
	}
	if w.file == nil {
		return w.err
	}
	if w.err != nil {
		w.removeTemp()
		return w.err
	}
	if err := w.file.Sync(); err != nil {
		w.removeTemp()
		return w.fail(fmt.Errorf("write %s: %w", w.path, err))
	}
	if err := w.file.Close(); err != nil {
		os.Remove(w.file.Name())
		return w.fail(fmt.Errorf("write %s: %w", w.path, err))
	}
	if err := os.Rename(w.file.Name(), w.path); err != nil {
		os.Remove(w.file.Name())
		return w.fail(fmt.Errorf("write %s: %w", w.path, err))
	}
	return nil
}

func (w *Writer) removeTemp() {
	w.file.Close()
	os.Remove(w.file.Name())
}

// errAborted is the sticky error of an aborted Writer.
var errAborted = errors.New("gguf: writer aborted")

// Abort stops writing; for Create it removes the temporary file, leaving
// nothing at the path. It is safe to call after Close (then it does nothing).
func (w *Writer) Abort() error {
	if w.done {
		return nil
	}
	w.done = true
	w.fail(errAborted)
	if w.file != nil {
		w.file.Close()
		if err := os.Remove(w.file.Name()); err != nil {
			return fmt.Errorf("abort %s: %w", w.path, err)
		}
	}
	return nil
}
