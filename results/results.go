// Package results holds the versioned JSON schemas that odbench commands
// write and that reports and the CI gate read. It is a leaf package: it
// imports no engine, probe or renderer.
package results

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// SchemaPrefix starts every schema identifier: "odbench/<kind>/v1".
const SchemaPrefix = "odbench/"

// Schema returns the schema identifier of a document kind, e.g. "odbench/device/v1".
func Schema(kind string) string { return SchemaPrefix + kind + "/v1" }

// WriteJSONFile writes v as indented JSON to path atomically: the data goes
// to a temporary file in the same folder, which is synced and renamed over
// path, so a reader never sees a half-written result file.
func WriteJSONFile(path string, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", path, err)
	}
	data = append(data, '\n')
	return WriteFileAtomic(path, data)
}

// WriteFileAtomic writes data to path through a temporary file and a rename.
// When path names something that is not a regular file (a device such as
// /dev/null or /dev/stdout, a named pipe), it writes there directly: renaming
// over a device node would replace it.
func WriteFileAtomic(path string, data []byte) error {
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		if fi.IsDir() {
			return fmt.Errorf("write %s: is a directory", path)
		}
		f, err := os.OpenFile(path, os.O_WRONLY, 0)
		if err != nil {
			return fmt.Errorf("write %s: %w", path, err)
		}
		_, werr := f.Write(data)
		if cerr := f.Close(); werr == nil {
			werr = cerr
		}
		if werr != nil {
			return fmt.Errorf("write %s: %w", path, werr)
		}
		return nil
	}
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	name := tmp.Name()
	fail := func(err error) error {
		tmp.Close()
		os.Remove(name)
		return fmt.Errorf("write %s: %w", path, err)
	}
	// CreateTemp makes the file private (0600); results are meant to be shared.
	if err := tmp.Chmod(0o644); err != nil {
		return fail(err)
	}
	if _, err := tmp.Write(data); err != nil {
		return fail(err)
	}
	if err := tmp.Sync(); err != nil {
		return fail(err)
	}
	if err := tmp.Close(); err != nil {
		os.Remove(name)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(name, path); err != nil {
		os.Remove(name)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// ReadJSONFile reads a JSON document from path into v, checking that its
// "schema" field equals want (when want is not empty).
func ReadJSONFile(path, want string, v any) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	var head struct {
		Schema string `json:"schema"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return fmt.Errorf("read %s: not a JSON object: %w", path, err)
	}
	if want != "" && head.Schema != want {
		return fmt.Errorf("read %s: schema is %q, want %q", path, head.Schema, want)
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("read %s: %w", path, err)
	}
	return nil
}
