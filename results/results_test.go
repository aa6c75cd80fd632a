package results

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteReadJSONFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "r.json")
	in := struct {
		Schema string `json:"schema"`
		N      int    `json:"n"`
	}{Schema("test"), 7}
	if err := WriteJSONFile(path, in); err != nil {
		t.Fatal(err)
	}
	out := in
	out.N = 0
	if err := ReadJSONFile(path, Schema("test"), &out); err != nil {
		t.Fatal(err)
	}
	if out.N != 7 {
		t.Fatalf("read back %d", out.N)
	}
	if err := ReadJSONFile(path, Schema("other"), &out); err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("schema mismatch error = %v, want one naming %s", err, path)
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o644 {
		t.Fatalf("mode of %s: %v (%v), want 0644", path, fi.Mode(), err)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("temporary files left behind: %v", entries)
	}
}

func TestWriteFileAtomicMissingDir(t *testing.T) {
	path := filepath.Join(t.TempDir(), "no", "such", "dir", "r.json")
	if err := WriteFileAtomic(path, []byte("x")); err == nil || !strings.Contains(err.Error(), path) {
		t.Fatalf("err = %v, want one naming %s", err, path)
	}
}

func TestWriteFileAtomicDevice(t *testing.T) {
	if _, err := os.Stat(os.DevNull); err != nil {
		t.Skipf("no %s here", os.DevNull)
	}
	before, err := os.Stat(os.DevNull)
	if err != nil {
		t.Fatal(err)
	}
	if before.Mode().IsRegular() {
		t.Skipf("%s is a regular file on this machine", os.DevNull)
	}
	if err := WriteFileAtomic(os.DevNull, []byte("x")); err != nil {
		t.Fatal(err)
	}
	after, err := os.Stat(os.DevNull)
	if err != nil || after.Mode() != before.Mode() {
		t.Fatalf("%s changed from %v to %v (%v)", os.DevNull, before.Mode(), after.Mode(), err)
	}
	if err := WriteFileAtomic(t.TempDir(), []byte("x")); err == nil {
		t.Fatal("writing over a directory succeeded")
	}
}
