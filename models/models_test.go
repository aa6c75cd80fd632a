package models

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/odbench/odbench/gguf"
)

// writeGGUF writes a small real GGUF file: the metadata a listing reads
// and one tensor. ft is a llama-quantize name ("Q4_K_M").
func writeGGUF(t *testing.T, path, arch, ft string, n uint64) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	code, err := gguf.ParseFileType(ft)
	if err != nil {
		t.Fatal(err)
	}
	w, err := gguf.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w.SetString("general.architecture", arch)
	w.SetUint32("general.file_type", uint32(code))
	if err := w.AddTensor("token_embd.weight", gguf.TypeF32, []uint64{n}); err != nil {
		t.Fatal(err)
	}
	if err := w.WriteTensor("token_embd.weight", make([]byte, 4*n)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// blob moves a file into a content-addressed store and returns its digest hex.
func blob(t *testing.T, src, dir, prefix string) (string, string) {
	t.Helper()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	h := hex.EncodeToString(sum[:])
	dst := filepath.Join(dir, prefix+h)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(src, dst); err != nil {
		t.Fatal(err)
	}
	return h, dst
}

func writeJSON(t *testing.T, path string, v any) {
	t.Helper()
	os.MkdirAll(filepath.Dir(path), 0o755)
	data, _ := json.Marshal(v)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
}

// ollamaStore builds an Ollama store: manifests pointing at blobs, as
// `ollama pull` leaves them, with template and params layers beside the
// model's, and returns the blob of each model by name.
func ollamaStore(t *testing.T, root string) map[string]string {
	blobs := filepath.Join(root, "blobs")
	out := map[string]string{}
	for _, m := range []struct{ name, manifest, arch, ft string }{
		{"llama3.2:1b", "registry.ollama.ai/library/llama3.2/1b", "llama", "Q8_0"},
		{"hf.co/bartowski/SmolLM2-135M-Instruct-GGUF:Q4_K_M", "hf.co/bartowski/SmolLM2-135M-Instruct-GGUF/Q4_K_M", "llama", "Q4_K_M"},
		{"someone/qwen-tiny:latest", "registry.ollama.ai/someone/qwen-tiny/latest", "qwen2", "Q4_0"},
	} {
		tmp := filepath.Join(t.TempDir(), "model.gguf")
		writeGGUF(t, tmp, m.arch, m.ft, 64)
		h, path := blob(t, tmp, blobs, "sha256-")
		tmpl := filepath.Join(t.TempDir(), "template")
		os.WriteFile(tmpl, []byte("{{ .Prompt }}"), 0o644)
		th, _ := blob(t, tmpl, blobs, "sha256-")
		writeJSON(t, filepath.Join(root, "manifests", filepath.FromSlash(m.manifest)), map[string]any{
			"schemaVersion": 2, "mediaType": "application/vnd.docker.distribution.manifest.v2+json",
			"config": map[string]any{"mediaType": "application/vnd.docker.container.image.v1+json", "digest": "sha256:" + strings.Repeat("0", 64), "size": 485},
			"layers": []map[string]any{
				{"mediaType": "application/vnd.ollama.image.model", "digest": "sha256:" + h, "size": 1},
				{"mediaType": "application/vnd.ollama.image.template", "digest": "sha256:" + th, "size": 13},
			},
		})
		out[m.name] = path
	}
	// A manifest whose model layer digest is not a sha256 must not name a path.
	writeJSON(t, filepath.Join(root, "manifests", "registry.ollama.ai", "library", "evil", "latest"), map[string]any{
		"layers": []map[string]any{{"mediaType": "application/vnd.ollama.image.model", "digest": "sha256:../../../etc/passwd"}}})
	return out
}

// hfCache builds a hub cache: blobs, refs/main and a snapshot of symlinks,
// plus an older snapshot that refs/main no longer names.
func hfCache(t *testing.T, root string) map[string]string {
	repo := filepath.Join(root, "models--bartowski--Llama-3.2-1B-Instruct-GGUF")
	rev, old := strings.Repeat("a1", 20), strings.Repeat("0b", 20)
	out := map[string]string{}
	for _, f := range []struct{ file, ft string }{
		{"Llama-3.2-1B-Instruct-Q4_K_M.gguf", "Q4_K_M"},
		{"Llama-3.2-1B-Instruct-Q8_0.gguf", "Q8_0"},
		{"Llama-3.2-1B-Instruct-IQ4_XS.gguf", "IQ4_XS"},
	} {
		tmp := filepath.Join(t.TempDir(), f.file)
		writeGGUF(t, tmp, "llama", f.ft, 32)
		h, _ := blob(t, tmp, filepath.Join(repo, "blobs"), "")
		link := filepath.Join(repo, "snapshots", rev, f.file)
		os.MkdirAll(filepath.Dir(link), 0o755)
		if err := os.Symlink(filepath.Join("..", "..", "blobs", h), link); err != nil {
			t.Fatal(err)
		}
		out[f.ft] = link
	}
	writeGGUF(t, filepath.Join(repo, "snapshots", old, "Llama-3.2-1B-Instruct-Q2_K.gguf"), "llama", "Q2_K", 32)
	os.MkdirAll(filepath.Join(repo, "refs"), 0o755)
	os.WriteFile(filepath.Join(repo, "refs", "main"), []byte(rev), 0o644)
	os.MkdirAll(filepath.Join(root, "datasets--someone--text", "snapshots"), 0o755)
	return out
}

func fixture(t *testing.T) (Roots, map[string]string) {
	home := t.TempDir()
	r := RootsFrom(func(k string) string {
		return map[string]string{"OLLAMA_MODELS": filepath.Join(home, "ollama"), "HF_HOME": filepath.Join(home, "hf")}[k]
	}, home)
	want := map[string]string{}
	for name, p := range ollamaStore(t, r.Ollama[0]) {
		want["ollama:"+name] = p
	}
	for ft, p := range hfCache(t, r.HF[0]) {
		want["hf:bartowski/Llama-3.2-1B-Instruct-GGUF:"+ft] = p
	}
	lms := filepath.Join(r.LMStudio[0], "lmstudio-community", "Qwen2.5-0.5B-Instruct-GGUF")
	writeGGUF(t, filepath.Join(lms, "Qwen2.5-0.5B-Instruct-Q8_0.gguf"), "qwen2", "Q8_0", 16)
	writeGGUF(t, filepath.Join(lms, "mmproj-Qwen2.5-0.5B-f16.gguf"), "clip", "F16", 16)
	want["lmstudio:lmstudio-community/Qwen2.5-0.5B-Instruct-GGUF:Q8_0"] = filepath.Join(lms, "Qwen2.5-0.5B-Instruct-Q8_0.gguf")
	want["lmstudio:lmstudio-community/Qwen2.5-0.5B-Instruct-GGUF/mmproj-Qwen2.5-0.5B-f16.gguf"] = filepath.Join(lms, "mmproj-Qwen2.5-0.5B-f16.gguf")
	flat := filepath.Join(r.LlamaCpp[0], "ggml-org_gemma-3-1b-it-GGUF_gemma-3-1b-it-Q4_K_M.gguf")
	writeGGUF(t, flat, "gemma3", "Q4_K_M", 16)
	want["llamacpp:"+filepath.Base(flat)] = flat
	dir := filepath.Join(home, "models")
	mine := filepath.Join(dir, "experiments", "mine.gguf")
	writeGGUF(t, mine, "llama", "F16", 8)
	os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("not a model"), 0o644)
	os.WriteFile(filepath.Join(dir, "broken.gguf"), []byte("GGUF\x03\x00"), 0o644)
	r.Dirs = []string{dir}
	want[mine] = mine
	return r, want
}

