package gguf

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// ValueType is the type tag of a GGUF metadata value.
type ValueType uint32

// The GGUF metadata value types.
const (
	ValueUint8   ValueType = 0
	ValueInt8    ValueType = 1
	ValueUint16  ValueType = 2
	ValueInt16   ValueType = 3
	ValueUint32  ValueType = 4
	ValueInt32   ValueType = 5
	ValueFloat32 ValueType = 6
	ValueBool    ValueType = 7
	ValueString  ValueType = 8
	ValueArray   ValueType = 9
	ValueUint64  ValueType = 10
	ValueInt64   ValueType = 11
	ValueFloat64 ValueType = 12
)

var valueTypeNames = [...]string{"uint8", "int8", "uint16", "int16", "uint32", "int32", "float32", "bool", "string", "array", "uint64", "int64", "float64"}

// valueTypeBytes is the on-disk size of a fixed-size value; 0 for string and array.
var valueTypeBytes = [...]int{1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8}

// Valid reports whether vt is one of the 13 GGUF value types.
func (vt ValueType) Valid() bool { return int(vt) < len(valueTypeNames) }

func (vt ValueType) String() string {
	if vt.Valid() {
		return valueTypeNames[vt]
	}
	return fmt.Sprintf("valuetype(%d)", uint32(vt))
}

// minBytes is the fewest bytes one value of type vt takes in a file: an
// empty string is its 8-byte length, an empty array its type and count.
func (vt ValueType) minBytes() int64 {
	switch vt {
	case ValueString:
		return 8
	case ValueArray:
		return 4 + 8
	}
	return int64(valueTypeBytes[vt])
}

// Value is one typed GGUF metadata value. Its Go representation (Any) is
// uint8, int8, uint16, int16, uint32, int32, float32, bool, string, uint64,
// int64 or float64 for scalars; for arrays a slice of those ([]float32,
// []string, ...) or []Value when the elements are themselves arrays.
// The zero Value is invalid.
type Value struct {
	typ  ValueType
	elem ValueType // element type of an array
	x    any
}

// Type returns the value's type tag.
func (v Value) Type() ValueType { return v.typ }

// ElemType returns the element type of an array value.
func (v Value) ElemType() ValueType { return v.elem }

// Any returns the Go representation of the value (see Value). Slices are
// shared, not copied: do not modify them.
func (v Value) Any() any { return v.x }

// IsValid reports whether v holds a value.
func (v Value) IsValid() bool { return v.x != nil }

// Len returns the number of elements of an array value, 0 for scalars.
func (v Value) Len() int {
	if v.typ != ValueArray {
		return 0
	}
	switch a := v.x.(type) {
	case []uint8:
		return len(a)
	case []int8:
		return len(a)
	case []uint16:
		return len(a)
	case []int16:
		return len(a)
	case []uint32:
		return len(a)
	case []int32:
		return len(a)
	case []float32:
		return len(a)
	case []bool:
		return len(a)
	case []string:
		return len(a)
	case []uint64:
		return len(a)
	case []int64:
		return len(a)
	case []float64:
		return len(a)
	case []Value:
		return len(a)
	}
	return 0
}

// ValueOf wraps a Go value in a Value: one of the scalar types listed at
// Value, a slice of them, or a []Value of arrays (all of one element type).
// int and uint become int64 and uint64.
func ValueOf(x any) (Value, error) {
	switch x := x.(type) {
	case uint8:
		return Value{typ: ValueUint8, x: x}, nil
	case int8:
		return Value{typ: ValueInt8, x: x}, nil
	case uint16:
		return Value{typ: ValueUint16, x: x}, nil
	case int16:
		return Value{typ: ValueInt16, x: x}, nil
	case uint32:
		return Value{typ: ValueUint32, x: x}, nil
	case int32:
		return Value{typ: ValueInt32, x: x}, nil
	case float32:
		return Value{typ: ValueFloat32, x: x}, nil
	case bool:
		return Value{typ: ValueBool, x: x}, nil
	case string:
		return Value{typ: ValueString, x: x}, nil
	case uint64:
		return Value{typ: ValueUint64, x: x}, nil
	case int64:
		return Value{typ: ValueInt64, x: x}, nil
	case float64:
		return Value{typ: ValueFloat64, x: x}, nil
	case int:
		return Value{typ: ValueInt64, x: int64(x)}, nil
	case uint:
		return Value{typ: ValueUint64, x: uint64(x)}, nil
	case []uint8:
		return arrayOf(ValueUint8, x), nil
	case []int8:
		return arrayOf(ValueInt8, x), nil
	case []uint16:
		return arrayOf(ValueUint16, x), nil
	case []int16:
		return arrayOf(ValueInt16, x), nil
	case []uint32:
		return arrayOf(ValueUint32, x), nil
	case []int32:
		return arrayOf(ValueInt32, x), nil
	case []float32:
		return arrayOf(ValueFloat32, x), nil
	case []bool:
		return arrayOf(ValueBool, x), nil
	case []string:
		return arrayOf(ValueString, x), nil
	case []uint64:
		return arrayOf(ValueUint64, x), nil
	case []int64:
		return arrayOf(ValueInt64, x), nil
	case []float64:
		return arrayOf(ValueFloat64, x), nil
	case []Value:
		return ArrayValue(x)
	}
	return Value{}, fmt.Errorf("gguf: no metadata type for Go type %T", x)
}

