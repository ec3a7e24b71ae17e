#include "api/function_service.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "api/reserved_keys.h"
#include "common/hash.h"

namespace wasmfaas::api {
namespace {

using Clock = std::chrono::steady_clock;

std::chrono::nanoseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start);
}

// "bucket/key": how a function is named in messages and logs, and the key
// of this service's per-function maps.
std::string function_name(std::string_view bucket, std::string_view key) {
  return std::string(bucket) + "/" + std::string(key);
}

// Functions cannot live under the reserved prefix.
Result<void> check_function_key(std::string_view key) {
  if (is_reserved_key(key)) {
    return make_error(ErrorCode::kInvalidArgument,
                      "keys under '" + std::string(kReservedPrefix) + "' are reserved");
  }
  return {};
}

}  // namespace

std::string_view exec_outcome(const std::optional<Error>& error) {
  if (!error) return "ok";
  switch (error->code) {
    case ErrorCode::kTrap: return "trap";
    case ErrorCode::kTimeout: return "timeout";
    case ErrorCode::kResourceExhausted:
      return error->reason == reason::kFuelExhausted ? "fuel" : "memory";
    case ErrorCode::kBadOutput: return "bad_output";
    case ErrorCode::kThrottled: return "throttled";
    default: return "error";
  }
}

FunctionService::FunctionService(storage::ObjectStore& store, const runtime::Engine& engine,
                                 cache::CompiledFunctions& compiled,
                                 FunctionServiceOptions options)
    : store_(store), engine_(engine), compiled_(compiled), options_(options), configs_(store) {}

ConfigBounds FunctionService::config_bounds() const {
  return ConfigBounds{engine_.options().max_memory_bytes, engine_.options().fuel_metering};
}


Result<void> FunctionService::create_bucket(std::string_view bucket) {
  return store_.create_bucket(bucket);
}

Result<void> FunctionService::delete_bucket(std::string_view bucket) {
  return store_.delete_bucket(bucket);
}

Result<std::vector<storage::ObjectVersion>> FunctionService::list_bucket(std::string_view bucket) {
  auto objects = store_.list_objects(bucket);
  if (objects) std::erase_if(*objects, [](const auto& object) { return is_reserved_key(object.key); });
  return objects;
}

Result<std::vector<std::string>> FunctionService::list_buckets() {
  return make_error(ErrorCode::kInternal, "listing buckets is not available yet");
}

Result<void> FunctionService::function_exists(std::string_view bucket, std::string_view key) {
  auto versions = store_.list_versions(bucket, key);
  if (!versions) return std::unexpected(versions.error());
  if (versions->empty()) {
    return make_error(ErrorCode::kNotFound, "no function '" + std::string(key) +
                                                "' in bucket '" + std::string(bucket) + "'",
                      reason::kFunctionNotFound);
  }
  return {};
}

Result<void> FunctionService::check_storage() {
  // Any answer, "no such bucket" included, shows the store is reachable.
  auto exists = store_.bucket_exists("wasmfaas-readiness-probe");
  if (!exists) return std::unexpected(exists.error());
  return {};
}

Result<storage::ObjectVersion> FunctionService::upload(std::string_view bucket,
                                                       std::string_view key,
                                                       std::span<const uint8_t> bytes) {
  if (auto ok = check_function_key(key); !ok) return std::unexpected(ok.error());
  // Refuse early what the store would refuse, before spending a compile.
  auto exists = store_.bucket_exists(bucket);
  if (!exists) return std::unexpected(exists.error());
  if (!*exists) {
    return make_error(ErrorCode::kNotFound, "bucket '" + std::string(bucket) + "' does not exist");
  }
  auto compiled = compiled_.compile(sha256_hex(bytes), bytes);
  if (!compiled) return std::unexpected(compiled.error());
  // A re-upload keeps the function's config: the new version gets a copy.
  std::optional<FunctionConfig> config;
  if (auto previous = store_.head_object(bucket, key, std::nullopt); previous) {
    auto found = configs_.find(bucket, *previous);
    if (!found) return std::unexpected(found.error());
    config = std::move(*found);
  } else if (previous.error().code != ErrorCode::kNotFound) {
    return std::unexpected(previous.error());
  }
  auto stored = store_.put_object(bucket, key, bytes);
  forget_version(bucket, key);
  if (!stored) return stored;
  if (config) {
    if (auto saved = configs_.save(bucket, key, stored->version_id, *config); !saved) {
      return std::unexpected(saved.error());
    }
  } else {
    configs_.remember(bucket, key, stored->version_id, std::nullopt);
  }
  return stored;
}

Result<storage::ObjectVersion> FunctionService::put_config(std::string_view bucket,
                                                           std::string_view key,
                                                           std::string_view config_json) {
  if (auto ok = check_function_key(key); !ok) return std::unexpected(ok.error());
  auto config = parse_function_config(config_json, config_bounds());
  if (!config) return std::unexpected(config.error());
  auto current = store_.get_object(bucket, key, std::nullopt);
  if (!current) return std::unexpected(current.error());
  // The same bytes as a new version: its SHA-256 is unchanged, so the
  // compiled code cached for it serves the new version too.
  auto stored = store_.put_object(bucket, key, current->data);
  forget_version(bucket, key);
  if (!stored) return stored;
  if (auto saved = configs_.save(bucket, key, stored->version_id, *config); !saved) {
    return std::unexpected(saved.error());
  }
  return stored;
}

