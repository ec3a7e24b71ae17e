// The job queue's conformance suite, part two: what follows the end of a
// job (callbacks, cancel, requeue, purge, retention, stats, removing a
// bucket). Instantiated with part one in job_queue_conformance_test.cpp.
#include "unit/state/trigger_state_conformance.h"

namespace wasmfaas::state {
namespace {

TEST_P(JobQueueConformance, AFinalStatusMakesTheCallbackPendingDueAtOnce) {
  const std::vector<JobStatus> finals = {JobStatus::kSucceeded, JobStatus::kFailed,
                                         JobStatus::kDead};
  for (size_t index = 0; index < finals.size(); ++index) {
    NewJob job = make_job(job_id(static_cast<int>(index)));
    job.callback_url = "https://example.com/hook/" + std::to_string(index);
    submit_job(jobs(), job);
  }
  submit_job(jobs(), make_job(job_id(9)));  // no callback URL
  ASSERT_EQ(jobs().lease(lease_for("node", kT0, kT0 + 1000), 10).value().size(), 4u);
  for (size_t index = 0; index < finals.size(); ++index) {
    const auto now = kT0 + 100 + static_cast<int64_t>(index);
    ASSERT_TRUE(jobs()
                    .finish(job_id(static_cast<int>(index)), "node", 1, outcome(finals[index], now))
                    .value());
    const JobRecord record = get_job(jobs(), job_id(static_cast<int>(index)));
    EXPECT_EQ(record.callback_state, CallbackState::kPending);
    EXPECT_EQ(record.callback_due_ms, now);
    EXPECT_EQ(record.callback_attempts, 0u);
  }
  ASSERT_TRUE(
      jobs().finish(job_id(9), "node", 1, outcome(JobStatus::kSucceeded, kT0 + 200)).value());
  EXPECT_EQ(get_job(jobs(), job_id(9)).callback_state, CallbackState::kNone);
  // Only the jobs with a callback URL have callbacks to send.
  const auto callbacks =
      jobs().lease_callbacks(lease_for("node", kT0 + 300, kT0 + 400), 10).value();
  EXPECT_EQ(ids_of(callbacks), (std::vector<std::string>{job_id(0), job_id(1), job_id(2)}));
}

// Submits jobs with callbacks that end (succeeded) at `ends`, one each.
void end_jobs_with_callbacks(JobQueue& jobs, const std::vector<int64_t>& ends) {
  for (size_t index = 0; index < ends.size(); ++index) {
    NewJob job = make_job(job_id(static_cast<int>(index)));
    job.callback_url = "https://example.com/hook";
    submit_job(jobs, job);
  }
  ASSERT_EQ(jobs.lease(lease_for("worker", kT0, kT0 + kDay), ends.size()).value().size(),
            ends.size());
  for (size_t index = 0; index < ends.size(); ++index) {
    ASSERT_TRUE(jobs.finish(job_id(static_cast<int>(index)), "worker", 1,
                            outcome(JobStatus::kSucceeded, ends[index]))
                    .value());
  }
}

TEST_P(JobQueueConformance, LeaseCallbacksTakesDueCallbacksOldestFirst) {
  end_jobs_with_callbacks(jobs(), {kT0 + 30, kT0 + 10, kT0 + 20, kT0 + 90});
  EXPECT_TRUE(jobs().lease_callbacks(lease_for("node-a", kT0 + 9, kT0 + 100), 10).value().empty());
  const auto two = jobs().lease_callbacks(lease_for("node-a", kT0 + 50, kT0 + 100), 2).value();
  EXPECT_EQ(ids_of(two), (std::vector<std::string>{job_id(1), job_id(2)}));
  for (const auto& record : two) {
    EXPECT_EQ(record.callback_attempts, 1u);
    EXPECT_EQ(record.callback_state, CallbackState::kPending);
    EXPECT_EQ(record.status, JobStatus::kSucceeded);
    EXPECT_EQ(record.job.callback_url, "https://example.com/hook");
  }
  // Held callbacks are not taken while their lease lasts; the rest are.
  const auto rest = jobs().lease_callbacks(lease_for("node-b", kT0 + 100, kT0 + 200), 10).value();
  EXPECT_EQ(ids_of(rest), (std::vector<std::string>{job_id(0), job_id(3)}));
  EXPECT_TRUE(
      jobs().lease_callbacks(lease_for("node-c", kT0 + 100, kT0 + 300), 10).value().empty());
  // Once node-a's lease ended they are due again, with one more attempt.
  const auto again = jobs().lease_callbacks(lease_for("node-c", kT0 + 101, kT0 + 300), 10).value();
  EXPECT_EQ(ids_of(again), (std::vector<std::string>{job_id(1), job_id(2)}));
  for (const auto& record : again) EXPECT_EQ(record.callback_attempts, 2u);
  // node-a lost them.
  EXPECT_FALSE(jobs().finish_callback(job_id(1), "node-a", {}).value());
  EXPECT_TRUE(jobs().finish_callback(job_id(1), "node-c", {}).value());
}

TEST_P(JobQueueConformance, FinishCallbackRecordsTheOutcomeIfTheOwnerHoldsIt) {
  end_jobs_with_callbacks(jobs(), {kT0 + 10, kT0 + 10, kT0 + 10});
  ASSERT_EQ(jobs().lease_callbacks(lease_for("node-a", kT0 + 20, kT0 + 100), 10).value().size(),
            3u);
  const CallbackOutcome delivered{
      .state = CallbackState::kDelivered, .due_ms = 0, .result = std::string("204")};
  EXPECT_FALSE(jobs().finish_callback(job_id(0), "node-b", delivered).value());
  EXPECT_FALSE(jobs().finish_callback("job-missing", "node-a", delivered).value());
  EXPECT_EQ(get_job(jobs(), job_id(0)).callback_state, CallbackState::kPending);

  ASSERT_TRUE(jobs().finish_callback(job_id(0), "node-a", delivered).value());
  const JobRecord first = get_job(jobs(), job_id(0));
  EXPECT_EQ(first.callback_state, CallbackState::kDelivered);
  EXPECT_EQ(first.callback_result, "204");
  EXPECT_EQ(first.callback_attempts, 1u);
  EXPECT_FALSE(jobs().finish_callback(job_id(0), "node-a", delivered).value());  // not pending

  const CallbackOutcome failed{
      .state = CallbackState::kFailed, .due_ms = 0, .result = std::string("connection refused")};
  ASSERT_TRUE(jobs().finish_callback(job_id(1), "node-a", failed).value());
  EXPECT_EQ(get_job(jobs(), job_id(1)).callback_state, CallbackState::kFailed);
  EXPECT_EQ(get_job(jobs(), job_id(1)).callback_result, "connection refused");

  // Pending again: due at due_ms, to anyone, with the next attempt.
  const CallbackOutcome retry{
      .state = CallbackState::kPending, .due_ms = kT0 + 500, .result = std::string("503")};
  ASSERT_TRUE(jobs().finish_callback(job_id(2), "node-a", retry).value());
  const JobRecord waiting = get_job(jobs(), job_id(2));
  EXPECT_EQ(waiting.callback_state, CallbackState::kPending);
  EXPECT_EQ(waiting.callback_due_ms, kT0 + 500);
  EXPECT_EQ(waiting.callback_result, "503");
  EXPECT_TRUE(jobs().lease_callbacks(lease_for("node-b", kT0 + 499, kT0 + 900), 5).value().empty());
  const auto retried = jobs().lease_callbacks(lease_for("node-b", kT0 + 500, kT0 + 900), 5).value();
  ASSERT_EQ(ids_of(retried), std::vector<std::string>{job_id(2)});
  EXPECT_EQ(retried[0].callback_attempts, 2u);
  EXPECT_FALSE(jobs().finish_callback(job_id(2), "node-a", delivered).value());
  EXPECT_TRUE(jobs().finish_callback(job_id(2), "node-b", delivered).value());
  EXPECT_EQ(get_job(jobs(), job_id(2)).callback_state, CallbackState::kDelivered);
}

TEST_P(JobQueueConformance, CancelEndsOnlyQueuedJobs) {
  for (int number = 1; number <= 3; ++number) {
    submit_job(jobs(), make_job(job_id(number), kT0 - 10 + number));
  }
  ASSERT_EQ(jobs().lease(lease_for("node", kT0, kT0 + 1000), 1).value().size(), 1u);  // job 1

  const auto cancelled = jobs().cancel(job_id(2), kT0 + 50).value();
  ASSERT_TRUE(cancelled.has_value());
  EXPECT_EQ(cancelled->status, JobStatus::kCancelled);
  EXPECT_EQ(cancelled->finished_ms, kT0 + 50);
  EXPECT_EQ(cancelled->updated_ms, kT0 + 50);
  EXPECT_EQ(get_job(jobs(), job_id(2)).status, JobStatus::kCancelled);
  // Not leased any more.
  EXPECT_EQ(ids_of(jobs().lease(lease_for("node", kT0 + 60, kT0 + 1000), 10).value()),
            std::vector<std::string>{job_id(3)});

  // A running job, and one already cancelled, are left alone.
  const auto running = jobs().cancel(job_id(1), kT0 + 70).value();
  ASSERT_TRUE(running.has_value());
  EXPECT_EQ(running->status, JobStatus::kRunning);
  EXPECT_EQ(running->finished_ms, std::nullopt);
  EXPECT_EQ(get_job(jobs(), job_id(1)).lease_owner, "node");
  EXPECT_EQ(jobs().cancel(job_id(2), kT0 + 80).value()->finished_ms, kT0 + 50);
  EXPECT_EQ(jobs().cancel("job-missing", kT0 + 80).value(), std::nullopt);
}

TEST_P(JobQueueConformance, RequeueQueuesOnlyFailedOrDeadJobsAfresh) {
  for (int number = 1; number <= 4; ++number) {
    NewJob job = make_job(job_id(number), kT0 + number);
    job.callback_url = "https://example.com/hook";
    submit_job(jobs(), job);
  }
  ASSERT_EQ(jobs().lease(lease_for("node", kT0 + 3, kT0 + 1000), 3).value().size(), 3u);
  AttemptOutcome failed = outcome(JobStatus::kFailed, kT0 + 10);
  failed.error_code = "trap";
  failed.error_message = "boom";
  failed.output = "partial";
  failed.version_ran = "v1";
  ASSERT_TRUE(jobs().finish(job_id(1), "node", 1, failed).value());
  ASSERT_TRUE(jobs().finish(job_id(2), "node", 1, outcome(JobStatus::kDead, kT0 + 11)).value());
  ASSERT_TRUE(
      jobs().finish(job_id(3), "node", 1, outcome(JobStatus::kSucceeded, kT0 + 12)).value());
  // Job 1's callback was delivered before the requeue.
  ASSERT_EQ(jobs().lease_callbacks(lease_for("node", kT0 + 20, kT0 + 30), 1).value().size(), 1u);
  ASSERT_TRUE(jobs().finish_callback(job_id(1), "node", {.result = std::string("200")}).value());

  const auto requeued = jobs().requeue(job_id(1), kT0 + 100, kT0 + 100 + kDay).value();
  ASSERT_TRUE(requeued.has_value());
  for (const JobRecord& record : {*requeued, get_job(jobs(), job_id(1))}) {
    EXPECT_EQ(record.status, JobStatus::kQueued);
    EXPECT_EQ(record.attempts, 0u);
    EXPECT_EQ(record.job.run_at_ms, kT0 + 100);
    EXPECT_EQ(record.job.expires_at_ms, kT0 + 100 + kDay);
    EXPECT_EQ(record.updated_ms, kT0 + 100);
    EXPECT_EQ(record.finished_ms, std::nullopt);
    EXPECT_EQ(record.output, std::nullopt);
    EXPECT_EQ(record.error_code, std::nullopt);
    EXPECT_EQ(record.error_message, std::nullopt);
    EXPECT_EQ(record.lease_owner, std::nullopt);
    EXPECT_EQ(record.callback_state, CallbackState::kNone);
    EXPECT_EQ(record.callback_attempts, 0u);
    EXPECT_EQ(record.job.created_ms, kT0 + 1);
  }
  EXPECT_EQ(jobs().requeue(job_id(2), kT0 + 101, kT0 + kDay).value()->status, JobStatus::kQueued);
  // Succeeded, running and queued jobs are left alone.
  EXPECT_EQ(jobs().requeue(job_id(3), kT0 + 100, kT0 + kDay).value()->status,
            JobStatus::kSucceeded);
  EXPECT_EQ(get_job(jobs(), job_id(3)).finished_ms, kT0 + 12);
  EXPECT_EQ(jobs().requeue(job_id(4), kT0 + 100, kT0 + kDay).value()->status, JobStatus::kQueued);
  EXPECT_EQ(get_job(jobs(), job_id(4)).job.expires_at_ms, kT0 + 4 + kDay);
  EXPECT_EQ(jobs().requeue("job-missing", kT0 + 100, kT0 + kDay).value(), std::nullopt);

  // Runs again from its first attempt; its callback is pending again once it ends.
  const auto leased = jobs().lease(lease_for("node", kT0 + 101, kT0 + 1000), 10).value();
  EXPECT_EQ(ids_of(leased), (std::vector<std::string>{job_id(4), job_id(1), job_id(2)}));
  EXPECT_EQ(get_job(jobs(), job_id(1)).attempts, 1u);
  ASSERT_TRUE(
      jobs().finish(job_id(1), "node", 1, outcome(JobStatus::kSucceeded, kT0 + 200)).value());
  EXPECT_EQ(get_job(jobs(), job_id(1)).callback_state, CallbackState::kPending);
  EXPECT_EQ(get_job(jobs(), job_id(1)).callback_due_ms, kT0 + 200);
}

// Ends job `number` (submitted, leased alone) as `status` at `now`.
void end_job(JobQueue& jobs, int number, JobStatus status, int64_t now, const std::string& bucket,
             const std::string& key) {
  submit_job(jobs, make_job(job_id(number), now - 10, bucket, key));
  if (status == JobStatus::kCancelled) {
    ASSERT_EQ(jobs.cancel(job_id(number), now).value()->status, JobStatus::kCancelled);
    return;
  }
  const std::string owner = "owner-" + std::to_string(number);
  const auto leased = jobs.lease(lease_for(owner, now - 5, now + 1000), 1).value();
  ASSERT_EQ(ids_of(leased), std::vector<std::string>{job_id(number)});
  ASSERT_TRUE(jobs.finish(job_id(number), owner, 1, outcome(status, now)).value());
}

TEST_P(JobQueueConformance, PurgeRemovesTheJobsOfAFinalStatusMatchingTheFilter) {
  int number = 0;
  for (const auto& bucket : {"bucket-a", "bucket-b"}) {
    for (const auto& key : {"fn", "other"}) {
      for (JobStatus status :
           {JobStatus::kSucceeded, JobStatus::kFailed, JobStatus::kDead, JobStatus::kCancelled}) {
        for (int copy = 0; copy < 2; ++copy) {
          end_job(jobs(), number, status, kT0 + 100 * number, bucket, key);
          ++number;
        }
      }
    }
  }
  submit_job(jobs(), make_job(job_id(900), kT0 + kDay));  // queued
  const auto count = [&](JobFilter filter) { return list_all(jobs(), filter, 100).size(); };
  ASSERT_EQ(count({}), 33u);

  EXPECT_EQ(jobs().purge({"bucket-a", "fn", JobStatus::kSucceeded}).value(), 2u);
  EXPECT_EQ(count({"bucket-a", "fn", JobStatus::kSucceeded}), 0u);
  EXPECT_EQ(count({"bucket-a", "other", JobStatus::kSucceeded}), 2u);
  EXPECT_EQ(jobs().purge({"bucket-a", std::nullopt, JobStatus::kFailed}).value(), 4u);
  EXPECT_EQ(count({"bucket-b", std::nullopt, JobStatus::kFailed}), 4u);
  EXPECT_EQ(jobs().purge({std::nullopt, std::nullopt, JobStatus::kDead}).value(), 8u);
  EXPECT_EQ(count({std::nullopt, std::nullopt, JobStatus::kDead}), 0u);
  EXPECT_EQ(jobs().purge({std::nullopt, "other", JobStatus::kCancelled}).value(), 4u);
  EXPECT_EQ(count({std::nullopt, std::nullopt, JobStatus::kCancelled}), 4u);
  EXPECT_EQ(jobs().purge({"bucket-none", std::nullopt, JobStatus::kSucceeded}).value(), 0u);
  EXPECT_EQ(jobs().purge({"bucket-a", "fn", JobStatus::kSucceeded}).value(), 0u);
  EXPECT_EQ(count({}), 33u - 18u);

  // Only final statuses are purged.
  for (JobStatus status : {JobStatus::kQueued, JobStatus::kRunning}) {
    auto refused = jobs().purge({std::nullopt, std::nullopt, status});
    ASSERT_FALSE(refused.has_value()) << job_status_name(status);
    EXPECT_EQ(refused.error().code, ErrorCode::kInvalidArgument);
  }
  EXPECT_EQ(get_job(jobs(), job_id(900)).status, JobStatus::kQueued);
}

TEST_P(JobQueueConformance, RemoveFinishedBeforeRemovesOldFinishedJobsUpToTheLimit) {
  const std::vector<JobStatus> statuses = {JobStatus::kSucceeded, JobStatus::kFailed,
                                           JobStatus::kDead, JobStatus::kCancelled};
  for (int number = 0; number < 8; ++number) {
    end_job(jobs(), number, statuses[number % 4], kT0 + 1000 * number, "bucket-a", "fn");
  }
  // Old but not finished: never removed.
  submit_job(jobs(), make_job(job_id(100), kT0 - kDay));
  submit_job(jobs(), make_job(job_id(101), kT0 - kDay));
  ASSERT_EQ(jobs().lease(lease_for("node", kT0 - kDay, kT0 + kDay), 1).value().size(), 1u);

  EXPECT_EQ(jobs().remove_finished_before(kT0, 10).value(), 0u);  // finished at kT0: not before
  EXPECT_EQ(jobs().remove_finished_before(kT0 + 5000, 2).value(), 2u);
  EXPECT_EQ(jobs().remove_finished_before(kT0 + 5000, 10).value(), 3u);
  EXPECT_EQ(jobs().remove_finished_before(kT0 + 5000, 10).value(), 0u);
  for (int number = 0; number < 5; ++number) {
    EXPECT_EQ(jobs().get(job_id(number)).value(), std::nullopt) << number;
  }
  for (int number = 5; number < 8; ++number) {
    EXPECT_TRUE(jobs().get(job_id(number)).value().has_value()) << number;
  }
  EXPECT_EQ(jobs().remove_finished_before(kT0 + kDay, 100).value(), 3u);
  EXPECT_EQ(list_all(jobs(), {}, 100), (std::vector<std::string>{job_id(101), job_id(100)}));
}

TEST_P(JobQueueConformance, StatsCountEachStatusAndTheOldestDueJob) {
  const QueueStats empty = jobs().stats(kT0).value();
  EXPECT_EQ(
      empty.queued + empty.running + empty.succeeded + empty.failed + empty.dead + empty.cancelled,
      0u);
  EXPECT_EQ(empty.oldest_due_ms, std::nullopt);

  end_job(jobs(), 1, JobStatus::kSucceeded, kT0 - 500, "bucket-a", "fn");
  end_job(jobs(), 2, JobStatus::kSucceeded, kT0 - 400, "bucket-b", "fn");
  end_job(jobs(), 3, JobStatus::kFailed, kT0 - 300, "bucket-a", "fn");
  end_job(jobs(), 4, JobStatus::kDead, kT0 - 200, "bucket-a", "fn");
  end_job(jobs(), 5, JobStatus::kCancelled, kT0 - 100, "bucket-a", "fn");
  for (int number = 10; number < 13; ++number) {
    NewJob job = make_job(job_id(number), kT0 - 1000);
    job.run_at_ms = kT0 + 100 * (number - 10);  // kT0, kT0 + 100, kT0 + 200
    submit_job(jobs(), job);
  }
  submit_job(jobs(), make_job(job_id(20), kT0 - 2000));
  ASSERT_EQ(jobs().lease(lease_for("node", kT0 - 2000, kT0 + kDay), 1).value().size(), 1u);

  const QueueStats stats = jobs().stats(kT0 + 150).value();
  EXPECT_EQ(stats.queued, 3u);
  EXPECT_EQ(stats.running, 1u);
  EXPECT_EQ(stats.succeeded, 2u);
  EXPECT_EQ(stats.failed, 1u);
  EXPECT_EQ(stats.dead, 1u);
  EXPECT_EQ(stats.cancelled, 1u);
  EXPECT_EQ(stats.oldest_due_ms, kT0);  // run_at, not created; the running one does not count
  EXPECT_EQ(jobs().stats(kT0 - 1).value().oldest_due_ms, std::nullopt);  // none due yet
  ASSERT_EQ(jobs().lease(lease_for("node", kT0 + 150, kT0 + kDay), 1).value().size(), 1u);
  EXPECT_EQ(jobs().stats(kT0 + 150).value().oldest_due_ms, kT0 + 100);
  EXPECT_EQ(jobs().stats(kT0 + 150).value().running, 2u);
}

TEST_P(JobQueueConformance, RemoveBucketRemovesEveryJobOfTheBucketOnly) {
  end_job(jobs(), 1, JobStatus::kSucceeded, kT0, "bucket-a", "fn");
  submit_job(jobs(), make_job(job_id(2), kT0, "bucket-a", "other"));
  submit_job(jobs(), make_job(job_id(3), kT0, "bucket-b", "fn"));
  NewJob keyed = make_job(job_id(4), kT0, "bucket-a", "fn");
  keyed.idempotency_key = "key";
  submit_job(jobs(), keyed);

  ASSERT_TRUE(jobs().remove_bucket("bucket-a").has_value());
  EXPECT_EQ(list_all(jobs(), {}, 10), std::vector<std::string>{job_id(3)});
  EXPECT_EQ(jobs().stats(kT0).value().succeeded, 0u);
  EXPECT_TRUE(jobs().remove_bucket("bucket-none").has_value());
  // The bucket starts afresh: its idempotency keys are free.
  NewJob again = make_job(job_id(5), kT0 + 1, "bucket-a", "fn");
  again.idempotency_key = "key";
  EXPECT_TRUE(jobs().submit(again, kT0 - kDay).value().created);
}

}  // namespace
}  // namespace wasmfaas::state
