package quant

import (
	"math"
	"testing"
)

// TestF16TinyOrder checks dotF16TinyGeneric's order on a hand-made row
// where the order decides the result: 65504² and −65504² share lane 0 and
// cancel there, so the 1 in lane 1 survives; summed one element after the
// other, the 1 is lost in 65504² (a float32 ulp of 512 there).
func TestF16TinyOrder(t *testing.T) {
	const n = 2 * f16TinyLanes
	w, a := make([]byte, 2*n), make([]byte, 2*n)
	set := func(k int, wv, av float32) {
		storeF16(w[2*k:], wv)
		storeF16(a[2*k:], av)
	}
	set(0, 65504, 65504)
	set(1, 1, 1)
	set(f16TinyLanes, 65504, -65504)
	if got := dotF16TinyGeneric(w, a, n); got != 1 {
		t.Errorf("tinyBLAS order: %v, want 1", got)
	}
	var seq float32
	for k := range n {
		seq += loadF16(w[2*k:]) * loadF16(a[2*k:])
	}
	if seq != 0 {
		t.Errorf("sequential sum %v, want 0 (the case no longer tells the orders apart)", seq)
	}
	var x [16]float32
	for i := range x {
		x[i] = float32(math.Ldexp(1, i))
	}
	// Lanes 2^i: every partial sum is exact, so any order gives 2^16 − 1.
	if got := Reduce16(&x); got != 1<<16-1 {
		t.Errorf("Reduce16 of powers of 2: %v, want %v", got, 1<<16-1)
	}
}
