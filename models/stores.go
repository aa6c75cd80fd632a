package models

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
)

// candidate is a GGUF file a store holds.
type candidate struct {
	source string
	repo   string // ollama: "name:tag"; hf, lmstudio: "owner/repo"
	file   string // hf, lmstudio: the path inside the repo; llamacpp: the file name
	path   string // on disk
}

// fullName is the name that always resolves to this file.
func (c candidate) fullName() string {
	switch c.source {
	case SourceOllama:
		return SourceOllama + ":" + c.repo
	case SourceHF, SourceLMStudio:
		return c.source + ":" + c.repo + "/" + c.file
	case SourceLlamaCpp:
		return SourceLlamaCpp + ":" + c.file
	}
	return c.path
}

// isGGUFName reports whether a file name is a GGUF model file.
func isGGUFName(name string) bool { return strings.EqualFold(filepath.Ext(name), ".gguf") }

// exists reports whether path is a folder.
func exists(path string) bool {
	fi, err := os.Stat(path)
	return err == nil && fi.IsDir()
}

// Ollama's store.

const (
	ollamaHost      = "registry.ollama.ai"
	ollamaNamespace = "library"
	ollamaModelType = "application/vnd.ollama.image.model"
)

// manifest is the part of an Ollama manifest odbench reads.
type manifest struct {
	Layers []struct {
		MediaType string `json:"mediaType"`
		Digest    string `json:"digest"` // "sha256:<64 hex>"
		Size      int64  `json:"size"`
	} `json:"layers"`
}

var digestRE = regexp.MustCompile(`^sha256[:-]([0-9a-f]{64})$`)

// ollamaBlob reads the manifest at path and returns the model layer's blob.
func ollamaBlob(root, path string) (string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return "", err
	}
	var m manifest
	if err := json.Unmarshal(data, &m); err != nil {
		return "", fmt.Errorf("manifest %s: %w", path, err)
	}
	for _, l := range m.Layers {
		if l.MediaType != ollamaModelType {
			continue
		}
		hex := digestRE.FindStringSubmatch(l.Digest)
		if hex == nil {
			return "", fmt.Errorf("manifest %s: model layer digest %q is not sha256:<64 hex digits>", path, l.Digest)
		}
		return filepath.Join(root, "blobs", "sha256-"+hex[1]), nil
	}
	return "", fmt.Errorf("manifest %s: no layer of type %s", path, ollamaModelType)
}

// ollamaName is the short name of the model at manifests/host/ns/name/tag.
func ollamaName(host, ns, name, tag string) string {
	switch {
	case host == ollamaHost && ns == ollamaNamespace:
		return name + ":" + tag
	case host == ollamaHost:
		return ns + "/" + name + ":" + tag
	}
	return host + "/" + ns + "/" + name + ":" + tag
}

