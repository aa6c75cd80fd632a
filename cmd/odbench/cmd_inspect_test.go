package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/odbench/odbench/gguf"
	"github.com/odbench/odbench/results"
)

// writeInspectModel writes a small Llama-shaped GGUF (2 layers, embedding
// 256, 4 heads, 2 KV heads, a 16-token BPE vocabulary) to path.
func writeInspectModel(t *testing.T, path string) {
	t.Helper()
	w, err := gguf.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Abort()
	tokens := make([]string, 16)
	for i := range tokens {
		tokens[i] = string(rune('a' + i))
	}
	w.SetString("general.architecture", "llama")
	w.SetString("general.name", "Tiny Llama Test")
	w.SetUint32("general.file_type", uint32(gguf.FileTypeQ4_K_M))
	w.SetUint32("llama.context_length", 131072)
	w.SetUint32("llama.embedding_length", 256)
	w.SetUint32("llama.block_count", 2)
	w.SetUint32("llama.feed_forward_length", 512)
	w.SetUint32("llama.attention.head_count", 4)
	w.SetUint32("llama.attention.head_count_kv", 2)
	w.SetUint32("llama.rope.dimension_count", 64)
	w.SetFloat32("llama.rope.freq_base", 500000)
	w.SetString("tokenizer.ggml.model", "gpt2")
	w.SetString("tokenizer.ggml.pre", "llama-bpe")
	w.SetStrings("tokenizer.ggml.tokens", tokens)
	w.SetStrings("tokenizer.ggml.merges", []string{"a b", "c d", "ab cd"})
	w.SetString("tokenizer.chat_template", "{{ messages }}")
	type tensor struct {
		name string
		t    gguf.Type
		dims []uint64
	}
	ts := []tensor{
		{"token_embd.weight", gguf.TypeQ6_K, []uint64{256, 16}},
		{"rope_freqs.weight", gguf.TypeF32, []uint64{32}},
	}
	for l := range 2 {
		p := "blk." + string(rune('0'+l)) + "."
		ts = append(ts,
			tensor{p + "attn_norm.weight", gguf.TypeF32, []uint64{256}},
			tensor{p + "attn_q.weight", gguf.TypeQ4_K, []uint64{256, 256}},
			tensor{p + "attn_k.weight", gguf.TypeQ4_K, []uint64{256, 128}},
			tensor{p + "attn_v.weight", gguf.TypeQ6_K, []uint64{256, 128}},
			tensor{p + "attn_output.weight", gguf.TypeQ4_K, []uint64{256, 256}},
			tensor{p + "ffn_norm.weight", gguf.TypeF32, []uint64{256}},
			tensor{p + "ffn_gate.weight", gguf.TypeQ4_K, []uint64{256, 512}},
			tensor{p + "ffn_up.weight", gguf.TypeQ4_K, []uint64{256, 512}},
			tensor{p + "ffn_down.weight", gguf.TypeQ6_K, []uint64{512, 256}},
		)
	}
	ts = append(ts, tensor{"output_norm.weight", gguf.TypeF32, []uint64{256}})
	for _, x := range ts {
		if err := w.AddTensor(x.name, x.t, x.dims); err != nil {
			t.Fatal(err)
		}
	}
	for _, x := range ts {
		n, _ := gguf.TensorBytes(x.t, x.dims)
		if err := w.WriteTensor(x.name, make([]byte, n)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// checkInspectGolden compares got with the golden file at path, rewriting it under -update.
func checkInspectGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update { // the -update flag, defined in cmd_detect_test.go
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/odbench -run Inspect -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("output differs from %s:\n got:\n%s\nwant:\n%s", path, got, want)
	}
}

func runInspectCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = runMain(context.Background(), append([]string{"inspect"}, args...), env{stdout: &out, stderr: &errb})
	return code, out.String(), errb.String()
}

func TestInspectGolden(t *testing.T) {
	testdata, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	writeInspectModel(t, filepath.Join(dir, "m.gguf"))
	t.Chdir(dir) // so the path printed is the stable "m.gguf"
	for _, tt := range []struct {
		golden string
		args   []string
	}{
		{"inspect.golden", []string{"m.gguf"}},
		{"inspect.json.golden", []string{"--json", "m.gguf"}},
	} {
		code, out, errOut := runInspectCmd(t, tt.args...)
		if code != exitOK {
			t.Fatalf("%v: exit %d: %s", tt.args, code, errOut)
		}
		checkInspectGolden(t, filepath.Join(testdata, tt.golden), []byte(out))
	}
}

func TestInspectJSON(t *testing.T) {
	path := filepath.Join(t.TempDir(), "m.gguf")
	writeInspectModel(t, path)
	code, out, errOut := runInspectCmd(t, path, "--json") // flags after the file work too
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var s results.Inspect
	if err := json.Unmarshal([]byte(out), &s); err != nil {
		t.Fatal(err)
	}
	// 2 layers of 256*256*2 + 256*128*2 + 256*512*3 weights, 3*256 norms,
	// the 256x16 embedding and 32 rope factors.
	wantParams := int64(2*(256*256*2+256*128*2+256*512*3+2*256) + 256 + 256*16 + 32)
	q4k := int64(2 * (256*2 + 128 + 512*2) * 144)
	q6k := int64((16 + 2*(128+256*2)) * 210)
	f32 := int64((2*2*256 + 256 + 32) * 4)
	if s.Schema != "odbench/inspect/v1" || s.Parameters != wantParams || s.TensorBytes != q4k+q6k+f32 || s.TensorCount != 21 {
		t.Errorf("schema %q params %d (want %d) bytes %d (want %d) tensors %d", s.Schema, s.Parameters, wantParams, s.TensorBytes, q4k+q6k+f32, s.TensorCount)
	}
	if len(s.Types) != 3 || s.Types[0].Type != "Q4_K" || s.Types[0].Bytes != q4k || s.Types[1].Bytes != q6k || s.Types[2].Tensors != 6 {
		t.Errorf("types %+v", s.Types)
	}
	if s.FileType != "Q4_K_M" || s.Model.VocabSize != 16 || s.Model.HeadCountKV != 2 || s.Tokenizer == nil || !s.Tokenizer.ChatTemplate || s.RoPE == nil || !s.RoPE.FreqFactors {
		t.Errorf("summary %+v", s)
	}
}

func TestInspectErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.gguf")
	os.WriteFile(bad, []byte("GGUF\x01\x00\x00\x00"), 0o644)
	notGGUF := filepath.Join(dir, "x.txt")
	os.WriteFile(notGGUF, []byte("hello, world"), 0o644)
	tests := []struct {
		name string
		args []string
		code int
		msg  string
	}{
		{"version 1", []string{bad}, exitFailure, bad + ": version: GGUF version 1 is not supported (only versions 2 and 3) (offset 4)"},
		{"not gguf", []string{notGGUF}, exitFailure, notGGUF + `: magic: magic is "hell", want "GGUF" (offset 0)`},
		{"missing", []string{filepath.Join(dir, "nope.gguf")}, exitFailure, "no such file"},
		{"no file", nil, exitUsage, "want one GGUF file, got 0 arguments"},
		{"two files", []string{bad, bad}, exitUsage, "got 2 arguments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, errOut := runInspectCmd(t, tt.args...)
			if code != tt.code || !strings.Contains(errOut, tt.msg) || out != "" {
				t.Errorf("exit %d, stderr %q, stdout %q; want exit %d with %q", code, errOut, out, tt.code, tt.msg)
			}
		})
	}
}