Result<FunctionConfig> FunctionService::get_config(std::string_view bucket,
                                                   std::string_view key) {
  if (auto ok = check_function_key(key); !ok) return std::unexpected(ok.error());
  auto version = store_.head_object(bucket, key, std::nullopt);
  if (!version) return std::unexpected(version.error());
  auto config = configs_.find(bucket, *version);
  if (!config) return std::unexpected(config.error());
  return config->value_or(FunctionConfig{});
}

Result<storage::Object> FunctionService::download(std::string_view bucket, std::string_view key,
                                                  const std::optional<std::string>& version_id) {
  if (auto ok = check_function_key(key); !ok) return std::unexpected(ok.error());
  return store_.get_object(bucket, key, version_id);
}

Result<void> FunctionService::delete_file(std::string_view bucket, std::string_view key,
                                          const std::optional<std::string>& version_id) {
  if (auto ok = check_function_key(key); !ok) return std::unexpected(ok.error());
  forget_version(bucket, key);
  if (version_id) return store_.delete_object_version(bucket, key, *version_id);
  return store_.delete_object(bucket, key);
}

Result<std::vector<storage::ObjectVersion>> FunctionService::versions(std::string_view bucket,
                                                                      std::string_view key) {
  if (auto ok = check_function_key(key); !ok) return std::unexpected(ok.error());
  return store_.list_versions(bucket, key);
}

void FunctionService::forget_version(std::string_view bucket, std::string_view key) {
  std::lock_guard lock(versions_mutex_);
  checked_versions_.erase(function_name(bucket, key));
}

Result<storage::ObjectVersion> FunctionService::current_version(
    std::string_view bucket, std::string_view key, const std::optional<std::string>& version_id) {
  if (version_id) return store_.head_object(bucket, key, version_id);
  const std::string cache_key = function_name(bucket, key);
  const auto now = Clock::now();
  std::optional<CheckedVersion> known;
  {
    std::lock_guard lock(versions_mutex_);
    if (const auto it = checked_versions_.find(cache_key); it != checked_versions_.end()) {
      known = it->second;
    }
  }
  if (known && now - known->checked < options_.freshness_window) return known->version;
  auto version = store_.head_object(bucket, key, std::nullopt);
  if (version) {
    std::lock_guard lock(versions_mutex_);
    checked_versions_[cache_key] = CheckedVersion{*version, now};
    return version;
  }
  // Storage unreachable: keep serving the version this node last saw, so
  // that functions already compiled here keep working through an outage.
  if (version.error().code == ErrorCode::kUnavailable && known) return known->version;
  if (version.error().code == ErrorCode::kNotFound) forget_version(bucket, key);
  return version;
}

Result<cache::CompiledFunctions::Function> FunctionService::function_for(
    const storage::ObjectVersion& version, std::string_view bucket, ExecTimings& timings) {
  // Without a known hash (an object stored by another S3 client) the
  // content is only known once fetched.
  if (!options_.use_compiled_cache || version.sha256.empty()) {
    auto started = Clock::now();
    auto object = store_.get_object(bucket, version.key, version.version_id);
    if (!object) return std::unexpected(object.error());
    timings.fetch += since(started);
    started = Clock::now();
    if (options_.use_compiled_cache) {
      auto compiled = compiled_.compile(object->version.sha256, object->data);
      timings.compile = since(started);
      return compiled;
    }
    auto compiled = engine_.compile(object->data);
    if (!compiled) return std::unexpected(compiled.error());
    timings.compile = since(started);
    return cache::CompiledFunctions::Function(std::move(*compiled));
  }
  if (auto cached = compiled_.find(version.sha256)) return cached;
  // Concurrent first calls of one content share one fetch and compile; a
  // caller that waits for another's counts the wait as compile time.
  const auto started = Clock::now();
  std::chrono::nanoseconds fetch_time{};
  auto compiled = compiled_.fetch_and_compile(
      version.sha256, [&]() -> Result<std::vector<uint8_t>> {
        const auto fetch_started = Clock::now();
        auto object = store_.get_object(bucket, version.key, version.version_id);
        fetch_time = since(fetch_started);
        if (!object) return std::unexpected(object.error());
        return std::move(object->data);
      });
  timings.fetch += fetch_time;
  timings.compile = since(started) - fetch_time;
  return compiled;
}

Result<ExecResult> FunctionService::exec(std::string_view bucket, std::string_view key,
                                         const std::optional<std::string>& version_id,
                                         std::string_view input, const ExecContext& context) {
  const auto started = Clock::now();
  runtime::CapturedLogs logs;
  bool ran = false;
  auto result = run(bucket, key, version_id, input, context, logs, ran);
  // Only executions are reported: not requests for functions that do not
  // exist (which would let anyone grow the metrics' label sets).
  if (ran) report(bucket, key, context, result, logs, since(started));
  if (result) result->logs = std::move(logs);
  return result;
}

