package quant

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"
)

// Pool is a fixed set of worker goroutines that run the tasks of one
// parallel region at a time: the rows of a matrix product, or any tasks a
// caller hands to Run. The goroutines start once, in NewPool; the calling
// goroutine is worker 0 and takes tasks too. Starting a region allocates
// nothing. One region runs at a time; concurrent callers take turns.
// A nil *Pool is valid and runs everything on the calling goroutine.
//
// Decoding one token runs about five regions per layer, each only tens of
// microseconds long, so waking a parked worker (a futex wake, an
// inter-processor interrupt on a VM) would cost a noticeable share of each
// region. Workers therefore poll for the next region for up to spinFor
// after their last one before they park, the way llama.cpp's thread pool
// polls between graph nodes; an idle pool parks all its workers within
// that time.
type Pool struct {
	mu      sync.Mutex // held for the duration of one region
	threads int        // workers including the calling goroutine; 1 after Close

	// region identifies the region in flight: a sequence number times
	// maxPoolThreads plus the number of helpers taking part (workers 1 to
	// that number). Helpers wait for it to change.
	region atomic.Uint64
	seq    uint64 // regions started
	fn     func(worker, task int)
	nTask  int64
	next   atomic.Int64 // next task to hand out
	active atomic.Int32 // helpers still draining the region in flight
	parked []atomic.Bool
	wake   []chan struct{} // one per helper, buffered 1
	closed atomic.Bool

	// The range function of the parallel call in flight, run in chunks of
	// grain items by chunkFn.
	rf      rangeFunc
	rn      int
	grain   int
	chunkFn func(worker, task int)
}

// spinFor is how long an idle worker polls for the next region before it
// parks.
const spinFor = 500 * time.Microsecond

// maxPoolThreads bounds the workers of a pool, so that the helper count
// fits in the low part of the region word.
const maxPoolThreads = 1 << 16

// rangeFunc is the work of one parallel call: do handles items [lo, hi).
type rangeFunc interface {
	do(lo, hi int)
}

// NewPool starts a pool of threads workers (the calling goroutine counts as
// one of them). threads <= 0 means runtime.GOMAXPROCS(0).
func NewPool(threads int) *Pool {
	if threads <= 0 {
		threads = runtime.GOMAXPROCS(0)
	}
	threads = min(threads, maxPoolThreads)
	p := &Pool{threads: threads, parked: make([]atomic.Bool, threads), wake: make([]chan struct{}, threads)}
	p.chunkFn = p.chunk
	for w := 1; w < threads; w++ {
		p.wake[w] = make(chan struct{}, 1)
		go p.helper(w)
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
	if p.closed.Swap(true) {
		return
	}
	for w := 1; w < p.threads; w++ {
		p.signal(w)
	}
	p.threads = 1
}

// Run calls fn(worker, task) for every task in [0, n), spread over the
// pool's workers (the calling goroutine is worker 0), and returns when all
// are done. fn must be safe to call concurrently for distinct tasks; worker
// (0 <= worker < Threads()) identifies per-worker scratch. fn must not
// start a region on the same pool. A function value made once keeps the
// call allocation-free.
func (p *Pool) Run(n int, fn func(worker, task int)) {
	if n <= 0 {
		return
	}
	if p == nil {
		for i := range n {
			fn(0, i)
		}
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.run(n, fn)
}

// run is Run with p.mu held.
func (p *Pool) run(n int, fn func(worker, task int)) {
	p.fn, p.nTask = fn, int64(n)
	helpers := min(p.threads-1, n-1)
	p.next.Store(0)
	p.active.Store(int32(helpers))
	p.seq++
	p.region.Store(p.seq*maxPoolThreads + uint64(helpers))
	for w := 1; w <= helpers; w++ {
		p.signal(w)
	}
	p.drain(0)
	for i := 1; p.active.Load() != 0; i++ {
		if i&255 == 0 {
			runtime.Gosched()
		}
	}
	p.fn = nil
}

// parallel runs f.do over [0, n) in chunks of grain items, spread over the
// pool's workers and the calling goroutine, and returns when all are done.
func (p *Pool) parallel(n, grain int, f rangeFunc) {
	grain = max(grain, 1)
	chunks := (n + grain - 1) / grain
	if p == nil || chunks <= 1 {
		f.do(0, n)
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.rf, p.rn, p.grain = f, n, grain
	p.run(chunks, p.chunkFn)
	p.rf = nil
}

// chunk runs chunk task of the parallel call in flight.
func (p *Pool) chunk(_, task int) {
	lo := task * p.grain
	p.rf.do(lo, min(lo+p.grain, p.rn))
}

// helper is the loop of worker w: wait for a region, drain it, repeat.
func (p *Pool) helper(w int) {
	var seen uint64
	for {
		r, ok := p.await(w, seen)
		if !ok {
			return
		}
		seen = r
		if uint64(w) <= r%maxPoolThreads {
			p.drain(w)
			p.active.Add(-1)
		}
	}
}

// await returns the first region number after seen, polling for up to
// spinFor and then parking; ok is false once the pool is closed.
func (p *Pool) await(w int, seen uint64) (r uint64, ok bool) {
	var deadline time.Time
	for i := 0; ; i++ {
		if r = p.region.Load(); r != seen {
			return r, true
		}
		if p.closed.Load() {
			return 0, false
		}
		if i&1023 != 1023 {
			continue
		}
		runtime.Gosched()
		now := time.Now()
		if deadline.IsZero() {
			deadline = now.Add(spinFor)
			continue
		}
		if now.Before(deadline) {
			continue
		}
		// Park. run stores the region before it reads parked, and this
		// stores parked before it reads the region again, so one of the
		// two sees the other and no wake-up is lost.
		p.parked[w].Store(true)
		if r = p.region.Load(); r != seen || p.closed.Load() {
			p.parked[w].Store(false)
			continue
		}
		<-p.wake[w]
		p.parked[w].Store(false)
		deadline = time.Time{}
	}
}

// drain takes tasks until none is left.
func (p *Pool) drain(w int) {
	for {
		i := p.next.Add(1) - 1
		if i >= p.nTask {
			return
		}
		p.fn(w, int(i))
	}
}

// signal wakes helper w if it is parked; a wake-up left in the channel
// from an earlier region only makes the helper look at the region again.
func (p *Pool) signal(w int) {
	if p.parked[w].Load() {
		select {
		case p.wake[w] <- struct{}{}:
		default:
		}
	}
}
