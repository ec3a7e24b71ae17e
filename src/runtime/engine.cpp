#include "runtime/engine.h"

#include <chrono>
#include <string>

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
  wasmtime::Engine engine(std::move(config));
  wc::Linker linker(engine);
  if (auto added = linker.add_wasip2(); !added) {
    return make_error(ErrorCode::kInternal,
                      "cannot add WASI preview 2 to the linker: " + added.err().message());
  }
  return std::unique_ptr<Engine>(
      new Engine(std::make_unique<Impl>(Impl{std::move(engine), std::move(linker)})));
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
  auto exec_index = find_exec_export(impl_->engine, component.ok_ref());
  if (!exec_index) return std::unexpected(std::move(exec_index.error()));
  const auto elapsed = std::chrono::steady_clock::now() - started;
  return std::make_unique<CompiledFunction>(std::make_unique<CompiledFunction::Impl>(
      CompiledFunction::Impl{component.unwrap(), std::move(*exec_index),
                             std::chrono::duration_cast<std::chrono::nanoseconds>(elapsed)}));
}

}  // namespace wasmfaas::runtime
