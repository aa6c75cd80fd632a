package native

import (
	"fmt"

	"github.com/odbench/odbench/gguf"
	"github.com/odbench/odbench/quant"
)

// kernelSupports reports whether weights of type t can be multiplied.
func kernelSupports(t gguf.Type) bool { return quant.VecDotType(t) != quant.NoType }

// dequantRow converts len(dst) elements of type t to float32.
func dequantRow(t gguf.Type, src []byte, dst []float32) error {
	return quant.Dequantize(t, src, dst)
}

// rowBytes is the stored size of n elements of type t (n a whole number of blocks).
func rowBytes(t gguf.Type, n int) int {
	b, err := gguf.RowBytes(t, int64(n))
	if err != nil {
		panic(fmt.Sprintf("native: %v", err)) // shapes are checked at load
	}
	return int(b)
}

// matMuler multiplies weight matrices with batches of activations on the
// quant package's worker pool, reusing one scratch so the steady state
// allocates nothing.
type matMuler struct {
	pool    *quant.Pool
	scratch quant.Scratch
}

// mul computes y[i·Rows + r] = W[r] · x[i·Cols : (i+1)·Cols] for i < n.
func (mm *matMuler) mul(m *matrix, x []float32, n int, y []float32) {
	if n == 1 {
		quant.MatVec(mm.pool, m.Type, m.Data, m.Rows, m.Cols, x, y, &mm.scratch)
		return
	}
	quant.MatMul(mm.pool, m.Type, m.Data, m.Rows, m.Cols, x, n, y, &mm.scratch)
}
