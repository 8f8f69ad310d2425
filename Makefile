# seqlab — make targets. `make run` starts seqlab, `make test` runs every check.
GO      ?= go
BIN     ?= seqlab
PKGS    := ./...

.PHONY: run build test lint bench bench-speed generate clean

run: ## start seqlab
	$(GO) run .

build: ## build ./seqlab
	$(GO) build -o $(BIN) .

test: lint ## gofmt + go vet, then every test (seeded, fast), benchmarks run once
	$(GO) test -count=1 $(PKGS)

lint: ## gofmt and go vet
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

bench: bench-speed ## all benchmark suites

bench-speed: ## the standard speed workloads (BENCHMARKS.md), 5 runs for benchstat
	$(GO) test -run '^$$' -bench Workload -count 5 ./bench | tee bench-speed.txt

generate: ## regenerate generated code
	$(GO) generate $(PKGS)

clean:
	rm -f $(BIN) bench-*.txt *.prof *.test
	$(GO) clean -testcache
