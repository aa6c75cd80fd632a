package calibrate

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/odbench/odbench/quant"
	"github.com/odbench/odbench/results"
)

func TestBufferSize(t *testing.T) {
	for _, tt := range []struct {
		name string
		o    Options
		want uint64
	}{
		{"unknown cache", Options{}, 512 << 20},
		{"32 MiB L3", Options{LLCBytes: 32 << 20}, 512 << 20},
		{"tiny L3 floors at 64 MiB", Options{LLCBytes: 1 << 20}, 64 << 20},
		{"huge L3 caps at 2 GiB", Options{LLCBytes: 1 << 30}, 2 << 30},
		{"available memory caps it", Options{LLCBytes: 32 << 20, AvailableBytes: 1 << 30}, 256 << 20},
		{"override", Options{LLCBytes: 32 << 20, BufferBytes: 4 << 20}, 4 << 20},
	} {
		if got := tt.o.BufferSize(); got != tt.want {
			t.Errorf("%s: BufferSize = %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestOptionsFor(t *testing.T) {
	for _, tt := range []struct {
		name       string
		l2, l3     uint64
		cgroup     uint64
		wantBuffer uint64
	}{
		{"32 MiB L3", 1 << 20, 32 << 20, 0, 512 << 20},
		{"no L3 shown, small L2: default", 1 << 20, 0, 0, 512 << 20},
		{"no L3, large L2 (Apple)", 64 << 20, 0, 0, 1 << 30},
		{"nothing known", 0, 0, 0, 512 << 20},
		{"cgroup limit caps it", 1 << 20, 32 << 20, 1 << 30, 256 << 20},
	} {
		var d results.Device
		d.CPU.L2Bytes, d.CPU.L3Bytes = tt.l2, tt.l3
		d.Memory.AvailableBytes, d.Memory.CgroupLimitBytes = 16<<30, tt.cgroup
		if got := OptionsFor(d).BufferSize(); got != tt.wantBuffer {
			t.Errorf("%s: buffer %d MiB, want %d MiB", tt.name, got>>20, tt.wantBuffer>>20)
		}
	}
}

// TestRun runs a short calibration with both kernel sets and checks that
// every figure was measured.
func TestRun(t *testing.T) {
	for _, gen := range []bool{false, true} {
		c, err := Run(context.Background(), Options{Threads: 2, BufferBytes: 8 << 20, Duration: time.Millisecond, Generic: gen})
		if err != nil {
			t.Fatal(err)
		}
		wantKernel := native.name
		if gen {
			wantKernel = "generic"
		}
		if c.Kernel != wantKernel || c.Threads != 2 || c.Source != "measured" || c.Skipped {
			t.Errorf("kernel %q threads %d source %q skipped %v", c.Kernel, c.Threads, c.Source, c.Skipped)
		}
		if c.MatVecKernel != quant.KernelName() {
			t.Errorf("matvec kernel %q, quant runs %q", c.MatVecKernel, quant.KernelName())
		}
		if c.BufferBytes == 0 || c.BufferBytes > 8<<20 || c.BufferBytes%(blockWords*8*2) != 0 {
			t.Errorf("buffer %d bytes: want a multiple of the granule up to 8 MiB", c.BufferBytes)
		}
		for name, v := range map[string]float64{
			"read 1t": c.ReadGBs1, "read all": c.ReadGBsAll, "triad 1t": c.TriadGBs1, "triad all": c.TriadGBsAll,
			"fp32 1t": c.FP32GFLOPS1, "fp32 all": c.FP32GFLOPSAll, "int8 1t": c.Int8GOPS1, "int8 all": c.Int8GOPSAll,
			"q4_0 matvec 1t": c.MatVecQ4_0GBs1, "q4_0 matvec all": c.MatVecQ4_0GBsAll,
		} {
			if !(v > 0) {
				t.Errorf("%s kernels: %s = %v, want > 0", c.Kernel, name, v)
			}
		}
	}
}

func TestRunCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c, err := Run(ctx, Options{Threads: 1, BufferBytes: 1 << 20, Duration: time.Millisecond})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if c.Kernel == "" || c.ReadGBs1 != 0 {
		t.Errorf("partial calibration = %+v: want the kernel named and nothing measured", c)
	}
}

func TestRunBufferTooSmall(t *testing.T) {
	if _, err := Run(context.Background(), Options{Threads: 4, BufferBytes: 64}); err == nil {
		t.Fatal("want an error for a 64-byte buffer")
	}
}

// benchBuffer is the bandwidth benchmarks' buffer: 512 MiB, 16× this
// machine's 32 MiB L3.
const benchBuffer = 512 << 20

// BenchmarkPlainReadLoop is the comparison point for the read bandwidth:
// a plain Go loop summing uint64 words, one goroutine per CPU.
func BenchmarkPlainReadLoop(b *testing.B) {
	n := runtime.NumCPU()
	buf := make([]uint64, benchBuffer/8/(n*blockWords)*(n*blockWords))
	for i := range buf {
		buf[i] = uint64(i)
	}
	sums := make([]uint64, n)
	benchRead(b, len(buf)*8, func() {
		var wg sync.WaitGroup
		for t := range n {
			wg.Go(func() {
				// Four accumulators, so that the loop is bound by loads and
				// not by one chain of dependent adds.
				var s0, s1, s2, s3 uint64
				part := split(buf, n, t)
				for len(part) >= 4 {
					s0 += part[0]
					s1 += part[1]
					s2 += part[2]
					s3 += part[3]
					part = part[4:]
				}
				sums[t] += s0 + s1 + s2 + s3
			})
		}
		wg.Wait()
	})
}

// benchRead times pass over a buffer of size bytes, reporting the mean
// bandwidth (MB/s) and, as calibration does, the best pass (best-GB/s),
// which is the fairer figure on a machine shared with other work.
func benchRead(b *testing.B, size int, pass func()) {
	b.SetBytes(int64(size))
	best := time.Duration(math.MaxInt64)
	for b.Loop() {
		t0 := time.Now()
		pass()
		best = min(best, time.Since(t0))
	}
	b.ReportMetric(float64(size)/best.Seconds()/1e9, "best-GB/s")
}

// BenchmarkReadKernel measures the calibration's read kernel over the same
// buffer with all CPUs, as Run does.
func BenchmarkReadKernel(b *testing.B) {
	n := runtime.NumCPU()
	buf := make([]uint64, benchBuffer/8/(n*blockWords)*(n*blockWords))
	for i := range buf {
		buf[i] = uint64(i)
	}
	sums := make([]uint64, n)
	benchRead(b, len(buf)*8, func() {
		parallel(n, func(i int) { sums[i] ^= native.read(split(buf, n, i)) })
	})
}

// benchSets returns the kernel sets the compute benchmarks compare: every
// SIMD set of this CPU and the generic one.
func benchSets() []kernelSet { return append(archSets(), generic) }

// BenchmarkFMA measures the FP32 FMA kernel of each set with one thread and
// with one thread per CPU, reporting GFLOP/s.
func BenchmarkFMA(b *testing.B) {
	for _, k := range benchSets() {
		for _, n := range []int{1, runtime.NumCPU()} {
			b.Run(fmt.Sprintf("set=%s/threads=%d", k.name, n), func(b *testing.B) {
				const iters = 1 << 18
				acc := make([][]float32, n)
				for i := range acc {
					acc[i] = make([]float32, k.fmaLanes)
				}
				start := time.Now()
				for b.Loop() {
					parallel(n, func(i int) { k.fma(acc[i], 0.5, 0.25, iters) })
				}
				b.ReportMetric(float64(b.N)*float64(n*iters*k.flopsPerFMAIter())/time.Since(start).Seconds()/1e9, "GFLOP/s")
			})
		}
	}
}

// BenchmarkDot measures the int8 dot-product kernel of each set, reporting
// GOP/s.
func BenchmarkDot(b *testing.B) {
	for _, k := range benchSets() {
		for _, n := range []int{1, runtime.NumCPU()} {
			b.Run(fmt.Sprintf("set=%s/threads=%d", k.name, n), func(b *testing.B) {
				const iters = 1 << 18
				acc := make([][]int32, n)
				for i := range acc {
					acc[i] = make([]int32, k.dotLanes)
				}
				start := time.Now()
				for b.Loop() {
					parallel(n, func(i int) { k.dot(acc[i], &dotA, &dotB, iters) })
				}
				b.ReportMetric(float64(b.N)*float64(n*iters*k.opsPerDotIter())/time.Since(start).Seconds()/1e9, "GOP/s")
			})
		}
	}
}
