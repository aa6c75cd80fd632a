package profiles

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/odbench/odbench/results"
)

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	good := results.Device{Schema: results.DeviceSchema, Name: "phone", GPUs: []results.GPU{}}
	good.CPU.LogicalCores, good.CPU.PhysicalCores, good.Memory.TotalBytes = 8, 8, 8<<30
	goodPath := filepath.Join(dir, "phone.json")
	if err := results.WriteJSONFile(goodPath, good); err != nil {
		t.Fatal(err)
	}
	d, err := Load(goodPath)
	if err != nil || d.Name != "phone" || d.CPU.LogicalCores != 8 || d.Memory.TotalBytes != 8<<30 {
		t.Fatalf("Load = %+v, %v", d, err)
	}
	for _, tt := range []struct{ name, text, want string }{
		{"not json", "{", "not a JSON object"},
		{"other schema", `{"schema":"odbench/plan/v1"}`, "schema"},
		{"no cores", `{"schema":"odbench/device/v1","memory":{"total_bytes":1}}`, "logical_cores"},
		{"no memory", `{"schema":"odbench/device/v1","cpu":{"logical_cores":4}}`, "total_bytes"},
		{"negative cores", `{"schema":"odbench/device/v1","cpu":{"logical_cores":4,"efficiency_cores":-1},"memory":{"total_bytes":1}}`, "negative"},
		{"wrong type", `{"schema":"odbench/device/v1","cpu":{"logical_cores":"four"}}`, "logical_cores"},
	} {
		path := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_")+".json")
		if err := os.WriteFile(path, []byte(tt.text), 0o644); err != nil {
			t.Fatal(err)
		}
		_, err := Load(path)
		if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: error %v, want one naming %s and %q", tt.name, err, path, tt.want)
		}
	}
	if _, err := Load(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("want an error for a missing file")
	}
}
