# seqlab — make targets. `make run` starts seqlab, `make test` runs every check.
GO      ?= go
BIN     ?= seqlab
PKGS    := ./...

.PHONY: run build test e2e lint fuzz bench bench-speed bench-recall bench-memory bench-torch bench-compare generate clean

run: ## start seqlab: the notebook app on the lessons
	@$(GO) build -o .seqlab . && ./.seqlab

build: ## build ./seqlab
	$(GO) build -o $(BIN) .

test: lint ## gofmt + go vet, every test (seeded, fast), a tiny run of every benchmark suite, the end-to-end TUI test
	SEQLAB_COURSE_CHECKED=1 $(GO) test -count=1 $(PKGS)
	$(GO) test -short -run '^$$' -bench 'Recall|Memory' -benchtime 1x ./bench
	$(GO) run . lessons check
	$(MAKE) --no-print-directory e2e

e2e: ## drive the real app in tmux: train with a live chart, interrupt, save, reopen
	./tui/e2e/run.sh

# The fuzzers, as package:Fuzzer. `go test` runs their seed corpora (make test
# does); `make fuzz` runs each for FUZZTIME on new inputs.
FUZZERS := \
	./notebook:FuzzParse ./notebook:FuzzEdited ./notebook:FuzzImportIpynb \
	./models/nn:FuzzReadSafetensors ./repl:FuzzDecodeRequest ./repl:FuzzDecodeReply ./repl:FuzzSessionLookup \
	./repl/prepass:FuzzPrepare ./display:FuzzUnmarshal ./models/internal/vmath:FuzzExp
FUZZTIME ?= 30s

fuzz: ## run every fuzzer for FUZZTIME (default 30s each): make fuzz FUZZTIME=5m
	@set -e; for f in $(FUZZERS); do \
		pkg=$${f%%:*}; name=$${f##*:}; \
		echo "== $$name ($$pkg, $(FUZZTIME))"; \
		$(GO) test -run '^$$' -fuzz "^$$name\$$" -fuzztime $(FUZZTIME) $$pkg; \
	done

lint: ## gofmt and go vet
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt would change:"; echo "$$out"; exit 1; fi
	$(GO) vet $(PKGS)

bench: bench-speed bench-memory bench-recall ## all benchmark suites

bench-speed: ## the standard speed workloads (BENCHMARKS.md), 5 runs for benchstat
	$(GO) run . bench --suite speed --count 5 -o bench-speed.txt

bench-torch: ## the speed suite, then PyTorch's reference on the same machine (needs python3-torch), with the ratios
	$(GO) run . bench --suite speed --count 3 --torch -o bench-speed.txt

bench-memory: ## memory and cost against sequence length, with fitted slopes and plots
	$(GO) run . bench --suite memory -o bench-memory.txt

bench-recall: ## long-range recall of every model on every task (long: hours on 2 cores)
	$(GO) run . bench --suite recall -o bench-recall.txt

bench-compare: ## compare two result files: make bench-compare OLD=a.txt NEW=b.txt
	$(GO) tool benchstat $(OLD) $(NEW)

generate: ## regenerate generated code
	$(GO) generate $(PKGS)

clean:
	rm -f $(BIN) .seqlab bench-*.txt *.prof *.test
	$(GO) clean -testcache
