// The job queue's conformance suite, part one: submit, get, list, lease,
// renew and finish on one node (part two, job_queue_conformance_ends_test.cpp:
// what follows the end of a job; part three,
// job_queue_conformance_nodes_test.cpp: threads, nodes, reopening,
// migration). Instantiated here for trigger_state_backends().
#include <set>

#include "unit/state/trigger_state_conformance.h"

namespace wasmfaas::state {
namespace {

INSTANTIATE_TEST_SUITE_P(Backends, JobQueueConformance, trigger_state_backends(), backend_name);

void expect_same_submission(const NewJob& stored, const NewJob& submitted) {
  EXPECT_EQ(stored.id, submitted.id);
  EXPECT_EQ(stored.bucket, submitted.bucket);
  EXPECT_EQ(stored.key, submitted.key);
  EXPECT_EQ(stored.version, submitted.version);
  EXPECT_EQ(stored.input, submitted.input);
  EXPECT_EQ(stored.idempotency_key, submitted.idempotency_key);
  EXPECT_EQ(stored.callback_url, submitted.callback_url);
  EXPECT_EQ(stored.source, submitted.source);
  EXPECT_EQ(stored.max_attempts, submitted.max_attempts);
  EXPECT_EQ(stored.backoff_initial_ms, submitted.backoff_initial_ms);
  EXPECT_EQ(stored.backoff_max_ms, submitted.backoff_max_ms);
  EXPECT_EQ(stored.created_ms, submitted.created_ms);
  EXPECT_EQ(stored.run_at_ms, submitted.run_at_ms);
  EXPECT_EQ(stored.expires_at_ms, submitted.expires_at_ms);
}

TEST_P(JobQueueConformance, SubmitStoresEveryFieldAndGetReadsItBack) {
  NewJob full = make_job(job_id(1));
  full.version = "v3";
  constexpr char kInput[] = "bytes \0\xff\x01 and more";
  full.input = std::string(kInput, sizeof kInput - 1);
  full.idempotency_key = "order-17";
  full.callback_url = "https://example.com/hook?x=1";
  full.source = "schedule:nightly";
  full.max_attempts = 7;
  full.backoff_initial_ms = 250;
  full.backoff_max_ms = 9000;
  full.run_at_ms = kT0 + 5000;
  full.expires_at_ms = kT0 + 3 * kDay;
  auto submitted = jobs().submit(full, kT0 - kDay);
  ASSERT_TRUE(submitted.has_value()) << submitted.error().message;
  EXPECT_TRUE(submitted->created);
  for (const JobRecord& record : {submitted->record, get_job(jobs(), full.id)}) {
    expect_same_submission(record.job, full);
    EXPECT_EQ(record.status, JobStatus::kQueued);
    EXPECT_EQ(record.attempts, 0u);
    EXPECT_EQ(record.updated_ms, full.created_ms);
    EXPECT_EQ(record.started_ms, std::nullopt);
    EXPECT_EQ(record.finished_ms, std::nullopt);
    EXPECT_EQ(record.lease_owner, std::nullopt);
    EXPECT_EQ(record.version_ran, std::nullopt);
    EXPECT_EQ(record.output, std::nullopt);
    EXPECT_EQ(record.error_code, std::nullopt);
    EXPECT_EQ(record.error_message, std::nullopt);
    EXPECT_EQ(record.callback_state, CallbackState::kNone);
    EXPECT_EQ(record.callback_attempts, 0u);
    EXPECT_EQ(record.callback_result, std::nullopt);
  }

  const NewJob bare = make_job(job_id(2));
  const JobRecord stored = submit_job(jobs(), bare);
  expect_same_submission(stored.job, bare);
  expect_same_submission(get_job(jobs(), bare.id).job, bare);
  EXPECT_EQ(get_job(jobs(), bare.id).job.version, std::nullopt);
  EXPECT_EQ(get_job(jobs(), bare.id).job.callback_url, std::nullopt);

  EXPECT_EQ(jobs().get("job-missing").value(), std::nullopt);
}

TEST_P(JobQueueConformance, AnIdempotencyKeyWithinTheWindowReturnsTheEarlierJob) {
  NewJob first = make_job(job_id(1), kT0);
  first.idempotency_key = "key";
  ASSERT_TRUE(submit_job(jobs(), first).job.id == first.id);

  // Within the window (created at or after `since`): the first job, nothing new.
  NewJob again = make_job(job_id(2), kT0 + 1000);
  again.idempotency_key = "key";
  again.input = "different input";
  for (int64_t since : {kT0 - 1, kT0}) {
    auto repeated = jobs().submit(again, since);
    ASSERT_TRUE(repeated.has_value()) << repeated.error().message;
    EXPECT_FALSE(repeated->created);
    EXPECT_EQ(repeated->record.job.id, first.id);
    EXPECT_EQ(repeated->record.job.input, first.input);
  }
  EXPECT_EQ(jobs().get(again.id).value(), std::nullopt);

  // The same key in another bucket, and jobs without a key, are unrelated.
  NewJob elsewhere = make_job(job_id(3), kT0 + 1000, "bucket-b");
  elsewhere.idempotency_key = "key";
  EXPECT_TRUE(jobs().submit(elsewhere, kT0 - 1).value().created);
  EXPECT_TRUE(jobs().submit(make_job(job_id(4), kT0 + 1000), kT0 - 1).value().created);
  EXPECT_TRUE(jobs().submit(make_job(job_id(5), kT0 + 1000), kT0 - 1).value().created);

  // Older than the window: the key is free again.
  auto renewed = jobs().submit(again, kT0 + 1);
  ASSERT_TRUE(renewed.has_value()) << renewed.error().message;
  EXPECT_TRUE(renewed->created);
  EXPECT_EQ(renewed->record.job.id, again.id);
  EXPECT_EQ(get_job(jobs(), again.id).job.input, "different input");
  // ...and the newer job is the one the key now finds.
  NewJob third = make_job(job_id(6), kT0 + 2000);
  third.idempotency_key = "key";
  auto found = jobs().submit(third, kT0 + 500);
  ASSERT_TRUE(found.has_value()) << found.error().message;
  EXPECT_FALSE(found->created);
  EXPECT_EQ(found->record.job.id, again.id);
}

TEST_P(JobQueueConformance, AnIdempotentRepeatReturnsTheJobAsItIsNow) {
  NewJob job = make_job(job_id(1));
  job.idempotency_key = "key";
  submit_job(jobs(), job);
  ASSERT_EQ(jobs().lease(lease_for("node-a", kT0, kT0 + 100), 1).value().size(), 1u);
  NewJob repeat = make_job(job_id(2), kT0 + 10);
  repeat.idempotency_key = "key";
  const auto repeated = jobs().submit(repeat, kT0).value();
  EXPECT_FALSE(repeated.created);
  EXPECT_EQ(repeated.record.job.id, job.id);
  EXPECT_EQ(repeated.record.status, JobStatus::kRunning);
  EXPECT_EQ(repeated.record.attempts, 1u);
}

TEST_P(JobQueueConformance, ListsNewestFirstWithFiltersPagesAndACursor) {
  struct Expected {
    std::string id, bucket, key;
    JobStatus status;
  };
  std::vector<Expected> model;
  const std::vector<std::string> buckets = {"bucket-a", "bucket-b"};
  const std::vector<std::string> keys = {"fn", "other", "third"};
  for (int number = 0; number < 36; ++number) {
    const auto& bucket = buckets[number % 2];
    const auto& key = keys[(number / 2) % 3];
    submit_job(jobs(), make_job(job_id(number), kT0 + number, bucket, key));
    model.push_back({job_id(number), bucket, key, JobStatus::kQueued});
  }
  // Some running (the 6 oldest), some cancelled (every fifth).
  ASSERT_EQ(jobs().lease(lease_for("node", kT0 + 5, kT0 + 1000), 6).value().size(), 6u);
  for (int number = 0; number < 6; ++number) model[number].status = JobStatus::kRunning;
  for (int number = 10; number < 36; number += 5) {
    ASSERT_EQ(jobs().cancel(job_id(number), kT0 + 50).value()->status, JobStatus::kCancelled);
    model[number].status = JobStatus::kCancelled;
  }

  std::vector<std::optional<std::string>> bucket_filters = {std::nullopt, "bucket-a", "bucket-b",
                                                            "bucket-none"};
  std::vector<std::optional<std::string>> key_filters = {std::nullopt, "fn", "other"};
  std::vector<std::optional<JobStatus>> status_filters = {
      std::nullopt, JobStatus::kQueued, JobStatus::kRunning, JobStatus::kCancelled};
  for (const auto& bucket : bucket_filters) {
    for (const auto& key : key_filters) {
      for (const auto& status : status_filters) {
        const JobFilter filter{bucket, key, status};
        std::vector<std::string> expected;
        for (auto it = model.rbegin(); it != model.rend(); ++it) {
          if ((!bucket || *bucket == it->bucket) && (!key || *key == it->key) &&
              (!status || *status == it->status)) {
            expected.push_back(it->id);
          }
        }
        const std::string shown = bucket.value_or("*") + "/" + key.value_or("*") + "/" +
                                  std::string(status ? job_status_name(*status) : "*");
        EXPECT_EQ(list_all(jobs(), filter, 4), expected) << shown;
        EXPECT_EQ(list_all(jobs(), filter, 1000), expected) << shown;
      }
    }
  }

  // A page: newest first, a cursor when more follow, records complete.
  const auto first = jobs().list({}, std::nullopt, 3).value();
  EXPECT_EQ(ids_of(first.jobs), (std::vector<std::string>{job_id(35), job_id(34), job_id(33)}));
  ASSERT_TRUE(first.next_cursor.has_value());
  EXPECT_EQ(first.jobs[1].job.input, make_job(job_id(34)).input);
  const auto second = jobs().list({}, first.next_cursor, 2).value();
  EXPECT_EQ(ids_of(second.jobs), (std::vector<std::string>{job_id(32), job_id(31)}));
  // A cursor is an id: only smaller ones follow, whether or not it exists.
  EXPECT_EQ(ids_of(jobs().list({}, std::string("job-00002x"), 10).value().jobs),
            (std::vector<std::string>{job_id(2), job_id(1), job_id(0)}));
  const auto last = jobs().list({}, job_id(1), 10).value();
  EXPECT_EQ(ids_of(last.jobs), std::vector<std::string>{job_id(0)});
  EXPECT_FALSE(last.next_cursor.has_value());
  EXPECT_TRUE(jobs().list({}, job_id(0), 10).value().jobs.empty());

  auto no_limit = jobs().list({}, std::nullopt, 0);
  ASSERT_FALSE(no_limit.has_value());
  EXPECT_EQ(no_limit.error().code, ErrorCode::kInvalidArgument);
}

TEST_P(JobQueueConformance, LeaseTakesDueJobsOldestRunAtFirst) {
  const std::vector<int64_t> run_at = {kT0 + 30, kT0 + 10, kT0 + 20, kT0 + 100, kT0 + 50};
  for (size_t index = 0; index < run_at.size(); ++index) {
    NewJob job = make_job(job_id(static_cast<int>(index)), kT0);
    job.run_at_ms = run_at[index];
    submit_job(jobs(), job);
  }
  // Nothing is due before its run_at.
  EXPECT_TRUE(jobs().lease(lease_for("node-a", kT0 + 9, kT0 + 1000), 10).value().empty());

  const int64_t now = kT0 + 50;  // run_at == now is due
  const auto two = jobs().lease(lease_for("node-a", now, now + 1000), 2).value();
  EXPECT_EQ(ids_of(two), (std::vector<std::string>{job_id(1), job_id(2)}));
  const auto rest = jobs().lease(lease_for("node-b", now, now + 2000), 10).value();
  EXPECT_EQ(ids_of(rest), (std::vector<std::string>{job_id(0), job_id(4)}));
  for (const auto& record : rest) {
    EXPECT_EQ(record.status, JobStatus::kRunning);
    EXPECT_EQ(record.lease_owner, "node-b");
    EXPECT_EQ(record.lease_until_ms, now + 2000);
    EXPECT_EQ(record.attempts, 1u);
    EXPECT_EQ(record.started_ms, now);
    EXPECT_EQ(record.updated_ms, now);
    EXPECT_EQ(record.job.input, make_job(record.job.id).input);
  }
  const JobRecord stored = get_job(jobs(), job_id(1));
  EXPECT_EQ(stored.status, JobStatus::kRunning);
  EXPECT_EQ(stored.lease_owner, "node-a");
  EXPECT_EQ(stored.lease_until_ms, now + 1000);
  EXPECT_EQ(stored.attempts, 1u);
  EXPECT_EQ(stored.started_ms, now);

  // Leased jobs are not due while their lease lasts; the future one is not due.
  EXPECT_TRUE(jobs().lease(lease_for("node-c", now + 49, now + 5000), 10).value().empty());
  const auto later = jobs().lease(lease_for("node-c", now + 50, now + 5000), 10).value();
  EXPECT_EQ(ids_of(later), std::vector<std::string>{job_id(3)});
  EXPECT_EQ(get_job(jobs(), job_id(3)).status, JobStatus::kRunning);
}

TEST_P(JobQueueConformance, AJobWhoseLeaseEndedIsLeasedAgainWithTheNextAttempt) {
  submit_job(jobs(), make_job(job_id(1)));
  ASSERT_EQ(jobs().lease(lease_for("node-a", kT0, kT0 + 100), 5).value().size(), 1u);
  // A lease lasts up to and including its until.
  EXPECT_TRUE(jobs().lease(lease_for("node-b", kT0 + 100, kT0 + 200), 5).value().empty());
  const auto again = jobs().lease(lease_for("node-b", kT0 + 101, kT0 + 300), 5).value();
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].attempts, 2u);
  EXPECT_EQ(again[0].lease_owner, "node-b");
  EXPECT_EQ(again[0].lease_until_ms, kT0 + 300);
  EXPECT_EQ(again[0].started_ms, kT0 + 101);
  EXPECT_EQ(again[0].status, JobStatus::kRunning);

