package gguf

import (
	"bytes"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the fuzz seed corpus in testdata/fuzz/FuzzParse")

// raw builds GGUF bytes field by field, valid or not.
type raw struct{ b []byte }

func (r *raw) u8(v byte) *raw    { r.b = append(r.b, v); return r }
func (r *raw) u32(v uint32) *raw { r.b = binary.LittleEndian.AppendUint32(r.b, v); return r }
func (r *raw) u64(v uint64) *raw { r.b = binary.LittleEndian.AppendUint64(r.b, v); return r }
func (r *raw) str(s string) *raw { r.u64(uint64(len(s))); r.b = append(r.b, s...); return r }
func (r *raw) off() int64        { return int64(len(r.b)) }
func (r *raw) zeros(n int) *raw  { r.b = append(r.b, make([]byte, n)...); return r }
func (r *raw) pad() *raw         { return r.zeros(int(alignUp(r.off(), 32) - r.off())) }

// header starts a v3 file with the given counts.
func header(nTensors, nKV uint64) *raw {
	r := &raw{b: []byte(Magic)}
	return r.u32(3).u64(nTensors).u64(nKV)
}

// tensor appends one tensor info.
func (r *raw) tensor(name string, t Type, offset uint64, dims ...uint64) *raw {
	r.str(name).u32(uint32(len(dims)))
	for _, d := range dims {
		r.u64(d)
	}
	return r.u32(uint32(t)).u64(offset)
}

// brokenCase is a malformed file and the exact error it must give.
type brokenCase struct {
	name  string
	data  []byte
	want  string // the full error message
	cause error  // a sentinel the error wraps, or nil
}

func brokenCases() []brokenCase {
	var cs []brokenCase
	add := func(name string, r *raw, cause error, format string, args ...any) {
		cs = append(cs, brokenCase{name, r.b, "x.gguf: " + fmt.Sprintf(format, args...), cause})
	}
	add("empty", &raw{}, ErrNotGGUF, "magic: file is 0 bytes, too short for a GGUF header (offset 0)")
	add("bad magic", (&raw{b: []byte("GGML")}).u32(3).u64(0).u64(0), ErrNotGGUF, `magic: magic is "GGML", want "GGUF" (offset 0)`)
	add("version 1", (&raw{b: []byte("GGUF")}).u32(1).u32(0).u32(0), ErrUnsupportedVersion, "version: GGUF version 1 is not supported (only versions 2 and 3) (offset 4)")
	add("big endian", (&raw{b: []byte("GGUF")}).u32(3<<24).u64(0).u64(0), ErrUnsupportedVersion, "version: big-endian GGUF files are not supported (offset 4)")
	add("truncated count", (&raw{b: []byte("GGUF")}).u32(3).u32(0), ErrTruncated, "tensor count: file ends after 4 of 8 bytes (offset 8)")
	add("tensor count beyond file", header(1<<40, 0), nil, "tensor count: count 1099511627776 needs at least 24 bytes each, but only 8 bytes are left (offset 8)")
	add("metadata count beyond file", header(0, 1<<62).zeros(20), nil, "metadata count: count 4611686018427387904 needs at least 13 bytes each, but only 20 bytes are left (offset 16)")
	add("key length beyond file", header(0, 1).u64(1<<40).zeros(8), ErrTruncated, "key 0: string length 1099511627776 exceeds the 8 bytes left in the file (offset 24)")
	r := header(0, 1).str("k")
	at := r.off()
	add("unknown value type", r.u32(13).zeros(8), nil, `key 0 "k": unknown value type 13 (offset %d)`, at)
	r = header(0, 1).str("k").u32(uint32(ValueArray)).u32(uint32(ValueUint32))
	at = r.off()
	add("array count beyond file", r.u64(1<<40).zeros(12), nil, `key 0 "k" count: count 1099511627776 needs at least 4 bytes each, but only 12 bytes are left (offset %d)`, at)
	r = header(0, 1).str("k").u32(uint32(ValueArray))
	at = r.off()
	add("unknown array element type", r.u32(77).u64(0), nil, `key 0 "k": unknown array element type 77 (offset %d)`, at)
	r = header(0, 1).str("k").u32(uint32(ValueArray))
	for range maxNesting {
		r.u32(uint32(ValueArray)).u64(1)
	}
	at = r.off()
	add("arrays nested too deep", r.u32(uint32(ValueArray)).u64(1).zeros(64), nil, `key 0 "k"%s: arrays nested deeper than 16 (offset %d)`, strings.Repeat("[0]", maxNesting), at)
	r = header(0, 1).str("k").u32(uint32(ValueBool))
	at = r.off()
	add("bool out of range", r.u8(2), nil, `key 0 "k": bool byte is 2, want 0 or 1 (offset %d)`, at)
	r = header(0, 2).str("k").u32(uint32(ValueUint8)).u8(1)
	at = r.off()
	add("duplicate key", r.str("k").u32(uint32(ValueUint8)).u8(2), nil, `key 1 "k": duplicate key (offset %d)`, at)
	r = header(0, 1).str(KeyAlignment).u32(uint32(ValueUint32))
	at = r.off()
	add("alignment not a power of two", r.u32(48), nil, `key 0 "general.alignment": alignment is 48 (uint32), want a power of two (offset %d)`, at)
	r = header(0, 1).str(KeyAlignment).u32(uint32(ValueString))
	at = r.off()
	add("alignment is a string", r.str("32"), nil, `key 0 "general.alignment": alignment is "32" (string), want a power of two (offset %d)`, at)
	r = header(0, 1).str("k").u32(uint32(ValueArray)).u32(uint32(ValueString)).u64(2).str("hello").u32(5)
	at = r.off() - 4
	add("truncated string array", r, ErrTruncated, `key 0 "k"[1] length: file ends after 4 of 8 bytes (offset %d)`, at)
	r = header(1, 0).str("t")
	at = r.off()
	add("five dims", r.u32(5).zeros(48), nil, `tensor 0 "t": n_dims is 5, at most 4 (offset %d)`, at)
	r = header(1, 0).str("t").u32(1).u64(32)
	at = r.off()
	add("removed type", r.u32(31).u64(0), nil, `tensor 0 "t": unknown ggml type Q4_0_4_4(removed) (offset %d)`, at)
	r = header(1, 0).str("t").u32(1).u64(32)
	at = r.off()
	add("unknown type", r.u32(99).u64(0), nil, `tensor 0 "t": unknown ggml type type(99) (offset %d)`, at)
	r = header(1, 0).str("t").u32(2)
	at = r.off()
	add("dims overflow", r.u64(1<<32).u64(1<<32).u32(uint32(TypeF32)).u64(0), ErrBadShape, `tensor 0 "t": bad tensor shape: dims [4294967296 4294967296]: element count overflows int64 (offset %d)`, at)
	r = header(1, 0).str("t").u32(1)
	at = r.off()
	add("row not a multiple of the block", r.u64(33).u32(uint32(TypeQ4_0)).u64(0), ErrBadShape, `tensor 0 "t": bad tensor shape: 33 elements of Q4_0 is not a multiple of its block size 32 (offset %d)`, at)
	r = header(2, 0).tensor("t", TypeF32, 0, 8)
	at = r.off()
	add("duplicate tensor name", r.tensor("t", TypeF32, 32, 8), nil, `tensor 1 "t": duplicate tensor name (also tensor 0) (offset %d)`, at)
	r = header(1, 0).tensor("t", TypeF32, 16, 8)
	at = r.off() - 8
	add("misaligned data", r.pad().zeros(64), nil, `tensor 0 "t": data offset 16 is not a multiple of the alignment 32 (offset %d)`, at)
	r = header(1, 0).tensor("blk.0.attn_q.weight", TypeF32, 0, 8)
	at = r.off() - 8
	data := alignUp(r.off(), 32)
	add("data beyond file", r.pad().zeros(16), ErrTruncated, `tensor 0 "blk.0.attn_q.weight": data [%d, %d) beyond file size %d (offset %d)`, data, data+32, data+16, at)
	r = header(1, 0).tensor("t", TypeF32, 1<<40, 8)
	at = r.off() - 8
	data = alignUp(r.off(), 32)
	add("offset beyond file", r.pad().zeros(32), ErrTruncated, `tensor 0 "t": data offset 1099511627776 beyond file size %d (data section starts at %d) (offset %d)`, data+32, data, at)
	r = header(2, 0).tensor("t", TypeF32, 0, 16).tensor("u", TypeF32, 32, 8)
	at = r.off() - 8
	data = alignUp(r.off(), 32)
	add("overlapping data", r.pad().zeros(128), nil, `tensor 1 "u": data [%d, %d) overlaps tensor 0 "t" (offset %d)`, data+32, data+64, at)
	r = header(1, 0).tensor("t", TypeF32, 0, 8)
	add("no data section", r, ErrTruncated, `data section: data section starts at %d, beyond file size %d (offset %d)`, alignUp(r.off(), 32), r.off(), r.off())
	return cs
}

func TestBrokenFiles(t *testing.T) {
	for _, c := range brokenCases() {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(bytes.NewReader(c.data), int64(len(c.data)), "x.gguf")
			if err == nil {
				t.Fatal("parsed without error")
			}
			if err.Error() != c.want {
				t.Errorf("error\n got %s\nwant %s", err, c.want)
			}
			var fe *FormatError
			if !errors.As(err, &fe) || fe.File != "x.gguf" || fe.Offset < 0 || fe.Offset > int64(len(c.data)) {
				t.Errorf("not a FormatError with a file offset: %#v", err)
			}
			if c.cause != nil && !errors.Is(err, c.cause) {
				t.Errorf("error does not wrap %v", c.cause)
			}
		})
	}
}

