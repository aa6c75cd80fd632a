package results

import (
	"encoding/json"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/odbench/odbench/results/schema"
)

// jsonNames returns the JSON field names of a struct type, sorted.
func jsonNames(t reflect.Type) []string {
	var names []string
	for i := range t.NumField() {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// TestBenchSchemaMatchesTypes keeps the Go types and bench.v1.json in step:
// every field of the one is a property of the other.
func TestBenchSchemaMatchesTypes(t *testing.T) {
	for _, tt := range []struct {
		def string
		typ reflect.Type
	}{{"", reflect.TypeFor[Bench]()}, {"result", reflect.TypeFor[BenchResult]()}} {
		props, err := schema.Properties("bench.v1.json", tt.def)
		if err != nil {
			t.Fatal(err)
		}
		if got := jsonNames(tt.typ); !reflect.DeepEqual(got, props) {
			t.Errorf("%v fields %v\nschema %q properties %v", tt.typ, got, tt.def, props)
		}
	}
}

func TestBenchJSONValidates(t *testing.T) {
	ts := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	b := Bench{
		Schema:    BenchSchema,
		CreatedAt: ts,
		Device:    &Device{Schema: DeviceSchema, Name: "this", CreatedAt: ts},
		Notes:     []string{"no energy counter"},
		Results: []BenchResult{{
			Runner: "llamacpp", Test: "pp512 @ d4096", ModelFilename: "m.gguf", ModelType: "llama 1B Q4_0",
			ModelSize: 1 << 30, ModelNParams: 1 << 30, NBatch: 2048, NUBatch: 512, NThreads: 2, TypeK: "f16", TypeV: "f16",
			UseMmap: true, NPrompt: 512, NDepth: 4096, TestTime: ts, AvgNs: 4e9, StddevNs: 1e7, AvgTs: 128, StddevTs: 0.3,
			SamplesNs: []uint64{4e9}, SamplesTs: []float64{128}, Repetitions: 1, TTFTMs: 4000, LoadMs: 300,
			PeakRSSBytes: 1 << 30, GPUMemBytes: 1, CeilingTs: 200, CeilingShare: 0.64, JoulesPerToken: 0.1, EnergySource: "rapl",
		}},
	}
	data, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	if err := schema.Validate("bench.v1.json", data); err != nil {
		t.Fatal(err)
	}
	if BenchSchema != "odbench/bench/v1" {
		t.Fatalf("BenchSchema = %q", BenchSchema)
	}
}
