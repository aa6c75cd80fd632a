package native

import (
	"testing"

	"github.com/odbench/odbench/runners"
)

func TestSampler(t *testing.T) {
	logits := []float32{1, 5, 3, 4.9, -2, 0}
	greedy := runners.SamplerParams{}
	tests := []struct {
		name    string
		p       runners.SamplerParams
		history []int32
		allowed map[int32]bool // tokens the draw may return
	}{
		{"greedy", greedy, nil, map[int32]bool{1: true}},
		{"penalty moves greedy", runners.SamplerParams{RepeatPenalty: 1.5}, []int32{1}, map[int32]bool{3: true}},
		{"penalty outside the window", runners.SamplerParams{RepeatPenalty: 1.5, RepeatLastN: 1}, []int32{1, 5}, map[int32]bool{1: true}},
		{"top-k 1", runners.SamplerParams{Temperature: 1, TopK: 1, Seed: 9}, nil, map[int32]bool{1: true}},
		{"top-k 2", runners.SamplerParams{Temperature: 5, TopK: 2, Seed: 9}, nil, map[int32]bool{1: true, 3: true}},
		{"top-p", runners.SamplerParams{Temperature: 5, TopP: 0.5, Seed: 9}, nil, map[int32]bool{1: true, 3: true}},
		{"min-p", runners.SamplerParams{Temperature: 5, MinP: 0.5, Seed: 9}, nil, map[int32]bool{1: true, 3: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSampler(len(logits))
			seen := map[int32]bool{}
			for i := range 200 {
				p := tt.p
				p.Seed += uint64(i)
				tok := s.sample(logits, tt.history, p)
				if !tt.allowed[tok] {
					t.Fatalf("drew token %d, allowed %v", tok, tt.allowed)
				}
				seen[tok] = true
			}
			if len(seen) != len(tt.allowed) {
				t.Errorf("over 200 draws saw %v, want every one of %v", seen, tt.allowed)
			}
		})
	}
}

func TestSamplerSeed(t *testing.T) {
	logits := make([]float32, 100)
	for i := range logits {
		logits[i] = float32(i%7) * 0.3
	}
	draw := func(seed uint64) []int32 {
		s := newSampler(len(logits))
		var out []int32
		for range 20 {
			out = append(out, s.sample(logits, nil, runners.SamplerParams{Temperature: 1, Seed: seed}))
		}
		return out
	}
	a, b, c := draw(1), draw(1), draw(2)
	if !equalInts(a, b) {
		t.Errorf("same seed gave %v and %v", a, b)
	}
	if equalInts(a, c) {
		t.Errorf("seeds 1 and 2 gave the same 20 draws %v", a)
	}
}

func equalInts(a, b []int32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestKeepTopK(t *testing.T) {
	c := []candidate{{0, 1}, {1, 7}, {2, 3}, {3, 9}, {4, 3}, {5, -1}}
	got := keepTopK(c, 3)
	want := []int32{3, 1, 2} // ties broken by the lower id
	for i, w := range want {
		if got[i].id != w {
			t.Fatalf("top 3 = %v, want ids %v", got, want)
		}
	}
}
