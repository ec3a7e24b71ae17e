#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "state/schedule_table.h"
#include "triggers/job_service.h"
#include "triggers/trigger_metrics.h"

namespace spdlog {
class logger;
}

namespace wasmfaas::triggers {

struct ScheduleRunnerOptions {
  // How often the runner looks for due ticks: a tick fires at most this
  // late when the node is idle.
  std::chrono::milliseconds poll_interval{200};
  // A tick found later than this after its time counts as missed (the
  // nodes were down): only the latest missed tick fires, and only for a
  // schedule with catch_up.
  std::chrono::milliseconds late_after{60000};
  // Jobs in a final status and fire records are kept this long, then
  // removed (the runner checks every minute).
  std::chrono::seconds retention{72 * 60 * 60};
};

// Fires due schedule ticks on this node: each tick, once across every node
// sharing the database (ScheduleTable::fire), becomes an async job of the
// schedule's function, or is recorded as skipped (its previous job still
// queued or running and overlap "skip"), missed (found too late) or failed
// (its function no longer exists). It also removes finished jobs and fire
// records past their retention. Start once, stop once; thread-safe.
class ScheduleRunner {
 public:
  ScheduleRunner(state::ScheduleTable& table, JobService& jobs, ScheduleRunnerOptions options,
                 TriggerMetrics metrics = {}, std::shared_ptr<spdlog::logger> log = nullptr);
  ~ScheduleRunner();  // stop()
  ScheduleRunner(const ScheduleRunner&) = delete;
  ScheduleRunner& operator=(const ScheduleRunner&) = delete;

  void start();
  void stop();

  // Fires what is due at `now_ms` (the runner's loop calls it; tests too),
  // and returns the next tick not yet due within the poll interval.
  std::optional<int64_t> fire_due(int64_t now_ms);
  // Removes finished jobs and fire records older than the retention.
  void apply_retention(int64_t now_ms);

 private:
  void run();
  void fire(const state::ScheduleRecord& schedule, int64_t now_ms);
  bool previous_job_active(const state::ScheduleRecord& schedule);

  state::ScheduleTable& table_;
  JobService& jobs_;
  const ScheduleRunnerOptions options_;
  const TriggerMetrics metrics_;
  const std::shared_ptr<spdlog::logger> log_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace wasmfaas::triggers
