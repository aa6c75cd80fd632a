package tokenizer

import (
	"bufio"
	"cmp"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/odbench/odbench/gguf"
)

// fixtures holds the test vocabularies, written and loaded once per test
// binary because the Llama 3 one takes a second to build; TestMain removes
// the folder.
var fixtures struct {
	sync.Mutex
	dir   string
	paths map[string]string
	toks  map[string]*Tokenizer
}

func TestMain(m *testing.M) {
	code := m.Run()
	if fixtures.dir != "" {
		os.RemoveAll(fixtures.dir)
	}
	os.Exit(code)
}

// fixture returns the GGUF file and tokenizer of the test vocabulary name
// (one of testVocabs), building them on first use.
func fixture(t testing.TB, name string) (string, *Tokenizer) {
	t.Helper()
	fixtures.Lock()
	defer fixtures.Unlock()
	if p, ok := fixtures.paths[name]; ok {
		return p, fixtures.toks[name]
	}
	if fixtures.dir == "" {
		d, err := os.MkdirTemp("", "odbench-tokenizer-test-")
		if err != nil {
			t.Fatal(err)
		}
		fixtures.dir, fixtures.paths, fixtures.toks = d, map[string]string{}, map[string]*Tokenizer{}
	}
	for _, tv := range testVocabs {
		if tv.name != name {
			continue
		}
		dir := filepath.Join(fixtures.dir, name)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		p := writeGGUF(t, dir, tv.load(t))
		fixtures.paths[name], fixtures.toks[name] = p, openTokenizer(t, p)
		return p, fixtures.toks[name]
	}
	t.Fatalf("no test vocabulary %q", name)
	return "", nil
}

var update = flag.Bool("update", false, "regenerate testdata from llama.cpp (needs the library) and ../../shared/data")

// sharedData is the project's shared data folder, seen from this package.
const sharedData = "../../shared/data"

// sharedFile returns the path of a file in the shared data folder, skipping
// the test when it is absent.
func sharedFile(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join(sharedData, name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared data %s is absent (%v); skipping", p, err)
	}
	return p
}

// vocab is a tokenizer vocabulary on its way into a GGUF file.
type vocab struct {
	name       string // general.name; llama.cpp keys some token attributes on it
	model, pre string
	tokens     []string
	scores     []float32
	types      []int32
	merges     []string
	bos, eos   uint32
	extra      func(w *gguf.Writer)
}

