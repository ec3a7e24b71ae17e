#include "api/pipeline_service.h"

#include "api/reserved_keys.h"

namespace wasmfaas::api {
namespace {

using Clock = std::chrono::steady_clock;

Error step_error(size_t index, const PipelineStep& step, const Error& cause) {
  return Error{cause.code, "pipeline step " + std::to_string(index + 1) + " (" + step.describe() +
                               ") failed: " + cause.message};
}

}  // namespace

PipelineService::PipelineService(storage::ObjectStore& store, FunctionService& functions,
                                 PipelineOptions options)
    : store_(store), functions_(functions), options_(options) {}

Result<PipelineDefinition> PipelineService::put(std::string_view bucket, std::string_view name,
                                                std::string_view json) {
  if (auto valid = validate_pipeline_name(name); !valid) return std::unexpected(valid.error());
  auto definition = parse_pipeline(json, options_.max_steps);
  if (!definition) return std::unexpected(definition.error());
  for (size_t i = 0; i < definition->steps.size(); ++i) {
    const PipelineStep& step = definition->steps[i];
    if (is_reserved_key(step.key)) {
      return make_error(ErrorCode::kInvalidArgument,
                        "step '" + step.describe() + "' is not a function");
    }
    auto exists = store_.head_object(bucket, step.key, step.version_id);
    if (!exists) {
      if (exists.error().code != ErrorCode::kNotFound) return std::unexpected(exists.error());
      return make_error(ErrorCode::kNotFound, "pipeline step " + std::to_string(i + 1) + " ('" +
                                                  step.describe() + "') does not exist: " +
                                                  exists.error().message);
    }
  }
  const std::string stored = pipeline_json(*definition);
  auto put = store_.put_object(
      bucket, pipeline_key(name),
      std::span(reinterpret_cast<const uint8_t*>(stored.data()), stored.size()));
  if (!put) return std::unexpected(put.error());
  return definition;
}

Result<PipelineDefinition> PipelineService::get(std::string_view bucket, std::string_view name) {
  if (auto valid = validate_pipeline_name(name); !valid) return std::unexpected(valid.error());
  auto object = store_.get_object(bucket, pipeline_key(name), std::nullopt);
  if (!object) {
    if (object.error().code == ErrorCode::kNotFound) {
      return make_error(ErrorCode::kNotFound, "no pipeline '" + std::string(name) +
                                                  "' in bucket '" + std::string(bucket) + "'");
    }
    return std::unexpected(object.error());
  }
  const std::string_view json(reinterpret_cast<const char*>(object->data.data()),
                              object->data.size());
  return parse_pipeline(json, SIZE_MAX);
}

Result<void> PipelineService::remove(std::string_view bucket, std::string_view name) {
  if (auto exists = get(bucket, name); !exists) return std::unexpected(exists.error());
  return store_.delete_object(bucket, pipeline_key(name));
}

Result<std::vector<std::string>> PipelineService::list(std::string_view bucket) {
  auto objects = store_.list_objects(bucket);
  if (!objects) return std::unexpected(objects.error());
  std::vector<std::string> names;
  for (const auto& object : *objects) {
    if (auto name = pipeline_name_of(object.key)) names.push_back(std::move(*name));
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
    if (is_reserved_key(step.key)) {
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
    auto executed = functions_.exec(bucket, step.key, step.version_id, input, context);
    if (!executed) {
      Error cause = executed.error();
      if (cause.code == ErrorCode::kTimeout && Clock::now() >= deadline) {
        cause.message = "pipeline exceeded its total time limit of " +
                        std::to_string(options_.total_timeout.count()) + " ms";
      }
      return std::unexpected(step_error(i, step, cause));
    }
    if (trace) {
      result.steps.push_back(StepTrace{
          step.describe(), executed->version_id, executed->output,
          std::chrono::duration<double, std::milli>(Clock::now() - started).count()});
    }
    input = std::move(executed->output);
  }
  result.output = std::move(input);
  return result;
}

}  // namespace wasmfaas::api
