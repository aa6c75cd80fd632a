package llamacpp

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// fakeLib makes a folder holding a (not loadable) llama library file and,
// when release is not empty, node-llama-cpp build metadata naming it.
func fakeLib(t *testing.T, dir, release string) string {
	t.Helper()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, LibFile(runtime.GOOS, "llama")), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if release != "" {
		meta := `{"buildOptions":{"platform":"linux","arch":"x64","gpu":false,"llamaCpp":{"repo":"ggml-org/llama.cpp","release":"` + release + `"}}}`
		if err := os.WriteFile(filepath.Join(dir, "_nlcBuildMetadata.json"), []byte(meta), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestFindLibrary(t *testing.T) {
	root := t.TempDir()
	good := fakeLib(t, filepath.Join(root, "good"), Release)
	old := fakeLib(t, filepath.Join(root, "old"), "v0.4.0")
	distro := fakeLib(t, filepath.Join(root, "distro"), "")
	empty := filepath.Join(root, "empty")
	tests := []struct {
		name          string
		flag, env     string
		search        []string
		wantDir       string
		wantErr       error
		wantErrSubstr string
	}{
		{"flag wins", good, old, []string{distro}, good, nil, ""},
		{"env next", "", good, []string{distro}, good, nil, ""},
		{"flag mismatch is refused, not passed over", old, "", []string{good}, "", ErrVersionMismatch, "is release v0.4.0, but odbench's binding (yzma v1.28.0) speaks release v0.5.0"},
		{"env folder without library", "", empty, []string{good}, "", ErrLibraryNotFound, EnvLibDir},
		{"search skips a mismatch", "", "", []string{empty, old, good}, good, nil, ""},
		{"search takes a build without metadata", "", "", []string{distro, good}, distro, nil, ""},
		{"search finds only a mismatch", "", "", []string{empty, old}, "", ErrVersionMismatch, "make llama-lib"},
		{"nothing anywhere", "", "", []string{empty}, "", ErrLibraryNotFound, "nor in " + empty + ", /cache/*@3.22.1: run `make llama-lib`"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lib, err := findLibrary(tt.flag, tt.env, tt.search, []string{"/cache"})
			if tt.wantErr != nil {
				if !errors.Is(err, tt.wantErr) || !strings.Contains(err.Error(), tt.wantErrSubstr) {
					t.Fatalf("err = %v, want %v mentioning %q", err, tt.wantErr, tt.wantErrSubstr)
				}
				return
			}
			if err != nil || lib.Dir != tt.wantDir {
				t.Fatalf("got %+v, %v; want %s", lib, err, tt.wantDir)
			}
		})
	}
}

func TestSearchDirs(t *testing.T) {
	root := t.TempDir()
	repo := filepath.Join(root, "repo")
	cwd := filepath.Join(repo, "runners", "llamacpp")
	cpu := npmPackage(runtime.GOOS, runtime.GOARCH) + "@" + NPMVersion
	for _, d := range []string{
		filepath.Join(repo, ".cache", "llama-lib", "zz-vulkan@"+NPMVersion),
		filepath.Join(repo, ".cache", "llama-lib", cpu),
		filepath.Join(repo, ".cache", "llama-lib", "linux-x64@3.21.0"),
		cwd,
	} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	dirs, caches := searchDirs("/home/u", filepath.Join(root, "xdg"), cwd)
	if len(caches) < 3 || caches[0] != filepath.Join(cwd, ".cache", "llama-lib") || caches[len(caches)-1] != filepath.Join(root, "xdg", "odbench", "llama-lib") {
		t.Fatalf("caches %v", caches)
	}
	want := []string{"/usr/local/lib", "/opt/homebrew/lib", "/home/u/.local/lib",
		filepath.Join(repo, ".cache", "llama-lib", cpu), filepath.Join(repo, ".cache", "llama-lib", "zz-vulkan@"+NPMVersion)}
	if strings.Join(dirs, "\n") != strings.Join(want, "\n") {
		t.Fatalf("search dirs\n%s\nwant\n%s", strings.Join(dirs, "\n"), strings.Join(want, "\n"))
	}
}

func TestLibFile(t *testing.T) {
	for goos, want := range map[string]string{"linux": "libllama.so", "darwin": "libllama.dylib", "windows": "llama.dll", "freebsd": "libllama.so"} {
		if got := LibFile(goos, "llama"); got != want {
			t.Errorf("LibFile(%s) = %s, want %s", goos, got, want)
		}
	}
	if got := npmPackage("darwin", "arm64"); got != "mac-arm64-metal" {
		t.Errorf("npmPackage(darwin, arm64) = %s", got)
	}
}
