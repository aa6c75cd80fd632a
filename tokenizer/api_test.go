package tokenizer

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/odbench/odbench/gguf"
)

// tinyBPE is a small but complete byte-level BPE vocabulary in GGUF metadata.
func tinyBPE() map[string]any {
	return map[string]any{
		"tokenizer.ggml.model":        "gpt2",
		"tokenizer.ggml.pre":          "gpt-2",
		"tokenizer.ggml.tokens":       []string{"a", "b", "ab", "Ġ", "Ġab", "<|eot_id|>", "<|end|>"},
		"tokenizer.ggml.token_type":   []int32{1, 1, 1, 1, 1, 3, 1},
		"tokenizer.ggml.merges":       []string{"a b", "Ġ ab"},
		"tokenizer.ggml.bos_token_id": uint32(5),
		"tokenizer.ggml.eos_token_id": uint32(5),
	}
}

func metadata(kv map[string]any) *gguf.Metadata {
	var m gguf.Metadata
	for k, v := range kv {
		m.Set(k, gguf.MustValue(v))
	}
	return &m
}

func TestFromMetadataErrors(t *testing.T) {
	cases := []struct {
		name        string
		edit        func(map[string]any)
		unsupported bool
		msg         string
	}{
		{"no model", func(m map[string]any) { delete(m, "tokenizer.ggml.model") }, false, "tokenizer.ggml.model is missing"},
		{"bert", func(m map[string]any) { m["tokenizer.ggml.model"] = "bert" }, true, `"bert"`},
		{"unknown pre", func(m map[string]any) { m["tokenizer.ggml.pre"] = "klingon" }, true, `"klingon"`},
		{"no tokens", func(m map[string]any) { delete(m, "tokenizer.ggml.tokens") }, false, "tokenizer.ggml.tokens is missing"},
		{"no merges", func(m map[string]any) { delete(m, "tokenizer.ggml.merges") }, false, "tokenizer.ggml.merges is missing"},
		{"duplicate", func(m map[string]any) {
			m["tokenizer.ggml.tokens"] = []string{"a", "b", "a", "Ġ", "Ġab", "<|eot_id|>", "<|end|>"}
		}, false, `duplicate token "a"`},
		{"short scores", func(m map[string]any) { m["tokenizer.ggml.scores"] = []float32{0} }, false, "scores has 1 entries for 7 tokens"},
		{"short types", func(m map[string]any) { m["tokenizer.ggml.token_type"] = []int32{1} }, false, "token_type has 1 entries for 7 tokens"},
		{"bos required", func(m map[string]any) {
			delete(m, "tokenizer.ggml.bos_token_id")
			m["tokenizer.ggml.add_bos_token"] = true
		}, false, "bos_token_id is not set"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			kv := tinyBPE()
			c.edit(kv)
			_, err := FromMetadata(metadata(kv))
			if err == nil {
				t.Fatal("FromMetadata succeeded, want an error")
			}
			if errors.Is(err, ErrUnsupported) != c.unsupported || !strings.Contains(err.Error(), c.msg) {
				t.Errorf("error %q: want it to mention %q (unsupported=%v)", err, c.msg, c.unsupported)
			}
		})
	}
}

func TestTinyBPE(t *testing.T) {
	tok, err := FromMetadata(metadata(tinyBPE()))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		text                     string
		addSpecial, parseSpecial bool
		want                     []int32
	}{
		{"ab ab", false, false, []int32{2, 4}},
		{"ab ab", true, false, []int32{2, 4}}, // gpt-2 adds no BOS by default
		{"ba<|eot_id|>", false, true, []int32{1, 0, 5}},
		{"a<|eot_id|>", false, false, []int32{0}}, // < | _ are not in the vocabulary: dropped as llama.cpp drops them
	}
	for _, c := range cases {
		if got := tok.Encode(c.text, c.addSpecial, c.parseSpecial); !equalIDs(got, c.want) {
			t.Errorf("Encode(%q, %v, %v) = %v, want %v", c.text, c.addSpecial, c.parseSpecial, got, c.want)
		}
	}
	if got := string(tok.Piece(4)); got != " ab" {
		t.Errorf("Piece(4) = %q, want %q", got, " ab")
	}
	if got := string(tok.Piece(5)); got != "<|eot_id|>" {
		t.Errorf("Piece(5) = %q, want the control token's text", got)
	}
	if got := tok.Decode([]int32{2, 5, 4}); got != "ab ab" {
		t.Errorf("Decode = %q, want %q (control tokens vanish)", got, "ab ab")
	}
	// <|end|> is end-of-generation by its text and becomes a control token.
	for id, want := range map[int32]bool{0: false, 5: true, 6: true} {
		if got := tok.IsEOG(id); got != want {
			t.Errorf("IsEOG(%d) = %v, want %v", id, got, want)
		}
	}
	if !tok.IsControl(6) || tok.EOT() != 5 || tok.Kind() != BPE || tok.VocabSize() != 7 {
		t.Errorf("IsControl(6)=%v EOT=%d Kind=%v VocabSize=%d", tok.IsControl(6), tok.EOT(), tok.Kind(), tok.VocabSize())
	}
}

