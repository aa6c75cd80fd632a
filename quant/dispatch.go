package quant

import (
	"os"

	"github.com/odbench/odbench/gguf"
)

// kernel returns the dot product of an n-element weight row w with an
// activation row a of the type VecDotType gives for the weight type. The
// caller has checked that both rows hold n elements and that n is a whole
// number of blocks.
type kernel func(w, a []byte, n int) float32

// kernel4 computes the dot products of one n-element weight row w with four
// activation rows, the first at a[0:] and each next one astride bytes
// further, into y[0], y[ystride], y[2*ystride] and y[3*ystride]. For Q8_0
// activations, scales holds their block scales as actScales4 lays them
// out; kernels for other activation types ignore it. Decoding a weight
// block once for four activation rows is what makes the matrix-matrix
// product faster than four matrix-vector ones.
type kernel4 func(w, a []byte, astride, n int, scales, y []float32, ystride int)

// preparedKernel is a dot product whose activation rows the drivers first
// transform, once per call, into a layout of the kernel set's own: the
// work the kernel would otherwise redo for every weight row.
type preparedKernel struct {
	bytes   func(n int) int          // bytes of one prepared n-element row
	prepare func(a, p []byte, n int) // lays out the VecDotType row a in p
	dot     kernel                   // takes a prepared activation row
	dot4    kernel4                  // dot four times; complete fills it in
}

// batchKernel is a weight type's kernels for the matrix products of two or
// more activation rows where llama.cpp sums in another order than for one
// row (llamafile's tinyBLAS), for the shapes that order applies to: cols a
// multiple of colMul and rows of rowMul.
type batchKernel struct {
	dot            kernel
	dot4           kernel4
	colMul, rowMul int
}

// kernelSet is the fast path of one CPU: a name and kernels per weight type.
// A type missing from dot4 runs its dot kernel four times. The dot and
// dot4 kernels take the activation rows as quantized; the types in prep
// have a prepared kernel, which the drivers use instead; the types in
// batch take those kernels for the batches they apply to.
type kernelSet struct {
	name  string
	dot   map[gguf.Type]kernel
	dot4  map[gguf.Type]kernel4
	prep  map[gguf.Type]preparedKernel
	batch map[gguf.Type]batchKernel
}

// generic is the pure-Go set: every type goes to VecDotGeneric, and the
// drivers run the prepared kernels of genericPrepared where it has one.
var generic = kernelSet{name: "generic", prep: genericPrepared}

// active is the set the drivers use: the best one archKernels offers for
// this CPU, or generic when ODBENCH_GENERIC=1.
var active = chooseKernels(os.Getenv("ODBENCH_GENERIC") == "1")

func chooseKernels(forceGeneric bool) kernelSet {
	s := generic
	if !forceGeneric {
		s = archKernels()
	}
	return s.complete()
}

// archKernels returns the fastest set archKernelSets offers, or generic.
func archKernels() kernelSet {
	sets := archKernelSets()
	if len(sets) == 0 {
		return generic
	}
	return sets[len(sets)-1]
}

// kernelSets returns every set this CPU can run, completed, fastest first,
// ending with the generic one: the sets the tests and benchmarks compare.
func kernelSets() []kernelSet {
	sets := []kernelSet{}
	arch := archKernelSets()
	for i := len(arch) - 1; i >= 0; i-- {
		sets = append(sets, arch[i].complete())
	}
	return append(sets, generic.complete())
}

// override returns a set named name with the kernels of s replaced by those
// of dot, dot4 and prep where they have one; a type given a dot kernel
// loses its prepared kernel.
func (s kernelSet) override(name string, dot map[gguf.Type]kernel, dot4 map[gguf.Type]kernel4, prep map[gguf.Type]preparedKernel) kernelSet {
	o := kernelSet{name: name, dot: map[gguf.Type]kernel{}, dot4: map[gguf.Type]kernel4{}, prep: map[gguf.Type]preparedKernel{}}
	for t, pk := range s.prep {
		if _, ok := dot[t]; !ok {
			o.prep[t] = pk
		}
	}
	for t, pk := range prep {
		o.prep[t] = pk
	}
	for _, m := range []map[gguf.Type]kernel{s.dot, dot} {
		for t, k := range m {
			o.dot[t] = k
		}
	}
	for _, m := range []map[gguf.Type]kernel4{s.dot4, dot4} {
		for t, k := range m {
			o.dot4[t] = k
		}
	}
	return o
}

// complete returns s with a kernel for every type that has a dot product:
// the types without a fast kernel call VecDotGeneric, and the prepared
// kernels get their dot4. Building the closures here, once, keeps the
// drivers free of allocations.
func (s kernelSet) complete() kernelSet {
	c := kernelSet{name: s.name, dot: map[gguf.Type]kernel{}, dot4: map[gguf.Type]kernel4{}, prep: map[gguf.Type]preparedKernel{}, batch: s.batch}
	for t, pk := range s.prep {
		pk.dot4 = repeat4(pk.dot)
		c.prep[t] = pk
	}
	for _, t := range gguf.Types() {
		if VecDotType(t) == NoType {
			continue
		}
		k, ok := s.dot[t]
		if !ok {
			k = func(w, a []byte, n int) float32 { return VecDotGeneric(t, w, a, n) }
		}
		c.dot[t] = k
		k4, ok := s.dot4[t]
		if !ok {
			k4 = repeat4(k)
		}
		c.dot4[t] = k4
	}
	return c
}

// repeat4 returns the four-row kernel that runs k once for each row.
func repeat4(k kernel) kernel4 {
	return func(w, a []byte, astride, n int, _, y []float32, ystride int) {
		for i := range 4 {
			y[i*ystride] = k(w, a[i*astride:], n)
		}
	}
}

// kernels returns the kernels the drivers run for weight type t, of rows
// rows, on n activation rows of cols elements, quantized to VecDotType(t)
// in a at a stride of actBytes, and the rows they take with their stride:
// for a batch the set has batch kernels for, those; for a type with a
// prepared kernel, the rows laid out in scratch; otherwise a itself.
func (s kernelSet) kernels(t gguf.Type, a []byte, n, rows, actBytes, cols int, scratch *Scratch) (kernel, kernel4, []byte, int) {
	if bk, ok := s.batch[t]; ok && n >= 2 && cols%bk.colMul == 0 && rows%bk.rowMul == 0 {
		return bk.dot, bk.dot4, a, actBytes
	}
	pk, ok := s.prep[t]
	if !ok {
		return s.dot[t], s.dot4[t], a, actBytes
	}
	pb := pk.bytes(cols)
	if cap(scratch.prep) < n*pb {
		scratch.prep = make([]byte, n*pb)
	}
	p := scratch.prep[:n*pb]
	for i := range n {
		pk.prepare(a[i*actBytes:(i+1)*actBytes], p[i*pb:(i+1)*pb], cols)
	}
	return pk.dot, pk.dot4, p, pb
}

// KernelName names the kernels the drivers use on this CPU: "avx512vnni",
// "avx2", "neon-dotprod" or "generic" (the pure-Go path, which the environment
// variable ODBENCH_GENERIC=1 forces).
func KernelName() string { return active.name }
