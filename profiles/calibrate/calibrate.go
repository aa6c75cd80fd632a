// Package calibrate measures the ceilings of this device that bound LLM
// inference: memory read and triad bandwidth over buffers far larger than
// the last-level cache, the bandwidth the engine's own Q4_0 matrix-vector
// kernel (quant.MatVec) reaches over such a buffer, and peak FP32 FMA and
// int8 dot-product rates, each with one thread and with all threads. The
// kernels are Go assembly (AVX-512 with VNNI or AVX2 and FMA on amd64, NEON
// and SDOT on arm64), chosen at run time for the CPU, with pure-Go
// fallbacks; the calibration names the set that ran.
package calibrate

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sync"
	"time"
	"unsafe"

	"github.com/odbench/odbench/results"
)

// Buffer sizing for the bandwidth tests.
const (
	// llcMultiple is how many times the last-level cache the buffer spans,
	// so that caches serve a negligible share of the reads.
	llcMultiple = 16
	// defaultBuffer is used when the last-level cache size is unknown.
	defaultBuffer = 512 << 20
	minBuffer     = 64 << 20
	maxBuffer     = 2 << 30
	// availableShare is the largest share of available memory the buffer takes.
	availableShare = 4
)

// Options tunes a calibration run.
type Options struct {
	// Threads is the thread count of the all-core figures; 0 means
	// runtime.NumCPU().
	Threads int
	// LLCBytes is the last-level cache size; the buffer spans 16 times it.
	LLCBytes uint64
	// AvailableBytes caps the buffer at a quarter of it; 0 means unknown.
	AvailableBytes uint64
	// BufferBytes overrides the buffer size when not 0.
	BufferBytes uint64
	// Duration is the time spent on each of the eight figures; 0 means 500 ms.
	Duration time.Duration
	// Generic forces the pure-Go kernels.
	Generic bool
}

// BufferSize returns the bandwidth-test buffer size in bytes for o: 16× the
// last-level cache (512 MiB when unknown), within 64 MiB..2 GiB, and at
// most a quarter of the available memory.
func (o Options) BufferSize() uint64 {
	if o.BufferBytes > 0 {
		return o.BufferBytes
	}
	size := uint64(defaultBuffer)
	if o.LLCBytes > 0 {
		size = min(max(o.LLCBytes*llcMultiple, minBuffer), maxBuffer)
	}
	if o.AvailableBytes > 0 {
		size = min(size, o.AvailableBytes/availableShare)
	}
	return size
}

// Run measures the device. On cancellation it returns what was measured
// so far together with the context's error.
func Run(ctx context.Context, o Options) (results.Calibration, error) {
	start := time.Now()
	k := native
	if o.Generic {
		k = generic
	}
	threads := o.Threads
	if threads <= 0 {
		threads = runtime.NumCPU()
	}
	dur := o.Duration
	if dur <= 0 {
		dur = 500 * time.Millisecond
	}
	words := int(o.BufferSize()/8) / (blockWords * threads) * (blockWords * threads)
	if words == 0 {
		return results.Calibration{}, fmt.Errorf("calibrate: buffer of %d bytes is too small for %d threads", o.BufferSize(), threads)
	}
	c := results.Calibration{Kernel: k.name, Threads: threads, BufferBytes: uint64(words) * 8, Source: "measured"}
	m := meter{ctx: ctx, dur: dur}
	if err := ctx.Err(); err != nil {
		return finish(c, start), fmt.Errorf("calibration interrupted: %w", err)
	}

	if err := m.memory(k, threads, words, &c); err != nil {
		return finish(c, start), err
	}
	runtime.GC() // hand the buffer back before the compute figures
	if err := m.compute(k, threads, &c); err != nil {
		return finish(c, start), err
	}
	return finish(c, start), nil
}

// figure is one measurement: a pass run with n threads that returns the
// work it did (bytes or operations), and where its best rate in units of
// 1e9 per second goes.
type figure struct {
	out  *float64
	pass func(n int) float64
	n    int
}

// measure runs the figures in turn.
func (m meter) measure(figs ...figure) error {
	for _, f := range figs {
		rate, err := m.best(f.pass, f.n)
		*f.out = round(rate / 1e9)
		if err != nil {
			return err
		}
	}
	return nil
}

// memory measures read and triad bandwidth over a buffer of words uint64s
// (a multiple of blockWords × threads), then the quantized matrix-vector
// product over part of the same buffer.
func (m meter) memory(k kernelSet, threads, words int, c *results.Calibration) error {
	buf := make([]uint64, words)
	// Touch every page in parallel so that page faults stay out of the timings.
	parallel(threads, func(i int) {
		part := split(buf, threads, i)
		for j := range part {
			part[j] = uint64(j) * 0x9e3779b97f4a7c15
		}
	})
	floats := unsafe.Slice((*float32)(unsafe.Pointer(&buf[0])), 2*words)
	third := len(floats) / 3 / (blockWords * threads) * (blockWords * threads)
	a, b, s := floats[:third], floats[third:2*third], floats[2*third:3*third]
	sums := make([]uint64, threads) // read results, one per thread, so no pass is optimised away
	read := func(n int) float64 {
		parallel(n, func(i int) { sums[i] ^= k.read(split(buf, n, i)) })
		return float64(len(buf) * 8)
	}
	triad := func(n int) float64 {
		parallel(n, func(i int) { k.triad(split(a, n, i), split(b, n, i), split(s, n, i), 1.5) })
		return float64(3 * 4 * len(a)) // two streams read, one written
	}
	if err := m.measure(
		figure{&c.ReadGBs1, read, 1}, figure{&c.ReadGBsAll, read, threads},
		figure{&c.TriadGBs1, triad, 1}, figure{&c.TriadGBsAll, triad, threads}); err != nil {
		return err
	}
	return m.matvec(unsafe.Slice((*byte)(unsafe.Pointer(&buf[0])), 8*words), threads, c)
}

