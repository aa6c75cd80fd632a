package gguf

import (
	"bytes"
	"errors"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// sampleKVs holds one value of every metadata type, arrays of every element
// type and nested arrays, in the order they are set.
func sampleKVs() []struct {
	key string
	v   Value
} {
	nested := MustValue([]Value{MustValue([]int32{1, -2}), MustValue([]Value{MustValue([]string{"deep"})}), MustValue([]float64{})})
	return []struct {
		key string
		v   Value
	}{
		{"general.architecture", MustValue("llama")},
		{"general.name", MustValue("tiny ünïcode")},
		{"u8", MustValue(uint8(200))},
		{"i8", MustValue(int8(-100))},
		{"u16", MustValue(uint16(60000))},
		{"i16", MustValue(int16(-30000))},
		{"u32", MustValue(uint32(4000000000))},
		{"i32", MustValue(int32(-2000000000))},
		{"f32", MustValue(float32(3.25))},
		{"bool", MustValue(true)},
		{"u64", MustValue(uint64(math.MaxUint64))},
		{"i64", MustValue(int64(math.MinInt64))},
		{"f64", MustValue(math.Pi)},
		{"empty", MustValue("")},
		{"a.u8", MustValue([]uint8{0, 255})},
		{"a.i8", MustValue([]int8{-128, 127})},
		{"a.u16", MustValue([]uint16{1, 65535})},
		{"a.i16", MustValue([]int16{-1, 2})},
		{"a.u32", MustValue([]uint32{7})},
		{"a.i32", MustValue([]int32{-7, 8, 9})},
		{"a.f32", MustValue([]float32{0.5, float32(math.Inf(-1))})},
		{"a.bool", MustValue([]bool{true, false, true})},
		{"a.str", MustValue([]string{"a", "", "<0x0A>"})},
		{"a.u64", MustValue([]uint64{math.MaxUint64})},
		{"a.i64", MustValue([]int64{-1})},
		{"a.f64", MustValue([]float64{1e300})},
		{"a.empty", MustValue([]string{})},
		{"a.nested", nested},
		{"llama.block_count", MustValue(uint32(2))},
		{"llama.rope.freq_base", MustValue(float32(500000))},
	}
}

type sampleTensor struct {
	name string
	t    Type
	dims []uint64
}

var sampleTensors = []sampleTensor{
	{"token_embd.weight", TypeQ4_K, []uint64{256, 3}},
	{"blk.0.attn_norm.weight", TypeF32, []uint64{7}},
	{"blk.0.ffn_up.weight", TypeQ8_0, []uint64{64, 2, 1, 2}},
	{"empty", TypeF16, []uint64{0}},
	{"output.weight", TypeBF16, []uint64{5, 3}},
}

// fill returns n deterministic bytes that differ per tensor.
func fill(seed, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + seed*13 + 1)
	}
	return b
}

// writeSample writes the sample metadata and tensors with w, streaming the
// second tensor in small pieces.
func writeSample(t testing.TB, w *Writer, align uint32) {
	t.Helper()
	for _, kv := range sampleKVs() {
		w.SetKV(kv.key, kv.v)
	}
	if align != 0 {
		w.SetUint32(KeyAlignment, align)
	}
	for _, st := range sampleTensors {
		if err := w.AddTensor(st.name, st.t, st.dims); err != nil {
			t.Fatal(err)
		}
	}
	for i, st := range sampleTensors {
		n, _ := TensorBytes(st.t, st.dims)
		data := fill(i, int(n))
		if i == 1 {
			tw, err := w.TensorWriter(st.name)
			if err != nil {
				t.Fatal(err)
			}
			for len(data) > 0 {
				k := min(len(data), 5)
				if _, err := tw.Write(data[:k]); err != nil {
					t.Fatal(err)
				}
				data = data[k:]
			}
			continue
		}
		if err := w.WriteTensor(st.name, data); err != nil {
			t.Fatal(err)
		}
	}
}

