package native

import (
	"runtime"
	"sync/atomic"
	"time"
)

// pool runs the tasks of one parallel region on a fixed set of goroutines.
// The caller's goroutine is worker 0. Starting a region allocates nothing,
// so the steady state of decoding stays allocation-free as long as the task
// function is a value created ahead of time.
//
// Decoding one token runs about five regions per layer, each only tens of
// microseconds long, so waking a parked helper (a futex wake, an
// inter-processor interrupt on a VM) would cost a noticeable share of each
// region. Helpers therefore spin on the region counter for up to spinFor
// after their last region before they park on their wake channel, the way
// llama.cpp's thread pool polls between graph nodes; an idle engine parks
// all its helpers within that time.
type pool struct {
	workers int
	// region identifies the region in flight: a sequence number times
	// regionHelpers plus the number of helpers taking part (workers 1 to
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
}

// spinFor is how long an idle helper polls for the next region before it
// parks.
const spinFor = 500 * time.Microsecond

// regionHelpers bounds the helpers of a pool, so that their count fits in
// the low part of the region word.
const regionHelpers = 1 << 16

// newPool starts a pool of n workers (n ≥ 1).
func newPool(n int) *pool {
	n = min(max(n, 1), regionHelpers)
	p := &pool{workers: n, parked: make([]atomic.Bool, n), wake: make([]chan struct{}, n)}
	for w := 1; w < n; w++ {
		p.wake[w] = make(chan struct{}, 1)
		go p.helper(w)
	}
	return p
}

// helper is the loop of worker w: wait for a region, drain it, repeat.
func (p *pool) helper(w int) {
	var seen uint64
	for {
		r, ok := p.await(w, seen)
		if !ok {
			return
		}
		seen = r
		if uint64(w) <= r%regionHelpers {
			p.drain(w)
			p.active.Add(-1)
		}
	}
}

// await returns the first region number after seen, spinning for up to
// spinFor and then parking; ok is false once the pool is closed.
func (p *pool) await(w int, seen uint64) (r uint64, ok bool) {
	deadline := time.Time{}
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
	helpers := min(p.workers-1, n-1)
	p.next.Store(0)
	p.active.Store(int32(helpers))
	p.seq++
	p.region.Store(p.seq*regionHelpers + uint64(helpers))
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

// signal wakes helper w if it is parked; a wake-up left in the channel
// from an earlier region only makes the helper look at the counter again.
func (p *pool) signal(w int) {
	if p.parked[w].Load() {
		select {
		case p.wake[w] <- struct{}{}:
		default:
		}
	}
}

// close stops the helper goroutines; the pool must not be used afterwards.
func (p *pool) close() {
	if p.closed.Swap(true) {
		return
	}
	for w := 1; w < p.workers; w++ {
		p.signal(w)
	}
}