// compute measures the FP32 FMA and int8 dot-product rates.
func (m meter) compute(k kernelSet, threads int, c *results.Calibration) error {
	// The accumulators, one array per thread.
	fmaAcc, dotAcc := make([][]float32, threads), make([][]int32, threads)
	for i := range threads {
		fmaAcc[i], dotAcc[i] = make([]float32, k.fmaLanes), make([]int32, k.dotLanes)
	}
	fmaIters, err := m.size(func(iters int) { k.fma(fmaAcc[0], 1, 1, iters) })
	if err != nil {
		return err
	}
	dotIters, err := m.size(func(iters int) { k.dot(dotAcc[0], &dotA, &dotB, iters) })
	if err != nil {
		return err
	}
	fma := func(n int) float64 {
		parallel(n, func(i int) { k.fma(fmaAcc[i], 0.5, 0.25, fmaIters) })
		return float64(n * fmaIters * k.flopsPerFMAIter())
	}
	dot := func(n int) float64 {
		parallel(n, func(i int) { k.dot(dotAcc[i], &dotA, &dotB, dotIters) })
		return float64(n * dotIters * k.opsPerDotIter())
	}
	return m.measure(
		figure{&c.FP32GFLOPS1, fma, 1}, figure{&c.FP32GFLOPSAll, fma, threads},
		figure{&c.Int8GOPS1, dot, 1}, figure{&c.Int8GOPSAll, dot, threads})
}

// dotA and dotB are the int8 kernel's inputs (small values: see kernelSet.dot).
var (
	dotA = [16]int8{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}
	dotB = [16]int8{-3, 5, -7, 9, -11, 13, -15, 17, -19, 21, -23, 25, -27, 29, -31, 33}
)

// finish stamps the elapsed time.
func finish(c results.Calibration, start time.Time) results.Calibration {
	c.DurationMS = round(float64(time.Since(start).Microseconds()) / 1000)
	return c
}

// round keeps three decimals, enough for any figure here.
func round(v float64) float64 { return math.Round(v*1000) / 1000 }

// meter times repeated passes of a kernel.
type meter struct {
	ctx context.Context
	dur time.Duration
}

// minPasses is the fewest passes a figure is the best of.
const minPasses = 3

// best runs pass with n threads until the meter's duration has passed (and
// at least minPasses times) and returns the best rate in units per second.
func (m meter) best(pass func(n int) float64, n int) (float64, error) {
	best := 0.0
	deadline := time.Now().Add(m.dur)
	for i := 0; i < minPasses || time.Now().Before(deadline); i++ {
		if err := m.ctx.Err(); err != nil {
			return best, fmt.Errorf("calibration interrupted: %w", err)
		}
		t0 := time.Now()
		work := pass(n)
		if s := time.Since(t0).Seconds(); s > 0 {
			best = max(best, work/s)
		}
	}
	return best, nil
}

// passTime is the target duration of one compute pass.
const passTime = 20 * time.Millisecond

// size finds an iteration count that makes run take about passTime.
func (m meter) size(run func(iters int)) (int, error) {
	iters := 1 << 10
	for {
		if err := m.ctx.Err(); err != nil {
			return 0, fmt.Errorf("calibration interrupted: %w", err)
		}
		t0 := time.Now()
		run(iters)
		el := time.Since(t0)
		if el >= passTime/4 || iters >= 1<<34 {
			return max(1, int(float64(iters)*float64(passTime)/float64(max(el, time.Microsecond)))), nil
		}
		iters *= 4
	}
}

// parallel runs work(0..n-1) on n goroutines, each locked to its own OS
// thread, released together once all are ready.
func parallel(n int, work func(i int)) {
	var ready, done sync.WaitGroup
	start := make(chan struct{})
	ready.Add(n)
	done.Add(n)
	for i := range n {
		go func() {
			defer done.Done()
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			ready.Done()
			<-start
			work(i)
		}()
	}
	ready.Wait()
	close(start)
	done.Wait()
}

// split returns part i of n equal parts of s; len(s) must be a multiple of
// n × blockWords so that every part keeps the kernels' granule.
func split[T any](s []T, n, i int) []T {
	size := len(s) / n
	return s[i*size : (i+1)*size]
}

// OptionsFor sizes a calibration for a probed device: all the CPUs this
// process may use (capped by a cgroup CPU quota), a buffer 16× the
// last-level cache, and no more than a quarter of the available memory
// (or of the cgroup memory limit). When the L3 is unknown, the L2 stands
// for the last-level cache only if it makes the buffer larger than the
// default: a device whose L3 went unreported has one far larger than its
// L2, and a buffer sized from the L2 would fit in it.
func OptionsFor(d results.Device) Options {
	o := Options{Threads: runtime.NumCPU(), LLCBytes: d.CPU.L3Bytes, AvailableBytes: d.Memory.AvailableBytes}
	if q := d.Memory.CgroupCPUs; q > 0 {
		o.Threads = max(1, min(o.Threads, int(math.Ceil(q))))
	}
	if o.LLCBytes == 0 && d.CPU.L2Bytes*llcMultiple > defaultBuffer {
		o.LLCBytes = d.CPU.L2Bytes
	}
	if l := d.Memory.CgroupLimitBytes; l > 0 && (o.AvailableBytes == 0 || l < o.AvailableBytes) {
		o.AvailableBytes = l
	}
	return o
}
