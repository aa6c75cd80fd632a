package tokenizer

// The pre-tokenizers of byte-level BPE vocabularies split text into words
// before merges run; merges never cross a word boundary. Each pre-tokenizer is
// a list of stages, as llama.cpp's regex lists are: every stage splits each
// segment left by the previous stage again. llama.cpp runs the GPT-2 and
// Llama 3 patterns through hand-written scanners and the others through
// std::regex on a text whose code points are collapsed to their category; the
// matchers here are hand-written equivalents of both (pretokenize_test.go
// checks them against dlclark/regexp2 running the original patterns).

// cptText is a text decoded into code points with their class bits.
type cptText struct {
	cpts  []rune
	flags []uint8
}

func (t *cptText) reset(s string) {
	t.cpts = decodeCpts(s, t.cpts)
	t.flags = t.flags[:0]
	for _, r := range t.cpts {
		t.flags = append(t.flags, cptFlags(r))
	}
}

// matcher reports the length in code points of the match that starts at pos
// in the segment that ends at end, or 0 where no match starts there.
type matcher func(t *cptText, pos, end int) int

// preTokenizer is the list of stages selected by tokenizer.ggml.pre.
type preTokenizer []matcher

// split applies every stage in turn and returns the segment lengths in code
// points. Text between matches becomes a segment of its own, as it does in
// llama.cpp's regex splitter.
func (p preTokenizer) split(t *cptText, segs []int) []int {
	segs = append(segs[:0], len(t.cpts))
	if len(t.cpts) == 0 {
		return segs[:0]
	}
	var next []int
	for _, m := range p {
		next = next[:0]
		start := 0
		for _, n := range segs {
			end := start + n
			gap := start
			for pos := start; pos < end; {
				k := m(t, pos, end)
				if k == 0 {
					pos++
					continue
				}
				if pos > gap {
					next = append(next, pos-gap)
				}
				next = append(next, k)
				pos += k
				gap = pos
			}
			if gap < end {
				next = append(next, end-gap)
			}
			start = end
		}
		segs, next = next, segs
	}
	return segs
}

const (
	wsLetterNumber = flagWhitespace | flagLetter | flagNumber
)

func isCRLF(r rune) bool { return r == '\r' || r == '\n' }

func asciiLower(r rune) rune {
	if r >= 'A' && r <= 'Z' {
		return r + 'a' - 'A'
	}
	return r
}

// contraction matches 's 't 're 've 'm 'll 'd, ignoring case when fold is set.
func contraction(t *cptText, pos, end int, fold bool) int {
	if t.cpts[pos] != '\'' || pos+1 >= end {
		return 0
	}
	low := func(r rune) rune {
		if fold {
			return asciiLower(r)
		}
		return r
	}
	switch low(t.cpts[pos+1]) {
	case 's', 't', 'm', 'd':
		return 2
	}
	if pos+2 >= end {
		return 0
	}
	a, b := low(t.cpts[pos+1]), low(t.cpts[pos+2])
	if (a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l') {
		return 3
	}
	return 0
}

// whitespaceRun matches \s+(?!\S)|\s+ at pos, and with crlf also the
// \s*[\r\n]+ alternative that precedes them in the Llama 3 pattern.
func whitespaceRun(t *cptText, pos, end int, crlf bool) int {
	n, lastCRLF := 0, 0
	for pos+n < end && t.flags[pos+n]&flagWhitespace != 0 {
		if isCRLF(t.cpts[pos+n]) {
			lastCRLF = n + 1
		}
		n++
	}
	switch {
	case crlf && lastCRLF > 0:
		return lastCRLF
	case n > 1 && pos+n < end:
		return n - 1
	case n > 0:
		return n
	}
	return 1
}

