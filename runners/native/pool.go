package native

import (
	"sync"
	"sync/atomic"
)

// pool runs the tasks of one parallel region on a fixed set of goroutines.
// The caller's goroutine is worker 0. Starting a region allocates nothing,
// so the steady state of decoding stays allocation-free as long as the task
// function is a value created ahead of time.
type pool struct {
	workers int
	start   []chan struct{} // one per helper goroutine (workers 1..n-1)
	done    sync.WaitGroup
	fn      func(worker, task int)
	nTask   int64
	next    atomic.Int64
	closed  bool
}

// newPool starts a pool of n workers (n ≥ 1).
func newPool(n int) *pool {
	n = max(n, 1)
	p := &pool{workers: n, start: make([]chan struct{}, n)}
	for w := 1; w < n; w++ {
		p.start[w] = make(chan struct{})
		go p.helper(w)
	}
	return p
}

func (p *pool) helper(w int) {
	for range p.start[w] {
		p.drain(w)
		p.done.Done()
	}
}

// drain takes tasks until none is left.
func (p *pool) drain(w int) {
	for {
		i := p.next.Add(1) - 1
		if i >= p.nTask {
			return
		}
		p.fn(w, int(i))
	}
}

// run calls fn(worker, task) for every task in [0, n), spread over the
// workers, and returns when all are done. fn must be safe to call
// concurrently for distinct tasks; worker identifies per-worker scratch.
func (p *pool) run(n int, fn func(worker, task int)) {
	if n <= 0 {
		return
	}
	p.fn, p.nTask = fn, int64(n)
	p.next.Store(0)
	helpers := min(p.workers-1, n-1)
	p.done.Add(helpers)
	for w := 1; w <= helpers; w++ {
		p.start[w] <- struct{}{}
	}
	p.drain(0)
	p.done.Wait()
	p.fn = nil
}

// close stops the helper goroutines; the pool must not be used afterwards.
func (p *pool) close() {
	if p.closed {
		return
	}
	p.closed = true
	for w := 1; w < p.workers; w++ {
		close(p.start[w])
	}
}
