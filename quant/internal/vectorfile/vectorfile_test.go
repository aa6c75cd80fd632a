package vectorfile

import (
	"bytes"
	"errors"
	"math"
	"path/filepath"
	"reflect"
	"testing"
)

func sample() *File {
	return &File{Type: 12, Rows: []Row{
		{Name: "a", Input: []float32{1, -2, float32(math.Inf(1))}, Quant: []byte{1, 2, 3}, Dequant: []float32{0.5, 0, -1}},
		{Name: "no dequantizer", Input: []float32{3}, Quant: []byte{9}},
	}}
}

func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v.bin")
	if err := WriteFile(path, sample()); err != nil {
		t.Fatal(err)
	}
	got, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	want := sample()
	want.Rows[1].Dequant = []float32{}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("read back %+v, want %+v", got, want)
	}
}

func TestBadFiles(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, sample()); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	huge := bytes.Clone(good)
	copy(huge[12:], []byte{0xff, 0xff, 0xff, 0x7f}) // row count
	for name, data := range map[string][]byte{
		"empty":       nil,
		"bad magic":   append([]byte("GGUF"), good[4:]...),
		"truncated":   good[:len(good)-3],
		"huge count":  huge,
		"bad version": append(append([]byte{}, good[:4]...), append([]byte{9, 0, 0, 0}, good[8:]...)...),
	} {
		if _, err := Read(bytes.NewReader(data)); !errors.Is(err, ErrFormat) {
			t.Errorf("%s: error %v, want ErrFormat", name, err)
		}
	}
}
