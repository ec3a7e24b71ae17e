#include "runtime/engine.h"

#include <wasmfaas_capi.h>

#include <chrono>
#include <string>

#include "common/hash.h"
#include "runtime/error_translation.h"
#include "runtime/wasm_binary_kind.h"
#include "runtime/wasmtime_handles.h"

namespace wasmfaas::runtime {
namespace {

namespace wc = wasmtime::component;

constexpr std::string_view kExecExport = "exec";

// Checks that the component exports `exec: func(string) -> string`.
Result<wc::ExportIndex> find_exec_export(const wasmtime::Engine& engine,
                                         const wc::Component& component) {
  const auto item = component.type().export_get(engine, kExecExport);
  if (!item) {
    return make_error(ErrorCode::kInvalidComponent,
                      "component does not export `exec`; a faas-exec component must export "
                      "exec: func(input: string) -> string");
  }
  if (!item->is_component_func()) {
    return make_error(ErrorCode::kInvalidComponent,
                      "component export `exec` is not a function; expected "
                      "exec: func(input: string) -> string");
  }
  const wc::FuncType& type = item->component_func();
  const auto param = type.param_count() == 1 ? type.param_nth(0) : std::nullopt;
  const auto result = type.result();
  if (!param || !param->second.is_string() || !result || !result->is_string()) {
    return make_error(ErrorCode::kInvalidComponent,
                      "component export `exec` has the wrong signature; expected "
                      "exec: func(input: string) -> string");
  }
  auto index = component.export_index(nullptr, kExecExport);
  if (!index) {
    return make_error(ErrorCode::kInternal, "export `exec` has no index");
  }
  return std::move(*index);
}

// Checks the `exec` export, links the component against `linker` and wraps
// it as a CompiledFunction.
Result<std::unique_ptr<CompiledFunction>> wrap_component(
    const wasmtime::Engine& engine, const wc::Linker& linker, wc::Component component,
    std::chrono::steady_clock::time_point started) {
  auto exec_index = find_exec_export(engine, component);
  if (!exec_index) return std::unexpected(std::move(exec_index.error()));
  wasmfaas_instance_pre_t* linked = nullptr;
  if (wasmtime_error_t* error =
          wasmfaas_instance_pre_new(linker.capi(), component.capi(), &linked)) {
    return make_error(ErrorCode::kInvalidComponent,
                      "component imports what wasmfaas does not provide: " +
                          wasmtime::Error(error).message());
  }
  InstancePre instance_pre(linked);
  const auto elapsed = std::chrono::steady_clock::now() - started;
  return std::make_unique<CompiledFunction>(std::make_unique<CompiledFunction::Impl>(
      CompiledFunction::Impl{std::move(component), std::move(instance_pre),
                             std::move(*exec_index),
                             std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed)}));
}

}  // namespace