  // The first owner has lost it: its finish and renew change nothing.
  EXPECT_FALSE(
      jobs().finish(job_id(1), "node-a", 1, outcome(JobStatus::kSucceeded, kT0 + 150)).value());
  EXPECT_EQ(jobs().renew("node-a", {job_id(1)}, kT0 + 999).value(),
            std::vector<std::string>{job_id(1)});
  EXPECT_EQ(get_job(jobs(), job_id(1)).lease_until_ms, kT0 + 300);
  EXPECT_TRUE(
      jobs().finish(job_id(1), "node-b", 2, outcome(JobStatus::kSucceeded, kT0 + 160)).value());
  EXPECT_EQ(get_job(jobs(), job_id(1)).status, JobStatus::kSucceeded);
}

TEST_P(JobQueueConformance, RenewExtendsTheLeasesTheOwnerHoldsAndReturnsTheLostOnes) {
  for (int number = 1; number <= 3; ++number) {
    submit_job(jobs(), make_job(job_id(number), kT0 - 10 + number));
  }
  ASSERT_EQ(jobs().lease(lease_for("node-a", kT0, kT0 + 100), 2).value().size(), 2u);
  ASSERT_EQ(jobs().lease(lease_for("node-b", kT0, kT0 + 100), 1).value().size(), 1u);

  EXPECT_TRUE(jobs().renew("node-a", {}, kT0 + 500).value().empty());
  const auto lost =
      jobs().renew("node-a", {job_id(1), job_id(2), job_id(3), "job-missing"}, kT0 + 500).value();
  EXPECT_EQ(std::set<std::string>(lost.begin(), lost.end()),
            (std::set<std::string>{job_id(3), "job-missing"}));
  EXPECT_EQ(get_job(jobs(), job_id(1)).lease_until_ms, kT0 + 500);
  EXPECT_EQ(get_job(jobs(), job_id(2)).lease_until_ms, kT0 + 500);
  EXPECT_EQ(get_job(jobs(), job_id(3)).lease_until_ms, kT0 + 100);  // node-b's
  EXPECT_EQ(get_job(jobs(), job_id(1)).lease_owner, "node-a");
  // A renewed lease keeps the job from others.
  EXPECT_EQ(ids_of(jobs().lease(lease_for("node-c", kT0 + 200, kT0 + 900), 5).value()),
            std::vector<std::string>{job_id(3)});

  // A finished job is no longer held.
  ASSERT_TRUE(
      jobs().finish(job_id(2), "node-a", 1, outcome(JobStatus::kSucceeded, kT0 + 210)).value());
  EXPECT_EQ(jobs().renew("node-a", {job_id(1), job_id(2)}, kT0 + 800).value(),
            std::vector<std::string>{job_id(2)});
  EXPECT_EQ(get_job(jobs(), job_id(1)).lease_until_ms, kT0 + 800);
}

