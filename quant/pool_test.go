package quant

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// TestPoolRunsEveryTaskOnce runs regions of many sizes back to back and
// after pauses long enough for the workers to park, and checks that every
// task runs exactly once per region, on a valid worker, with no two tasks
// of one region sharing a worker at the same time.
func TestPoolRunsEveryTaskOnce(t *testing.T) {
	for _, tc := range []struct {
		name    string
		threads int
		pause   time.Duration // between regions; > spinFor parks the workers
	}{
		{"nil pool", 0, 0},
		{"one worker", 1, 0},
		{"two workers polling", 2, 0},
		{"two workers parking", 2, 2 * spinFor},
		{"five workers polling", 5, 0},
		{"five workers parking", 5, 2 * spinFor},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var p *Pool
			if tc.threads > 0 {
				p = NewPool(tc.threads)
				defer p.Close()
			}
			workers := p.Threads()
			busy := make([]atomic.Int32, workers)
			for region := range 60 {
				n := region%9 + 1 // fewer and more tasks than workers
				counts := make([]atomic.Int32, n)
				var bad atomic.Int32
				p.Run(n, func(w, task int) {
					if w < 0 || w >= workers || busy[w].Add(1) != 1 {
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

// TestPoolCloseStopsWorkers checks that Close ends the worker goroutines,
// both parked and polling ones, and that a closed pool still runs every
// task, on the caller.
func TestPoolCloseStopsWorkers(t *testing.T) {
	before := runtime.NumGoroutine()
	for _, parkFirst := range []bool{false, true} {
		p := NewPool(4)
		p.Run(8, func(int, int) {})
		if parkFirst {
			time.Sleep(2 * spinFor)
		}
		p.Close()
		p.Close() // a second Close is harmless
		ran := 0
		p.Run(5, func(w, _ int) {
			if w == 0 {
				ran++
			}
		})
		if ran != 5 {
			t.Errorf("closed pool ran %d of 5 tasks on the caller", ran)
		}
	}
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > before {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines left running after Close, %d before", runtime.NumGoroutine(), before)
		}
		time.Sleep(time.Millisecond)
	}
}
