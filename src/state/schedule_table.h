#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "state/job_queue.h"

namespace wasmfaas::state {

// A cron schedule of a bucket: at each tick of `cron` in `timezone` it
// submits an async job running `function` on `input`. Times in ms since
// the Unix epoch. A plain value.
struct ScheduleRecord {
  std::string bucket;
  std::string name;
  std::string cron;
  std::string timezone;
  std::string function;
  std::string input;
  // Whether a tick submits a job while the previous tick's job is still
  // queued or running (false: the tick is skipped).
  bool allow_overlap = false;
  // After downtime: whether the latest missed tick is fired late (true) or
  // only recorded as missed (false).
  bool catch_up = false;
  bool paused = false;
  int64_t created_ms = 0;
  int64_t updated_ms = 0;
  // The next tick to fire; nullopt when paused or when there is none.
  std::optional<int64_t> next_fire_ms;
};

// One tick of a schedule, as recorded (once, by whichever node fired it).
struct ScheduleFire {
  int64_t fire_ms = 0;
  // "submitted" (job_id set), "skipped" (overlap), "missed" (downtime) or
  // "failed" (the job could not be made: its function is gone).
  std::string outcome;
  std::optional<std::string> job_id;
  int64_t recorded_ms = 0;
};

// The cron schedules and their firing records, in the state database,
// shared by every node that opens it. Each tick is recorded at most once
// (a unique (bucket, name, fire time) row): however many nodes try to fire
// it, one succeeds. Every method is one atomic, durable step.
// Thread-safe: any number of threads and nodes may call at once.
class ScheduleTable {
 public:
  virtual ~ScheduleTable() = default;

  // Creates or replaces the schedule (bucket, name), keeping created_ms of
  // one it replaces and its fire records.
  virtual Result<void> put(const ScheduleRecord& schedule) = 0;

  virtual Result<std::optional<ScheduleRecord>> get(std::string_view bucket,
                                                    std::string_view name) = 0;

  // Every schedule of `bucket` by name.
  virtual Result<std::vector<ScheduleRecord>> list(std::string_view bucket) = 0;

  // Removes the schedule and its fire records; false when there was none.
  virtual Result<bool> remove(std::string_view bucket, std::string_view name) = 0;

  // Pauses (next_fire_ms cleared) or resumes (next_fire_ms set) it; the
  // schedule afterwards, or nullopt when there is none.
  virtual Result<std::optional<ScheduleRecord>> set_paused(std::string_view bucket,
                                                           std::string_view name, bool paused,
                                                           std::optional<int64_t> next_fire_ms,
                                                           int64_t now_ms) = 0;

  // Up to `limit` schedules not paused whose next_fire_ms <= now, earliest
  // first.
  virtual Result<std::vector<ScheduleRecord>> due(int64_t now_ms, size_t limit) = 0;

  // Fires the tick `fire.fire_ms` of (bucket, name), in one transaction:
  // records `fire`, submits `job` when given (fire.job_id is its id), and
  // moves next_fire_ms to `next_fire_ms`. Only when the schedule still
  // exists with next_fire_ms == `expected_next_ms` and the tick is not
  // recorded yet; otherwise (another node fired it, or the schedule
  // changed) returns false and changes nothing.
  virtual Result<bool> fire(std::string_view bucket, std::string_view name,
                            int64_t expected_next_ms, std::optional<int64_t> next_fire_ms,
                            const ScheduleFire& fire, const std::optional<NewJob>& job) = 0;

  // The `limit` latest fires of (bucket, name), newest first.
  virtual Result<std::vector<ScheduleFire>> fires(std::string_view bucket, std::string_view name,
                                                  size_t limit) = 0;

  // Removes fire records older than `before_ms` (retention); how many.
  virtual Result<uint64_t> remove_fires_before(int64_t before_ms, size_t limit) = 0;

  // Removes every schedule of `bucket`.
  virtual Result<void> remove_bucket(std::string_view bucket) = 0;
};

}  // namespace wasmfaas::state
