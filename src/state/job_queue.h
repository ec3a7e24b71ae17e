#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"

namespace wasmfaas::state {

// Where a job is in its life. queued: waiting until its run_at (a new job,
// or one waiting for its next attempt); running: leased by a worker;
// succeeded; failed: ended by an outcome that is not retried; dead: out of
// attempts or past its age; cancelled: removed from the queue by a user.
// The last four are final (until a user re-queues a failed or dead job).
enum class JobStatus { kQueued, kRunning, kSucceeded, kFailed, kDead, kCancelled };

// "queued", "running", "succeeded", "failed", "dead", "cancelled".
std::string_view job_status_name(JobStatus status);
std::optional<JobStatus> parse_job_status(std::string_view name);
bool is_final(JobStatus status);

// Where a job's callback is: none (no callback URL), pending (due at
// callback_due_ms), delivered, or failed (out of callback attempts).
enum class CallbackState { kNone, kPending, kDelivered, kFailed };
std::string_view callback_state_name(CallbackState state);
std::optional<CallbackState> parse_callback_state(std::string_view name);

// A job as submitted. Times are milliseconds since the Unix epoch.
struct NewJob {
  // Unique; time-ordered (triggers::new_job_id), so listing by id lists by
  // submission time.
  std::string id;
  std::string bucket;
  std::string key;
  // A pinned version; nullopt runs the version current at each attempt.
  std::optional<std::string> version;
  std::string input;
  // Unique per bucket among jobs created since the idempotency window
  // (JobQueue::submit).
  std::optional<std::string> idempotency_key;
  std::optional<std::string> callback_url;
  // Who submitted it: "api", or "schedule:<name>".
  std::string source = "api";
  // The retry policy, fixed at submission.
  uint32_t max_attempts = 3;
  int64_t backoff_initial_ms = 1000;
  int64_t backoff_max_ms = 60000;
  int64_t created_ms = 0;
  // When it may first run (normally created_ms).
  int64_t run_at_ms = 0;
  // After this, no new attempt starts: the job becomes dead.
  int64_t expires_at_ms = 0;
};

// A job as stored: what was submitted and where it is now.
struct JobRecord {
  NewJob job;
  JobStatus status = JobStatus::kQueued;
  // Attempts started so far (a running job's current attempt number).
  uint32_t attempts = 0;
  int64_t updated_ms = 0;
  // The start of the latest attempt, and the end of the job (final status).
  std::optional<int64_t> started_ms;
  std::optional<int64_t> finished_ms;
  // Set while running.
  std::optional<std::string> lease_owner;
  int64_t lease_until_ms = 0;
  // The version the latest attempt ran.
  std::optional<std::string> version_ran;
  // The output of a succeeded job.
  std::optional<std::string> output;
  // The latest failed attempt's error: the API's error name (reason) and
  // message; kept when a later attempt succeeds.
  std::optional<std::string> error_code;
  std::optional<std::string> error_message;
  CallbackState callback_state = CallbackState::kNone;
  uint32_t callback_attempts = 0;
  int64_t callback_due_ms = 0;
  // The latest callback attempt's failure, or its HTTP status.
  std::optional<std::string> callback_result;
};

// Which jobs a listing returns: every field given must match.
struct JobFilter {
  std::optional<std::string> bucket;
  std::optional<std::string> key;
  std::optional<JobStatus> status;
};

// One page of jobs, newest first (descending id). `next_cursor` is set when
// more may follow: passing it to the next list continues after this page.
struct JobPage {
  std::vector<JobRecord> jobs;
  std::optional<std::string> next_cursor;
};

// Who takes jobs (or callbacks) and until when.
struct Lease {
  std::string owner;  // unique per worker process (node id)
  int64_t now_ms = 0;
  int64_t until_ms = 0;
};

// How one attempt ended, recorded by finish().
struct AttemptOutcome {
  // kSucceeded, kFailed, kDead, or kQueued: retry at run_at_ms.
  JobStatus status = JobStatus::kSucceeded;
  int64_t now_ms = 0;
  int64_t run_at_ms = 0;
  std::optional<std::string> version_ran;
  std::optional<std::string> output;
  std::optional<std::string> error_code;
  std::optional<std::string> error_message;
};

// How one callback attempt ended: kDelivered, kFailed, or kPending (again at
// due_ms).
struct CallbackOutcome {
  CallbackState state = CallbackState::kDelivered;
  int64_t due_ms = 0;
  std::optional<std::string> result;
};

// How many jobs are in each status, and the oldest due job still queued.
struct QueueStats {
  uint64_t queued = 0;
  uint64_t running = 0;
  uint64_t succeeded = 0;
  uint64_t failed = 0;
  uint64_t dead = 0;
  uint64_t cancelled = 0;
  // run_at of the queued job due longest ago (run_at <= now), if any.
  std::optional<int64_t> oldest_due_ms;
};

// What submit did: stored `record`, or (created == false) found an earlier
// job with the same bucket and idempotency key and changed nothing.
struct SubmittedJob {
  JobRecord record;
  bool created = true;
};

// The durable job queue of async invocations, in the state database, shared
// by every node that opens the same database. Every method is one atomic,
// durable step: once it returns success the change survives kill -9.
// Workers take jobs with lease(): a job is held by one owner until its lease
// ends; renew() extends it while the attempt runs; finish() records the
// outcome only if the lease is still the caller's. A job whose lease ran out
// (its node died) is due again, so delivery is at least once.
// Thread-safe: any number of threads and nodes may call any method at once.
class JobQueue {
 public:
  virtual ~JobQueue() = default;