func arrayOf(elem ValueType, x any) Value { return Value{typ: ValueArray, elem: elem, x: x} }

// ArrayValue returns an array of arrays: every item must be an array value.
// An empty list gives an empty array of arrays. The GGUF format allows such
// nesting, but llama.cpp's reader refuses files that use it.
func ArrayValue(items []Value) (Value, error) {
	for i, it := range items {
		if it.typ != ValueArray || !it.IsValid() {
			return Value{}, fmt.Errorf("gguf: array item %d is %v, want array (scalar arrays are typed slices)", i, it.typ)
		}
	}
	return arrayOf(ValueArray, items), nil
}

// MustValue is ValueOf for values whose type is known to be supported; it
// panics otherwise (a programming error).
func MustValue(x any) Value {
	v, err := ValueOf(x)
	if err != nil {
		panic(err)
	}
	return v
}

// Uint returns the value as a uint64 when it is a non-negative integer.
func (v Value) Uint() (uint64, bool) {
	switch x := v.x.(type) {
	case uint8:
		return uint64(x), true
	case uint16:
		return uint64(x), true
	case uint32:
		return uint64(x), true
	case uint64:
		return x, true
	case int8, int16, int32, int64:
		i, _ := v.Int()
		return uint64(i), i >= 0
	}
	return 0, false
}

// Int returns the value as an int64 when it is an integer that fits.
func (v Value) Int() (int64, bool) {
	switch x := v.x.(type) {
	case int8:
		return int64(x), true
	case int16:
		return int64(x), true
	case int32:
		return int64(x), true
	case int64:
		return x, true
	case uint8, uint16, uint32, uint64:
		u, _ := v.Uint()
		return int64(u), u <= math.MaxInt64
	}
	return 0, false
}

// Float returns the value as a float64 when it is a float or an integer.
func (v Value) Float() (float64, bool) {
	switch x := v.x.(type) {
	case float32:
		return float64(x), true
	case float64:
		return x, true
	}
	if i, ok := v.Int(); ok {
		return float64(i), true
	}
	if u, ok := v.Uint(); ok {
		return float64(u), true
	}
	return 0, false
}

// Str returns the value when it is a string.
func (v Value) Str() (string, bool) {
	s, ok := v.x.(string)
	return s, ok
}

// Bool returns the value when it is a bool.
func (v Value) Bool() (bool, bool) {
	b, ok := v.x.(bool)
	return b, ok
}

// Index returns element i of an array value as a Value. It panics when v
// is not an array or i is out of range, as slice indexing does.
func (v Value) Index(i int) Value {
	switch a := v.x.(type) {
	case []Value:
		return a[i]
	case []string:
		return Value{typ: ValueString, x: a[i]}
	}
	e := MustValue(indexAny(v.x, i))
	return e
}

func indexAny(x any, i int) any {
	switch a := x.(type) {
	case []uint8:
		return a[i]
	case []int8:
		return a[i]
	case []uint16:
		return a[i]
	case []int16:
		return a[i]
	case []uint32:
		return a[i]
	case []int32:
		return a[i]
	case []float32:
		return a[i]
	case []bool:
		return a[i]
	case []uint64:
		return a[i]
	case []int64:
		return a[i]
	case []float64:
		return a[i]
	}
	panic(fmt.Sprintf("gguf: Index on %T", x))
}

// String formats the value for people: strings quoted, arrays as
// "[a, b, c, ... (N items)]" with at most 8 items shown.
func (v Value) String() string {
	if !v.IsValid() {
		return "<invalid>"
	}
	if v.typ != ValueArray {
		switch x := v.x.(type) {
		case string:
			return strconv.Quote(x)
		case float32:
			return strconv.FormatFloat(float64(x), 'g', -1, 32)
		}
		return fmt.Sprint(v.x)
	}
	const show = 8
	n := v.Len()
	var b strings.Builder
	b.WriteByte('[')
	for i := 0; i < n && i < show; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(v.Index(i).String())
	}
	if n > show {
		fmt.Fprintf(&b, ", ... (%d items)", n)
	}
	b.WriteByte(']')
	return b.String()
}