// sampleBytes returns the sample file's bytes.
func sampleBytes(t testing.TB, align uint32) []byte {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	writeSample(t, w, align)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestRoundTrip(t *testing.T) {
	for _, align := range []uint32{0, 64, 1} {
		path := filepath.Join(t.TempDir(), "m.gguf")
		w, err := Create(path)
		if err != nil {
			t.Fatal(err)
		}
		writeSample(t, w, align)
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		f, err := Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if canMap := runtime.GOOS != "js" && runtime.GOOS != "wasip1" && runtime.GOOS != "plan9"; canMap != f.Mapped() {
			t.Errorf("Mapped() = %v on %s", f.Mapped(), runtime.GOOS)
		}
		wantAlign := uint64(align)
		if align == 0 {
			wantAlign = DefaultAlignment
		}
		if f.Version != 3 || f.Alignment != wantAlign || f.DataOffset%int64(wantAlign) != 0 {
			t.Errorf("version %d alignment %d data offset %d", f.Version, f.Alignment, f.DataOffset)
		}
		st, _ := os.Stat(path)
		if runtime.GOOS != "windows" && st.Mode().Perm() != 0o644 {
			t.Errorf("mode %v, want 0644", st.Mode().Perm())
		}
		if f.Size != st.Size() {
			t.Errorf("Size %d, file has %d", f.Size, st.Size())
		}
		kvs := sampleKVs()
		wantKeys := len(kvs)
		if align != 0 {
			wantKeys++
		}
		if f.Metadata.Len() != wantKeys {
			t.Errorf("%d keys, want %d", f.Metadata.Len(), wantKeys)
		}
		for i, kv := range kvs {
			if f.Metadata.Keys()[i] != kv.key {
				t.Errorf("key %d is %q, want %q", i, f.Metadata.Keys()[i], kv.key)
			}
			got, ok := f.Metadata.Get(kv.key)
			if !ok || got.Type() != kv.v.Type() || got.ElemType() != kv.v.ElemType() || !reflect.DeepEqual(got.Any(), kv.v.Any()) {
				t.Errorf("%s = %#v (%v), want %#v (%v)", kv.key, got.Any(), got.Type(), kv.v.Any(), kv.v.Type())
			}
		}
		if len(f.Tensors) != len(sampleTensors) {
			t.Fatalf("%d tensors, want %d", len(f.Tensors), len(sampleTensors))
		}
		var params int64
		for i, st := range sampleTensors {
			ti, ok := f.Tensor(st.name)
			if !ok || ti.Type != st.t || !reflect.DeepEqual(ti.Dims, st.dims) || ti.Offset%wantAlign != 0 {
				t.Errorf("tensor %s = %+v", st.name, ti)
			}
			params += ti.NumElements()
			data, err := f.TensorData(ti)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(data, fill(i, int(ti.Size))) {
				t.Errorf("tensor %s: data differs", st.name)
			}
		}
		if f.ParamCount() != params || params != 256*3+7+256+0+15 {
			t.Errorf("ParamCount %d, sum %d", f.ParamCount(), params)
		}
		tb := f.TypeBytes()
		if tb[TypeQ4_K] != 3*144 || tb[TypeF32] != 28 || tb[TypeQ8_0] != 8*34 || tb[TypeBF16] != 30 {
			t.Errorf("TypeBytes %v", tb)
		}
		if f.Architecture() != "llama" {
			t.Errorf("Architecture %q", f.Architecture())
		}
		if n, ok := f.ArchUint("block_count"); !ok || n != 2 {
			t.Errorf("block_count %d %v", n, ok)
		}
		if x, ok := f.ArchFloat("rope.freq_base"); !ok || x != 500000 {
			t.Errorf("rope.freq_base %v %v", x, ok)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		if _, err := f.TensorData(f.Tensors[0]); !errors.Is(err, ErrClosed) {
			t.Errorf("TensorData after Close: %v", err)
		}
		// The bytes from Create and from NewWriter are the same.
		onDisk, _ := os.ReadFile(path)
		if !bytes.Equal(onDisk, sampleBytes(t, align)) {
			t.Error("Create and NewWriter wrote different bytes")
		}
	}
}

func TestParseHasNoData(t *testing.T) {
	b := sampleBytes(t, 0)
	f, err := Parse(bytes.NewReader(b), int64(len(b)), "mem.gguf")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.TensorData(f.Tensors[0]); err == nil || !strings.Contains(err.Error(), "not available") {
		t.Errorf("TensorData on a parsed file: %v", err)
	}
}

func TestMetadataGetters(t *testing.T) {
	var m Metadata
	for _, kv := range sampleKVs() {
		m.Set(kv.key, kv.v)
	}
	m.Set("u8", MustValue(uint8(9))) // replace keeps the order
	if m.Keys()[2] != "u8" {
		t.Errorf("replaced key moved: %v", m.Keys()[:3])
	}
	check := func(name string, got, want any, ok bool) {
		t.Helper()
		if !ok || !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %v (%v), want %v", name, got, ok, want)
		}
	}
	u, ok := m.Uint("u8")
	check("Uint(u8)", u, uint64(9), ok)
	u, ok = m.Uint("u64")
	check("Uint(u64)", u, uint64(math.MaxUint64), ok)
	i, ok := m.Int("i64")
	check("Int(i64)", i, int64(math.MinInt64), ok)
	i, ok = m.Int("u32")
	check("Int(u32)", i, int64(4000000000), ok)
	fl, ok := m.Float("f32")
	check("Float(f32)", fl, 3.25, ok)
	fl, ok = m.Float("i16")
	check("Float(i16)", fl, -30000.0, ok)
	s, ok := m.String("general.name")
	check("String", s, "tiny ünïcode", ok)
	b, ok := m.Bool("bool")
	check("Bool", b, true, ok)
	ss, ok := m.Strings("a.str")
	check("Strings", ss, []string{"a", "", "<0x0A>"}, ok)
	fs, ok := m.Float32s("a.i32")
	check("Float32s(i32)", fs, []float32{-7, 8, 9}, ok)
	is, ok := m.Int32s("a.u16")
	check("Int32s(u16)", is, []int32{1, 65535}, ok)
	for name, fn := range map[string]func() bool{
		"Uint of a negative":        func() bool { _, ok := m.Uint("i8"); return ok },
		"Int of a too-large uint64": func() bool { _, ok := m.Int("u64"); return ok },
		"Uint of a string":          func() bool { _, ok := m.Uint("general.name"); return ok },
		"String of an int":          func() bool { _, ok := m.String("u8"); return ok },
		"Int32s of a uint32 beyond": func() bool { _, ok := m.Int32s("a.u64"); return ok },
		"Float32s of strings":       func() bool { _, ok := m.Float32s("a.str"); return ok },
		"missing key":               func() bool { _, ok := m.Float("nope"); return ok },
	} {
		if fn() {
			t.Errorf("%s: ok", name)
		}
	}
	if got := MustValue([]int32{1, 2, 3, 4, 5, 6, 7, 8, 9}).String(); got != "[1, 2, 3, 4, 5, 6, 7, 8, ... (9 items)]" {
		t.Errorf("String of a long array: %s", got)
	}
	if _, err := ValueOf(struct{}{}); err == nil {
		t.Error("ValueOf(struct{}) succeeded")
	}
	if _, err := ArrayValue([]Value{MustValue(1)}); err == nil {
		t.Error("ArrayValue of a scalar succeeded")
	}
}

func TestWriterErrors(t *testing.T) {
	declare := func(w *Writer) {
		w.AddTensor("a", TypeF32, []uint64{2})
		w.AddTensor("b", TypeF32, []uint64{1})
	}
	tests := []struct {
		name string
		run  func(w *Writer) error
		want string
	}{
		{"out of order", func(w *Writer) error { declare(w); return w.WriteTensor("b", make([]byte, 4)) }, `tensor "b" written out of order: next is "a"`},
		{"short data", func(w *Writer) error { declare(w); return w.WriteTensor("a", make([]byte, 4)) }, `tensor "a": got 4 bytes, want 8`},
		{"stream too long", func(w *Writer) error {
			declare(w)
			tw, _ := w.TensorWriter("a")
			_, err := tw.Write(make([]byte, 9))
			return err
		}, `tensor "a": 9 bytes written, more than its 8`},
		{"stream incomplete", func(w *Writer) error {
			declare(w)
			tw, _ := w.TensorWriter("a")
			tw.Write(make([]byte, 3))
			return w.WriteTensor("b", make([]byte, 4))
		}, `tensor "a": wrote 3 of 8 bytes`},
		{"missing tensor", func(w *Writer) error { declare(w); w.WriteTensor("a", make([]byte, 8)); return w.Close() }, `1 of 2 tensors written; next is "b"`},
		{"too many tensors", func(w *Writer) error {
			declare(w)
			w.WriteTensor("a", make([]byte, 8))
			w.WriteTensor("b", make([]byte, 4))
			return w.WriteTensor("c", nil)
		}, `tensor "c" written, but all 2 declared tensors are written`},
		{"metadata after header", func(w *Writer) error {
			declare(w)
			w.WriteTensor("a", make([]byte, 8))
			w.SetString("late", "x")
			return w.WriteTensor("b", make([]byte, 4))
		}, `metadata key "late" set after the header was written`},
		{"tensor after header", func(w *Writer) error {
			declare(w)
			w.WriteTensor("a", make([]byte, 8))
			return w.AddTensor("c", TypeF32, []uint64{1})
		}, `tensor "c" added after the header was written`},
		{"duplicate", func(w *Writer) error { declare(w); return w.AddTensor("a", TypeF32, []uint64{1}) }, `tensor "a" added twice`},
		{"bad shape", func(w *Writer) error { return w.AddTensor("q", TypeQ4_K, []uint64{100}) }, `100 elements of Q4_K is not a multiple of its block size 256`},
		{"five dims", func(w *Writer) error { return w.AddTensor("q", TypeF32, []uint64{1, 1, 1, 1, 1}) }, `has 5 dims, at most 4`},
		{"long name", func(w *Writer) error { return w.AddTensor(strings.Repeat("x", 64), TypeF32, []uint64{1}) }, `is 64 bytes, at most 63`},
		{"bad alignment", func(w *Writer) error { w.SetUint32(KeyAlignment, 48); return w.Close() }, `general.alignment is 48, want a power of two`},
		{"invalid value", func(w *Writer) error { w.SetKV("x", Value{}); return w.Close() }, `metadata key "x": invalid value`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "w.gguf")
			w, err := Create(path)
			if err != nil {
				t.Fatal(err)
			}
			err = tt.run(w)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
			if cerr := w.Close(); cerr == nil {
				t.Fatal("Close succeeded after an error")
			}
			entries, _ := os.ReadDir(filepath.Dir(path))
			if len(entries) != 0 {
				t.Errorf("left files behind: %v", entries)
			}
		})
	}
}

