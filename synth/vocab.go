package synth

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Token types as llama.cpp stores them in tokenizer.ggml.token_type.
const (
	tokNormal  = 1
	tokControl = 3
	tokUnused  = 5
)

// Vocab is a byte-level BPE vocabulary in the form GGUF stores it.
type Vocab struct {
	Tokens []string // by id
	Types  []int32  // by id
	Merges []string // "a b", best first
	BOS    uint32
	EOS    uint32
}

// byteRunes maps each byte to the printable rune GPT-2's byte-level BPE
// uses for it: printable Latin-1 bytes stand for themselves, the others are
// numbered from U+0100 upwards in byte order.
func byteRunes() [256]rune {
	var m [256]rune
	next := rune(256)
	for b := 0; b < 256; b++ {
		if (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF) {
			m[b] = rune(b)
		} else {
			m[b] = next
			next++
		}
	}
	return m
}

// commonWords seed the merges of the generated vocabulary.
var commonWords = strings.Fields(`the of and to in is was that for it with as his on be at by had
not are but from or have an they which one you were her all she there would their we him been has
when who will more no if out so said what up its about into than them can only other new some could
time these two may then do first any my now such like our over man me even most made after also did
many before must through back years where much your way well down should because each just those
people how too little state good very make world still own see men work long get here between both
life being under never day same another know while last might us great old year off come since
against go came right used take three`)

// GeneratedVocab returns a small valid byte-level BPE vocabulary padded to
// size tokens: the 256 byte tokens, merges that build common English words
// (with and without a leading space), the control tokens
// <|begin_of_text|> (BOS), <|end_of_text|> (EOS), <unk>, <s>, </s> and
// <|endoftext|>, and unused [PADn] tokens.
func GeneratedVocab(size int) (Vocab, error) {
	br := byteRunes()
	v := Vocab{}
	have := map[string]bool{}
	add := func(tok string, typ int32) {
		v.Tokens = append(v.Tokens, tok)
		v.Types = append(v.Types, typ)
		have[tok] = true
	}
	for b := 0; b < 256; b++ {
		add(string(br[b]), tokNormal)
	}
	space := string(br[' '])
	for _, w := range commonWords {
		for _, word := range []string{w, space + w} {
			rs := []rune(word)
			prefix := string(rs[0])
			for _, r := range rs[1:] {
				merged := prefix + string(r)
				if !have[merged] {
					v.Merges = append(v.Merges, prefix+" "+string(r))
					add(merged, tokNormal)
				}
				prefix = merged
			}
		}
	}
	v.BOS = uint32(len(v.Tokens))
	add("<|begin_of_text|>", tokControl)
	v.EOS = uint32(len(v.Tokens))
	add("<|end_of_text|>", tokControl)
	// llama.cpp looks these up by text for Phi-3 models (by general.name)
	// and fails to load a vocabulary without them.
	for _, tok := range []string{"<unk>", "<s>", "</s>", "<|endoftext|>"} {
		add(tok, tokControl)
	}
	return v.pad(size)
}

// pad fills the vocabulary with unused tokens up to size.
func (v Vocab) pad(size int) (Vocab, error) {
	if len(v.Tokens) > size {
		return Vocab{}, fmt.Errorf("vocabulary has %d tokens, more than the model's %d", len(v.Tokens), size)
	}
	for i := len(v.Tokens); i < size; i++ {
		v.Tokens = append(v.Tokens, fmt.Sprintf("[PAD%d]", i))
		v.Types = append(v.Types, tokUnused)
	}
	return v, nil
}

// maxVocab bounds the vocabulary read from a folder.
const maxVocab = 1 << 21

// llama3Base is the size of Llama 3's BPE vocabulary, after which its 256
// special tokens start.
const llama3Base = 128000

