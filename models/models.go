package models

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/odbench/odbench/gguf"
	"github.com/odbench/odbench/results"
)

// ErrNotFound is returned (wrapped) by Resolve for a name no store holds.
var ErrNotFound = errors.New("model not found")

// scanners are the stores of Roots, in listing order.
func (r Roots) stores() []struct {
	source string
	roots  []string
	scan   func(string) ([]candidate, []string)
} {
	return []struct {
		source string
		roots  []string
		scan   func(string) ([]candidate, []string)
	}{
		{SourceOllama, r.Ollama, scanOllama},
		{SourceLMStudio, r.LMStudio, scanLMStudio},
		{SourceHF, r.HF, scanHF},
		{SourceLlamaCpp, r.LlamaCpp, scanFlat},
		{SourceDir, r.Dirs, scanDir},
	}
}

// Find lists the GGUF models in every store of r, with their size and
// what their headers say. A store whose folder is missing is skipped
// quietly; one that cannot be read gives a warning.
func Find(r Roots) results.Models {
	doc := results.Models{Schema: results.ModelsSchema, Searched: []results.SearchedRoot{}, Models: []results.LocalModel{}}
	for _, st := range r.stores() {
		for _, root := range st.roots {
			ok := exists(root)
			doc.Searched = append(doc.Searched, results.SearchedRoot{Source: st.source, Path: root, Exists: ok})
			if !ok {
				continue
			}
			cands, warns := st.scan(root)
			doc.Warnings = append(doc.Warnings, warns...)
			for _, c := range cands {
				doc.Models = append(doc.Models, describe(c, cands))
			}
		}
	}
	return doc
}

// describe reads a candidate's size and header and names it, with the
// short "source:repo:QUANT" name when that resolves to this very file.
func describe(c candidate, all []candidate) results.LocalModel {
	m := results.LocalModel{Name: c.fullName(), Source: c.source, Path: c.path}
	fi, err := os.Stat(c.path)
	if err != nil {
		m.Error = err.Error()
		return m
	}
	m.SizeBytes = fi.Size()
	f, err := gguf.Open(c.path)
	if err != nil {
		m.Error = err.Error()
		return m
	}
	defer f.Close()
	m.Architecture, m.Parameters = f.Architecture(), f.ParamCount()
	if ft, ok := f.FileType(); ok {
		m.FileType = ft.String()
	}
	if (c.source == SourceHF || c.source == SourceLMStudio) && m.FileType != "" {
		var repo []candidate
		for _, o := range all {
			if o.repo == c.repo {
				repo = append(repo, o)
			}
		}
		if got := pickQuant(repo, m.FileType); len(got) == 1 && got[0].path == c.path {
			m.Name = c.source + ":" + c.repo + ":" + m.FileType
		}
	}
	return m
}

var splitRE = regexp.MustCompile(`-(\d{5})-of-(\d{5})\.gguf$`)

// pickQuant returns the files whose base name holds quant as a word
// ("Q4_K_M" in "Llama-3.2-1B-Instruct-Q4_K_M.gguf", not in "...-IQ4_K_M"),
// leaving out projector files and every part of a split model but the first.
func pickQuant(cands []candidate, quant string) []candidate {
	q := strings.ToLower(quant)
	var out []candidate
	for _, c := range cands {
		base := strings.ToLower(filepath.Base(c.file))
		if strings.Contains(base, "mmproj") {
			continue
		}
		if m := splitRE.FindStringSubmatch(base); m != nil && m[1] != "00001" {
			continue
		}
		if q == "" || hasWord(base, q) {
			out = append(out, c)
		}
	}
	return out
}

// hasWord reports whether s holds w with no letter, digit or underscore
// on either side.
func hasWord(s, w string) bool {
	for i := 0; i <= len(s)-len(w); i++ {
		j := strings.Index(s[i:], w)
		if j < 0 {
			return false
		}
		at, end := i+j, i+j+len(w)
		if (at == 0 || !wordByte(s[at-1])) && (end == len(s) || !wordByte(s[end])) {
			return true
		}
		i = at
	}
	return false
}

func wordByte(b byte) bool { return b == '_' || 'a' <= b && b <= 'z' || '0' <= b && b <= '9' }

