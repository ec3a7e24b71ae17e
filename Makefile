# The two commands: `make run` and `make test`. Both install what is missing
# (scripts/setup.sh) and build first; slow builds are cached under
# $WASMFAAS_CACHE_DIR (default ~/.cache/wasmfaas).
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
WASMFAAS := $(BUILD_DIR)/src/cli/wasmfaas
CTEST_PARALLEL ?= 2

.PHONY: all deps configure build test run clean bench

all: build

deps:
	@scripts/setup.sh $(BUILD_DIR)/deps.cmake

configure: deps
	@cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR)

test: build
	@ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(CTEST_PARALLEL)

# Serves on 127.0.0.1:3000 with the embedded store in ./data; on first start
# the example functions are deployed into the bucket `functions`.
LISTEN ?= 127.0.0.1:3000
DATA_DIR ?= data
CACHE_DIR ?= cache
run: build
	$(WASMFAAS) serve --listen $(LISTEN) --data-dir $(DATA_DIR) --cache-dir $(CACHE_DIR) --deploy-examples $(BUILD_DIR)/functions

clean:
	rm -rf $(BUILD_DIR)

# Benchmarks (never part of `make test`): installs wasmtime-cli (same
# Wasmtime release, for `wasmtime serve`) and wrk when missing.
bench: build
	@scripts/setup.sh --bench $(BUILD_DIR)/deps.cmake
	@bench/run.sh
