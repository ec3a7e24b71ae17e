#pragma once

#include <mutex>

#include "state/job_queue.h"
#include "state/sqlite/sqlite_connection.h"

namespace wasmfaas::state {

// The job queue of a SqliteStateDatabase, in its file's wasmfaas_jobs table,
// on its connection behind its mutex (both owned by the database, which
// outlives this). Every write is one BEGIN IMMEDIATE transaction, so the
// writes of other objects and processes on the same file take turns with it
// and a job is leased by one of them at a time. lease() and
// lease_callbacks() first look for due work with a plain read, so that an
// idle worker's poll neither writes nor takes the file's write lock.
// Thread-safe (through the shared mutex).
class SqliteJobQueue final : public JobQueue {
 public:
  SqliteJobQueue(SqliteConnection& connection, std::mutex& mutex)
      : connection_(connection), mutex_(mutex) {}

  Result<SubmittedJob> submit(const NewJob& job, int64_t idempotency_since_ms) override;
  Result<std::optional<JobRecord>> get(std::string_view id) override;
  Result<JobPage> list(const JobFilter& filter, const std::optional<std::string>& cursor,
                       size_t limit) override;
  Result<std::vector<JobRecord>> lease(const Lease& lease, size_t limit) override;
  Result<std::vector<std::string>> renew(std::string_view owner,
                                         const std::vector<std::string>& ids,
                                         int64_t until_ms) override;
  Result<bool> finish(std::string_view id, std::string_view owner, uint32_t attempt,
                      const AttemptOutcome& outcome) override;
  Result<std::optional<JobRecord>> cancel(std::string_view id, int64_t now_ms) override;
  Result<std::optional<JobRecord>> requeue(std::string_view id, int64_t now_ms,
                                           int64_t expires_at_ms) override;
  Result<uint64_t> purge(const JobFilter& filter) override;
  Result<uint64_t> remove_finished_before(int64_t before_ms, size_t limit) override;
  Result<std::vector<JobRecord>> lease_callbacks(const Lease& lease, size_t limit) override;
  Result<bool> finish_callback(std::string_view id, std::string_view owner,
                               const CallbackOutcome& outcome) override;
  Result<QueueStats> stats(int64_t now_ms) override;
  Result<void> remove_bucket(std::string_view bucket) override;

 private:
  // These run with mutex_ held.
  Result<std::optional<JobRecord>> read_job(std::string_view id);
  // Whether `sql` (with ?1 = now) returns a row.
  Result<bool> any_row(const std::string& sql, int64_t now_ms);
  // In one write transaction: runs `pick` (?1 now, ?2 limit; returning the
  // rowids of the jobs to take, in order), then `update` on each (?1 now,
  // ?2 owner, ?3 until, ?4 the rowid; returning kSqliteJobColumns).
  Result<std::vector<JobRecord>> take(const std::string& pick, const std::string& update,
                                      const Lease& lease, size_t limit);
  // The number of rows the connection's latest statement changed.
  Result<uint64_t> changes();

  SqliteConnection& connection_;
  std::mutex& mutex_;
};

}  // namespace wasmfaas::state