  // Stores `job` as queued (attempts 0, callback pending-less: kNone until
  // it finishes). When it has an idempotency key and a job of the same
  // bucket with that key was created at or after `idempotency_since_ms`,
  // returns that job instead (created = false); an older one does not
  // count (its key is free again). Two concurrent submits with the same key
  // create one job.
  virtual Result<SubmittedJob> submit(const NewJob& job, int64_t idempotency_since_ms) = 0;

  virtual Result<std::optional<JobRecord>> get(std::string_view id) = 0;

  // Up to `limit` (>= 1) jobs matching `filter`, newest first, after
  // `cursor` (an id: only jobs with smaller ids) when one is given.
  virtual Result<JobPage> list(const JobFilter& filter, const std::optional<std::string>& cursor,
                               size_t limit) = 0;

  // Takes up to `limit` due jobs, oldest run_at first: queued ones with
  // run_at <= now, and running ones whose lease ended before now. Each
  // becomes running under `lease` (owner, lease_until = until), with
  // attempts + 1 and started = now. No two callers get the same job while
  // its lease lasts.
  virtual Result<std::vector<JobRecord>> lease(const Lease& lease, size_t limit) = 0;

  // Extends to `until_ms` the leases `owner` still holds on `ids` (running,
  // owned by it); returns the ids whose lease it no longer holds.
  virtual Result<std::vector<std::string>> renew(std::string_view owner,
                                                 const std::vector<std::string>& ids,
                                                 int64_t until_ms) = 0;

  // Records the end of attempt `attempt` of job `id`: only when the job is
  // still running under `owner` with that attempt number (false, nothing
  // changed, otherwise: the lease was lost and the job may run again
  // elsewhere). A final status sets finished_ms; kQueued clears the lease
  // and sets run_at. When the status is final and the job has a callback
  // URL, its callback becomes pending, due at once.
  virtual Result<bool> finish(std::string_view id, std::string_view owner, uint32_t attempt,
                              const AttemptOutcome& outcome) = 0;

  // Cancels a queued job (status cancelled, finished now). Returns the job
  // as it is afterwards (its status tells whether it was cancelled: a job
  // no longer queued is left alone), or nullopt when there is none.
  virtual Result<std::optional<JobRecord>> cancel(std::string_view id, int64_t now_ms) = 0;

  // Queues a failed or dead job again: attempts 0, run_at now, expires_at
  // `expires_at_ms`, output, error and finished cleared, callback back to
  // kNone (or pending again when it finishes). Returns the job as it is
  // afterwards (a job in another status is left alone), or nullopt.
  virtual Result<std::optional<JobRecord>> requeue(std::string_view id, int64_t now_ms,
                                                   int64_t expires_at_ms) = 0;

  // Removes every job in `status` (a final one) matching the bucket and key
  // of `filter` when given; returns how many.
  virtual Result<uint64_t> purge(const JobFilter& filter) = 0;

  // Removes up to `limit` jobs in a final status that finished before
  // `before_ms` (retention); returns how many.
  virtual Result<uint64_t> remove_finished_before(int64_t before_ms, size_t limit) = 0;

  // Takes up to `limit` jobs whose callback is pending and due (due <= now),
  // leased to `lease.owner` until `lease.until_ms` as lease() does jobs
  // (a callback being sent by a live owner is not taken), oldest due first;
  // each has callback_attempts + 1.
  virtual Result<std::vector<JobRecord>> lease_callbacks(const Lease& lease, size_t limit) = 0;

  // Records a callback attempt's outcome, if `owner` still holds it.
  virtual Result<bool> finish_callback(std::string_view id, std::string_view owner,
                                       const CallbackOutcome& outcome) = 0;

  virtual Result<QueueStats> stats(int64_t now_ms) = 0;

  // Removes every job of `bucket` (when the bucket itself is deleted).
  virtual Result<void> remove_bucket(std::string_view bucket) = 0;
};

}  // namespace wasmfaas::state