Result<ExecResult> FunctionService::run(std::string_view bucket, std::string_view key,
                                        const std::optional<std::string>& version_id,
                                        std::string_view input, const ExecContext& context,
                                        runtime::CapturedLogs& logs, bool& ran) {
  if (auto ok = check_function_key(key); !ok) return std::unexpected(ok.error());
  ExecResult result;
  const auto started = Clock::now();
  auto version = current_version(bucket, key, version_id);
  if (!version) return std::unexpected(version.error());
  result.version_id = version->version_id;
  result.timings.fetch = since(started);
  auto function = function_for(*version, bucket, result.timings);
  if (!function) return std::unexpected(function.error());
  auto config = configs_.find(bucket, *version);
  if (!config) return std::unexpected(config.error());
  ran = true;

  std::optional<ConcurrencyLimits::Slot> slot;
  if (*config && (*config)->max_concurrency) {
    const std::string function = function_name(bucket, key);
    const uint32_t limit = *(*config)->max_concurrency;
    auto acquired = concurrency_.try_acquire(function, limit);
    if (!acquired) {
      return make_error(ErrorCode::kThrottled, "function '" + function +
                                                   "' is at its concurrency limit of " +
                                                   std::to_string(limit) + "; retry later");
    }
    slot.emplace(std::move(*acquired));
  }
  runtime::InvocationOptions limits =
      *config ? apply_function_config(**config, options_.invocation) : options_.invocation;
  if (context.timeout_cap) limits.timeout = std::min(limits.timeout, *context.timeout_cap);
  Result<std::string> output;
  {
    metrics::Gauge* in_use = options_.reporting.instances_in_use;
    if (in_use) in_use->add(1);
    auto invocation = runtime::Invocation::start(engine_, **function, limits);
    if (invocation) {
      output = invocation->call(input);
      logs = invocation->logs();
      log_denials(bucket, key, context, invocation->outbound_denials());
      result.timings.instantiate = invocation->timings().instantiate;
      result.timings.exec = invocation->timings().call;
    } else {
      output = std::unexpected(invocation.error());
    }
    if (in_use) in_use->add(-1);
  }  // the instance and its pooled slot are gone here
  if (!output) {
    Error error = output.error();
    if (error.code == ErrorCode::kTrap) error.message = "function trapped: " + error.message;
    return std::unexpected(std::move(error));
  }
  result.output = std::move(*output);
  return result;
}

void FunctionService::log_denials(std::string_view bucket, std::string_view key,
                                  const ExecContext& context,
                                  const std::vector<std::string>& denials) {
  spdlog::logger* log = options_.reporting.event_log;
  if (!log || denials.empty()) return;
  for (const std::string& denial : denials) {
    const nlohmann::json line = {{"type", "outbound_request_denied"},
                                 {"function", function_name(bucket, key)},
                                 {"request_id", std::string(context.request_id)},
                                 {"message", denial}};
    log->warn(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
}

void FunctionService::report(std::string_view bucket, std::string_view key,
                             const ExecContext& context, const Result<ExecResult>& result,
                             const runtime::CapturedLogs& logs,
                             std::chrono::nanoseconds duration) {
  const ExecReporting& reporting = options_.reporting;
  const std::optional<Error> error =
      result ? std::nullopt : std::optional<Error>(result.error());
  const std::string bucket_label(bucket);
  const std::string key_label(key);
  const double seconds = std::chrono::duration<double>(duration).count();
  if (reporting.executions) {
    reporting.executions->with({bucket_label, key_label, std::string(exec_outcome(error))}).add();
  }
  if (reporting.durations) reporting.durations->with({bucket_label, key_label}).observe(seconds);
  if (reporting.output_log && reporting.output_log->should_log(spdlog::level::info) &&
      !(logs.stdout_text.empty() && logs.stderr_text.empty())) {
    const nlohmann::json line = {{"type", "function_output"},
                                 {"function", function_name(bucket, key)},
                                 {"request_id", std::string(context.request_id)},
                                 {"stdout", logs.stdout_text},
                                 {"stderr", logs.stderr_text}};
    reporting.output_log->info(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  }
  if (reporting.log) {
    InvocationRecord record;
    record.request_id = std::string(context.request_id);
    record.version_id = result ? result->version_id : "";
    record.time = std::chrono::system_clock::now();
    if (error) {
      record.error_code = error->code;
      record.error = error->message;
    }
    record.duration_ms = seconds * 1000;
    record.stdout_text = logs.stdout_text;
    record.stderr_text = logs.stderr_text;
    record.stdout_truncated = logs.stdout_truncated;
    record.stderr_truncated = logs.stderr_truncated;
    reporting.log->record(bucket, key, std::move(record));
  }
}

}  // namespace wasmfaas::api
