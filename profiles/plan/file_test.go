package plan

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/odbench/odbench/gguf"
	"github.com/odbench/odbench/profiles/models"
	"github.com/odbench/odbench/synth"
)

// TestFileSubject plans for a real GGUF file of a type outside the
// candidate list: its own candidate joins, sized by the file's bytes.
func TestFileSubject(t *testing.T) {
	m, err := models.Parse([]byte(`{"id":"tiny","name":"Tiny","architecture":"qwen3","layers":2,"embedding_size":256,
		"heads":4,"kv_heads":2,"head_size":64,"ffn_size":512,"vocab_size":2048,"max_context":4096,"qk_norm":true,
		"tied_embeddings":true,"rope":{"theta":1000000,"neox":true},"norm_eps":1e-6,"source":"test"}`))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "tiny.gguf")
	if _, err := synth.Write(context.Background(), path, synth.Options{Model: m, FileType: gguf.FileTypeQ4_K_S}); err != nil {
		t.Fatal(err)
	}
	f, err := gguf.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := FileSubject(f)
	if err != nil {
		t.Fatal(err)
	}
	_, d := catalog(t, "llama-3.2-1b", "raspberry-pi-5-8gb")
	p, err := Make(s, d, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if p.Model.FileType != "Q4_K_S" || len(p.Candidates) != len(Candidates())+1 {
		t.Fatalf("file type %q, %d candidates", p.Model.FileType, len(p.Candidates))
	}
	prev := 1e9
	for _, c := range p.Candidates {
		if r := rank(c.FileType); r > prev {
			t.Errorf("%s ranked above a better candidate", c.FileType)
		} else {
			prev = r
		}
		if c.FileType == "Q4_K_S" && c.WeightsBytes != f.DataBytes() {
			t.Errorf("Q4_K_S weights %d, file holds %d", c.WeightsBytes, f.DataBytes())
		}
	}
}
