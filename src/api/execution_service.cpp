#include "api/execution_service.h"

#include "keyvalue/function_keyvalue.h"

#include <algorithm>

#include "api/function_names.h"
#include "api/reserved_keys.h"
#include "api/store_errors.h"

namespace wasmfaas::api {
namespace {

using Clock = std::chrono::steady_clock;

std::chrono::nanoseconds since(Clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start);
}

// A finished instance (Execution::retired): when released it goes back to
// `pool` under `key` if it may serve another call (its calls all succeeded,
// fewer than `max_calls`), else it is destroyed; either way it stops
// counting in `in_use`.
class RetiredInstance {
 public:
  RetiredInstance(std::unique_ptr<FunctionInstance> instance, ReusableInstances* pool,
                  std::string key, uint32_t max_calls, metrics::Gauge* in_use)
      : instance_(std::move(instance)),
        pool_(pool),
        key_(std::move(key)),
        max_calls_(max_calls),
        in_use_(in_use) {}
  RetiredInstance(const RetiredInstance&) = delete;
  RetiredInstance& operator=(const RetiredInstance&) = delete;

  ~RetiredInstance() {
    if (pool_ && instance_->invocation.reusable() && instance_->calls < max_calls_) {
      pool_->give_back(std::move(key_), std::move(instance_));
    }
    instance_.reset();
    if (in_use_) in_use_->add(-1);
  }

 private:
  std::unique_ptr<FunctionInstance> instance_;
  ReusableInstances* const pool_;
  std::string key_;
  const uint32_t max_calls_;
  metrics::Gauge* const in_use_;
};

// `error` as an exec answers it.
std::unexpected<Error> failed(Error error) {
  if (error.code == ErrorCode::kTrap) error.message = "function trapped: " + error.message;
  return std::unexpected(std::move(error));
}

ReusableInstances::Limits reuse_limits(const runtime::Engine& engine,
                                       const ExecutionOptions& options) {
  ReusableInstances::Limits limits;
  limits.max_idle = std::max<size_t>(1, engine.options().max_instances / 4);
  limits.max_idle_per_key = std::max<size_t>(1, options.reuse_max_idle_per_key);
  return limits;
}

}  // namespace

ExecutionService::ExecutionService(storage::ObjectStore& store, const runtime::Engine& engine,
                                   cache::CompiledFunctions& compiled, FunctionVersions& versions,
                                   FunctionConfigs& configs, FunctionAliases& aliases,
                                   SystemBucket system, ExecutionOptions options)
    : store_(store),
      engine_(engine),
      compiled_(compiled),
      versions_(versions),
      configs_(configs),
      aliases_(aliases),
      system_(std::move(system)),
      options_(options),
      reporter_(options.reporting),
      reusable_(reuse_limits(engine, options), options.reporting.reuse_idle_instances) {}

Execution ExecutionService::exec(std::string_view bucket, std::string_view key,
                                 const std::optional<std::string>& version_id,
                                 std::string_view input, const ExecContext& context) {
  const auto started = Clock::now();
  Execution execution;
  bool ran = false;
  execution.output = run(bucket, key, version_id, input, context, execution, ran);
  if (ran) reporter_.report(bucket, key, context, execution, since(started));
  return execution;
}

