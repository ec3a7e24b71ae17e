#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <mutex>
#include <unordered_map>

#include "api/concurrency_limits.h"
#include "api/function_config.h"
#include "api/function_configs.h"
#include "api/invocation_log.h"
#include "cache/compiled_functions.h"
#include "common/error.h"
#include "common/metrics.h"
#include "runtime/engine.h"
#include "runtime/invocation.h"
#include "storage/object_store.h"

namespace spdlog {
class logger;
}

namespace wasmfaas::api {

// Where the time of one exec went, for the Server-Timing header.
struct ExecTimings {
  std::chrono::nanoseconds fetch{};
  std::chrono::nanoseconds compile{};
  std::chrono::nanoseconds instantiate{};
  std::chrono::nanoseconds exec{};
};

struct ExecResult {
  std::string output;
  std::string version_id;
  runtime::CapturedLogs logs;
  ExecTimings timings;
};

// Where executions are reported; each part is optional.
struct ExecReporting {
  InvocationLog* log = nullptr;
  // Labels: bucket, key, outcome.
  metrics::Family<metrics::Counter>* executions = nullptr;
  // Labels: bucket, key.
  metrics::Family<metrics::Histogram>* durations = nullptr;
  metrics::Gauge* instances_in_use = nullptr;
  // Each invocation's stdout/stderr as JSON lines at level info.
  spdlog::logger* output_log = nullptr;
  // Events of executions worth a warning (refused outgoing requests), as
  // JSON lines: the server's own log.
  spdlog::logger* event_log = nullptr;
};

// Who asks for an execution and under what extra bound.
struct ExecContext {
  std::string_view request_id;
  // A caller's remaining time (a pipeline's): the call's time limit is the
  // smaller of this and the function's own.
  std::optional<std::chrono::milliseconds> timeout_cap;
};

// The metrics outcome label of an exec that ended with `error` (none: ok),
// from its code and reason: ok, trap, timeout, fuel (reason fuel_exhausted),
// memory (any other exhausted resource: memory, tables), bad_output,
// throttled or error.
std::string_view exec_outcome(const std::optional<Error>& error);

struct FunctionServiceOptions {
  runtime::InvocationOptions invocation;
  // false: the seed's semantics, download and compile on every exec.
  bool use_compiled_cache = true;
  // How long this node may run a key's version without asking the store
  // whether it changed. 0 (the default) asks on every exec, so a re-upload
  // through any node is seen by the next exec on every node. When the store
  // is unreachable, the version last seen is used regardless.
  std::chrono::milliseconds freshness_window{0};
  ExecReporting reporting;
};

// The platform's operations, free of HTTP: buckets, function files and
// their versions, and execution. Uploads are validated (and compiled) before
// anything is stored. Thread-safe; one instance serves all workers.
class FunctionService {
 public:
  FunctionService(storage::ObjectStore& store, const runtime::Engine& engine,
                  cache::CompiledFunctions& compiled, FunctionServiceOptions options = {});

  Result<void> create_bucket(std::string_view bucket);
  Result<void> delete_bucket(std::string_view bucket);
  Result<std::vector<storage::ObjectVersion>> list_bucket(std::string_view bucket);
  Result<std::vector<std::string>> list_buckets();
  // kNotFound unless the bucket exists and the key has at least one version.
  Result<void> function_exists(std::string_view bucket, std::string_view key);

  // kInvalidComponent (nothing stored) unless `bytes` is a faas-exec
  // component. The compiled code is cached, so the first exec does not compile.
  Result<storage::ObjectVersion> upload(std::string_view bucket, std::string_view key,
                                        std::span<const uint8_t> bytes);
  Result<storage::Object> download(std::string_view bucket, std::string_view key,
                                   const std::optional<std::string>& version_id);
  // Hides the key, or with a version id deletes that version for good.
  Result<void> delete_file(std::string_view bucket, std::string_view key,
                           const std::optional<std::string>& version_id);
  Result<std::vector<storage::ObjectVersion>> versions(std::string_view bucket,
                                                       std::string_view key);

  // Runs the function in a fresh sandbox and reports the run (metrics and
  // the invocation log) whatever its outcome.
  Result<ExecResult> exec(std::string_view bucket, std::string_view key,
                          const std::optional<std::string>& version_id, std::string_view input,
                          const ExecContext& context = {});

  // Validates `config_json` and makes it the function's config: writes a
  // new version of the function (same bytes, so its compiled code is
  // reused) with that config, which every node sees at its next exec.
  // kInvalidArgument names a bad field; kNotFound without the function.
  Result<storage::ObjectVersion> put_config(std::string_view bucket, std::string_view key,
                                            std::string_view config_json);
  // The config of the function's current version (empty if it has none).
  Result<FunctionConfig> get_config(std::string_view bucket, std::string_view key);

  // Whether the store answers (for /readyz): kUnavailable when it does not.
  Result<void> check_storage();

  const FunctionServiceOptions& options() const { return options_; }

 private:
  // The version an exec of `key` runs: pinned, recently checked (within the
  // freshness window) or asked of the store.
  Result<storage::ObjectVersion> current_version(std::string_view bucket, std::string_view key,
                                                 const std::optional<std::string>& version_id);
  void forget_version(std::string_view bucket, std::string_view key);
  Result<ExecResult> run(std::string_view bucket, std::string_view key,
                         const std::optional<std::string>& version_id, std::string_view input,
                         const ExecContext& context, runtime::CapturedLogs& logs, bool& ran);
  void report(std::string_view bucket, std::string_view key, const ExecContext& context,
              const Result<ExecResult>& result, const runtime::CapturedLogs& logs,
              std::chrono::nanoseconds duration);
  Result<cache::CompiledFunctions::Function> function_for(const storage::ObjectVersion& version,
                                                          std::string_view bucket,
                                                          ExecTimings& timings);

  ConfigBounds config_bounds() const;
  void log_denials(std::string_view bucket, std::string_view key, const ExecContext& context,
                   const std::vector<std::string>& denials);

  struct CheckedVersion {
    storage::ObjectVersion version;
    std::chrono::steady_clock::time_point checked;
  };

  storage::ObjectStore& store_;
  const runtime::Engine& engine_;
  cache::CompiledFunctions& compiled_;
  const FunctionServiceOptions options_;
  FunctionConfigs configs_;
  std::mutex versions_mutex_;
  std::unordered_map<std::string, CheckedVersion> checked_versions_;  // "bucket/key"
  ConcurrencyLimits concurrency_;  // by "bucket/key"
};

}  // namespace wasmfaas::api