// TestSPMRoundTrip checks that decoding gives back the text for the SPM
// vocabulary, whose byte fallback covers every byte. (After a user-defined
// token llama.cpp adds a space prefix again, so those texts do not round-trip.)
func TestSPMRoundTrip(t *testing.T) {
	_, tok := fixture(t, "spm")
	for _, text := range edgeCases {
		if ids := tok.Encode(text, true, false); len(ids) == 0 || ids[0] != tok.BOS() {
			t.Fatalf("Encode(%q) = %v: want BOS %d first", text, ids, tok.BOS())
		}
		if strings.Contains(text, "<tool_call>") {
			continue
		}
		if got := tok.Decode(tok.Encode(text, false, false)); got != text {
			t.Errorf("Decode(Encode(%q)) = %q", text, got)
		}
	}
	if id, ok := tok.ID("</s>"); !ok || !tok.IsEOG(id) || tok.IsEOG(tok.BOS()) {
		t.Errorf("</s> (%d) should end generation, <s> should not", id)
	}
}

func TestStreamDecoder(t *testing.T) {
	_, tok := fixture(t, "spm")
	for _, text := range []string{"日本語 and café 😀", "plain words only", "e\u0301\u0301 ﬁ 🦙🦙"} {
		ids := tok.Encode(text, true, false)
		d := tok.NewStreamDecoder()
		var b strings.Builder
		held := 0
		for _, id := range ids {
			s := d.Add(id)
			if !utf8.ValidString(s) {
				t.Errorf("%q: Add(%d) returned a partial sequence %q", text, id, s)
			}
			if s == "" && tok.Text(id) != "<s>" {
				held++
			}
			b.WriteString(s)
		}
		b.WriteString(d.Flush())
		if got, want := b.String(), " "+text; got != want {
			t.Errorf("streamed %q, want %q", got, want)
		}
		if utf8.RuneCountInString(text) != len(text) && held == 0 && strings.ContainsRune(text, '日') {
			t.Errorf("%q: no token was held back, though byte tokens split characters", text)
		}
	}
	d := tok.NewStreamDecoder()
	e6, _ := tok.ID("<0xE6>")
	if s := d.Add(e6); s != "" {
		t.Errorf("Add(<0xE6>) = %q, want it held back", s)
	}
	if s := d.Flush(); s != "\xe6" {
		t.Errorf("Flush = %q, want the held byte", s)
	}
}

// FuzzEncode feeds arbitrary bytes through both vocabulary kinds: every id
// must be in range, and streaming must give the same bytes as the pieces.
func FuzzEncode(f *testing.F) {
	for _, s := range edgeCases {
		f.Add(s)
	}
	_, spm := fixture(f, "spm")
	bpe, err := FromMetadata(metadata(tinyBPE()))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		for _, tok := range []*Tokenizer{spm, bpe} {
			ids := tok.Encode(text, true, true)
			d := tok.NewStreamDecoder()
			var streamed, pieces strings.Builder
			for _, id := range ids {
				if id < 0 || int(id) >= tok.VocabSize() {
					t.Fatalf("Encode(%q) gave id %d outside the vocabulary", text, id)
				}
				streamed.WriteString(d.Add(id))
				pieces.WriteString(tok.piece(id, false))
			}
			streamed.WriteString(d.Flush())
			if streamed.String() != pieces.String() {
				t.Fatalf("streamed %q, pieces %q", streamed.String(), pieces.String())
			}
			tok.Decode(ids)
		}
	})
}
