package gguf

import "math"

// Metadata is the ordered list of key-value pairs of a GGUF file. The zero
// Metadata is empty and ready to use.
type Metadata struct {
	keys  []string
	vals  []Value
	index map[string]int
}

// Len returns the number of keys.
func (m *Metadata) Len() int { return len(m.keys) }

// Keys returns the keys in file order. The slice is shared: do not modify it.
func (m *Metadata) Keys() []string { return m.keys }

// Get returns the value of key.
func (m *Metadata) Get(key string) (Value, bool) {
	i, ok := m.index[key]
	if !ok {
		return Value{}, false
	}
	return m.vals[i], true
}

// Set sets key to v, keeping the key's place when it exists and appending it otherwise.
func (m *Metadata) Set(key string, v Value) {
	if i, ok := m.index[key]; ok {
		m.vals[i] = v
		return
	}
	if m.index == nil {
		m.index = make(map[string]int)
	}
	m.index[key] = len(m.keys)
	m.keys = append(m.keys, key)
	m.vals = append(m.vals, v)
}

// String returns a string value.
func (m *Metadata) String(key string) (string, bool) {
	v, _ := m.Get(key)
	return v.Str()
}

// Uint returns an integer value of any integer type that is not negative.
func (m *Metadata) Uint(key string) (uint64, bool) {
	v, _ := m.Get(key)
	return v.Uint()
}

// Int returns an integer value of any integer type that fits in an int64.
func (m *Metadata) Int(key string) (int64, bool) {
	v, _ := m.Get(key)
	return v.Int()
}

// Float returns a float32, float64 or integer value as a float64.
func (m *Metadata) Float(key string) (float64, bool) {
	v, _ := m.Get(key)
	return v.Float()
}

// Bool returns a bool value.
func (m *Metadata) Bool(key string) (bool, bool) {
	v, _ := m.Get(key)
	return v.Bool()
}

// Strings returns an array of strings. The slice is shared: do not modify it.
func (m *Metadata) Strings(key string) ([]string, bool) {
	v, _ := m.Get(key)
	s, ok := v.x.([]string)
	return s, ok
}

// Float32s returns an array of numbers as float32s. A float32 array is
// returned shared (do not modify it); other numeric arrays are converted.
func (m *Metadata) Float32s(key string) ([]float32, bool) {
	v, _ := m.Get(key)
	if f, ok := v.x.([]float32); ok {
		return f, true
	}
	return convertArray(v, func(e Value) (float32, bool) {
		f, ok := e.Float()
		return float32(f), ok
	})
}

// Int32s returns an array of integers as int32s. An int32 array is returned
// shared (do not modify it); other integer arrays are converted when every
// element fits.
func (m *Metadata) Int32s(key string) ([]int32, bool) {
	v, _ := m.Get(key)
	if a, ok := v.x.([]int32); ok {
		return a, true
	}
	return convertArray(v, func(e Value) (int32, bool) {
		i, ok := e.Int()
		return int32(i), ok && i >= math.MinInt32 && i <= math.MaxInt32
	})
}

// convertArray converts every element of a scalar array with conv; it fails
// when v is not such an array or conv fails on an element.
func convertArray[T any](v Value, conv func(Value) (T, bool)) ([]T, bool) {
	if v.typ != ValueArray || v.elem == ValueArray || v.elem == ValueString {
		return nil, false
	}
	out := make([]T, v.Len())
	for i := range out {
		x, ok := conv(v.Index(i))
		if !ok {
			return nil, false
		}
		out[i] = x
	}
	return out, true
}