TEST_P(JobQueueConformance, FinishRecordsTheOutcomeOnlyForTheLeaseHolderAndAttempt) {
  submit_job(jobs(), make_job(job_id(1)));
  ASSERT_EQ(jobs().lease(lease_for("node-a", kT0 + 10, kT0 + 1000), 1).value().size(), 1u);
  AttemptOutcome succeeded = outcome(JobStatus::kSucceeded, kT0 + 20);
  succeeded.version_ran = "v7";
  succeeded.output = std::string("out\0put", 7);

  EXPECT_FALSE(jobs().finish(job_id(1), "node-b", 1, succeeded).value());  // another owner
  EXPECT_FALSE(jobs().finish(job_id(1), "node-a", 2, succeeded).value());  // another attempt
  EXPECT_FALSE(jobs().finish("job-missing", "node-a", 1, succeeded).value());
  JobRecord unchanged = get_job(jobs(), job_id(1));
  EXPECT_EQ(unchanged.status, JobStatus::kRunning);
  EXPECT_EQ(unchanged.output, std::nullopt);
  EXPECT_EQ(unchanged.updated_ms, kT0 + 10);

  ASSERT_TRUE(jobs().finish(job_id(1), "node-a", 1, succeeded).value());
  const JobRecord done = get_job(jobs(), job_id(1));
  EXPECT_EQ(done.status, JobStatus::kSucceeded);
  EXPECT_EQ(done.finished_ms, kT0 + 20);
  EXPECT_EQ(done.updated_ms, kT0 + 20);
  EXPECT_EQ(done.started_ms, kT0 + 10);
  EXPECT_EQ(done.attempts, 1u);
  EXPECT_EQ(done.version_ran, "v7");
  EXPECT_EQ(done.output, std::string("out\0put", 7));
  EXPECT_EQ(done.lease_owner, std::nullopt);
  EXPECT_EQ(done.error_code, std::nullopt);
  EXPECT_EQ(done.callback_state, CallbackState::kNone);  // no callback URL
  // Once final, no second outcome and no lease.
  EXPECT_FALSE(
      jobs().finish(job_id(1), "node-a", 1, outcome(JobStatus::kFailed, kT0 + 30)).value());
  EXPECT_TRUE(jobs().lease(lease_for("node-a", kT0 + kDay, kT0 + 2 * kDay), 5).value().empty());
}