func TestAbort(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "a.gguf")
	os.WriteFile(path, []byte("old"), 0o644)
	w, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w.AddTensor("a", TypeF32, []uint64{2})
	w.WriteTensor("a", make([]byte, 8))
	if err := w.Abort(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err == nil {
		t.Error("Close after Abort succeeded")
	}
	entries, _ := os.ReadDir(dir)
	old, _ := os.ReadFile(path)
	if len(entries) != 1 || string(old) != "old" {
		t.Errorf("after Abort: %v, %q", entries, old)
	}
}

func TestEmptyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "e.gguf")
	w, err := Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.Metadata.Len() != 0 || len(f.Tensors) != 0 || f.Size != 32 || f.ParamCount() != 0 {
		t.Errorf("empty file: %d keys, %d tensors, %d bytes", f.Metadata.Len(), len(f.Tensors), f.Size)
	}
}

func TestOpenDirectory(t *testing.T) {
	dir := t.TempDir()
	_, err := Open(dir)
	if err == nil || err.Error() != "open "+dir+": is a directory" {
		t.Fatalf("Open(dir) = %v", err)
	}
}

func TestStreamEmptyTensor(t *testing.T) {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	w.AddTensor("empty", TypeF32, []uint64{0})
	w.AddTensor("one", TypeF32, []uint64{1})
	tw, err := w.TensorWriter("empty")
	if err != nil {
		t.Fatal(err)
	}
	if n, err := tw.Write(nil); n != 0 || err != nil {
		t.Fatalf("empty write: %d, %v", n, err)
	}
	if _, err := tw.Write([]byte{1}); err == nil || !strings.Contains(err.Error(), "write after its data was complete") {
		t.Fatalf("write past an empty tensor: %v", err)
	}
}

// TestReadFallback checks the path taken where the OS cannot map files:
// tensor data is read from the file instead.
func TestReadFallback(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.gguf")
	if err := os.WriteFile(path, sampleBytes(t, 0), 0o644); err != nil {
		t.Fatal(err)
	}
	f, err := open(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if f.Mapped() {
		t.Fatal("Mapped() without a mapper")
	}
	for i, st := range sampleTensors {
		ti, _ := f.Tensor(st.name)
		data, err := f.TensorData(ti)
		if err != nil || !bytes.Equal(data, fill(i, int(ti.Size))) {
			t.Errorf("tensor %s: %v", st.name, err)
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := f.TensorData(f.Tensors[0]); !errors.Is(err, ErrClosed) {
		t.Errorf("after Close: %v", err)
	}
}
