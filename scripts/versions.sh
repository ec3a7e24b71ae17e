# Pinned versions of every tool the set-up installs. Sourced by the scripts.
WASMTIME_VERSION=48.0.8        # crate wasmtime-c-api-impl (runtime-capi/Cargo.toml pins it too)
WASM_TOOLS_VERSION=1.263.0     # cargo install wasm-tools
WIT_BINDGEN_VERSION=0.63.0     # cargo install wit-bindgen-cli
MIN_RUST_VERSION=1.95.0        # what wasmtime-c-api-impl 48 requires
VERSITYGW_VERSION=v1.7.0       # go install: the real S3 server the tests start
PROMETHEUS_CLIENT_VERSION=0.26.0  # pip, into the tests' venv: parses /metrics in a test
OPENAPI_SPEC_VALIDATOR_VERSION=0.9.0  # pip, into the tests' venv: checks docs/openapi.json
SCHEMATHESIS_VERSION=4.32.5       # pip, into the tests' venv: fuzzes the server against it
CRONITER_VERSION=7.0.0            # pip, into the tests' venv: the oracle of the cron tests
KUBERNETES_VALIDATE_VERSION=1.37.0  # pip, into the tests' venv: validates deploy/'s manifests offline
HELM_VERSION=v3.22.0              # go install: lints and renders deploy/helm/wasmfaas
VEGETA_VERSION=v12.13.0           # go install: fixed-rate load recording every request (cluster tests)

# Debian bookworm packages: build tools, libraries and the wasm32 C toolchain.
APT_PACKAGES=(
  cmake ninja-build g++ make pkg-config python3 python3-venv curl
  clang-19 lld-19 wasi-libc libclang-rt-19-dev-wasm32
  libboost1.81-dev nlohmann-json3-dev libspdlog-dev libcli11-dev libgtest-dev
  libssl-dev libcurl4-openssl-dev libpugixml-dev libtomlplusplus-dev
  libsqlite3-dev libpq-dev postgresql
  libhowardhinnant-date-dev  # date/tz.h; brings libdate-tz3, which the binaries need at run time
  haproxy nginx docker-compose  # the load balancers of deploy/ (and the cluster tests), compose's checker
  chromium fonts-dejavu-core  # the console's browser test (tests/console): Debian's Chromium, a font for its screenshots
)

# Only for `make fuzz` (libFuzzer and the sanitizer runtimes for clang-19).
FUZZ_APT_PACKAGES=(libclang-rt-19-dev)

# Only for `make bench`.
BENCH_APT_PACKAGES=(wrk procps valgrind python3-matplotlib)  # valgrind: bench/instructions.sh; matplotlib: the charts of bench/report.py
