#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "api/concurrency_limits.h"
#include "api/exec_reporter.h"
#include "api/execution.h"
#include "api/function_aliases.h"
#include "api/function_configs.h"
#include "api/function_versions.h"
#include "api/reusable_instances.h"
#include "api/system_bucket.h"
#include "cache/compiled_functions.h"
#include "keyvalue/keyvalue_service.h"
#include "runtime/engine.h"
#include "runtime/invocation.h"
#include "storage/object_store.h"

namespace wasmfaas::api {

struct ExecutionOptions {
  // The server's limits of one call; a function's config overrides them.
  runtime::InvocationOptions invocation;
  // false: the seed's semantics, download and compile on every exec.
  bool use_compiled_cache = true;
  ExecReporting reporting;
  // The key-value stores functions reach through wasi:keyvalue (not owned).
  // Null: every store a function opens is access-denied.
  keyvalue::KeyValueService* keyvalue = nullptr;
  // Idle instances kept for functions with "reuse" in their config: at most
  // this many per function version and config (the calls that can run at
  // once: the exec workers), and in all a quarter of the engine's
  // max_instances (each holds a pooled slot).
  size_t reuse_max_idle_per_key = 8;
};

// Runs functions, for every caller alike (HTTP exec, pipelines, later
// async jobs and cron): resolves the version (pinned or current, through
// FunctionVersions; an alias's through FunctionAliases), gets its compiled
// code (CompiledFunctions, else fetched and compiled), applies the
// version's config (limits, environment, outgoing HTTP, key-value grants in
// its own bucket, wasi:config values, per-function concurrency), runs it in
// a fresh sandbox, or an idle one of the same version and config when the
// config asks for reuse (ReusableInstances; never for async jobs or calls
// with a timeout cap), and reports the run (ExecReporter) whatever its
// outcome. Changes nothing in the store. Thread-safe; one instance serves
// all workers, and outlives the Executions it returns.
class ExecutionService {
 public:
  ExecutionService(storage::ObjectStore& store, const runtime::Engine& engine,
                   cache::CompiledFunctions& compiled, FunctionVersions& versions,
                   FunctionConfigs& configs, FunctionAliases& aliases, SystemBucket system,
                   ExecutionOptions options = {});

  // Runs `bucket`/`key` (`version_id`, or the current version) on `input`.
  // Only runs of an existing function are reported (not requests for
  // functions that do not exist, which would let anyone grow the metrics'
  // label sets).
  Execution exec(std::string_view bucket, std::string_view key,
                 const std::optional<std::string>& version_id, std::string_view input,
                 const ExecContext& context = {});

  // The version exec would run now (`version_id`, or the current one) and
  // its config (nullopt: it has none), or the error exec would answer
  // (no such bucket, function or version; storage unavailable). For callers
  // that check a function before queuing work for it (async jobs).
  struct ResolvedFunction {
    storage::ObjectVersion version;
    std::optional<FunctionConfig> config;
  };
  Result<ResolvedFunction> resolve(std::string_view bucket, std::string_view key,
                                   const std::optional<std::string>& version_id);

  // The version a call of alias `alias` of the function runs now: its
  // canary's for the canary's weight in percent of calls, at random, else
  // its version. kNotFound (reason alias_not_found) without such an alias.
  Result<std::string> alias_version(std::string_view bucket, std::string_view key,
                                    std::string_view alias);

  const ExecutionOptions& options() const { return options_; }

 private:
  // The output; fills `execution`'s version, timings and logs on the way.
  // `ran`: whether it got as far as running (or throttling) the function.
  Result<std::string> run(std::string_view bucket, std::string_view key,
                          const std::optional<std::string>& version_id, std::string_view input,
                          const ExecContext& context, Execution& execution, bool& ran);
  Result<cache::CompiledFunctions::Function> function_for(const storage::ObjectVersion& version,
                                                          std::string_view bucket,
                                                          ExecTimings& timings);

  storage::ObjectStore& store_;
  const runtime::Engine& engine_;
  cache::CompiledFunctions& compiled_;
  FunctionVersions& versions_;
  FunctionConfigs& configs_;
  FunctionAliases& aliases_;
  const SystemBucket system_;
  const ExecutionOptions options_;
  const ExecReporter reporter_;
  ConcurrencyLimits concurrency_;  // by "bucket/key"
  ReusableInstances reusable_;
};

}  // namespace wasmfaas::api
