// Micro-benchmark of pipelines: the cost of a pipeline step beyond the
// step's own execution. Runs the echo function directly (ExecutionService::
// exec) and as pipelines of 1 and N steps (PipelineService), in-process on
// an embedded store, and prints the mean times and the overhead per extra
// step. Not a test; run by `make bench`.
//   pipeline_steps <echo component.wasm> [steps, default 8] [iterations, default 2000]
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>

#include "api/deployment_service.h"
#include "api/execution_service.h"
#include "api/pipeline_service.h"
#include "cache/compiled_functions.h"
#include "common/file_util.h"
#include "runtime/engine.h"
#include "storage/local/local_store.h"

int main(int argc, char** argv) {
  using namespace wasmfaas;
  using Clock = std::chrono::steady_clock;
  if (argc < 2) {
    std::fprintf(stderr, "usage: pipeline_steps <echo.wasm> [steps] [iterations]\n");
    return 2;
  }
  const size_t steps = argc > 2 ? std::stoul(argv[2]) : 8;
  const int iterations = argc > 3 ? std::stoi(argv[3]) : 2000;
  const auto dir = std::filesystem::temp_directory_path() / ("pipeline-bench-" + std::to_string(getpid()));
  auto bytes = read_file_bytes(argv[1]);
  auto engine = runtime::Engine::create();
  auto store = storage::LocalStore::open(dir);
  if (!bytes || !engine || !store) return 1;
  auto compiled = cache::CompiledFunctions::create(**engine, {});
  if (!compiled) return 1;
  const api::SystemBucket system;
  if (!system.prepare(**store)) return 1;
  api::FunctionVersions versions(**store, std::chrono::milliseconds(0));
  api::FunctionConfigs configs(**store, system);
  api::FunctionAliases aliases(**store, system, std::chrono::milliseconds(0));
  api::DeploymentService deployments(**store, **compiled, versions, configs, aliases, system, {});
  api::ExecutionService execution(**store, **engine, **compiled, versions, configs, aliases,
                                  system);
  api::PipelineOptions options;
  options.max_steps = steps;
  api::PipelineService pipelines(**store, execution, system, options);
  if (!deployments.create_bucket("bench") || !deployments.upload("bench", "echo", *bytes)) return 1;

  const std::string input = R"({"name":"World","padding":"0123456789abcdef0123456789abcdef"})";
  const auto mean_us = [&](auto&& run) {
    for (int i = 0; i < iterations / 10; ++i) run();  // warm-up
    const auto started = Clock::now();
    for (int i = 0; i < iterations; ++i) {
      if (!run()) std::abort();
    }
    return std::chrono::duration<double, std::micro>(Clock::now() - started).count() / iterations;
  };
  const api::PipelineStep echo{"bench", "echo", std::nullopt};
  const double direct = mean_us(
      [&] { return execution.exec("bench", "echo", std::nullopt, input).output.has_value(); });
  const double one = mean_us([&] { return pipelines.run_steps({echo}, input, false, "").has_value(); });
  const std::vector<api::PipelineStep> many(steps, echo);
  const double n = mean_us([&] { return pipelines.run_steps(many, input, false, "").has_value(); });

  std::printf("direct exec %.1f us; pipeline of 1 step %.1f us; pipeline of %zu steps %.1f us\n",
              direct, one, steps, n);
  std::printf("per step: %.1f us; overhead per extra step beyond its own exec: %.1f us\n",
              (n - one) / static_cast<double>(steps - 1),
              (n - one) / static_cast<double>(steps - 1) - direct);
  std::filesystem::remove_all(dir);
  return 0;
}
