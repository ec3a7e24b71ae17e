#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/execution.h"
#include "api/invocation_log.h"
#include "common/error.h"
#include "common/metrics.h"

namespace spdlog {
class logger;
}

namespace wasmfaas::api {

// Where executions are reported; each part is optional. All borrowed.
struct ExecReporting {
  InvocationLog* log = nullptr;
  // Labels: bucket, key, outcome.
  metrics::Family<metrics::Counter>* executions = nullptr;
  // Labels: bucket, key.
  metrics::Family<metrics::Histogram>* durations = nullptr;
  // Instances started or taken for a call and not yet released (running,
  // or finished and waiting for Execution::retired to be released); idle
  // reusable ones are in reuse_idle_instances instead.
  metrics::Gauge* instances_in_use = nullptr;
  // Idle instances kept for reuse, and calls served by a reused instance.
  metrics::Gauge* reuse_idle_instances = nullptr;
  metrics::Counter* reuse_calls = nullptr;
  // Each invocation's stdout/stderr as JSON lines at level info.
  spdlog::logger* output_log = nullptr;
  // Events of executions worth a warning (refused outgoing requests), as
  // JSON lines: the server's own log.
  spdlog::logger* event_log = nullptr;
};

// The metrics outcome label of an exec that ended with `error` (none: ok):
// ok, trap, timeout, memory, fuel, bad_output, throttled or error.
std::string_view exec_outcome(const std::optional<Error>& error);

// Reports executions: the execution metrics, the invocation log (GET /logs),
// the function-output log and the events log. Whoever runs a function
// (HTTP exec, pipelines, later jobs) reports through the ExecutionService's
// one reporter. Thread-safe: its sinks are.
class ExecReporter {
 public:
  explicit ExecReporter(ExecReporting sinks) : sinks_(sinks) {}

  // One finished execution of `bucket`/`key` that took `duration`.
  void report(std::string_view bucket, std::string_view key, const ExecContext& context,
              const Execution& execution, std::chrono::nanoseconds duration) const;

  // Outgoing requests the sandbox refused, one warning each.
  void log_denials(std::string_view bucket, std::string_view key, const ExecContext& context,
                   const std::vector<std::string>& denials) const;

  // The gauge of instances alive now, if reported.
  metrics::Gauge* instances_in_use() const { return sinks_.instances_in_use; }
  metrics::Counter* reuse_calls() const { return sinks_.reuse_calls; }

 private:
  const ExecReporting sinks_;
};

}  // namespace wasmfaas::api
