#!/bin/sh
# llama-lib.sh installs the prebuilt llama.cpp library that odbench's llamacpp
# runner loads (through yzma v1.28.0, which speaks llama.cpp's v0.5.0 API):
# the npm package @node-llama-cpp/<platform>@3.22.1, into .cache/llama-lib.
# It is idempotent: a second run finds the library and does nothing.
#
# Environment:
#   LLAMA_VARIANT  "" (CPU), "cuda" or "vulkan": picks the -cuda/-vulkan package.
#   LLAMA_CACHE    the cache folder (default: .cache/llama-lib beside this script's repo).
#   NPM            the npm command (default: npm).
#
# It prints the folder to pass as --llama-lib (or ODBENCH_LLAMA_LIB) last.
set -eu

version=3.22.1
here=$(CDPATH= cd -- "$(dirname -- "$0")/.." && pwd)
cache=${LLAMA_CACHE:-$here/.cache/llama-lib}
npm=${NPM:-npm}
variant=${LLAMA_VARIANT:-}

case "$(uname -s)" in
Linux) os=linux ;;
Darwin) os=mac ;;
MINGW* | MSYS* | CYGWIN*) os=win ;;
*) echo "llama-lib: no prebuilt llama.cpp package for $(uname -s); build llama.cpp and pass --llama-lib DIR" >&2; exit 1 ;;
esac
case "$(uname -m)" in
x86_64 | amd64) arch=x64 ;;
aarch64 | arm64) arch=arm64 ;;
armv7l) arch=armv7l ;;
*) echo "llama-lib: no prebuilt llama.cpp package for $(uname -m)" >&2; exit 1 ;;
esac
pkg=$os-$arch
[ "$os" = mac ] && [ "$arch" = arm64 ] && pkg=mac-arm64-metal
case "$variant" in
"") ;;
cuda | vulkan) pkg=$pkg-$variant ;;
*) echo "llama-lib: LLAMA_VARIANT must be empty, cuda or vulkan, not '$variant'" >&2; exit 1 ;;
esac

name=@node-llama-cpp/$pkg
dest=$cache/$pkg@$version
if [ -f "$dest/.complete" ]; then
	echo "$dest"
	exit 0
fi

if ! command -v "$npm" >/dev/null 2>&1; then
	echo "llama-lib: $npm not found: install Node.js (npm), or get llama.cpp's v0.5.0 build (node-llama-cpp's naming) another way and pass --llama-lib DIR" >&2
	exit 1
fi
tmp=$cache/npm.tmp.$$
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"
"$npm" install --silent --no-audit --no-fund --no-save --prefix "$tmp" "$name@$version" >&2
bins=$tmp/node_modules/$name/bins
src=$(find "$bins" -mindepth 1 -maxdepth 1 -type d | head -n 1)
if [ -z "$src" ]; then
	echo "llama-lib: $name@$version holds no bins/ folder" >&2
	exit 1
fi

rm -rf "$dest"
mkdir -p "$dest"
cp -R "$src"/. "$dest"/
rm -f "$dest"/*.node # the Node.js addon; odbench loads the libraries alone
# yzma opens lib<name>.so (.dylib, .dll) by its short name: link the
# versioned names the npm build uses (libllama.v0.5.0.so) to those.
case "$os" in
linux) ext=so ;;
mac) ext=dylib ;;
win) ext=dll ;;
esac
for lib in llama ggml ggml-base; do
	if [ "$os" = win ]; then want=$lib.$ext; else want=lib$lib.$ext; fi
	[ -e "$dest/$want" ] && continue
	found=$(cd "$dest" && ls | grep -E "^(lib)?$lib(\.[a-z]+)?\.v[0-9.]+\.$ext\$" | head -n 1 || true)
	if [ -z "$found" ]; then
		echo "llama-lib: $dest has no $want nor a versioned copy of it" >&2
		exit 1
	fi
	ln -s "$found" "$dest/$want"
done
touch "$dest/.complete"
echo "$dest"
