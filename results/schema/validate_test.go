package schema

import (
	"errors"
	"strings"
	"testing"
)

const validBench = `{"schema":"odbench/bench/v1","created_at":"2026-01-02T03:04:05Z","results":[
 {"runner":"llamacpp","test":"pp8","model_filename":"m.gguf","model_type":"llama ?B F32","model_size":10,"model_n_params":5,
  "n_batch":2048,"n_ubatch":512,"n_threads":2,"type_k":"f16","type_v":"f16","n_gpu_layers":0,"flash_attn":false,"use_mmap":true,
  "n_prompt":8,"n_gen":0,"n_depth":0,"test_time":"2026-01-02T03:04:05.5Z","avg_ns":1000,"stddev_ns":0,"avg_ts":8000.5,"stddev_ts":0,
  "samples_ns":[1000],"samples_ts":[8000.5],"repetitions":1,"load_ms":1.5,"peak_rss_bytes":123,"energy_source":"rapl"}]}`

func TestValidate(t *testing.T) {
	tests := []struct {
		name    string
		edit    func(string) string
		wantErr string // empty: valid
	}{
		{"valid", func(s string) string { return s }, ""},
		{"wrong schema", func(s string) string { return strings.Replace(s, "bench/v1", "bench/v2", 1) }, "$.schema"},
		{"missing required", func(s string) string { return strings.Replace(s, `"avg_ts":8000.5,`, "", 1) }, `missing required field "avg_ts"`},
		{"integer field given a fraction", func(s string) string { return strings.Replace(s, `"avg_ns":1000`, `"avg_ns":1000.5`, 1) }, "$.results[0].avg_ns: want integer, got number"},
		{"string given a number", func(s string) string { return strings.Replace(s, `"runner":"llamacpp"`, `"runner":3`, 1) }, "$.results[0].runner"},
		{"unexpected field", func(s string) string { return strings.Replace(s, `"n_gen":0`, `"n_gen":0,"n_gne":1`, 1) }, `unexpected field "n_gne"`},
		{"below minimum", func(s string) string { return strings.Replace(s, `"n_depth":0`, `"n_depth":-1`, 1) }, "below the minimum"},
		{"bad date", func(s string) string { return strings.Replace(s, `2026-01-02T03:04:05.5Z`, `yesterday`, 1) }, "not an RFC 3339"},
		{"not in enum", func(s string) string { return strings.Replace(s, `"rapl"`, `"guess"`, 1) }, "not one of"},
		{"array item type", func(s string) string { return strings.Replace(s, `"samples_ts":[8000.5]`, `"samples_ts":["x"]`, 1) }, "$.results[0].samples_ts[0]"},
		{"not JSON", func(s string) string { return s[:20] }, "not JSON"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Validate("bench.v1.json", []byte(tt.edit(validBench)))
			if tt.wantErr == "" {
				if err != nil {
					t.Fatalf("valid document rejected: %v", err)
				}
				return
			}
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want ErrInvalid mentioning %q", err, tt.wantErr)
			}
		})
	}
}

func TestValidateUnknownSchema(t *testing.T) {
	if err := Validate("nosuch.json", []byte(`{}`)); err == nil || errors.Is(err, ErrInvalid) {
		t.Fatalf("err = %v, want a missing-schema error", err)
	}
}

func TestProperties(t *testing.T) {
	top, err := Properties("bench.v1.json", "")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(top, ",") != "created_at,device,interrupted,notes,results,schema" {
		t.Fatalf("top-level properties = %v", top)
	}
	if _, err := Properties("bench.v1.json", "nosuch"); err == nil {
		t.Fatal("want an error for a missing $defs entry")
	}
}
