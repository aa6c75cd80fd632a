package tokenizer

import (
	"math/rand/v2"
	"os"
	"strings"
	"testing"

	"github.com/dlclark/regexp2"
)

// The regular expressions behind each pre-tokenizer, as llama.cpp lists them
// (with its case-folding rewrite of the Llama 3 and Qwen2 contractions).
const (
	reGPT2   = `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)`
	reLlama3 = `(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
	reQwen2  = `(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
)

var preRegexes = map[string][]string{
	"llama3":  {reLlama3},
	"qwen2":   {reQwen2},
	"smollm":  {`\p{N}`, reGPT2},
	"gpt-2":   {reGPT2},
	"default": {`[\p{P}\$\+<=>\^~\|]+`, reGPT2, `\p{N}+`, `[0-9][0-9][0-9]`},
}

// Category stand-ins of llama.cpp's collapsed text, and the ASCII members of
// each category that stay themselves.
var collapsed = map[string]struct {
	r     rune
	ascii string
}{
	`\p{N}`: {0xD1, `0-9`},
	`\p{L}`: {0xD2, `A-Za-z`},
	`\p{P}`: {0xD3, `!-#%-*,-/:-;?-@\[-\]_\{\}`},
	`\p{M}`: {0xD4, ``},
	`\p{S}`: {0xD5, `\$\+<->\^` + "`" + `\|`},
}

// collapseText replaces every non-ASCII code point by its category's
// stand-in, as llama.cpp does before running std::regex.
func collapseText(t *cptText) []rune {
	out := make([]rune, len(t.cpts))
	for i, r := range t.cpts {
		f := t.flags[i]
		switch {
		case r < 0x80:
			out[i] = r
		case f&flagWhitespace != 0:
			out[i] = 0x0B
		case f&flagNumber != 0:
			out[i] = 0xD1
		case f&flagLetter != 0:
			out[i] = 0xD2
		case f&flagPunct != 0:
			out[i] = 0xD3
		case f&flagMark != 0:
			out[i] = 0xD4
		case f&flagSymbol != 0:
			out[i] = 0xD5
		default:
			out[i] = 0xD0
		}
	}
	return out
}

// collapseRegex rewrites \p{X} into a class of its stand-in and ASCII members.
func collapseRegex(expr string) string {
	var b strings.Builder
	inside := false
	for i := 0; i < len(expr); i++ {
		c := expr[i]
		if c == '[' && (i == 0 || expr[i-1] != '\\') {
			inside = true
		} else if c == ']' && inside && expr[i-1] != '\\' {
			inside = false
		}
		if c == '\\' && strings.HasPrefix(expr[i:], `\p{`) && len(expr) >= i+5 {
			if cat, ok := collapsed[expr[i:i+5]]; ok {
				class := string(cat.r) + cat.ascii
				if !inside {
					class = "[" + class + "]"
				}
				b.WriteString(class)
				i += 4
				continue
			}
		}
		b.WriteByte(c)
	}
	return b.String()
}

// regexSplit is the reference splitter: regexp2 running the collapsed
// patterns stage by stage, text between matches kept as segments.
func regexSplit(t *testing.T, exprs []string, ct *cptText) []int {
	text := collapseText(ct)
	segs := []int{len(text)}
	if len(text) == 0 {
		return nil
	}
	for _, e := range exprs {
		re := regexp2.MustCompile(collapseRegex(e), regexp2.None)
		var next []int
		start := 0
		for _, n := range segs {
			seg := text[start : start+n]
			gap := 0
			m, err := re.FindRunesMatch(seg)
			for ; m != nil && err == nil; m, err = re.FindNextMatch(m) {
				if m.Index > gap {
					next = append(next, m.Index-gap)
				}
				next = append(next, m.Length)
				gap = m.Index + m.Length
			}
			if err != nil {
				t.Fatal(err)
			}
			if gap < n {
				next = append(next, n-gap)
			}
			start += n
		}
		segs = next
	}
	return segs
}

// TestPreTokenizersMatchRegex checks the hand-written matchers against the
// regular expressions they stand for, on the edge cases, random texts and a
// slice of War and Peace.
func TestPreTokenizersMatchRegex(t *testing.T) {
	texts := append([]string(nil), edgeCases...)
	r := rand.New(rand.NewPCG(7, 7))
	for range 500 {
		texts = append(texts, randomText(r))
	}
	if b, err := os.ReadFile(sharedData + "/war-and-peace.txt"); err == nil {
		texts = append(texts, string(b[:min(len(b), 30_000)]))
	}
	for name, exprs := range preRegexes {
		spec, ok := preTokenizers[name]
		if !ok {
			t.Fatalf("pre-tokenizer %q is not registered", name)
		}
		bad := 0
		var ct cptText
		for _, text := range texts {
			ct.reset(text)
			got := spec.stages.split(&ct, nil)
			want := regexSplit(t, exprs, &ct)
			if !equalInts(got, want) {
				if bad < 3 {
					t.Errorf("%s: split(%q)\n got %v\nwant %v", name, text, got, want)
				}
				bad++
			}
		}
		if bad > 0 {
			t.Errorf("%s: %d of %d texts split differently", name, bad, len(texts))
		}
	}
}

// fuzzPieces are the building blocks of random test texts.
var fuzzPieces = []string{"a", "Z", "the", " ", "  ", "\n", "\r", "\t", "'", "s", "LL", "re", "1", "23", "4567",
	"é", "e\u0301", "😀", "中文", "ß", "<|eot_id|>", "<s>", "</s>", "<|im_start|>", "<tool_call>", "\u2581", "\xff", "\xe2\x82",
	"\u00a0", "\u3000", ".", ",", "!", "?", "$", "+", "<", "|", "٣", "Ⅻ", "_", "-", "—", "\"", "(", ")"}

func randomText(r *rand.Rand) string {
	var b strings.Builder
	for n := r.IntN(24); n >= 0; n-- {
		b.WriteString(fuzzPieces[r.IntN(len(fuzzPieces))])
	}
	return b.String()
}

func equalInts(a, b []int) bool {
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
