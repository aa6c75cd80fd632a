package quant

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/odbench/odbench/gguf"
)

// TestMatVecRowsMatchesMatVec checks that an activation row quantized once
// by Scratch.Vec and multiplied in row ranges by MatVecRows gives MatVec's
// results bit for bit, for every weight type, and that MatVecRows refuses
// buffers too short for its rows.
func TestMatVecRowsMatchesMatVec(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for _, typ := range dotTypes() {
		const rows = 23
		cols := colsFor(typ, 3)
		t.Run(fmt.Sprintf("%v/%dx%d", typ, rows, cols), func(t *testing.T) {
			w, rb := testMatrix(t, rng, typ, rows, cols)
			x := floatRow(rng, "normal", cols)
			want := make([]float32, rows)
			MatVec(nil, typ, w, rows, cols, x, want, nil)
			var s Scratch
			v := s.Vec(typ, x)
			got := make([]float32, rows)
			for lo := 0; lo < rows; lo += 7 { // ranges of 7, 7, 7 and 2 rows
				hi := min(lo+7, rows)
				MatVecRows(w[lo*rb:hi*rb], hi-lo, v, got[lo:hi])
			}
			for r := range rows {
				if math.Float32bits(got[r]) != math.Float32bits(want[r]) {
					t.Errorf("row %d: MatVecRows %g, MatVec %g", r, got[r], want[r])
				}
			}
			defer func() {
				if recover() == nil {
					t.Error("MatVecRows took a weight shorter than its rows")
				}
			}()
			MatVecRows(w[:rb], 2, v, got)
		})
	}
}

// TestVecPanicsOnPartialBlock checks that Scratch.Vec refuses a row that is
// not a whole number of blocks.
func TestVecPanicsOnPartialBlock(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("Vec took 48 floats for Q4_0 blocks of 32")
		}
	}()
	var s Scratch
	s.Vec(gguf.TypeQ4_0, make([]float32, 48))
}
