#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "state/schedule_table.h"
#include "triggers/cron_expression.h"
#include "triggers/job_service.h"
#include "triggers/time_zone.h"

namespace wasmfaas::triggers {

// A schedule with what GET shows besides its definition: its next fire
// times and its latest fires (with the status of each fire's job).
struct ScheduleView {
  state::ScheduleRecord schedule;
  std::vector<int64_t> next_fires_ms;
  struct Run {
    state::ScheduleFire fire;
    std::optional<state::JobStatus> job_status;
  };
  std::vector<Run> last_runs;
};

// The cron schedules as the API sees them: parses and checks a definition
// (PUT /schedule/{bucket}/{name} body: cron, timezone, function, input,
// overlap, catch_up), computes fire times, pauses, resumes, lists and
// deletes, in the ScheduleTable. Thread-safe.
class ScheduleService {
 public:
  ScheduleService(state::ScheduleTable& table, JobService& jobs);

  // Creates or replaces the schedule from its JSON definition; the next
  // fire is the first tick after now. kInvalidArgument for a bad document,
  // expression or time zone; kNotFound when the function does not exist.
  Result<state::ScheduleRecord> put(std::string_view bucket, std::string_view name,
                                    std::string_view definition);
  Result<ScheduleView> get(std::string_view bucket, std::string_view name, size_t next_count = 5,
                           size_t run_count = 10);
  Result<std::vector<state::ScheduleRecord>> list(std::string_view bucket);
  // kNotFound (schedule_not_found) when there is none.
  Result<void> remove(std::string_view bucket, std::string_view name);
  Result<state::ScheduleRecord> set_paused(std::string_view bucket, std::string_view name,
                                           bool paused);

 private:
  state::ScheduleTable& table_;
  JobService& jobs_;
};

// A schedule's cron expression and time zone, parsed once to walk its
// ticks. A plain value; thread-compatible.
class ScheduleTicks {
 public:
  // nullopt when the expression or the zone does not parse (a stored
  // schedule always does: put() checked it).
  static std::optional<ScheduleTicks> of(std::string_view cron, std::string_view timezone);

  // The first tick strictly after `after_ms`, or nullopt when there is none
  // within the search bound.
  std::optional<int64_t> after(int64_t after_ms) const;

 private:
  ScheduleTicks(CronExpression expression, TimeZone zone)
      : expression_(std::move(expression)), zone_(std::move(zone)) {}

  CronExpression expression_;
  TimeZone zone_;
};

// The first tick of `cron` in `timezone` strictly after `after_ms` (nullopt
// as above, or when either does not parse).
std::optional<int64_t> next_tick(std::string_view cron, std::string_view timezone,
                                 int64_t after_ms);

// kInvalidArgument unless `name` is a schedule name: 1 to 128 of
// A-Z a-z 0-9 . _ -, not starting with '.'.
Result<void> check_schedule_name(std::string_view name);

Error schedule_not_found(std::string_view bucket, std::string_view name);

}  // namespace wasmfaas::triggers