Engine::Engine(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Engine::~Engine() = default;

Result<std::unique_ptr<Engine>> Engine::create(const EngineOptions& options) {
  wasmtime::Config config;
  config.wasm_component_model(true);
  // The GC feature is compiled in only for the C++ headers' sake.
  config.wasm_gc(false);
  config.cranelift_opt_level(options.optimize ? wasmtime::OptLevel::Speed
                                              : wasmtime::OptLevel::None);
  config.epoch_interruption(true);
  config.max_wasm_stack(options.max_wasm_stack_bytes);
  config.consume_fuel(options.fuel_metering);
  if (!options.guard_pages) {
    // Explicit bounds checks in the generated code instead of guard pages
    // and signal handlers: Wasmtime then never changes a reused memory
    // slot's page protection (no mprotect, no TLB shootdown per call).
    config.signals_based_traps(false);
    config.memory_guard_size(0);
    config.memory_reservation(options.max_memory_bytes);
  }
  if (options.pooling) {
    // A component built from C or Rust with the preview1 adapter holds a few
    // core instances, two memories and a few tables; size the pool for that.
    wasmtime::PoolAllocationConfig pool;
    pool.total_component_instances(options.max_instances);
    pool.total_core_instances(options.max_instances * 16);
    pool.total_memories(options.max_instances * 4);
    pool.total_tables(options.max_instances * 8);
    pool.max_memory_size(options.max_memory_bytes);
    pool.max_unused_warm_slots(options.max_instances);
    // Reset the first pages of a reused slot with memset rather than
    // madvise, so that the next instance does not page-fault them back in.
    pool.linear_memory_keep_resident(options.keep_resident_bytes);
    pool.table_keep_resident(options.keep_resident_bytes);
    config.pooling_allocation_strategy(pool);
  }
  wasmtime::Engine engine(std::move(config));
  wc::Linker linker(engine);
  if (auto added = linker.add_wasip2(); !added) {
    return make_error(ErrorCode::kInternal,
                      "cannot add WASI preview 2 to the linker: " + added.err().message());
  }
  // wasi:http (each store's requests subject to its own policy: the C API's
  // wasmtime_component_linker_add_wasi_http would let any request out),
  // wasi:keyvalue and wasi:config, for functions that import them
  // (runtime-capi/src/host_linker.rs).
  if (!wasmfaas_component_linker_add_host(linker.capi())) {
    return make_error(ErrorCode::kInternal, "cannot add the host interfaces to the linker");
  }
  // Only what changes generated code belongs in the fingerprint.
  const std::string fingerprint =
      sha256_hex("wasmtime " WASMTIME_VERSION " x86_64 opt=" +
                 std::to_string(options.optimize) + " pooling=" + std::to_string(options.pooling) +
                 " epoch=1 fuel=" + std::to_string(options.fuel_metering) +
                 (options.guard_pages ? "" : " guard_pages=0"))
          .substr(0, 16);
  auto impl = std::make_unique<Impl>(Impl{options, fingerprint, std::move(engine),
                                          std::move(linker), std::jthread()});
  impl->epoch_ticker = std::jthread(
      [&engine = impl->engine, tick = options.epoch_tick](std::stop_token stop) {
        while (!stop.stop_requested()) {
          std::this_thread::sleep_for(tick);
          engine.increment_epoch();
        }
      });
  return std::unique_ptr<Engine>(new Engine(std::move(impl)));
}

Result<std::unique_ptr<CompiledFunction>> Engine::compile(
    std::span<const uint8_t> bytes) const {
  const auto started = std::chrono::steady_clock::now();
  switch (classify_wasm_binary(bytes)) {
    case WasmBinaryKind::kNotWasm:
      return make_error(ErrorCode::kInvalidComponent,
                        "not a WebAssembly binary (missing the \\0asm preamble)");
    case WasmBinaryKind::kCoreModule:
      return make_error(ErrorCode::kInvalidComponent,
                        "this is a core WebAssembly module, not a component; turn it into a "
                        "component with `wasm-tools component new`");
    case WasmBinaryKind::kUnknownVersion:
      return make_error(ErrorCode::kInvalidComponent,
                        "unsupported WebAssembly binary version or layer");
    case WasmBinaryKind::kComponent:
      break;
  }
  auto component = wc::Component::compile(
      impl_->engine, wasmtime::Span<uint8_t>(const_cast<uint8_t*>(bytes.data()), bytes.size()));
  if (!component) {
    return make_error(ErrorCode::kInvalidComponent,
                      "invalid component: " + first_line(component.err().message()));
  }
  return wrap_component(impl_->engine, impl_->linker, component.unwrap(), started);
}

Result<std::unique_ptr<CompiledFunction>> Engine::deserialize(
    std::span<const uint8_t> artifact) const {
  const auto started = std::chrono::steady_clock::now();
  auto component = wc::Component::deserialize(
      impl_->engine,
      wasmtime::Span<uint8_t>(const_cast<uint8_t*>(artifact.data()), artifact.size()));
  if (!component) {
    return make_error(ErrorCode::kInvalidComponent,
                      "cannot load compiled code: " + first_line(component.err().message()));
  }
  return wrap_component(impl_->engine, impl_->linker, component.unwrap(), started);
}

const std::string& Engine::fingerprint() const { return impl_->fingerprint; }

const EngineOptions& Engine::options() const { return impl_->options; }

}  // namespace wasmfaas::runtime
