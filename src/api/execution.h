#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "common/error.h"
#include "runtime/invocation.h"

namespace wasmfaas::api {

// Where the time of one exec went, for the Server-Timing header.
struct ExecTimings {
  std::chrono::nanoseconds fetch{};
  std::chrono::nanoseconds compile{};
  std::chrono::nanoseconds instantiate{};
  std::chrono::nanoseconds exec{};
};

// What one exec did, whatever its outcome. A value, moved freely; it must
// not outlive the ExecutionService that made it.
struct Execution {
  // The function's output, or why there is none.
  Result<std::string> output;
  // The version that ran (or was refused: throttled): set as soon as it was
  // resolved, so failures after that (429, trap 500, bad output 502,
  // timeout 504) name it too. Empty when no version was resolved (no such
  // function, bucket or version; storage unavailable).
  std::string version_id;
  ExecTimings timings;
  runtime::CapturedLogs logs;
  // The finished instance (null: none was started): releasing it destroys
  // the instance, whose teardown resets its pooled memory slot, or gives it
  // back for reuse. A caller that answers someone releases it after the
  // answer (the HTTP exec route: Call::release_after_reply); any other lets
  // it go with the Execution.
  std::shared_ptr<void> retired;
};

// Who asks for an execution and under what extra bound.
struct ExecContext {
  std::string_view request_id;
  // A caller's remaining time (a pipeline's): the call's time limit is the
  // smaller of this and the function's own.
  std::optional<std::chrono::milliseconds> timeout_cap;
  // An async job's attempt: the function sees them as WASMFAAS_JOB_ID and
  // WASMFAAS_JOB_ATTEMPT in its environment, and the invocation log names
  // them. Empty job_id: not a job.
  std::string_view job_id;
  uint32_t job_attempt = 0;
};

}  // namespace wasmfaas::api
