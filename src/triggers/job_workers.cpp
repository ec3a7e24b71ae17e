#include "triggers/job_workers.h"

#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <nlohmann/json.hpp>
#include <random>

#include "api/exec_reporter.h"
#include "common/time_format.h"
#include "triggers/retry_policy.h"
#include "triggers/unix_time.h"

namespace wasmfaas::triggers {
namespace {

constexpr int kLowPriorityNice = 10;

double unit_random() {
  thread_local std::mt19937_64 generator{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(generator);
}

int64_t milliseconds(std::chrono::milliseconds duration) { return duration.count(); }

// The job's error fields from `error`: the API's error name and message.
void set_error(state::AttemptOutcome& outcome, const Error& error) {
  outcome.error_code = std::string(error_name(error));
  outcome.error_message = error.message;
}

std::string attempt_outcome_label(state::JobStatus status) {
  switch (status) {
    case state::JobStatus::kSucceeded: return "succeeded";
    case state::JobStatus::kQueued: return "retried";
    case state::JobStatus::kFailed: return "failed";
    default: return "dead";
  }
}

}  // namespace

JobWorkers::JobWorkers(state::JobQueue& queue, api::ExecutionService& execution,
                       const CallbackSender* callbacks, JobSignal& signal,
                       JobWorkerOptions options, TriggerMetrics metrics,
                       std::shared_ptr<spdlog::logger> log)
    : queue_(queue),
      execution_(execution),
      callbacks_(callbacks),
      signal_(signal),
      options_(std::move(options)),
      metrics_(metrics),
      log_(std::move(log)) {}

JobWorkers::~JobWorkers() { stop(); }

void JobWorkers::start() {
  for (size_t i = 0; i < options_.workers; ++i) workers_.emplace_back([this] { work(); });
  if (options_.workers > 0) services_.emplace_back([this] { renew_leases(); });
  services_.emplace_back([this] { send_callbacks(); });
}

void JobWorkers::stop_taking_jobs() {
  taking_jobs_.store(false);
  signal_.notify();
}

void JobWorkers::stop() {
  stop_taking_jobs();
  // The workers finish their attempts while the renewer keeps their leases.
  for (std::thread& thread : workers_) thread.join();
  workers_.clear();
  if (stopping_.exchange(true)) return;
  signal_.notify();
  for (std::thread& thread : services_) thread.join();
  services_.clear();
}

size_t JobWorkers::running() const {
  std::lock_guard lock(running_mutex_);
  return running_.size();
}

void JobWorkers::idle(uint64_t seen, std::chrono::milliseconds timeout) {
  if (stopping_ || !taking_jobs_) return;
  signal_.wait_for(seen, timeout);
}

void JobWorkers::log_error(std::string_view what, const Error& error) {
  if (!log_) return;
  log_->error(nlohmann::json{{"time", format_rfc3339(std::chrono::system_clock::now())},
                             {"level", "error"},
                             {"type", "job_queue"},
                             {"message", std::string(what) + ": " + error.message}}
                  .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

void JobWorkers::work() {
  if (options_.low_priority) {
    // Linux gives each thread its own nice value.
    setpriority(PRIO_PROCESS, static_cast<id_t>(gettid()), kLowPriorityNice);
  }
  while (taking_jobs_) {
    const uint64_t seen = signal_.generation();
    const int64_t now = unix_ms_now();
    const int64_t lease_ms = milliseconds(options_.lease);
    auto leased = queue_.lease({options_.node_id, now, now + lease_ms}, 1);
    if (!leased) {
      log_error("cannot lease jobs", leased.error());
      idle(seen, options_.poll_interval * 10);
      continue;
    }
    if (leased->empty()) {
      idle(seen, options_.poll_interval);
      continue;
    }
    for (const state::JobRecord& record : *leased) run_attempt(record);
  }
}

void JobWorkers::run_attempt(const state::JobRecord& record) {
  const state::NewJob& job = record.job;
  const int64_t started = record.started_ms.value_or(unix_ms_now());
  if (metrics_.start_delay) {
    metrics_.start_delay->with({}).observe(
        static_cast<double>(std::max<int64_t>(started - job.run_at_ms, 0)) / 1000.0);
  }
  state::AttemptOutcome outcome;
  if (record.attempts > job.max_attempts || started > job.expires_at_ms) {
    // Its last attempt's node stopped (the lease ran out), or it waited
    // past its age: nothing more runs.
    outcome.status = state::JobStatus::kDead;
    outcome.now_ms = unix_ms_now();
    outcome.error_code = record.error_code;
    outcome.error_message =
        record.attempts > job.max_attempts
            ? "attempt " + std::to_string(record.attempts - 1) +
                  " was lost (its node stopped) and no attempts are left"
            : "the job passed its max age before attempt " + std::to_string(record.attempts);
  } else {
    {
      std::lock_guard lock(running_mutex_);
      running_.insert(job.id);
    }
    api::ExecContext context;
    context.request_id = job.id;
    context.job_id = job.id;
    context.job_attempt = record.attempts;
    api::Execution execution = execution_.exec(job.bucket, job.key, job.version, job.input, context);
    {
      std::lock_guard lock(running_mutex_);
      running_.erase(job.id);
    }
    outcome = outcome_of(record, execution, unix_ms_now());
  }
  auto finished = queue_.finish(job.id, options_.node_id, record.attempts, outcome);
  if (!finished) {
    // The lease runs out and another worker runs the attempt again.
    log_error("cannot record the outcome of job " + job.id, finished.error());
    return;
  }
  count(metrics_.attempts, *finished ? attempt_outcome_label(outcome.status) : "lease_lost");
  if (*finished && job.callback_url && state::is_final(outcome.status)) signal_.notify();
}

state::AttemptOutcome JobWorkers::outcome_of(const state::JobRecord& record,
                                             api::Execution& execution, int64_t now_ms) {
  const state::NewJob& job = record.job;
  state::AttemptOutcome outcome;
  outcome.now_ms = now_ms;
  if (!execution.version_id.empty()) outcome.version_ran = execution.version_id;
  if (execution.output && execution.output->size() > options_.max_output_bytes) {
    execution.output = make_error(
        ErrorCode::kBadOutput,
        "the output of " + std::to_string(execution.output->size()) +
            " bytes is larger than the " + std::to_string(options_.max_output_bytes) +
            " bytes a job keeps",
        reason::kOutputTooLarge);
  }
  if (execution.output) {
    outcome.status = state::JobStatus::kSucceeded;
    outcome.output = std::move(*execution.output);
    return outcome;
  }
  const Error& error = execution.output.error();
  set_error(outcome, error);
  if (!is_retried(error)) {
    outcome.status = state::JobStatus::kFailed;
    return outcome;
  }
  const auto delay = retry_delay(std::chrono::milliseconds(job.backoff_initial_ms),
                                 std::chrono::milliseconds(job.backoff_max_ms), record.attempts,
                                 unit_random());
  const int64_t run_at = now_ms + delay.count();
  if (record.attempts >= job.max_attempts || run_at > job.expires_at_ms) {
    outcome.status = state::JobStatus::kDead;
    return outcome;
  }
  outcome.status = state::JobStatus::kQueued;
  outcome.run_at_ms = run_at;
  return outcome;
}

void JobWorkers::renew_leases() {
  const auto period = options_.lease / 3;
  while (!stopping_) {
    // Not idle(): leases are renewed until stop(), after the workers end.
    const uint64_t seen = signal_.generation();
    if (!stopping_) signal_.wait_for(seen, period);
    std::vector<std::string> ids;
    {
      std::lock_guard lock(running_mutex_);
      ids.assign(running_.begin(), running_.end());
    }
    if (ids.empty()) continue;
    auto lost = queue_.renew(options_.node_id, ids, unix_ms_now() + milliseconds(options_.lease));
    if (!lost) log_error("cannot renew job leases", lost.error());
  }
}

void JobWorkers::send_callbacks() {
  while (taking_jobs_) {
    const uint64_t seen = signal_.generation();
    const int64_t now = unix_ms_now();
    auto leased = queue_.lease_callbacks(
        {options_.node_id, now, now + milliseconds(options_.lease)}, 8);
    if (!leased) {
      log_error("cannot lease callbacks", leased.error());
      idle(seen, options_.poll_interval * 10);
      continue;
    }
    if (leased->empty()) {
      idle(seen, options_.poll_interval * 4);
      continue;
    }
    for (const state::JobRecord& record : *leased) deliver_callback(record);
  }
}

void JobWorkers::deliver_callback(const state::JobRecord& record) {
  state::CallbackOutcome outcome;
  const std::string& url = *record.job.callback_url;
  const int64_t duration =
      record.finished_ms && record.started_ms ? *record.finished_ms - *record.started_ms : 0;
  std::vector<std::pair<std::string, std::string>> headers = {
      {"X-Wasmfaas-Job-Id", record.job.id},
      {"X-Wasmfaas-Job-Status", std::string(state::job_status_name(record.status))},
      {"X-Wasmfaas-Job-Attempts", std::to_string(record.attempts)},
      {"X-Wasmfaas-Job-Duration-Ms", std::to_string(duration)},
      {"X-Wasmfaas-Function", record.job.bucket + "/" + record.job.key}};
  std::string body;
  if (record.status == state::JobStatus::kSucceeded) {
    body = record.output.value_or("");
    headers.emplace_back("Content-Type", "application/octet-stream");
  } else {
    body = nlohmann::json{{"error", record.error_message.value_or("")},
                          {"code", record.error_code.value_or("")}}
               .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    headers.emplace_back("Content-Type", "application/json");
  }
  CallbackAttempt attempt = callbacks_
                                ? callbacks_->send(url, headers, body)
                                : CallbackAttempt{false, false, std::nullopt,
                                                  "callbacks are off on this node"};
  outcome.result = attempt.status ? "HTTP " + std::to_string(*attempt.status) + " " + attempt.detail
                                  : attempt.detail;
  if (attempt.delivered) {
    outcome.state = state::CallbackState::kDelivered;
    count(metrics_.callbacks, "delivered");
  } else if (attempt.retryable && record.callback_attempts < options_.callback_attempts) {
    outcome.state = state::CallbackState::kPending;
    outcome.due_ms = unix_ms_now() + retry_delay(options_.callback_initial, options_.callback_max,
                                                 record.callback_attempts, unit_random())
                                         .count();
    count(metrics_.callbacks, "retried");
  } else {
    outcome.state = state::CallbackState::kFailed;
    count(metrics_.callbacks, "failed");
  }
  if (auto recorded = queue_.finish_callback(record.job.id, options_.node_id, outcome);
      !recorded) {
    log_error("cannot record the callback of job " + record.job.id, recorded.error());
  }
}

}  // namespace wasmfaas::triggers