// writeGGUF writes v into dir as a vocabulary-only llama GGUF file that
// llama.cpp loads with vocab_only, and returns its path.
func writeGGUF(t testing.TB, dir string, v vocab) string {
	t.Helper()
	path := filepath.Join(dir, v.model+".gguf")
	w, err := gguf.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w.SetString("general.architecture", "llama")
	w.SetString("general.name", cmp.Or(v.name, "odbench tokenizer test"))
	for k, n := range map[string]uint32{"context_length": 4096, "embedding_length": 64, "block_count": 1,
		"feed_forward_length": 128, "attention.head_count": 4, "attention.head_count_kv": 4, "rope.dimension_count": 16} {
		w.SetUint32("llama."+k, n)
	}
	w.SetFloat32("llama.attention.layer_norm_rms_epsilon", 1e-5)
	w.SetString("tokenizer.ggml.model", v.model)
	if v.pre != "" {
		w.SetString("tokenizer.ggml.pre", v.pre)
	}
	w.SetStrings("tokenizer.ggml.tokens", v.tokens)
	if v.scores != nil {
		w.SetFloat32s("tokenizer.ggml.scores", v.scores)
	}
	w.SetInt32s("tokenizer.ggml.token_type", v.types)
	if v.merges != nil {
		w.SetStrings("tokenizer.ggml.merges", v.merges)
	}
	w.SetUint32("tokenizer.ggml.bos_token_id", v.bos)
	w.SetUint32("tokenizer.ggml.eos_token_id", v.eos)
	if v.extra != nil {
		v.extra(w)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

// openTokenizer reads the GGUF file back and builds its tokenizer.
func openTokenizer(t testing.TB, path string) *Tokenizer {
	t.Helper()
	f, err := gguf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	tok, err := FromMetadata(&f.Metadata)
	if err != nil {
		t.Fatalf("FromMetadata(%s): %v", path, err)
	}
	return tok
}

// llama3Specials lists Llama 3.1's 256 special tokens, ids 128000-128255.
func llama3Specials() []string {
	s := []string{"<|begin_of_text|>", "<|end_of_text|>", "<|reserved_special_token_0|>", "<|reserved_special_token_1|>",
		"<|finetune_right_pad_id|>", "<|reserved_special_token_2|>", "<|start_header_id|>", "<|end_header_id|>",
		"<|eom_id|>", "<|eot_id|>", "<|python_tag|>"}
	for i := 3; len(s) < 256; i++ {
		s = append(s, fmt.Sprintf("<|reserved_special_token_%d|>", i))
	}
	return s
}

// llama3Vocab reads the Llama 3 vocabulary from the shared data folder
// (encoder.json and vocab.bpe, GPT-2 layout) and adds the special tokens.
func llama3Vocab(t testing.TB) vocab {
	t.Helper()
	dir := sharedFile(t, "llama3-tokenizer")
	raw, err := os.ReadFile(filepath.Join(dir, "encoder.json"))
	if err != nil {
		t.Fatal(err)
	}
	var enc map[string]int
	if err := json.Unmarshal(raw, &enc); err != nil {
		t.Fatalf("encoder.json: %v", err)
	}
	v := vocab{model: "gpt2", pre: "llama-bpe", bos: 128000, eos: 128009}
	v.tokens = make([]string, len(enc))
	for s, id := range enc {
		if id < 0 || id >= len(enc) || v.tokens[id] != "" {
			t.Fatalf("encoder.json: bad or repeated id %d", id)
		}
		v.tokens[id] = s
	}
	v.tokens = append(v.tokens, llama3Specials()...)
	v.types = make([]int32, len(v.tokens))
	for i := range v.types {
		v.types[i] = typeNormal
		if i >= len(enc) {
			v.types[i] = typeControl
		}
	}
	merges, err := os.ReadFile(filepath.Join(dir, "vocab.bpe"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimRight(string(merges), "\n"), "\n") {
		if !strings.HasPrefix(line, "#version") {
			v.merges = append(v.merges, line)
		}
	}
	return v
}

// The SPM test vocabulary lives in testdata/spm-vocab.tsv (piece, score,
// type per line), trained by trainSPM from a slice of War and Peace; it is
// regenerated with -update.
const spmVocabFile = "testdata/spm-vocab.tsv"

// spmVocab builds the SPM vocabulary in Llama 2's layout: <unk> <s> </s>,
// the 256 byte tokens, chat markers, then the trained pieces.
func spmVocab(t testing.TB) vocab {
	t.Helper()
	if *update {
		text, err := os.ReadFile(sharedFile(t, "war-and-peace.txt"))
		if err != nil {
			t.Fatal(err)
		}
		if err := writeSPMVocab(spmVocabFile, trainSPM(string(text[:200_000]), 3000)); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Open(spmVocabFile)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	v := vocab{model: "llama", bos: 1, eos: 2}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		parts := strings.Split(sc.Text(), "\t")
		if len(parts) != 3 {
			t.Fatalf("%s: bad line %q", spmVocabFile, sc.Text())
		}
		score, err1 := strconv.ParseFloat(parts[1], 32)
		typ, err2 := strconv.Atoi(parts[2])
		if err1 != nil || err2 != nil {
			t.Fatalf("%s: bad line %q", spmVocabFile, sc.Text())
		}
		v.tokens = append(v.tokens, parts[0])
		v.scores = append(v.scores, float32(score))
		v.types = append(v.types, int32(typ))
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return v
}

type spmPiece struct {
	text  string
	score float32
	typ   int32
}

// trainSPM learns a SentencePiece-style BPE vocabulary from text: words get
// a ▁ prefix, the most frequent neighbouring pair is merged nMerges times,
// and earlier merges score higher, so llama.cpp's highest-score-first
// merging retraces the training.
func trainSPM(text string, nMerges int) []spmPiece {
	pieces := []spmPiece{{"<unk>", 0, typeUnknown}, {"<s>", 0, typeControl}, {"</s>", 0, typeControl}}
	for b := 0; b < 256; b++ {
		pieces = append(pieces, spmPiece{fmt.Sprintf("<0x%02X>", b), 0, typeByte})
	}
	pieces = append(pieces, spmPiece{"<|im_start|>", 0, typeControl}, spmPiece{"<|im_end|>", 0, typeControl},
		spmPiece{"<|endoftext|>", 0, typeControl}, spmPiece{"<tool_call>", 0, typeUserDefined})

	freq := map[string]int{}
	for _, w := range strings.Fields(text) {
		freq["\u2581"+w]++
	}
	type word struct {
		syms []string
		n    int
	}
	var words []word
	chars := map[string]int{}
	for w, n := range freq {
		var syms []string
		for _, r := range w {
			syms = append(syms, string(r))
			chars[string(r)] += n
		}
		words = append(words, word{syms, n})
	}
	sort.Slice(words, func(i, j int) bool { return strings.Join(words[i].syms, "") < strings.Join(words[j].syms, "") })
	var merged []string
	for k := 0; k < nMerges; k++ {
		pairs := map[[2]string]int{}
		for _, w := range words {
			for i := 1; i < len(w.syms); i++ {
				pairs[[2]string{w.syms[i-1], w.syms[i]}] += w.n
			}
		}
		var best [2]string
		bestN := 0
		for p, n := range pairs {
			if n > bestN || n == bestN && p[0]+" "+p[1] < best[0]+" "+best[1] {
				best, bestN = p, n
			}
		}
		if bestN < 2 {
			break
		}
		m := best[0] + best[1]
		merged = append(merged, m)
		for wi := range words {
			s := words[wi].syms
			out := s[:0]
			for i := 0; i < len(s); i++ {
				if i+1 < len(s) && s[i] == best[0] && s[i+1] == best[1] {
					out = append(out, m)
					i++
					continue
				}
				out = append(out, s[i])
			}
			words[wi].syms = out
		}
	}
	seen := map[string]bool{}
	for _, p := range pieces {
		seen[p.text] = true
	}
	for i, m := range merged {
		if !seen[m] {
			seen[m] = true
			pieces = append(pieces, spmPiece{m, float32(-i), typeNormal})
		}
	}
	// Single characters score below every merge, the rarer the lower.
	var cs []string
	for c := range chars {
		cs = append(cs, c)
	}
	sort.Slice(cs, func(i, j int) bool {
		return chars[cs[i]] > chars[cs[j]] || chars[cs[i]] == chars[cs[j]] && cs[i] < cs[j]
	})
	for i, c := range cs {
		if !seen[c] {
			seen[c] = true
			pieces = append(pieces, spmPiece{c, float32(-len(merged) - i), typeNormal})
		}
	}
	return pieces
}

func writeSPMVocab(path string, pieces []spmPiece) error {
	var b strings.Builder
	for _, p := range pieces {
		fmt.Fprintf(&b, "%s\t%g\t%d\n", p.text, p.score, p.typ)
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}