Result<cache::CompiledFunctions::Function> ExecutionService::function_for(
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

Result<ExecutionService::ResolvedFunction> ExecutionService::resolve(
    std::string_view bucket, std::string_view key, const std::optional<std::string>& version_id) {
  if (auto ok = system_.check_user_bucket(bucket); !ok) return std::unexpected(ok.error());
  if (auto ok = check_function_key(key); !ok) return std::unexpected(ok.error());
  auto version = versions_.resolve(bucket, key, version_id);
  if (!version) {
    return std::unexpected(function_error(store_, bucket, key, version_id, version.error()));
  }
  auto config = configs_.find(bucket, *version);
  if (!config) return std::unexpected(config.error());
  return ResolvedFunction{std::move(*version), std::move(*config)};
}

Result<std::string> ExecutionService::alias_version(std::string_view bucket,
                                                    std::string_view key, std::string_view alias) {
  if (auto ok = system_.check_user_bucket(bucket); !ok) return std::unexpected(ok.error());
  if (auto ok = check_function_key(key); !ok) return std::unexpected(ok.error());
  if (auto valid = validate_alias_name(alias); !valid) return std::unexpected(valid.error());
  auto found = aliases_.find(bucket, key, alias);
  if (!found) {
    if (found.error().reason != reason::kAliasNotFound) return std::unexpected(found.error());
    // Name what is missing: the bucket or function, else the alias.
    if (auto exists = store_.list_versions(bucket, key); !exists) {
      return std::unexpected(function_error(store_, bucket, key, std::nullopt, exists.error()));
    }
    return std::unexpected(found.error());
  }
  return alias_version_for(*found, alias_roll());
}

Result<std::string> ExecutionService::run(std::string_view bucket, std::string_view key,
                                          const std::optional<std::string>& version_id,
                                          std::string_view input, const ExecContext& context,
                                          Execution& execution, bool& ran) {
  if (auto ok = system_.check_user_bucket(bucket); !ok) return std::unexpected(ok.error());
  if (auto ok = check_function_key(key); !ok) return std::unexpected(ok.error());
  const auto started = Clock::now();
  auto version = versions_.resolve(bucket, key, version_id);
  if (!version) {
    return std::unexpected(function_error(store_, bucket, key, version_id, version.error()));
  }
  execution.version_id = version->version_id;
  execution.timings.fetch = since(started);
  auto function = function_for(*version, bucket, execution.timings);
  if (!function) return std::unexpected(function.error());
  auto config = configs_.find(bucket, *version);
  if (!config) return std::unexpected(config.error());
  ran = true;

  std::optional<ConcurrencyLimits::Slot> slot;
  if (*config && (*config)->max_concurrency) {
    const std::string name = function_name(bucket, key);
    const uint32_t limit = *(*config)->max_concurrency;
    auto acquired = concurrency_.try_acquire(name, limit);
    if (!acquired) {
      return make_error(ErrorCode::kThrottled, "function '" + name +
                                                   "' is at its concurrency limit of " +
                                                   std::to_string(limit) + "; retry later");
    }
    slot.emplace(std::move(*acquired));
  }
  runtime::InvocationOptions limits =
      *config ? apply_function_config(**config, options_.invocation) : options_.invocation;
  if (context.timeout_cap) limits.timeout = std::min(limits.timeout, *context.timeout_cap);
  if (!context.job_id.empty()) {
    limits.env.emplace_back("WASMFAAS_JOB_ID", std::string(context.job_id));
    limits.env.emplace_back("WASMFAAS_JOB_ATTEMPT", std::to_string(context.job_attempt));
  }
  // Jobs see per-attempt environment variables and capped calls a shorter
  // deadline: their sandboxes are never interchangeable with others'.
  const uint32_t max_calls = *config && context.job_id.empty() && !context.timeout_cap
                                 ? (*config)->reuse_max_calls.value_or(0)
                                 : 0;
  std::string key_for_reuse;
  metrics::Gauge* in_use = reporter_.instances_in_use();
  if (in_use) in_use->add(1);
  std::unique_ptr<FunctionInstance> instance;
  if (max_calls > 1) {
    key_for_reuse = reuse_key(bucket, key, version->version_id, function_config_json(**config));
    instance = reusable_.take(key_for_reuse);
    if (instance && reporter_.reuse_calls()) reporter_.reuse_calls()->add();
  }
  if (!instance) {
    std::unique_ptr<keyvalue::FunctionKeyValue> stores;
    if (options_.keyvalue) {
      stores = std::make_unique<keyvalue::FunctionKeyValue>(
          *options_.keyvalue, std::string(bucket),
          *config ? (*config)->keyvalue : std::vector<std::string>{});
      limits.keyvalue = stores.get();
    }
    limits.reusable = max_calls > 1;
    auto started = runtime::Invocation::start(engine_, **function, limits);
    if (!started) {
      if (in_use) in_use->add(-1);
      return failed(started.error());
    }
    instance = std::make_unique<FunctionInstance>(
        FunctionInstance{*function, std::move(stores), std::move(*started)});
  }
  runtime::Invocation& invocation = instance->invocation;
  Result<std::string> output = invocation.call(input);
  if (!output) output = failed(std::move(output.error()));
  ++instance->calls;
  execution.logs = invocation.logs();
  reporter_.log_denials(bucket, key, context, invocation.outbound_denials());
  execution.timings.instantiate = invocation.timings().instantiate;
  execution.timings.exec = invocation.timings().call;
  execution.retired = std::make_shared<RetiredInstance>(
      std::move(instance), max_calls > 1 ? &reusable_ : nullptr, std::move(key_for_reuse),
      max_calls, in_use);
  return output;
}

}  // namespace wasmfaas::api