func TestFind(t *testing.T) {
	r, want := fixture(t)
	doc := Find(r)
	got := map[string]string{}
	var broken int
	for _, m := range doc.Models {
		if m.Error != "" {
			broken++
			if !strings.HasSuffix(m.Path, "broken.gguf") {
				t.Errorf("%s: %s", m.Name, m.Error)
			}
			continue
		}
		got[m.Name] = m.Path
		if m.SizeBytes <= 0 || m.Architecture == "" || m.FileType == "" {
			t.Errorf("%s: %+v", m.Name, m)
		}
	}
	for name, path := range want {
		if got[name] != path {
			t.Errorf("%s: found at %q, want %q", name, got[name], path)
		}
	}
	if len(got) != len(want) || broken != 1 {
		t.Errorf("found %d models (+%d broken), want %d: %v", len(got), broken, len(want), got)
	}
	if len(doc.Warnings) != 1 || !strings.Contains(doc.Warnings[0], "evil") {
		t.Errorf("warnings %q, want one for the bad manifest", doc.Warnings)
	}
	for _, s := range doc.Searched {
		if s.Source == SourceOllama && s.Exists != (s.Path == r.Ollama[0]) {
			t.Errorf("searched %+v", s)
		}
	}
}

func TestResolve(t *testing.T) {
	r, want := fixture(t)
	for name, path := range want {
		got, err := ResolveIn(r, name)
		if err != nil || got != path {
			t.Errorf("ResolveIn(%q) = %q, %v; want %q", name, got, err, path)
		}
	}
	for name, path := range map[string]string{
		"ollama:llama3.2:1b":                           want["ollama:llama3.2:1b"],
		"ollama:someone/qwen-tiny":                     want["ollama:someone/qwen-tiny:latest"],
		"hf:bartowski/Llama-3.2-1B-Instruct-GGUF:q8_0": want["hf:bartowski/Llama-3.2-1B-Instruct-GGUF:Q8_0"],
		"hf:bartowski/Llama-3.2-1B-Instruct-GGUF/Llama-3.2-1B-Instruct-Q4_K_M.gguf": want["hf:bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K_M"],
		"lmstudio:lmstudio-community/Qwen2.5-0.5B-Instruct-GGUF":                    want["lmstudio:lmstudio-community/Qwen2.5-0.5B-Instruct-GGUF:Q8_0"],
	} {
		if got, err := ResolveIn(r, name); err != nil || got != path {
			t.Errorf("ResolveIn(%q) = %q, %v; want %q", name, got, err, path)
		}
	}
	for _, tc := range []struct{ name, says string }{
		{"ollama:llama3.2:3b", "ollama pull"},
		{"ollama:../passwd", "bad part"},
		{"ollama:a/b/c/d", "want NAME"},
		{"ollama:evil", "is not sha256"},
		{"hf:bartowski/Llama-3.2-1B-Instruct-GGUF", "names 3 files"},
		{"hf:bartowski/Llama-3.2-1B-Instruct-GGUF:Q4_K", "the repository holds"},
		{"hf:bartowski/Llama-3.2-1B-Instruct-GGUF:Q2_K", "the repository holds"}, // only in the old snapshot
		{"hf:unsloth/none:Q4_0", "not in"},
		{"llamacpp:../secret.gguf", "not in llama.cpp's cache"},
		{"/no/such/model.gguf", "odbench models"},
	} {
		_, err := ResolveIn(r, tc.name)
		if err == nil || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("ResolveIn(%q): %v, want an error saying %q", tc.name, err, tc.says)
		}
	}
	if _, err := ResolveIn(r, "ollama:nothing"); !errors.Is(err, ErrNotFound) {
		t.Errorf("missing model: %v, want ErrNotFound", err)
	}
}

func TestRootsFrom(t *testing.T) {
	env := map[string]string{}
	getenv := func(k string) string { return env[k] }
	r := RootsFrom(getenv, "/home/u")
	if r.Ollama[0] != "/home/u/.ollama/models" || r.HF[0] != "/home/u/.cache/huggingface/hub" || r.LlamaCpp[0] != "/home/u/.cache/llama.cpp" ||
		r.LMStudio[0] != "/home/u/.lmstudio/models" || r.LMStudio[1] != "/home/u/.cache/lm-studio/models" {
		t.Errorf("defaults %+v", r)
	}
	env = map[string]string{"OLLAMA_MODELS": "/m", "HF_HUB_CACHE": "/hub", "HF_HOME": "/ignored", "LLAMA_CACHE": "/lc", "XDG_CACHE_HOME": "/c"}
	r = RootsFrom(getenv, "/home/u")
	if r.Ollama[0] != "/m" || len(r.Ollama) != 1 || r.HF[0] != "/hub" || r.LlamaCpp[0] != "/lc" || r.LMStudio[1] != "/c/lm-studio/models" {
		t.Errorf("from the environment %+v", r)
	}
}
