# lexkit: this Makefile only wraps CMake. Quick start: `make demo`, `make test`.
BUILD      ?= build
ASAN_BUILD ?= build-asan
TYPE       ?= Release
PREFIX     ?= /usr/local
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_ARGS ?=

.PHONY: all deps build demo test test-kernels test-asan install bench eval clean python install-python

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
	@bash tests/bench/run_all.sh $(BUILD)/lexkit

eval: bench

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
