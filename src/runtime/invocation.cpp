#include "runtime/invocation.h"

#include <wasmfaas_capi.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstddef>
#include <optional>

#include "common/utf8.h"
#include "runtime/error_translation.h"
#include "runtime/keyvalue_bridge.h"
#include "runtime/log_capture.h"
#include "runtime/wasmtime_handles.h"

namespace wasmfaas::runtime {
namespace {

namespace wc = wasmtime::component;
using Clock = std::chrono::steady_clock;

std::chrono::nanoseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start);
}

// WASI's custom-output callback: the guest wrote `size` bytes. Always reports
// them as written so a chatty guest is never stalled; LogCapture bounds them.
ptrdiff_t capture_output(void* sink, const unsigned char* data, size_t size) {
  static_cast<LogCapture*>(sink)->append(reinterpret_cast<const char*>(data), size);
  return static_cast<ptrdiff_t>(size);
}

// Collects the denial messages wasmfaas_store_take_http_denials hands over.
ptrdiff_t collect_denial(void* sink, const unsigned char* data, size_t size) {
  static_cast<std::vector<std::string>*>(sink)->emplace_back(reinterpret_cast<const char*>(data),
                                                             size);
  return static_cast<ptrdiff_t>(size);
}

uint64_t to_ms(std::chrono::milliseconds duration) {
  return static_cast<uint64_t>(std::max<int64_t>(duration.count(), 0));
}

// Installs the store's host state: its wasi:http policy, key-value host and
// config values (right after its WASI context is set).
bool init_host(wasmtime::Store& store, const InvocationOptions& options) {
  const OutboundHttpOptions& http = options.outbound_http;
  std::vector<const char*> origins;
  origins.reserve(http.allowed_origins.size());
  for (const std::string& origin : http.allowed_origins) origins.push_back(origin.c_str());
  const wasmfaas_http_policy_t policy{
      origins.data(),
      origins.size(),
      to_ms(http.connect_timeout),
      to_ms(http.first_byte_timeout),
      to_ms(std::min(http.total_timeout, options.timeout)),
      http.max_response_bytes,
      http.max_concurrent_requests};
  const wasmfaas_kv_host_t keyvalue{options.keyvalue, handle_keyvalue_request};
  std::vector<const char*> config_keys;
  std::vector<const char*> config_values;
  for (const auto& [key, value] : options.config) {
    config_keys.push_back(key.c_str());
    config_values.push_back(value.c_str());
  }
  const wasmfaas_store_host_t host{&policy, options.keyvalue ? &keyvalue : nullptr,
                                   config_keys.data(), config_values.data(), config_keys.size()};
  return wasmfaas_store_init_host(store.capi(), &host);
}

}  // namespace

struct Invocation::Impl {
  Impl(const Engine& engine, const CompiledFunction& function, size_t max_log_bytes)
      : function(function),
        stdout_capture(max_log_bytes),
        stderr_capture(max_log_bytes),
        store(engine.impl().engine) {}

  const CompiledFunction& function;
  // Declared before the store: the store's WASI context points at them, so
  // they must outlive it.
  LogCapture stdout_capture;
  LogCapture stderr_capture;
  wasmtime::Store store;
  std::optional<wc::Instance> instance;
  EffectiveLimits limits;
  size_t max_output_bytes = 0;
  InvocationTimings timings;
  bool fuel_metering = false;
  std::chrono::milliseconds epoch_tick{};
  bool reusable = false;
  uint32_t calls = 0;
  bool poisoned = false;

  // Fuel for one call: a fuel-metering engine always meters, so
  // "unlimited" is a lot of it.
  Result<void> refuel() {
    if (!fuel_metering) return {};
    if (auto set = store.context().set_fuel(limits.fuel ? limits.fuel : UINT64_MAX); !set) {
      return make_error(ErrorCode::kInternal, "cannot set fuel: " + set.err().message());
    }
    return {};
  }

  // The epoch deadline `limits.timeout` from now.
  void set_deadline() {
    store.context().set_epoch_deadline(
        static_cast<uint64_t>((limits.timeout + epoch_tick - std::chrono::milliseconds(1)) /
                              epoch_tick) +
        1);
  }

  // Makes a later call of a reused instance start like the first: empty
  // logs, no denials left over, its own timings, full fuel and deadline.
  Result<void> prepare_next_call() {
    stdout_capture.clear();
    stderr_capture.clear();
    wasmfaas_store_take_http_denials(
        store.capi(), [](void*, const unsigned char*, size_t size) {
          return static_cast<ptrdiff_t>(size);
        }, nullptr);
    timings = {};
    if (auto fueled = refuel(); !fueled) return fueled;
    set_deadline();
    return {};
  }

  Result<std::string> call(std::string_view input);
};

