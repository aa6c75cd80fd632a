// Package schema holds the JSON Schema files of odbench's result documents
// (embedded) and a validator for the subset of JSON Schema they use: type,
// const, enum, properties, required, additionalProperties (true/false),
// items, minimum, format "date-time" and local "$ref" to "#/$defs/NAME".
package schema

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"
)

//go:embed *.json
var files embed.FS

// ErrInvalid is returned (wrapped) when a document does not match its schema.
var ErrInvalid = errors.New("does not match schema")

// Validate checks the JSON document doc against the embedded schema file
// name (e.g. "bench.v1.json"). The error names the first mismatch by its
// JSON path, e.g. "$.results[0].avg_ts: want number, got string".
func Validate(name string, doc []byte) error {
	raw, err := files.ReadFile(name)
	if err != nil {
		return fmt.Errorf("schema %s: %w", name, err)
	}
	var root map[string]any
	if err := decode(raw, &root); err != nil {
		return fmt.Errorf("schema %s: %w", name, err)
	}
	var v any
	if err := decode(doc, &v); err != nil {
		return fmt.Errorf("%w %s: not JSON: %v", ErrInvalid, name, err)
	}
	c := checker{root: root}
	if err := c.check(root, v, "$"); err != nil {
		return fmt.Errorf("%w %s: %v", ErrInvalid, name, err)
	}
	return nil
}

// Properties returns the property names a schema defines at a path of
// "$defs" names ("" for the root object), sorted; tests use it to check that
// a Go type and its schema name the same fields.
func Properties(name, def string) ([]string, error) {
	raw, err := files.ReadFile(name)
	if err != nil {
		return nil, fmt.Errorf("schema %s: %w", name, err)
	}
	var root map[string]any
	if err := decode(raw, &root); err != nil {
		return nil, fmt.Errorf("schema %s: %w", name, err)
	}
	s := root
	if def != "" {
		defs, _ := root["$defs"].(map[string]any)
		s, _ = defs[def].(map[string]any)
		if s == nil {
			return nil, fmt.Errorf("schema %s: no $defs/%s", name, def)
		}
	}
	props, _ := s["properties"].(map[string]any)
	names := make([]string, 0, len(props))
	for k := range props {
		names = append(names, k)
	}
	sort.Strings(names)
	return names, nil
}

func decode(data []byte, v any) error {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	return d.Decode(v)
}

type checker struct{ root map[string]any }

func (c checker) check(s map[string]any, v any, path string) error {
	if ref, ok := s["$ref"].(string); ok {
		name, found := strings.CutPrefix(ref, "#/$defs/")
		defs, _ := c.root["$defs"].(map[string]any)
		target, _ := defs[name].(map[string]any)
		if !found || target == nil {
			return fmt.Errorf("%s: unresolved $ref %q", path, ref)
		}
		return c.check(target, v, path)
	}
	if want, ok := s["const"]; ok && !reflect.DeepEqual(want, v) {
		return fmt.Errorf("%s: want %v, got %v", path, want, v)
	}
	if enum, ok := s["enum"].([]any); ok && !contains(enum, v) {
		return fmt.Errorf("%s: %v is not one of %v", path, v, enum)
	}
	if t, ok := s["type"]; ok {
		if err := checkType(t, v, path); err != nil {
			return err
		}
	}
	if min, ok := s["minimum"].(json.Number); ok {
		if n, isNum := v.(json.Number); isNum {
			lo, _ := min.Float64()
			if f, _ := n.Float64(); f < lo {
				return fmt.Errorf("%s: %v is below the minimum %v", path, n, min)
			}
		}
	}
	if s["format"] == "date-time" {
		if str, ok := v.(string); ok {
			if _, err := time.Parse(time.RFC3339Nano, str); err != nil {
				return fmt.Errorf("%s: %q is not an RFC 3339 date-time", path, str)
			}
		}
	}
	switch x := v.(type) {
	case map[string]any:
		return c.checkObject(s, x, path)
	case []any:
		if items, ok := s["items"].(map[string]any); ok {
			for i, e := range x {
				if err := c.check(items, e, fmt.Sprintf("%s[%d]", path, i)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

func (c checker) checkObject(s, obj map[string]any, path string) error {
	req, _ := s["required"].([]any)
	for _, r := range req {
		if _, ok := obj[r.(string)]; !ok {
			return fmt.Errorf("%s: missing required field %q", path, r)
		}
	}
	props, _ := s["properties"].(map[string]any)
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		ps, ok := props[k].(map[string]any)
		if !ok {
			if s["additionalProperties"] == false {
				return fmt.Errorf("%s: unexpected field %q", path, k)
			}
			continue
		}
		if err := c.check(ps, obj[k], path+"."+k); err != nil {
			return err
		}
	}
	return nil
}

func checkType(t any, v any, path string) error {
	var names []string
	switch x := t.(type) {
	case string:
		names = []string{x}
	case []any:
		for _, n := range x {
			names = append(names, fmt.Sprint(n))
		}
	}
	got := typeOf(v)
	for _, n := range names {
		if n == got || (n == "number" && got == "integer") {
			return nil
		}
	}
	return fmt.Errorf("%s: want %s, got %s", path, strings.Join(names, " or "), got)
}

func typeOf(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case json.Number:
		if _, err := x.Int64(); err == nil {
			return "integer"
		}
		if _, err := x.Float64(); err == nil && !strings.ContainsAny(x.String(), ".eE") {
			return "integer" // beyond int64 but still whole
		}
		return "number"
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", v)
}

func contains(list []any, v any) bool {
	for _, e := range list {
		if reflect.DeepEqual(e, v) {
			return true
		}
	}
	return false
}
