package tokenizer

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/odbench/odbench/gguf"
)

// edgeCases are texts where tokenizers tend to differ.
var edgeCases = []string{
	"", " ", "  ", "   ", "\t", "\n", "\n\n", "\r\n", " \n", "\n ", "\n\n\n\t ", "  \t \n  x",
	"Hello", " Hello", "  Hello", "Hello world", "Hello  world", "Hello\tworld", "Hello\nworld",
	"trailing space ", "trailing spaces   ", "tab\t\tend", strings.Repeat(" ", 100) + "x",
	"1", "12", "123", "1234", "12345", "123456789", "3.14159", "1,000,000", "x=10+20", "a1b22c333d4444",
	"I'm", "you're", "they'll", "we've", "he'd", "it's", "don't", "I'M", "YOU'RE", "O'Neil's", "'s", "' s", "''", "rock 'n' roll",
	"😀", "🦙 llama", "👨‍👩‍👧‍👦", "\U0001F600\U0001F601", "你好世界", "日本語のテキスト", "한국어", "café", "naïve résumé",
	"Ελληνικά", "Привет мир", "مرحبا", "עברית", "ﬁ ligature", "ÀÉÎÕÜ", "ǅ", "Ⅻ roman", "½ ¾", "²³", "٣٤٥", "१२३",
	"\u00a0nbsp", "a\u2003b", "zero\u200bwidth", "\x1c\x1d", "a\u0085b", "e\u0301", "\u3000full",
	"!!!", "...", "—–", "«quotes»", "`code` {x: [1, 2]}", "func main() {\n\tfmt.Println(\"hi\")\n}\n",
	"$+<=>^~|", "a$b+c", "email@example.com", "http://x.y/z?q=1&r=2",
	"<|begin_of_text|>Hello", "<|start_header_id|>user<|end_header_id|>\n\nHi<|eot_id|>", "<|eot_id|>",
	"<|im_start|> user \n hi <|im_end|>\n <|endoftext|>  x", "<s> \t</s>  \n",
	"text <|eot_id|> more", "<s>hi</s>", "<|im_start|>user\nhi<|im_end|>", "<tool_call>x</tool_call>", "<unk>",
	"\xff\xfe", "\xe2\x82", "a\xc3", "\xed\xa0\x80", "\xc0\xaf", "ok\x80ok",
	strings.Repeat("a", 300), strings.Repeat("ab ", 50),
}

// goldenCase is one line of an edge-case golden file. Text is Go-quoted so
// that invalid UTF-8 survives JSON.
type goldenCase struct {
	Text         string  `json:"text"`
	AddSpecial   bool    `json:"add_special"`
	ParseSpecial bool    `json:"parse_special"`
	IDs          []int32 `json:"ids"`
}

// encoder is what the golden files are generated from: llama.cpp.
type encoder interface {
	encode(text string, addSpecial, parseSpecial bool) []int32
}

// newOracle loads a vocabulary into llama.cpp; oracle_test.go sets it where
// yzma builds.
var newOracle func(t testing.TB, path string) encoder

func needOracle(t testing.TB, path string) encoder {
	t.Helper()
	if newOracle == nil {
		t.Fatal("-update needs llama.cpp, which this platform cannot load")
	}
	return newOracle(t, path)
}

// testVocabs are the vocabularies checked against llama.cpp.
var testVocabs = []struct {
	name string
	load func(testing.TB) vocab
	wap  bool // also compared on the whole of War and Peace
}{
	{"llama3", llama3Vocab, true},
	{"spm", spmVocab, true},
	{"spm-phi3", spmVariant(func(v *vocab) { v.name = "Phi-3 mini" }), false},
	{"spm-bare", spmVariant(func(v *vocab) {
		v.extra = func(w *gguf.Writer) {
			w.SetBool("tokenizer.ggml.add_space_prefix", false)
			w.SetBool("tokenizer.ggml.add_bos_token", false)
			w.SetBool("tokenizer.ggml.add_eos_token", true)
		}
	}), false},
	{"qwen2", withPre("qwen2"), false},
	{"smollm", withPre("smollm"), false},
	{"gpt-2", withPre("gpt-2"), false},
	{"default", withPre("default"), false},
}

// spmVariant is the SPM vocabulary with some change: Phi-3's name, which
// makes llama.cpp strip whitespace after special tokens, or Gemma's flags
// (no space prefix) with EOS instead of BOS.
func spmVariant(edit func(*vocab)) func(testing.TB) vocab {
	return func(t testing.TB) vocab {
		v := spmVocab(t)
		edit(&v)
		return v
	}
}

// withPre is the Llama 3 vocabulary under another pre-tokenizer.
func withPre(pre string) func(testing.TB) vocab {
	return func(t testing.TB) vocab {
		v := llama3Vocab(t)
		v.pre = pre
		return v
	}
}

