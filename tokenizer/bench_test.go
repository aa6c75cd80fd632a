package tokenizer

import (
	"os"
	"testing"
)

// BenchmarkEncodeWarAndPeace tokenizes the whole novel in one call
// (go test ./tokenizer -run '^$' -bench WarAndPeace -benchtime 3x).
func BenchmarkEncodeWarAndPeace(b *testing.B) {
	text, err := os.ReadFile(sharedFile(b, "war-and-peace.txt"))
	if err != nil {
		b.Fatal(err)
	}
	for _, tv := range testVocabs {
		b.Run(tv.name, func(b *testing.B) {
			_, tok := fixture(b, tv.name)
			b.SetBytes(int64(len(text)))
			b.ResetTimer()
			for b.Loop() {
				tok.Encode(string(text), true, false)
			}
		})
	}
}
