package runners

import "math"

// Stats are the mean and the sample standard deviation (n−1 in the
// denominator, as llama-bench computes it; 0 for fewer than two values).
type Stats struct {
	Mean, Stddev float64
}

// Summarize returns the Stats of xs; the zero Stats for no values.
func Summarize(xs []float64) Stats {
	if len(xs) == 0 {
		return Stats{}
	}
	var sum float64
	for _, x := range xs {
		sum += x
	}
	mean := sum / float64(len(xs))
	if len(xs) < 2 {
		return Stats{Mean: mean}
	}
	var sq float64
	for _, x := range xs {
		sq += (x - mean) * (x - mean)
	}
	return Stats{Mean: mean, Stddev: math.Sqrt(sq / float64(len(xs)-1))}
}