Invocation::Invocation(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Invocation::Invocation(Invocation&&) noexcept = default;
Invocation& Invocation::operator=(Invocation&&) noexcept = default;
Invocation::~Invocation() = default;

Result<Invocation> Invocation::start(const Engine& engine, const CompiledFunction& function,
                                     const InvocationOptions& options) {
  const auto started = Clock::now();
  auto impl = std::make_unique<Impl>(engine, function, options.max_log_bytes);

  // Deny by default: a fresh WasiConfig has no preopened directories, no
  // environment, no arguments, a closed stdin and no socket addresses. The
  // function's configured environment is all it sees of one.
  wasmtime::WasiConfig wasi;
  if (!options.env.empty()) wasi.env(options.env);
  wasmfaas_wasi_config_capture_output(wasi.capi(), capture_output, &impl->stdout_capture,
                                      capture_output, &impl->stderr_capture);
  if (auto set = impl->store.context().set_wasi(std::move(wasi)); !set) {
    return make_error(ErrorCode::kInternal, "cannot set up WASI: " + set.err().message());
  }
  if (!init_host(impl->store, options)) {
    return make_error(ErrorCode::kInternal, "cannot set up the store's host interfaces");
  }
  const EngineOptions& engine_options = engine.options();
  impl->limits = EffectiveLimits{
      options.timeout, std::min(options.max_memory_bytes, engine_options.max_memory_bytes),
      options.max_table_elements, engine_options.fuel_metering ? options.fuel : 0};
  impl->max_output_bytes = options.max_output_bytes;
  impl->fuel_metering = engine_options.fuel_metering;
  impl->epoch_tick = engine_options.epoch_tick;
  impl->reusable = options.reusable;
  wasmfaas_store_limit_growth(impl->store.capi(), impl->limits.memory_bytes,
                              impl->limits.table_elements);
  if (auto fueled = impl->refuel(); !fueled) return std::unexpected(fueled.error());
  impl->set_deadline();

  wasmtime_component_instance_t instance{};
  if (wasmtime_error_t* failed = wasmfaas_instance_pre_instantiate(
          function.impl().instance_pre.get(), impl->store.context().capi(), &instance)) {
    Error error = translate_call_error(wasmtime::Error(failed), impl->limits);
    error.message = "cannot instantiate function: " + error.message;
    return std::unexpected(std::move(error));
  }
  impl->instance.emplace(instance);
  impl->timings.instantiate = since(started);
  return Invocation(std::move(impl));
}

Result<std::string> Invocation::call(std::string_view input) {
  if (impl_->calls > 0 && !reusable()) {
    return make_error(ErrorCode::kInternal,
                      impl_->reusable ? "this Invocation failed a call and serves no more"
                                      : "this Invocation may be called only once");
  }
  if (impl_->calls > 0) {
    if (auto prepared = impl_->prepare_next_call(); !prepared) {
      impl_->poisoned = true;
      return std::unexpected(prepared.error());
    }
  }
  ++impl_->calls;
  auto output = impl_->call(input);
  if (!output) impl_->poisoned = true;
  return output;
}

bool Invocation::reusable() const { return impl_->reusable && !impl_->poisoned; }

Result<std::string> Invocation::Impl::call(std::string_view input) {
  if (!is_valid_utf8(input)) {
    return make_error(ErrorCode::kInvalidArgument, "input is not valid UTF-8");
  }
  const auto started = Clock::now();
  wasmtime::Store::Context context = store.context();
  auto func = instance->get_func(context, function.impl().exec_index);
  if (!func) {
    return make_error(ErrorCode::kInternal, "instance has no `exec` function");
  }
  const std::array<wc::Val, 1> args = {wc::Val::string(input)};
  std::array<wc::Val, 1> results = {wc::Val(false)};
  auto called = func->call(context, args, results);
  if (!called) {
    timings.call = since(started);
    return std::unexpected(translate_call_error(called.err(), limits));
  }
  if (!results[0].is_string()) {
    return make_error(ErrorCode::kInternal, "`exec` returned a value that is not a string");
  }
  const std::string_view result = results[0].get_string();
  if (result.size() > max_output_bytes) {
    timings.call = since(started);
    return make_error(ErrorCode::kBadOutput,
                      "function output of " + std::to_string(result.size()) +
                          " bytes exceeds the limit of " +
                          std::to_string(max_output_bytes) + " bytes",
                      reason::kOutputTooLarge);
  }
  std::string output(result);
  if (auto finished = func->post_return(context); !finished) {
    timings.call = since(started);
    return std::unexpected(translate_call_error(finished.err(), limits));
  }
  timings.call = since(started);
  return output;
}

CapturedLogs Invocation::logs() const {
  return CapturedLogs{impl_->stdout_capture.text(), impl_->stderr_capture.text(),
                      impl_->stdout_capture.truncated(), impl_->stderr_capture.truncated()};
}

std::vector<std::string> Invocation::outbound_denials() const {
  std::vector<std::string> denials;
  wasmfaas_store_take_http_denials(impl_->store.capi(), collect_denial, &denials);
  return denials;
}

const InvocationTimings& Invocation::timings() const { return impl_->timings; }

}  // namespace wasmfaas::runtime