func edgeGolden(t *testing.T, name, path string, tok *Tokenizer) []goldenCase {
	file := filepath.Join("testdata", "edge-"+name+".golden.json")
	if *update {
		o := needOracle(t, path)
		var cases []goldenCase
		for _, text := range edgeCases {
			for _, flags := range [][2]bool{{false, false}, {true, false}, {false, true}, {true, true}} {
				cases = append(cases, goldenCase{strconv.Quote(text), flags[0], flags[1], o.encode(text, flags[0], flags[1])})
			}
		}
		lines := make([]string, len(cases))
		for i, c := range cases {
			b, _ := json.Marshal(c)
			lines[i] = string(b)
		}
		if err := os.WriteFile(file, []byte("[\n"+strings.Join(lines, ",\n")+"\n]\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (regenerate with -update)", err)
	}
	var cases []goldenCase
	if err := json.Unmarshal(b, &cases); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	for i := range cases {
		if cases[i].Text, err = strconv.Unquote(cases[i].Text); err != nil {
			t.Fatalf("%s: text %q: %v", file, cases[i].Text, err)
		}
	}
	return cases
}

func TestEncodeEdgeCases(t *testing.T) {
	for _, tv := range testVocabs {
		t.Run(tv.name, func(t *testing.T) {
			path, tok := fixture(t, tv.name)
			cases := edgeGolden(t, tv.name, path, tok)
			if len(cases) != 4*len(edgeCases) {
				t.Fatalf("golden file has %d cases, want %d (regenerate with -update)", len(cases), 4*len(edgeCases))
			}
			for _, c := range cases {
				got := tok.Encode(c.Text, c.AddSpecial, c.ParseSpecial)
				if !equalIDs(got, c.IDs) {
					t.Errorf("Encode(%q, addSpecial=%v, parseSpecial=%v)\n got %v\nwant %v", c.Text, c.AddSpecial, c.ParseSpecial, got, c.IDs)
				}
			}
		})
	}
}

// wapChunks cuts War and Peace into pieces of at most 4 KB at line ends.
func wapChunks(t testing.TB) (whole string, chunks []string) {
	b, err := os.ReadFile(sharedFile(t, "war-and-peace.txt"))
	if err != nil {
		t.Fatal(err)
	}
	whole = string(b)
	for rest := whole; rest != ""; {
		n := min(len(rest), 4096)
		if i := strings.LastIndexByte(rest[:n], '\n'); i > 0 && n < len(rest) {
			n = i + 1
		}
		chunks = append(chunks, rest[:n])
		rest = rest[n:]
	}
	return whole, chunks
}

// idsDigest is a short fingerprint of a token sequence.
func idsDigest(ids []int32) string {
	h := sha256.New()
	binary.Write(h, binary.LittleEndian, ids)
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// wapLines renders the per-chunk golden lines: index, token count, digest,
// and a last line for the whole file encoded at once.
func wapLines(enc func(string) []int32, whole string, chunks []string) []string {
	var lines []string
	for i, c := range chunks {
		ids := enc(c)
		lines = append(lines, fmt.Sprintf("%d %d %s", i, len(ids), idsDigest(ids)))
	}
	ids := enc(whole)
	return append(lines, fmt.Sprintf("whole %d %s", len(ids), idsDigest(ids)))
}

func TestEncodeWarAndPeace(t *testing.T) {
	whole, chunks := wapChunks(t)
	for _, tv := range testVocabs {
		if !tv.wap {
			continue
		}
		t.Run(tv.name, func(t *testing.T) {
			path, tok := fixture(t, tv.name)
			file := filepath.Join("testdata", "wap-"+tv.name+".golden")
			if *update {
				o := needOracle(t, path)
				lines := wapLines(func(s string) []int32 { return o.encode(s, true, false) }, whole, chunks)
				if err := os.WriteFile(file, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (regenerate with -update)", err)
			}
			got := wapLines(func(s string) []int32 { return tok.Encode(s, true, false) }, whole, chunks)
			wantLines := strings.Split(strings.TrimRight(string(want), "\n"), "\n")
			if len(wantLines) != len(got) {
				t.Fatalf("%s has %d lines, want %d (regenerate with -update)", file, len(wantLines), len(got))
			}
			bad, tokens := 0, 0
			for i := range got {
				var n int
				fmt.Sscanf(strings.Fields(wantLines[i])[1], "%d", &n)
				tokens += n
				if got[i] != wantLines[i] {
					if bad < 5 {
						t.Errorf("chunk %s: got %q", wantLines[i], got[i])
					}
					bad++
				}
			}
			t.Logf("%s: War and Peace, %d chunks and the whole file: %d tokens from llama.cpp, %d chunks differ", tv.name, len(chunks), tokens, bad)
			if bad > 0 {
				t.Errorf("%d of %d chunks differ from llama.cpp", bad, len(got))
			}
		})
	}
}

func equalIDs(a, b []int32) bool {
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