// TestOpenBroken checks that Open reports the same errors for files on disk.
func TestOpenBroken(t *testing.T) {
	dir := t.TempDir()
	for _, c := range brokenCases() {
		path := filepath.Join(dir, "x.gguf")
		if err := os.WriteFile(path, c.data, 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Open(path)
		if want := strings.Replace(c.want, "x.gguf", path, 1); err == nil || err.Error() != want {
			t.Errorf("%s: Open error %v, want %s", c.name, err, want)
		}
	}
	if _, err := Open(filepath.Join(dir, "missing.gguf")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Open of a missing file: %v", err)
	}
}

func TestVersion2(t *testing.T) {
	b := sampleBytes(t, 0)
	binary.LittleEndian.PutUint32(b[4:], 2)
	f, err := Parse(bytes.NewReader(b), int64(len(b)), "v2.gguf")
	if err != nil || f.Version != 2 || len(f.Tensors) != len(sampleTensors) {
		t.Fatalf("v2: %v", err)
	}
}

// seedCorpus returns the fuzz seeds: valid files and every broken case.
func seedCorpus(t testing.TB) map[string][]byte {
	seeds := map[string][]byte{
		"valid-align32": sampleBytes(t, 0),
		"valid-align64": sampleBytes(t, 64),
		"valid-align1":  sampleBytes(t, 1),
	}
	v2 := bytes.Clone(seeds["valid-align32"])
	binary.LittleEndian.PutUint32(v2[4:], 2)
	seeds["valid-v2"] = v2
	var empty bytes.Buffer
	NewWriter(&empty).Close()
	seeds["valid-empty"] = empty.Bytes()
	for _, c := range brokenCases() {
		seeds["broken-"+strings.ReplaceAll(c.name, " ", "-")] = c.data
	}
	return seeds
}

func corpusFile(b []byte) []byte {
	return []byte("go test fuzz v1\n[]byte(" + strconv.Quote(string(b)) + ")\n")
}

// TestFuzzCorpus checks that the committed seed corpus matches the seeds
// this file generates; run with -update to rewrite it.
func TestFuzzCorpus(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzParse")
	for name, b := range seedCorpus(t) {
		path := filepath.Join(dir, name)
		want := corpusFile(b)
		if *update {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s is missing or stale (%v); run go test ./gguf -run TestFuzzCorpus -update", path, err)
		}
	}
}

// FuzzParse feeds arbitrary bytes to Parse. A file it accepts must satisfy
// the validated invariants and survive a write-read round trip unchanged.
func FuzzParse(f *testing.F) {
	for _, b := range seedCorpus(f) {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		g, err := Parse(bytes.NewReader(b), int64(len(b)), "fuzz.gguf")
		if err != nil {
			var fe *FormatError
			if !errors.As(err, &fe) || fe.File != "fuzz.gguf" || fe.Offset < 0 || fe.Offset > int64(len(b)) {
				t.Fatalf("error without a valid FormatError: %#v", err)
			}
			return
		}
		for _, k := range g.Metadata.Keys() {
			v, _ := g.Metadata.Get(k)
			_ = v.String()
		}
		for _, ti := range g.Tensors {
			size, err := TensorBytes(ti.Type, ti.Dims)
			if err != nil || size != ti.Size || ti.Offset%g.Alignment != 0 || g.DataOffset+int64(ti.Offset)+ti.Size > int64(len(b)) {
				t.Fatalf("tensor %q violates the invariants: %+v (size %d, %v)", ti.Name, ti, size, err)
			}
		}
		if g.Alignment > 1<<12 {
			return // valid, but the Writer would pad to up to 1 GiB: too slow for one fuzz input
		}
		once := rewrite(t, g, b)
		if once == nil {
			return
		}
		g2, err := Parse(bytes.NewReader(once), int64(len(once)), "rewritten.gguf")
		if err != nil {
			t.Fatalf("rewritten file does not parse: %v", err)
		}
		if twice := rewrite(t, g2, once); !bytes.Equal(once, twice) {
			t.Fatal("write-read-write is not stable")
		}
	})
}

// rewrite writes g (whose bytes are b) with the Writer; nil when the
// Writer would refuse its tensor names.
func rewrite(t *testing.T, g *File, b []byte) []byte {
	var buf bytes.Buffer
	w := NewWriter(&buf)
	for _, k := range g.Metadata.Keys() {
		v, _ := g.Metadata.Get(k)
		w.SetKV(k, v)
	}
	for _, ti := range g.Tensors {
		if len(ti.Name) > MaxNameLen {
			return nil
		}
		if err := w.AddTensor(ti.Name, ti.Type, ti.Dims); err != nil {
			t.Fatalf("AddTensor: %v", err)
		}
	}
	for _, ti := range g.Tensors {
		start := g.DataOffset + int64(ti.Offset)
		if err := w.WriteTensor(ti.Name, b[start:start+ti.Size]); err != nil {
			t.Fatalf("WriteTensor: %v", err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	return buf.Bytes()
}
