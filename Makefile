# odbench — make run: detect this device and run the main job; make test: every check CI runs.
GO        ?= go
BIN       := $(CURDIR)/bin
STATICCHECK_VERSION := v0.8.2
CROSS     := linux/amd64 linux/arm64 android/arm64 darwin/arm64 windows/amd64

.PHONY: all build run test vet staticcheck unit rss-check cross tools llama-lib qemu test-arm64

all: build

build:
	$(GO) build -o $(BIN)/odbench ./cmd/odbench

run: build
	$(BIN)/odbench detect

test: tools vet staticcheck unit rss-check test-arm64 cross

tools: $(BIN)/staticcheck

$(BIN)/staticcheck:
	GOBIN=$(BIN) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

vet:
	$(GO) vet ./...

staticcheck: $(BIN)/staticcheck
	$(BIN)/staticcheck ./...

unit: llama-lib
	$(GO) test -race -timeout 12m ./...

# rss-check runs plan's memory prediction against the measured peak RSS of
# real runs; it skips under -race (the race detector inflates RSS), so it
# runs here without it.
rss-check: llama-lib
	$(GO) test -count=1 -run TestPlanPredictsPeakRSS ./cmd/odbench

cross:
	@for p in $(CROSS); do \
		echo "cross-build $$p"; \
		CGO_ENABLED=0 GOOS=$${p%/*} GOARCH=$${p#*/} $(GO) build -o /dev/null ./... || exit 1; \
	done

# llama-lib installs the prebuilt llama.cpp library that the llamacpp runner
# loads (npm @node-llama-cpp/<os>-<arch>@3.22.1 = llama.cpp v0.5.0, the release
# yzma v1.28.0 speaks) into .cache/llama-lib/, with the file names yzma opens.
# Idempotent. LLAMA_VARIANT=cuda or vulkan picks a GPU build.
llama-lib:
	LLAMA_VARIANT=$(LLAMA_VARIANT) ./scripts/llama-lib.sh

# arm64 tests under qemu-user: once on a CPU with the dot-product extension
# (QEMU_CPU=max: NEON+SDOT kernels) and once on a Cortex-A53 (no dotprod: the
# generic Go path older phones run). qemu installs Debian's qemu-user-static
# when it is missing (idempotent; needs root, as CI has).
ARM64_TEST_PKGS ?= ./quant/
# The engine's arm64 path against the logits recorded on amd64
# (runners/native/testdata/crossarch.golden).
ARM64_NATIVE_TESTS ?= TestCrossArchitecture

qemu:
	@command -v qemu-aarch64-static >/dev/null || (apt-get update && apt-get install -y qemu-user-static)

test-arm64: qemu
	QEMU_CPU=max GOARCH=arm64 CGO_ENABLED=0 $(GO) test -count=1 -exec qemu-aarch64-static $(ARM64_TEST_PKGS)
	QEMU_CPU=cortex-a53 GOARCH=arm64 CGO_ENABLED=0 $(GO) test -count=1 -exec qemu-aarch64-static $(ARM64_TEST_PKGS)
	QEMU_CPU=max GOARCH=arm64 CGO_ENABLED=0 $(GO) test -count=1 -exec qemu-aarch64-static -run '$(ARM64_NATIVE_TESTS)' ./runners/native/
	QEMU_CPU=cortex-a53 GOARCH=arm64 CGO_ENABLED=0 $(GO) test -count=1 -exec qemu-aarch64-static -run '$(ARM64_NATIVE_TESTS)' ./runners/native/
