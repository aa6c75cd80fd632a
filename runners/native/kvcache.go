package native

import (
	"fmt"

	"github.com/odbench/odbench/gguf"
	"github.com/odbench/odbench/quant"
)

// kvCache holds the keys and values of every layer for up to nCtx
// positions, laid out [layer][kv head][position][HeadDim] and stored as typ
// (F16 or Q8_0). The keys of one head over a run of positions are thus a
// contiguous row-major matrix that quant.MatMul multiplies in place.
type kvCache struct {
	typ     gguf.Type
	nCtx    int
	nHeadKV int
	headDim int
	headRow int // stored bytes of one head at one position
	k, v    [][]byte
}

// parseKVType maps a cache type option ("", "f16", "q8_0") to a ggml type.
func parseKVType(s string) (gguf.Type, error) {
	switch s {
	case "", "f16", "F16":
		return gguf.TypeF16, nil
	case "q8_0", "Q8_0":
		return gguf.TypeQ8_0, nil
	}
	return 0, fmt.Errorf("KV cache type %q is not supported (f16, q8_0)", s)
}

func newKVCache(typ gguf.Type, nLayer, nCtx, nHeadKV, headDim int) (*kvCache, error) {
	if headDim%typ.BlockSize() != 0 {
		return nil, fmt.Errorf("KV cache type %s needs a head width that is a multiple of %d, have %d", typ, typ.BlockSize(), headDim)
	}
	c := &kvCache{typ: typ, nCtx: nCtx, nHeadKV: nHeadKV, headDim: headDim, headRow: rowBytes(typ, headDim)}
	c.k = make([][]byte, nLayer)
	c.v = make([][]byte, nLayer)
	for l := range nLayer {
		c.k[l] = make([]byte, nHeadKV*nCtx*c.headRow)
		c.v[l] = make([]byte, nHeadKV*nCtx*c.headRow)
	}
	return c, nil
}

// bytes is the memory the cache holds.
func (c *kvCache) bytes() uint64 { return uint64(2 * len(c.k) * c.nHeadKV * c.nCtx * c.headRow) }

// store writes the keys and values (all heads, [nHeadKV × HeadDim]) of
// position pos in layer l.
func (c *kvCache) store(l, pos int, k, v []float32) {
	H := c.headDim
	for h := range c.nHeadKV {
		off := (h*c.nCtx + pos) * c.headRow
		if err := quant.Quantize(c.typ, k[h*H:(h+1)*H], c.k[l][off:off+c.headRow]); err != nil {
			panic(fmt.Sprintf("native: KV cache: %v", err)) // widths are checked at creation
		}
		if err := quant.Quantize(c.typ, v[h*H:(h+1)*H], c.v[l][off:off+c.headRow]); err != nil {
			panic(fmt.Sprintf("native: KV cache: %v", err))
		}
	}
}

// keys returns the stored keys of head h at positions [lo, hi) in layer l:
// hi-lo rows of HeadDim elements.
func (c *kvCache) keys(l, h, lo, hi int) []byte {
	return c.k[l][(h*c.nCtx+lo)*c.headRow : (h*c.nCtx+hi)*c.headRow]
}

// value returns the stored values of head h at position pos in layer l.
func (c *kvCache) value(l, h, pos int) []byte {
	off := (h*c.nCtx + pos) * c.headRow
	return c.v[l][off : off+c.headRow]
}
