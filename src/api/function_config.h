#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "runtime/invocation.h"

namespace wasmfaas::api {

// How async jobs of a function are retried ("retry" in its config); an
// unset field keeps the server's default (triggers::RetryPolicy).
struct RetryConfig {
  std::optional<uint32_t> max_attempts;
  std::optional<int64_t> initial_ms;
  std::optional<int64_t> max_ms;
};

// The per-function settings stored beside a function version (PUT /config).
// Every field is optional; an absent one keeps the server's default. A
// plain value, copied freely; not synchronized.
struct FunctionConfig {
  // Normalized origins "scheme://host:port" the function may call over
  // wasi:http; host may be "*.example.com" (common/origins.h).
  std::vector<std::string> allowed_hosts;
  std::optional<std::chrono::milliseconds> timeout;
  std::optional<uint64_t> memory_mb;
  std::optional<uint64_t> max_output_bytes;
  std::optional<uint64_t> fuel;
  std::map<std::string, std::string> env;
  std::optional<std::chrono::milliseconds> http_connect_timeout;
  std::optional<std::chrono::milliseconds> http_first_byte_timeout;
  std::optional<std::chrono::milliseconds> http_timeout;
  std::optional<uint64_t> http_max_response_bytes;
  std::optional<uint32_t> http_max_concurrent_requests;
  // Executions of this function running at once on one node; more are
  // refused with kThrottled (429). Unset: bounded only by the worker pool.
  std::optional<uint32_t> max_concurrency;
  // The key-value stores of its bucket the function may open through
  // wasi:keyvalue ("keyvalue": ["default"]); none unless listed.
  std::vector<std::string> keyvalue;
  // What wasi:config/store serves it ("config": {"greeting": "Hi"}).
  std::map<std::string, std::string> config_values;
  // Async jobs: the retry policy, and the age (from submission) after which
  // no new attempt starts and the job is dead ("max_age_s").
  RetryConfig retry;
  std::optional<uint64_t> max_age_s;
  // "reuse": {"max_calls": N}: an instance may serve up to N calls one
  // after another (keeping its memory, globals and WASI context between
  // them) instead of one. Unset: a fresh instance per call.
  std::optional<uint32_t> reuse_max_calls;
};

// What a config may ask for on this server.
struct ConfigBounds {
  uint64_t max_memory_bytes = 128ull << 20;  // the engine's
  bool fuel_metering = false;
};

// Parses and validates a config document (JSON object): the whole config,
// fields left out take the server's defaults. Text that is not JSON is
// kInvalidArgument with reason invalid_json naming the parse error and its
// position; anything else wrong (not an object, unknown fields, invalid
// values) reason invalid_config naming the field.
Result<FunctionConfig> parse_function_config(std::string_view json, const ConfigBounds& bounds);

// The JSON document of `config` (what GET /config returns and what is stored).
std::string function_config_json(const FunctionConfig& config);

// `defaults` with the config's limits, environment, outgoing HTTP policy and
// wasi:config values (the key-value grants are applied by the caller, which
// knows the bucket).
runtime::InvocationOptions apply_function_config(const FunctionConfig& config,
                                                 runtime::InvocationOptions defaults);

}  // namespace wasmfaas::api
