package quant

import "math"

// Helpers shared by the k-quants (super-blocks of 256 elements), following
// the helper functions of ggml-quants.c step by step in float32.

// qkK is the number of elements in a k-quant super-block.
const qkK = 256

// groupMaxEps is ggml's GROUP_MAX_EPS: a group whose largest magnitude is
// below it counts as all zero.
const groupMaxEps = float32(1e-15)

// nearestInt rounds f to the nearest integer, ties to even, with ggml's
// trick of adding 1.5·2^23 and reading the low mantissa bits; valid for
// |f| ≤ 4194303. The explicit conversion keeps a product in the argument
// from being fused with the addition.
func nearestInt(f float32) int32 {
	v := float32(f) + 12582912
	return int32(math.Float32bits(v)&0x007fffff) - 0x00400000
}

// clampInt returns v limited to [lo, hi].
func clampInt(v, lo, hi int32) int32 { return max(lo, min(hi, v)) }

// maxAbs returns the largest magnitude in x and the element that has it
// (the first one on ties).
func maxAbs(x []float32) (amax, v float32) {
	for _, e := range x {
		if a := abs32(e); a > amax {
			amax, v = a, e
		}
	}
	return amax, v
}

// makeQXQuants is ggml's make_qx_quants with rmse_type 1 and no importance
// weights (the form quantize_row_q6_K_ref uses): it picks the scale for
// quants in [-nmax, nmax-1] that minimises Σx²·(x - scale·q)² over 19 trial
// inverse scales, writes the quants plus nmax to L and returns the scale.
func makeQXQuants(nmax int32, x []float32, L []int8) float32 {
	amax, vmax := maxAbs(x)
	if amax < groupMaxEps {
		clear(L[:len(x)])
		return 0
	}
	fmax := float32(nmax)
	sums := func(iscale float32) (sumlx, suml2 float32) {
		for _, v := range x {
			l := float32(clampInt(nearestInt(iscale*v), -nmax, nmax-1))
			w := v * v
			sumlx += float32(w * v * l)
			suml2 += float32(w * l * l)
		}
		return sumlx, suml2
	}
	setL := func(iscale float32) {
		for i, v := range x {
			L[i] = int8(nmax + clampInt(nearestInt(iscale*v), -nmax, nmax-1))
		}
	}
	iscale := -fmax / vmax
	setL(iscale)
	sumlx, suml2 := sums(iscale)
	var scale float32
	if suml2 != 0 {
		scale = sumlx / suml2
	}
	best := scale * sumlx
	for is := int32(-9); is <= 9; is++ {
		if is == 0 {
			continue
		}
		iscale = -(fmax + float32(0.1*float32(is))) / vmax
		sumlx, suml2 = sums(iscale)
		if suml2 > 0 && sumlx*sumlx > best*suml2 {
			setL(iscale)
			scale = sumlx / suml2
			best = scale * sumlx
		}
	}
	return scale
}

// makeQ3Quants is ggml's make_q3_quants with do_rmse (the form
// quantize_row_q3_K_ref uses): it starts from quants for the inverse scale
// -nmax/v, then moves single quants for up to five rounds while that
// improves the x²-weighted fit; it writes the quants plus nmax to L and
// returns the scale.
func makeQ3Quants(nmax int32, x []float32, L []int8) float32 {
	amax, vmax := maxAbs(x)
	if amax < groupMaxEps {
		clear(L[:len(x)])
		return 0
	}
	iscale := -float32(nmax) / vmax
	var sumlx, suml2 float32
	for i, v := range x {
		l := clampInt(nearestInt(iscale*v), -nmax, nmax-1)
		L[i] = int8(l)
		w := v * v
		sumlx += float32(w * v * float32(l))
		suml2 += float32(w * float32(l) * float32(l))
	}
	for range 5 {
		changed := false
		for i, v := range x {
			w := v * v
			li := float32(L[i])
			slx := sumlx - float32(w*v*li)
			if slx <= 0 {
				continue
			}
			sl2 := suml2 - float32(w*li*li)
			nl := clampInt(nearestInt(v*sl2/slx), -nmax, nmax-1)
			if nl == int32(L[i]) {
				continue
			}
			fl := float32(nl)
			slx += float32(w * v * fl)
			sl2 += float32(w * fl * fl)
			if sl2 > 0 && slx*slx*suml2 > sumlx*sumlx*sl2 {
				L[i] = int8(nl)
				sumlx, suml2 = slx, sl2
				changed = true
			}
		}
		if !changed {
			break
		}
	}
	for i := range x {
		L[i] += int8(nmax)
	}
	if suml2 > 0 {
		return sumlx / suml2
	}
	return 0
}

