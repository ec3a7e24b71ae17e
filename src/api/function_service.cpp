#include "api/function_service.h"

namespace wasmfaas::api {
namespace {

using Clock = std::chrono::steady_clock;

std::chrono::nanoseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start);
}

}  // namespace

FunctionService::FunctionService(storage::ObjectStore& store, const runtime::Engine& engine,
                                 FunctionServiceOptions options)
    : store_(store), engine_(engine), options_(options), cache_(options.compiled_cache_entries) {}

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
  auto compiled = engine_.compile(bytes);
  if (!compiled) return std::unexpected(compiled.error());
  auto stored = store_.put_object(bucket, key, bytes);
  if (!stored) return stored;
  cache_.insert(stored->sha256, std::move(*compiled));
  return stored;
}

Result<storage::Object> FunctionService::download(std::string_view bucket, std::string_view key,
                                                  const std::optional<std::string>& version_id) {
  return store_.get_object(bucket, key, version_id);
}

Result<void> FunctionService::delete_file(std::string_view bucket, std::string_view key,
                                          const std::optional<std::string>& version_id) {
  if (version_id) return store_.delete_object_version(bucket, key, *version_id);
  return store_.delete_object(bucket, key);
}

Result<std::vector<storage::ObjectVersion>> FunctionService::versions(std::string_view bucket,
                                                                      std::string_view key) {
  return store_.list_versions(bucket, key);
}

Result<ExecResult> FunctionService::exec(std::string_view bucket, std::string_view key,
                                         const std::optional<std::string>& version_id,
                                         std::string_view input) {
  ExecResult result;
  auto started = Clock::now();
  auto version = store_.head_object(bucket, key, version_id);
  if (!version) return std::unexpected(version.error());
  result.version_id = version->version_id;

  std::shared_ptr<const runtime::CompiledFunction> function = cache_.find(version->sha256);
  if (!function) {
    auto object = store_.get_object(bucket, key, version->version_id);
    if (!object) return std::unexpected(object.error());
    result.timings.fetch = since(started);
    started = Clock::now();
    auto compiled = engine_.compile(object->data);
    if (!compiled) return std::unexpected(compiled.error());
    function = std::move(*compiled);
    cache_.insert(object->version.sha256, function);
    result.timings.compile = since(started);
  } else {
    result.timings.fetch = since(started);
  }

  auto invocation = runtime::Invocation::start(engine_, *function, options_.invocation);
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