// ollamaManifest returns the manifest path of a name ("llama3.2:1b",
// "user/model", "hf.co/owner/repo:Q4_K_M"; the tag defaults to latest).
func ollamaManifest(root, name string) (string, error) {
	tag := "latest"
	if i := strings.LastIndex(name, ":"); i > strings.LastIndex(name, "/") {
		name, tag = name[:i], name[i+1:]
	}
	parts := strings.Split(name, "/")
	switch len(parts) {
	case 1:
		parts = []string{ollamaHost, ollamaNamespace, parts[0]}
	case 2:
		parts = []string{ollamaHost, parts[0], parts[1]}
	case 3:
	default:
		return "", fmt.Errorf("ollama name %q: want NAME[:TAG], NAMESPACE/NAME[:TAG] or HOST/NAMESPACE/NAME[:TAG]", name)
	}
	for _, p := range append(parts, tag) {
		if p == "" || p == "." || p == ".." || strings.ContainsAny(p, `\`) {
			return "", fmt.Errorf("ollama name %q: bad part %q", name, p)
		}
	}
	return filepath.Join(append([]string{root, "manifests"}, append(parts, tag)...)...), nil
}

// scanOllama lists the models of an Ollama store.
func scanOllama(root string) ([]candidate, []string) {
	var out []candidate
	var warns []string
	base := filepath.Join(root, "manifests")
	err := filepath.WalkDir(base, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			warns = append(warns, err.Error())
			return nil
		}
		if d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(base, path)
		parts := strings.Split(filepath.ToSlash(rel), "/")
		if len(parts) != 4 {
			return nil
		}
		blob, err := ollamaBlob(root, path)
		if err != nil {
			warns = append(warns, err.Error())
			return nil
		}
		out = append(out, candidate{source: SourceOllama, repo: ollamaName(parts[0], parts[1], parts[2], parts[3]), path: blob})
		return nil
	})
	if err != nil {
		warns = append(warns, err.Error())
	}
	return out, warns
}

// The Hugging Face hub cache.

// hfRepo turns a cache folder name "models--owner--repo" into "owner/repo".
func hfRepo(dir string) (string, bool) {
	rest, ok := strings.CutPrefix(dir, "models--")
	if !ok {
		return "", false
	}
	owner, repo, ok := strings.Cut(rest, "--")
	return owner + "/" + repo, ok && owner != "" && repo != ""
}

// hfSnapshots returns a cached repo's snapshot folders: the one refs/main
// names when it is there, else all of them.
func hfSnapshots(repoDir string) []string {
	if ref, err := os.ReadFile(filepath.Join(repoDir, "refs", "main")); err == nil {
		snap := filepath.Join(repoDir, "snapshots", strings.TrimSpace(string(ref)))
		if exists(snap) {
			return []string{snap}
		}
	}
	snaps, _ := filepath.Glob(filepath.Join(repoDir, "snapshots", "*"))
	sort.Strings(snaps)
	return snaps
}

// scanHF lists the GGUF files of a hub cache.
func scanHF(root string) ([]candidate, []string) {
	ents, err := os.ReadDir(root)
	if err != nil {
		return nil, []string{err.Error()}
	}
	var out []candidate
	var warns []string
	for _, e := range ents {
		repo, ok := hfRepo(e.Name())
		if !ok || !e.IsDir() {
			continue
		}
		seen := map[string]bool{}
		for _, snap := range hfSnapshots(filepath.Join(root, e.Name())) {
			files, w := walkGGUF(snap, 4)
			warns = append(warns, w...)
			for _, f := range files {
				if rel, _ := filepath.Rel(snap, f); !seen[rel] {
					seen[rel] = true
					out = append(out, candidate{source: SourceHF, repo: repo, file: filepath.ToSlash(rel), path: f})
				}
			}
		}
	}
	return out, warns
}

// scanLMStudio lists an LM Studio folder: publisher/repo/file.gguf.
func scanLMStudio(root string) ([]candidate, []string) {
	files, warns := walkGGUF(root, 4)
	var out []candidate
	for _, f := range files {
		rel, _ := filepath.Rel(root, f)
		parts := strings.SplitN(filepath.ToSlash(rel), "/", 3)
		if len(parts) != 3 {
			continue
		}
		out = append(out, candidate{source: SourceLMStudio, repo: parts[0] + "/" + parts[1], file: parts[2], path: f})
	}
	return out, warns
}

// scanFlat lists the GGUF files directly in a folder (llama.cpp's cache).
func scanFlat(root string) ([]candidate, []string) {
	ents, err := os.ReadDir(root)
	if err != nil {
		return nil, []string{err.Error()}
	}
	var out []candidate
	for _, e := range ents {
		if isGGUFName(e.Name()) && !e.IsDir() {
			out = append(out, candidate{source: SourceLlamaCpp, file: e.Name(), path: filepath.Join(root, e.Name())})
		}
	}
	return out, nil
}

// scanDir lists the GGUF files under a folder.
func scanDir(root string) ([]candidate, []string) {
	files, warns := walkGGUF(root, 6)
	out := make([]candidate, len(files))
	for i, f := range files {
		out[i] = candidate{source: SourceDir, path: f}
	}
	return out, warns
}

// walkGGUF returns the *.gguf files (or symlinks to files) under root, at
// most depth folders down.
func walkGGUF(root string, depth int) ([]string, []string) {
	var files, warns []string
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if !errors.Is(err, fs.ErrNotExist) {
				warns = append(warns, err.Error())
			}
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		if d.IsDir() {
			if rel != "." && strings.Count(filepath.ToSlash(rel), "/") >= depth-1 {
				return filepath.SkipDir
			}
			return nil
		}
		if isGGUFName(d.Name()) {
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		warns = append(warns, err.Error())
	}
	return files, warns
}
