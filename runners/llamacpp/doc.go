// Package llamacpp is the runner "llamacpp": llama.cpp loaded in-process
// through github.com/hybridgroup/yzma (purego and libffi, no cgo).
//
// yzma v1.28.0 calls the C API of llama.cpp release v0.5.0 (node-llama-cpp's
// naming of its builds), which the npm package @node-llama-cpp/<os>-<arch>@3.22.1
// ships; `make llama-lib` installs it into .cache/llama-lib. The library is
// found through Options.LibDir (--llama-lib), ODBENCH_LLAMA_LIB, the usual
// install folders and the project cache (see FindLibrary); a library of
// another release is refused in one sentence before any foreign call.
//
// The runner is built everywhere but Android, where purego needs cgo; there
// the package is empty and registers nothing.
package llamacpp