// llama3Matcher matches the Llama 3 pattern
// (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,maxDigits}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+
// (maxDigits 3), and with maxDigits 1 the Qwen2 pattern.
func llama3Matcher(maxDigits int) matcher {
	return func(t *cptText, pos, end int) int {
		if k := contraction(t, pos, end, true); k > 0 {
			return k
		}
		c, f := t.cpts[pos], t.flags[pos]
		if !isCRLF(c) && f&flagNumber == 0 {
			if f&flagLetter != 0 || (pos+1 < end && t.flags[pos+1]&flagLetter != 0) {
				p := pos + 1
				for p < end && t.flags[p]&flagLetter != 0 {
					p++
				}
				return p - pos
			}
		}
		if f&flagNumber != 0 {
			p := pos
			for p < end && p-pos < maxDigits && t.flags[p]&flagNumber != 0 {
				p++
			}
			return p - pos
		}
		p := pos
		if c == ' ' {
			p++
		}
		if p >= end || t.flags[p]&wsLetterNumber == 0 {
			for p < end && t.flags[p]&wsLetterNumber == 0 {
				p++
			}
			for p < end && isCRLF(t.cpts[p]) {
				p++
			}
			return p - pos
		}
		return whitespaceRun(t, pos, end, true)
	}
}

// gpt2Match matches the GPT-2 pattern
// 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+.
func gpt2Match(t *cptText, pos, end int) int {
	if k := contraction(t, pos, end, false); k > 0 {
		return k
	}
	p := pos
	if t.cpts[pos] == ' ' {
		p++
	}
	if p >= end || t.flags[p]&flagWhitespace != 0 {
		return whitespaceRun(t, pos, end, false)
	}
	// The first character after the optional space picks the alternative:
	// a run of letters, of numbers, or of anything else but whitespace.
	in := func(f uint8) bool { return f&wsLetterNumber == 0 }
	switch f := t.flags[p]; {
	case f&flagLetter != 0:
		in = func(f uint8) bool { return f&flagLetter != 0 }
	case f&flagNumber != 0:
		in = func(f uint8) bool { return f&flagNumber != 0 }
	}
	for p < end && in(t.flags[p]) {
		p++
	}
	return p - pos
}

// numberMatch matches \p{N}.
func numberMatch(t *cptText, pos, _ int) int {
	if t.flags[pos]&flagNumber != 0 {
		return 1
	}
	return 0
}

// numberRunMatch matches \p{N}+.
func numberRunMatch(t *cptText, pos, end int) int {
	p := pos
	for p < end && t.flags[p]&flagNumber != 0 {
		p++
	}
	return p - pos
}

// punctRunMatch matches [\p{P}\$\+<=>\^~\|]+.
func punctRunMatch(t *cptText, pos, end int) int {
	p := pos
	for p < end {
		switch c := t.cpts[p]; {
		case t.flags[p]&flagPunct != 0,
			c == '$', c == '+', c == '<', c == '=', c == '>', c == '^', c == '~', c == '|':
			p++
			continue
		}
		break
	}
	return p - pos
}

// digits3Match matches [0-9][0-9][0-9].
func digits3Match(t *cptText, pos, end int) int {
	if pos+3 > end {
		return 0
	}
	for _, c := range t.cpts[pos : pos+3] {
		if c < '0' || c > '9' {
			return 0
		}
	}
	return 3
}

// preSpec is a pre-tokenizer with the flags that llama.cpp sets beside it.
type preSpec struct {
	stages       preTokenizer
	ignoreMerges bool // a word found whole in the vocabulary is one token
	addBOS       bool // default of tokenizer.ggml.add_bos_token
	cleanSpaces  bool // detokenization removes the space before , . ? ! and some contractions
}

var (
	llama3Spec  = preSpec{preTokenizer{llama3Matcher(3)}, true, true, true}
	qwen2Spec   = preSpec{preTokenizer{llama3Matcher(1)}, false, false, false}
	smollmSpec  = preSpec{preTokenizer{numberMatch, gpt2Match}, false, false, false}
	gpt2Spec    = preSpec{preTokenizer{gpt2Match}, false, false, true}
	defaultSpec = preSpec{preTokenizer{punctRunMatch, gpt2Match, numberRunMatch, digits3Match}, false, false, true}
)

// preTokenizers maps the tokenizer.ggml.pre values that odbench supports to
// their specs; an absent value means "default", as in llama.cpp.
var preTokenizers = map[string]preSpec{
	"":          defaultSpec,
	"default":   defaultSpec,
	"llama3":    llama3Spec,
	"llama-v3":  llama3Spec,
	"llama-bpe": llama3Spec,
	"qwen2":     qwen2Spec,
	"smollm":    smollmSpec,
	"gpt-2":     gpt2Spec,
}
