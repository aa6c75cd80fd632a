package native

import (
	"context"
	"os"
	"testing"

	"github.com/odbench/odbench/runners"
)

func TestZZProf(t *testing.T) {
	p := os.Getenv("ZZMODEL")
	if p == "" {
		t.Skip()
	}
	e := openEngine(t, p, runners.Options{Threads: 2, CtxSize: 512})
	ctx := context.Background()
	e.Decode(ctx, []int32{1})
	for i := 0; i < 8; i++ {
		e.Decode(ctx, []int32{int32(100 + i)})
	}
}
