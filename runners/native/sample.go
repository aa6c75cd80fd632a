package native

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"

	"github.com/odbench/odbench/runners"
)

// candidate is one token still in the running while sampling.
type candidate struct {
	id    int32
	logit float32
}

// sampler picks tokens from logits. Its buffers are sized for the
// vocabulary once, so sampling allocates nothing.
type sampler struct {
	cands  []candidate // [NVocab]
	seen   []bool      // [NVocab] tokens already penalised in this call
	seed   uint64
	pcg    *rand.PCG
	rng    *rand.Rand
	seeded bool
}

func newSampler(nVocab int) *sampler {
	s := &sampler{cands: make([]candidate, nVocab), seen: make([]bool, nVocab), pcg: rand.NewPCG(0, 0)}
	s.rng = rand.New(s.pcg)
	return s
}

// sample applies, in order, the repetition penalty over the last tokens of
// history, top-k, top-p, min-p and temperature, then draws a token (argmax
// when the temperature is 0).
func (s *sampler) sample(logits []float32, history []int32, p runners.SamplerParams) int32 {
	c := s.cands[:len(logits)]
	for i, l := range logits {
		c[i] = candidate{int32(i), l}
	}
	if p.RepeatPenalty > 0 && p.RepeatPenalty != 1 {
		s.penalize(c, history, p)
	}
	if p.Temperature <= 0 {
		best := 0
		for i := range c {
			if c[i].logit > c[best].logit {
				best = i
			}
		}
		return c[best].id
	}
	if !s.seeded || p.Seed != s.seed {
		s.pcg.Seed(p.Seed, p.Seed^0x9e3779b97f4a7c15)
		s.seed, s.seeded = p.Seed, true
	}
	if p.TopK > 0 && p.TopK < len(c) {
		c = keepTopK(c, p.TopK)
	} else {
		slices.SortFunc(c, byLogitDesc)
	}
	if p.TopP > 0 && p.TopP < 1 {
		c = keepTopP(c, p.TopP)
	}
	if p.MinP > 0 {
		floor := c[0].logit + float32(math.Log(float64(p.MinP)))
		n := 1
		for n < len(c) && c[n].logit >= floor {
			n++
		}
		c = c[:n]
	}
	// Softmax at the temperature, then one draw.
	var sum float64
	top := c[0].logit
	for i := range c {
		sum += math.Exp(float64((c[i].logit - top) / p.Temperature))
	}
	r := s.rng.Float64() * sum
	for i := range c {
		r -= math.Exp(float64((c[i].logit - top) / p.Temperature))
		if r <= 0 {
			return c[i].id
		}
	}
	return c[len(c)-1].id
}

// penalize applies llama.cpp's repetition rule once to every distinct token
// among the last RepeatLastN of history: positive logits are divided by the
// penalty, negative ones multiplied.
func (s *sampler) penalize(c []candidate, history []int32, p runners.SamplerParams) {
	n := p.RepeatLastN
	if n <= 0 {
		n = 64
	}
	recent := history[max(0, len(history)-n):]
	for _, t := range recent {
		if t < 0 || int(t) >= len(c) || s.seen[t] {
			continue
		}
		s.seen[t] = true
		if c[t].logit > 0 {
			c[t].logit /= p.RepeatPenalty
		} else {
			c[t].logit *= p.RepeatPenalty
		}
	}
	for _, t := range recent {
		if t >= 0 && int(t) < len(c) {
			s.seen[t] = false
		}
	}
}

func byLogitDesc(a, b candidate) int {
	if c := cmp.Compare(b.logit, a.logit); c != 0 {
		return c
	}
	return cmp.Compare(a.id, b.id)
}

// keepTopK moves the k highest logits, sorted, to the front of c. It keeps
// a min-heap of the best k seen (the weakest at the root) in c[:k] itself.
func keepTopK(c []candidate, k int) []candidate {
	h := c[:k]
	for i := k/2 - 1; i >= 0; i-- {
		siftDown(h, i)
	}
	for _, x := range c[k:] {
		if byLogitDesc(x, h[0]) < 0 {
			h[0] = x
			siftDown(h, 0)
		}
	}
	slices.SortFunc(h, byLogitDesc)
	return h
}

// siftDown restores the min-heap order (weakest candidate at the root) below i.
func siftDown(h []candidate, i int) {
	for {
		j := 2*i + 1
		if j >= len(h) {
			return
		}
		if j+1 < len(h) && byLogitDesc(h[j+1], h[j]) > 0 {
			j++
		}
		if byLogitDesc(h[j], h[i]) <= 0 {
			return
		}
		h[i], h[j] = h[j], h[i]
		i = j
	}
}

// keepTopP keeps the smallest prefix of c (sorted by logit) whose
// probability reaches p.
func keepTopP(c []candidate, p float32) []candidate {
	var sum float64
	top := c[0].logit
	for i := range c {
		sum += math.Exp(float64(c[i].logit - top))
	}
	var cum float64
	for i := range c {
		cum += math.Exp(float64(c[i].logit-top)) / sum
		if cum >= float64(p) {
			return c[:i+1]
		}
	}
	return c
}