// TestInspectOllamaName checks that a store name given instead of a path is
// resolved to the blob on disk, here in an Ollama store laid out as Ollama
// writes it: a manifest naming the model layer by digest, and the blob.
func TestInspectOllamaName(t *testing.T) {
	store := t.TempDir()
	src := filepath.Join(t.TempDir(), "m.gguf")
	writeInspectModel(t, src)
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	digest := hex.EncodeToString(sum[:])
	blob := filepath.Join(store, "blobs", "sha256-"+digest)
	manifest := filepath.Join(store, "manifests", "registry.ollama.ai", "library", "tiny", "latest")
	for _, d := range []string{filepath.Dir(blob), filepath.Dir(manifest)} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(blob, data, 0o644); err != nil {
		t.Fatal(err)
	}
	man := `{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",` +
		`"config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":"sha256:` + strings.Repeat("0", 64) + `","size":2},` +
		`"layers":[{"mediaType":"application/vnd.ollama.image.model","digest":"sha256:` + digest + `","size":` + strconv.Itoa(len(data)) + `}]}`
	if err := os.WriteFile(manifest, []byte(man), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("OLLAMA_MODELS", store)
	code, stdout, stderr := runInspectCmd(t, "--json", "ollama:tiny")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if !strings.Contains(stdout, "sha256-"+digest) {
		t.Fatalf("inspect output does not name the resolved blob:\n%s", stdout)
	}
	if code, _, stderr := runInspectCmd(t, "ollama:missing"); code != exitFailure || !strings.Contains(stderr, "ollama:missing") {
		t.Fatalf("missing model: exit %d, stderr %q", code, stderr)
	}
}
