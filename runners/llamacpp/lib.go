package llamacpp

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
)

// The library release this build speaks, and where to get it.
const (
	// Release is the llama.cpp release (node-llama-cpp's naming) whose C
	// API yzma v1.28.0 calls (yzma's download.DefaultVersion).
	Release = "v0.5.0"
	// NPMVersion is the node-llama-cpp version whose prebuilt packages ship Release.
	NPMVersion = "3.22.1"
	// YzmaVersion is the pinned binding module version.
	YzmaVersion = "v1.28.0"
	// EnvLibDir names the environment variable holding the library folder.
	EnvLibDir = "ODBENCH_LLAMA_LIB"
)

// Sentinel errors of FindLibrary.
var (
	// ErrLibraryNotFound: no folder holds the llama library.
	ErrLibraryNotFound = errors.New("llama.cpp library not found")
	// ErrVersionMismatch: the library found is another llama.cpp release.
	ErrVersionMismatch = errors.New("llama.cpp library version mismatch")
)

// Library is a folder holding the llama.cpp shared libraries.
type Library struct {
	Dir string
	// Release is the llama.cpp release its build metadata names, "" when
	// the folder has none (a distro or own build: trusted, unchecked).
	Release string
	// From says how the folder was found: "--llama-lib", EnvLibDir or "search".
	From string
}

// LibFile returns the file name yzma opens for a library's short name on
// goos: libllama.so, libllama.dylib, llama.dll.
func LibFile(goos, name string) string {
	switch goos {
	case "windows":
		return name + ".dll"
	case "darwin", "ios":
		return "lib" + name + ".dylib"
	default:
		return "lib" + name + ".so"
	}
}

// FindLibrary returns the folder of the llama.cpp library: dir when not
// empty, else $ODBENCH_LLAMA_LIB, else the first of /usr/local/lib,
// /opt/homebrew/lib, ~/.local/lib and the project caches
// (.cache/llama-lib/<pkg>@3.22.1 in the working folder or a parent, and
// $XDG_CACHE_HOME/odbench/llama-lib/<pkg>@3.22.1) that holds it in the
// release this build speaks. A folder named by flag or environment is
// checked and never passed over.
func FindLibrary(dir string) (Library, error) {
	home, _ := os.UserHomeDir()
	cache, _ := os.UserCacheDir()
	cwd, _ := os.Getwd()
	search, caches := searchDirs(home, cache, cwd)
	return findLibrary(dir, os.Getenv(EnvLibDir), search, caches)
}

// findLibrary checks flagDir, else envDir, else the search folders in
// order; caches names the cache folders searched, for the error message.
func findLibrary(flagDir, envDir string, search, caches []string) (Library, error) {
	switch {
	case flagDir != "":
		return checkDir(flagDir, "--llama-lib")
	case envDir != "":
		return checkDir(envDir, EnvLibDir)
	}
	var mismatch error
	for _, d := range search {
		lib, err := checkDir(d, "search")
		if err == nil {
			return lib, nil
		}
		if errors.Is(err, ErrVersionMismatch) && mismatch == nil {
			mismatch = err
		}
	}
	if mismatch != nil {
		return Library{}, mismatch
	}
	var where []string
	for _, d := range search {
		if !strings.Contains(d, "@"+NPMVersion) {
			where = append(where, d)
		}
	}
	for _, c := range caches {
		where = append(where, filepath.Join(c, "*@"+NPMVersion))
	}
	return Library{}, fmt.Errorf("%w: no %s given by --llama-lib or $%s, nor in %s: run `make llama-lib` in odbench's source folder (installs @node-llama-cpp/%s@%s into .cache/llama-lib) or pass --llama-lib DIR",
		ErrLibraryNotFound, LibFile(runtime.GOOS, "llama"), EnvLibDir, strings.Join(where, ", "), npmPackage(runtime.GOOS, runtime.GOARCH), NPMVersion)
}

// searchDirs lists the folders searched when none is given, in order, and
// the cache folders whose <pkg>@NPMVersion subfolders are among them.
func searchDirs(home, userCache, cwd string) (dirs, caches []string) {
	dirs = []string{"/usr/local/lib", "/opt/homebrew/lib"}
	if home != "" {
		dirs = append(dirs, filepath.Join(home, ".local", "lib"))
	}
	for d := cwd; d != ""; {
		caches = append(caches, filepath.Join(d, ".cache", "llama-lib"))
		parent := filepath.Dir(d)
		if parent == d {
			break
		}
		d = parent
	}
	if userCache != "" {
		caches = append(caches, filepath.Join(userCache, "odbench", "llama-lib"))
	}
	cpu := npmPackage(runtime.GOOS, runtime.GOARCH) + "@" + NPMVersion
	for _, c := range caches {
		found, _ := filepath.Glob(filepath.Join(c, "*@"+NPMVersion))
		// The CPU build first, then GPU variants, each in name order.
		sort.Slice(found, func(i, j int) bool {
			bi, bj := filepath.Base(found[i]) == cpu, filepath.Base(found[j]) == cpu
			if bi != bj {
				return bi
			}
			return found[i] < found[j]
		})
		dirs = append(dirs, found...)
	}
	return dirs, caches
}

// npmPackage names the node-llama-cpp prebuilt package for a platform.
func npmPackage(goos, goarch string) string {
	osName := map[string]string{"linux": "linux", "darwin": "mac", "windows": "win"}[goos]
	arch := map[string]string{"amd64": "x64", "arm64": "arm64", "arm": "armv7l"}[goarch]
	if osName == "" || arch == "" {
		return "(none for " + goos + "/" + goarch + ")"
	}
	if osName == "mac" && arch == "arm64" {
		return "mac-arm64-metal"
	}
	return osName + "-" + arch
}

// buildMetadata is the part of node-llama-cpp's _nlcBuildMetadata.json that
// names the llama.cpp release.
type buildMetadata struct {
	BuildOptions struct {
		LlamaCpp struct {
			Release string `json:"release"`
		} `json:"llamaCpp"`
	} `json:"buildOptions"`
}

// checkDir accepts dir when it holds the llama library and, when its build
// metadata names a release, that release is Release.
func checkDir(dir, from string) (Library, error) {
	lib := filepath.Join(dir, LibFile(runtime.GOOS, "llama"))
	if _, err := os.Stat(lib); err != nil {
		return Library{}, fmt.Errorf("%w: %s (from %s): %v", ErrLibraryNotFound, lib, from, err)
	}
	l := Library{Dir: dir, From: from}
	meta := filepath.Join(dir, "_nlcBuildMetadata.json")
	data, err := os.ReadFile(meta)
	if errors.Is(err, os.ErrNotExist) {
		return l, nil
	}
	if err != nil {
		return Library{}, fmt.Errorf("read %s: %w", meta, err)
	}
	var m buildMetadata
	if err := json.Unmarshal(data, &m); err != nil {
		return Library{}, fmt.Errorf("read %s: %w", meta, err)
	}
	l.Release = m.BuildOptions.LlamaCpp.Release
	if l.Release != "" && l.Release != Release {
		return Library{}, fmt.Errorf("%w: the llama.cpp library in %s (from %s) is release %s, but odbench's binding (yzma %s) speaks release %s: run `make llama-lib` to install @node-llama-cpp/%s@%s, or pass --llama-lib with a %s build",
			ErrVersionMismatch, dir, from, l.Release, YzmaVersion, Release, npmPackage(runtime.GOOS, runtime.GOARCH), NPMVersion, Release)
	}
	return l, nil
}
