package synth

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestGeneratedVocabIsValidBPE(t *testing.T) {
	v, err := GeneratedVocab(4096)
	if err != nil {
		t.Fatal(err)
	}
	if len(v.Tokens) != 4096 || len(v.Types) != 4096 {
		t.Fatalf("%d tokens, %d types", len(v.Tokens), len(v.Types))
	}
	ids := map[string]int{}
	for i, tok := range v.Tokens {
		if _, dup := ids[tok]; dup {
			t.Fatalf("token %q twice", tok)
		}
		ids[tok] = i
	}
	for _, mg := range v.Merges {
		a, b, _ := strings.Cut(mg, " ")
		for _, s := range []string{a, b, a + b} {
			if _, ok := ids[s]; !ok {
				t.Fatalf("merge %q: %q is not a token", mg, s)
			}
		}
	}
	if len(v.Merges) < 100 {
		t.Errorf("only %d merges", len(v.Merges))
	}
	if v.Tokens[v.BOS] != "<|begin_of_text|>" || v.Types[v.BOS] != tokControl || v.Tokens[v.EOS] != "<|end_of_text|>" {
		t.Errorf("BOS %d %q, EOS %d %q", v.BOS, v.Tokens[v.BOS], v.EOS, v.Tokens[v.EOS])
	}
	if v.Tokens[ids["Ġthe"]] != "Ġthe" {
		t.Error("no merged token for \" the\"")
	}
	if _, err := GeneratedVocab(300); err == nil {
		t.Error("a vocabulary larger than the model was padded")
	}
}

func TestLoadVocabLlama3(t *testing.T) {
	dir := filepath.Join("..", "..", "shared", "data", "llama3-tokenizer")
	if _, err := os.Stat(filepath.Join(dir, "encoder.json")); err != nil {
		t.Skipf("shared data absent (%v): skipping the real-vocabulary test", err)
	}
	v, err := LoadVocab(dir, 128256)
	if err != nil {
		t.Fatal(err)
	}
	checks := map[int]string{128000: "<|begin_of_text|>", 128001: "<|end_of_text|>", 128006: "<|start_header_id|>",
		128009: "<|eot_id|>", 128255: "<|reserved_special_token_247|>"}
	for id, want := range checks {
		if v.Tokens[id] != want || v.Types[id] != tokControl {
			t.Errorf("token %d = %q (type %d), want control %q", id, v.Tokens[id], v.Types[id], want)
		}
	}
	if v.BOS != 128000 || v.EOS != 128001 || len(v.Merges) < 200000 {
		t.Errorf("BOS %d EOS %d, %d merges", v.BOS, v.EOS, len(v.Merges))
	}
}

func TestLoadVocabErrors(t *testing.T) {
	tests := map[string]struct{ enc, bpe, want string }{
		"duplicate id": {`{"a":0,"b":0}`, "", "each once"},
		"id gap":       {`{"a":0,"b":5}`, "", "ids must be"},
		"bad merge":    {`{"a":0,"b":1}`, "#version: 0.2\na b\n", "line 2"},
		"not json":     {`[1,2`, "", "encoder.json"},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			os.WriteFile(filepath.Join(dir, "encoder.json"), []byte(tt.enc), 0o644)
			os.WriteFile(filepath.Join(dir, "vocab.bpe"), []byte(tt.bpe), 0o644)
			_, err := LoadVocab(dir, 1000)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want one mentioning %q", err, tt.want)
			}
		})
	}
	if _, err := LoadVocab(t.TempDir(), 1000); err == nil {
		t.Error("a folder without encoder.json was accepted")
	}
}