TEST_P(JobQueueConformance, FinishEndsJobsFailedOrDead) {
  for (int number = 1; number <= 2; ++number) submit_job(jobs(), make_job(job_id(number)));
  ASSERT_EQ(jobs().lease(lease_for("node", kT0, kT0 + 1000), 2).value().size(), 2u);
  AttemptOutcome failed = outcome(JobStatus::kFailed, kT0 + 5);
  failed.error_code = "trap";
  failed.error_message = "unreachable executed";
  failed.version_ran = "v1";
  ASSERT_TRUE(jobs().finish(job_id(1), "node", 1, failed).value());
  AttemptOutcome dead = outcome(JobStatus::kDead, kT0 + 6);
  dead.error_code = "timeout";
  ASSERT_TRUE(jobs().finish(job_id(2), "node", 1, dead).value());

  const JobRecord first = get_job(jobs(), job_id(1));
  EXPECT_EQ(first.status, JobStatus::kFailed);
  EXPECT_EQ(first.finished_ms, kT0 + 5);
  EXPECT_EQ(first.error_code, "trap");
  EXPECT_EQ(first.error_message, "unreachable executed");
  EXPECT_EQ(first.output, std::nullopt);
  EXPECT_EQ(first.lease_owner, std::nullopt);
  const JobRecord second = get_job(jobs(), job_id(2));
  EXPECT_EQ(second.status, JobStatus::kDead);
  EXPECT_EQ(second.finished_ms, kT0 + 6);
  EXPECT_EQ(second.error_code, "timeout");
}

