package quant

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Pool is a fixed set of worker goroutines that split the rows of a matrix
// product between them. The goroutines start once, in NewPool, and wait for
// work between calls, so a call costs a few channel operations and no
// allocation. One call runs at a time; concurrent callers take turns.
// A nil *Pool is valid and runs everything on the calling goroutine.
type Pool struct {
	mu      sync.Mutex // held for the duration of one parallel call
	threads int        // workers including the calling goroutine; 1 after Close
	start   []chan *job
	done    sync.WaitGroup
	cur     job
}

// rangeFunc is the work of one parallel call: do handles items [lo, hi).
type rangeFunc interface {
	do(lo, hi int)
}

// job is one parallel call: n items handed out grain at a time.
type job struct {
	f     rangeFunc
	n     int
	grain int
	next  atomic.Int64
}

// NewPool starts a pool of threads workers (the calling goroutine counts as
// one of them). threads <= 0 means runtime.GOMAXPROCS(0).
func NewPool(threads int) *Pool {
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	p := &Pool{threads: threads, start: make([]chan *job, threads-1)}
	for i := range p.start {
		ch := make(chan *job, 1)
		p.start[i] = ch
		go func() {
			for j := range ch {
				j.drain()
				p.done.Done()
			}
		}()
	}
	return p
}

// Threads returns the number of goroutines a call is split across, or 1 for
// a nil or closed pool.
func (p *Pool) Threads() int {
	if p == nil {
		return 1
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.threads
}

// Close stops the worker goroutines. Later calls run on the caller alone.
func (p *Pool) Close() {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, ch := range p.start {
		close(ch)
	}
	p.start = nil
	p.threads = 1
}

// parallel runs f.do over [0, n) in chunks of grain items, spread over the
// pool's workers and the calling goroutine, and returns when all are done.
func (p *Pool) parallel(n, grain int, f rangeFunc) {
	if grain < 1 {
		grain = 1
	}
	chunks := (n + grain - 1) / grain
	if p == nil || chunks <= 1 {
		f.do(0, n)
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	helpers := min(len(p.start), chunks-1)
	if helpers == 0 {
		f.do(0, n)
		return
	}
	j := &p.cur
	j.f, j.n, j.grain = f, n, grain
	j.next.Store(0)
	p.done.Add(helpers)
	for _, ch := range p.start[:helpers] {
		ch <- j
	}
	j.drain()
	p.done.Wait()
	j.f = nil
}

// drain takes chunks until none are left.
func (j *job) drain() {
	for {
		lo := int(j.next.Add(int64(j.grain))) - j.grain
		if lo >= j.n {
			return
		}
		j.f.do(lo, min(lo+j.grain, j.n))
	}
}
