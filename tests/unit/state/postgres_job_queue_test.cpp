// PostgreSQL's job queue and schedule table beyond the conformance suite:
// several nodes on one database at once, FOR UPDATE SKIP LOCKED, and the
// cost of a round trip.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <mutex>
#include <thread>
#include <vector>

#include "unit/state/test_databases.h"

namespace wasmfaas::state {
namespace {

NewJob new_job(int number, std::string bucket = "bucket") {
  char id[32];
  std::snprintf(id, sizeof id, "job-%06d", number);
  NewJob job;
  job.id = id;
  job.bucket = std::move(bucket);
  job.key = "function";
  job.input = std::string("in\0\xff\xfe", 5);  // not UTF-8, with a NUL
  job.created_ms = 1000;
  job.run_at_ms = 1000;
  job.expires_at_ms = 1'000'000;
  return job;
}

AttemptOutcome succeeded(int64_t now_ms, std::optional<std::string> output = std::nullopt) {
  AttemptOutcome outcome;
  outcome.status = JobStatus::kSucceeded;
  outcome.now_ms = now_ms;
  outcome.output = std::move(output);
  return outcome;
}

// Opens `count` database objects ("nodes") on one PostgreSQL database.
std::vector<std::unique_ptr<StateDatabase>> open_nodes(const PostgresTestDatabase& database,
                                                       int count, size_t pool_size = 8) {
  std::vector<std::unique_ptr<StateDatabase>> nodes;
  for (int index = 0; index < count; ++index) {
    auto opened = database.open({.postgres_pool_size = pool_size});
    if (!opened) throw std::runtime_error(opened.error().message);
    nodes.push_back(std::move(*opened));
  }
  return nodes;
}

TEST(PostgresJobQueueTest, KeepsBytesThatAreNotUtf8) {
  PostgresTestDatabase database;
  auto nodes = open_nodes(database, 1);
  JobQueue& jobs = nodes[0]->jobs();
  NewJob job = new_job(1);
  job.callback_url = "http://example.test/done";
  auto submitted = jobs.submit(job, 0);
  ASSERT_TRUE(submitted.has_value()) << submitted.error().message;
  EXPECT_TRUE(submitted->created);
  EXPECT_EQ(submitted->record.job.input, job.input);
  EXPECT_EQ(submitted->record.status, JobStatus::kQueued);

  auto leased = jobs.lease({"node-a", 2000, 5000}, 10);
  ASSERT_TRUE(leased.has_value()) << leased.error().message;
  ASSERT_EQ(leased->size(), 1u);
  EXPECT_EQ((*leased)[0].attempts, 1u);
  EXPECT_EQ((*leased)[0].lease_owner, "node-a");
  const std::string output("out\0\x80", 5);
  AttemptOutcome outcome = succeeded(3000, output);
  outcome.version_ran = "v1";
  outcome.error_message = std::string("\xc3\x28", 2);
  auto finished = jobs.finish(job.id, "node-a", 1, outcome);
  ASSERT_TRUE(finished.has_value()) << finished.error().message;
  EXPECT_TRUE(*finished);
  auto record = jobs.get(job.id).value();
  ASSERT_TRUE(record.has_value());
  EXPECT_EQ(record->status, JobStatus::kSucceeded);
  EXPECT_EQ(record->output, output);
  EXPECT_EQ(record->error_message, std::string("\xc3\x28", 2));
  EXPECT_EQ(record->finished_ms, 3000);
  EXPECT_EQ(record->lease_owner, std::nullopt);
  EXPECT_EQ(record->callback_state, CallbackState::kPending);
  EXPECT_EQ(record->callback_due_ms, 3000);
}

// A transaction of another client holds job 1's row lock: lease skips it
// at once and takes job 2.
TEST(PostgresJobQueueTest, LeaseSkipsJobsAnotherTransactionHolds) {
  PostgresTestDatabase database;
  auto nodes = open_nodes(database, 1);
  JobQueue& jobs = nodes[0]->jobs();
  ASSERT_TRUE(jobs.submit(new_job(1), 0).has_value());
  NewJob second = new_job(2);
  second.run_at_ms = 1001;
  ASSERT_TRUE(jobs.submit(second, 0).has_value());

  PGconn* holder = PQconnectdb(database.setting().c_str());
  ASSERT_EQ(PQstatus(holder), CONNECTION_OK) << PQerrorMessage(holder);
  PQclear(PQexec(holder, "BEGIN"));
  PGresult* locked =
      PQexec(holder, "SELECT id FROM wasmfaas_jobs WHERE id = 'job-000001' FOR UPDATE");
  ASSERT_EQ(PQntuples(locked), 1);
  PQclear(locked);

  const auto start = std::chrono::steady_clock::now();
  auto leased = jobs.lease({"node-a", 2000, 5000}, 10);
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_TRUE(leased.has_value()) << leased.error().message;
  ASSERT_EQ(leased->size(), 1u);
  EXPECT_EQ((*leased)[0].job.id, "job-000002");
  EXPECT_LT(took, std::chrono::seconds(1));

  PQclear(PQexec(holder, "ROLLBACK"));
  PQfinish(holder);
  leased = jobs.lease({"node-b", 2000, 5000}, 10);
  ASSERT_TRUE(leased.has_value());
  ASSERT_EQ(leased->size(), 1u);
  EXPECT_EQ((*leased)[0].job.id, "job-000001");
}

// 1000 jobs, two nodes, 16 threads leasing up to 5 at a time: each job is
// leased exactly once, and every one is finished.
TEST(PostgresJobQueueTest, ThreadsOnTwoNodesLeaseEachJobOnce) {
  constexpr int kJobs = 1000;
  constexpr int kThreads = 16;
  PostgresTestDatabase database;
  auto nodes = open_nodes(database, 2);
  for (int number = 0; number < kJobs; ++number) {
    ASSERT_TRUE(nodes[number % 2]->jobs().submit(new_job(number), 0).has_value());
  }
  std::mutex mutex;
  std::map<std::string, int> leases;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int thread = 0; thread < kThreads; ++thread) {
    threads.emplace_back([&, thread] {
      JobQueue& jobs = nodes[thread % 2]->jobs();
      const std::string owner = "worker-" + std::to_string(thread);
      for (;;) {
        auto leased = jobs.lease({owner, 2000, 60'000}, 5);
        if (!leased) {
          ++failures;
          return;
        }
        if (leased->empty()) return;
        for (const auto& record : *leased) {
          {
            std::lock_guard lock(mutex);
            ++leases[record.job.id];
          }
          auto finished = jobs.finish(record.job.id, owner, record.attempts, succeeded(3000));
          if (!finished || !*finished) ++failures;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(leases.size(), static_cast<size_t>(kJobs));
  EXPECT_TRUE(std::all_of(leases.begin(), leases.end(),
                          [](const auto& entry) { return entry.second == 1; }));
  auto stats = nodes[0]->jobs().stats(5000);
  ASSERT_TRUE(stats.has_value()) << stats.error().message;
  EXPECT_EQ(stats->succeeded, static_cast<uint64_t>(kJobs));
  EXPECT_EQ(stats->queued + stats->running, 0u);
}

// The same (bucket, idempotency key) submitted by 8 threads on two nodes at
// once: one job.
TEST(PostgresJobQueueTest, ConcurrentIdempotentSubmitsOnTwoNodesCreateOneJob) {
  PostgresTestDatabase database;
  auto nodes = open_nodes(database, 2);
  for (int round = 0; round < 10; ++round) {
    std::atomic<int> created{0};
    std::atomic<int> failures{0};
    std::mutex mutex;
    std::vector<std::string> ids;
    std::vector<std::thread> threads;
    for (int thread = 0; thread < 8; ++thread) {
      threads.emplace_back([&, thread] {
        NewJob job = new_job(round * 100 + thread);
        job.idempotency_key = "key-" + std::to_string(round);
        auto submitted = nodes[thread % 2]->jobs().submit(job, 0);
        if (!submitted) {
          ++failures;
          return;
        }
        if (submitted->created) ++created;
        std::lock_guard lock(mutex);
        ids.push_back(submitted->record.job.id);
      });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(created.load(), 1) << "round " << round;
    ASSERT_EQ(ids.size(), 8u);
    EXPECT_TRUE(std::all_of(ids.begin(), ids.end(), [&](const auto& id) { return id == ids[0]; }));
  }
  auto page = nodes[0]->jobs().list({}, std::nullopt, 100);
  ASSERT_TRUE(page.has_value());
  EXPECT_EQ(page->jobs.size(), 10u);

  // Outside the window (every job was created at 1000), the key is free.
  NewJob later = new_job(5000);
  later.idempotency_key = "key-0";
  later.created_ms = 9000;
  auto submitted = nodes[1]->jobs().submit(later, 1001);
  ASSERT_TRUE(submitted.has_value()) << submitted.error().message;
  EXPECT_TRUE(submitted->created);
  submitted = nodes[0]->jobs().submit(new_job(5001), 0);
  ASSERT_TRUE(submitted.has_value());
  later.id = "job-005002";
  submitted = nodes[0]->jobs().submit(later, 1001);
  ASSERT_TRUE(submitted.has_value());
  EXPECT_FALSE(submitted->created);
  EXPECT_EQ(submitted->record.job.id, "job-005000");
}

// One tick fired by 3 nodes (4 threads each) at once: one succeeds, one
// job is submitted, one fire is recorded; then the next tick likewise.
TEST(PostgresJobQueueTest, ATickFiredFromThreeNodesFiresOnce) {
  PostgresTestDatabase database;
  auto nodes = open_nodes(database, 3);
  ScheduleRecord schedule{.bucket = "bucket",
                          .name = "nightly",
                          .cron = "0 3 * * *",
                          .timezone = "UTC",
                          .function = "function",
                          .input = std::string("\xff", 1),
                          .created_ms = 1,
                          .updated_ms = 1,
                          .next_fire_ms = 60'000};
  ASSERT_TRUE(nodes[0]->schedules().put(schedule).has_value());
  for (int tick = 1; tick <= 5; ++tick) {
    const int64_t fire_ms = tick * 60'000;
    std::atomic<int> fired{0};
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int thread = 0; thread < 12; ++thread) {
      threads.emplace_back([&, thread] {
        NewJob job = new_job(tick * 100 + thread);
        job.source = "schedule:nightly";
        auto result = nodes[thread % 3]->schedules().fire(
            "bucket", "nightly", fire_ms, fire_ms + 60'000,
            {.fire_ms = fire_ms, .outcome = "submitted", .job_id = job.id, .recorded_ms = fire_ms},
            job);
        if (!result) {
          ++failures;
        } else if (*result) {
          ++fired;
        }
      });
    }
    for (auto& thread : threads) thread.join();
    EXPECT_EQ(failures.load(), 0);
    EXPECT_EQ(fired.load(), 1) << "tick " << tick;
  }
  auto fires = nodes[1]->schedules().fires("bucket", "nightly", 100);
  ASSERT_TRUE(fires.has_value()) << fires.error().message;
  ASSERT_EQ(fires->size(), 5u);
  EXPECT_EQ(fires->front().fire_ms, 5 * 60'000);
  JobFilter bucket_jobs;
  bucket_jobs.bucket = "bucket";
  auto page = nodes[2]->jobs().list(bucket_jobs, std::nullopt, 100);
  ASSERT_TRUE(page.has_value());
  ASSERT_EQ(page->jobs.size(), 5u);
  for (const auto& fire : *fires) {
    auto job = nodes[0]->jobs().get(*fire.job_id).value();
    ASSERT_TRUE(job.has_value()) << *fire.job_id;
    EXPECT_EQ(job->job.source, "schedule:nightly");
  }
  EXPECT_EQ(nodes[0]->schedules().get("bucket", "nightly").value()->next_fire_ms, 6 * 60'000);

  // An outcome other than the three the header names (the runner records
  // "failed" when it cannot make the job) is stored as it is.
  auto failed = nodes[0]->schedules().fire(
      "bucket", "nightly", 6 * 60'000, 7 * 60'000,
      {.fire_ms = 6 * 60'000, .outcome = "failed", .job_id = std::nullopt, .recorded_ms = 1},
      std::nullopt);
  ASSERT_TRUE(failed.has_value()) << failed.error().message;
  EXPECT_TRUE(*failed);
  EXPECT_EQ(nodes[0]->schedules().fires("bucket", "nightly", 1).value().front().outcome, "failed");
}

// The cost of a round trip (figures for docs/performance.md, not checked):
// lease on an empty queue, and submit -> lease -> finish of one job.
TEST(PostgresJobQueueTest, MeasuresRoundTrips) {
  PostgresTestDatabase database;
  auto nodes = open_nodes(database, 1, 1);
  JobQueue& jobs = nodes[0]->jobs();
  using Clock = std::chrono::steady_clock;
  auto micros = [](Clock::duration elapsed, int count) {
    return std::chrono::duration<double, std::micro>(elapsed).count() / count;
  };
  for (int warm = 0; warm < 100; ++warm) ASSERT_TRUE(jobs.lease({"w", 2000, 5000}, 10).has_value());
  constexpr int kEmptyLeases = 2000;
  auto start = Clock::now();
  for (int count = 0; count < kEmptyLeases; ++count) {
    ASSERT_TRUE(jobs.lease({"w", 2000, 5000}, 10).has_value());
  }
  const double empty_lease = micros(Clock::now() - start, kEmptyLeases);
  // For scale: the simplest round trip, a key-value get.
  const StoreRef store{"bucket", "default"};
  ASSERT_TRUE(nodes[0]->set(store, "k", "v", {}).has_value());
  start = Clock::now();
  for (int count = 0; count < kEmptyLeases; ++count) {
    ASSERT_TRUE(nodes[0]->get(store, "k").has_value());
  }
  const double get = micros(Clock::now() - start, kEmptyLeases);

  constexpr int kJobs = 1000;
  double submit_total = 0;
  double lease_total = 0;
  double finish_total = 0;
  for (int number = 0; number < kJobs; ++number) {
    NewJob job = new_job(number);
    job.input = R"({"n":1})";
    auto before_submit = Clock::now();
    ASSERT_TRUE(jobs.submit(job, 0).has_value());
    auto before_lease = Clock::now();
    auto leased = jobs.lease({"w", 2000, 5000}, 1);
    ASSERT_TRUE(leased.has_value());
    ASSERT_EQ(leased->size(), 1u);
    auto before_finish = Clock::now();
    ASSERT_TRUE(jobs.finish(job.id, "w", 1, succeeded(3000, "42")).value());
    auto end = Clock::now();
    submit_total += micros(before_lease - before_submit, 1);
    lease_total += micros(before_finish - before_lease, 1);
    finish_total += micros(end - before_finish, 1);
  }
  std::printf(
      "PostgreSQL job queue, 1 connection: lease on an empty queue %.0f us (a key-value get"
      " %.0f us); per job submit %.0f us + lease %.0f us + finish %.0f us = %.0f us\n",
      empty_lease, get, submit_total / kJobs, lease_total / kJobs, finish_total / kJobs,
      (submit_total + lease_total + finish_total) / kJobs);
  RecordProperty("empty_lease_us", std::to_string(empty_lease));
  RecordProperty("submit_lease_finish_us",
                 std::to_string((submit_total + lease_total + finish_total) / kJobs));

  // A deep queue: 20,000 jobs due, taken one at a time (the lease must not
  // grow with the dead index entries of the jobs taken before it).
  database.query(
      "INSERT INTO wasmfaas_jobs (id, bucket, key, input, source, max_attempts,"
      " backoff_initial_ms, backoff_max_ms, created_ms, run_at_ms, expires_at_ms, status,"
      " attempts, updated_ms, lease_until_ms, callback_state, callback_attempts, callback_due_ms,"
      " callback_lease_until_ms)"
      " SELECT 'deep-' || lpad(n::text, 6, '0'), 'bucket', 'function', '\\x00'::bytea, 'api', 3,"
      " 1000, 60000, 1000 + n, 1000 + n, 10000000, 'queued', 0, 1000 + n, 0, 'none', 0, 0, 0"
      " FROM generate_series(1, 20000) n; ANALYZE wasmfaas_jobs");
  constexpr int kDeepLeases = 2000;
  double deep_lease_total = 0;
  for (int count = 0; count < kDeepLeases; ++count) {
    auto before = Clock::now();
    auto leased = jobs.lease({"w", 50'000, 60'000}, 1);
    deep_lease_total += micros(Clock::now() - before, 1);
    ASSERT_TRUE(leased.has_value());
    ASSERT_EQ(leased->size(), 1u);
    ASSERT_TRUE(jobs.finish(leased->front().job.id, "w", 1, succeeded(50'000)).value());
  }
  std::printf("PostgreSQL job queue, 1 connection: lease from 20,000 due jobs %.0f us\n",
              deep_lease_total / kDeepLeases);
  RecordProperty("deep_lease_us", std::to_string(deep_lease_total / kDeepLeases));
}

}  // namespace
}  // namespace wasmfaas::state