TEST_P(JobQueueConformance, FinishingQueuedRetriesAtRunAtWithTheLeaseCleared) {
  NewJob job = make_job(job_id(1));
  job.callback_url = "https://example.com/hook";
  submit_job(jobs(), job);
  ASSERT_EQ(jobs().lease(lease_for("node-a", kT0, kT0 + 1000), 1).value().size(), 1u);
  AttemptOutcome retry = outcome(JobStatus::kQueued, kT0 + 10);
  retry.run_at_ms = kT0 + 500;
  retry.error_code = "trap";
  retry.error_message = "first attempt";
  retry.version_ran = "v1";
  ASSERT_TRUE(jobs().finish(job_id(1), "node-a", 1, retry).value());

  const JobRecord waiting = get_job(jobs(), job_id(1));
  EXPECT_EQ(waiting.status, JobStatus::kQueued);
  EXPECT_EQ(waiting.job.run_at_ms, kT0 + 500);
  EXPECT_EQ(waiting.lease_owner, std::nullopt);
  EXPECT_EQ(waiting.finished_ms, std::nullopt);
  EXPECT_EQ(waiting.updated_ms, kT0 + 10);
  EXPECT_EQ(waiting.attempts, 1u);
  EXPECT_EQ(waiting.error_code, "trap");
  EXPECT_EQ(waiting.error_message, "first attempt");
  EXPECT_EQ(waiting.callback_state, CallbackState::kNone);  // not final yet
  EXPECT_EQ(jobs().stats(kT0 + 10).value().queued, 1u);

  // Not due before run_at, even though the old lease would have lasted.
  EXPECT_TRUE(jobs().lease(lease_for("node-b", kT0 + 499, kT0 + 2000), 1).value().empty());
  const auto second = jobs().lease(lease_for("node-b", kT0 + 500, kT0 + 2000), 1).value();
  ASSERT_EQ(second.size(), 1u);
  EXPECT_EQ(second[0].attempts, 2u);
  EXPECT_EQ(second[0].started_ms, kT0 + 500);

  // A later success keeps the earlier attempt's error.
  AttemptOutcome succeeded = outcome(JobStatus::kSucceeded, kT0 + 600);
  succeeded.output = "ok";
  succeeded.version_ran = "v2";
  ASSERT_TRUE(jobs().finish(job_id(1), "node-b", 2, succeeded).value());
  const JobRecord done = get_job(jobs(), job_id(1));
  EXPECT_EQ(done.status, JobStatus::kSucceeded);
  EXPECT_EQ(done.output, "ok");
  EXPECT_EQ(done.version_ran, "v2");
  EXPECT_EQ(done.error_code, "trap");
  EXPECT_EQ(done.error_message, "first attempt");
  EXPECT_EQ(done.attempts, 2u);
}

TEST_P(JobQueueConformance, AnOutcomeThatIsNotAnEndIsRefused) {
  submit_job(jobs(), make_job(job_id(1)));
  ASSERT_EQ(jobs().lease(lease_for("node", kT0, kT0 + 1000), 1).value().size(), 1u);
  for (JobStatus status : {JobStatus::kRunning, JobStatus::kCancelled}) {
    auto finished = jobs().finish(job_id(1), "node", 1, outcome(status, kT0 + 1));
    EXPECT_FALSE(finished.has_value() && *finished) << job_status_name(status);
  }
  EXPECT_EQ(get_job(jobs(), job_id(1)).status, JobStatus::kRunning);
  EXPECT_EQ(get_job(jobs(), job_id(1)).lease_owner, "node");
}

}  // namespace
}  // namespace wasmfaas::state
