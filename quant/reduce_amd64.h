// REDUCE16 sums the 16 float lanes of register z (lower halves y, x) into
// lane 0 of x as _mm512_reduce_add_ps does (Reduce16 in f16tiny.go), using
// yt/xt: the upper half onto the lower, the upper quarter onto the lower,
// then lanes 0+2 and 1+3, and those two.
#define REDUCE16(z, y, x, yt, xt) \
	VEXTRACTF64X4 $1, z, yt \
	VADDPS        yt, y, y  \
	VEXTRACTF128  $1, y, xt \
	VADDPS        xt, x, x  \
	VMOVHLPS      x, x, xt  \
	VADDPS        xt, x, x  \
	VMOVSHDUP     x, xt     \
	VADDSS        xt, x, x
