#include "triggers/schedule_runner.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/time_format.h"
#include "triggers/schedule_service.h"
#include "triggers/unix_time.h"

namespace wasmfaas::triggers {
namespace {

constexpr size_t kDueBatch = 64;
// Ticks walked to find the latest one due after downtime; beyond it the
// schedule restarts from now.
constexpr int kMaxTicksWalked = 10000;
constexpr int64_t kRetentionPeriodMs = 60000;
// Rows removed per statement, so that one cleanup never holds the database
// long.
constexpr size_t kRetentionBatch = 1000;

}  // namespace

ScheduleRunner::ScheduleRunner(state::ScheduleTable& table, JobService& jobs,
                               ScheduleRunnerOptions options, TriggerMetrics metrics,
                               std::shared_ptr<spdlog::logger> log)
    : table_(table), jobs_(jobs), options_(options), metrics_(metrics), log_(std::move(log)) {}

ScheduleRunner::~ScheduleRunner() { stop(); }

void ScheduleRunner::start() {
  thread_ = std::thread([this] { run(); });
}

void ScheduleRunner::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ScheduleRunner::run() {
  std::unique_lock lock(mutex_);
  int64_t retention_checked = 0;
  while (!stopping_) {
    lock.unlock();
    const int64_t now = unix_ms_now();
    const std::optional<int64_t> soon = fire_due(now);
    if (now - retention_checked >= kRetentionPeriodMs) {
      apply_retention(now);
      retention_checked = now;
    }
    // Sleep until the next tick due within the poll interval (so ticks
    // fire on time), or for the interval (schedules other nodes add).
    auto wait = options_.poll_interval;
    if (soon) {
      wait = std::chrono::milliseconds(
          std::clamp<int64_t>(*soon - unix_ms_now(), 0, options_.poll_interval.count()));
    }
    lock.lock();
    wake_.wait_for(lock, wait, [this] { return stopping_; });
  }
}

std::optional<int64_t> ScheduleRunner::fire_due(int64_t now_ms) {
  // One read serves both: what is due now, and the next tick within the
  // poll interval (earliest first).
  auto due = table_.due(now_ms + options_.poll_interval.count(), kDueBatch);
  if (!due) {
    if (log_) {
      log_->error(nlohmann::json{{"time", format_rfc3339(std::chrono::system_clock::now())},
                                 {"level", "error"},
                                 {"type", "schedules"},
                                 {"message", "cannot read due schedules: " + due.error().message}}
                      .dump());
    }
    return std::nullopt;
  }
  for (const state::ScheduleRecord& schedule : *due) {
    if (*schedule.next_fire_ms > now_ms) return schedule.next_fire_ms;
    fire(schedule, now_ms);
  }
  // A full batch may have left due schedules behind: look again at once.
  if (due->size() == kDueBatch) return now_ms;
  return std::nullopt;
}

void ScheduleRunner::apply_retention(int64_t now_ms) {
  const int64_t before =
      now_ms - std::chrono::duration_cast<std::chrono::milliseconds>(options_.retention).count();
  for (int round = 0; round < 100; ++round) {
    auto removed = jobs_.queue().remove_finished_before(before, kRetentionBatch);
    if (!removed || *removed < kRetentionBatch) break;
  }
  for (int round = 0; round < 100; ++round) {
    auto removed = table_.remove_fires_before(before, kRetentionBatch);
    if (!removed || *removed < kRetentionBatch) break;
  }
}

bool ScheduleRunner::previous_job_active(const state::ScheduleRecord& schedule) {
  auto fires = table_.fires(schedule.bucket, schedule.name, 1);
  if (!fires || fires->empty() || !fires->front().job_id) return false;
  auto job = jobs_.queue().get(*fires->front().job_id);
  if (!job || !*job) return false;
  return (*job)->status == state::JobStatus::kQueued ||
         (*job)->status == state::JobStatus::kRunning;
}

void ScheduleRunner::fire(const state::ScheduleRecord& schedule, int64_t now_ms) {
  const int64_t expected = *schedule.next_fire_ms;
  const auto ticks = ScheduleTicks::of(schedule.cron, schedule.timezone);
  // The latest tick at or before now, and how many were passed over.
  int64_t latest = expected;
  int passed_over = 0;
  std::optional<int64_t> next = ticks ? ticks->after(latest) : std::nullopt;
  while (next && *next <= now_ms && passed_over < kMaxTicksWalked) {
    latest = *next;
    ++passed_over;
    next = ticks->after(latest);
  }
  if (next && *next <= now_ms) next = ticks->after(now_ms);
  const bool late = passed_over > 0 || now_ms - latest > options_.late_after.count();

  state::ScheduleFire record;
  record.fire_ms = latest;
  record.recorded_ms = now_ms;
  std::optional<state::NewJob> job;
  if (late && !schedule.catch_up) {
    record.outcome = "missed";
  } else if (!schedule.allow_overlap && previous_job_active(schedule)) {
    record.outcome = "skipped";
  } else {
    JobSubmission submission{schedule.bucket, schedule.function};
    submission.input = schedule.input;
    submission.source = "schedule:" + schedule.name;
    auto prepared = jobs_.prepare(submission, now_ms);
    if (prepared) {
      // The tick's time is when the job is due, so that its start delay
      // counts from the tick.
      prepared->run_at_ms = latest;
      record.outcome = "submitted";
      record.job_id = prepared->id;
      job = std::move(*prepared);
    } else {
      record.outcome = "failed";
    }
  }
  auto fired = table_.fire(schedule.bucket, schedule.name, expected, next, record, job);
  if (!fired || !*fired) return;  // another node fired it, or the schedule changed
  count(metrics_.schedule_fires, record.outcome);
  if (passed_over > 0 && metrics_.schedule_fires) {
    metrics_.schedule_fires->with({"missed"}).add(static_cast<uint64_t>(passed_over));
  }
  if (job) {
    count(metrics_.submitted, "schedule");
    jobs_.signal().notify();
  }
}

}  // namespace wasmfaas::triggers
