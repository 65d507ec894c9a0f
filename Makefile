# lexkit: this Makefile only wraps CMake. Quick start: `make demo`, `make test`.
BUILD      ?= build
ASAN_BUILD ?= build-asan
TSAN_BUILD ?= build-tsan
# The tests that run threads (index build with 2 threads, shared index searches, Chinese
# searches from threads sharing one index's model, a fit and TF-IDF weighting on 2 threads,
# embedding and tagger training workers, the output-path and input tests' training runs).
TSAN_TESTS ?= unit_api_tagger|unit_api_search|unit_api_features|unit_bow|unit_tfidf|unit_pool|bm25_build_threads|bm25_index|bm25_segments|unit_bm25_analyzer_zh|unit_embed|unit_tagger|cli_bm25|cli_embed_basic|cli_tagger|cli_serve_requests|cli_serve_demo_limits|cli_serve_memory
TYPE       ?= Release
PREFIX     ?= /usr/local
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_ARGS ?=

.PHONY: all deps build demo test test-kernels test-asan test-tsan fuzz install bench eval clean python install-python

all: build

deps:
	@bash scripts/deps.sh build

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(TYPE) -DCMAKE_INSTALL_PREFIX=$(PREFIX) $(CMAKE_ARGS)

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

demo: build
	@bash scripts/demo.sh $(BUILD)/lexkit

# The test packages (cmocka among them) are installed before CMake configures, and CMake is
# told to require cmocka: a build dir configured earlier without it (say by `make demo`)
# is re-configured instead of silently leaving the unit tests out.
test: deps
	@bash scripts/deps.sh test
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(TYPE) -DCMAKE_INSTALL_PREFIX=$(PREFIX) \
	  -DLEXKIT_REQUIRE_TESTS=ON $(CMAKE_ARGS)
	cmake --build $(BUILD) -j $(JOBS)
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The suite again under each OpenBLAS kernel in KERNELS (those the CPU can run): how huge or
# tiny values round depends on the kernel, and no test may depend on it.
KERNELS ?= SkylakeX Haswell
test-kernels: test
	@bash scripts/test_kernels.sh $(BUILD) $(KERNELS)

test-asan: deps
	@bash scripts/deps.sh test
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DLEXKIT_SANITIZE=ON -DLEXKIT_WERROR=ON \
	  -DLEXKIT_REQUIRE_TESTS=ON -DCMAKE_C_FLAGS="-O1" $(CMAKE_ARGS)
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	  UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest --output-on-failure -j $(JOBS)

# ThreadSanitizer over the threaded tests; OpenBLAS is not instrumented, so reports inside
# libopenblas only are suppressed (tests/tsan.supp says why).
test-tsan: deps
	@bash scripts/deps.sh test
	cmake -S . -B $(TSAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DLEXKIT_TSAN=ON -DLEXKIT_WERROR=OFF \
	  -DCMAKE_C_FLAGS="-O1" $(CMAKE_ARGS)
	cmake --build $(TSAN_BUILD) -j $(JOBS)
	cd $(TSAN_BUILD) && TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1 \
	  suppressions=$(CURDIR)/tests/tsan.supp" ctest --output-on-failure -j $(JOBS) -R '$(TSAN_TESTS)'

# libFuzzer targets (tests/fuzz/README.md): each runs FUZZ_SECONDS from its seed corpus.
FUZZ_BUILD   ?= build-fuzz
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= vectors tagger_model embed_model vocab_in docs_jsonl conllu slash tokenize \
                analogy similarity userdict bm25_dir query markdown
fuzz:
	@bash scripts/deps.sh fuzz
	CC=clang cmake -S . -B $(FUZZ_BUILD) -DCMAKE_BUILD_TYPE=Debug -DLEXKIT_FUZZ=ON \
	  -DLEXKIT_SANITIZE=ON -DCMAKE_C_FLAGS="-O1 -g" $(CMAKE_ARGS)
	cmake --build $(FUZZ_BUILD) -j $(JOBS) $(addprefix --target fuzz_,$(FUZZ_TARGETS))
	@for t in $(FUZZ_TARGETS); do mkdir -p $(FUZZ_BUILD)/corpus/$$t tests/fuzz/crashes/$$t; \
	  echo "== fuzz_$$t ($(FUZZ_SECONDS) s)"; \
	  TMPDIR=/tmp ASAN_OPTIONS=detect_leaks=1 $(FUZZ_BUILD)/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) \
	    -rss_limit_mb=2048 -timeout=10 -artifact_prefix=tests/fuzz/crashes/$$t/ \
	    $(FUZZ_BUILD)/corpus/$$t tests/fuzz/corpus/$$t 2>&1 | grep -aE "^#[0-9]+[[:space:]]+DONE|ERROR|SUMMARY" || exit 1; \
	done

install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

# The Python package: build/python/lexkit (import it with PYTHONPATH=build/python), and
# install-python copies it into Debian python3's site directory for this user (or into
# PYTHON_SITE=DIR). Needs python3-dev (scripts/deps.sh test installs it); no network.
PYTHON_SITE ?= $(shell /usr/bin/python3 -c 'import site; print(site.getusersitepackages())')
python: build
	@bash scripts/deps.sh test
	cmake --build $(BUILD) -j $(JOBS) --target lexkit_python

install-python: python
	mkdir -p $(PYTHON_SITE)
	rm -rf $(PYTHON_SITE)/lexkit
	cp -r $(BUILD)/python/lexkit $(PYTHON_SITE)/lexkit

# Benchmarks and evaluations against the peers on ../shared data (not part of `make test`).
bench: build
	@bash scripts/deps.sh bench
	@bash tests/bench/run_all.sh $(BUILD)/lexkit $(BENCH)

eval: bench

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(TSAN_BUILD)
