package plan

import (
	"github.com/odbench/odbench/gguf"
	"github.com/odbench/odbench/profiles/recipe"
	"github.com/odbench/odbench/results"
)

// qualitySource names the prior for expected quality loss.
const qualitySource = "llama.cpp tools/perplexity/README.md, Llama-3-8B on Wikitext without imatrix (DESIGN.md)"

// quality is the published quality loss of each candidate against F16;
// F16 is the reference itself.
var quality = map[gguf.FileType]results.PlanQuality{
	gguf.FileTypeF16:    {DeltaPPL: 0, KLD: 0, SameTopPct: 100},
	gguf.FileTypeQ8_0:   {DeltaPPL: 0.0027, KLD: 0.00136, SameTopPct: 97.67},
	gguf.FileTypeQ6_K:   {DeltaPPL: 0.0217, KLD: 0.00545, SameTopPct: 96.03},
	gguf.FileTypeQ5_K_M: {DeltaPPL: 0.0570, KLD: 0.01076},
	gguf.FileTypeQ4_K_M: {DeltaPPL: 0.1755, KLD: 0.03127, SameTopPct: 91.90},
	gguf.FileTypeQ4_0:   {DeltaPPL: 0.4685, KLD: 0.07194},
	gguf.FileTypeQ3_K_M: {DeltaPPL: 0.6569, KLD: 0.10191},
	gguf.FileTypeQ2_K:   {DeltaPPL: 3.5199, KLD: 0.44513, SameTopPct: 71.14},
}

// Candidates returns the file types the planner weighs, best quality first.
func Candidates() []gguf.FileType {
	return []gguf.FileType{gguf.FileTypeF16, gguf.FileTypeQ8_0, gguf.FileTypeQ6_K, gguf.FileTypeQ5_K_M,
		gguf.FileTypeQ4_K_M, gguf.FileTypeQ4_0, gguf.FileTypeQ3_K_M, gguf.FileTypeQ2_K}
}

// nominalBPW is the bits per weight of each candidate on Llama-3-8B (the
// DESIGN.md table), used to rank candidates by expected quality whatever
// the fallbacks of a particular shape do to their sizes.
var nominalBPW = map[gguf.FileType]float64{
	gguf.FileTypeF16: 16, gguf.FileTypeQ8_0: 8.5, gguf.FileTypeQ6_K: 6.56, gguf.FileTypeQ5_K_M: 5.70,
	gguf.FileTypeQ4_K_M: 4.89, gguf.FileTypeQ4_0: 4.64, gguf.FileTypeQ3_K_M: 4.0, gguf.FileTypeQ2_K: 3.16,
}

// rank orders file types by expected quality, higher first: the table's
// bits per weight, else those of the type's main tensor type.
func rank(name string) float64 {
	ft, err := gguf.ParseFileType(name)
	if err != nil {
		return 0
	}
	if b, ok := nominalBPW[ft]; ok {
		return b
	}
	return recipe.MainType(ft).BitsPerWeight()
}

// qualityOf returns the prior for ft; a file type outside the table gets
// no figures and says so.
func qualityOf(ft gguf.FileType) results.PlanQuality {
	q, ok := quality[ft]
	if !ok {
		return results.PlanQuality{Source: "no published figure for " + ft.String()}
	}
	q.Source = qualitySource
	if ft == gguf.FileTypeF16 {
		q.Source = "reference (unquantized)"
	}
	return q
}
