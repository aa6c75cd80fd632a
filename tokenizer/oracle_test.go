//go:build !android

package tokenizer

import (
	"math/rand/v2"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/hybridgroup/yzma/pkg/llama"
)

// The oracle is llama.cpp itself, loaded through yzma from
// $ODBENCH_LLAMA_LIB or from the folder that `make llama-lib` fills
// (.cache/llama-lib/<platform>@3.22.1, holding libllama.so and the ggml
// libraries under the names yzma opens). This test does not import the
// llamacpp runner, so that it stays independent of that package.
var (
	llamaOnce sync.Once
	llamaErr  error
)

// needLlama loads llama.cpp once, skipping the test when it is absent.
func needLlama(t testing.TB) {
	t.Helper()
	llamaOnce.Do(func() {
		dirs, _ := filepath.Glob("../.cache/llama-lib/*@3.22.1")
		if d := os.Getenv("ODBENCH_LLAMA_LIB"); d != "" {
			dirs = []string{d}
		}
		llamaErr = os.ErrNotExist
		for _, d := range dirs {
			if llamaErr = llama.Load(d); llamaErr == nil {
				llama.LogSet(llama.LogSilent())
				llama.BackendInit()
				return
			}
		}
	})
	if llamaErr != nil {
		t.Skipf("llama.cpp is not available (set ODBENCH_LLAMA_LIB or run make llama-lib), so the comparison with it is skipped: %v", llamaErr)
	}
}

// oracle is a vocabulary loaded by llama.cpp.
type oracle struct {
	model llama.Model
	vocab llama.Vocab
}

func loadOracle(t testing.TB, path string) *oracle {
	t.Helper()
	needLlama(t)
	p := llama.ModelDefaultParams()
	p.VocabOnly = 1
	m, err := llama.ModelLoadFromFile(path, p)
	if err != nil {
		t.Fatalf("llama.cpp cannot load %s: %v", path, err)
	}
	t.Cleanup(func() { llama.ModelFree(m) })
	return &oracle{model: m, vocab: llama.ModelGetVocab(m)}
}

func (o *oracle) encode(text string, addSpecial, parseSpecial bool) []int32 {
	toks := llama.Tokenize(o.vocab, text, addSpecial, parseSpecial)
	ids := make([]int32, len(toks))
	for i, tk := range toks {
		ids[i] = int32(tk)
	}
	return ids
}

func (o *oracle) piece(id int32, special bool) string {
	buf := make([]byte, 256)
	n := llama.TokenToPiece(o.vocab, llama.Token(id), buf, 0, special)
	if n < 0 {
		buf = make([]byte, -n)
		n = llama.TokenToPiece(o.vocab, llama.Token(id), buf, 0, special)
	}
	return string(buf[:n])
}

func (o *oracle) decode(ids []int32) string {
	toks := make([]llama.Token, len(ids))
	for i, id := range ids {
		toks[i] = llama.Token(id)
	}
	return llama.Detokenize(o.vocab, toks, false, false)
}

func (o *oracle) isEOG(id int32) bool { return llama.VocabIsEOG(o.vocab, llama.Token(id)) }

func init() {
	newOracle = func(t testing.TB, path string) encoder { return loadOracle(t, path) }
}

// TestMatchesLlamaCpp compares everything the tokenizer answers with what
// llama.cpp answers for the same GGUF file: random texts in all four flag
// combinations, every token's piece with and without special rendering,
// end-of-generation flags and detokenization. (War and Peace is compared
// through the golden digests in TestEncodeWarAndPeace.)
func TestMatchesLlamaCpp(t *testing.T) {
	for _, tv := range testVocabs {
		t.Run(tv.name, func(t *testing.T) {
			path, tok := fixture(t, tv.name)
			o := loadOracle(t, path)

			if n := int(llama.VocabNTokens(o.vocab)); n != tok.VocabSize() {
				t.Fatalf("VocabSize = %d, llama.cpp has %d", tok.VocabSize(), n)
			}
			if got, want := tok.BOS(), int32(llama.VocabBOS(o.vocab)); got != want {
				t.Errorf("BOS = %d, llama.cpp %d", got, want)
			}
			if got, want := tok.EOS(), int32(llama.VocabEOS(o.vocab)); got != want {
				t.Errorf("EOS = %d, llama.cpp %d", got, want)
			}
			// Where the metadata names no EOT and several texts qualify,
			// llama.cpp's pick follows its hash map's order; both must end
			// generation all the same.
			if got, want := tok.EOT(), int32(llama.VocabEOT(o.vocab)); got != want && !(tok.IsEOG(got) && o.isEOG(got) && tok.IsEOG(want)) {
				t.Errorf("EOT = %d, llama.cpp %d", got, want)
			}
			if got, want := tok.Pad(), int32(llama.VocabPAD(o.vocab)); got != want {
				t.Errorf("Pad = %d, llama.cpp %d", got, want)
			}
			if got, want := tok.AddEOS(), llama.VocabGetAddEOS(o.vocab); got != want {
				t.Errorf("AddEOS = %v, llama.cpp %v", got, want)
			}
			if got, want := tok.AddBOS(), llama.VocabGetAddBOS(o.vocab); got != want {
				t.Errorf("AddBOS = %v, llama.cpp %v", got, want)
			}
			bad := 0
			for id := int32(0); tv.wap && id < int32(tok.VocabSize()); id++ {
				for _, special := range []bool{false, true} {
					if got, want := tok.piece(id, special), o.piece(id, special); got != want && bad < 5 {
						t.Errorf("piece(%d, special=%v) = %q, llama.cpp %q", id, special, got, want)
						bad++
					}
				}
				if got, want := tok.IsEOG(id), o.isEOG(id); got != want && bad < 5 {
					t.Errorf("IsEOG(%d %q) = %v, llama.cpp %v", id, tok.Text(id), got, want)
					bad++
				}
			}

			r := rand.New(rand.NewPCG(1, uint64(len(tv.name))))
			texts := append([]string(nil), edgeCases...)
			for range 300 {
				texts = append(texts, randomText(r))
			}
			compared, mismatched := 0, 0
			for _, text := range texts {
				for _, flags := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
					got, want := tok.Encode(text, flags[0], flags[1]), o.encode(text, flags[0], flags[1])
					compared++
					if !equalIDs(got, want) {
						if mismatched < 5 {
							t.Errorf("Encode(%q, %v, %v)\n got %v\nwant %v", text, flags[0], flags[1], got, want)
						}
						mismatched++
					}
				}
				ids := o.encode(text, true, true)
				if got, want := tok.Decode(ids), o.decode(ids); got != want {
					t.Errorf("Decode(%v) = %q, llama.cpp %q", ids, got, want)
				}
			}
			t.Logf("%s: %d encodings compared, %d differ", tv.name, compared, mismatched)

		})
	}
}
