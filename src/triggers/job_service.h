#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>

#include "api/execution_service.h"
#include "common/error.h"
#include "state/job_queue.h"
#include "triggers/callback_sender.h"
#include "triggers/job_signal.h"
#include "triggers/retry_policy.h"
#include "triggers/trigger_metrics.h"

namespace wasmfaas::triggers {

struct JobOptions {
  // Used for functions whose config sets no "retry" or "max_age_s".
  RetryPolicy retry;
  // How long an Idempotency-Key returns the job it first created.
  std::chrono::seconds idempotency_window{24 * 60 * 60};
};

// One async invocation as asked for (POST /async, or a schedule's tick).
struct JobSubmission {
  std::string bucket;
  std::string key;
  std::optional<std::string> version;
  std::string input;
  std::optional<std::string> idempotency_key;
  std::optional<std::string> callback_url;
  std::string source = "api";
};

// The async jobs as the API sees them: submits (after checking that the
// function exists and the callback destination is allowed, with the retry
// policy of the function's config), reads, lists, cancels, re-queues and
// purges them in the JobQueue, and wakes this node's workers when it
// queues one. Thread-safe (its parts are).
class JobService {
 public:
  // `callbacks` null: a job with a callback URL is refused.
  JobService(state::JobQueue& queue, api::ExecutionService& execution,
             const CallbackSender* callbacks, JobSignal& signal, JobOptions options = {},
             TriggerMetrics metrics = {});

  // The job stored (or, for an Idempotency-Key seen within the window, the
  // job it created then). kNotFound for a function (or version) that does
  // not exist; kInvalidArgument for a bad idempotency key or callback URL;
  // kConflict when the idempotency key was used for another function.
  Result<state::SubmittedJob> submit(const JobSubmission& submission);

  // The NewJob of `submission` for `bucket`/`key` as resolved now, with its
  // retry policy: what submit() stores (and a schedule's tick submits).
  Result<state::NewJob> prepare(const JobSubmission& submission, int64_t now_ms);

  // kNotFound (job_not_found) when there is none.
  Result<state::JobRecord> get(std::string_view id);
  Result<state::JobPage> list(const state::JobFilter& filter,
                              const std::optional<std::string>& cursor, size_t limit);
  // Cancels a queued job; kConflict when it is no longer queued.
  Result<state::JobRecord> cancel(std::string_view id);
  // Queues a failed or dead job again with all its attempts and a new
  // max age; kConflict in any other status.
  Result<state::JobRecord> retry(std::string_view id);
  // Removes the jobs in a final status matching `filter`.
  Result<uint64_t> purge(const state::JobFilter& filter);

  state::JobQueue& queue() { return queue_; }
  JobSignal& signal() { return signal_; }

 private:
  state::JobQueue& queue_;
  api::ExecutionService& execution_;
  const CallbackSender* const callbacks_;
  JobSignal& signal_;
  const JobOptions options_;
  const TriggerMetrics metrics_;
};

// The longest Idempotency-Key accepted.
inline constexpr size_t kMaxIdempotencyKeyBytes = 255;

}  // namespace wasmfaas::triggers
