#include "api/function_config.h"

#include <algorithm>
#include <functional>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "common/origins.h"
#include "keyvalue/keyvalue_names.h"

namespace wasmfaas::api {
namespace {

using nlohmann::json;

constexpr uint64_t kMaxTimeoutMs = 15 * 60 * 1000;
constexpr uint64_t kMaxOutputBytes = 64ull << 20;
constexpr uint64_t kMaxResponseBytes = 1ull << 30;
constexpr uint64_t kMaxConcurrentRequests = 256;
constexpr uint64_t kMaxConcurrency = 100000;
constexpr uint64_t kMaxJobAttempts = 100;
constexpr uint64_t kMaxRetryDelayMs = 24 * 60 * 60 * 1000;
constexpr uint64_t kMaxJobAgeSeconds = 7 * 24 * 60 * 60;
constexpr uint64_t kMaxReuseCalls = 10000;

std::unexpected<Error> invalid(std::string_view field, std::string_view problem) {
  return make_error(ErrorCode::kInvalidArgument,
                    "config field '" + std::string(field) + "': " + std::string(problem),
                    reason::kInvalidConfig);
}

// The document, or kInvalidArgument (reason invalid_json) with the parser's
// account of what is wrong and where ("... at line 1, column 2: ...").
Result<json> parse_document(std::string_view text) {
  try {
    return json::parse(text);
  } catch (const json::parse_error& error) {
    std::string what = error.what();  // "[json.exception.parse_error.101] parse error at ..."
    if (const auto end = what.find("] "); end != std::string::npos) what.erase(0, end + 2);
    return make_error(ErrorCode::kInvalidArgument, "the config is not valid JSON: " + what,
                      reason::kInvalidJson);
  }
}

// JSON has one number type: 300.0 is the integer 300 (as JSON Schema
// counts it), 300.5 is not an integer.
Result<uint64_t> integer_in(const json& value, std::string_view field, uint64_t min, uint64_t max) {
  const auto refuse = [&] {
    return invalid(field, "must be an integer from " + std::to_string(min) + " to " +
                              std::to_string(max));
  };
  uint64_t number = 0;
  if (value.is_number_unsigned()) {
    number = value.get<uint64_t>();
  } else if (value.is_number_float()) {
    const double real = value.get<double>();
    // 2^64 and above do not fit; the range check below names the bounds.
    if (!(real >= 0 && real < 18446744073709551616.0) || real != static_cast<double>(
                                                             static_cast<uint64_t>(real))) {
      return refuse();
    }
    number = static_cast<uint64_t>(real);
  } else {
    return refuse();
  }
  if (number < min || number > max) {
    return invalid(field, "must be an integer from " + std::to_string(min) + " to " +
                              std::to_string(max) + ", not " + std::to_string(number));
  }
  return number;
}

// One entry of allowed_hosts, normalized (common/origins.h).
Result<std::string> allowed_host(const json& value) {
  constexpr std::string_view field = "allowed_hosts";
  if (!value.is_string()) {
    return invalid(field, "entries must be strings like \"https://api.example.com\"");
  }
  auto origin = normalize_origin(value.get<std::string>());
  if (!origin) return invalid(field, origin.error().message);
  return origin;
}

// An object of strings without NUL into `out`: the environment (names
// without '=' as well) or the wasi:config values.
Result<void> parse_string_map(const json& value, const std::string& field, bool names_without_equals,
                              std::map<std::string, std::string>& out) {
  if (!value.is_object()) return invalid(field, "must be an object of string values");
  for (const auto& [name, text] : value.items()) {
    if (name.empty() || name.find('\0') != std::string::npos ||
        (names_without_equals && name.find('=') != std::string::npos)) {
      return invalid(field, "bad name '" + name + "'");
    }
    if (!text.is_string()) return invalid(field, "the value of '" + name + "' must be a string");
    const std::string string_value = text.get<std::string>();
    if (string_value.find('\0') != std::string::npos) {
      return invalid(field, "the value of '" + name + "' contains NUL");
    }
    out[name] = string_value;
  }
  return {};
}

Result<void> parse_keyvalue(const json& value, FunctionConfig& config) {
  if (!value.is_array()) return invalid("keyvalue", "must be an array of store names");
  for (const json& entry : value) {
    if (!entry.is_string()) return invalid("keyvalue", "store names must be strings");
    const std::string name = entry.get<std::string>();
    if (auto valid = keyvalue::validate_store_name(name); !valid) {
      return invalid("keyvalue", valid.error().message);
    }
    if (std::find(config.keyvalue.begin(), config.keyvalue.end(), name) == config.keyvalue.end()) {
      config.keyvalue.push_back(name);
    }
  }
  return {};
}

// "retry": {"max_attempts": 3, "initial_ms": 1000, "max_ms": 60000}, each
// field optional.
Result<void> parse_retry(const json& value, FunctionConfig& config) {
  if (!value.is_object()) {
    return invalid("retry", "must be an object with max_attempts, initial_ms and max_ms");
  }
  RetryConfig& retry = config.retry;
  for (const auto& [name, field] : value.items()) {
    const std::string path = "retry." + name;
    if (name == "max_attempts") {
      auto count = integer_in(field, path, 1, kMaxJobAttempts);
      if (!count) return std::unexpected(count.error());
      retry.max_attempts = static_cast<uint32_t>(*count);
    } else if (name == "initial_ms" || name == "max_ms") {
      auto ms = integer_in(field, path, 1, kMaxRetryDelayMs);
      if (!ms) return std::unexpected(ms.error());
      (name == "initial_ms" ? retry.initial_ms : retry.max_ms) = static_cast<int64_t>(*ms);
    } else {
      return invalid("retry", "unknown field '" + name +
                                  "' (the fields are max_attempts, initial_ms and max_ms)");
    }
  }
  if (retry.initial_ms && retry.max_ms && *retry.max_ms < *retry.initial_ms) {
    return invalid("retry", "max_ms must not be below initial_ms");
  }
  return {};
}

// "reuse": {"max_calls": N}, max_calls required.
Result<void> parse_reuse(const json& value, FunctionConfig& config) {
  if (!value.is_object()) return invalid("reuse", "must be an object like {\"max_calls\": 100}");
  for (const auto& [name, field] : value.items()) {
    if (name != "max_calls") {
      return invalid("reuse", "unknown field '" + name + "' (the field is max_calls)");
    }
    auto calls = integer_in(field, "reuse.max_calls", 1, kMaxReuseCalls);
    if (!calls) return std::unexpected(calls.error());
    config.reuse_max_calls = static_cast<uint32_t>(*calls);
  }
  if (!config.reuse_max_calls) return invalid("reuse", "max_calls is required");
  return {};
}

using FieldParser =
    std::function<Result<void>(const json&, FunctionConfig&, const ConfigBounds&)>;

Result<void> milliseconds_field(const json& value, std::string_view field,
                                std::optional<std::chrono::milliseconds>& out) {
  auto ms = integer_in(value, field, 1, kMaxTimeoutMs);
  if (!ms) return std::unexpected(ms.error());
  out = std::chrono::milliseconds(*ms);
  return {};
}

const std::unordered_map<std::string, FieldParser>& field_parsers() {
  static const std::unordered_map<std::string, FieldParser> parsers = {
      {"allowed_hosts",
       [](const json& value, FunctionConfig& config, const ConfigBounds&) -> Result<void> {
         if (!value.is_array()) return invalid("allowed_hosts", "must be an array of origins");
         for (const json& entry : value) {
           auto origin = allowed_host(entry);
           if (!origin) return std::unexpected(origin.error());
           config.allowed_hosts.push_back(std::move(*origin));
         }
         return {};
       }},
      {"timeout_ms",
       [](const json& value, FunctionConfig& config, const ConfigBounds&) {
         return milliseconds_field(value, "timeout_ms", config.timeout);
       }},
      {"memory_mb",
       [](const json& value, FunctionConfig& config, const ConfigBounds& bounds) -> Result<void> {
         auto mb = integer_in(value, "memory_mb", 1, bounds.max_memory_bytes >> 20);
         if (!mb) return std::unexpected(mb.error());
         config.memory_mb = *mb;
         return {};
       }},
      {"max_output_bytes",
       [](const json& value, FunctionConfig& config, const ConfigBounds&) -> Result<void> {
         auto bytes = integer_in(value, "max_output_bytes", 1, kMaxOutputBytes);
         if (!bytes) return std::unexpected(bytes.error());
         config.max_output_bytes = *bytes;
         return {};
       }},
      {"fuel",
       [](const json& value, FunctionConfig& config, const ConfigBounds& bounds) -> Result<void> {
         if (!bounds.fuel_metering) {
           return invalid("fuel", "fuel metering is off on this server");
         }
         auto fuel = integer_in(value, "fuel", 1, UINT64_MAX);
         if (!fuel) return std::unexpected(fuel.error());
         config.fuel = *fuel;
         return {};
       }},
      {"env",
       [](const json& value, FunctionConfig& config, const ConfigBounds&) {
         return parse_string_map(value, "env", /*names_without_equals=*/true, config.env);
       }},
      {"http_connect_timeout_ms",
       [](const json& value, FunctionConfig& config, const ConfigBounds&) {
         return milliseconds_field(value, "http_connect_timeout_ms", config.http_connect_timeout);
       }},
      {"http_first_byte_timeout_ms",
       [](const json& value, FunctionConfig& config, const ConfigBounds&) {
         return milliseconds_field(value, "http_first_byte_timeout_ms",
                                   config.http_first_byte_timeout);
       }},
      {"http_timeout_ms",
       [](const json& value, FunctionConfig& config, const ConfigBounds&) {
         return milliseconds_field(value, "http_timeout_ms", config.http_timeout);
       }},
      {"http_max_response_bytes",
       [](const json& value, FunctionConfig& config, const ConfigBounds&) -> Result<void> {
         auto bytes = integer_in(value, "http_max_response_bytes", 1, kMaxResponseBytes);
         if (!bytes) return std::unexpected(bytes.error());
         config.http_max_response_bytes = *bytes;
         return {};
       }},
      {"http_max_concurrent_requests",
       [](const json& value, FunctionConfig& config, const ConfigBounds&) -> Result<void> {
         auto count = integer_in(value, "http_max_concurrent_requests", 1, kMaxConcurrentRequests);
         if (!count) return std::unexpected(count.error());
         config.http_max_concurrent_requests = static_cast<uint32_t>(*count);
         return {};
       }},
      {"keyvalue",
       [](const json& value, FunctionConfig& config, const ConfigBounds&) {
         return parse_keyvalue(value, config);
       }},
      {"config",
       [](const json& value, FunctionConfig& config, const ConfigBounds&) {
         return parse_string_map(value, "config", /*names_without_equals=*/false,
                                 config.config_values);
       }},
      {"retry",
       [](const json& value, FunctionConfig& config, const ConfigBounds&) {
         return parse_retry(value, config);
       }},
      {"max_age_s",
       [](const json& value, FunctionConfig& config, const ConfigBounds&) -> Result<void> {
         auto seconds = integer_in(value, "max_age_s", 1, kMaxJobAgeSeconds);
         if (!seconds) return std::unexpected(seconds.error());
         config.max_age_s = *seconds;
         return {};
       }},
      {"reuse",
       [](const json& value, FunctionConfig& config, const ConfigBounds&) {
         return parse_reuse(value, config);
       }},
      {"max_concurrency",
       [](const json& value, FunctionConfig& config, const ConfigBounds&) -> Result<void> {
         auto count = integer_in(value, "max_concurrency", 1, kMaxConcurrency);
         if (!count) return std::unexpected(count.error());
         config.max_concurrency = static_cast<uint32_t>(*count);
         return {};
       }},
  };
  return parsers;
}

}  // namespace

Result<FunctionConfig> parse_function_config(std::string_view text, const ConfigBounds& bounds) {
  auto document = parse_document(text);
  if (!document) return std::unexpected(document.error());
  if (!document->is_object()) {
    return make_error(ErrorCode::kInvalidArgument, "the config must be a JSON object",
                      reason::kInvalidConfig);
  }
  FunctionConfig config;
  for (const auto& [field, value] : document->items()) {
    const auto parser = field_parsers().find(field);
    if (parser == field_parsers().end()) {
      return make_error(ErrorCode::kInvalidArgument, "unknown config field '" + field + "'",
                        reason::kInvalidConfig);
    }
    if (auto parsed = parser->second(value, config, bounds); !parsed) {
      return std::unexpected(parsed.error());
    }
  }
  return config;
}

std::string function_config_json(const FunctionConfig& config) {
  json document = json::object();
  document["allowed_hosts"] = config.allowed_hosts;
  if (config.timeout) document["timeout_ms"] = config.timeout->count();
  if (config.memory_mb) document["memory_mb"] = *config.memory_mb;
  if (config.max_output_bytes) document["max_output_bytes"] = *config.max_output_bytes;
  if (config.fuel) document["fuel"] = *config.fuel;
  document["env"] = config.env;
  if (config.http_connect_timeout) {
    document["http_connect_timeout_ms"] = config.http_connect_timeout->count();
  }
  if (config.http_first_byte_timeout) {
    document["http_first_byte_timeout_ms"] = config.http_first_byte_timeout->count();
  }
  if (config.http_timeout) document["http_timeout_ms"] = config.http_timeout->count();
  if (config.http_max_response_bytes) {
    document["http_max_response_bytes"] = *config.http_max_response_bytes;
  }
  if (config.http_max_concurrent_requests) {
    document["http_max_concurrent_requests"] = *config.http_max_concurrent_requests;
  }
  if (config.max_concurrency) document["max_concurrency"] = *config.max_concurrency;
  if (!config.keyvalue.empty()) document["keyvalue"] = config.keyvalue;
  if (!config.config_values.empty()) document["config"] = config.config_values;
  json retry = json::object();
  if (config.retry.max_attempts) retry["max_attempts"] = *config.retry.max_attempts;
  if (config.retry.initial_ms) retry["initial_ms"] = *config.retry.initial_ms;
  if (config.retry.max_ms) retry["max_ms"] = *config.retry.max_ms;
  if (!retry.empty()) document["retry"] = std::move(retry);
  if (config.max_age_s) document["max_age_s"] = *config.max_age_s;
  if (config.reuse_max_calls) document["reuse"] = {{"max_calls", *config.reuse_max_calls}};
  return document.dump(-1, ' ', false, json::error_handler_t::replace);
}

runtime::InvocationOptions apply_function_config(const FunctionConfig& config,
                                                 runtime::InvocationOptions options) {
  if (config.timeout) options.timeout = *config.timeout;
  if (config.memory_mb) options.max_memory_bytes = *config.memory_mb << 20;
  if (config.max_output_bytes) options.max_output_bytes = *config.max_output_bytes;
  if (config.fuel) options.fuel = *config.fuel;
  options.env.assign(config.env.begin(), config.env.end());
  options.config.assign(config.config_values.begin(), config.config_values.end());
  runtime::OutboundHttpOptions& http = options.outbound_http;
  http.allowed_origins = config.allowed_hosts;
  if (config.http_connect_timeout) http.connect_timeout = *config.http_connect_timeout;
  if (config.http_first_byte_timeout) http.first_byte_timeout = *config.http_first_byte_timeout;
  if (config.http_timeout) http.total_timeout = *config.http_timeout;
  if (config.http_max_response_bytes) http.max_response_bytes = *config.http_max_response_bytes;
  if (config.http_max_concurrent_requests) {
    http.max_concurrent_requests = *config.http_max_concurrent_requests;
  }
  return options;
}

}  // namespace wasmfaas::api
