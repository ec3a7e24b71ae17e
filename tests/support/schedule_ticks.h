#pragma once
// Test support: checks that a schedule fired every tick exactly once and
// that each tick's job succeeded, read from the state database the nodes
// share.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "state/state_database.h"

namespace wasmfaas::testing {

// The fires of schedule `bucket`/`name`, oldest first. Expects: the first
// at `first_tick`, one every `period_ms` (none twice, none missed), the
// last within `period_ms` * 2 before `paused_at` (the last may have been
// due just as the schedule was paused); each submitted a job that ended
// succeeded with `expected_output(job id)`, from source "schedule:<name>";
// no other job of the schedule exists. Waits up to 30 s for the last jobs.
template <typename ExpectedOutput>
std::vector<state::ScheduleFire> expect_every_tick_fired_once(
    state::StateDatabase& observer, const std::string& bucket, const std::string& name,
    int64_t period_ms, int64_t first_tick, int64_t paused_at, ExpectedOutput expected_output) {
  auto fires = observer.schedules().fires(bucket, name, 10000);
  EXPECT_TRUE(fires) << fires.error().message;
  if (!fires) return {};
  std::vector<state::ScheduleFire> ticks(fires->rbegin(), fires->rend());  // oldest first
  EXPECT_FALSE(ticks.empty());
  if (ticks.empty()) return ticks;
  EXPECT_EQ(ticks.front().fire_ms, first_tick);
  EXPECT_GE(ticks.back().fire_ms, paused_at - 2 * period_ms);
  EXPECT_LE(ticks.back().fire_ms, paused_at);
  std::set<int64_t> times;
  for (size_t i = 0; i < ticks.size(); ++i) {
    const state::ScheduleFire& tick = ticks[i];
    EXPECT_TRUE(times.insert(tick.fire_ms).second) << "tick " << tick.fire_ms << " fired twice";
    if (i > 0) {
      EXPECT_EQ(tick.fire_ms - ticks[i - 1].fire_ms, period_ms)
          << "after tick " << ticks[i - 1].fire_ms;
    }
    EXPECT_EQ(tick.outcome, "submitted") << tick.fire_ms;
    EXPECT_TRUE(tick.job_id.has_value()) << tick.fire_ms;
  }

  // Each tick's job succeeded (wait for the last ones).
  state::JobQueue& queue = observer.jobs();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  std::set<std::string> tick_jobs;
  for (const state::ScheduleFire& tick : ticks) {
    if (!tick.job_id) continue;
    tick_jobs.insert(*tick.job_id);
    std::optional<state::JobRecord> job;
    for (;;) {
      auto got = queue.get(*tick.job_id);
      EXPECT_TRUE(got) << got.error().message;
      if (!got) return ticks;
      job = *got;
      if (!job || state::is_final(job->status) || std::chrono::steady_clock::now() > deadline) {
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_TRUE(job.has_value()) << "tick " << tick.fire_ms << ": no job " << *tick.job_id;
    if (!job) continue;
    EXPECT_EQ(state::job_status_name(job->status), "succeeded") << "tick " << tick.fire_ms;
    EXPECT_EQ(job->job.source, "schedule:" + name);
    EXPECT_EQ(job->job.run_at_ms, tick.fire_ms);
    EXPECT_EQ(job->output.value_or(""), expected_output(*tick.job_id));
  }
  // No job the schedule made is without its tick.
  size_t schedule_jobs = 0;
  std::optional<std::string> cursor;
  for (;;) {
    auto page = queue.list({.bucket = bucket}, cursor, 1000);
    EXPECT_TRUE(page) << page.error().message;
    if (!page) break;
    for (const state::JobRecord& job : page->jobs) {
      if (job.job.source != "schedule:" + name) continue;
      ++schedule_jobs;
      EXPECT_TRUE(tick_jobs.contains(job.job.id)) << "job " << job.job.id << " of no tick";
    }
    if (!page->next_cursor) break;
    cursor = page->next_cursor;
  }
  EXPECT_EQ(schedule_jobs, ticks.size());
  return ticks;
}

// The longest time from a tick's due time to its fire record.
inline int64_t latest_fire_ms(const std::vector<state::ScheduleFire>& ticks) {
  int64_t latest = 0;
  for (const state::ScheduleFire& tick : ticks) {
    latest = std::max(latest, tick.recorded_ms - tick.fire_ms);
  }
  return latest;
}

}  // namespace wasmfaas::testing
