package quant

import (
	"math/rand/v2"
	"testing"
)

// swarBytes returns the byte patterns the word-parallel sums are tested on:
// random bytes and the extremes that put the lane coefficients at their
// bounds (every code at its largest or smallest value against activations
// of −128 or 127).
func swarBytes(rng *rand.Rand, n int) map[string][]byte {
	fill := func(v byte) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = v
		}
		return b
	}
	r := make([]byte, n)
	for i := range r {
		r[i] = byte(rng.Uint32())
	}
	return map[string][]byte{"random": r, "0x00": fill(0), "0xff": fill(0xff), "0x80": fill(0x80), "0x7f": fill(0x7f), "0x0f": fill(0x0f)}
}

// TestWordSumsMatchLoops checks that the word-parallel integer sums of the
// 2- to 8-bit dot products equal the plain loops over unpacked quants.
func TestWordSumsMatchLoops(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 7))
	for range 20 {
		for wn, w := range swarBytes(rng, bytesQ6_K) {
			for an, a := range swarBytes(rng, qkK) {
				what := "weights " + wn + " activations " + an
				for _, off := range []uint64{0, 8} {
					lo, hi := dotNibbles16((*[16]byte)(w), (*[qk0]byte)(a), off)
					var want int32
					for j := range 16 {
						want += (int32(w[j]&15) - int32(off)) * int32(int8(a[j]))
						want += (int32(w[j]>>4) - int32(off)) * int32(int8(a[j+16]))
					}
					if lo+hi != want {
						t.Errorf("dotNibbles16 off %d, %s: %d, loop %d", off, what, lo+hi, want)
					}
				}
				for _, off := range []int32{0, 16} {
					q5 := unpackQ5(w[:4], w[4:20])
					var want int32
					for j, v := range q5 {
						want += (v - off) * int32(int8(a[j]))
					}
					if got := dotQ5((*[4]byte)(w), (*[16]byte)(w[4:]), (*[qk0]byte)(a), uint64(off)); got != want {
						t.Errorf("dotQ5 off %d, %s: %d, loop %d", off, what, got, want)
					}
				}
				aq := (*[qkK]byte)(a)
				q4 := unpackQ4K(w[:qkK/2])
				var b5 [bytesQ5_K]byte
				copy(b5[:], w)
				q5 := unpackQ5K(&b5)
				got4, got5 := sumsQ4K((*[qkK / 2]byte)(w), aq), sumsQ5K(&b5, aq)
				for j := range qkK / 32 {
					if want := dotRun(q4[32*j:32*j+32], a[32*j:]); got4[j] != want {
						t.Errorf("sumsQ4K %s, sub-block %d: %d, loop %d", what, j, got4[j], want)
					}
					if want := dotRun(q5[32*j:32*j+32], a[32*j:]); got5[j] != want {
						t.Errorf("sumsQ5K %s, sub-block %d: %d, loop %d", what, j, got5[j], want)
					}
				}
				q2 := unpack2(w[:qkK/4])
				var b3 [bytesQ3_K]byte
				copy(b3[:], w)
				q3 := unpackQ3K(&b3)
				got2, got3 := sums2(w[:qkK/4], nil, aq), sums2(b3[32:96], b3[:qkK/8], aq)
				for j := range qkK / 16 {
					if want := dotRun(q2[16*j:16*j+16], a[16*j:]); got2[j] != want {
						t.Errorf("sums2 (Q2_K) %s, run %d: %d, loop %d", what, j, got2[j], want)
					}
					if want := dotRun(q3[16*j:16*j+16], a[16*j:]); got3[j] != want {
						t.Errorf("sums2 (Q3_K) %s, run %d: %d, loop %d", what, j, got3[j], want)
					}
				}
			}
		}
	}
}

// dotRun returns Σ q[i]·a[i] for int8 quants q and int8 activations a: the
// plain loop the word-parallel sums are checked against.
func dotRun(q []int8, a []byte) int32 {
	a = a[:len(q)]
	var s int32
	for i, v := range q {
		s += int32(v) * int32(int8(a[i]))
	}
	return s
}
