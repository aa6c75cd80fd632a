package calibrate

import (
	"fmt"
	"math"

	"github.com/odbench/odbench/gguf"
	"github.com/odbench/odbench/quant"
	"github.com/odbench/odbench/results"
)

// matvecCols is the row length of the quantized matrix-vector figure: the
// hidden size of an 8B model.
const matvecCols = 4096

// matvecShare is the inverse of the share of the bandwidth buffer that the
// matrix-vector figure's weights span: with the buffer at 16× the
// last-level cache, 4× of it, and a pass a quarter as long as a read pass.
const matvecShare = 4

// matvec measures the engine's decode kernel, quant.MatVec, over Q4_0
// weights laid on a quarter of buf, with one thread and with threads. The
// bytes are whatever the bandwidth tests left there: the kernel's speed
// does not depend on the values (random f16 scales give no float32
// subnormals). A buffer too small for one row leaves the figures at 0.
func (m meter) matvec(buf []byte, threads int, c *results.Calibration) error {
	rowBytes, err := gguf.RowBytes(gguf.TypeQ4_0, matvecCols)
	if err != nil {
		return fmt.Errorf("calibrate: Q4_0 row: %w", err)
	}
	rows := len(buf) / matvecShare / int(rowBytes)
	if rows == 0 {
		return nil
	}
	w := buf[:rows*int(rowBytes)]
	x := make([]float32, matvecCols)
	for i := range x {
		x[i] = float32(math.Sin(float64(i)))
	}
	y := make([]float32, rows)
	var s quant.Scratch
	pools := map[int]*quant.Pool{}
	for _, n := range []int{1, threads} {
		if pools[n] == nil {
			pools[n] = quant.NewPool(n)
			defer pools[n].Close()
		}
	}
	pass := func(n int) float64 {
		quant.MatVec(pools[n], gguf.TypeQ4_0, w, rows, matvecCols, x, y, &s)
		return float64(len(w))
	}
	c.MatVecKernel = quant.KernelName()
	return m.measure(figure{&c.MatVecQ4_0GBs1, pass, 1}, figure{&c.MatVecQ4_0GBsAll, pass, threads})
}