// Resolve returns the file a --model value names, in the usual stores
// (DefaultRoots): a path, "ollama:NAME[:TAG]", "hf:OWNER/REPO[:QUANT]",
// "hf:OWNER/REPO/FILE.gguf", "lmstudio:PUBLISHER/REPO[:QUANT]",
// "lmstudio:PUBLISHER/REPO/FILE.gguf" or "llamacpp:FILE.gguf". It never downloads.
func Resolve(name string) (string, error) { return ResolveIn(DefaultRoots(), name) }

// ResolveIn is Resolve in the stores of r.
func ResolveIn(r Roots, name string) (string, error) {
	source, rest, _ := strings.Cut(name, ":")
	switch source {
	case SourceOllama:
		return resolveOllama(r.Ollama, rest)
	case SourceHF:
		return resolveRepo(name, rest, r.HF, scanHF)
	case SourceLMStudio:
		return resolveRepo(name, rest, r.LMStudio, scanLMStudio)
	case SourceLlamaCpp:
		for _, root := range r.LlamaCpp {
			p := filepath.Join(root, filepath.Base(rest))
			if fi, err := os.Stat(p); err == nil && !fi.IsDir() && filepath.Base(rest) == rest {
				return p, nil
			}
		}
		return "", fmt.Errorf("%w: %q is not in llama.cpp's cache (%s)", ErrNotFound, name, strings.Join(r.LlamaCpp, ", "))
	}
	if _, err := os.Stat(name); err != nil {
		return "", fmt.Errorf("%w: %v (a --model is a GGUF file or a name from `odbench models`: ollama:NAME:TAG, hf:OWNER/REPO:QUANT, lmstudio:..., llamacpp:FILE)", ErrNotFound, err)
	}
	return name, nil
}

func resolveOllama(roots []string, name string) (string, error) {
	for _, root := range roots {
		man, err := ollamaManifest(root, name)
		if err != nil {
			return "", err
		}
		if _, err := os.Stat(man); err != nil {
			continue
		}
		blob, err := ollamaBlob(root, man)
		if err != nil {
			return "", err
		}
		if _, err := os.Stat(blob); err != nil {
			return "", fmt.Errorf("ollama:%s: the manifest names a blob that is missing: %w", name, err)
		}
		return blob, nil
	}
	return "", fmt.Errorf("%w: ollama:%s is not in the Ollama store (%s); `ollama pull` it first", ErrNotFound, name, strings.Join(roots, ", "))
}

// resolveRepo resolves "OWNER/REPO[:QUANT]" or "OWNER/REPO/FILE" in a
// store of repos (the hub cache, LM Studio).
func resolveRepo(full, rest string, roots []string, scan func(string) ([]candidate, []string)) (string, error) {
	repo, quant, hasQuant := strings.Cut(rest, ":")
	var file string
	if parts := strings.SplitN(repo, "/", 3); len(parts) == 3 {
		repo, file = parts[0]+"/"+parts[1], parts[2]
	}
	var inRepo []candidate
	for _, root := range roots {
		if !exists(root) {
			continue
		}
		cands, _ := scan(root)
		for _, c := range cands {
			if strings.EqualFold(c.repo, repo) {
				inRepo = append(inRepo, c)
			}
		}
	}
	var got []candidate
	switch {
	case file != "":
		for _, c := range inRepo {
			if c.file == file {
				got = append(got, c)
			}
		}
	case hasQuant:
		got = pickQuant(inRepo, quant)
	default:
		got = pickQuant(inRepo, "") // every model file: one is the answer
	}
	switch len(got) {
	case 0:
		if len(inRepo) == 0 {
			return "", fmt.Errorf("%w: %s: the repository is not in %s", ErrNotFound, full, strings.Join(roots, ", "))
		}
		return "", fmt.Errorf("%w: %s: the repository holds %s", ErrNotFound, full, fileList(inRepo))
	case 1:
		return got[0].path, nil
	}
	return "", fmt.Errorf("%s names %d files (%s): add :QUANT or /FILE.gguf", full, len(got), fileList(got))
}

func fileList(cs []candidate) string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.file
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