// qkx2Params are the search parameters of make_qkx2_quants.
type qkx2Params struct {
	nmax   int32   // largest quant
	rmin   float32 // first trial offset added to nmax
	rdelta float32 // step between trials
	nstep  int     // trials after the first: nstep+1 in all
	useMAD bool    // weigh absolute errors instead of squared ones
}

// makeQKX2Quants is ggml's make_qkx2_quants: it fits x ≈ scale·L - min
// with L in [0, nmax] and min ≥ 0, trying nstep+1 inverse scales and
// solving weighted least squares for each. It writes L (len(x) entries,
// laux is scratch of the same size) and returns scale and min.
func makeQKX2Quants(p qkx2Params, x, weights []float32, L, laux []uint8) (scale, theMin float32) {
	n := len(x)
	weights, L, laux = weights[:n], L[:n], laux[:n]
	vmin, vmax := x[0], x[0]
	sumW := weights[0]
	sumX := float32(sumW * x[0])
	for i := 1; i < n; i++ {
		if x[i] < vmin {
			vmin = x[i]
		}
		if x[i] > vmax {
			vmax = x[i]
		}
		sumW += weights[i]
		sumX += float32(weights[i] * x[i])
	}
	if vmin > 0 {
		vmin = 0
	}
	if vmax == vmin {
		clear(L)
		return 0, -vmin
	}
	nmax := float32(p.nmax)
	errorOf := func(scale, vmin float32, L []uint8) float32 {
		var e float32
		for i, v := range x {
			diff := float32(scale*float32(L[i])) + vmin - v
			if p.useMAD {
				diff = abs32(diff)
			} else {
				diff = float32(diff * diff)
			}
			e += float32(weights[i] * diff)
		}
		return e
	}
	iscale := nmax / (vmax - vmin)
	scale = 1 / iscale
	for i, v := range x {
		L[i] = uint8(clampInt(nearestInt(iscale*(v-vmin)), 0, p.nmax))
	}
	bestError := errorOf(scale, vmin, L)
	if p.nstep < 1 {
		return scale, -vmin
	}
	for is := 0; is <= p.nstep; is++ {
		iscale = (p.rmin + float32(p.rdelta*float32(is)) + nmax) / (vmax - vmin)
		var sumL, sumL2, sumXL float32
		for i, v := range x {
			l := clampInt(nearestInt(iscale*(v-vmin)), 0, p.nmax)
			laux[i] = uint8(l)
			wl := float32(weights[i] * float32(l))
			sumL += wl
			sumL2 += float32(wl * float32(l))
			sumXL += float32(wl * v)
		}
		D := float32(sumW*sumL2) - float32(sumL*sumL)
		if D <= 0 {
			continue
		}
		thisScale := (float32(sumW*sumXL) - float32(sumX*sumL)) / D
		thisMin := (float32(sumL2*sumX) - float32(sumL*sumXL)) / D
		if thisMin > 0 {
			thisMin = 0
			thisScale = sumXL / sumL2
		}
		if curError := errorOf(thisScale, thisMin, laux); curError < bestError {
			copy(L, laux)
			bestError = curError
			scale, vmin = thisScale, thisMin
		}
	}
	return scale, -vmin
}

// pack2 stores the low two bits of 256 quants in the 64-byte qs array that
// Q2_K and Q3_K share: each 128-element half uses 32 bytes, and element
// 32·j+l of a half sits in bits 2j..2j+1 of byte l.
func pack2(L *[qkK]uint8, qs []byte) {
	qs = qs[:qkK/4]
	for h := 0; h < qkK; h += 128 {
		for l := range 32 {
			qs[h/4+l] = L[h+l]&3 | (L[h+l+32]&3)<<2 | (L[h+l+64]&3)<<4 | (L[h+l+96]&3)<<6
		}
	}
}

// unpack2 is the inverse of pack2.
func unpack2(qs []byte) (q [qkK]int8) {
	qs = qs[:qkK/4]
	for h := 0; h < qkK; h += 128 {
		for l := range 32 {
			v := qs[h/4+l]
			q[h+l] = int8(v & 3)
			q[h+l+32] = int8(v >> 2 & 3)
			q[h+l+64] = int8(v >> 4 & 3)
			q[h+l+96] = int8(v >> 6)
		}
	}
	return q
}

// q8KScale returns the f32 scale of the Q8_K block at the start of a.
func q8KScale(a []byte) float32 {
	return math.Float32frombits(uint32(a[0]) | uint32(a[1])<<8 | uint32(a[2])<<16 | uint32(a[3])<<24)
}

// q8KBsum returns bsums[j] of the Q8_K block at the start of a.
func q8KBsum(a []byte, j int) int32 {
	o := 4 + qkK + 2*j
	return int32(int16(uint16(a[o]) | uint16(a[o+1])<<8))
}
