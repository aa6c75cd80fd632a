package native

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// TestPoolRunsEveryTaskOnce runs regions of many sizes back to back and
// after pauses long enough for the helpers to park, and checks that every
// task runs exactly once per region, on a valid worker, with no two tasks
// of one region sharing a worker at the same time.
func TestPoolRunsEveryTaskOnce(t *testing.T) {
	for _, tc := range []struct {
		name    string
		workers int
		pause   time.Duration // between regions; > spinFor parks the helpers
	}{
		{"one worker", 1, 0},
		{"two workers spinning", 2, 0},
		{"two workers parking", 2, 2 * spinFor},
		{"five workers spinning", 5, 0},
		{"five workers parking", 5, 2 * spinFor},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := newPool(tc.workers)
			defer p.close()
			busy := make([]atomic.Int32, tc.workers)
			for region := range 60 {
				n := region%9 + 1 // fewer and more tasks than workers
				counts := make([]atomic.Int32, n)
				var bad atomic.Int32
				p.run(n, func(w, task int) {
					if w < 0 || w >= tc.workers || busy[w].Add(1) != 1 {
						bad.Add(1)
						return
					}
					counts[task].Add(1)
					busy[w].Add(-1)
				})
				if bad.Load() != 0 {
					t.Fatalf("region %d: a task ran on an invalid or busy worker", region)
				}
				for task := range counts {
					if c := counts[task].Load(); c != 1 {
						t.Fatalf("region %d of %d tasks: task %d ran %d times", region, n, task, c)
					}
				}
				if tc.pause > 0 && region%10 == 9 {
					time.Sleep(tc.pause)
				}
			}
		})
	}
}

// TestPoolCloseStopsHelpers checks that close ends the helper goroutines,
// both parked and spinning ones.
func TestPoolCloseStopsHelpers(t *testing.T) {
	before := runtime.NumGoroutine()
	for _, parkFirst := range []bool{false, true} {
		p := newPool(4)
		p.run(8, func(int, int) {})
		if parkFirst {
			time.Sleep(2 * spinFor)
		}
		p.close()
		p.close() // a second close is harmless
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines left running after close, %d before", runtime.NumGoroutine(), before)
		}
		time.Sleep(time.Millisecond)
	}
}
