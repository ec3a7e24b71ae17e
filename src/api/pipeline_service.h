#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "api/execution_service.h"
#include "api/pipeline.h"
#include "api/system_bucket.h"
#include "common/error.h"
#include "storage/object_store.h"

namespace wasmfaas::api {

struct PipelineOptions {
  size_t max_steps = 16;
  // For the whole run, besides each step's own time limit.
  std::chrono::milliseconds total_timeout{60000};
};

struct StepTrace {
  std::string step;  // as written in the pipeline
  std::string version_id;
  std::string output;
  double ms = 0;
};

struct PipelineResult {
  std::string output;
  std::vector<StepTrace> steps;  // filled only when traced
};

// Stored pipelines (sequences of functions in one bucket, kept in the
// system bucket as `pipeline/<bucket>/<name>`) and their execution through
// the ExecutionService: each step's output is the next step's input, every
// step a fresh sandbox from the compiled-function cache, limited, reported
// and counted as any exec. Not-found errors carry reason bucket_not_found,
// pipeline_not_found or (a step) function_not_found / version_not_found /
// alias_not_found. A step "key#alias" runs the version the alias picks.
// Thread-safe.
class PipelineService {
 public:
  PipelineService(storage::ObjectStore& store, ExecutionService& execution, SystemBucket system,
                  PipelineOptions options = {});

  // Checks that the bucket and every step's function (and pinned version)
  // exist: kNotFound naming the step otherwise.
  Result<PipelineDefinition> put(std::string_view bucket, std::string_view name,
                                 std::string_view json);
  Result<PipelineDefinition> get(std::string_view bucket, std::string_view name);
  // Deletes every version of it for good.
  Result<void> remove(std::string_view bucket, std::string_view name);
  Result<std::vector<std::string>> list(std::string_view bucket);

  Result<PipelineResult> run(std::string_view bucket, std::string_view name, std::string input,
                             bool trace, std::string_view request_id);
  // Ad hoc: steps with their buckets.
  Result<PipelineResult> run_steps(const std::vector<PipelineStep>& steps, std::string input,
                                   bool trace, std::string_view request_id);

  const PipelineOptions& options() const { return options_; }

 private:
  // Steps without a bucket run in `default_bucket`.
  Result<PipelineResult> run_in(std::string_view default_bucket,
                                const std::vector<PipelineStep>& steps, std::string input,
                                bool trace, std::string_view request_id);

  // kNotFound (reason bucket_not_found) unless `bucket` is a user's bucket
  // that exists.
  Result<void> check_bucket(std::string_view bucket);

  storage::ObjectStore& store_;
  ExecutionService& execution_;
  const SystemBucket system_;
  const PipelineOptions options_;
};

}  // namespace wasmfaas::api
