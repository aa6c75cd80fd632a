# odbench — make run: detect this device and run the main job; make test: every check CI runs.
GO        ?= go
BIN       := $(CURDIR)/bin
STATICCHECK_VERSION := v0.8.2
CROSS     := linux/amd64 linux/arm64 android/arm64 darwin/arm64 windows/amd64

.PHONY: all build run test vet staticcheck unit cross tools

all: build

build:
	$(GO) build -o $(BIN)/odbench ./cmd/odbench

run: build
	$(BIN)/odbench detect

test: tools vet staticcheck unit cross

tools: $(BIN)/staticcheck

$(BIN)/staticcheck:
	GOBIN=$(BIN) $(GO) install honnef.co/go/tools/cmd/staticcheck@$(STATICCHECK_VERSION)

vet:
	$(GO) vet ./...

staticcheck: $(BIN)/staticcheck
	$(BIN)/staticcheck ./...

unit:
	$(GO) test -race -timeout 12m ./...

cross:
	@for p in $(CROSS); do \
		echo "cross-build $$p"; \
		CGO_ENABLED=0 GOOS=$${p%/*} GOARCH=$${p#*/} $(GO) build -o /dev/null ./... || exit 1; \
	done
