// The schedule table's conformance suite: each method's contract, ticks
// fired once by many threads and nodes, and reopening. Instantiated here for
// trigger_state_backends().
#include <atomic>
#include <map>
#include <thread>

#include "unit/state/trigger_state_conformance.h"

namespace wasmfaas::state {
namespace {

INSTANTIATE_TEST_SUITE_P(Backends, ScheduleTableConformance, trigger_state_backends(),
                         backend_name);

constexpr int64_t kMinute = 60'000;

void expect_same_schedule(const ScheduleRecord& stored, const ScheduleRecord& put) {
  EXPECT_EQ(stored.bucket, put.bucket);
  EXPECT_EQ(stored.name, put.name);
  EXPECT_EQ(stored.cron, put.cron);
  EXPECT_EQ(stored.timezone, put.timezone);
  EXPECT_EQ(stored.function, put.function);
  EXPECT_EQ(stored.input, put.input);
  EXPECT_EQ(stored.allow_overlap, put.allow_overlap);
  EXPECT_EQ(stored.catch_up, put.catch_up);
  EXPECT_EQ(stored.paused, put.paused);
  EXPECT_EQ(stored.created_ms, put.created_ms);
  EXPECT_EQ(stored.updated_ms, put.updated_ms);
  EXPECT_EQ(stored.next_fire_ms, put.next_fire_ms);
}

std::vector<std::string> names_of(const std::vector<ScheduleRecord>& schedules) {
  std::vector<std::string> names;
  for (const auto& schedule : schedules) names.push_back(schedule.name);
  return names;
}

ScheduleRecord get_schedule(ScheduleTable& schedules, const std::string& bucket,
                            const std::string& name) {
  auto found = schedules.get(bucket, name);
  EXPECT_TRUE(found.has_value()) << found.error().message;
  if (!found || !*found) {
    ADD_FAILURE() << "no schedule " << bucket << "/" << name;
    return {};
  }
  return **found;
}

TEST_P(ScheduleTableConformance, PutGetAndListSchedules) {
  ScheduleRecord full = make_schedule("nightly");
  full.cron = "0 3 * * 1-5";
  full.timezone = "Europe/Berlin";
  full.function = "reports/build";
  full.input = std::string("{\"a\":1}\0\xff", 9);
  full.allow_overlap = true;
  full.catch_up = true;
  ASSERT_TRUE(schedules().put(full).has_value());
  expect_same_schedule(get_schedule(schedules(), "bucket-a", "nightly"), full);

  ScheduleRecord paused = make_schedule("paused");
  paused.paused = true;
  paused.next_fire_ms = std::nullopt;
  ASSERT_TRUE(schedules().put(paused).has_value());
  expect_same_schedule(get_schedule(schedules(), "bucket-a", "paused"), paused);

  for (const auto& name : {"b", "a-z", "Z", "é"}) {
    ASSERT_TRUE(schedules().put(make_schedule(name)).has_value());
  }
  ASSERT_TRUE(schedules().put(make_schedule("other", "bucket-b")).has_value());
  const auto listed = schedules().list("bucket-a").value();
  EXPECT_EQ(names_of(listed),
            (std::vector<std::string>{"Z", "a-z", "b", "nightly", "paused", "é"}));  // bytewise
  expect_same_schedule(listed[3], full);
  EXPECT_EQ(names_of(schedules().list("bucket-b").value()), std::vector<std::string>{"other"});
  EXPECT_TRUE(schedules().list("bucket-none").value().empty());
  EXPECT_EQ(schedules().get("bucket-a", "missing").value(), std::nullopt);
  EXPECT_EQ(schedules().get("bucket-b", "nightly").value(), std::nullopt);
}

TEST_P(ScheduleTableConformance, PutReplacesAScheduleKeepingItsCreationAndFires) {
  ScheduleRecord first = make_schedule("job");
  ASSERT_TRUE(schedules().put(first).has_value());
  ASSERT_TRUE(schedules()
                  .fire("bucket-a", "job", kT0, kT0 + kMinute, submitted_fire(kT0, "j1"), {})
                  .value());

  ScheduleRecord replacement = make_schedule("job");
  replacement.cron = "*/5 * * * *";
  replacement.input = "new input";
  replacement.created_ms = kT0 + 10;  // ignored: the schedule exists
  replacement.updated_ms = kT0 + 10;
  replacement.next_fire_ms = kT0 + 5 * kMinute;
  replacement.allow_overlap = true;
  ASSERT_TRUE(schedules().put(replacement).has_value());

  ScheduleRecord expected = replacement;
  expected.created_ms = first.created_ms;
  expect_same_schedule(get_schedule(schedules(), "bucket-a", "job"), expected);
  EXPECT_EQ(schedules().fires("bucket-a", "job", 10).value().size(), 1u);
  EXPECT_EQ(schedules().list("bucket-a").value().size(), 1u);
}

TEST_P(ScheduleTableConformance, RemoveDeletesTheScheduleAndItsFires) {
  ASSERT_TRUE(schedules().put(make_schedule("job")).has_value());
  ASSERT_TRUE(schedules().put(make_schedule("kept")).has_value());
  ASSERT_TRUE(schedules()
                  .fire("bucket-a", "job", kT0, kT0 + kMinute, submitted_fire(kT0, "j1"), {})
                  .value());
  ASSERT_TRUE(schedules()
                  .fire("bucket-a", "kept", kT0, kT0 + kMinute, submitted_fire(kT0, "j2"), {})
                  .value());

  EXPECT_TRUE(schedules().remove("bucket-a", "job").value());
  EXPECT_EQ(schedules().get("bucket-a", "job").value(), std::nullopt);
  EXPECT_FALSE(schedules().remove("bucket-a", "job").value());
  EXPECT_FALSE(schedules().remove("bucket-b", "kept").value());
  EXPECT_TRUE(schedules().fires("bucket-a", "job", 10).value().empty());
  EXPECT_EQ(schedules().fires("bucket-a", "kept", 10).value().size(), 1u);
  // A schedule of the same name starts without fires: its first tick fires again.
  ASSERT_TRUE(schedules().put(make_schedule("job")).has_value());
  EXPECT_TRUE(schedules().fires("bucket-a", "job", 10).value().empty());
  EXPECT_TRUE(schedules()
                  .fire("bucket-a", "job", kT0, kT0 + kMinute, submitted_fire(kT0, "j3"), {})
                  .value());
}

TEST_P(ScheduleTableConformance, SetPausedPausesAndResumes) {
  ASSERT_TRUE(schedules().put(make_schedule("job")).has_value());
  const auto paused =
      schedules().set_paused("bucket-a", "job", true, std::nullopt, kT0 + 5).value();
  ASSERT_TRUE(paused.has_value());
  EXPECT_TRUE(paused->paused);
  EXPECT_EQ(paused->next_fire_ms, std::nullopt);
  EXPECT_EQ(paused->updated_ms, kT0 + 5);
  EXPECT_EQ(paused->created_ms, make_schedule("job").created_ms);
  expect_same_schedule(get_schedule(schedules(), "bucket-a", "job"), *paused);
  EXPECT_TRUE(schedules().due(kT0 + kDay, 10).value().empty());
  // A paused schedule's tick does not fire.
  EXPECT_FALSE(schedules()
                   .fire("bucket-a", "job", kT0, kT0 + kMinute, submitted_fire(kT0, "j1"), {})
                   .value());

  const auto resumed =
      schedules().set_paused("bucket-a", "job", false, kT0 + 10 * kMinute, kT0 + 20).value();
  ASSERT_TRUE(resumed.has_value());
  EXPECT_FALSE(resumed->paused);
  EXPECT_EQ(resumed->next_fire_ms, kT0 + 10 * kMinute);
  EXPECT_EQ(resumed->updated_ms, kT0 + 20);
  expect_same_schedule(get_schedule(schedules(), "bucket-a", "job"), *resumed);
  EXPECT_EQ(names_of(schedules().due(kT0 + 10 * kMinute, 10).value()),
            std::vector<std::string>{"job"});

  EXPECT_EQ(schedules().set_paused("bucket-a", "missing", true, std::nullopt, kT0).value(),
            std::nullopt);
}

TEST_P(ScheduleTableConformance, DueListsUnpausedSchedulesWhoseTickCameEarliestFirst) {
  const std::map<std::string, std::optional<int64_t>> next = {
      {"a", kT0 + 300}, {"b", kT0 + 100}, {"c", kT0 + 200}, {"d", kT0 + 1000}, {"e", std::nullopt}};
  for (const auto& [name, next_fire] : next) {
    ScheduleRecord schedule = make_schedule(name, name == "c" ? "bucket-b" : "bucket-a");
    schedule.next_fire_ms = next_fire;
    ASSERT_TRUE(schedules().put(schedule).has_value());
  }
  ScheduleRecord paused = make_schedule("paused");
  paused.paused = true;
  paused.next_fire_ms = std::nullopt;
  ASSERT_TRUE(schedules().put(paused).has_value());

  EXPECT_TRUE(schedules().due(kT0 + 99, 10).value().empty());
  EXPECT_EQ(names_of(schedules().due(kT0 + 300, 10).value()),
            (std::vector<std::string>{"b", "c", "a"}));  // next == now is due
  EXPECT_EQ(names_of(schedules().due(kT0 + 300, 2).value()), (std::vector<std::string>{"b", "c"}));
  const auto all = schedules().due(kT0 + kDay, 10).value();
  EXPECT_EQ(names_of(all), (std::vector<std::string>{"b", "c", "a", "d"}));
  EXPECT_EQ(all[1].bucket, "bucket-b");
  EXPECT_EQ(all[1].input, make_schedule("c").input);
}

TEST_P(ScheduleTableConformance, FireRecordsATickOnceAndMovesTheNextTick) {
  ASSERT_TRUE(schedules().put(make_schedule("job")).has_value());
  // The wrong expected tick, or no such schedule: nothing happens.
  EXPECT_FALSE(schedules()
                   .fire("bucket-a", "job", kT0 - 1, kT0 + kMinute, submitted_fire(kT0, "j"), {})
                   .value());
  EXPECT_FALSE(schedules()
                   .fire("bucket-a", "none", kT0, kT0 + kMinute, submitted_fire(kT0, "j"), {})
                   .value());
  EXPECT_FALSE(schedules()
                   .fire("bucket-b", "job", kT0, kT0 + kMinute, submitted_fire(kT0, "j"), {})
                   .value());
  EXPECT_TRUE(schedules().fires("bucket-a", "job", 10).value().empty());
  EXPECT_EQ(get_schedule(schedules(), "bucket-a", "job").next_fire_ms, kT0);

  ASSERT_TRUE(schedules()
                  .fire("bucket-a", "job", kT0, kT0 + kMinute, submitted_fire(kT0, "j1"), {})
                  .value());
  EXPECT_EQ(get_schedule(schedules(), "bucket-a", "job").next_fire_ms, kT0 + kMinute);
  // The same tick again (another node that read the schedule before): false.
  EXPECT_FALSE(schedules()
                   .fire("bucket-a", "job", kT0, kT0 + kMinute, submitted_fire(kT0, "j2"), {})
                   .value());
  // Even when the expected next tick matches, a recorded tick is not fired again.
  ASSERT_TRUE(schedules().set_paused("bucket-a", "job", false, kT0, kT0 + 1).value().has_value());
  EXPECT_FALSE(schedules()
                   .fire("bucket-a", "job", kT0, kT0 + 2 * kMinute, submitted_fire(kT0, "j3"), {})
                   .value());
  EXPECT_EQ(get_schedule(schedules(), "bucket-a", "job").next_fire_ms, kT0);  // unchanged
  const auto recorded = schedules().fires("bucket-a", "job", 10).value();
  ASSERT_EQ(recorded.size(), 1u);
  EXPECT_EQ(recorded[0].fire_ms, kT0);
  EXPECT_EQ(recorded[0].outcome, "submitted");
  EXPECT_EQ(recorded[0].job_id, "j1");
  EXPECT_EQ(recorded[0].recorded_ms, kT0 + 5);

  // A fire may end the schedule's ticks (no next one).
  ASSERT_TRUE(schedules().put(make_schedule("last")).has_value());
  ASSERT_TRUE(schedules()
                  .fire("bucket-a", "last", kT0, std::nullopt, submitted_fire(kT0, "j4"), {})
                  .value());
  EXPECT_EQ(get_schedule(schedules(), "bucket-a", "last").next_fire_ms, std::nullopt);
  EXPECT_EQ(names_of(schedules().due(kT0 + kDay, 10).value()), std::vector<std::string>{"job"});
}

TEST_P(ScheduleTableConformance, FireWithAJobSubmitsItInTheSameStep) {
  ASSERT_TRUE(schedules().put(make_schedule("job")).has_value());
  NewJob job = make_job(job_id(1), kT0 + 3);
  job.source = "schedule:job";
  ASSERT_TRUE(schedules()
                  .fire("bucket-a", "job", kT0, kT0 + kMinute, submitted_fire(kT0, job.id), job)
                  .value());
  const JobRecord stored = get_job(db().jobs(), job.id);
  EXPECT_EQ(stored.status, JobStatus::kQueued);
  EXPECT_EQ(stored.job.source, "schedule:job");
  EXPECT_EQ(stored.job.input, job.input);
  EXPECT_EQ(stored.attempts, 0u);
  EXPECT_EQ(ids_of(db().jobs().lease(lease_for("node", kT0 + 3, kT0 + 100), 5).value()),
            std::vector<std::string>{job.id});
  EXPECT_EQ(schedules().fires("bucket-a", "job", 1).value()[0].job_id, job.id);

  // A fire that does not happen submits nothing.
  NewJob late = make_job(job_id(2), kT0 + 4);
  EXPECT_FALSE(schedules()
                   .fire("bucket-a", "job", kT0, kT0 + kMinute, submitted_fire(kT0, late.id), late)
                   .value());
  EXPECT_FALSE(schedules()  // the expected next tick, but one already recorded
                   .fire("bucket-a", "job", kT0 + kMinute, kT0 + 2 * kMinute,
                         submitted_fire(kT0, late.id), late)
                   .value());
  EXPECT_EQ(db().jobs().get(late.id).value(), std::nullopt);
  EXPECT_EQ(db().jobs().stats(kT0 + kDay).value().queued, 0u);

  // A job that cannot be stored (its id is taken) fails the whole fire.
  NewJob duplicate = make_job(job_id(1), kT0 + kMinute);
  auto failed = schedules().fire("bucket-a", "job", kT0 + kMinute, kT0 + 2 * kMinute,
                                 submitted_fire(kT0 + kMinute, duplicate.id), duplicate);
  EXPECT_FALSE(failed.has_value() && *failed);
  EXPECT_EQ(get_schedule(schedules(), "bucket-a", "job").next_fire_ms, kT0 + kMinute);
  EXPECT_EQ(schedules().fires("bucket-a", "job", 10).value().size(), 1u);
}

TEST_P(ScheduleTableConformance, FiresAreListedNewestFirst) {
  ASSERT_TRUE(schedules().put(make_schedule("job")).has_value());
  ASSERT_TRUE(schedules().put(make_schedule("job", "bucket-b")).has_value());
  ASSERT_TRUE(schedules()
                  .fire("bucket-b", "job", kT0, kT0 + kMinute, submitted_fire(kT0, "b1"), {})
                  .value());
  int64_t next = kT0;
  for (int tick = 0; tick < 5; ++tick) {
    ScheduleFire fire{.fire_ms = next,
                      .outcome = tick == 1   ? "skipped"
                                 : tick == 2 ? "missed"
                                             : "submitted",
                      .job_id = std::nullopt,
                      .recorded_ms = next + 3};
    if (fire.outcome == "submitted") fire.job_id = "j" + std::to_string(tick);
    ASSERT_TRUE(schedules().fire("bucket-a", "job", next, next + kMinute, fire, {}).value());
    next += kMinute;
  }
  const auto latest = schedules().fires("bucket-a", "job", 3).value();
  ASSERT_EQ(latest.size(), 3u);
  EXPECT_EQ(latest[0].fire_ms, kT0 + 4 * kMinute);
  EXPECT_EQ(latest[1].fire_ms, kT0 + 3 * kMinute);
  EXPECT_EQ(latest[2].fire_ms, kT0 + 2 * kMinute);
  EXPECT_EQ(latest[2].outcome, "missed");
  EXPECT_EQ(latest[2].job_id, std::nullopt);
  EXPECT_EQ(latest[2].recorded_ms, kT0 + 2 * kMinute + 3);
  const auto all = schedules().fires("bucket-a", "job", 100).value();
  ASSERT_EQ(all.size(), 5u);
  EXPECT_EQ(all[3].outcome, "skipped");
  EXPECT_EQ(all[4].job_id, "j0");
  EXPECT_TRUE(schedules().fires("bucket-a", "none", 10).value().empty());
}

TEST_P(ScheduleTableConformance, RemoveFiresBeforeRemovesOldRecordsUpToTheLimit) {
  for (const auto& bucket : {"bucket-a", "bucket-b"}) {
    ASSERT_TRUE(schedules().put(make_schedule("job", bucket)).has_value());
    for (int64_t tick = 0; tick < 5; ++tick) {
      const int64_t at = kT0 + tick * kMinute;
      ASSERT_TRUE(
          schedules().fire(bucket, "job", at, at + kMinute, submitted_fire(at, "j"), {}).value());
    }
  }
  // Older than before_ms: fire_ms < before_ms (a fire at before_ms stays).
  EXPECT_EQ(schedules().remove_fires_before(kT0, 100).value(), 0u);
  EXPECT_EQ(schedules().remove_fires_before(kT0 + 2 * kMinute, 3).value(), 3u);
  EXPECT_EQ(schedules().remove_fires_before(kT0 + 2 * kMinute, 3).value(), 1u);
  EXPECT_EQ(schedules().remove_fires_before(kT0 + 2 * kMinute, 3).value(), 0u);
  for (const auto& bucket : {"bucket-a", "bucket-b"}) {
    const auto left = schedules().fires(bucket, "job", 10).value();
    ASSERT_EQ(left.size(), 3u);
    EXPECT_EQ(left.back().fire_ms, kT0 + 2 * kMinute);
  }
  // The schedule itself stays.
  EXPECT_EQ(get_schedule(schedules(), "bucket-a", "job").next_fire_ms, kT0 + 5 * kMinute);
}

TEST_P(ScheduleTableConformance, RemoveBucketRemovesItsSchedulesAndFiresOnly) {
  for (const auto& bucket : {"bucket-a", "bucket-b"}) {
    for (const auto& name : {"one", "two"}) {
      ASSERT_TRUE(schedules().put(make_schedule(name, bucket)).has_value());
      ASSERT_TRUE(
          schedules().fire(bucket, name, kT0, kT0 + kMinute, submitted_fire(kT0, "j"), {}).value());
    }
  }
  ASSERT_TRUE(schedules().remove_bucket("bucket-a").has_value());
  EXPECT_TRUE(schedules().list("bucket-a").value().empty());
  EXPECT_TRUE(schedules().fires("bucket-a", "one", 10).value().empty());
  EXPECT_EQ(schedules().list("bucket-b").value().size(), 2u);
  EXPECT_EQ(schedules().fires("bucket-b", "one", 10).value().size(), 1u);
  EXPECT_EQ(names_of(schedules().due(kT0 + kMinute, 10).value()),
            (std::vector<std::string>{"one", "two"}));
  EXPECT_TRUE(schedules().remove_bucket("bucket-none").has_value());
  // The same names start afresh.
  ASSERT_TRUE(schedules().put(make_schedule("one")).has_value());
  EXPECT_TRUE(schedules()
                  .fire("bucket-a", "one", kT0, kT0 + kMinute, submitted_fire(kT0, "j"), {})
                  .value());
}

// 8 threads on `nodes` play scheduler for `ticks` ticks of one schedule:
// each reads the schedule and fires the tick it names, with a job of its
// own. Every tick must fire exactly once, with exactly one job.
void fire_from_threads(const std::vector<StateDatabase*>& nodes, int ticks) {
  constexpr int kThreads = 8;
  const int64_t end = kT0 + ticks * kMinute;
  std::vector<std::atomic<int>> fired(static_cast<size_t>(ticks));
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int thread = 0; thread < kThreads; ++thread) {
    threads.emplace_back([&, thread] {
      StateDatabase& node = *nodes[thread % nodes.size()];
      while (true) {
        auto schedule = node.schedules().get("bucket-a", "job");
        if (!schedule || !*schedule) {
          ++failures;
          return;
        }
        const auto next = (*schedule)->next_fire_ms;
        if (!next || *next >= end) return;
        const std::string id = "job-" + std::to_string(*next) + "-" + std::to_string(thread);
        NewJob job = make_job(id, *next);
        auto result = node.schedules().fire("bucket-a", "job", *next, *next + kMinute,
                                            submitted_fire(*next, id), job);
        if (!result) {
          ++failures;
          return;
        }
        if (*result) ++fired[static_cast<size_t>((*next - kT0) / kMinute)];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  for (int tick = 0; tick < ticks; ++tick) EXPECT_EQ(fired[tick].load(), 1) << "tick " << tick;
  StateDatabase& first = *nodes[0];
  const auto fires = first.schedules().fires("bucket-a", "job", 1000).value();
  ASSERT_EQ(fires.size(), static_cast<size_t>(ticks));
  EXPECT_EQ(first.jobs().stats(end).value().queued, static_cast<uint64_t>(ticks));
  for (const auto& fire : fires) {
    ASSERT_TRUE(fire.job_id.has_value());
    const auto job = first.jobs().get(*fire.job_id).value();
    ASSERT_TRUE(job.has_value()) << *fire.job_id;
    EXPECT_EQ(job->job.created_ms, fire.fire_ms);
  }
  EXPECT_EQ(first.schedules().get("bucket-a", "job").value()->next_fire_ms, end);
}

TEST_P(ScheduleTableConformance, EachTickFiresOnceAmongThreads) {
  ASSERT_TRUE(schedules().put(make_schedule("job")).has_value());
  fire_from_threads({&db()}, 40);
}

TEST_P(ScheduleTableConformance, EachTickFiresOnceAmongTwoNodes) {
  ASSERT_TRUE(schedules().put(make_schedule("job")).has_value());
  auto second = database_->open();
  ASSERT_TRUE(second.has_value()) << second.error().message;
  fire_from_threads({&db(), second->get()}, 40);
}

TEST_P(ScheduleTableConformance, SchedulesAndFiresSurviveReopening) {
  ScheduleRecord schedule = make_schedule("job");
  schedule.catch_up = true;
  ASSERT_TRUE(schedules().put(schedule).has_value());
  ASSERT_TRUE(schedules()
                  .fire("bucket-a", "job", kT0, kT0 + kMinute, submitted_fire(kT0, job_id(1)),
                        make_job(job_id(1)))
                  .value());
  db_.reset();
  auto reopened = database_->open();
  ASSERT_TRUE(reopened.has_value()) << reopened.error().message;
  ScheduleTable& after = (*reopened)->schedules();
  schedule.next_fire_ms = kT0 + kMinute;
  expect_same_schedule(get_schedule(after, "bucket-a", "job"), schedule);
  EXPECT_EQ(after.fires("bucket-a", "job", 10).value().size(), 1u);
  EXPECT_FALSE(after.fire("bucket-a", "job", kT0, kT0 + kMinute, submitted_fire(kT0, job_id(2)), {})
                   .value());
  EXPECT_TRUE((*reopened)->jobs().get(job_id(1)).value().has_value());
}

}  // namespace
}  // namespace wasmfaas::state
