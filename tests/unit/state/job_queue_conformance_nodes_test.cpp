// The job queue's conformance suite, part three: several threads and nodes
// (database objects on one database), reopening, migration from schema
// version 1, and a submitter killed mid-way. Instantiated with part one in
// job_queue_conformance_test.cpp.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "state/schema.h"
#include "unit/state/trigger_state_conformance.h"

namespace wasmfaas::state {
namespace {

constexpr int kThreads = 8;

void submit_one_key_from_threads(const std::vector<JobQueue*>& nodes) {
  std::vector<std::thread> threads;
  std::atomic<int> created{0};
  std::atomic<int> failures{0};
  std::mutex ids_mutex;
  std::set<std::string> ids;
  for (int thread = 0; thread < kThreads; ++thread) {
    threads.emplace_back([&, thread] {
      JobQueue& node = *nodes[thread % nodes.size()];
      for (int round = 0; round < 20; ++round) {
        NewJob job = make_job(job_id(thread * 100 + round), kT0 + round);
        job.idempotency_key = "one key";
        auto submitted = node.submit(job, kT0 - kDay);
        if (!submitted) {
          ++failures;
          continue;
        }
        if (submitted->created) ++created;
        std::lock_guard lock(ids_mutex);
        ids.insert(submitted->record.job.id);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(created.load(), 1);
  EXPECT_EQ(ids.size(), 1u);  // every submit returned the one job
  const auto stats = nodes[0]->stats(kT0).value();
  EXPECT_EQ(stats.queued, 1u);
}

TEST_P(JobQueueConformance, ConcurrentSubmitsWithOneIdempotencyKeyCreateOneJob) {
  submit_one_key_from_threads({&jobs()});
}

TEST_P(JobQueueConformance, ConcurrentSubmitsFromTwoNodesWithOneIdempotencyKeyCreateOneJob) {
  submit_one_key_from_threads(two_nodes());
}

// kThreads workers on `nodes` lease `jobs` due jobs (a few at a time, with
// live leases) until none is left, then finish what they took: each job
// must be leased exactly once.
void lease_from_threads(const std::vector<JobQueue*>& nodes, int jobs) {
  for (int number = 0; number < jobs; ++number) {
    submit_job(*nodes[0], make_job(job_id(number), kT0 + number % 50));
  }
  std::mutex taken_mutex;
  std::vector<std::string> taken;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int thread = 0; thread < kThreads; ++thread) {
    threads.emplace_back([&, thread] {
      JobQueue& node = *nodes[thread % nodes.size()];
      const std::string owner = "worker-" + std::to_string(thread);
      while (true) {
        auto leased = node.lease(lease_for(owner, kT0 + 100, kT0 + kDay), 3);
        if (!leased) {
          ++failures;
          return;
        }
        if (leased->empty()) return;
        for (const auto& record : *leased) {
          if (record.lease_owner != owner || record.attempts != 1) ++failures;
          auto finished = node.finish(record.job.id, owner, record.attempts,
                                      outcome(JobStatus::kSucceeded, kT0 + 200));
          if (!finished || !*finished) ++failures;
        }
        std::lock_guard lock(taken_mutex);
        for (const auto& record : *leased) taken.push_back(record.job.id);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(taken.size(), static_cast<size_t>(jobs));
  EXPECT_EQ(std::set<std::string>(taken.begin(), taken.end()).size(), static_cast<size_t>(jobs));
  const auto stats = nodes[0]->stats(kT0 + 300).value();
  EXPECT_EQ(stats.succeeded, static_cast<uint64_t>(jobs));
  EXPECT_EQ(stats.queued + stats.running, 0u);
}

TEST_P(JobQueueConformance, EachJobIsLeasedOnceAmongThreads) { lease_from_threads({&jobs()}, 300); }

TEST_P(JobQueueConformance, EachJobIsLeasedOnceAmongTwoNodes) {
  lease_from_threads(two_nodes(), 300);
}

TEST_P(JobQueueConformance, EachCallbackIsLeasedOnceAmongThreadsOnTwoNodes) {
  constexpr int kJobs = 120;
  for (int number = 0; number < kJobs; ++number) {
    NewJob job = make_job(job_id(number), kT0);
    job.callback_url = "https://example.com/hook";
    submit_job(jobs(), job);
  }
  ASSERT_EQ(jobs().lease(lease_for("worker", kT0, kT0 + kDay), kJobs).value().size(),
            static_cast<size_t>(kJobs));
  for (int number = 0; number < kJobs; ++number) {
    ASSERT_TRUE(
        jobs()
            .finish(job_id(number), "worker", 1, outcome(JobStatus::kSucceeded, kT0 + number))
            .value());
  }
  const auto nodes = two_nodes();
  std::mutex taken_mutex;
  std::vector<std::string> taken;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int thread = 0; thread < kThreads; ++thread) {
    threads.emplace_back([&, thread] {
      JobQueue& node = *nodes[thread % nodes.size()];
      const std::string owner = "sender-" + std::to_string(thread);
      while (true) {
        auto leased = node.lease_callbacks(lease_for(owner, kT0 + kJobs, kT0 + kDay), 4);
        if (!leased) {
          ++failures;
          return;
        }
        if (leased->empty()) return;
        for (const auto& record : *leased) {
          auto finished = node.finish_callback(record.job.id, owner, {});
          if (!finished || !*finished || record.callback_attempts != 1) ++failures;
        }
        std::lock_guard lock(taken_mutex);
        for (const auto& record : *leased) taken.push_back(record.job.id);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(taken.size(), static_cast<size_t>(kJobs));
  EXPECT_EQ(std::set<std::string>(taken.begin(), taken.end()).size(), static_cast<size_t>(kJobs));
  for (int number = 0; number < kJobs; number += 17) {
    EXPECT_EQ(get_job(jobs(), job_id(number)).callback_state, CallbackState::kDelivered);
  }
}

TEST_P(JobQueueConformance, AJobLeasedOnANodeThatDiedIsLeasedAgainByAnother) {
  auto nodes = two_nodes();
  submit_job(*nodes[0], make_job(job_id(1)));
  ASSERT_EQ(nodes[0]->lease(lease_for("node-a", kT0, kT0 + 1000), 5).value().size(), 1u);
  EXPECT_TRUE(nodes[1]->lease(lease_for("node-b", kT0 + 1000, kT0 + 5000), 5).value().empty());
  const auto again = nodes[1]->lease(lease_for("node-b", kT0 + 1001, kT0 + 5000), 5).value();
  ASSERT_EQ(ids_of(again), std::vector<std::string>{job_id(1)});
  EXPECT_EQ(again[0].attempts, 2u);
  EXPECT_FALSE(
      nodes[0]->finish(job_id(1), "node-a", 1, outcome(JobStatus::kSucceeded, kT0 + 1002)).value());
  EXPECT_TRUE(
      nodes[1]->finish(job_id(1), "node-b", 2, outcome(JobStatus::kSucceeded, kT0 + 1003)).value());
  EXPECT_EQ(get_job(*nodes[0], job_id(1)).status, JobStatus::kSucceeded);
}

TEST_P(JobQueueConformance, JobsSurviveReopening) {
  NewJob full = make_job(job_id(1));
  full.version = "v2";
  full.idempotency_key = "key";
  full.callback_url = "https://example.com/hook";
  submit_job(jobs(), full);
  submit_job(jobs(), make_job(job_id(2), kT0 + 1));
  submit_job(jobs(), make_job(job_id(3), kT0 + 2));
  ASSERT_EQ(jobs().lease(lease_for("node", kT0 + 5, kT0 + 1000), 2).value().size(), 2u);
  AttemptOutcome succeeded = outcome(JobStatus::kSucceeded, kT0 + 10);
  succeeded.output = "result";
  ASSERT_TRUE(jobs().finish(job_id(1), "node", 1, succeeded).value());
  const JobRecord before = get_job(jobs(), job_id(1));
  db_.reset();

  auto reopened = database_->open();
  ASSERT_TRUE(reopened.has_value()) << reopened.error().message;
  JobQueue& after = (*reopened)->jobs();
  const JobRecord kept = get_job(after, job_id(1));
  EXPECT_EQ(kept.status, JobStatus::kSucceeded);
  EXPECT_EQ(kept.output, "result");
  EXPECT_EQ(kept.finished_ms, before.finished_ms);
  EXPECT_EQ(kept.job.version, "v2");
  EXPECT_EQ(kept.callback_state, CallbackState::kPending);
  EXPECT_EQ(get_job(after, job_id(2)).status, JobStatus::kRunning);
  EXPECT_EQ(get_job(after, job_id(2)).lease_owner, "node");
  EXPECT_EQ(get_job(after, job_id(3)).status, JobStatus::kQueued);
  NewJob repeat = make_job(job_id(4), kT0 + 20);
  repeat.idempotency_key = "key";
  EXPECT_FALSE(after.submit(repeat, kT0).value().created);
  const auto stats = after.stats(kT0 + 20).value();
  EXPECT_EQ(stats.queued, 1u);
  EXPECT_EQ(stats.running, 1u);
  EXPECT_EQ(stats.succeeded, 1u);
}

TEST_P(JobQueueConformance, MigratesAVersion1DatabaseKeepingItsKeyValueData) {
  ASSERT_TRUE(db().set(kStore, "kept", "value", kNoQuota).has_value());
  ASSERT_TRUE(db().increment(kStore, "counter", 5, kNoQuota).has_value());
  db_.reset();
  database_->downgrade_to_version_1();
  ASSERT_EQ(database_->schema_version(), 1);

  auto migrated = database_->open();
  ASSERT_TRUE(migrated.has_value()) << migrated.error().message;
  EXPECT_EQ(database_->schema_version(), kStateSchemaVersion);
  StateDatabase& after = **migrated;
  EXPECT_EQ(after.get(kStore, "kept").value(), "value");
  EXPECT_EQ(after.get(kStore, "counter").value(), "5");
  EXPECT_EQ(after.usage(kStore.bucket).value().keys, 2u);
  EXPECT_TRUE(after.jobs().list({}, std::nullopt, 10).value().jobs.empty());
  submit_job(after.jobs(), make_job(job_id(1)));
  EXPECT_EQ(after.jobs().lease(lease_for("node", kT0, kT0 + 10), 1).value().size(), 1u);
  ASSERT_TRUE(after.schedules().put(make_schedule("job")).has_value());
  EXPECT_EQ(after.schedules().due(kT0, 10).value().size(), 1u);
  // A second open finds it migrated.
  auto again = database_->open();
  ASSERT_TRUE(again.has_value()) << again.error().message;
  EXPECT_EQ((*again)->jobs().get(job_id(1)).value()->status, JobStatus::kRunning);
}

// A child process submits jobs and acknowledges each on a pipe once submit()
// returned; it is killed (SIGKILL) in the middle. Every acknowledged job
// must be there afterwards, queued and whole.
TEST_P(JobQueueConformance, AcknowledgedSubmitsSurviveKill9) {
  db_.reset();
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(pipe_fds[0]);
    auto node = database_->open();
    if (!node) _exit(2);
    for (uint32_t index = 0;; ++index) {
      const NewJob job = make_job(job_id(static_cast<int>(index % 100'000)), kT0 + index);
      auto submitted = (*node)->jobs().submit(job, kT0);
      if (!submitted || !submitted->created) _exit(3);
      if (write(pipe_fds[1], &index, sizeof index) != sizeof index) _exit(4);
    }
  }
  close(pipe_fds[1]);
  int64_t last_acknowledged = -1;
  uint32_t index = 0;
  while (read(pipe_fds[0], &index, sizeof index) == sizeof index) {
    last_acknowledged = index;
    if (last_acknowledged == 200) kill(child, SIGKILL);
  }
  close(pipe_fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
      << "the submitter ended on its own with status " << status;
  ASSERT_GE(last_acknowledged, 200);

  auto reopened = database_->open();
  ASSERT_TRUE(reopened.has_value()) << reopened.error().message;
  JobQueue& after = (*reopened)->jobs();
  for (int64_t acknowledged = 0; acknowledged <= last_acknowledged; ++acknowledged) {
    const JobRecord record = get_job(after, job_id(static_cast<int>(acknowledged)));
    ASSERT_EQ(record.job.input, make_job(job_id(static_cast<int>(acknowledged))).input);
    ASSERT_EQ(record.status, JobStatus::kQueued);
  }
  EXPECT_LE(after.stats(kT0).value().queued, static_cast<uint64_t>(last_acknowledged) + 2);
}

}  // namespace
}  // namespace wasmfaas::state
