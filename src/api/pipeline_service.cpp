#include "api/pipeline_service.h"

#include "api/reserved_keys.h"
#include "api/store_errors.h"

namespace wasmfaas::api {
namespace {

using Clock = std::chrono::steady_clock;

Error step_error(size_t index, const PipelineStep& step, const Error& cause) {
  return Error{cause.code,
               "pipeline step " + std::to_string(index + 1) + " (" + step.describe() +
                   ") failed: " + cause.message,
               cause.reason};
}

}  // namespace

PipelineService::PipelineService(storage::ObjectStore& store, ExecutionService& execution,
                                 SystemBucket system, PipelineOptions options)
    : store_(store), execution_(execution), system_(std::move(system)), options_(options) {}

Result<void> PipelineService::check_bucket(std::string_view bucket) {
  if (auto ok = system_.check_user_bucket(bucket); !ok) return ok;
  auto exists = store_.bucket_exists(bucket);
  if (!exists) return std::unexpected(exists.error());
  if (!*exists) return std::unexpected(bucket_not_found(bucket));
  return {};
}

Result<PipelineDefinition> PipelineService::put(std::string_view bucket, std::string_view name,
                                                std::string_view json) {
  if (auto valid = validate_pipeline_name(name); !valid) return std::unexpected(valid.error());
  auto definition = parse_pipeline(json, options_.max_steps);
  if (!definition) return std::unexpected(definition.error());
  if (auto ok = check_bucket(bucket); !ok) return std::unexpected(ok.error());
  for (size_t i = 0; i < definition->steps.size(); ++i) {
    const PipelineStep& step = definition->steps[i];
    if (is_reserved_key(step.key)) {
      return make_error(ErrorCode::kInvalidArgument,
                        "step '" + step.describe() + "' is not a function");
    }
    Result<void> exists;
    if (step.alias) {
      if (auto picked = execution_.alias_version(bucket, step.key, *step.alias); !picked) {
        exists = std::unexpected(picked.error());
      }
    } else if (auto head = store_.head_object(bucket, step.key, step.version_id); !head) {
      exists = std::unexpected(head.error());
    }
    if (!exists) {
      if (exists.error().code != ErrorCode::kNotFound) return std::unexpected(exists.error());
      const Error cause =
          step.alias ? exists.error()
                     : function_error(store_, bucket, step.key, step.version_id, exists.error());
      return make_error(ErrorCode::kNotFound,
                        "pipeline step " + std::to_string(i + 1) + " ('" + step.describe() +
                            "') does not exist: " + cause.message,
                        cause.reason);
    }
  }
  const std::string stored = pipeline_json(*definition);
  auto put = system_.put(
      store_, SystemBucket::pipeline_key(bucket, name),
      std::span(reinterpret_cast<const uint8_t*>(stored.data()), stored.size()));
  if (!put) return std::unexpected(put.error());
  return definition;
}

Result<PipelineDefinition> PipelineService::get(std::string_view bucket, std::string_view name) {
  if (auto valid = validate_pipeline_name(name); !valid) return std::unexpected(valid.error());
  if (auto ok = system_.check_user_bucket(bucket); !ok) return std::unexpected(ok.error());
  auto object =
      store_.get_object(system_.name(), SystemBucket::pipeline_key(bucket, name), std::nullopt);
  if (!object) {
    if (object.error().code != ErrorCode::kNotFound) return std::unexpected(object.error());
    if (auto ok = check_bucket(bucket); !ok) return std::unexpected(ok.error());
    return make_error(ErrorCode::kNotFound,
                      "no pipeline '" + std::string(name) + "' in bucket '" +
                          std::string(bucket) + "'",
                      reason::kPipelineNotFound);
  }
  const std::string_view json(reinterpret_cast<const char*>(object->data.data()),
                              object->data.size());
  return parse_pipeline(json, SIZE_MAX);
}

Result<void> PipelineService::remove(std::string_view bucket, std::string_view name) {
  if (auto exists = get(bucket, name); !exists) return std::unexpected(exists.error());
  // All its versions: a deleted pipeline leaves nothing behind, and its name
  // can be used again at once (versitygw 1.7.0 loses a write after a delete
  // marker: VersityGatewayDefectTest).
  return system_.remove(store_, SystemBucket::pipeline_key(bucket, name));
}

Result<std::vector<std::string>> PipelineService::list(std::string_view bucket) {
  if (auto ok = check_bucket(bucket); !ok) return std::unexpected(ok.error());
  const std::string prefix = SystemBucket::pipelines_prefix(bucket);
  auto versions = store_.list_object_versions(system_.name(), prefix);
  if (!versions) {
    if (versions.error().code == ErrorCode::kNotFound) return std::vector<std::string>();
    return std::unexpected(versions.error());
  }
  std::vector<std::string> names;
  for (const auto& version : *versions) {
    if (version.latest) names.push_back(version.key.substr(prefix.size()));
  }
  return names;
}

Result<PipelineResult> PipelineService::run(std::string_view bucket, std::string_view name,
                                            std::string input, bool trace,
                                            std::string_view request_id) {
  auto definition = get(bucket, name);
  if (!definition) return std::unexpected(definition.error());
  return run_in(bucket, definition->steps, std::move(input), trace, request_id);
}

Result<PipelineResult> PipelineService::run_steps(const std::vector<PipelineStep>& steps,
                                                  std::string input, bool trace,
                                                  std::string_view request_id) {
  return run_in("", steps, std::move(input), trace, request_id);
}

Result<PipelineResult> PipelineService::run_in(std::string_view default_bucket,
                                               const std::vector<PipelineStep>& steps,
                                               std::string input, bool trace,
                                               std::string_view request_id) {
  if (steps.empty() || steps.size() > options_.max_steps) {
    return make_error(ErrorCode::kInvalidArgument,
                      "a pipeline has 1 to " + std::to_string(options_.max_steps) + " steps");
  }
  const auto deadline = Clock::now() + options_.total_timeout;
  PipelineResult result;
  for (size_t i = 0; i < steps.size(); ++i) {
    const PipelineStep& step = steps[i];
    if (is_reserved_key(step.key) || step.bucket == system_.name()) {
      return std::unexpected(step_error(
          i, step, Error{ErrorCode::kInvalidArgument, "a pipeline step must be a function"}));
    }
    const auto remaining =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (remaining.count() <= 0) {
      return make_error(ErrorCode::kTimeout,
                        "pipeline exceeded its total time limit of " +
                            std::to_string(options_.total_timeout.count()) + " ms before step " +
                            std::to_string(i + 1) + " (" + step.describe() + ")");
    }
    const auto started = Clock::now();
    ExecContext context{request_id, remaining};
    const std::string_view bucket = step.bucket.empty() ? default_bucket : step.bucket;
    std::optional<std::string> version_id = step.version_id;
    if (step.alias) {
      auto picked = execution_.alias_version(bucket, step.key, *step.alias);
      if (!picked) return std::unexpected(step_error(i, step, picked.error()));
      version_id = std::move(*picked);
    }
    Execution executed = execution_.exec(bucket, step.key, version_id, input, context);
    if (!executed.output) {
      Error cause = executed.output.error();
      if (cause.code == ErrorCode::kTimeout && Clock::now() >= deadline) {
        cause.message = "pipeline exceeded its total time limit of " +
                        std::to_string(options_.total_timeout.count()) + " ms";
      }
      return std::unexpected(step_error(i, step, cause));
    }
    if (trace) {
      result.steps.push_back(StepTrace{
          step.describe(), executed.version_id, *executed.output,
          std::chrono::duration<double, std::milli>(Clock::now() - started).count()});
    }
    input = std::move(*executed.output);
  }
  result.output = std::move(input);
  return result;
}

}  // namespace wasmfaas::api
