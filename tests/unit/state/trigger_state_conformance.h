#pragma once
// The conformance suite of the state database's async jobs (JobQueue) and
// cron schedules (ScheduleTable), run against every backend:
// job_queue_conformance_test.cpp and job_queue_conformance_ends_test.cpp
// (each method's contract), job_queue_conformance_nodes_test.cpp (threads,
// nodes, reopening, migration, kill -9) and
// schedule_table_conformance_test.cpp. Times are
// made up (milliseconds from kT0): every method takes its "now".

#include <cstdio>
#include <string>
#include <vector>

#include "unit/state/state_database_conformance.h"

namespace wasmfaas::state {

// The backends both suites are instantiated for.
inline auto trigger_state_backends() {
  return ::testing::Values(sqlite_backend(), postgres_backend());
}

inline std::string backend_name(const ::testing::TestParamInfo<StateBackend>& info) {
  return info.param.name;
}

class JobQueueConformance : public StateDatabaseConformance {
 protected:
  JobQueue& jobs() { return db().jobs(); }

  // The job queues of this test's first node and of a second one on the
  // same database.
  std::vector<JobQueue*> two_nodes() {
    auto second = database_->open();
    EXPECT_TRUE(second.has_value()) << second.error().message;
    if (!second) return {&jobs()};
    nodes_.push_back(std::move(*second));
    return {&jobs(), &nodes_.back()->jobs()};
  }

  std::vector<std::unique_ptr<StateDatabase>> nodes_;  // more nodes
};

class ScheduleTableConformance : public StateDatabaseConformance {
 protected:
  ScheduleTable& schedules() { return db().schedules(); }
};

inline constexpr int64_t kT0 = 1'767'225'600'000;  // 2026-01-01T00:00:00Z
inline constexpr int64_t kDay = 86'400'000;

// "job-00042": ids in submission order, as triggers::new_job_id's are.
inline std::string job_id(int number) {
  char id[32];
  std::snprintf(id, sizeof id, "job-%05d", number);
  return id;
}

// A plain job of `bucket`/`key` created and due at `created_ms`.
inline NewJob make_job(const std::string& id, int64_t created_ms = kT0,
                       const std::string& bucket = "bucket-a", const std::string& key = "fn") {
  NewJob job;
  job.id = id;
  job.bucket = bucket;
  job.key = key;
  job.input = "{\"id\":\"" + id + "\"}";
  job.created_ms = created_ms;
  job.run_at_ms = created_ms;
  job.expires_at_ms = created_ms + kDay;
  return job;
}

// Submits `job` (no idempotency window matters) and returns it as stored.
inline JobRecord submit_job(JobQueue& jobs, const NewJob& job) {
  auto submitted = jobs.submit(job, job.created_ms);
  EXPECT_TRUE(submitted.has_value()) << submitted.error().message;
  if (!submitted) return {};
  EXPECT_TRUE(submitted->created);
  return submitted->record;
}

inline JobRecord get_job(JobQueue& jobs, const std::string& id) {
  auto found = jobs.get(id);
  EXPECT_TRUE(found.has_value()) << found.error().message;
  if (!found || !*found) {
    ADD_FAILURE() << "no job " << id;
    return {};
  }
  return **found;
}

inline std::vector<std::string> ids_of(const std::vector<JobRecord>& records) {
  std::vector<std::string> ids;
  for (const auto& record : records) ids.push_back(record.job.id);
  return ids;
}

// Every job matching `filter`, listed `limit` at a time, following cursors.
inline std::vector<std::string> list_all(JobQueue& jobs, const JobFilter& filter, size_t limit) {
  std::vector<std::string> ids;
  std::optional<std::string> cursor;
  for (int page_number = 0; page_number < 1000; ++page_number) {
    auto page = jobs.list(filter, cursor, limit);
    EXPECT_TRUE(page.has_value()) << page.error().message;
    if (!page) break;
    EXPECT_LE(page->jobs.size(), limit);
    for (const auto& record : page->jobs) ids.push_back(record.job.id);
    if (!page->next_cursor) break;
    cursor = page->next_cursor;
  }
  return ids;
}

inline Lease lease_for(const std::string& owner, int64_t now_ms, int64_t until_ms) {
  return Lease{.owner = owner, .now_ms = now_ms, .until_ms = until_ms};
}

inline AttemptOutcome outcome(JobStatus status, int64_t now_ms) {
  AttemptOutcome result;
  result.status = status;
  result.now_ms = now_ms;
  return result;
}

// A schedule of `bucket` due every minute from kT0.
inline ScheduleRecord make_schedule(const std::string& name,
                                    const std::string& bucket = "bucket-a") {
  ScheduleRecord schedule;
  schedule.bucket = bucket;
  schedule.name = name;
  schedule.cron = "* * * * *";
  schedule.timezone = "UTC";
  schedule.function = "fn";
  schedule.input = "{\"schedule\":\"" + name + "\"}";
  schedule.created_ms = kT0 - kDay;
  schedule.updated_ms = kT0 - kDay;
  schedule.next_fire_ms = kT0;
  return schedule;
}

inline ScheduleFire submitted_fire(int64_t fire_ms, const std::string& job) {
  return ScheduleFire{
      .fire_ms = fire_ms, .outcome = "submitted", .job_id = job, .recorded_ms = fire_ms + 5};
}

}  // namespace wasmfaas::state