// LoadVocab builds a vocabulary of size tokens from a GPT-2-layout folder:
// encoder.json (token → id) and vocab.bpe (a "#version" line, then one
// merge "a b" per line, best first). When the folder holds Llama 3's
// 128,000 tokens, Llama 3's 256 special tokens follow them
// (<|begin_of_text|> = 128000 is BOS, <|end_of_text|> = 128001 EOS,
// <|eot_id|> = 128009, reserved tokens elsewhere); otherwise
// <|begin_of_text|> and <|end_of_text|> are appended.
func LoadVocab(dir string, size int) (Vocab, error) {
	encPath := filepath.Join(dir, "encoder.json")
	data, err := os.ReadFile(encPath)
	if err != nil {
		return Vocab{}, fmt.Errorf("vocabulary: %w", err)
	}
	var enc map[string]int
	if err := json.Unmarshal(data, &enc); err != nil {
		return Vocab{}, fmt.Errorf("vocabulary %s: %w", encPath, err)
	}
	if len(enc) == 0 || len(enc) > maxVocab {
		return Vocab{}, fmt.Errorf("vocabulary %s: %d tokens, want 1..%d", encPath, len(enc), maxVocab)
	}
	v := Vocab{Tokens: make([]string, len(enc)), Types: make([]int32, len(enc))}
	for tok, id := range enc {
		if id < 0 || id >= len(enc) || v.Types[id] != 0 {
			return Vocab{}, fmt.Errorf("vocabulary %s: token %q has id %d: ids must be 0..%d, each once", encPath, tok, id, len(enc)-1)
		}
		v.Tokens[id], v.Types[id] = tok, tokNormal
	}
	if v.Merges, err = readMerges(filepath.Join(dir, "vocab.bpe"), enc); err != nil {
		return Vocab{}, err
	}
	if len(v.Tokens) == llama3Base {
		v.BOS, v.EOS = llama3Base, llama3Base+1
		for _, name := range llama3Specials() {
			v.Tokens = append(v.Tokens, name)
			v.Types = append(v.Types, tokControl)
		}
	} else {
		v.BOS = uint32(len(v.Tokens))
		v.Tokens = append(v.Tokens, "<|begin_of_text|>", "<|end_of_text|>")
		v.Types = append(v.Types, tokControl, tokControl)
		v.EOS = v.BOS + 1
	}
	return v.pad(size)
}

// llama3Specials returns Llama 3's 256 special tokens in id order from 128000.
func llama3Specials() []string {
	named := []string{"<|begin_of_text|>", "<|end_of_text|>", "<|reserved_special_token_0|>",
		"<|reserved_special_token_1|>", "<|finetune_right_pad_id|>", "<|reserved_special_token_2|>",
		"<|start_header_id|>", "<|end_header_id|>", "<|eom_id|>", "<|eot_id|>", "<|python_tag|>"}
	for i := 3; len(named) < 256; i++ {
		named = append(named, fmt.Sprintf("<|reserved_special_token_%d|>", i))
	}
	return named
}

var errBadMerge = errors.New("bad merge")

// readMerges reads vocab.bpe, checking that both halves and the result of
// each merge are tokens.
func readMerges(path string, enc map[string]int) ([]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("vocabulary: %w", err)
	}
	defer f.Close()
	var merges []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64*1024), 1<<20)
	for line := 1; sc.Scan(); line++ {
		s := sc.Text()
		if s == "" || (line == 1 && strings.HasPrefix(s, "#")) {
			continue
		}
		a, b, ok := strings.Cut(s, " ")
		_, okA := enc[a]
		_, okB := enc[b]
		_, okAB := enc[a+b]
		if !ok || !okA || !okB || !okAB {
			return nil, fmt.Errorf("vocabulary %s line %d: %w %q: want two tokens whose join is a token", path, line, errBadMerge, s)
		}
		if len(merges) >= maxVocab {
			return nil, fmt.Errorf("vocabulary %s: more than %d merges", path, maxVocab)
		}
		merges = append(merges, s)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("vocabulary %s: %w", path, err)
	}
	return merges, nil
}
