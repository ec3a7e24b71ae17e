# The two commands: `make run` and `make test`. Both install what is missing
# (scripts/setup.sh) and build first; slow builds are cached under
# $WASMFAAS_CACHE_DIR (default ~/.cache/wasmfaas).
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
WASMFAAS := $(BUILD_DIR)/src/cli/wasmfaas
CTEST_PARALLEL ?= 2

.PHONY: all deps configure build test run clean install bench test-asan fuzz

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
CODE_CACHE_DIR ?= cache
run: build
	$(WASMFAAS) serve --listen $(LISTEN) --data-dir $(DATA_DIR) --code-cache-dir $(CODE_CACHE_DIR) --deploy-examples $(BUILD_DIR)/functions

clean:
	rm -rf $(BUILD_DIR)

# Puts `wasmfaas` into $(PREFIX)/bin (DESTDIR respected, for packaging):
# `make install PREFIX=$$HOME/.local` needs no root.
PREFIX ?= /usr/local
install: build
	@DESTDIR=$(DESTDIR) cmake --install $(BUILD_DIR) --prefix $(PREFIX)

# Benchmarks (never part of `make test`): installs wasmtime-cli (same
# Wasmtime release, for `wasmtime serve`), wrk, valgrind and matplotlib
# when missing. bench/run.sh runs three times and reports the medians.
bench: build
	@scripts/setup.sh --bench $(BUILD_DIR)/deps.cmake
	@bench/run.sh 8 3
	@echo "== instructions per call ==" && BUILD_DIR=$(BUILD_DIR) bench/instructions.sh
	@echo "== storage: embedded vs S3 ==" && bench/storage_exec.sh
	@echo "== hello beside hostile functions ==" && bench/hostile_latency.sh
	@echo "== the same, short calls on the network thread ==" && \
	  HOSTILE_SERVER_FLAGS="--short-call-us 1000" bench/hostile_latency.sh
	@echo "== runtime alone: hello, 20000 calls on one thread (guard pages, then none) ==" && \
	  $(BUILD_DIR)/bench/invoke_loop $(BUILD_DIR)/functions/hello.wasm '{"name":"World"}' 20000 && \
	  $(BUILD_DIR)/bench/invoke_loop $(BUILD_DIR)/functions/hello.wasm '{"name":"World"}' 20000 --no-guard-pages
	@echo "== pipelines ==" && $(BUILD_DIR)/bench/pipeline_steps $(BUILD_DIR)/test-components/fixture_echo.wasm 8
	@echo "== observability overhead ==" && bench/metrics_overhead.sh 8 1
	@echo "== state database: SQLite and PostgreSQL ==" && bench/state_ops.sh
	@echo "== key-value ==" && BUILD_DIR=$(BUILD_DIR) bench/keyvalue.sh
	@echo "== async jobs ==" && BUILD_DIR=$(BUILD_DIR) bench/jobs.sh
	@echo "== scale-out: S3 + PostgreSQL, change notices, HAProxy to 1 and 3 nodes ==" && \
	  BUILD_DIR=$(BUILD_DIR) bench/scale_out.sh

# Every test on a build with AddressSanitizer and UndefinedBehaviorSanitizer
# (Wasmtime itself is Rust and not instrumented). Not part of `make test`.
ASAN_BUILD_DIR ?= build-asan
test-asan:
	@scripts/setup.sh $(ASAN_BUILD_DIR)/deps.cmake
	@cmake -S . -B $(ASAN_BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DWASMFAAS_SANITIZE=ON >/dev/null
	@cmake --build $(ASAN_BUILD_DIR)
	@ASAN_OPTIONS=$(ASAN_OPTIONS_FOR_WASMTIME) UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --test-dir $(ASAN_BUILD_DIR) --output-on-failure -j $(CTEST_PARALLEL)
# Wasmtime handles SIGSEGV itself (traps, guard pages) and reserves large
# address ranges; ASan must leave both alone.
ASAN_OPTIONS_FOR_WASMTIME := handle_segv=0:handle_sigbus=0:allow_user_segv_handler=1:detect_leaks=1:abort_on_error=1

# libFuzzer on the parsers of untrusted input (fuzz/), FUZZ_SECONDS each.
FUZZ_BUILD_DIR ?= build-fuzz
FUZZ_SECONDS ?= 60
fuzz:
	@scripts/setup.sh --fuzz $(BUILD_DIR)/deps.cmake
	@cmake -S fuzz -B $(FUZZ_BUILD_DIR) -G Ninja -DCMAKE_CXX_COMPILER=clang++-19 >/dev/null
	@cmake --build $(FUZZ_BUILD_DIR)
	@for target in multipart request_target names; do \
	  mkdir -p $(FUZZ_BUILD_DIR)/corpus/$$target; \
	  echo "== fuzz_$$target ($(FUZZ_SECONDS) s)"; \
	  $(FUZZ_BUILD_DIR)/fuzz_$$target -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
	    $(FUZZ_BUILD_DIR)/corpus/$$target fuzz/seeds/$$target || exit 1; \
	done
