#include "api/function_service.h"

#include "common/hash.h"

namespace wasmfaas::api {
namespace {

using Clock = std::chrono::steady_clock;

std::chrono::nanoseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start);
}

std::string version_cache_key(std::string_view bucket, std::string_view key) {
  return std::string(bucket) + "/" + std::string(key);
}

}  // namespace

FunctionService::FunctionService(storage::ObjectStore& store, const runtime::Engine& engine,
                                 cache::CompiledFunctions& compiled,
                                 FunctionServiceOptions options)
    : store_(store), engine_(engine), compiled_(compiled), options_(options) {}


Result<void> FunctionService::create_bucket(std::string_view bucket) {
  return store_.create_bucket(bucket);
}

Result<void> FunctionService::delete_bucket(std::string_view bucket) {
  return store_.delete_bucket(bucket);
}

Result<std::vector<storage::ObjectVersion>> FunctionService::list_bucket(std::string_view bucket) {
  return store_.list_objects(bucket);
}

Result<storage::ObjectVersion> FunctionService::upload(std::string_view bucket,
                                                       std::string_view key,
                                                       std::span<const uint8_t> bytes) {
  // Refuse early what the store would refuse, before spending a compile.
  auto exists = store_.bucket_exists(bucket);
  if (!exists) return std::unexpected(exists.error());
  if (!*exists) {
    return make_error(ErrorCode::kNotFound, "bucket '" + std::string(bucket) + "' does not exist");
  }
  auto compiled = compiled_.compile(sha256_hex(bytes), bytes);
  if (!compiled) return std::unexpected(compiled.error());
  auto stored = store_.put_object(bucket, key, bytes);
  forget_version(bucket, key);
  return stored;
}

Result<storage::Object> FunctionService::download(std::string_view bucket, std::string_view key,
                                                  const std::optional<std::string>& version_id) {
  return store_.get_object(bucket, key, version_id);
}

Result<void> FunctionService::delete_file(std::string_view bucket, std::string_view key,
                                          const std::optional<std::string>& version_id) {
  forget_version(bucket, key);
  if (version_id) return store_.delete_object_version(bucket, key, *version_id);
  return store_.delete_object(bucket, key);
}

Result<std::vector<storage::ObjectVersion>> FunctionService::versions(std::string_view bucket,
                                                                      std::string_view key) {
  return store_.list_versions(bucket, key);
}

void FunctionService::forget_version(std::string_view bucket, std::string_view key) {
  std::lock_guard lock(versions_mutex_);
  checked_versions_.erase(version_cache_key(bucket, key));
}

Result<storage::ObjectVersion> FunctionService::current_version(
    std::string_view bucket, std::string_view key, const std::optional<std::string>& version_id) {
  if (version_id || options_.freshness_window.count() <= 0) {
    return store_.head_object(bucket, key, version_id);
  }
  const std::string cache_key = version_cache_key(bucket, key);
  const auto now = Clock::now();
  {
    std::lock_guard lock(versions_mutex_);
    const auto it = checked_versions_.find(cache_key);
    if (it != checked_versions_.end() && now - it->second.checked < options_.freshness_window) {
      return it->second.version;
    }
  }
  auto version = store_.head_object(bucket, key, std::nullopt);
  if (version) {
    std::lock_guard lock(versions_mutex_);
    checked_versions_[cache_key] = CheckedVersion{*version, now};
  }
  return version;
}

Result<cache::CompiledFunctions::Function> FunctionService::function_for(
    const storage::ObjectVersion& version, std::string_view bucket, ExecTimings& timings) {
  if (options_.use_compiled_cache) {
    if (auto cached = compiled_.find(version.sha256)) return cached;
  }
  auto started = Clock::now();
  auto object = store_.get_object(bucket, version.key, version.version_id);
  if (!object) return std::unexpected(object.error());
  timings.fetch += since(started);
  started = Clock::now();
  if (!options_.use_compiled_cache) {
    auto compiled = engine_.compile(object->data);
    if (!compiled) return std::unexpected(compiled.error());
    timings.compile = since(started);
    return cache::CompiledFunctions::Function(std::move(*compiled));
  }
  auto compiled = compiled_.compile(object->version.sha256, object->data);
  timings.compile = since(started);
  return compiled;
}

Result<ExecResult> FunctionService::exec(std::string_view bucket, std::string_view key,
                                         const std::optional<std::string>& version_id,
                                         std::string_view input) {
  ExecResult result;
  const auto started = Clock::now();
  auto version = current_version(bucket, key, version_id);
  if (!version) return std::unexpected(version.error());
  result.version_id = version->version_id;
  result.timings.fetch = since(started);
  auto function = function_for(*version, bucket, result.timings);
  if (!function) return std::unexpected(function.error());

  auto invocation = runtime::Invocation::start(engine_, **function, options_.invocation);
  if (!invocation) return std::unexpected(invocation.error());
  auto output = invocation->call(input);
  result.logs = invocation->logs();
  result.timings.instantiate = invocation->timings().instantiate;
  result.timings.exec = invocation->timings().call;
  if (!output) {
    Error error = output.error();
    if (error.code == ErrorCode::kTrap) error.message = "function trapped: " + error.message;
    return std::unexpected(std::move(error));
  }
  result.output = std::move(*output);
  return result;
}

}  // namespace wasmfaas::api
