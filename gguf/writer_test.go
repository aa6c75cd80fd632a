package gguf

import (
	"os"
	"strings"
	"testing"
)

func TestCreateRefusesNonRegular(t *testing.T) {
	dir := t.TempDir()
	for _, path := range []string{dir, os.DevNull} {
		before, err := os.Stat(path)
		if err != nil || before.Mode().IsRegular() {
			continue
		}
		if w, err := Create(path); err == nil {
			w.Abort()
			t.Fatalf("Create(%s) succeeded", path)
		} else if !strings.Contains(err.Error(), path) {
			t.Fatalf("error %q does not name %s", err, path)
		}
		after, err := os.Stat(path)
		if err != nil || after.Mode() != before.Mode() {
			t.Fatalf("%s changed: %v -> %v", path, before.Mode(), after.Mode())
		}
	}
}
