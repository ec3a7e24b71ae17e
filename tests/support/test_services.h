#pragma once
// Test support: the api services over one store, wired as Server wires
// them, without HTTP, on the shared engine.

#include <chrono>
#include <memory>
#include <span>
#include <string>

#include "api/deployment_service.h"
#include "api/execution_service.h"
#include "api/function_aliases.h"
#include "api/function_configs.h"
#include "api/function_versions.h"
#include "api/pipeline_service.h"
#include "api/system_bucket.h"
#include "cache/compiled_functions.h"
#include "support/components.h"

namespace wasmfaas::testing {

class TestServices {
 public:
  // `freshness_window` as in api::FunctionVersions (0: ask on every exec).
  explicit TestServices(storage::ObjectStore& store, api::ExecutionOptions options = {},
                        std::chrono::milliseconds freshness_window = {})
      : prepared_(system_.prepare(store)),
        compiled_(std::move(*cache::CompiledFunctions::create(shared_engine(), {}))),
        versions_(store, freshness_window),
        configs_(store, system_),
        aliases_(store, system_, freshness_window),
        deployments_(store, *compiled_, versions_, configs_, aliases_, system_,
                    api::ConfigBounds{shared_engine().options().max_memory_bytes,
                                      shared_engine().options().fuel_metering}),
        execution_(store, shared_engine(), *compiled_, versions_, configs_, aliases_, system_,
                   options),
        pipelines_(store, execution_, system_) {
    EXPECT_TRUE(prepared_.has_value());
  }

  api::DeploymentService& deployments() { return deployments_; }
  api::ExecutionService& execution() { return execution_; }
  api::PipelineService& pipelines() { return pipelines_; }
  const api::SystemBucket& system() const { return system_; }

  // Uploads a test component (components.h names) as `bucket`/`key`.
  storage::ObjectVersion deploy(const std::string& bucket, const std::string& key,
                                const std::string& component) {
    const auto bytes = load_component(component);
    auto stored = deployments_.upload(bucket, key, bytes);
    EXPECT_TRUE(stored.has_value()) << stored.error().message;
    return stored.value_or(storage::ObjectVersion{});
  }

 private:
  const api::SystemBucket system_;
  Result<void> prepared_;
  std::unique_ptr<cache::CompiledFunctions> compiled_;
  api::FunctionVersions versions_;
  api::FunctionConfigs configs_;
  api::FunctionAliases aliases_;
  api::DeploymentService deployments_;
  api::ExecutionService execution_;
  api::PipelineService pipelines_;
};

}  // namespace wasmfaas::testing
