#include "triggers/job_service.h"

#include <algorithm>

#include "common/utf8.h"
#include "triggers/job_ids.h"
#include "triggers/unix_time.h"

namespace wasmfaas::triggers {
namespace {

Error job_not_found(std::string_view id) {
  return Error{ErrorCode::kNotFound, "job '" + std::string(id) + "' does not exist",
               reason::kJobNotFound};
}

constexpr std::string_view kCancelOnlyQueued = "only a queued job can be cancelled";
constexpr std::string_view kRetryOnlyEnded = "only a failed or dead job can be retried";

// kConflict for a job whose status does not allow `what`; checked before
// the change and again by it (another request may change the job between).
Error wrong_status(std::string_view id, state::JobStatus status, std::string_view what) {
  return Error{ErrorCode::kConflict, "job '" + std::string(id) + "' is " +
                                         std::string(state::job_status_name(status)) + ": " +
                                         std::string(what)};
}

Result<void> check_idempotency_key(std::string_view key) {
  const bool printable = std::all_of(key.begin(), key.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0x21 && static_cast<unsigned char>(c) <= 0x7e;
  });
  if (key.empty() || key.size() > kMaxIdempotencyKeyBytes || !printable) {
    return make_error(ErrorCode::kInvalidArgument, "Idempotency-Key must be 1 to " +
                                                       std::to_string(kMaxIdempotencyKeyBytes) +
                                                       " visible ASCII characters");
  }
  return {};
}

}  // namespace

JobService::JobService(state::JobQueue& queue, api::ExecutionService& execution,
                       const CallbackSender* callbacks, JobSignal& signal, JobOptions options,
                       TriggerMetrics metrics)
    : queue_(queue),
      execution_(execution),
      callbacks_(callbacks),
      signal_(signal),
      options_(std::move(options)),
      metrics_(metrics) {}

Result<state::NewJob> JobService::prepare(const JobSubmission& submission, int64_t now_ms) {
  if (submission.idempotency_key) {
    if (auto ok = check_idempotency_key(*submission.idempotency_key); !ok) {
      return std::unexpected(ok.error());
    }
  }
  if (submission.callback_url) {
    if (!callbacks_) {
      return make_error(ErrorCode::kInvalidArgument,
                        "callbacks are off on this server (it has no callback allow-list)");
    }
    if (auto ok = callbacks_->check_destination(*submission.callback_url); !ok) {
      return std::unexpected(ok.error());
    }
  }
  if (!is_valid_utf8(submission.input)) {
    return make_error(ErrorCode::kInvalidArgument, "input is not valid UTF-8");
  }
  auto function = execution_.resolve(submission.bucket, submission.key, submission.version);
  if (!function) return std::unexpected(function.error());
  const RetryPolicy policy =
      function->config ? policy_for(*function->config, options_.retry) : options_.retry;
  state::NewJob job;
  job.id = new_job_id(now_ms);
  job.bucket = submission.bucket;
  job.key = submission.key;
  job.version = submission.version;
  job.input = submission.input;
  job.idempotency_key = submission.idempotency_key;
  job.callback_url = submission.callback_url;
  job.source = submission.source;
  job.max_attempts = policy.max_attempts;
  job.backoff_initial_ms = policy.initial.count();
  job.backoff_max_ms = policy.max.count();
  job.created_ms = now_ms;
  job.run_at_ms = now_ms;
  job.expires_at_ms =
      now_ms + std::chrono::duration_cast<std::chrono::milliseconds>(policy.max_age).count();
  return job;
}

Result<state::SubmittedJob> JobService::submit(const JobSubmission& submission) {
  const int64_t now = unix_ms_now();
  auto job = prepare(submission, now);
  if (!job) return std::unexpected(job.error());
  const int64_t since =
      now -
      std::chrono::duration_cast<std::chrono::milliseconds>(options_.idempotency_window).count();
  auto submitted = queue_.submit(*job, since);
  if (!submitted) return std::unexpected(submitted.error());
  if (!submitted->created && submitted->record.job.key != submission.key) {
    return make_error(ErrorCode::kConflict, "Idempotency-Key '" + *submission.idempotency_key +
                                                "' was used for function '" +
                                                submitted->record.job.key + "' (job " +
                                                submitted->record.job.id + ")");
  }
  if (submitted->created) {
    count(metrics_.submitted, "api");
    signal_.notify();
  }
  return submitted;
}

Result<state::JobRecord> JobService::get(std::string_view id) {
  if (!is_job_id(id)) return std::unexpected(job_not_found(id));
  auto record = queue_.get(id);
  if (!record) return std::unexpected(record.error());
  if (!*record) return std::unexpected(job_not_found(id));
  return std::move(**record);
}

Result<state::JobPage> JobService::list(const state::JobFilter& filter,
                                        const std::optional<std::string>& cursor, size_t limit) {
  if (cursor && !is_job_id(*cursor)) {
    return make_error(ErrorCode::kInvalidArgument, "bad cursor '" + *cursor + "'");
  }
  return queue_.list(filter, cursor, limit);
}

Result<state::JobRecord> JobService::cancel(std::string_view id) {
  auto current = get(id);
  if (!current) return current;
  if (current->status != state::JobStatus::kQueued) {
    return std::unexpected(wrong_status(id, current->status, kCancelOnlyQueued));
  }
  auto record = queue_.cancel(id, unix_ms_now());
  if (!record) return std::unexpected(record.error());
  if (!*record) return std::unexpected(job_not_found(id));
  if ((*record)->status != state::JobStatus::kCancelled) {
    return std::unexpected(wrong_status(id, (*record)->status, kCancelOnlyQueued));
  }
  return std::move(**record);
}

Result<state::JobRecord> JobService::retry(std::string_view id) {
  auto current = get(id);
  if (!current) return current;
  if (current->status != state::JobStatus::kFailed && current->status != state::JobStatus::kDead) {
    return std::unexpected(wrong_status(id, current->status, kRetryOnlyEnded));
  }
  const int64_t now = unix_ms_now();
  const int64_t max_age_ms = current->job.expires_at_ms - current->job.created_ms;
  auto record = queue_.requeue(id, now, now + std::max<int64_t>(max_age_ms, 1000));
  if (!record) return std::unexpected(record.error());
  if (!*record) return std::unexpected(job_not_found(id));
  if ((*record)->status != state::JobStatus::kQueued) {
    return std::unexpected(wrong_status(id, (*record)->status, kRetryOnlyEnded));
  }
  signal_.notify();
  return std::move(**record);
}

Result<uint64_t> JobService::purge(const state::JobFilter& filter) {
  if (!filter.status || !state::is_final(*filter.status)) {
    return make_error(ErrorCode::kInvalidArgument,
                      "purge removes jobs in a final status: succeeded, failed, dead or cancelled");
  }
  return queue_.purge(filter);
}

}  // namespace wasmfaas::triggers
