package quant

import "encoding/binary"

// The integer sums inside the blocks of the 2- to 8-bit formats are
// computed eight elements at a time in uint64 words, with one 64-bit
// multiplication per four products. Four small integers w0..w3 in 16-bit
// lanes are the polynomial W = w0 + w1·X + w2·X² + w3·X³ with X = 2^16, and
// four activations in reverse order the polynomial A = a3 + a2·X + a1·X² +
// a0·X³; the X³ coefficient of W·A is Σ wk·ak. Signed lanes are written as
// the polynomial's value (an unsigned lane minus a constant), and as long as
// every coefficient of a sum of such products stays within 16 bits the
// wrapping uint64 arithmetic keeps them apart and hsum reads Σ back exactly.
// The sums are the same integers the plain loops give.

const (
	lowNibbles  = 0x0f0f0f0f0f0f0f0f // the low nibble of every byte
	evenBytes   = 0x00ff00ff00ff00ff // bytes 0, 2, 4, 6 in 16-bit lanes
	byteSigns   = 0x8080808080808080 // the sign bit of every byte
	lanes       = 0x0001000100010001 // 1 in every 16-bit lane
	nibbleLanes = 0x000f000f000f000f // the low nibble of every 16-bit lane
)

// mulBytes returns the polynomial product whose X³ coefficient is
// Σ (q[k]−off)·a[k] over eight unsigned quants q[k], held in reverse order
// in r (byte 7−k of r, as rev gives them), and the eight int8 activations
// a[k] (byte k of a), k = 0..7. Every term lies within ±(max(q)+off)·128.
func mulBytes(r, a uint64, off uint64) uint64 {
	return mulLanes(r&evenBytes-off*lanes, r>>8&evenBytes-off*lanes, a)
}

// mulLow and mulHigh are mulBytes for the low and the high nibbles of the
// bytes of r, with off = 0: they take the nibbles straight into 16-bit
// lanes. Every term lies within ±15·128.
func mulLow(r, a uint64) uint64  { return mulLanes(r&nibbleLanes, r>>8&nibbleLanes, a) }
func mulHigh(r, a uint64) uint64 { return mulLanes(r>>4&nibbleLanes, r>>12&nibbleLanes, a) }

// mulLanes returns the polynomial product whose X³ coefficient is
// Σ q[k]·a[k] over the eight int8 activations a[k] (byte k of a) and eight
// weights in 16-bit lanes, reversed as rev leaves them: q[7], q[5], q[3],
// q[1] in lanes 0..3 of odd and q[6], q[4], q[2], q[0] in lanes 0..3 of
// even. It splits a into its odd and even bytes, sign-extended in their
// lanes.
func mulLanes(odd, even, a uint64) uint64 {
	u := a ^ byteSigns // a+128 in every byte
	ae := u&evenBytes - 128*lanes
	ao := u>>8&evenBytes - 128*lanes
	return odd*ao + even*ae
}

// hsum returns the X³ coefficient of a sum of mulBytes products: exact when
// it lies within [−32767, 32768] and every lower coefficient within ±2^15.
func hsum(s uint64) int32 {
	return int32(int64(s-1<<47)>>48) + 1
}

// le64 reads the eight bytes at the start of b as a little-endian word.
func le64(b []byte) uint64 { return binary.LittleEndian.Uint64(b) }

// rev reads the eight bytes at the start of b in reverse order (byte 0 of
// b in the top byte): the weight words of mulBytes. Masks and shifts that
// act on every byte alike may be applied before or after the reversal.
func rev(b []byte) uint64 { return binary.BigEndian.Uint64(b) }

// dotNibbles16 returns Σ(q[j]&15 − off)·a[j] and Σ(q[j]>>4 − off)·a[j+16]
// over the 16 bytes of q, with a read as int8. off is 0 or 8: each sum has
// 16 terms within ±15·128, or 32 terms together within [−1016, 1024].
func dotNibbles16(q *[16]byte, a *[qk0]byte, off uint64) (lo, hi int32) {
	w0, w1 := rev(q[0:]), rev(q[8:])
	o := off * lanes
	sl := mulLanes(w0&nibbleLanes-o, w0>>8&nibbleLanes-o, le64(a[0:])) + mulLanes(w1&nibbleLanes-o, w1>>8&nibbleLanes-o, le64(a[8:]))
	sh := mulLanes(w0>>4&nibbleLanes-o, w0>>12&nibbleLanes-o, le64(a[16:])) + mulLanes(w1>>4&nibbleLanes-o, w1>>12&nibbleLanes-o, le64(a[24:]))
	if off != 0 {
		return hsum(sl + sh), 0
	}
	return hsum(sl), hsum(sh)
}
